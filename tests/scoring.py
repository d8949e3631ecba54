"""Field-by-field comparison of parsed documents with expected ones (the
rules of ../shared/tools/score.py: NFKC, no white space, no HTML tags;
numbers within 0.005; items marked uncertain are not scored)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
_SCORE_PY = SHARED / "tools" / "score.py"


def load_scorer():
    """The shared scorer as a module, or None where ../shared is absent."""
    if not _SCORE_PY.exists():
        return None
    spec = importlib.util.spec_from_file_location("jixiao_shared_score", _SCORE_PY)
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def score(scorer, name: str, gold: dict, pred: dict):
    """(f1, mismatches) of one document."""
    t = scorer.Tally()
    scorer.score_doc(name, gold, pred, t)
    f1 = 2 * t.right / (t.gold + t.pred) if (t.gold + t.pred) else 1.0
    return f1, t.misses
