"""Import: files in, one transaction per document, an outcome for every file.

read → parse → (review) → store, file by file. A file that cannot be read or
parsed is an outcome with its reason, never the end of the batch.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..errors import JixiaoError
from ..model import Document, Finding
from ..parse.document import parse_source
from ..read import read
from .write import find_unchanged, save_document

__all__ = ["ImportOutcome", "expand_paths", "import_file", "import_files"]

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


def import_file(engine: Engine, path: str, *, reviewer: Reviewer | None = None,
                source_path: str | None = None) -> ImportOutcome:
    """Read, parse, review and store one file; every failure becomes the outcome's reason."""
    key = source_path or str(Path(path).resolve())
    try:
        source = read(Path(path))
        sha = source.sha256 or ""
        if (same := find_unchanged(engine, key, sha)) is not None:
            return ImportOutcome(path, same.status, same.document_id, same.version)
        doc = parse_source(source)
        findings = reviewer(doc) if reviewer else []
        saved = save_document(engine, doc, source_path=key, sha256=sha, size=source.size,
                              fmt=source.format, findings=findings)
    except JixiaoError as e:
        return ImportOutcome(path, "failed", reason=e.message)
    except SQLAlchemyError as e:
        reason = str(e.orig if getattr(e, "orig", None) is not None else e).splitlines()[0]
        return ImportOutcome(path, "failed", reason=f"数据库错误 / database error: {reason}")
    except MemoryError:
        return ImportOutcome(path, "failed", reason="内存不足 / out of memory")
    except Exception as e:  # a bug on one odd file must not stop the batch; JIXIAO_DEBUG=1 shows it
        if os.environ.get("JIXIAO_DEBUG") == "1":
            raise
        return ImportOutcome(path, "failed", reason=f"内部错误 / internal error: {type(e).__name__}: {e}")
    if saved.status != "imported":
        return ImportOutcome(path, saved.status, saved.document_id, saved.version)
    return ImportOutcome(path, "imported", saved.document_id, saved.version, projects=len(doc.projects),
                         indicators=sum(len(p.indicators) for p in doc.projects),
                         warnings=len(doc.all_warnings()), findings=len(findings))


def import_files(engine: Engine, files: Iterable[str], *, reviewer: Reviewer | None = None) -> Iterator[ImportOutcome]:
    """Import each file in turn, yielding its outcome as soon as it is known."""
    for f in files:
        yield import_file(engine, f, reviewer=reviewer)
