"""Tables of the reviewer's workflow, beside the parsed documents (migration 0006).

``document_given``: a year or department the user gave for a document (at
import or in the UI), kept apart from what the parser read, so that both
are known and a re-import does not lose the user's word.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base

__all__ = ["GivenRow"]


class GivenRow(Base):
    """One field of one document version as the user gave it; ``parsed`` is what the table said."""

    __tablename__ = "document_given"
    __table_args__ = (UniqueConstraint("document_id", "field", name="uq_document_given_document_field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(Text)
    parsed: Mapped[str | None] = mapped_column(Text)
    given_by: Mapped[str | None] = mapped_column(Text)
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
