"""Alembic's entry point: runs migrations on the connection jixiao hands it."""

from __future__ import annotations

from alembic import context

from jixiao.store.schema import metadata

config = context.config


def include_name(name, type_, parent_names) -> bool:
    # SQLite's FTS5 table and its shadow tables are made by hand in the migration.
    return not (type_ == "table" and name and name.startswith("search_fts"))


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_name=include_name,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("jixiao runs its migrations online: use `jixiao db upgrade`")
run_migrations_online()
