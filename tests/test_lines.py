"""Lines and cells of the source text."""

from __future__ import annotations

import pytest

from jixiao.parse.lines import clean_cell, clean_line, split_lines


@pytest.mark.parametrize("text", [
    "", "   ", "\u3000 正文，续行。\xa0", "1、产出指标：x", "  <p>加粗</p>  ", "A&amp;B ", "## 标题", " a # b",
])
def test_clean_line_is_clean_cell_then_strip(text: str) -> None:
    source = f"前一行\n{text}\n后一行"
    line = split_lines(source)[1]
    fast_syntax: list = []
    slow_syntax: list = []
    fast, slow = clean_line(line, fast_syntax), clean_cell(line.mtext, slow_syntax).strip()
    assert (fast.s, fast.runs, fast_syntax) == (slow.s, slow.runs, slow_syntax)


def test_table_rules_are_page_furniture():
    from jixiao.parse.lines import is_chrome

    for rule in ("|---|---:|:---:|", "+--------+------+", "=====", "| --- | --- |"):
        assert is_chrome(rule), rule
    for text in ("| 合计 | 1,500.00 |", "≥90%", "1:2"):
        assert not is_chrome(text), text
