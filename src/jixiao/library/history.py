"""The same project across years and versions: links, their confidence, and a side-by-side diff.

A project's earlier ones are found two ways:

- **versions**: earlier versions of the same file (same ``source_path``) hold
  the project under the same or a similar name (confidence = name
  similarity; 1 for the same name);
- **years**: documents of the *same department* for an earlier year (the
  document's, else the first year its project name states) hold a
  project with a *similar name* once years, numbering and asides such as
  （结转） are taken out (:func:`name_key`): rapidfuzz ``ratio`` ≥
  :data:`THRESHOLD`; confidence is that similarity, less 0.05 per year of
  distance beyond one (a 2021 project is likelier the 2022 one's ancestor
  than its 2019 namesake).

Links are stored (``project_history_links``, migration 0007) with their
method, confidence and reason, and corrected by people: a link can be
confirmed, rejected (kept, so finding again does not bring it back) or made
by hand. :func:`compare` puts money and targets side by side; targets are
matched by canonical indicator (the library), else by measure key.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Connection, text

from ..errors import UsageError
from .group import measure_key
from .query import direction

__all__ = ["THRESHOLD", "compare", "document_history", "find_earlier", "history", "name_key", "name_year",
           "set_link"]

#: name similarity (0–100, after :func:`name_key`) from which two projects of a department are one
THRESHOLD = 80.0
_YEAR = re.compile(r"[（(\[【][^）)\]】]{0,24}[）)\]】]|(?:19|20)\d{2}\s*(?:年度|年)?|第[一二三四五六七八九十\d]+期")
_NOISE = re.compile(r"[\W_\d]+")
_TO_YUAN = {"万元": 10_000.0, "元": 1.0, "千元": 1_000.0, "亿元": 100_000_000.0, None: 10_000.0}
STATUSES = ("proposed", "confirmed", "rejected")


def name_key(name: str | None) -> str:
    """A project name without its year, bracketed asides (文号, 结转, 一期), numbers and punctuation."""
    s = unicodedata.normalize("NFKC", name or "")
    return _NOISE.sub("", _YEAR.sub("", s))


_NAME_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年")


def name_year(name: str | None) -> int | None:
    """The first year a project name states (广州开放大学2023年-2024年信息化运维项目 → 2023): the year of a
    document that prints none (many tables print it only in the project names)."""
    m = _NAME_YEAR.search(name or "")
    return int(m.group(1)) if m else None


def _head(conn: Connection, project_id: int) -> Any:
    row = conn.execute(text(
        "SELECT p.id, p.name, p.total, p.fiscal, p.special, p.other, p.document_id, d.department, d.year, "
        "d.source_path, d.version, d.amount_unit, d.is_latest, d.name AS document FROM projects p "
        "JOIN documents d ON d.id = p.document_id WHERE p.id = :p"), {"p": project_id}).first()
    if row is None:
        raise UsageError(f"没有项目 P{project_id} / no project P{project_id}", code="not_found")
    return row


def find_earlier(conn: Connection, project_id: int, *, threshold: float = THRESHOLD,
                 limit: int = 10) -> list[dict[str, Any]]:
    """Candidate earlier years and versions of a project, most confident first (not stored)."""
    me = _head(conn, project_id)
    key = name_key(me.name)
    out: dict[int, dict[str, Any]] = {}
    for pid, name, version in conn.execute(text(
            "SELECT p.id, p.name, d.version FROM projects p JOIN documents d ON d.id = p.document_id "
            "WHERE d.source_path = :s AND d.version < :v"), {"s": me.source_path, "v": me.version}):
        sim = 100.0 if name == me.name else fuzz.ratio(key, name_key(name))
        if sim >= threshold:
            out[pid] = {"earlier_id": pid, "confidence": round(sim / 100, 3),
                        "reason": f"同一文件的第 {version} 版，名称相似度 {sim:.0f} / version {version} of the same "
                                  f"file, name similarity {sim:.0f}"}
    my_year = me.year or name_year(me.name)
    if me.department and my_year and key:
        for pid, name, doc_year in conn.execute(text(
                "SELECT p.id, p.name, d.year FROM projects p JOIN documents d ON d.id = p.document_id "
                "WHERE d.department = :dep AND (d.year < :y OR d.year IS NULL) AND d.is_latest = :t"),
                {"dep": me.department, "y": my_year, "t": True}):
            year = doc_year or name_year(name)
            if pid in out or pid == project_id or year is None or year >= my_year:
                continue
            sim = fuzz.ratio(key, name_key(name))
            if sim < threshold:
                continue
            conf = max(0.0, sim / 100 - 0.05 * max(0, my_year - year - 1))
            out[pid] = {"earlier_id": pid, "confidence": round(conf, 3),
                        "reason": f"同一部门 {year} 年，名称相似度 {sim:.0f} / same department, {year}, "
                                  f"name similarity {sim:.0f}"}
    return sorted(out.values(), key=lambda c: (-c["confidence"], -c["earlier_id"]))[:limit]


def _now() -> datetime:
    return datetime.now(UTC)


def link_history(conn: Connection, project_id: int) -> int:
    """Store the found candidates as proposed links (a link already there, of any status, is kept as
    it is); return how many were added. Runs in the caller's transaction."""
    have = set(conn.execute(text("SELECT earlier_id FROM project_history_links WHERE project_id = :p"),
                            {"p": project_id}).scalars())
    new = [c for c in find_earlier(conn, project_id) if c["earlier_id"] not in have]
    if new:
        conn.execute(text("INSERT INTO project_history_links (project_id, earlier_id, confidence, method, status, "
                          "reason, created_at) VALUES (:p, :e, :c, 'auto', 'proposed', :r, :at)"),
                     [{"p": project_id, "e": c["earlier_id"], "c": c["confidence"], "r": c["reason"], "at": _now()}
                      for c in new])
    return len(new)


