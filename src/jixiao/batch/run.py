"""The driver of a cluster import: hand files to the workers, store what comes back, one document at a time.

Exactly once, whatever happens: the workers only compute; this process
stores each result through the store's writer (``save_prepared``), whose
transaction checks the file's bytes against what is stored. A task that a
lost worker held is run again by Dask, and its result is stored once; a
document half-written when this process was stopped was rolled back, and the
next run stores it. A file already stored under its path is only hashed on
the next run, not parsed again, so running a stopped batch again resumes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, select

from ..store.importer import ImportOutcome, _store
from ..store.schema import DocumentRow
from ..store.wal import BATCH_WAL_PAGES  # noqa: F401 (BATCH_WAL_PAGES: benchmarks)
from ..store.wal import batch_writes as _batch_writes
from .failures import clear_failures, record_failure
from .worker import WorkResult, process_file

__all__ = ["BatchStats", "run_batch"]

#: Files handed to the cluster ahead of the writer, per worker thread: enough that no worker waits,
#: few enough that 100,000 files are not all parsed into the driver's memory at once.
_AHEAD_PER_THREAD = 4


@dataclass
class BatchStats:
    """What the progress display shows: counts so far and the rate since the start."""

    total: int
    done: int = 0
    failed: int = 0
    started: float = 0.0

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 and self.done else 0.0

    @property
    def left_s(self) -> float | None:
        return (self.total - self.done) / self.rate if self.rate else None


# The checkpoints of a run of writes deferred to its end: shared with `jixiao import` (store.wal).


def _stored(engine: Engine) -> dict[str, tuple[str, int, int]]:
    """resolved path → (SHA-256, document id, version) of its latest stored version."""
    with engine.connect() as conn:
        rows = conn.execute(select(DocumentRow.source_path, DocumentRow.sha256, DocumentRow.id, DocumentRow.version)
                            .where(DocumentRow.is_latest))
        return {r.source_path: (r.sha256, r.id, r.version) for r in rows}


def _lost(e: BaseException) -> str:
    name = type(e).__name__
    if name == "KilledWorker":
        return "工作进程多次意外退出（内存不足？）/ the file's worker died each time it was tried (out of memory?)"
    return f"集群错误 / cluster error: {name}: {str(e).splitlines()[0] if str(e) else ''}"


def _outcome(engine: Engine, res: WorkResult, stored: dict) -> ImportOutcome:
    if res.unchanged:
        _sha, doc_id, version = stored[res.key]
        return ImportOutcome(res.path, "unchanged", doc_id, version)
    if res.reason is not None:
        return ImportOutcome(res.path, "failed", reason=res.reason)
    return _store(engine, res.path, res.key, res.sha256 or "", res.prepared)


def run_batch(engine: Engine, client, files: Sequence[str], *, review: bool = True, config_path: str | None = None,
              on_outcome: Callable[[ImportOutcome, BatchStats], None] | None = None) -> list[ImportOutcome]:
    """Import ``files`` on the cluster behind ``client``; outcomes in the files' order.

    Failures are remembered in ``import_failures`` (and forgotten once the file is stored).
    """
    from pathlib import Path

    from distributed import as_completed

    stats = BatchStats(total=len(files), started=time.monotonic())
    stored = _stored(engine)
    dialect = engine.dialect.name
    threads = max(1, sum(client.nthreads().values()))
    ahead = _AHEAD_PER_THREAD * threads
    outcomes: list[ImportOutcome | None] = [None] * len(files)
    keys = [str(Path(f).resolve()) for f in files]
    index = {}
    queue = iter(range(len(files)))

    def submit(i: int):
        # workers read the file by its absolute path: they may run in another directory (or machine,
        # on a shared file system)
        fut = client.submit(process_file, keys[i], dialect, review, config_path,
                            stored.get(keys[i], (None,))[0], pure=False)
        index[fut.key] = i
        return fut

    with _batch_writes(engine):
        pending = as_completed([submit(i) for i, _ in zip(range(ahead), queue, strict=False)])
        cleared: list[str] = []
        for fut in pending:
            i = index.pop(fut.key)
            try:
                res = fut.result()
            except Exception as e:  # the task itself failed on the cluster (its worker lost too often)
                res = WorkResult(files[i], keys[i], None, reason=_lost(e))
            fut.release()
            nxt = next(queue, None)
            if nxt is not None:
                pending.add(submit(nxt))
            res = WorkResult(files[i], res.key, res.sha256, res.prepared, res.reason, res.unchanged, res.seconds)
            outcome = _outcome(engine, res, stored)
            outcomes[i] = outcome
            if outcome.failed:
                stats.failed += 1
                record_failure(engine, key=keys[i], path=files[i], sha256=res.sha256, reason=outcome.reason or "")
            else:
                cleared.append(keys[i])
                if len(cleared) >= 200:
                    clear_failures(engine, cleared)
                    cleared = []
            stats.done += 1
            if on_outcome is not None:
                on_outcome(outcome, stats)
        clear_failures(engine, cleared)
    return [o for o in outcomes if o is not None]
