"""Comma-separated text (a spreadsheet saved as CSV): its rows of cells, rendered as the tab rows
every other reader hands the parser (see :mod:`jixiao.read.layout`).

A CSV is text, so it is told from other text by its content, never by its name: a line
near the top, with no tab, that the CSV grammar splits into three or more cells naming
the table's columns (项目名称, 总计, 绩效目标 …). A line-wrapped table whose amounts carry
thousands separators (``1,210.58``) has commas too, but no such header line.
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
from collections.abc import Iterator

from jixiao.read.base import Source
from jixiao.read.layout import Cell, render

__all__ = ["csv_source", "looks_like_csv"]

_COLUMN_WORDS = ("项目名称", "总计", "财政拨款", "其他资金", "绩效目标", "绩效指标", "一级指标", "三级指标",
                 "指标值", "资金总额", "项目金额", "单位名称")
_HEADER_WITHIN = 50  # lines: a title, 部门名称 and 单位 come first
_HEADER_LENGTH = 2000  # characters: a header line is short


def _names_columns(cells: list[str]) -> bool:
    # a header cell is a column's name, short; a cell holding pipes or a sentence is text that
    # merely has commas in it ("项目资金 | 年度资金总额 | 1,250.50 | …")
    named = [c for c in cells if any(w in c for w in _COLUMN_WORDS) and len(c.strip()) <= 24 and "|" not in c]
    return len(named) >= 3 and all(sum(w in c for w in ("项目名称", "总计", "绩效目标")) <= 1 for c in named)


def _lines(text: str) -> Iterator[str]:
    """``text``'s lines with their ends, one slice at a time (a large text is not copied whole)."""
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end + 1
        yield text[pos:end]
        pos = end


def looks_like_csv(text: str) -> bool:
    """True when ``text`` has a CSV header line naming the table's columns (see the module doc)."""
    for line in itertools.islice(_lines(text), _HEADER_WITHIN):
        if len(line) > _HEADER_LENGTH or "\t" in line or line.count(",") < 2:
            continue
        if line.count(" | ") >= 2:  # a pipe row whose cells hold commas (指标说明：…，…，…), not CSV
            continue
        try:
            cells = next(csv.reader([line]))
        except csv.Error:
            continue
        if _names_columns(cells):
            return True
    return False


def csv_source(source: Source) -> Source:
    """``source`` (decoded CSV text) as rows of cells in tab-separated text. A malformed row is read
    as the CSV grammar best allows (an unclosed quote runs to the end); a field too long for the
    csv module leaves the text as it is, with a warning."""
    try:
        rows = [[Cell(lines=value.split("\n")) for value in row]
                for row in csv.reader(_lines(source.text), strict=False)]
    except csv.Error as e:  # a field over the csv module's size limit: the text as it is, with a note
        note = f"按CSV读取失败（{e}），已按普通文本读取 / could not be read as CSV ({e}); read as plain text"
        return dataclasses.replace(source, warnings=(*source.warnings, note))
    text, places = render(rows)
    return dataclasses.replace(source, text=text, format="csv", cells=places)
