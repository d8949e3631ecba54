"""The database schema: every thing the parser knows, as SQLAlchemy 2 tables.

One row per document version, unit, project, indicator, warning, residue
piece and review finding. Amounts and parsed targets get their own columns
(people filter and sort by them); spans, targets and free-form fields are
JSON (people only read them back). ``query.load_document`` rebuilds the exact
:class:`jixiao.model.Document` from these rows, and a test holds it to that.

Full-text search has one row per searchable thing in ``search_entries``; its
id encodes the rank tier (see :mod:`jixiao.store.tokens`). The index itself
is per back end: an FTS5 table on SQLite (made by the migration, not
declared here) and a ``tsvector`` column with a GIN index on PostgreSQL,
where the table is partitioned by tier (``search_entries_t0`` … ``_t2``,
made by the migration): each tier gets its own heap, GIN index and planner
statistics, so a search reads one tier at a time (see search.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base", "DocumentRow", "FindingRow", "IndicatorRow", "LibraryIndicatorRow", "LibraryKeyRow",
    "LibraryMemberRow", "ProjectHistoryLinkRow", "ProjectRow", "ResidueRow", "SearchEntryRow", "UnitRow", "WarningRow", "metadata",
]

# Named constraints, so migrations can alter them on SQLite and PostgreSQL alike.
metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

Json = JSON().with_variant(JSONB(), "postgresql")
# SQLite keeps the tokens in its FTS5 table instead; the column stays NULL there.
Tsvector = Text().with_variant(TSVECTOR(), "postgresql")
# SQLite's INTEGER PRIMARY KEY is already 64-bit; BIGINT there would lose the rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = metadata


class DocumentRow(Base):
    """One imported version of one source file."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("source_path", "version", name="uq_documents_path_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: what identifies "the same file" across imports: its resolved path (or a name given on import)
    source_path: Mapped[str] = mapped_column(Text, index=True)
    name: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    is_latest: Mapped[bool] = mapped_column(Boolean, index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: what the table says, apart from its file (store/content.py): the same table as .txt and .docx
    content_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str | None] = mapped_column(String(32))
    parser_version: Mapped[str | None] = mapped_column(String(32))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    schema_name: Mapped[str] = mapped_column(String(32))
    form: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text, index=True)
    amount_unit: Mapped[str | None] = mapped_column(String(16))
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    has_total: Mapped[bool] = mapped_column(Boolean)
    total: Mapped[float | None] = mapped_column(Float)
    fiscal: Mapped[float | None] = mapped_column(Float)
    special: Mapped[float | None] = mapped_column(Float)
    other: Mapped[float | None] = mapped_column(Float)
    total_spans: Mapped[dict | None] = mapped_column(Json)
    spans: Mapped[dict] = mapped_column(Json)
    syntax: Mapped[list] = mapped_column(Json)
    source_text: Mapped[str] = mapped_column(Text)
    n_units: Mapped[int] = mapped_column(Integer)
    n_projects: Mapped[int] = mapped_column(Integer)
    n_indicators: Mapped[int] = mapped_column(Integer)
    n_warnings: Mapped[int] = mapped_column(Integer)
    n_residue: Mapped[int] = mapped_column(Integer)


class UnitRow(Base):
    """A 资金使用单位 subtotal row."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    total: Mapped[float | None] = mapped_column(Float)
    fiscal: Mapped[float | None] = mapped_column(Float)
    special: Mapped[float | None] = mapped_column(Float)
    other: Mapped[float | None] = mapped_column(Float)
    amount_spans: Mapped[dict] = mapped_column(Json)
    spans: Mapped[dict] = mapped_column(Json)


class ProjectRow(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text, index=True)
    total: Mapped[float | None] = mapped_column(Float, index=True)
    fiscal: Mapped[float | None] = mapped_column(Float)
    special: Mapped[float | None] = mapped_column(Float)
    other: Mapped[float | None] = mapped_column(Float)
    amount_spans: Mapped[dict] = mapped_column(Json)
    goal: Mapped[str | None] = mapped_column(Text)
    fields: Mapped[dict] = mapped_column(Json)
    spans: Mapped[dict] = mapped_column(Json)
    field_spans: Mapped[dict] = mapped_column(Json)
    n_indicators: Mapped[int] = mapped_column(Integer)
    n_warnings: Mapped[int] = mapped_column(Integer)


class IndicatorRow(Base):
    """A 三级 indicator: printed values and their parsed targets.

    The annual target is also spread over columns (kind, comparator, number,
    unit) so indicators can be filtered and counted by them.
    """

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int | None] = mapped_column(Integer)
    level1: Mapped[str | None] = mapped_column(Text)
    level1_code: Mapped[str | None] = mapped_column(String(8))
    level2: Mapped[str | None] = mapped_column(Text)
    level2_code: Mapped[str | None] = mapped_column(String(8))
    name: Mapped[str | None] = mapped_column(Text)
    period_value: Mapped[str | None] = mapped_column(Text)
    annual_value: Mapped[str | None] = mapped_column(Text)
    period_target: Mapped[dict | None] = mapped_column(Json)
    annual_target: Mapped[dict | None] = mapped_column(Json)
    annual_kind: Mapped[str | None] = mapped_column(String(16))
    annual_comparator: Mapped[str | None] = mapped_column(String(4))
    annual_number: Mapped[float | None] = mapped_column(Float)
    annual_unit: Mapped[str | None] = mapped_column(String(32))
    extra: Mapped[dict] = mapped_column(Json)
    spans: Mapped[dict] = mapped_column(Json)


class WarningRow(Base):
    """A parse warning, on the document (``project_id`` NULL) or on a project."""

    __tablename__ = "warnings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)


class ResidueRow(Base):
    """Source text that fed no field."""

    __tablename__ = "residue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    line: Mapped[int] = mapped_column(Integer)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class FindingRow(Base):
    """A review finding (rule R01…), pointing at a project, indicator and field."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(16), index=True)
    severity: Mapped[str] = mapped_column(String(8))
    message: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str | None] = mapped_column(Text)
    field: Mapped[str | None] = mapped_column(String(64))
    line: Mapped[int | None] = mapped_column(Integer)
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)


