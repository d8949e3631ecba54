"""Import: files in, one transaction per document, an outcome for every file.

read → parse → (review) → store, file by file. A file that cannot be read or
parsed is an outcome with its reason, never the end of the batch.
"""

from __future__ import annotations

import contextlib
import gc
import glob
import hashlib
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..errors import JixiaoError
from ..model import Document, Finding
from ..parse.document import parse_source
from ..read import read
from .wal import batch_writes
from .write import find_unchanged, prepare, save_prepared

__all__ = ["ImportOutcome", "expand_paths", "import_file", "import_files", "make_reviewer"]

#: Review stage, when there is one: Document → findings to store with it.
Reviewer = Callable[[Document], list[Finding]]


@dataclass(frozen=True)
class ImportOutcome:
    """``status`` is ``imported``, ``unchanged``, ``duplicate`` or ``failed`` (with ``reason``)."""

    path: str
    status: str
    document_id: int | None = None
    version: int | None = None
    projects: int = 0
    indicators: int = 0
    warnings: int = 0
    findings: int = 0
    reason: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def expand_paths(paths: Iterable[str]) -> tuple[list[str], list[ImportOutcome]]:
    """Files, folders (recursively, hidden ones skipped) and glob patterns → files, in a stable order.

    A path that names nothing is an outcome of its own, so it is reported with the rest.
    """
    files: list[str] = []
    missing: list[ImportOutcome] = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files.extend(os.path.join(root, n) for n in sorted(names) if not n.startswith("."))
        elif os.path.exists(p):
            files.append(p)
        elif glob.has_magic(p) and (hits := sorted(glob.glob(p, recursive=True))):
            files.extend(h for h in hits if os.path.isfile(h))
        else:
            missing.append(ImportOutcome(p, "failed", reason="文件不存在 / no such file or directory"))
    seen: set[str] = set()
    unique = []
    for f in files:
        key = str(Path(f).resolve())
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, missing


_HASH_LIMIT = 1 << 30  # bigger files go straight to the reader, which refuses them by size


def _digest(path: str) -> str | None:
    if os.path.getsize(path) > _HASH_LIMIT:
        return None
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


_REVIEWERS: dict[str | None, Reviewer] = {}


def make_reviewer(config_path: str | None) -> Reviewer:
    """The review stage with the configuration at ``config_path`` (None: pyproject.toml here, or defaults)."""
    if config_path not in _REVIEWERS:
        from ..review import load_config, review

        cfg = load_config(config_path)
        _REVIEWERS[config_path] = lambda doc: review(doc, cfg)
    return _REVIEWERS[config_path]


def _prepare_file(path: str, dialect: str, review: bool, config_path: str | None):
    """Read, parse, review and turn into rows: the part of an import that needs no database.

    Runs in worker processes when importing in parallel, so it returns plain
    data (a Prepared, or the reason it failed) rather than raising.
    """
    try:
        source = read(Path(path))
        doc = parse_source(source)
        findings = make_reviewer(config_path)(doc) if review else []
        return prepare(doc, findings, dialect=dialect), source.format, source.size
    except JixiaoError as e:
        return e.message
    except MemoryError:
        return "内存不足 / out of memory"
    except Exception as e:  # a bug on one odd file must not stop the batch; JIXIAO_DEBUG=1 shows it
        if os.environ.get("JIXIAO_DEBUG") == "1":
            raise
        return f"内部错误 / internal error: {type(e).__name__}: {e}"


def _database_error(e: SQLAlchemyError) -> str:
    """The driver's own first line, which names the problem; SQLAlchemy's wrapping adds only noise."""
    reason = str(e.orig if getattr(e, "orig", None) is not None else e).splitlines()[0]
    return f"数据库错误 / database error: {reason}"


def _store(engine: Engine, path: str, key: str, sha: str, prepared) -> ImportOutcome:
    if isinstance(prepared, str):
        return ImportOutcome(path, "failed", reason=prepared)
    prep, fmt, size = prepared
    try:
        saved = save_prepared(engine, prep, source_path=key, sha256=sha, size=size, fmt=fmt)
    except SQLAlchemyError as e:
        return ImportOutcome(path, "failed", reason=_database_error(e))
    if saved.status != "imported":
        reason = (f"与 D{saved.document_id} 内容相同（同一张表的另一个文件），只保留一份 / "
                  f"same table as D{saved.document_id} from another file: kept once") if saved.same_content else None
        return ImportOutcome(path, saved.status, saved.document_id, saved.version, reason=reason)
    return ImportOutcome(path, "imported", saved.document_id, saved.version, **prep.counts)


