"""The file readers (PDF, DOCX, XLSX, HTML) against known answers.

* every sample table in every published format (../shared/formats/FORMAT) against
  ../shared/gold — the same answers as the text originals, F1 = 1.0;
* our own fixtures in tests/data/formats (written by tests/make_format_fixtures.py)
  against their ``*.expected.json``;
* what the readers hand the parser: one line per row, cells that point back into
  the text, pages and boxes for PDF, the format told by content and not by name.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import jixiao
from jixiao.read import read, sniff
from scoring import SHARED, load_scorer, score

SCORER = load_scorer()
FORMATS = ("pdf", "pdf-split", "xlsx", "docx", "html")
FIXTURES = Path(__file__).parent / "data" / "formats"
needs_shared = pytest.mark.skipif(SCORER is None, reason="../shared/tools/score.py not found beside the checkout")

GOLD = sorted((SHARED / "gold").glob("*.json")) if SCORER else []
SAMPLES = [(fmt, g) for fmt in FORMATS for g in GOLD]
OWN = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".pdf", ".xlsx", ".docx", ".html"))  # scans: test_read_scan


def _source_of(fmt: str, gold: Path) -> Path:
    (src,) = (SHARED / "formats" / fmt).glob(gold.stem + ".*")  # files are named after their gold
    return src


@needs_shared
@pytest.mark.parametrize(("fmt", "gold"), SAMPLES, ids=[f"{f}-{g.stem[:3]}" for f, g in SAMPLES])
def test_sample_in_format_matches_gold(fmt: str, gold: Path) -> None:
    pred = jixiao.parse(_source_of(fmt, gold)).to_canonical()
    f1, misses = score(SCORER, gold.stem, json.loads(gold.read_text(encoding="utf-8")), pred)
    assert f1 == 1.0, f"F1 {f1:.4f}\n" + "\n".join(misses[:20])


@needs_shared
@pytest.mark.parametrize("path", OWN, ids=[p.name for p in OWN])
def test_own_fixture_matches_expected(path: Path) -> None:
    expected = FIXTURES / (path.name.split("_")[0] + ".expected.json")
    doc = jixiao.parse(path)
    f1, misses = score(SCORER, path.name, json.loads(expected.read_text(encoding="utf-8")), doc.to_canonical())
    assert f1 == 1.0, f"F1 {f1:.4f}\n" + "\n".join(misses[:20])
    # every character is accounted for: a field, structure, or page furniture (第 N 页) left as residue
    assert all("页" in r.text for r in doc.residue), doc.residue


def test_row_split_across_pages_is_one_row() -> None:
    src = read(FIXTURES / "summary_row_split_across_pages.pdf")
    assert src.format == "pdf" and src.pages == 2
    (row,) = [ln for ln in src.text.splitlines() if ln.startswith("教师培训经费\t")]
    indicators = row.split("\t")[-1]
    # the cell starts on page 1 and ends on page 2, under the repeated header
    assert indicators.startswith("1、1-产出指标；11-数量指标；培训教师人数")
    assert indicators.endswith("参训教师满意度；实施周期指标值：≥90%；年度指标值：≥90%。")
    assert src.text.count("项目名称（资金使用单位）") == 1  # the header printed again is dropped


@pytest.mark.parametrize("path", OWN, ids=[p.name for p in OWN])
def test_cells_point_into_the_text(path: Path) -> None:
    src = read(path)
    assert src.cells
    for cell in src.cells:
        piece = src.text[cell.start:cell.end]
        assert piece and "\t" not in piece and "\n" not in piece
    if src.format == "pdf":
        assert all(c.box is not None and 1 <= c.box.page <= src.pages for c in src.cells)


def test_merged_cells_keep_text_in_their_first_slot() -> None:
    """A 一级指标 cell spanning three rows is read once, above two empty slots, in every format."""
    for path in OWN:
        if not path.name.startswith("form_"):
            continue
        names = ("智慧教室建设数量", "平台接入学校数量", "设备验收合格率")
        rows = [r for ln in read(path).text.splitlines() if any(n in (r := ln.split("\t")) for n in names)]
        # a PDF has only the columns its rules draw (here 5), a sheet all of its grid (6)
        level2 = [r[min(r.index(n) for n in names if n in r) - 1] for r in rows]
        assert [r[0] for r in rows] == ["产出指标", "", ""], path.name
        assert level2 == ["数量指标", "", "质量指标"], path.name


def test_spans_point_into_the_rendered_text() -> None:
    doc = jixiao.parse(FIXTURES / "form_merged_cells.docx")
    project = doc.projects[0]
    ((a, b),) = project.spans["name"]
    assert doc.source_text[a:b] == project.name
    ind = project.indicators[0]
    ((a, b),) = ind.spans["name"]
    assert doc.source_text[a:b] == ind.name


def test_format_is_told_by_content_not_name(tmp_path: Path) -> None:
    for path in OWN:
        disguised = tmp_path / (path.stem + ".txt")
        shutil.copy(path, disguised)
        assert read(disguised).format == path.suffix[1:], path.name
    assert sniff((FIXTURES / "form_merged_cells.pdf").read_bytes()[:1024]) == "pdf"


def test_html_script_and_style_are_not_read() -> None:
    text = read(FIXTURES / "form_merged_cells.html").text
    assert "脚本写入的假项目" not in text and "不应读取" not in text and "伪造内容" not in text
    assert "2024年度项目支出绩效目标表" in text


def test_html_rowspan_colspan_and_br() -> None:
    from jixiao.read.html import html_rows

    rows = html_rows("<table><tr><td rowspan=2>甲</td><td colspan=2>乙<br>丙</td></tr>"
                     "<tr><td>丁</td><td>戊</td></tr><tr><td>a</td><td>b<br>c</td><td></td></tr></table>")
    assert [[c.text for c in r] for r in rows] == [["甲", "乙丙", ""], ["", "丁", "戊"], ["a", "b c", ""]]


def test_xlsx_numbers_as_formatted() -> None:
    from jixiao.read.xlsx import format_value

    assert format_value(10399.4, "#,##0.00") == "10,399.40"
    assert format_value(50, "#,##0.00") == "50.00"
    assert format_value(0.95, "0%") == "95%"
    assert format_value(2680, "General") == "2680"
    assert format_value(7.25, "General") == "7.25"
    assert format_value(None, "General") == ""


PARITY = sorted(FIXTURES.glob("*.pdf")) + [SHARED / "formats" / d / "003_f507fa9b2bf73cac.pdf" for d in ("pdf", "pdf-split")]


@pytest.mark.parametrize("path", PARITY, ids=[f"{p.parent.name}/{p.name}" for p in PARITY])
def test_pdf_backends_agree(path: Path) -> None:
    """pdfium (the default) and pdfplumber read the same text; they may differ only in spaces."""
    from jixiao.read.pdf import read_pdf

    if not path.exists():
        pytest.skip("../shared not found beside the checkout")
    fast, reference = read_pdf(path, backend="pdfium"), read_pdf(path, backend="pdfplumber")
    assert fast.text.replace(" ", "") == reference.text.replace(" ", "")
    assert fast.pages == reference.pages


def test_a_wrap_inside_a_number_is_no_space() -> None:
    from jixiao.read.layout import join_cell_lines

    assert join_cell_lines(["5、1-产出指标；1", "3-时效指标"]) == "5、1-产出指标；13-时效指标"
    assert join_cell_lines(["App", "Inventor平台"]) == "App Inventor平台"
    assert join_cell_lines(["通过实施本项目，保障", "全区校园安全"]) == "通过实施本项目，保障全区校园安全"
    # an amount with its two decimals is complete: the next line's number is another amount
    assert join_cell_lines(["200.00", "180.00"]) == "200.00 180.00"
    assert join_cell_lines(["1,2", "00.00"]) == "1,200.00"


def test_a_header_read_slightly_differently_is_still_the_header() -> None:
    from jixiao.read.pdfgrid import _same_band

    header = ["项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款"]
    assert _same_band(header, ["项目名称（资金使用单位)", "总计", "财政拨款", "财政专户拨歀"])  # OCR
    assert not _same_band(header, ["教师培训经费", "450.00", "400.00", ""])
    assert not _same_band(["", ""], ["", ""])


def test_an_html_fragment_starting_with_its_table_is_html(tmp_path: Path) -> None:
    path = tmp_path / "fragment.txt"
    path.write_text("<!-- saved --><table><tr><td rowspan=2>甲</td><td>乙</td></tr><tr><td>丙</td></tr></table>",
                    encoding="utf-8")
    src = read(path)
    assert src.format == "html" and src.text == "甲\t乙\n\t丙\n"
    assert sniff(b"<tablex>") == "text"


PRODUCERS = sorted((FIXTURES / "producers").glob("*.pdf"))  # written by tests/make_producer_fixtures.py


@needs_shared
@pytest.mark.parametrize("path", PRODUCERS, ids=[p.name[:3] + "-" + p.name.split(".")[1] for p in PRODUCERS])
def test_sample_printed_by_another_producer_matches_gold(path: Path) -> None:
    """A sample printed by LibreOffice (ruled, and with its borders removed) reads as the published PDF."""
    gold = SHARED / "gold" / (path.name.split(".")[0] + ".json")
    f1, misses = score(SCORER, gold.stem, json.loads(gold.read_text(encoding="utf-8")), jixiao.parse(path).to_canonical())
    assert f1 == 1.0, f"F1 {f1:.4f}\n" + "\n".join(misses[:20])


def test_unruled_columns_and_rows() -> None:
    """Columns from the gaps empty on every table row, rows from the gaps between wrapped lines."""
    from jixiao.read.pdfcolumns import unruled_rows
    from jixiao.read.pdfgrid import Char, PageObjects

    def word(text: str, x: float, top: float) -> list[Char]:
        return [Char(ch, x + 8 * k, top, x + 8 * (k + 1), top + 8) for k, ch in enumerate(text)]

    chars = [*word("标题在这里", 60, 10),  # one segment: free text
             *word("名称", 10, 40), *word("金额", 100, 40),
             *word("甲项目", 10, 60), *word("一行", 100, 55), *word("二行", 100, 65),  # wrapped: one cell
             *word("乙", 10, 90), *word("3", 100, 90)]
    rows = unruled_rows([PageObjects(1, chars, [], [])])
    assert [[c.text for c in r] for r in rows] == [["标题在这里"], ["名称", "金额"], ["甲项目", "一行二行"], ["乙", "3"]]


def _page(number: int, texts: list[tuple[str, float, float]], hrules: list, vrules: list):
    """A page of one-line texts ``(text, x, top)`` (8-point characters) and rules."""
    from jixiao.read.pdfgrid import Char, PageObjects

    chars = [Char(ch, x + 8 * k, top, x + 8 * (k + 1), top + 8) for text, x, top in texts for k, ch in enumerate(text)]
    return PageObjects(number, chars, hrules, vrules)


def _texts(rows) -> list[list[str]]:
    return [["".join(c.lines) for c in row] for row in rows if any(c.lines for c in row)]


def test_a_row_cut_with_a_rule_under_each_part_is_one_row() -> None:
    """A word processor cuts a row at the page's foot, rules both parts and repeats the header: the part
    on the next page goes on in the columns whose text ran down to the rule, the others are empty."""
    from jixiao.read.pdf import rows_from_pages

    cols = [(0.0, 0.0, 60.0), (100.0, 0.0, 60.0), (200.0, 0.0, 60.0)]
    head = [("名称", 2, 2), ("说明", 102, 2)]
    first = _page(1, [*head, ("甲项目", 2, 22), ("一行", 102, 22), ("二行", 102, 32), ("三行", 102, 42),
                      ("四行", 102, 51)], [(y, 0.0, 200.0) for y in (0, 20, 60)], cols)

    def second(name: str):
        return _page(2, [*head, (name, 2, 22), ("续行", 102, 22), ("乙", 2, 42), ("3", 102, 42)],
                     [(y, 0.0, 200.0) for y in (0, 20, 40, 60)], cols)

    assert _texts(rows_from_pages([first, second("")])) == [
        ["名称", "说明"], ["甲项目", "一行二行三行四行续行"], ["乙", "3"]]
    # a first cell filled where the text above had ended: a row of its own
    assert _texts(rows_from_pages([first, second("丙")]))[2:] == [["丙", "续行"], ["乙", "3"]]


def test_a_merged_cell_open_across_the_page_break_is_one_cell() -> None:
    """A spreadsheet prints a merged cell cut by the page break with no rule at the cut (its text, centred
    on the whole cell, clipped away on the page before): the text starts the part open at that page's foot."""
    from jixiao.read.pdf import rows_from_pages

    first = _page(1, [("一", 102, 2), ("二", 102, 22)],
                  [(0.0, 0.0, 200.0), (20.0, 100.0, 200.0), (40.0, 100.0, 200.0)],
                  [(0.0, 0.0, 40.0), (100.0, 0.0, 40.0), (200.0, 0.0, 40.0)])
    second = _page(2, [("乙类", 2, 2), ("三", 102, 2)], [(0.0, 100.0, 200.0), (20.0, 0.0, 200.0)],
                   [(0.0, 0.0, 20.0), (100.0, 0.0, 20.0), (200.0, 0.0, 20.0)])
    assert _texts(rows_from_pages([first, second])) == [["乙类", "一"], ["", "二"], ["", "三"]]


def test_a_line_across_an_unruled_column_edge_keeps_the_edge() -> None:
    """部门名称 … 单位：万元 above an unruled table runs across the edge between the name and amount
    columns, which every table row leaves empty: the edge stands, and the line stays whole in its first column."""
    from jixiao.read.pdfcolumns import unruled_rows
    from jixiao.read.pdfgrid import Char, PageObjects

    def word(text: str, x: float, top: float) -> list[Char]:
        return [Char(ch, x + 8 * k, top, x + 8 * (k + 1), top + 8) for k, ch in enumerate(text)]

    body = [w for k in range(8) for w in (*word("项目甲", 10, 40 + 20 * k), *word("1.00", 100, 40 + 20 * k))]
    chars = [*word("部门名称：某某单位的名称", 10, 10), *word("单位：万元", 200, 10), *body]
    rows = unruled_rows([PageObjects(1, chars, [], [])])
    assert [c.text for c in rows[0]] == ["部门名称：某某单位的名称", "单位：万元"]
    assert [c.text for c in rows[1]] == ["项目甲", "1.00"]
