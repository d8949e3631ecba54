"""Uploads: keep the bytes, show what parsing and review make of them, store them on request.

An upload waits in the spool directory under its SHA-256 between the
preview and the save, so saving is a second, small request that names the
hash rather than sending the file again; what the preview parsed waits
beside it, so the save does not parse again. An API dry run is removed as soon
as it is answered (nothing can save it later); a page's preview when it is
saved, when the server stops, or a day later (on the next upload).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Engine, select

from ..errors import JixiaoError, UsageError
from ..model import Document, Finding
from ..parse.document import parse_source
from ..read import read
from ..review.report import finding_dict, summarise
from ..store.importer import make_reviewer
from ..store.schema import DocumentRow
from ..store.write import save_document
from .isolate import run_isolated
from .settings import WebSettings

__all__ = ["Upload", "discard_upload", "held", "load_upload", "preview", "save_spooled", "save_upload", "spool_and_preview",
           "spool_and_save", "spool_upload"]

_SHA = re.compile(r"[0-9a-f]{64}")
_KEEP_SECONDS = 24 * 3600
#: where an uploaded file's versions are kept apart from files imported by path
SOURCE_PREFIX = "upload:"


@dataclass(frozen=True)
class Upload:
    sha256: str
    name: str
    size: int


def clean_name(name: str | None) -> str:
    """The file's base name without control characters or path parts, at most 200 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:200] or "upload"


def _paths(settings: WebSettings, sha: str) -> tuple[Path, Path]:
    root = Path(settings.spool_dir)
    return root / sha, root / f"{sha}.json"


def _sweep(root: Path) -> None:
    cutoff = time.time() - _KEEP_SECONDS
    for p in root.iterdir():
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
        except OSError:
            pass  # another request removed it first


def spool_upload(settings: WebSettings, name: str | None, data: bytes) -> Upload:
    """Keep ``data`` until it is saved or a day has passed."""
    import hashlib

    if not data:
        raise UsageError("上传的文件是空的 / the uploaded file is empty", code="empty_upload")
    root = Path(settings.spool_dir)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    _sweep(root)
    up = Upload(hashlib.sha256(data).hexdigest(), clean_name(name), len(data))
    body, meta = _paths(settings, up.sha256)
    _write_atomically(body, data)
    _write_atomically(meta, json.dumps(asdict(up), ensure_ascii=False).encode())
    return up


def _write_atomically(path: Path, data: bytes) -> None:
    """``data`` at ``path``, whole or not at all: written to a file of its own, then renamed. Two
    uploads of the same bytes once shared one ``.part`` file, and the first rename could move the
    second's half-written copy into place (it parsed as 'no table', issue 18's upload races)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def held(settings: WebSettings, sha: str) -> Iterator[None]:
    """The upload ``sha`` to this request alone, across the server's worker processes (an flock):
    its spooled file is not removed by another request's save or dry run while it is parsed."""
    root = Path(settings.spool_dir)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = root / f".{sha}.lock"
    while True:
        fh = open(path, "a+b")  # noqa: SIM115 - closed below, after the lock is given up
        try:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                same = os.stat(path).st_ino == os.fstat(fh.fileno()).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # its holder removed the file as it finished: lock the one there now
                continue
            try:
                yield
            finally:
                path.unlink(missing_ok=True)  # nothing left in the spool; a waiter sees and retries
            return
        finally:
            fh.close()  # gives up the lock


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def spool_and_save(engine: Engine, settings: WebSettings, name: str | None, data: bytes,
                   **given: Any) -> dict[str, Any]:
    """Spool, parse and store an upload in one step (the API's upload), the same bytes one at a time;
    ``given``: :func:`save_upload`'s year, department, user and via."""
    with held(settings, _sha(data)):
        return save_upload(engine, settings, spool_upload(settings, name, data), **given)


def spool_and_preview(settings: WebSettings, name: str | None, data: bytes, engine: Engine | None = None, *,
                      keep: bool) -> tuple[Upload, dict[str, Any]]:
    """Spool and preview an upload; ``keep`` it for a save to come (a page) or not (an API dry run)."""
    with held(settings, _sha(data)):
        up = spool_upload(settings, name, data)
        try:
            return up, preview(settings, up, engine)
        except BaseException:
            discard_upload(settings, up.sha256)  # nothing can save a preview that failed
            raise
        finally:
            if not keep:
                discard_upload(settings, up.sha256)


def save_spooled(engine: Engine, settings: WebSettings, sha: str, **given: Any) -> dict[str, Any]:
    """Store an upload a page previewed; a second save of it finds it gone (a clear 'upload again');
    ``given`` as for :func:`spool_and_save`."""
    with held(settings, sha if _SHA.fullmatch(sha or "") else "0" * 64):
        return save_upload(engine, settings, load_upload(settings, sha), **given)


def discard_upload(settings: WebSettings, sha: str) -> None:
    """Remove a spooled upload and what its preview parsed (nothing if already gone)."""
    if not _SHA.fullmatch(sha or ""):
        return
    body, meta = _paths(settings, sha)
    for p in (body, meta, body.with_suffix(".parsed.json"), body.with_suffix(".part")):
        p.unlink(missing_ok=True)


def load_upload(settings: WebSettings, sha: str) -> Upload:
    body, meta = _paths(settings, sha) if _SHA.fullmatch(sha or "") else (None, None)
    if body is None or not body.exists() or not meta.exists():
        raise UsageError("找不到这个上传（已保存或已过期），请重新上传 / upload not found (saved or expired); "
                         "upload the file again", code="not_found")
    return Upload(**json.loads(meta.read_text()))


