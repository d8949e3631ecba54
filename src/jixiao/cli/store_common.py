"""Options and output helpers the database commands share."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import typer

from .common import write_stdout
from .lazy_rich import escape

__all__ = ["DB_HELP", "db_option", "dump_json", "fmt_amount", "json_option", "marked", "print_json"]

DB_HELP = "数据库：文件路径或 postgresql://…；默认 $JIXIAO_DB 或 ./jixiao.db / database file or URL"


def db_option() -> Any:
    return typer.Option(None, "--db", help=DB_HELP, show_default=False)


def json_option() -> Any:
    return typer.Option("table", "--format", "-f", help="输出格式 / output: table|json")


def _default(o: Any) -> Any:
    if isinstance(o, datetime | date):
        return o.isoformat()
    if hasattr(o, "_asdict"):
        return list(o)
    if hasattr(o, "__dataclass_fields__"):
        return o.__dict__
    return str(o)


def dump_json(data: Any) -> str:
    import json  # here, not at import: `jixiao --help` need not load it

    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def print_json(data: Any) -> None:
    write_stdout(dump_json(data))


def check_format(fmt: str, allowed: tuple[str, ...] = ("table", "json")) -> str:
    from ..errors import UsageError

    if fmt not in allowed:
        raise UsageError(f"--format 只能是 {'/'.join(allowed)} / --format must be one of {', '.join(allowed)}")
    return fmt


def fmt_amount(v: float | None) -> str:
    return "" if v is None else f"{v:,.2f}"


def marked(pieces: list[tuple[str, bool]]) -> str:
    """Highlight pieces as rich markup: matches in bold yellow."""
    return "".join(f"[bold yellow]{escape(t)}[/]" if m else escape(t) for t, m in pieces)
