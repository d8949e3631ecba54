"""SQLite: a long run of writes with the WAL's checkpoints deferred to its end.

Used by ``jixiao import`` (store.importer.import_files) and the cluster import's single writer
(jixiao.batch.run). PostgreSQL and in-memory SQLite: nothing to do.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Engine, event

__all__ = ["BATCH_WAL_PAGES", "batch_writes"]

#: SQLite: WAL pages written before a checkpoint during a batch (the default is 1,000). The driver is
#: the cluster's single writer and so its limit; checkpointing every ~10 documents instead of once at
#: the end cost it 23 % of its write time (benchmarks/wal_checkpoint_bench.py). The WAL grows meanwhile
#: (4 KiB a page) and is folded back into the database, and truncated, when the batch ends.
BATCH_WAL_PAGES = 100_000


@contextlib.contextmanager
def batch_writes(engine: Engine) -> Iterator[None]:
    """SQLite: the checkpoints of a long run of writes deferred to its end (PostgreSQL: nothing to do)."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        yield  # (an in-memory database would not outlive the pool's disposal below)
        return

    def defer(dbapi_conn, _record) -> None:
        dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={BATCH_WAL_PAGES}")

    engine.dispose()  # pooled connections have the default: new ones get the listener's setting
    event.listen(engine, "connect", defer)
    try:
        yield
    finally:
        event.remove(engine, "connect", defer)
        # Closing the last connection checkpoints the WAL and removes it (SQLite does that itself) …
        engine.dispose()
    # … but another process (jixiao serve) may hold the database open: fold the WAL back now, waiting
    # a moment at most for its readers; not after an interruption, which should end at once.
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA busy_timeout=2000")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
