"""The library's tables, kept current: every stored indicator is a member of one canonical indicator.

:func:`index_documents` runs inside the transaction that stores a document
(``store.write``), so a document is never stored without its memberships:
its names' keys are looked up (a key is grouped once, the first time it is
seen), and only keys never seen before are compared with the bucket's
leaders. :func:`rebuild` groups everything again from scratch, the most
common spellings leading (migration 0004, ``jixiao library rebuild``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, delete, insert, select, text

from ..store.schema import DocumentRow, IndicatorRow, LibraryIndicatorRow, LibraryKeyRow, LibraryMemberRow
from .group import Grouper, measure_key
from .normalize import Bucket, bucket

__all__ = ["bucket_name", "has_library", "index_documents", "rebuild", "sync_latest"]

_CHUNK = 500
_HAS_LIBRARY: set[str] = set()


def has_library(conn: Connection) -> bool:
    """Whether the database has the library's tables (schema 0004 on): a database the store opened does.

    Only a write into an older schema (the upgrade tests do that) finds
    none. A yes is remembered per database; a no is asked again, as the
    database may be upgraded meanwhile.
    """
    url = conn.engine.url.render_as_string()
    if url in _HAS_LIBRARY:
        return True
    if conn.dialect.name == "sqlite":
        found = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'library_members'").first()
    else:
        found = conn.exec_driver_sql("SELECT to_regclass('library_members')").scalar()
    if found:
        _HAS_LIBRARY.add(url)
    return bool(found)


def bucket_name(b: Bucket) -> str:
    """How a bucket is stored: ``"产出/数量"``, ``"产出/"`` when there is no 二级."""
    return f"{b[0] or ''}/{b[1] or ''}"


class _Keys:
    """(bucket, measure key) of indicator rows, each distinct label and name worked out once.

    One for the process (:data:`_KEYS`): names repeat across documents (用户满意度 in most), and
    working a key out again on every import was most of the library's share of an import.
    """

    def __init__(self) -> None:
        self._buckets: dict[tuple, Bucket] = {}
        self._keys: dict[str | None, str] = {}

    def __call__(self, level1, code1, level2, code2, name) -> tuple[Bucket, str]:
        labels = (level1, code1, level2, code2)
        b = self._buckets.get(labels)
        if b is None:
            b = bucket(level1, level2, code1, code2)
            if len(self._buckets) < 50_000:
                self._buckets[labels] = b
        k = self._keys.get(name)
        if k is None:
            k = measure_key(name)
            if len(self._keys) < 200_000:
                self._keys[name] = k
        return b, k


_KEYS = _Keys()

_INDICATOR_COLUMNS = (IndicatorRow.id, IndicatorRow.document_id, IndicatorRow.level1, IndicatorRow.level1_code,
                      IndicatorRow.level2, IndicatorRow.level2_code, IndicatorRow.name)


def _chunks(items: Sequence, n: int = _CHUNK) -> Iterable[Sequence]:
    for k in range(0, len(items), n):
        yield items[k:k + n]


def _new_indicators(conn: Connection, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    t = LibraryIndicatorRow.__table__
    return list(conn.execute(insert(t).returning(t.c.id, sort_by_parameter_order=True), rows).scalars())


def index_documents(conn: Connection, document_ids: Sequence[int]) -> int:
    """Put every named indicator of these documents in its canonical indicator; return how many.

    Runs in the caller's transaction. A key another writer adds at the same
    moment makes this transaction fail on ``uq_library_keys_bucket_key``; the
    store's writer retries it, and then finds the key.
    """
    keys = _KEYS
    members: list[tuple[int, int, Bucket, str, str, tuple]] = []
    ph = "?" if conn.dialect.name == "sqlite" else "%s"
    # straight on the driver: SQLAlchemy's per-row result processing was a third of the library's import cost
    rows = conn.exec_driver_sql(f"SELECT {_SELECTED} FROM indicators "
                                f"WHERE document_id IN ({', '.join([ph] * len(document_ids))})",
                                tuple(document_ids)).fetchall()
    for iid, did, l1, c1, l2, c2, name, pid, kind, number, unit, cmp in rows:
        b, k = keys(l1, c1, l2, c2, name)
        if k:
            members.append((iid, did, b, k, name, _figure(pid, kind, number, unit, cmp)))
    if not members:
        return 0
    wanted = Counter((bucket_name(b), k) for _i, _d, b, k, _n, _f in members)
    known: dict[tuple[str, str], int] = {}
    # these two lookups straight on the driver too: building and compiling an expanding IN per
    # document was most of what was left of the library's share of an import that is not SQLite's
    for part in _chunks(sorted({k for _b, k in wanted})):
        for bname, k, lid in conn.exec_driver_sql(f"SELECT bucket, key, library_id FROM library_keys "
                                                  f"WHERE key IN ({', '.join([ph] * len(part))})", tuple(part)):
            if (bname, k) in wanted:
                known[(bname, k)] = lid
    new = [bk for bk in wanted if bk not in known]
    if new:
        _group_new(conn, new, wanted, members, known)
    latest = {d: bool(v) for d, v in conn.exec_driver_sql(
        f"SELECT id, is_latest FROM documents WHERE id IN ({', '.join([ph] * len(document_ids))})",
        tuple(document_ids))}
    _insert_members(conn, [(i, d, known[(bucket_name(b), k)], *f, latest[d]) for i, d, b, k, _n, f in members])
    return len(members)


def sync_latest(conn: Connection, source_path: str) -> None:
    """Members of every version of ``source_path`` take their document's ``is_latest`` again: after a
    new version retires the old one, or a delete makes the one before it the latest again."""
    conn.execute(text("UPDATE library_members SET latest = (SELECT d.is_latest FROM documents d "
                      "WHERE d.id = library_members.document_id) "
                      "WHERE document_id IN (SELECT id FROM documents WHERE source_path = :p)"), {"p": source_path})


_SELECTED = ("id, document_id, level1, level1_code, level2, level2_code, name, project_id, annual_kind, "
             "annual_number, annual_unit, annual_comparator")
_MEMBER_COLUMNS = "indicator_id, document_id, library_id, project_id, kind, comparator, number, unit, latest"


def _figure(project_id: int, kind: str | None, number: float | None, unit: str | None,
            comparator: str | None) -> tuple:
    """(project_id, kind, comparator, number, unit) as a member keeps them: a figure only for a
    quantitative target."""
    if kind == "quantitative" and number is not None:
        return project_id, kind, comparator, number, unit or ""
    return project_id, kind, comparator, None, None


def _insert_members(conn: Connection, rows: list[tuple]) -> None:
    """Member rows (see _MEMBER_COLUMNS): COPY on PostgreSQL, the driver's executemany on SQLite."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        with conn.connection.driver_connection.cursor() as cur, \
                cur.copy(f"COPY library_members ({_MEMBER_COLUMNS}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        return
    conn.exec_driver_sql(f"INSERT INTO library_members ({_MEMBER_COLUMNS}) VALUES ({', '.join('?' * 9)})", rows)


