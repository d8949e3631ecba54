"""The audit log: every change, who made it, when, and to which document version.

Written in the same transaction as the change where the change has one
(``conn``), so no change is stored without its entry.
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from ..store.schema import DocumentRow
from ..store.workflow_schema import AuditRow
from .accounts import User

__all__ = ["cli_user", "entries", "record"]


def cli_user() -> User:
    """Who changes things from the command line: the operating system's user."""
    try:
        name = getpass.getuser()
    except Exception:  # no user name in this environment (a container without /etc/passwd entry)
        name = "?"
    return User(None, f"cli:{name}"[:64], "admin")


def record(target: Engine | Connection, user: User, action: str, *, document_id: int | None = None,
           version: int | None = None, **detail: Any) -> None:
    """Log ``action`` by ``user``; the document's version is looked up when not given."""
    def write(conn: Connection) -> None:
        v = version
        if v is None and document_id is not None:
            v = conn.execute(select(DocumentRow.version).where(DocumentRow.id == document_id)).scalar()
        conn.execute(insert(AuditRow).values(at=datetime.now(UTC), user_id=user.id, user_name=user.name[:64],
                                             action=action, document_id=document_id, version=v,
                                             detail={k: v for k, v in detail.items() if v is not None}))

    if isinstance(target, Connection):
        write(target)
    else:
        with target.begin() as conn:
            write(conn)


def entries(conn: Connection, *, document_id: int | None = None, user: str | None = None,
            limit: int = 500) -> list[dict[str, Any]]:
    stmt = select(AuditRow.__table__).order_by(AuditRow.id.desc()).limit(limit)
    if document_id is not None:
        stmt = stmt.where(AuditRow.document_id == document_id)
    if user:
        stmt = stmt.where(AuditRow.user_name == user)
    return [dict(r._mapping) for r in conn.execute(stmt)]
