"""Tables of the reviewer's workflow, beside the parsed documents (migration 0006).

``document_given``: a year or department the user gave for a document (at
import or in the UI), kept apart from what the parser read, so that both
are known and a re-import does not lose the user's word.

``users``, ``sessions``, ``audit_log``, ``app_secrets``: accounts and roles
for a team server (jixiao.workflow.accounts, audit).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base, Json

__all__ = ["AuditRow", "CommentRow", "DecisionRow", "GivenRow", "ReviewHistoryRow", "ReviewRow", "SecretRow",
           "SessionRow", "UserRow", "VerdictRow"]


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


class UserRow(Base):
    """An account on a team server: ``reviewer``, ``department`` (sees only its own documents) or ``admin``.

    ``password_hash`` is argon2id (argon2-cffi); ``token_hash`` the SHA-256 of the user's API token (the
    token itself is shown once, when made: a random 32-byte secret needs no slow hash).
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    department: Mapped[str | None] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    """A signed-in browser. The cookie carries the session's id, signed; only its SHA-256 is stored, so
    a copy of the database signs no one in. A new one at every sign-in (no session fixation)."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """One change: who, when, what, to which document version."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: the log outlives accounts
    user_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32), index=True)
    document_id: Mapped[int | None] = mapped_column(Integer, index=True)  # nor here: it outlives documents
    version: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(Json)


class SecretRow(Base):
    """Server secrets made on first use (the session-signing key): the same for every worker and restart."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# -- the review of one document version (jixiao.workflow.review) -----------------------------------------


class ReviewRow(Base):
    """A document version's review: its state (pending 待审核 → in_review 审核中 → returned 已退回 / passed
    已通过), who has it, and by when."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    assignee: Mapped[str | None] = mapped_column(String(64))
    deadline: Mapped[str | None] = mapped_column(String(10))  # YYYY-MM-DD, sorts as text
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewHistoryRow(Base):
    """One change of a review's state."""

    __tablename__ = "review_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_name: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)


class DecisionRow(Base):
    """What the reviewer made of a finding: accepted, dismissed (with the reason) or edited (its new text)."""

    __tablename__ = "finding_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
    user_name: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CommentRow(Base):
    """A comment anchored to a field, an indicator or a source span of a project (or the whole document);
    an answer points at the comment it answers. ``anchor_label`` names the place in words (project
    name, field, indicator name), which is how a revision finds it again."""

    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    anchor_kind: Mapped[str] = mapped_column(String(16))  # document | field | indicator | span
    anchor: Mapped[str | None] = mapped_column(Text)  # the field key, the indicator id, "start-end"
    anchor_label: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("review_comments.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64))
    author_role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # open | resolved
    carried_from: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VerdictRow(Base):
    """The verdict on one project: 通过 / 修改后通过 / 退回修改 / 不予通过, with the reason."""

    __tablename__ = "review_verdicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), unique=True)
    verdict: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    user_name: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