def set_link(conn: Connection, project_id: int, earlier_id: int, status: str) -> dict[str, Any]:
    """A person's word on a link: ``confirmed`` (made by hand if it was not found), or ``rejected``."""
    if status not in ("confirmed", "rejected"):
        raise UsageError(f"未知的状态：{status}（confirmed 或 rejected）/ unknown status", code="usage")
    if project_id == earlier_id:
        raise UsageError("项目不能链接到自己 / a project cannot be its own earlier one", code="usage")
    _head(conn, project_id)
    _head(conn, earlier_id)
    found = conn.execute(text("SELECT id FROM project_history_links WHERE project_id = :p AND earlier_id = :e"),
                         {"p": project_id, "e": earlier_id}).scalar()
    if found is None:
        conn.execute(text("INSERT INTO project_history_links (project_id, earlier_id, confidence, method, status, "
                          "reason, created_at) VALUES (:p, :e, 1.0, 'manual', :s, :r, :at)"),
                     {"p": project_id, "e": earlier_id, "s": status, "at": _now(),
                      "r": "人工指定 / set by a person"})
    else:
        conn.execute(text("UPDATE project_history_links SET status = :s WHERE id = :i"), {"s": status, "i": found})
    return {"project_id": project_id, "earlier_id": earlier_id, "status": status}


def _links(conn: Connection, project_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(text(
        "SELECT l.earlier_id, l.confidence, l.method, l.status, l.reason, p.name, d.department, d.year, "
        "d.version, p.total, d.amount_unit, p.document_id FROM project_history_links l "
        "JOIN projects p ON p.id = l.earlier_id JOIN documents d ON d.id = p.document_id "
        "WHERE l.project_id = :p"), {"p": project_id}).all()
    order = {"confirmed": 0, "proposed": 1, "rejected": 2}
    items = [{"earlier_id": r[0], "confidence": r[1], "method": r[2], "status": r[3], "reason": r[4],
              "project": r[5], "department": r[6], "year": r[7] or name_year(r[5]), "version": r[8], "total": r[9],
              "amount_unit": r[10], "document_id": r[11]} for r in rows]
    return sorted(items, key=lambda i: (order.get(i["status"], 3), -(i["year"] or 0), -i["confidence"],
                                        -i["earlier_id"]))


def history(conn: Connection, project_id: int, *, save: bool = True, earlier_id: int | None = None) -> dict[str, Any]:
    """A project's earlier years and versions (found now if never looked for), and the diff with one of
    them: ``earlier_id``, else the best link not rejected. ``save``: store what is found (in the
    caller's transaction); else only read, as a review does."""
    me = _head(conn, project_id)
    if save:
        link_history(conn, project_id)
        links = _links(conn, project_id)
    else:
        stored = _links(conn, project_id)
        known = {i["earlier_id"] for i in stored}
        found = []
        for c in find_earlier(conn, project_id):
            if c["earlier_id"] not in known:
                h = _head(conn, c["earlier_id"])
                found.append({**c, "method": "auto", "status": "proposed", "project": h.name,
                              "department": h.department, "year": h.year or name_year(h.name), "version": h.version, "total": h.total,
                              "amount_unit": h.amount_unit, "document_id": h.document_id})
        links = stored + found
    chosen = earlier_id
    if chosen is None:
        usable = [i for i in links if i["status"] != "rejected"]
        chosen = usable[0]["earlier_id"] if usable else None
    return {"project_id": project_id, "project": me.name, "department": me.department,
            "year": me.year or name_year(me.name),
            "version": me.version, "links": links,
            "compare": compare(conn, chosen, project_id) if chosen is not None else None}


def _money(row: Any) -> dict[str, Any]:
    return {k: getattr(row, k) for k in ("total", "fiscal", "special", "other")}


def _targets(conn: Connection, project_id: int) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(text(
        "SELECT i.id, i.position, i.name, i.level1, i.level2, i.annual_value, i.annual_kind, i.annual_number, "
        "i.annual_unit, i.annual_comparator, m.library_id, l.level2 AS library_level2 FROM indicators i "
        "LEFT JOIN library_members m ON m.indicator_id = i.id LEFT JOIN library_indicators l ON l.id = m.library_id "
        "WHERE i.project_id = :p ORDER BY i.position"), {"p": project_id})]


