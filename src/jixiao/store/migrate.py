"""Schema versions: Alembic migrations, run from inside jixiao.

A new database gets the current schema on first use. An existing one is
only changed by ``jixiao db upgrade``: a team's PostgreSQL should not be
migrated behind its back by whichever colleague upgraded jixiao first.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from ..errors import UsageError

__all__ = ["SchemaState", "compare_options", "check_schema", "current_revision", "head_revision", "upgrade"]

_MIGRATIONS = Path(__file__).with_name("migrations")


_HAND_MADE = re.compile(r"search_fts|search_entries_t\d+$")


def include_name(name, type_, parent_names) -> bool:
    """Objects Alembic compares: not SQLite's FTS5 table and its shadow tables, nor PostgreSQL's
    search partitions (made by hand in the migrations)."""
    return not (type_ == "table" and name and _HAND_MADE.match(name))


def compare_options(dialect_name: str) -> dict:
    """Options for Alembic's comparison of the database against the declared schema."""
    def objects(obj, name, type_, reflected, compare_to) -> bool:
        return not (type_ == "index" and name == "ix_search_entries_tsv" and dialect_name != "postgresql")

    return {"include_name": include_name, "include_object": objects, "compare_type": True}


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Bring the schema to ``revision``; return (before, after)."""
    before = current_revision(engine)
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return before, current_revision(engine)


class SchemaState:
    EMPTY = "empty"
    CURRENT = "current"
    BEHIND = "behind"
    UNKNOWN = "unknown"


def schema_state(engine: Engine) -> str:
    rev = current_revision(engine)
    if rev is None:
        tables = set(inspect(engine).get_table_names())
        return SchemaState.EMPTY if not tables else SchemaState.UNKNOWN
    if rev == head_revision():
        return SchemaState.CURRENT
    known = {r.revision for r in ScriptDirectory.from_config(_config()).walk_revisions()}
    return SchemaState.BEHIND if rev in known else SchemaState.UNKNOWN


#: PostgreSQL advisory lock key held while a new database gets its schema ("jixiao" in ASCII)
_SCHEMA_LOCK = 0x6A697869616F
# Alembic loads its migration scripts into shared module state: one creation at a time in a process
_CREATING = threading.Lock()


def _create_schema(engine: Engine) -> None:
    """Give a new database the current schema — once, though two processes (two imports into a new
    database) may find it empty together: the first to take the lock (SQLite's write lock, taken at
    BEGIN; a PostgreSQL advisory lock) creates it, the other waits and then finds it made."""
    cfg = _config()
    with _CREATING, engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        if MigrationContext.configure(conn).get_current_revision() is not None:
            return  # made while we waited
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def check_schema(engine: Engine, *, create: bool = True) -> None:
    """Make sure the database has jixiao's current schema, creating it when the database is new.

    Raises UsageError when the schema is older (run ``jixiao db upgrade``),
    newer (this jixiao is too old for it) or not jixiao's at all.
    """
    state = schema_state(engine)
    if state == SchemaState.UNKNOWN:
        # tables but no revision: another process may have committed a new schema between our reading
        # the revision and listing the tables; a second look reads its revision
        state = schema_state(engine)
    if state == SchemaState.CURRENT:
        return
    if state == SchemaState.EMPTY:
        if not create:
            raise UsageError("数据库是空的，先用 jixiao import 导入 / the database is empty: run jixiao import first")
        _create_schema(engine)
        return
    if state == SchemaState.BEHIND:
        raise UsageError("数据库结构较旧，请先运行 jixiao db upgrade / "
                         "the database schema is older than this jixiao: run `jixiao db upgrade`")
    raise UsageError("数据库不是 jixiao 的，或由更新版本的 jixiao 创建 / "
                     "this database is not jixiao's, or was made by a newer jixiao")
