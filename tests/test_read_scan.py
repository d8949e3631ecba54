"""Scans: the image stages (straightening, rules) on drawn pages, OCR on a cut of a published scan,
and bad images. OCR of whole sample scans takes tens of seconds a page: see benchmarks/pdf_bench.py."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest

from jixiao.errors import ReadError
from jixiao.read import read
from jixiao.read.scan import ocr_available

FIXTURES = Path(__file__).parent / "data" / "formats"
needs_ocr = pytest.mark.skipif(not ocr_available(), reason="the ocr extra (rapidocr, opencv) is not installed")


def _ruled_page(angle: float):
    """A white page with a 4 x 3 ruled grid, turned by ``angle`` degrees."""
    import cv2
    import numpy as np

    page = np.full((900, 1200), 235, np.uint8)  # grey paper
    for y in (100, 300, 500, 700):
        cv2.line(page, (100, y), (1100, y), 30, 2)
    for x in (100, 500, 800, 1100):
        cv2.line(page, (x, 100), (x, 700), 30, 2)
    turn = cv2.getRotationMatrix2D((600, 450), angle, 1.0)
    return cv2.warpAffine(page, turn, (1200, 900), borderValue=235)


@needs_ocr
@pytest.mark.parametrize("angle", [-0.8, -0.3, 0.5])
def test_a_turned_page_is_straightened_and_its_rules_found(angle: float) -> None:
    from jixiao.read.scan import deskew, find_rules

    straight, found = deskew(_ruled_page(angle))
    assert found == pytest.approx(-angle, abs=0.08)
    hrules, vrules = find_rules(straight)
    assert len(hrules) == 4 and len(vrules) == 4
    assert all(abs(y - want) < 6 for (y, _, _), want in zip(sorted(hrules), (100, 300, 500, 700), strict=True))


@needs_ocr
def test_a_word_over_a_rule_is_cut_in_two() -> None:
    from jixiao.read.scan import page_objects

    words = [("财政拨款75.60", 0.0, 0.0, 150.0, 20.0)]  # OCR read two cells as one box
    page = page_objects(words, [], [(90.0, 0.0, 100.0), (0.0, 0.0, 100.0)], 1, 1.0)
    assert [c.text for c in page.chars] == ["财政拨款", "75.60"]


def _inked(width: int, height: int, runs: list[tuple[int, int]], rule: int | None = None):
    """A page's ink: solid blocks of "text" over the given column runs, and a rule at column ``rule``."""
    import numpy as np

    ink = np.zeros((height, width), np.uint8)
    for a, b in runs:
        ink[6:height - 6, a:b] = 255
    if rule is not None:
        ink[:, rule - 1:rule + 1] = 255
    return ink


@needs_ocr
def test_a_word_is_cut_by_the_length_of_text_on_each_side_of_the_rule() -> None:
    """Digits print half as wide as CJK characters, and the gap at the rule holds no characters."""
    from jixiao.read.scan import page_objects

    # "133.18" fills 60 px left of the rule at 100, then a gap, then eight characters over 160 px
    ink = _inked(400, 40, [(10, 70), (110, 270)], rule=100)
    words = [("133.18学习总在我身边的", 8.0, 10.0, 272.0, 30.0)]
    page = page_objects(words, [], [(100.0, 0.0, 40.0)], 1, 1.0, ink)
    assert [c.text for c in page.chars] == ["133.18", "学习总在我身边的"]


@needs_ocr
def test_a_box_that_only_overhangs_a_rule_is_not_cut() -> None:
    """The detector pads its boxes: one reaching over a rule with no text of its own there stays whole,
    and so does one whose padding catches the edge of the next cell's last character."""
    from jixiao.read.scan import page_objects

    ink = _inked(400, 40, [(70, 73), (112, 300)], rule=100)
    words = [("保洁频率，年度指标值", 71.0, 10.0, 305.0, 30.0)]
    page = page_objects(words, [], [(100.0, 0.0, 40.0)], 1, 1.0, ink)
    assert [c.text for c in page.chars] == ["保洁频率，年度指标值"]


def test_only_rules_that_reach_a_word_cut_it() -> None:
    """A title over a table is not cut by the table's column rules below it."""
    from jixiao.read.scan import page_objects

    words = [("项目支出绩效目标表", 0.0, 0.0, 180.0, 20.0)]
    page = page_objects(words, [], [(90.0, 50.0, 500.0)], 1, 1.0)
    assert [c.text for c in page.chars] == ["项目支出绩效目标表"]


@needs_ocr
def test_ocr_of_a_cut_from_a_published_scan() -> None:
    """The top of sample 001's first scanned page: title, department, header and two rows."""
    expected = json.loads((FIXTURES / "scan_cut.expected.json").read_text(encoding="utf-8"))
    src = read(FIXTURES / "scan_cut_turned_page.jpg")
    assert src.format == "image" and src.warnings
    import jixiao

    doc = jixiao.parse(FIXTURES / "scan_cut_turned_page.jpg").to_canonical()
    assert doc["title"] == expected["title"] and doc["department"] == expected["department"]
    assert doc["total"] == expected["total"]
    got = {p["name"]: p["amounts"]["total"] for p in doc["projects"]}
    assert got == {p["name"]: p["amounts"]["total"] for p in expected["projects"]}