class SearchEntryRow(Base):
    """One searchable thing: a project's name, its goal, or one indicator.

    ``id`` is chosen, not generated: ``tokens.entry_id(kind, target_id)``, so
    the index's natural order is the rank order (see tokens.py).
    """

    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    # Neither indexed nor foreign keys: the entry is always reached by id, it is written in the same
    # transaction as its project and indicator, and it goes with its document. Checking two keys per
    # entry was an eighth of an import into PostgreSQL (migration 0002 dropped them).
    project_id: Mapped[int] = mapped_column(Integer)
    indicator_id: Mapped[int | None] = mapped_column(Integer)
    tsv: Mapped[str | None] = mapped_column(Tsvector)

    __table_args__ = (Index("ix_search_entries_tsv", "tsv", postgresql_using="gin").ddl_if(dialect="postgresql"),
                      {"postgresql_partition_by": "RANGE (id)"})


# -- the indicator library (指标库, see jixiao.library): derived from the indicators, kept on import ---------


class LibraryIndicatorRow(Base):
    """A canonical indicator: the names in one 一级/二级 that measure one thing.

    ``bucket`` is ``"一级/二级"`` (canonical, either side may be empty); ``key``
    is its leader's measure key, which later names are compared with.
    """

    __tablename__ = "library_indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(64), index=True)
    level1: Mapped[str | None] = mapped_column(Text)
    level2: Mapped[str | None] = mapped_column(Text)
    key: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)


class LibraryKeyRow(Base):
    """A measure key seen in a bucket, and the canonical indicator it was put in: each key is grouped once."""

    __tablename__ = "library_keys"
    __table_args__ = (UniqueConstraint("bucket", "key", name="uq_library_keys_bucket_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(Text)
    library_id: Mapped[int] = mapped_column(ForeignKey("library_indicators.id", ondelete="CASCADE"), index=True)


class LibraryMemberRow(Base):
    """An indicator's canonical indicator: written in the same transaction as the indicator.

    The indicator's project, its annual target's kind, comparator and number
    (``unit`` ``""`` when it has none; number and unit NULL when the target is
    not quantitative) and whether its document is the latest version are copied
    here, so a target's peers are one range of ``ix_library_members_figures``,
    read from the index alone, and an indicator's figures need no look-up of
    its members' indicator and document rows.
    """

    __tablename__ = "library_members"
    __table_args__ = (Index("ix_library_members_figures", "library_id", "unit", "latest", "number"),
                      Index("ix_library_members_library_id", "library_id", "latest", "document_id"))

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True,
                                              autoincrement=False)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("library_indicators.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    latest: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str | None] = mapped_column(String(16))
    comparator: Mapped[str | None] = mapped_column(String(4))


# -- the same project across years and versions (jixiao.library.history) ----------------------------------


class ProjectHistoryLinkRow(Base):
    """``project_id`` is a later year or version of ``earlier_id``: found (``method`` auto, with its
    ``confidence`` and ``reason``) or set by a person (``manual``); ``status`` proposed, confirmed or
    rejected. A rejected link is kept, so finding links again does not bring it back."""

    __tablename__ = "project_history_links"
    __table_args__ = (UniqueConstraint("project_id", "earlier_id", name="uq_project_history_links_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    earlier_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    confidence: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

# declared apart, part of the same metadata: the self-evaluation and monitoring forms and their links
# (migration 0005); the reviewer's workflow — given values, accounts, reviews (0006)
from . import eval_schema as eval_schema  # noqa: E402,F401  (registration)
from . import workflow_schema as _workflow_schema  # noqa: E402,F401