@dataclass
class Parsed:
    """What reading, parsing and reviewing an upload gave: kept beside it, so that saving after a
    preview does not read the file again (for a scan, that would be the OCR again)."""

    name: str
    format: str
    encoding: str | None
    pages: int | None
    doc: Document
    findings: list[Finding]


_FINDINGS = TypeAdapter(list[Finding])


def read_parse_review(path: str, name: str, cells: int, review_config: str | None) -> Parsed:
    """Read, parse and review a spooled upload (in a process of its own, see :mod:`jixiao.web.isolate`)."""
    try:
        source = replace(read(path, cells=cells), name=name)
    except JixiaoError as e:  # the reader names the file it read: the spool path, a directory on the server
        raise type(e)(e.message.replace(path, name), code=e.code) from None
    doc = parse_source(source)
    return Parsed(name, source.format, source.encoding, source.pages, doc, make_reviewer(review_config)(doc))


def _parsed(settings: WebSettings, up: Upload) -> Parsed:
    body, _ = _paths(settings, up.sha256)
    kept = body.with_suffix(".parsed.json")
    try:
        data = json.loads(kept.read_text())
    except (OSError, ValueError):  # none kept (or, from an older server, one half written): parse again
        data = None
    if data is not None and data["name"] == up.name:  # the same bytes under another name: another document
        return Parsed(data["name"], data["format"], data["encoding"], data["pages"],
                      Document.model_validate_json(data["document"]), _FINDINGS.validate_json(data["findings"]))
    args = (str(body), up.name, settings.max_cells, settings.review_config)
    if settings.parse_seconds > 0:
        out = run_isolated(read_parse_review, args, seconds=settings.parse_seconds,
                           megabytes=settings.parse_memory_mb)
    else:
        out = read_parse_review(*args)
    doc = out.doc
    _write_atomically(kept, json.dumps({"name": out.name, "format": out.format, "encoding": out.encoding,
                                        "pages": out.pages, "document": doc.model_dump_json(by_alias=True),
                                        "findings": _FINDINGS.dump_json(out.findings).decode()},
                                       ensure_ascii=False).encode())
    return out


def stored_as(engine: Engine, sha256: str) -> list[dict[str, Any]]:
    """Documents already holding these very bytes (saving again would change nothing)."""
    with engine.connect() as conn:
        rows = conn.execute(select(DocumentRow.id, DocumentRow.name, DocumentRow.version)
                            .where(DocumentRow.sha256 == sha256).order_by(DocumentRow.id)).all()
    return [dict(r._mapping) for r in rows]


def preview(settings: WebSettings, up: Upload, engine: Engine | None = None) -> dict[str, Any]:
    """What saving this upload would store: the parse, its warnings and residue, and the review;
    and, given the database, which stored documents already hold the same bytes."""
    parsed = _parsed(settings, up)
    doc, findings = parsed.doc, parsed.findings
    summary = summarise(doc, findings).to_dict()
    return {
        "upload": asdict(up), "format": parsed.format, "encoding": parsed.encoding, "pages": parsed.pages,
        "form": doc.form, "title": doc.title, "department": doc.department, "year": doc.year,
        "amount_unit": doc.amount_unit,
        "counts": {"units": len(doc.units), "projects": len(doc.projects),
                   "indicators": sum(len(p.indicators) for p in doc.projects),
                   "warnings": len(doc.all_warnings()), "residue": len(doc.residue), "findings": len(findings)},
        "projects": [{"name": p.name, "unit": p.unit, "total": p.amounts.total, "indicators": len(p.indicators),
                      "warnings": [w.message for w in p.warnings]} for p in doc.projects],
        "warnings": [{"code": w.code, "message": w.message, "line": w.line} for w in doc.warnings],
        "residue": [{"line": r.line, "text": r.text} for r in doc.residue[:200]],
        "findings": [finding_dict(f) for f in findings],
        "summary": summary,
        "stored_as": stored_as(engine, up.sha256) if engine is not None else [],
    }


def save_upload(engine: Engine, settings: WebSettings, up: Upload, *, year: str | None = None,
                department: str | None = None, user=None, via: str = "web",
                source_path: str | None = None) -> dict[str, Any]:
    """Store the upload as the next version of ``upload:NAME``; unchanged bytes change nothing.

    ``year``/``department``: what the user gave, recorded as given where it differs from what was parsed.
    A department account's upload is its department's, whatever the table or the form says. The
    upload is written to the audit log as ``user``'s (the local user when None).
    """
    from ..store.given import check_year, set_given
    from ..workflow.accounts import LOCAL
    from ..workflow.audit import record

    user = user or LOCAL
    by = user.name
    if user.role == "department":
        department = user.department
    given_year = check_year(year)  # before anything is stored
    parsed = _parsed(settings, up)
    doc, findings = parsed.doc, parsed.findings
    # source_path: a revision is the next version of the file it revises, whatever the new file's name
    saved = save_document(engine, doc, source_path=source_path or SOURCE_PREFIX + up.name, sha256=up.sha256,
                          size=up.size,
                          fmt=parsed.format, findings=findings)
    if saved.status != "duplicate":
        dept = department.strip() if department and department.strip() != (doc.department or "") else None
        set_given(engine, saved.document_id, year=given_year if given_year != doc.year else None,
                  department=dept, by=by)
    record(engine, user, "upload", document_id=saved.document_id, version=saved.version, status=saved.status,
           name=up.name, sha256=up.sha256, via=via)
    discard_upload(settings, up.sha256)
    return {"status": saved.status, "document_id": saved.document_id, "version": saved.version,
            "same_content": saved.same_content,
            "name": up.name, "projects": len(doc.projects),
            "indicators": sum(len(p.indicators) for p in doc.projects), "findings": len(findings)}