def _group_new(conn: Connection, new: list[tuple[str, str]], counts: Counter, members: list,
               known: dict[tuple[str, str], int]) -> None:
    """Keys never seen: join a stored leader's group, else lead a new canonical indicator."""
    buckets = {bucket_name(b): b for _i, _d, b, _k, _n, _f in members}
    first_name = {}
    for _i, _d, b, k, n, _f in members:
        first_name.setdefault((bucket_name(b), k), " ".join(n.split()))
    g = Grouper()
    for part in _chunks(sorted({b for b, _k in new})):
        for lid, bname, key in conn.execute(select(LibraryIndicatorRow.id, LibraryIndicatorRow.bucket,
                                                   LibraryIndicatorRow.key)
                                            .where(LibraryIndicatorRow.bucket.in_(part))
                                            .order_by(LibraryIndicatorRow.id)):
            g.add_leader(buckets[bname], key, lid)
    for bname, k in sorted(new, key=lambda bk: (-counts[bk], bk)):
        b = buckets[bname]
        lid = g.find(b, k)
        if lid is None:
            (lid,) = _new_indicators(conn, [{"bucket": bname, "level1": b[0], "level2": b[1], "key": k,
                                             "name": first_name[(bname, k)]}])
            g.add_leader(b, k, lid)
        known[(bname, k)] = lid  # type: ignore[assignment]
    # in one order for every writer: two importers adding the same new keys wait for each other on the
    # unique index; in different orders each could wait for the other (a deadlock on PostgreSQL)
    conn.execute(insert(LibraryKeyRow.__table__),
                 [{"bucket": bname, "key": k, "library_id": known[(bname, k)]} for bname, k in sorted(new)])


def rebuild(conn: Connection) -> int:
    """Group every stored indicator again, most common spellings leading; return the number of members."""
    for t in (LibraryMemberRow, LibraryKeyRow, LibraryIndicatorRow):
        conn.execute(delete(t))
    keys = _KEYS
    members: list[tuple[int, int, str, str, tuple]] = []
    counts: Counter = Counter()
    names: dict[tuple[str, str], Counter] = {}
    buckets: dict[str, Bucket] = {}
    rows = conn.exec_driver_sql(f"SELECT {_SELECTED} FROM indicators ORDER BY id")
    for iid, did, l1, c1, l2, c2, name, pid, kind, number, unit, cmp in rows:
        b, k = keys(l1, c1, l2, c2, name)
        if not k:
            continue
        bname = bucket_name(b)
        buckets[bname] = b
        members.append((iid, did, bname, k, _figure(pid, kind, number, unit, cmp)))
        counts[(bname, k)] += 1
        names.setdefault((bname, k), Counter())[" ".join(name.split())] += 1
    g = Grouper()
    leaders: list[tuple[str, str]] = []
    group_of: dict[tuple[str, str], tuple[str, str]] = {}
    for bk in sorted(counts, key=lambda bk: (-counts[bk], bk)):
        lead = g.assign(buckets[bk[0]], bk[1], bk)
        if lead == bk:
            leaders.append(bk)
        group_of[bk] = lead  # type: ignore[assignment]
    # a group is called by its most common spelling (满意度's leader key may come from 服务对象满意度（%）,
    # but 用户满意度 is what most tables write)
    spelled: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for bk, lead in group_of.items():
        spelled[lead].update(names[bk])
    ids = _new_indicators(conn, [{"bucket": bname, "level1": buckets[bname][0], "level2": buckets[bname][1],
                                  "key": k, "name": min(spelled[(bname, k)].items(), key=lambda nc: (-nc[1], nc[0]))[0]}
                                 for bname, k in leaders])
    lid = dict(zip(leaders, ids, strict=True))
    if counts:
        conn.execute(insert(LibraryKeyRow.__table__),
                     [{"bucket": bname, "key": k, "library_id": lid[group_of[(bname, k)]]} for bname, k in counts])
    latest = dict(conn.execute(select(DocumentRow.id, DocumentRow.is_latest)).all())
    for part in _chunks(members, 50_000):
        _insert_members(conn, [(i, d, lid[group_of[(bname, k)]], *f, latest[d]) for i, d, bname, k, f in part])
    return len(members)
