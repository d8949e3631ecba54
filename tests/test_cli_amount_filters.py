"""min_amount=nan|inf|1e309 on the command line (issue 18, item 6, CLI side): `jixiao search` and
`jixiao export` refuse a non-finite amount with a one-line usage error on SQLite and on PostgreSQL,
and a finite one still filters."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from jixiao.cli.main import app

COMMANDS = {"search": ["search", "满意度"], "export": ["export", "满意度", "--format", "csv"]}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("option", ["--min-amount", "--max-amount"])
@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "1e309"])
def test_cli_min_amount_nan_inf_1e309_is_a_clear_usage_error_on_both_back_ends(samples_db, command, option, value):
    r = CliRunner().invoke(app, [*COMMANDS[command], "--db", samples_db, f"{option}={value}"])
    assert r.exit_code == 2, r.output
    assert "finite" in r.output and "金额筛选须是有限的数" in r.output
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception, SystemExit)


def test_cli_finite_amount_filter_still_filters_on_both_back_ends(samples_db):
    def rows(*extra: str) -> tuple[int, int]:
        search = CliRunner().invoke(app, ["search", "满意度", "--db", samples_db, "--format", "json", *extra])
        export = CliRunner().invoke(app, [*COMMANDS["export"], "--db", samples_db, *extra])
        assert search.exit_code == 0 and export.exit_code == 0, (search.output, export.output)
        return json.loads(search.stdout)["total"], len(export.stdout.splitlines())

    every, some = rows(), rows("--min-amount", "100", "--max-amount", "500.5")
    assert 0 < some[0] < every[0] and 1 < some[1] < every[1], (every, some)
