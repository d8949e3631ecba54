"""Suggestions for writing targets: the indicators that projects like this one set, with their values.

Given a project's name and goal (text, or a stored project), the similar
projects are found by the character pairs (bigrams) their names and goals
share, weighted by how rare each pair is (idf): Chinese has no spaces, and
pairs are what 培训 / 教师培训 / 乡村教师培训 have in common. A pair found in
more than :data:`COMMON` of all projects (and :data:`COMMON_FLOOR` of them) — 项目, 建设, 资金 … — says nothing
about the kind of project and is not indexed.

Then the canonical indicators those projects use are ranked by the summed
similarity of the projects that use them (a measure used by the five most
similar projects beats one used by one of them), each with its typical
values: the median and range of the similar projects' figures in the most
used unit, and the spellings they wrote.

The index (one numpy array of project numbers per pair) is built once per
state of the store and process, like the unit costs: at 100,000 projects it
takes seconds (``benchmarks/library_bench.py``), a query milliseconds.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from statistics import median
from typing import Any

import numpy as np
from sqlalchemy import Connection, text

from ..errors import UsageError
from ..store.per_state import PerStoreState, store_state

__all__ = ["COMMON", "bigrams", "suggest", "suggest_for_project"]

#: a pair in more than this share of the projects is not indexed (it names no kind of project)
COMMON = 0.2
#: … and in more than this many: in a small store, idf alone weighs a frequent pair down enough
COMMON_FLOOR = 50
#: how much of a goal is read: its opening says what the project is; the rest repeats the indicators
GOAL_CHARS = 80
_WORD = re.compile(r"[\u3400-\u9fff]+|[A-Za-z0-9]+")
_FILLER = re.compile(r"^\d+$")


def bigrams(text_: str | None) -> set[str]:
    """The character pairs of a text's runs of Han characters (and whole Latin/number words)."""
    out: set[str] = set()
    for run in _WORD.findall(text_ or ""):
        if run.isascii():
            if not _FILLER.match(run):
                out.add(run.lower())
            continue
        out.update(run[k:k + 2] for k in range(len(run) - 1))
        if len(run) == 1:
            out.add(run)
    return out


@dataclass
class _Index:
    ids: np.ndarray  # row → project id
    postings: dict[str, np.ndarray]  # pair → rows
    idf: dict[str, float]
    norms: np.ndarray  # row → √(Σ idf² of its pairs)


_CACHE: PerStoreState[_Index] = PerStoreState()


def _index(conn: Connection) -> _Index:
    return _CACHE.get(conn, store_state(conn), lambda: _build(conn))


def _build(conn: Connection) -> _Index:
    ids: list[int] = []
    rows: dict[str, list[int]] = defaultdict(list)
    for pid, name, goal in conn.execute(text(
            "SELECT p.id, p.name, substr(p.goal, 1, :g) FROM projects p "
            "JOIN documents d ON d.id = p.document_id WHERE d.is_latest = :t ORDER BY p.id"),
            {"t": True, "g": GOAL_CHARS}):
        row = len(ids)
        ids.append(pid)
        for b in bigrams(f"{name or ''} {goal or ''}"):
            rows[b].append(row)
    n = max(len(ids), 1)
    cap = max(COMMON * n, COMMON_FLOOR)
    postings = {b: np.asarray(r, dtype=np.int32) for b, r in rows.items() if len(r) <= cap}
    idf = {b: math.log(1 + n / len(r)) for b, r in postings.items()}
    sq = np.zeros(len(ids), dtype=np.float64)
    for b, r in postings.items():
        sq[r] += idf[b] ** 2
    return _Index(np.asarray(ids, dtype=np.int64), postings, idf, np.sqrt(sq))


def similar_projects(conn: Connection, query: str, *, k: int = 30, exclude: frozenset[int] = frozenset(),
                     min_score: float = 0.15) -> list[tuple[int, float]]:
    """(project id, cosine similarity 0–1) of the ``k`` latest projects most like ``query``."""
    ix = _index(conn)
    pairs = [b for b in bigrams(query) if b in ix.postings]
    if not pairs or not len(ix.ids):
        return []
    q_norm = math.sqrt(sum(ix.idf[b] ** 2 for b in pairs))
    scores = np.zeros(len(ix.ids), dtype=np.float64)
    for b in pairs:
        scores[ix.postings[b]] += ix.idf[b] ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(ix.norms > 0, scores / (ix.norms * q_norm), 0.0)
    top = np.argpartition(-scores, min(len(scores) - 1, k * 2))[:k * 2]
    out = []
    for row in sorted(top, key=lambda r: -scores[r]):
        if scores[row] < min_score or int(ix.ids[row]) in exclude:
            continue
        out.append((int(ix.ids[row]), float(scores[row])))
        if len(out) == k:
            break
    return out


