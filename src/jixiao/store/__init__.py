"""Store: documents in SQLite (default, ``./jixiao.db``) or PostgreSQL, queried and searched.

    >>> from jixiao.store import open_store, import_files
    >>> engine = open_store("jixiao.db")          # or postgresql://…; None: $JIXIAO_DB or ./jixiao.db
"""

from __future__ import annotations

from sqlalchemy import Engine

from . import schema_batch  # noqa: F401  (declares import_failures on the shared metadata)
from .db import describe_url, open_engine, resolve_url
from .importer import ImportOutcome, expand_paths, import_file, import_files
from .migrate import check_schema

__all__ = ["ImportOutcome", "describe_url", "expand_paths", "import_file", "import_files", "open_store"]


def open_store(db: str | None = None, *, create: bool = True) -> Engine:
    """An engine on the database ``db`` names, with jixiao's current schema.

    A new database gets the schema; with ``create=False`` an empty one is an
    error (reading commands have nothing to show).
    """
    engine = open_engine(resolve_url(db))
    check_schema(engine, create=create)
    return engine
