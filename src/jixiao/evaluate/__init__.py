"""Scoring self-evaluation tables by the rules (财预〔2020〕10号 and provincial variants).

``score_document(doc, profile)`` recomputes every indicator's score, the budget score and the
total from the values the table reports; a pure function, no store, no web.
"""

from __future__ import annotations

from .profile import Profile, ProfileError, load_profile, profile_names
from .result import as_json
from .score import score_document, score_project

__all__ = ["Profile", "ProfileError", "as_json", "load_profile", "profile_names", "score_document", "score_project"]
