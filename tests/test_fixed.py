"""Fixed-width tables (``pdftotext -layout``): chunks, column edges, detection, spans."""

from __future__ import annotations

from pathlib import Path

import jixiao
from jixiao.parse.fixed import aligned_starts, find_fixed_layout, fixed_width_cells, line_chunks
from jixiao.parse.fixed_form import fixed_form_rows, is_fixed_width_form
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


# -- one-project forms laid out by spaces ------------------------------------------------


def _form_lines(name: str) -> list:
    return split_lines((LAYOUTS / name).read_text(encoding="utf-8"))


def test_a_fixed_width_form_is_told_by_labels_with_values_to_their_right() -> None:
    assert is_fixed_width_form(_form_lines("project_form_fixed_width.txt"))


def test_a_tab_form_or_prose_is_not_fixed_width() -> None:
    assert not is_fixed_width_form(_form_lines("project_form_period_columns.txt"))
    prose = ("项目名称为城市道路养护，实施单位为某区市政管理所。  项目资金800万元。\n"
             "项目内容包括道路修补和标线。  年度绩效目标是完成养护120公里。\n"
             "项目属性：经常性项目。  资金用途：业务类。\n")
    assert not is_fixed_width_form(split_lines(prose))


def test_a_label_centred_on_its_wrapped_value_takes_the_lines_around_it() -> None:
    text = ("       项目名称       城市道路养护\n"
            "                  对全区主次干道开展日常养护，\n"
            "         项目内容     包括路面修补、标线施划\n"
            "                  和井盖更换。\n"
            "                  养护道路120公里，\n"
            "         项目规模\n"
            "项目概况              井盖更换300个。\n"
            "         项目范围     全区主次干道。\n")
    syntax: list = []
    rows = fixed_form_rows(split_lines(text), syntax)
    cells = {r[0].s: r[1].s for _, r in rows}
    assert cells == {"项目名称": "城市道路养护", "项目内容": "对全区主次干道开展日常养护，包括路面修补、标线施划和井盖更换。",
                     "项目规模": "养护道路120公里，井盖更换300个。", "项目范围": "全区主次干道。"}
    # the group label printed between the value lines is structure, not part of a value
    at = text.index("项目概况")
    assert any(s.start <= at < s.end for s in syntax)


def test_a_label_wrapped_in_its_cell_is_one_label() -> None:
    text = ("                                         上级转移支付(一般公共\n"
            "        合计        2680万元\n"
            "                                             预算)\n")
    rows = fixed_form_rows(split_lines(text), [])
    assert [[c.s for c in cells] for _, cells in rows] == [["合计", "2680万元", "上级转移支付(一般公共预算)"]]


def test_fixed_width_form_fields_point_at_their_characters() -> None:
    src = LAYOUTS / "project_form_fixed_width.txt"
    doc = jixiao.parse(src)
    text = doc.source_text
    (project,) = doc.projects
    for label, value in project.fields.items():
        printed = "".join(text[s.start:s.end] for s in project.field_spans[label])
        assert "".join(printed.split()) == "".join(value.split())
    # a value over three lines has a span per line
    assert len(project.field_spans["项目内容"]) == 3
    assert [i.level2 for i in project.indicators[:5]] == ["数量指标", "数量指标", "质量指标", "时效指标", "成本指标"]