def _key(t: dict[str, Any]) -> tuple:
    return ("L", t["library_id"]) if t["library_id"] is not None else ("K", measure_key(t["name"]))


def _same_text(a: str | None, b: str | None) -> bool:
    return "".join((a or "").split()) == "".join((b or "").split())


def compare(conn: Connection, earlier_id: int, later_id: int) -> dict[str, Any]:
    """Money and targets of two projects side by side.

    ``money``: each amount then and now, the change and its share (in 元, so
    万元 and 元 tables compare). ``targets``: one row per measure, matched by
    canonical indicator, else measure key; ``change`` is ``copied`` (name and
    value word for word), ``rose``/``fell`` (same unit; ``direction`` says
    which way is more ambitious: ``stricter``/``looser``), ``changed``,
    ``added`` or ``dropped``.
    """
    a, b = _head(conn, earlier_id), _head(conn, later_id)
    sa, sb = _TO_YUAN.get(a.amount_unit, 10_000.0), _TO_YUAN.get(b.amount_unit, 10_000.0)
    money = []
    for k in ("total", "fiscal", "special", "other"):
        x, y = getattr(a, k), getattr(b, k)
        change = None if x is None or y is None else y * sb - x * sa
        share = None if change is None or not x else change / (x * sa)
        money.append({"field": k, "earlier": x, "later": y, "change_yuan": change, "share": share})
    ta, tb = _targets(conn, earlier_id), _targets(conn, later_id)
    left: dict[tuple, list[dict]] = {}
    for t in ta:
        left.setdefault(_key(t), []).append(t)
    rows = []
    for index, t in enumerate(tb):
        pool = left.get(_key(t)) or []
        e = pool.pop(0) if pool else None
        rows.append(_row(e, t, index))
    for pool in left.values():
        rows.extend(_row(e, None, None) for e in pool)
    total = money[0]
    return {"earlier": {"project_id": a.id, "project": a.name, "department": a.department,
                        "year": a.year or name_year(a.name),
                        "version": a.version, "document_id": a.document_id, "amount_unit": a.amount_unit or "万元",
                        **_money(a)},
            "later": {"project_id": b.id, "project": b.name, "department": b.department,
                      "year": b.year or name_year(b.name),
                      "version": b.version, "document_id": b.document_id, "amount_unit": b.amount_unit or "万元",
                      **_money(b)},
            "money": money, "money_share": total["share"], "targets": rows,
            "counts": {k: sum(1 for r in rows if r["change"] == k)
                       for k in ("copied", "rose", "fell", "changed", "added", "dropped")}}


def _row(e: dict | None, t: dict | None, index: int | None) -> dict[str, Any]:
    x = t or e
    row = {"library_id": x["library_id"], "level1": x["level1"], "level2": x["library_level2"] or x["level2"],
           "kind": x["annual_kind"],
           "earlier_name": e and e["name"], "earlier_value": e and e["annual_value"],
           "later_name": t and t["name"], "later_value": t and t["annual_value"], "later_index": index,
           "later_indicator_id": t and t["id"], "earlier_indicator_id": e and e["id"], "direction": None}
    if e is None:
        row["change"] = "added"
    elif t is None:
        row["change"] = "dropped"
    elif _same_text(e["name"], t["name"]) and _same_text(e["annual_value"], t["annual_value"]):
        row["change"] = "copied"
    elif (e["annual_number"] is not None and t["annual_number"] is not None
          and (e["annual_unit"] or "") == (t["annual_unit"] or "") and e["annual_number"] != t["annual_number"]):
        row["change"] = "rose" if t["annual_number"] > e["annual_number"] else "fell"
        lower = direction(row["level2"], t["annual_comparator"], t["name"]) == "lower"
        row["direction"] = "stricter" if (row["change"] == "rose") != lower else "looser"
    else:
        row["change"] = "changed"
    return row


def document_history(conn: Connection, document_id: int) -> dict[tuple, Any]:
    """Each project's diff with its best earlier one, keyed ``("history", project index)``: what
    :func:`jixiao.review.review` takes among its ``peers`` for rules R53 and R54 (read only)."""
    out: dict[tuple, Any] = {}
    pids = conn.execute(text("SELECT id FROM projects WHERE document_id = :d ORDER BY position"),
                        {"d": document_id}).scalars().all()
    for pi, pid in enumerate(pids):
        h = history(conn, pid, save=False)
        if h["compare"] is not None:
            out[("history", pi)] = h["compare"]
    return out
