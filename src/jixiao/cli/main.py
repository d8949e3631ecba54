"""The ``jixiao`` command: its commands are registered here, each in its own module."""

from __future__ import annotations

import atexit
import gc

import typer

from .. import __version__
from .browse_cmd import ls_command, show_command
from .db_cmd import db_app
from .export_cmd import export_command
from .import_cmd import import_command
from .library_cmd import library_app
from .link_cmd import link_command
from .parse_cmd import parse_command
from .peers_cmd import history_command, league_command, suggest_command
from .render_cmd import render_command
from .review_cmd import review_command
from .rules_cmd import rules_command
from .samples_cmd import samples_command
from .score_cmd import score_command
from .search_cmd import search_command
from .serve_cmd import serve_command
from .synth_cmd import synth_command
from .user_cmd import user_app

__all__ = ["app", "run"]

app = typer.Typer(
    name="jixiao",
    help="绩效目标表：解析、审核、检索 / China's project performance-target tables as exact data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # help texts are plain text: with rich markup, [tool.jixiao.review] and [review] read as style tags and vanished
    rich_markup_mode=None,
)
app.command("parse")(parse_command)
app.command("review")(review_command)
app.command("rules")(rules_command)
app.command("render")(render_command)
app.command("samples")(samples_command)
app.command("import")(import_command)
app.command("ls")(ls_command)
app.command("show")(show_command)
app.command("search")(search_command)
app.command("export")(export_command)
app.command("synth")(synth_command)
app.command("serve")(serve_command)
app.command("link")(link_command)
app.command("score")(score_command)
app.add_typer(db_app, name="db")
app.add_typer(library_app, name="library")
app.command("suggest")(suggest_command)
app.command("history")(history_command)
app.command("league")(league_command)
app.add_typer(user_app, name="user")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jixiao {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="显示版本 / show the version"),
) -> None:
    """绩效目标表：解析、审核、检索 / China's project performance-target tables as exact data."""


def run() -> None:
    # At exit the interpreter collects cycles over every object left (typer's, pydantic's, the
    # parser's): a tenth of a small `jixiao parse`, for memory the process is about to give back.
    # Frozen, they are left to the operating system; an atexit callback registered later (one that
    # closes a store, say) still runs first.
    atexit.register(gc.freeze)
    app()
