"""Alembic's entry point: runs migrations on the connection jixiao hands it."""

from __future__ import annotations

from alembic import context

from jixiao.store.migrate import compare_options
from jixiao.store.schema import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        **compare_options(connection.dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("jixiao runs its migrations online: use `jixiao db upgrade`")
run_migrations_online()
