"""Every review rule, one module per group of the checklist (spec ``review-rules.md`` §1).

Importing this package registers R01–R54 in :data:`jixiao.review.registry.RULES`.
"""

from __future__ import annotations

from ..registry import RULES
from . import (  # noqa: F401  (registration)
    costs,
    coverage,
    evaluation,
    goal,
    history,
    inferred,
    kinds,
    links,
    money,
    peers,
    quality,
    structure,
    values,
)

# In id order, whatever the import order: the engine runs them, and the docs list them, this way.
_ordered = sorted(RULES.items())
RULES.clear()
RULES.update(_ordered)

__all__: list[str] = []
