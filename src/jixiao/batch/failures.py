"""The files a batch could not store, kept in ``import_failures`` so ``--retry-failed`` can try them again."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, select, update

from ..store.schema_batch import ImportFailureRow

__all__ = ["GONE", "clear_failures", "failed_paths", "record_failure", "take_retries"]


def record_failure(engine: Engine, *, key: str, path: str, sha256: str | None, reason: str) -> None:
    """Remember that ``key`` failed and why; a second failure of the same file counts one more attempt."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        done = conn.execute(update(ImportFailureRow).where(ImportFailureRow.source_path == key).values(
            path=path, sha256=sha256, reason=reason, failed_at=now,
            attempts=ImportFailureRow.attempts + 1)).rowcount
        if not done:
            conn.execute(ImportFailureRow.__table__.insert().values(
                source_path=key, path=path, sha256=sha256, reason=reason, attempts=1, failed_at=now))


def clear_failures(engine: Engine, keys: Iterable[str]) -> None:
    """Forget the failures of files now stored (or found unchanged)."""
    keys = list(keys)
    if not keys:
        return
    with engine.begin() as conn:
        for at in range(0, len(keys), 500):  # bounded IN lists: SQLite allows 32,766 parameters at most
            conn.execute(delete(ImportFailureRow).where(ImportFailureRow.source_path.in_(keys[at:at + 500])))


def failed_paths(engine: Engine) -> list[tuple[str, str]]:
    """(resolved path, reason) of every remembered failure, oldest path first."""
    with engine.connect() as conn:
        return [(r.source_path, r.reason) for r in conn.execute(
            select(ImportFailureRow.source_path, ImportFailureRow.reason).order_by(ImportFailureRow.source_path))]


#: A remembered failure whose file is no longer there: retrying it can only fail the same way for ever.
GONE = ("文件已不存在（失败后被删除或移走），已从失败列表中移除；移走的文件请从新位置导入 / "
        "the file is gone since it failed (deleted or moved): removed from the failures list; "
        "import a moved file from where it is now")


def take_retries(engine: Engine) -> tuple[list[str], list[tuple[str, str]]]:
    """The remembered failures to try again: (paths still there, (path, old reason) of those gone since).

    The gone ones are forgotten here: the user deleted or moved the file, and a retry list that names
    it would fail on every ``--retry-failed`` after this one. The caller reports them, once.
    """
    there, gone = [], []
    for path, reason in failed_paths(engine):
        if os.path.exists(path):
            there.append(path)
        else:
            gone.append((path, reason))
    clear_failures(engine, [p for p, _r in gone])
    return there, gone
