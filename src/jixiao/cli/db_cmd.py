"""``jixiao db upgrade|status``: the database schema's version."""

from __future__ import annotations

import typer

from .common import out, reports_errors
from .store_common import db_option

__all__ = ["db_app"]

db_app = typer.Typer(help="数据库结构 / database schema", no_args_is_help=True)


@db_app.command("upgrade")
@reports_errors
def upgrade_command(db: str | None = db_option()) -> None:
    """把数据库结构升级到当前版本 / bring the schema to this jixiao's version."""
    from ..store import describe_url
    from ..store.db import open_engine, resolve_url
    from ..store.migrate import upgrade
    url = resolve_url(db)
    before, after = upgrade(open_engine(url))
    where = describe_url(url)
    if before == after:
        out.print(f"已是最新 / already current: {where} (revision {after})", highlight=False)
    else:
        out.print(f"已升级 / upgraded {where}: {before or '(空 empty)'} → {after}", highlight=False)


@db_app.command("status")
@reports_errors
def status_command(db: str | None = db_option()) -> None:
    """显示数据库结构版本 / show the schema revision."""
    from ..store import describe_url
    from ..store.db import open_engine, resolve_url
    from ..store.migrate import current_revision, head_revision, schema_state
    url = resolve_url(db)
    engine = open_engine(url)
    out.print(f"数据库 database: {describe_url(url)}\n"
              f"当前 current:   {current_revision(engine) or '(无 none)'}\n"
              f"本版本 head:    {head_revision()}\n"
              f"状态 state:     {schema_state(engine)}", highlight=False)
