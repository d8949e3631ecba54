"""How alike an evaluation's project is to a target table's, and which indicators are the same.

Pure functions on names. The same project is printed under slightly
different names in spring and after the year (``2023年河西村特色种养补贴到户项目``
and ``河西村特色种养补贴到户项目``; a department with or without its budget code,
``219-池州市贵池区棠溪镇人民政府``), so names are compared by their keys — the
text without codes, years, spaces and punctuation — and by rapidfuzz's
similarity of those keys.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from rapidfuzz import fuzz

from ..library.normalize import name_key

__all__ = ["DEPARTMENT_MIN", "INDICATOR_MIN", "PROJECT_MIN", "department_key", "department_score",
           "indicator_pairs", "project_key", "project_score"]

#: a project name key at least this similar (0–100) is a candidate; below, two names share words, not a project
PROJECT_MIN = 80.0
#: departments (or a department and a 实施单位) at least this similar are taken as the same body
DEPARTMENT_MIN = 85.0
#: an indicator name key at least this similar is the same indicator
INDICATOR_MIN = 75.0

_CODE = re.compile(r"^[\dA-Za-z]{2,}\s*[-－—_:：]\s*")  # 219-池州市…, 219001-…
_YEAR = re.compile(r"^(?:19|20)\d{2}\s*年度?")
_PUNCT = re.compile(r"[\W_]+")


def _plain(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text))


def department_key(name: str | None) -> str:
    """A department or unit name without its budget code, spaces and punctuation."""
    if not name:
        return ""
    return _plain(_CODE.sub("", unicodedata.normalize("NFKC", name).strip()))


def project_key(name: str | None) -> str:
    """A project name without a leading year (2023年…), spaces and punctuation."""
    if not name:
        return ""
    return _plain(_YEAR.sub("", unicodedata.normalize("NFKC", name).strip()))


def department_score(a: str | None, b: str | None) -> float:
    """0–100: equal keys 100; one inside the other (县农业农村局 in 萧县农业农村局) 95; else their similarity."""
    ka, kb = department_key(a), department_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 100.0
    if ka in kb or kb in ka:
        return 95.0
    return float(fuzz.ratio(ka, kb))


def project_score(name: str | None, target_name: str | None) -> float:
    """0–100: how alike two project names are (keys equal: 100)."""
    ka, kb = project_key(name), project_key(target_name)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 100.0
    return float(max(fuzz.ratio(ka, kb), 0.95 * fuzz.token_set_ratio(ka, kb) if (ka in kb or kb in ka) else 0))


def indicator_pairs(names: Sequence[str | None], target_names: Sequence[str | None],
                    minimum: float = INDICATOR_MIN) -> list[tuple[int, int, float]]:
    """(evaluation index, target index, similarity 0–1) for each evaluation indicator that has its
    target's counterpart: best pairs first, each indicator used once on each side.

    Names are compared by :func:`jixiao.library.normalize.name_key` (numbering, ★, bracketed units and
    trailing values taken out), so ``★补助鱼塘面积`` meets ``补助鱼塘面积（亩）``.
    """
    keys = [name_key(n) for n in names]
    tkeys = [name_key(n) for n in target_names]
    scored = []
    for a, ka in enumerate(keys):
        if not ka:
            continue
        for b, kb in enumerate(tkeys):
            if not kb:
                continue
            s = 100.0 if ka == kb else float(fuzz.ratio(ka, kb))
            if s >= minimum:
                scored.append((-s, abs(a - b), a, b))  # ties: the nearer row in the table's order
    scored.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for s, _d, a, b in scored:
        if a in used_a or b in used_b:
            continue
        used_a.add(a)
        used_b.add(b)
        out.append((a, b, round(-s / 100, 3)))
    return sorted(out)