def _precheck(engine: Engine, path: str) -> tuple[str, str, ImportOutcome | None]:
    """(identity key, SHA-256, an outcome when there is nothing to do)."""
    key = str(Path(path).resolve())
    try:
        sha = _digest(path)
    except OSError as e:
        return key, "", ImportOutcome(path, "failed", reason=f"无法读取 / cannot read: {e.strerror}")
    if sha is None:
        return key, "", None
    try:
        same = find_unchanged(engine, key, sha)
    except SQLAlchemyError as e:
        return key, sha, ImportOutcome(path, "failed", reason=_database_error(e))
    if same is not None:
        return key, sha, ImportOutcome(path, same.status, same.document_id, same.version)
    return key, sha, None


def import_file(engine: Engine, path: str, *, review: bool = True, config_path: str | None = None) -> ImportOutcome:
    """Read, parse, review and store one file; every failure becomes the outcome's reason."""
    key, sha, done = _precheck(engine, path)
    if done is not None:
        return done
    return _store(engine, path, key, sha, _prepare_file(path, engine.dialect.name, review, config_path))


def import_files(engine: Engine, files: Iterable[str], *, review: bool = True, config_path: str | None = None,
                 jobs: int = 1) -> Iterator[ImportOutcome]:
    """Import each file, yielding outcomes in the files' order as soon as each is known.

    With ``jobs`` > 1, hashing, the unchanged-file check, reading, parsing,
    reviewing and building rows run in that many worker processes while this
    one stores: the database sees one writer per process and one transaction
    per document either way. On SQLite the WAL is checkpointed once, at the end, rather than every
    ~1,000 pages (store.wal): they were a fifth of the writer's time.
    """
    with batch_writes(engine), _frozen_heap():
        yield from _import_files(engine, files, review=review, config_path=config_path, jobs=jobs)


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """The objects alive when the import starts (modules, the parser's tables, SQLAlchemy's caches) left
    out of the garbage collector's full passes until it ends, and, in the parsing processes forked
    meanwhile, never touched by them: a pass writes to every object it scans, copying pages the
    processes share. 1.5–2 ms/document less CPU, in one process and in the pipeline (docs/scaling.md)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _import_files(engine: Engine, files: Iterable[str], *, review: bool, config_path: str | None,
                  jobs: int) -> Iterator[ImportOutcome]:
    if jobs <= 1:
        for f in files:
            yield import_file(engine, f, review=review, config_path=config_path)
        return
    url = _shared_url(engine)
    if review:  # loaded once here, before the workers are forked, rather than once in each of them
        make_reviewer(config_path)
    pending: deque[tuple[str, str | None, str | None, Future | ImportOutcome]] = deque()
    with ProcessPoolExecutor(max_workers=jobs, initializer=watch_parent, initargs=(os.getpid(),)) as pool:
        for f in files:
            if url is not None:
                pending.append((f, None, None, pool.submit(_check_and_prepare, url, f, engine.dialect.name, review,
                                                           config_path)))
            else:
                key, sha, done = _precheck(engine, f)
                pending.append((f, key, sha, done if done is not None else pool.submit(
                    _prepare_file, f, engine.dialect.name, review, config_path)))
            while len(pending) > 2 * jobs:  # bounded: a folder of 100,000 files is not read ahead
                yield _finish(engine, *pending.popleft())
        while pending:
            yield _finish(engine, *pending.popleft())


#: How often a worker looks for its parent: the longest a worker outlives a killed ``jixiao import``.
PARENT_CHECK_S = 0.5


def watch_parent(parent_pid: int) -> None:
    """In a worker: exit as soon as the process that started it is gone.

    A parent killed with SIGKILL cleans nothing up, and its workers would wait on the task queue (or
    finish parsing a file nobody will store) for ever: a thread here notices the parent is gone, by
    the worker being handed to another parent, and ends the worker."""
    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="jixiao-parent-watch", daemon=True).start()


def _shared_url(engine: Engine) -> str | None:
    """The database's URL for worker processes, or None when they cannot open it (in-memory SQLite)."""
    if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return None
    return engine.url.render_as_string(hide_password=False)


_WORKER_ENGINES: dict[str, Engine] = {}


def _check_and_prepare(url: str, path: str, dialect: str, review: bool, config_path: str | None):
    """In a worker: (identity key, SHA-256, the outcome when there is nothing to do, else the prepared rows).

    Checking here rather than in the writing process leaves that one only writing.
    """
    if url not in _WORKER_ENGINES:
        from .db import open_engine

        _WORKER_ENGINES[url] = open_engine(url)
    key, sha, done = _precheck(_WORKER_ENGINES[url], path)
    return key, sha, done if done is not None else _prepare_file(path, dialect, review, config_path)


def _finish(engine: Engine, path: str, key: str | None, sha: str | None, task) -> ImportOutcome:
    if isinstance(task, ImportOutcome):
        return task
    try:
        prepared = task.result()
    except BrokenProcessPool:
        return ImportOutcome(path, "failed", reason="解析进程意外退出（内存不足？）/ the worker process died (out of memory?)")
    if key is None:
        key, sha, prepared = prepared
        if isinstance(prepared, ImportOutcome):
            return prepared
    return _store(engine, path, key, sha, prepared)