@needs_ocr
def test_image_without_text(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "blank.png"
    Image.new("L", (400, 300), 240).save(path)
    with pytest.raises(ReadError) as info:
        read(path)
    assert info.value.code == "no-text"


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


@needs_ocr
def test_image_with_too_many_pixels_is_refused_unopened(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    path.write_bytes(_png_header_only(60000, 60000))  # 3.6 G pixels claimed in 80 bytes
    with pytest.raises(ReadError) as info:
        read(path)
    assert info.value.code == "too-large"


@needs_ocr
def test_damaged_image(tmp_path: Path) -> None:
    path = tmp_path / "bad.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    with pytest.raises(ReadError) as info:
        read(path)
    assert info.value.code == "image-corrupt"


@needs_ocr
def test_each_part_of_a_cut_word_is_counted_at_its_own_columns_pitch() -> None:
    """A justified column prints its characters wider apart than the column beside it: the part of a box
    on each side of the rule holds as many characters as its length holds at that column's pitch."""
    from jixiao.read.scan import page_objects

    ink = _inked(480, 120, [(145, 255), (265, 445)], rule=260)
    words = [("一二三四五六七八九十甲乙丙丁戊", 145.0, 10.0, 445.0, 30.0),
             ("左栏十一个字宽二十二像", 10.0, 50.0, 10.0 + 11 * 22, 70.0),  # 11 characters at 22 px
             ("右栏九个字十八像素", 265.0, 50.0, 265.0 + 9 * 18, 70.0)]  # 9 at 18 px
    rules = [(0.0, 0.0, 120.0), (260.0, 0.0, 120.0), (470.0, 0.0, 120.0)]
    page = page_objects(words, [], rules, 1, 1.0, ink)
    assert [c.text for c in page.chars][:2] == ["一二三四五", "六七八九十甲乙丙丁戊"]


@needs_ocr
def test_a_line_the_detector_passed_over_is_found_between_the_rules() -> None:
    """Three printed lines in a cell, OCR boxes round the first and the last: the middle one is handed
    back, one box for the line though a gap cuts it in two; the rules and the found lines are not."""
    from jixiao.read.scanmissed import missed_lines

    ink = _inked(600, 200, [], rule=300)
    ink[10:12, :] = 255  # a horizontal rule
    for top in (40, 80, 120):  # lines of "characters" 20 px high, 18 px apart with 4 px gaps
        for x in range(20, 280, 22):
            if top != 80 or not 150 <= x < 200:  # the middle line has a wide gap
                ink[top:top + 20, x:x + 18] = 255
    ink[80:100, 320:400] = 255  # the same line goes on in the next cell, across the rule
    words = [("一" * 12, 18.0, 38.0, 282.0, 62.0), ("三" * 12, 18.0, 118.0, 282.0, 142.0)]
    lines = missed_lines(ink, words, [(11.0, 0.0, 600.0)], [(300.0, 0.0, 200.0)])
    assert len(lines) == 2
    (x0, top, x1, bottom), other = sorted(lines)
    assert x0 < 20 and 270 < x1 < 300 and top < 80 and 100 < bottom < 118
    assert other[0] > 300


@needs_ocr
@pytest.mark.parametrize(("second", "kept"), [("施周期指标值：100%", "施周期指标值：100%"),
                                              ("完全不同的一行字", "用施周期指标值：100%")])
def test_a_box_reaching_over_a_rule_is_read_again_from_the_rule(monkeypatch: pytest.MonkeyPatch,
                                                                 second: str, kept: str) -> None:
    """The first read took the rule and the edge of the next cell's text for a character (用); read from
    the rule on, the line is kept when the second reading is nearly the first."""
    import numpy as np

    from jixiao.read import scan

    crops = []
    monkeypatch.setattr(scan, "_recognise", lambda batch: [crops.append(c.shape) or (second, 0.9) for c in batch])
    ink = _inked(400, 40, [(85, 92), (112, 300)], rule=100)  # the box covers an edge of a glyph left
    words = [("用施周期指标值：100%", 86.0, 10.0, 305.0, 30.0), ("别的格子里的一行", 120.0, 0.0, 300.0, 8.0)]
    got = scan.reread_at_rules(np.zeros((40, 400), np.uint8), words, [(100.0, 0.0, 40.0)], 2.0, ink)
    assert got[0][0] == kept and got[1] == words[1]
    from jixiao.read.scanboxes import RULE_REACH

    assert crops == [(21, 306 - 100 - RULE_REACH)]  # read from past the rule to the box's end


@needs_ocr
def test_a_box_over_two_cells_is_read_again_a_cell_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read alone, each cell's part says where the text parts, whatever its characters' widths."""
    import numpy as np

    from jixiao.read import scan

    reads = {"left": "保证教学质", "right": "位。4、1-产出指标"}
    monkeypatch.setattr(scan, "_recognise",
                        lambda batch: [(reads["left" if c.shape[1] < 100 else "right"], 0.9) for c in batch])
    ink = _inked(400, 40, [(10, 90), (110, 300)], rule=100)
    words = [("保证教学质位。41-产出指标", 8.0, 10.0, 305.0, 30.0)]
    got = scan.reread_at_rules(np.zeros((40, 400), np.uint8), words, [(100.0, 0.0, 40.0)], 2.0, ink)
    assert [w[0] for w in got] == ["保证教学质", "位。4、1-产出指标"]
    assert got[0][3] < 100 < got[1][1]
