"""Fixed-width tables (``pdftotext -layout``): chunks, column edges, detection, spans."""

from __future__ import annotations

from pathlib import Path

import jixiao
from jixiao.parse.fixed import aligned_starts, find_fixed_layout, fixed_width_cells, line_chunks
from jixiao.parse.header import find_column_header
from jixiao.parse.lines import split_lines

LAYOUTS = Path(__file__).parent / "data" / "layouts"


def test_chunks_are_cut_at_two_spaces_and_keep_single_ones() -> None:
    chunks = line_chunks("保安 4500/人/月  32.00   通过实施本项目")
    assert [(c.x0, c.x1) for c in chunks] == [(0, 11), (13, 18), (21, 28)]


def test_chunk_positions_by_characters_or_by_display_width() -> None:
    text = "专项经费  32.00"
    assert [c.x0 for c in line_chunks(text)] == [0, 6]
    # CJK characters two columns wide: the amount stands at column 10
    assert [c.x0 for c in line_chunks(text, wide=True)] == [0, 10]
    # the chunk still maps to its characters
    assert [text[c.i0:c.i1] for c in line_chunks(text, wide=True)] == ["专项经费", "32.00"]


def test_form_feed_takes_no_room() -> None:
    (chunk,) = line_chunks("\f项目名称")
    assert (chunk.x0, chunk.i0) == (0, 1)


def test_aligned_starts_finds_the_left_edges_of_columns() -> None:
    rows = [("专项工作经费", "32.00", "全市教育系统的电子公文", "1、满意度指标"),
            ("", "", "收发、市教育局办公自动", "值：100%。2、产出"),
            ("其他运行经费", "119.50", "通过项目实施，改善单位", "1、产出指标：维护"),
            ("", "", "办公环境，保障国有资产", "率，年度指标值：")]
    texts = [(name.ljust(10) + amount.rjust(8)).ljust(25) + goal.ljust(23) + ind for name, amount, goal, ind in rows]
    edges = aligned_starts(texts)
    assert 25 in edges and 48 in edges


def test_prose_with_double_spaces_has_no_columns() -> None:
    prose = [
        "本项目旨在提升全市教育信息化水平。  项目分三期实施，第一期完成网络改造。",
        "第二期建设数据平台。  第三期开展应用推广，覆盖全部中小学。",
        "资金由财政拨款保障。  各单位应按时报送进度。  年底前完成验收。",
        "绩效目标明确，指标可衡量。  具体指标见附表。",
    ]
    assert aligned_starts(prose) == []


def test_a_single_spaced_table_is_not_fixed_width() -> None:
    text = ("项目支出绩效目标表\n项目名称（资金使用单位） 总计 财政拨款 财政专户拨款 其他资金 绩效目标 绩效指标\n"
            "网络运维 50.00 50.00 保障网络正常运行。 1、产出指标：故障率，年度指标值：≤1%。\n")
    lines = split_lines(text)
    found = find_column_header(lines)
    assert found is not None and find_fixed_layout(lines, found[0]) is None


def test_prose_under_a_header_is_not_fixed_width() -> None:
    text = ("项目名称  总计  财政拨款  绩效目标  绩效指标\n"
            "本项目旨在提升全市教育信息化水平。  项目分三期实施，第一期完成网络改造。\n"
            "第二期建设数据平台。  第三期开展应用推广，覆盖全部中小学。\n")
    lines = split_lines(text)
    found = find_column_header(lines)
    assert found is not None and find_fixed_layout(lines, found[0]) is None


def test_header_over_three_lines_is_merged_by_overlap() -> None:
    text = (LAYOUTS / "summary_fixed_width_top_aligned.txt").read_text(encoding="utf-8")
    lines = split_lines(text)
    found = find_column_header(lines)
    layout = find_fixed_layout(lines, found[0])
    assert layout is not None and layout.wide
    assert layout.roles == ["name", "total", "fiscal", "special", "other", "goal", "indicators"]
    # the header printed again on the second page is a segment of its own
    assert len(layout.segments) == 2


def test_a_cell_of_several_lines_points_at_each_piece() -> None:
    path = LAYOUTS / "summary_fixed_width.txt"
    text = path.read_text(encoding="utf-8")
    lines = split_lines(text)
    layout = find_fixed_layout(lines, find_column_header(lines)[0])
    rows = fixed_width_cells(lines, layout, [])
    name = next(cells[0] for _, cells in rows if cells[0].s.startswith("盘龙江"))
    assert name.s == "盘龙江沿线排水管网清淤疏浚项目"
    spans = name.spans()
    assert len(spans) == 3
    assert "".join(text[a:b] for a, b in spans) == name.s


def test_centred_rows_take_the_lines_around_their_amounts() -> None:
    doc = jixiao.parse(LAYOUTS / "summary_fixed_width.txt")
    first = doc.projects[0]
    # the indicators start three lines above the row's amounts
    assert first.name == "河道日常保洁" and len(first.indicators) == 3
    assert doc.projects[1].goal.endswith("保障雨季排水通畅。")
