"""The ``jixiao`` command: its commands are registered here, each in its own module."""

from __future__ import annotations

import typer

from .. import __version__
from .parse_cmd import parse_command
from .render_cmd import render_command
from .samples_cmd import samples_command

__all__ = ["app", "run"]

app = typer.Typer(
    name="jixiao",
    help="绩效目标表：解析、审核、检索 / China's project performance-target tables as exact data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("parse")(parse_command)
app.command("render")(render_command)
app.command("samples")(samples_command)


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
    app()