def _in(name: str, values: list[int]) -> tuple[str, dict[str, int]]:
    return ", ".join(f":{name}{j}" for j in range(len(values))), {f"{name}{j}": v for j, v in enumerate(values)}


def suggest(conn: Connection, query: str, *, k: int = 30, limit: int = 20, exclude: frozenset[int] = frozenset(),
            have: set[int] | None = None) -> dict[str, Any]:
    """The canonical indicators that the projects most like ``query`` use, most weight first.

    Each suggestion: its 一级/二级, how many of the similar projects use it
    (and their summed similarity, the rank), the spellings they wrote, and the
    typical value (median, min–max) of their figures in the unit most of them
    used, with the projects as evidence. ``have``: library ids the asking
    project already uses, marked ``present``.
    """
    if not query or not query.strip():
        raise UsageError("请给出项目名称或绩效目标 / give a project name or goal", code="usage")
    if len(query) > 5000:
        query = query[:5000]
    similar = similar_projects(conn, query, k=k, exclude=exclude)
    out: dict[str, Any] = {"query": query.strip()[:200], "similar": [], "suggestions": []}
    if not similar:
        return out
    weight = dict(similar)
    marks, params = _in("p", list(weight))
    heads = {r[0]: r for r in conn.execute(text(
        "SELECT p.id, p.name, d.department, d.year, p.total, d.amount_unit FROM projects p "
        f"JOIN documents d ON d.id = p.document_id WHERE p.id IN ({marks})"), params)}
    out["similar"] = [{"project_id": pid, "project": heads[pid][1], "department": heads[pid][2],
                       "year": heads[pid][3], "similarity": round(s, 3)} for pid, s in similar if pid in heads]
    uses: dict[int, dict[str, Any]] = {}
    for pid, lid, l1, l2, lname, name, value, number, unit in conn.execute(text(
            "SELECT i.project_id, m.library_id, l.level1, l.level2, l.name, i.name, i.annual_value, m.number, m.unit "
            "FROM indicators i JOIN library_members m ON m.indicator_id = i.id "
            f"JOIN library_indicators l ON l.id = m.library_id WHERE i.project_id IN ({marks})"), params):
        u = uses.setdefault(lid, {"library_id": lid, "level1": l1, "level2": l2, "name": lname, "projects": set(),
                                  "spellings": Counter(), "values": Counter(), "figures": defaultdict(list),
                                  "examples": []})
        u["projects"].add(pid)
        u["spellings"][name] += 1
        if value:
            u["values"][value] += 1
        if number is not None:
            u["figures"][unit or ""].append(number)
        if len(u["examples"]) < 5:
            u["examples"].append({"project_id": pid, "project": heads[pid][1], "indicator": name,
                                  "annual_value": value})
    ranked = sorted(uses.values(), key=lambda u: (-sum(weight[p] for p in u["projects"]), -len(u["projects"]),
                                                  u["library_id"]))
    for u in ranked[:limit]:
        typical = None
        if u["figures"]:
            unit, figs = max(u["figures"].items(), key=lambda kv: (len(kv[1]), kv[0]))
            typical = {"unit": unit, "n": len(figs), "median": median(figs), "min": min(figs), "max": max(figs)}
        out["suggestions"].append({
            "library_id": u["library_id"], "level1": u["level1"], "level2": u["level2"], "name": u["name"],
            "projects": len(u["projects"]), "of": len(similar),
            "weight": round(sum(weight[p] for p in u["projects"]), 3),
            "spellings": [n for n, _c in u["spellings"].most_common(3)],
            "common_values": [v for v, _c in u["values"].most_common(3)],
            "typical": typical, "present": bool(have and u["library_id"] in have), "examples": u["examples"]})
    return out


def suggest_for_project(conn: Connection, project_id: int, **kw: Any) -> dict[str, Any]:
    """:func:`suggest` for a stored project: its name and goal, itself left out, and the indicators it
    already has marked ``present``."""
    row = conn.execute(text("SELECT p.name, p.goal FROM projects p WHERE p.id = :p"), {"p": project_id}).first()
    if row is None:
        raise UsageError(f"没有项目 P{project_id} / no project P{project_id}", code="not_found")
    have = set(conn.execute(text("SELECT m.library_id FROM indicators i JOIN library_members m "
                                 "ON m.indicator_id = i.id WHERE i.project_id = :p"), {"p": project_id}).scalars())
    query = f"{row[0] or ''} {(row[1] or '')[:GOAL_CHARS]}".strip()
    if not query:
        raise UsageError(f"项目 P{project_id} 没有名称和目标 / project P{project_id} has no name or goal")
    out = suggest(conn, query, exclude=frozenset({project_id}), have=have, **kw)
    out["project_id"] = project_id
    return out
