"""Every review rule, one module per group of the checklist (spec ``review-rules.md`` §1).

Importing this package registers R01–R50 in :data:`jixiao.review.registry.RULES`.
"""

from __future__ import annotations

from ..registry import RULES
from . import coverage, evaluation, goal, inferred, kinds, money, peers, quality, structure, values  # noqa: F401
from . import links as links  # noqa: F401  (R51, an evaluation against its target table)

# In id order, whatever the import order: the engine runs them, and the docs list them, this way.
_ordered = sorted(RULES.items())
RULES.clear()
RULES.update(_ordered)

__all__: list[str] = []
