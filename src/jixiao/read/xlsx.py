"""Excel workbooks (XLSX): each visible sheet's cells → rows of cells, numbers shown as formatted.

openpyxl reads the sheet in read-only (streaming) mode, with the values Excel
last computed for formulas. A merged cell keeps its value in its top-left cell
and the cells it covers are empty — the layout :mod:`jixiao.read.layout`
wants. The ZIP is checked for size and compression ratio before openpyxl opens
it, and defusedxml (which openpyxl uses when installed) refuses entity tricks.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import warnings
from pathlib import Path

from jixiao.errors import JixiaoError
from jixiao.read.base import MAX_TEXT_BYTES, Source
from jixiao.read.files import open_zip, read_error, read_limited
from jixiao.read.layout import Cell, render

__all__ = ["format_value", "read_xlsx", "xlsx_rows"]

LABEL = ("Excel 表格 XLSX", "Excel XLSX")
#: Cells read from one workbook (filled or not); a table has a few thousand.
MAX_CELLS = 2_000_000
_DECIMALS = re.compile(r"0\.(0+)")


def format_value(value: object, number_format: str | None) -> str:
    """Given a cell's value and number format, return the text Excel would show (near enough):
    ``10399.4`` with ``#,##0.00`` is ``10,399.40``; ``0.95`` with ``0%`` is ``95%``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, int | float):
        fmt = (number_format or "General").split(";")[0]
        m = _DECIMALS.search(fmt)
        places = len(m.group(1)) if m else (0 if "0" in fmt.replace("General", "") else None)
        if "%" in fmt:
            value = value * 100
        if places is None:  # General: as typed, no trailing ".0"
            text = f"{value:.15g}" if isinstance(value, float) else str(value)
        else:
            text = f"{value:,.{places}f}" if "," in fmt else f"{value:.{places}f}"
        return text + ("%" if "%" in fmt else "")
    return str(value)


def xlsx_rows(data: bytes, name: str | None = None) -> list[list[Cell]]:
    """Given the bytes of an XLSX file, return the rows of its visible sheets, one sheet after another."""
    zf = open_zip(data, name, LABEL)  # refuse a bomb before openpyxl unpacks anything
    zf.close()
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, ValueError, XML errors) for a bad file
        raise read_error("xlsx-corrupt", f"Excel 文件已损坏或不是有效的 XLSX（{type(exc).__name__}）",
                         f"damaged or invalid XLSX ({type(exc).__name__})", name) from None
    rows: list[list[Cell]] = []
    seen = 0
    try:
        for ws in wb.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            sheet: list[list[Cell]] = []
            for row in ws.iter_rows():
                seen += len(row)
                if seen > MAX_CELLS:
                    raise read_error("too-large", f"表格单元格过多（超过 {MAX_CELLS:,} 个）",
                                     f"too many cells (over {MAX_CELLS:,})", name)
                # a line break typed in a cell (Alt+Enter) is a printed line of that cell
                sheet.append([Cell(format_value(getattr(c, "value", None), getattr(c, "number_format", None))
                                   .splitlines()) for c in row])
            width = max((i + 1 for r in sheet for i, c in enumerate(r) if c.lines), default=0)
            rows.extend(r[:width] + [Cell() for _ in range(width - len(r))] for r in sheet)
            rows.append([])  # sheets apart
    except JixiaoError:
        raise
    except MemoryError:
        raise
    except Exception as exc:
        # openpyxl reads each sheet as rows are asked for: a damaged one raises whatever its XML parser,
        # zipfile or zlib raise (ParseError, BadZipFile, zlib.error, IndexError for a missing styles part)
        raise read_error("xlsx-corrupt", f"Excel 文件已损坏（{type(exc).__name__}）",
                         f"damaged XLSX ({type(exc).__name__})", name) from None
    finally:
        wb.close()
    return rows


def read_xlsx(path: str | os.PathLike[str], *, max_bytes: int = MAX_TEXT_BYTES, progress=None) -> Source:
    """Read an XLSX workbook into a :class:`Source` whose text is its sheets as tab-separated rows."""
    shown = os.fsdecode(path)
    data = read_limited(path, max_bytes=max_bytes)
    text, cells = render(xlsx_rows(data, shown))
    if not text.strip():
        raise read_error("empty", "工作簿中没有任何内容", "the workbook has no content", shown)
    return Source(text, name=Path(shown).name, encoding=None, format="xlsx",
                  sha256=Source.digest(data), size=len(data), cells=cells)
