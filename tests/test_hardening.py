"""Regression tests for issue 18 (hardening): each test is named after the item it holds fixed —
inputs, requests and crashes that took jixiao down or lost data silently."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import jixiao
from jixiao.errors import ReadError
from jixiao.read import read

SAMPLES = sorted((Path(__file__).parent.parent / "src" / "jixiao" / "samples").glob("*.txt"))


def _one_line(message: str) -> None:
    assert "\n" not in message and " / " in message and "Traceback" not in message


def _sample_html() -> str:
    from jixiao.render.html import render_html

    return render_html(jixiao.parse(SAMPLES[0]).to_canonical())  # 23 projects in one table


# -- 1. colspan/rowspan padding blow-up in the HTML reader -------------------------------------

def _refused_quickly(path: Path, limit: str) -> ReadError:
    started = time.monotonic()
    with pytest.raises(ReadError) as info:
        read(path)
    assert time.monotonic() - started < 5, "refused before the grid is made, not after"
    assert info.value.code == "too-large" and limit in info.value.message
    _one_line(info.value.message)
    return info.value


def test_html_colspan_blowup_is_refused_naming_the_column_limit(tmp_path: Path) -> None:
    # the shape: 40 rows of 40 colspan="1000" cells, 32 KB that made 1.6 million cells
    rows = ("<tr>" + '<td colspan="1000">x</td>' * 40 + "</tr>") * 40
    path = tmp_path / "wide.html"
    path.write_text(f"<html><body><table>{rows}</table></body></html>")
    _refused_quickly(path, "256")


def test_html_ragged_rows_padding_is_refused_naming_the_limit(tmp_path: Path) -> None:
    # one row 250 cells wide pads 3,000 one-cell rows to 250 cells each: 750,000 empty cells from 60 KB
    rows = "<tr>" + "<td>x</td>" * 250 + "</tr>" + "<tr><td>y</td></tr>" * 3000
    path = tmp_path / "ragged.html"
    path.write_text(f"<html><body><table>{rows}</table></body></html>")
    _refused_quickly(path, "50,000")


def test_html_rowspan_blowup_is_refused_naming_the_limit(tmp_path: Path) -> None:
    rows = ("<tr>" + '<td colspan="200" rowspan="1000">x</td>' + "</tr>") * 1000
    path = tmp_path / "tall.html"
    path.write_text(f"<html><body><table>{rows}</table></body></html>")
    _refused_quickly(path, "50,000")


def test_html_grid_limits_keep_a_large_real_table(tmp_path: Path) -> None:
    header = '<tr><th colspan="12">项目支出绩效目标表</th></tr>'
    body = ("<tr>" + "".join(f"<td>{c}</td>" for c in range(12)) + "</tr>") * 5000
    path = tmp_path / "large.html"
    path.write_text(f"<html><body><table>{header}{body}</table></body></html>")
    source = read(path)
    assert source.text.count("\n") == 5001


# -- 3. HTML nested deeper than lxml's limit was cut short silently ----------------------------

def _nested(markup: str, depth: int) -> str:
    at = markup.index("</tr>", len(markup) // 2) + len("</tr>")
    return markup[:at] + "<tr><td>" + "<div>" * depth + "深" + "</div>" * depth + "</td></tr>" + markup[at:]


def test_html_nested_past_256_levels_keeps_every_project(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text(_nested(_sample_html(), 1000))
    doc = jixiao.parse(path)
    assert len(doc.projects) == 23
    assert not [w for w in doc.warnings if w.code == "read"]


def test_html_nested_past_lxmls_limit_warns_that_projects_may_be_missing(tmp_path: Path) -> None:
    path = tmp_path / "deeper.html"
    path.write_text(_nested(_sample_html(), 5000))
    doc = jixiao.parse(path)
    assert len(doc.projects) < 23
    [warning] = [w for w in doc.warnings if w.code == "read"]
    assert "2,048" in warning.message and "缺失" in warning.message
    _one_line(warning.message)
