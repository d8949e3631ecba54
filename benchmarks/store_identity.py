"""Store identity check: what an import stores, dumped, so two versions of jixiao can be compared.

Imports the bundled samples, the test layouts and a few MB of synthetic
documents (written to a fixed directory, so both versions see the same paths)
with ``jixiao import``'s own pipeline into a fresh database, then writes every
table, row by row in id order, and the results of ``store_bench.QUERIES`` to
a dump file. Run it with each version of the code on ``PYTHONPATH`` and
``cmp`` the dumps:

    PYTHONPATH=/work/main/src .venv/bin/python benchmarks/store_identity.py sqlite /tmp/old-sqlite.dump
    .venv/bin/python benchmarks/store_identity.py sqlite /tmp/new-sqlite.dump
    cmp /tmp/old-sqlite.dump /tmp/new-sqlite.dump

Left out, as they change from run to run or with the schema version only:
``documents.imported_at`` and ``alembic_version``. SQLite's FTS5 index is
compared by its content, not its storage: every (token, entry, position) from
an ``fts5vocab`` table of kind ``instance``; the shadow tables that hold it
(``search_fts_data``, ``_idx``, ``_docsize``, ``_config``) depend on the
table's options and the order of merges, not on what is indexed.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, inspect

sys.path.insert(0, str(Path(__file__).parent))
from store_bench import QUERIES, drop_fresh, fresh_url  # noqa: E402

from jixiao.store import import_files, open_store  # noqa: E402
from jixiao.store.db import resolve_url  # noqa: E402
from jixiao.store.search import search  # noqa: E402
from jixiao.synth import LAYOUTS, iter_corpus  # noqa: E402

ROOT = Path(__file__).parents[1]
CORPUS = Path(tempfile.gettempdir()) / "jixiao-identity-corpus"
_SKIP_TABLES = {"alembic_version"}
_SKIP_COLUMNS = {("documents", "imported_at")}


def write_corpus(synth_mb: float, seed: int) -> list[str]:
    """The input files, always at the same paths (the stored source_path is the resolved path)."""
    shutil.rmtree(CORPUS, ignore_errors=True)
    CORPUS.mkdir()
    files = []
    for src in sorted((ROOT / "src" / "jixiao" / "samples").glob("*.txt")) + \
            sorted((ROOT / "tests" / "data" / "layouts").glob("*.txt")):
        dest = CORPUS / f"{src.parent.name}-{src.name}"
        shutil.copy(src, dest)
        files.append(str(dest))
    per = int(synth_mb * 1e6) // len(LAYOUTS)
    k = 0
    for layout in LAYOUTS:
        for t, _ in iter_corpus(seed, layout, per):
            dest = CORPUS / f"synth-{k:05d}.txt"
            dest.write_text(t, encoding="utf-8")
            files.append(str(dest))
            k += 1
    return files


def _tables(conn, backend: str) -> list[str]:
    names = inspect(conn).get_table_names()
    if backend == "sqlite":
        names = [n for n in names if not n.startswith("search_fts")]
    return sorted(n for n in names if n not in _SKIP_TABLES)


def dump(url: str, backend: str, out) -> dict[str, str]:
    """Write every table and every search result to ``out``; return a digest per part."""
    digests = {}
    engine = create_engine(resolve_url(url))
    with engine.connect() as conn:
        for table in _tables(conn, backend):
            cols = [c["name"] for c in inspect(conn).get_columns(table) if (table, c["name"]) not in _SKIP_COLUMNS]
            h = hashlib.sha256()
            order = "id" if "id" in cols else "1"
            for row in conn.exec_driver_sql(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}"):
                line = f"{table}\t{tuple(row)!r}\n"
                out.write(line)
                h.update(line.encode())
            digests[table] = h.hexdigest()[:16]
        if backend == "sqlite":
            conn.exec_driver_sql("CREATE VIRTUAL TABLE temp.fts_instance USING fts5vocab(main, search_fts, instance)")
            h = hashlib.sha256()
            for row in conn.exec_driver_sql("SELECT term, doc, col, offset FROM temp.fts_instance "
                                            "ORDER BY doc, offset, term"):
                line = f"search_fts\t{tuple(row)!r}\n"
                out.write(line)
                h.update(line.encode())
            digests["search_fts (fts5vocab instance)"] = h.hexdigest()[:16]
    engine.dispose()
    engine = open_store(url, create=False)
    h = hashlib.sha256()
    with engine.connect() as conn:
        for q, f in QUERIES:
            page = search(conn, q, f, limit=500)
            line = f"search\t{q}\t{f.describe()}\t{page.total}\t{page.total_exact}\t" \
                   f"{[(x.kind, x.entry_id, x.rank, x.highlights) for x in page.hits]!r}\n"
            out.write(line)
            h.update(line.encode())
    digests["searches"] = h.hexdigest()[:16]
    engine.dispose()
    return digests


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("backend", choices=("sqlite", "postgresql"))
    ap.add_argument("out")
    ap.add_argument("--synth-mb", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    files = write_corpus(args.synth_mb, args.seed)
    url = fresh_url(args.backend, "identity")
    engine = open_store(url)
    outcomes = list(import_files(engine, files, jobs=args.jobs))
    engine.dispose()
    statuses = {s: sum(o.status == s for o in outcomes) for s in {o.status for o in outcomes}}
    with open(args.out, "w", encoding="utf-8") as out:
        out.write(f"files\t{len(files)}\t{sorted(statuses.items())}\n")
        digests = dump(url, args.backend, out)
    print(f"{len(files)} files {statuses}")
    for part, d in digests.items():
        print(f"  {part:34} {d}")
    drop_fresh(args.backend, url)


if __name__ == "__main__":
    main()
