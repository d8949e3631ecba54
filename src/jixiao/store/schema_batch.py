"""The batch import's own table: files that failed, with their reasons, for ``--retry-failed``.

Kept apart from schema.py because only the cluster import (jixiao.batch)
writes it. One row per file (its resolved path): a file that fails again
updates its row, one that is later stored deletes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base

__all__ = ["ImportFailureRow"]


class ImportFailureRow(Base):
    """A file a batch import could not store, and why."""

    __tablename__ = "import_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the file's resolved path, as documents.source_path would hold it
    source_path: Mapped[str] = mapped_column(Text, unique=True)
    #: the path as given on the command line, to show
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
