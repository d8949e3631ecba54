"""What a Dask worker does with one file: hash, read, parse, review, build rows.

The result is plain, picklable data (a :class:`WorkResult`): the same
``Prepared`` rows a single-process import stores, so a cluster import stores
exactly what ``jixiao import`` would. The worker never touches the database:
one writer (the driver) keeps "each document once" the store's job alone.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FAULT_ENV", "WorkResult", "process_file"]

#: Test-only fault injection, ``;``-separated: ``kill-once:NAME:FOLDER`` kills (SIGKILL) the worker that is
#: handed a file called NAME, as a lost machine would, the first time only for each such file (a marker in
#: FOLDER, named by the file's resolved path, remembers it); ``kill-always:NAME:FOLDER`` every time (a file
#: that brings down whatever worker reads it, as one too big for its memory would).
FAULT_ENV = "JIXIAO_BATCH_FAULT"


@dataclass(frozen=True)
class WorkResult:
    """One file's outcome on a worker: ``prepared`` is (Prepared, format, size), or ``reason`` says why not."""

    path: str
    key: str
    sha256: str | None
    prepared: tuple | None = None
    reason: str | None = None
    #: the file's bytes are those already stored under its path: nothing was parsed
    unchanged: bool = False
    seconds: float = 0.0


def fault_marker(folder: str, path: str) -> Path:
    """Where the fault injection remembers it has killed a worker for ``path``."""
    import hashlib

    return Path(folder) / hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()


def _maybe_die(path: str) -> None:
    for spec in os.environ.get(FAULT_ENV, "").split(";"):
        if not spec.startswith(("kill-once:", "kill-always:")):
            continue
        mode, name, folder = spec.split(":", 2)
        if os.path.basename(path) != name:
            continue
        marker = fault_marker(folder, path)
        if mode == "kill-always" or not marker.exists():
            marker.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)


def process_file(path: str, dialect: str, review: bool, config_path: str | None,
                 stored_sha: str | None = None) -> WorkResult:
    """Hash ``path``; if its bytes are not ``stored_sha`` (the latest stored under it), read → parse → review → rows.

    Never raises for a bad file: the reason comes back as data, as in ``import_files``' workers.
    """
    import time

    from ..store.importer import _digest, _prepare_file

    t0 = time.perf_counter()
    key = str(Path(path).resolve())
    try:
        sha = _digest(path)
    except OSError as e:
        return WorkResult(path, key, None, reason=f"无法读取 / cannot read: {e.strerror}")
    if sha is not None and sha == stored_sha:
        return WorkResult(path, key, sha, unchanged=True, seconds=time.perf_counter() - t0)
    _maybe_die(path)
    prepared = _prepare_file(path, dialect, review, config_path)
    if isinstance(prepared, str):
        return WorkResult(path, key, sha, reason=prepared, seconds=time.perf_counter() - t0)
    return WorkResult(path, key, sha, prepared=prepared, seconds=time.perf_counter() - t0)
