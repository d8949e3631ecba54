"""Review: check every performance target of a document against the rules R01–R54.

    >>> from jixiao.review import review, load_config
    >>> findings = review(doc)                       # list[jixiao.model.Finding]
    >>> findings = review(doc, load_config("jixiao.toml"))

``review`` is a pure function of the document and the configuration. The
rules are in :mod:`jixiao.review.rules`, registered in :data:`RULES`;
:func:`build_report` adds the summaries the reports render.
"""

from __future__ import annotations

from . import rules as _rules  # noqa: F401  (registers R01–R54)
from .config import ReviewConfig, RuleConfig, load_config
from .engine import review
from .registry import RULES, Rule
from .report import Report, build_report

__all__ = ["RULES", "Report", "ReviewConfig", "Rule", "RuleConfig", "build_report", "load_config", "review"]
