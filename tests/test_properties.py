"""Property tests of the parser: it never crashes, it loses no text, field
text comes from its spans, and it is deterministic.

Inputs come in three kinds: arbitrary text (CJK, controls, tabs, pipes,
HTML tags), lines assembled from the tables' own vocabulary (summary rows,
both indicator grammars, form labels, indicator grids), and the bundled
sample tables mutated by random edits; besides, long tables (slow) and a few
fixed inputs that once failed. The hypothesis profile (``dev`` by default,
``ci`` with ``HYPOTHESIS_PROFILE=ci``) is set in ``conftest.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import assume, currently_in_test_context, event, given
from hypothesis import strategies as st

import jixiao
from jixiao.errors import JixiaoError, ParseError, ReadError
from jixiao.model import Document, Span
from jixiao.parse.document import parse_source
from jixiao.parse.residue import all_spans
from jixiao.read import read_text, text_source

SAMPLES = sorted((Path(jixiao.__file__).parent / "samples").glob("*.txt"))
# mutated: the samples and our own tables of other layouts (tests/data/layouts)
LAYOUT_TABLES = sorted((Path(__file__).parent / "data" / "layouts").glob("*.txt"))
SAMPLE_TEXTS = [read_text(p).text for p in [*SAMPLES, *LAYOUT_TABLES]]

# What residue.py calls punctuation-only (``_PUNCT_ONLY_RE = ^[\s\W_]*$``): a
# piece made only of these characters is structure, never residue.
_PUNCT_ONLY_CHAR = re.compile(r"[\s\W_]")
_WS = re.compile(r"\s")


# -- running the parser ------------------------------------------------------------


def _source(text: str):
    try:
        return text_source(text, "x.txt")
    except ReadError as exc:
        # text_source refuses blank text before the parser sees it; that is the reader's business
        assert exc.code == "empty", f"text_source raised {exc.code}: {exc}"
        assume(False)
        raise


def _event(name: str) -> None:
    if currently_in_test_context():  # the helpers also run outside hypothesis (samples, debugging)
        event(name)


def parse(text: str) -> Document | None:
    """The Document, or None for ParseError; anything else propagates and fails the test."""
    source = _source(text)
    try:
        doc = parse_source(source)
    except ParseError:
        _event("ParseError")
        return None
    _event(f"form={doc.form}")
    return doc


# -- invariants ----------------------------------------------------------------------


def _line_of(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


def _show(source: str, a: int, b: int) -> str:
    return f"{source[a:b]!r} at [{a}, {b}) line {_line_of(source, a)} in {source[max(0, a - 15):b + 15]!r}"


def check_spans_in_bounds(doc: Document) -> None:
    n = len(doc.source_text)
    named: list[tuple[str, Span]] = [("field", s) for s in all_spans(doc)]
    named += [("syntax", s) for s in doc.syntax]
    named += [("residue", r.span) for r in doc.residue]
    for kind, sp in named:
        assert 0 <= sp.start <= sp.end <= n, f"{kind} span {sp} outside [0, {n}]"


def check_residue(doc: Document) -> None:
    src = doc.source_text
    for r in doc.residue:
        assert r.text == src[r.span.start:r.span.end], f"residue {r!r} ≠ source {src[r.span.start:r.span.end]!r}"
        assert r.line == _line_of(src, r.span.start), f"residue {r!r}: span is on line {_line_of(src, r.span.start)}"


def uncovered(doc: Document) -> list[tuple[int, int]]:
    """Runs of characters no field, syntax or residue span covers, that are not
    whitespace or punctuation-only (as residue.py defines it)."""
    src = doc.source_text
    cov = bytearray(len(src))
    for sp in [*all_spans(doc), *doc.syntax, *(r.span for r in doc.residue)]:
        a, b = max(0, sp.start), min(len(src), sp.end)
        if a < b:
            cov[a:b] = b"\x01" * (b - a)
    runs: list[tuple[int, int]] = []
    for i, ch in enumerate(src):
        if cov[i] or _PUNCT_ONLY_CHAR.match(ch):
            continue
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def check_coverage(doc: Document) -> None:
    check_spans_in_bounds(doc)
    check_residue(doc)
    lost = uncovered(doc)
    assert not lost, "characters fed nothing: " + "; ".join(_show(doc.source_text, a, b) for a, b in lost[:5])


def _fields(doc: Document) -> Iterator[tuple[str, str | None, list[Span] | None]]:
    for pi, p in enumerate(doc.projects):
        for key in ("name", "goal"):
            yield f"projects[{pi}].{key}", getattr(p, key), p.spans.get(key)
        for ii, ind in enumerate(p.indicators):
            for key in ("name", "annual_value", "period_value"):
                yield f"projects[{pi}].indicators[{ii}].{key}", getattr(ind, key), ind.spans.get(key)


def check_field_text(doc: Document) -> None:
    src = doc.source_text
    for where, value, spans in _fields(doc):
        if value is None or not spans:
            continue
        from_spans = "".join(sp.text(src) for sp in spans)
        if "&" in from_spans:
            continue  # an HTML entity decodes to a character its span does not hold
        need = Counter(_WS.sub("", value))
        missing = need - Counter(from_spans)
        assert not missing, (f"{where} = {value!r} has {''.join(sorted(missing.elements()))!r} "
                             f"that its spans {from_spans!r} do not")


def check_deterministic(text: str) -> None:
    first, second = parse(text), parse(text)
    assert (first is None) == (second is None)
    if first is not None and second is not None:
        assert first.to_canonical() == second.to_canonical()


# -- inputs: arbitrary text ------------------------------------------------------------

_CJK = "项目支出绩效目标表部门名称单位万元总计财政拨款专户其他资金指标年度值实施周期产出效益满意度数量质量时效成本一二三级合计"
_ODD = ["\t", "|", " | ", "<p>", "</p>", "<td>", "&nbsp;", "&amp;", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x00", "\x1c",
        "\u3000", "\xa0", "\ufeff", "\u2028", "\ud800", "。", "；", ";", "：", ":", "，", "、", "（", "）", "1、", "2.", "%", "≥", "-"]

random_text = st.lists(
    st.one_of(st.text(max_size=8), st.text(alphabet=_CJK, min_size=1, max_size=8), st.sampled_from(_ODD)),
    max_size=40,
).map("".join)


# -- inputs: the tables' vocabulary -------------------------------------------------------

TITLES = ["项目支出绩效目标表（含转移支付项目）", "## 项目支出绩效目标表（含转移支付项目）", "2020年预算项目支出绩效目标表",
          "部门整体支出绩效目标表", "项目支出绩效目标申报表", "绩效目标", "<p>项目支出绩效目标表</p>"]
HEADS = ["部门名称：广州市电化教育馆 单位：万元", "部门名称：广州市天河区教育信息和装备服务中心", "单位：万元",
         "单位名称：广州开放大学", "填报单位(盖章):济南市电化教育馆", "預算年度：2023", "预算年度：2023", "金额单位：元",
         "部门名称：", "单位:万元"]
HEADER_CELLS = ["项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "财政专户 拨款", "其他资金", "绩效目标", "绩效指标"]
NAMES = ["广州市电化教育馆", "专项工作经费", "合计", "区教育局校园物业管理经费", "广州市技师学院2023年校园",
         "基础信息服务平台建设项目", "其他运行经费", "广州开放大学2024年-2025年信息化运维项目", "总计", "A"]
GOALS = ["通过实施本项目，保障全区未开办幼儿园和学校校园的安全和整洁，改进办学条件，提升校园环境。",
         "维护广州市电化教育馆信息业务系", "统的正常运行。", "达到统一认证、统一门户、统一数据标准、", "。",
         "按照课题目标完成课题研究内容."]
LEVEL1 = ["产出指标", "效益指标", "满意度指标", "成本指标", "效果指标", "产出", "满意度"]
LEVEL2 = ["数量指标", "质量指标", "时效指标", "成本指标", "社会效益", "经济效益指标", "服务对象满意度", "可持续影响"]
IND_NAMES = ["用户满意度", "服务质量", "项目工作量完成率", "年度指标值", "成本控制", "目标群体满意度(%)", "故障工单关闭率（%）", ""]
VALUES = ["100%", "良好以上", "不低于95%", "≥90%", "90%或以上", "1次", "保安 4500/人/月，保洁4000/人/月", "下降", "", "2次/天",
          "&gt;90%", "<u>提高</u>"]
FORM_LABELS = ["项目名称", "实施单位", "一级指标", "二级指标", "三级指标", "年度指标值", "项目属性", "资金用途", "年度绩效目标",
               "项目总目标", "总金额", "本年度预算金额", "项目概况", "绩效指标", "指标值", "实施周期指标值", "東报单位(盖章)",
               "合", "计", "预算", "[内专项"]
FORM_VALUES = ["济南市电化教育馆", "经常性业务项目", "2680万元", "业务类", "2020. 01", "改善", "29 40 3 100%", "及时 及时"]
CHROME = ["第 1 页", "第1页 共3页", "- 2 -", "------------------------------", "发布时间：2023-01-01", "1/3"]

seps = st.sampled_from([" ", "  ", "\t", "|", " | ", "\u3000", "\t\t"])


def _number(n: float | int, style: int) -> str:
    return [f"{n:,.2f}", f"{n:.2f}", f"{int(n)}", f"{n:,.1f}", f"-{n:.2f}", f"{n:.2f}万元"][style]


amount = st.builds(_number, st.floats(0, 1e6, allow_nan=False), st.integers(0, 5))


@st.composite
def indicator_text(draw) -> str:
    n = draw(st.integers(1, 12))
    out = []
    for k in range(n):
        seq = draw(st.sampled_from([k + 1, k + 1, k + 1, k + 3, 0]))
        num = draw(st.sampled_from(["、", ".", "．", " 、"]))
        semi, colon = draw(st.sampled_from([("；", "："), (";", ":"), ("；", ":"), ("，", "：")]))
        l1, l2 = draw(st.sampled_from(LEVEL1)), draw(st.sampled_from(LEVEL2))
        name, v1, v2 = draw(st.sampled_from(IND_NAMES)), draw(st.sampled_from(VALUES)), draw(st.sampled_from(VALUES))
        if draw(st.booleans()):
            item = f"{seq}{num}{l1}{colon}{name}，年度指标值{draw(st.sampled_from([colon, '', '>']))}{v1}。"
        else:
            c1, c2 = draw(st.integers(1, 3)), draw(st.integers(11, 34))
            item = (f"{seq}{num}{c1}-{l1}{semi}{c2}-{l2}{semi}{name}{semi}实施周期指标值{colon}{v1}{semi}"
                    f"年度指标值{colon}{v2}。")
        out.append(item)
    text = "".join(out)
    # wrap like PDF text: break at random points
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
    pieces, last = [], 0
    for c in cuts:
        pieces.append(text[last:c])
        last = c
    pieces.append(text[last:])
    return "\n".join(pieces)


def _cells(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.tuples(*parts), seps).map(lambda t: t[1].join(t[0]))


header_row = st.lists(st.sampled_from(HEADER_CELLS), min_size=1, max_size=8).flatmap(
    lambda cells: seps.map(lambda s: s.join(cells)))
amount_row = st.tuples(
    st.sampled_from(["", "    ", "\u3000"]), st.sampled_from(NAMES),
    st.lists(st.one_of(amount, st.just("")), min_size=0, max_size=4), seps,
).map(lambda t: t[0] + t[3].join([t[1], *t[2]]))
bare_amounts = st.lists(amount, min_size=1, max_size=4).map(" ".join)
tabular_row = st.tuples(
    st.sampled_from(NAMES), st.lists(st.one_of(amount, st.just("")), max_size=4),
    st.sampled_from(GOALS), indicator_text().map(lambda s: s.replace("\n", "")), st.sampled_from(["\t", "|", " | "]),
).map(lambda t: t[4].join([t[0], *t[1], t[2], t[3]]))
form_row = st.lists(st.one_of(st.sampled_from(FORM_LABELS), st.sampled_from(FORM_VALUES),
                              st.sampled_from(FORM_LABELS).map(lambda s: s + "：济南市电化教育馆")),
                    min_size=1, max_size=6).flatmap(lambda cells: seps.map(lambda s: s.join(cells)))
GRID_HEADS = ["一级指标", "二级指标", "三级指标", "三级:", "指标名称", "年度指标值", "年度目标值", "实施周期指标值", "指标值", "分值",
              "指标解释", "备注"]
GRID_HEADERS = [["一级指标", "二级指标", "三级指标", "年度指标值"], ["一级指标", "二级指标", "年度指标值", "实施周期指标值"],
                ["一级指标", "二级指标", "三级指标", "实施周期指标值", "年度指标值"], ["一级指标", "二级指标", "三级:", "年度目标值"]]
grid_header = st.one_of(
    st.lists(st.sampled_from(GRID_HEADS), min_size=2, max_size=6), st.sampled_from(GRID_HEADERS),
).flatmap(lambda cells: seps.map(lambda s: s.join(cells)))
# a grid row: optional 一级/二级 cells, one or more name cells (some only OCR specks), value cells
grid_row = st.tuples(
    st.lists(st.sampled_from(LEVEL1 + LEVEL2 + [""]), max_size=2),
    st.lists(st.sampled_from(IND_NAMES + ["。", "·", "!", "|"]), min_size=1, max_size=2),
    st.lists(st.sampled_from(VALUES), max_size=3),
    seps,
).map(lambda t: t[3].join([*t[0], *t[1], *t[2]]))
# an OCR'd grid row: several names in a cell, several values in another, cells slid
ocr_grid_row = st.tuples(
    st.lists(st.sampled_from(LEVEL1 + LEVEL2 + ["效益", "·指标", ""]), max_size=2),
    st.lists(st.lists(st.sampled_from(IND_NAMES + ["英语听说考试建设数量", "英语听说考记", "英语听说", "英语听说考试",
                                                   "教学的信。", "项目竣工I", "项目竣工验收"]),
                      min_size=1, max_size=4).map(" ".join), min_size=1, max_size=2),
    st.lists(st.sampled_from(VALUES + ["29", "40", "3", "95%", "稳定", "及时", "提高", ">70%"]), max_size=5).map(" ".join),
    st.sampled_from(["\t", "\t\t", "|"]),
).map(lambda t: t[3].join([*t[0], *t[1], t[2]]))
vertical_label = st.sampled_from(["绩\n效\n指\n标", "项\n目\n概\n况", "资\n金", "项"])

vocab_line = st.one_of(
    st.sampled_from(TITLES), st.sampled_from(HEADS), header_row, amount_row, bare_amounts, tabular_row,
    st.sampled_from(GOALS), indicator_text(), form_row, grid_header, grid_row, ocr_grid_row, vertical_label, st.sampled_from(CHROME),
    st.just(""), st.sampled_from(NAMES).map(lambda s: "    " + s), st.text(max_size=6),
)
form_text = st.tuples(
    st.sampled_from(TITLES + [""]),
    st.lists(st.one_of(form_row, st.sampled_from(HEADS), vertical_label, st.sampled_from(GOALS)), min_size=1, max_size=12),
    st.lists(grid_header, max_size=1),
    st.lists(st.one_of(grid_row, ocr_grid_row, st.sampled_from(CHROME)), max_size=12),
).map(lambda t: "\n".join([t[0], *t[1], *t[2], *t[3]]))
summary_text = st.tuples(
    st.sampled_from(TITLES), st.lists(st.sampled_from(HEADS), max_size=2), st.lists(header_row, max_size=1),
    st.lists(st.one_of(amount_row, tabular_row, bare_amounts, st.sampled_from(GOALS), indicator_text(),
                       st.sampled_from(NAMES).map(lambda s: "    " + s), st.just(""), st.sampled_from(CHROME)),
             min_size=1, max_size=16),
).map(lambda t: "\n".join([t[0], *t[1], *t[2], *t[3]]))
# an indicator grid under a form's head: what grid.py reads
grid_text = st.tuples(
    st.sampled_from(["部门整体支出绩效目标表", "项目名称：信息化运维项目\n实施单位：济南市电化教育馆\n项目属性：经常性业务项目\n资金用途：业务类"]),
    st.one_of(grid_header, st.sampled_from(GRID_HEADERS).map("\t".join)),
    st.lists(st.one_of(grid_row, ocr_grid_row), min_size=1, max_size=8),
).map(lambda t: "\n".join([t[0], t[1], *t[2]]))
vocab_text = st.one_of(st.lists(vocab_line, min_size=1, max_size=30).map("\n".join), form_text, summary_text, grid_text)


# -- inputs: mutated samples ----------------------------------------------------------------

_BIG = st.integers(0, 10**6)
mutation = st.one_of(
    st.tuples(st.just("delete"), _BIG, _BIG),
    st.tuples(st.just("duplicate"), _BIG, _BIG, _BIG),
    st.tuples(st.just("truncate"), _BIG),
    st.tuples(st.just("swap"), _BIG, _BIG),
    st.tuples(st.just("insert"), _BIG, st.one_of(st.text(min_size=1, max_size=6), st.sampled_from(_ODD))),
    st.tuples(st.just("tabs-to-spaces"), st.sampled_from([" ", "  ", "    "])),
    st.tuples(st.just("drop-blank-lines")),
    st.tuples(st.just("semicolons-ascii")),
)


def mutate(text: str, op: tuple) -> str:
    lines = text.split("\n")
    n = len(lines)
    kind = op[0]
    if kind == "delete":
        a = op[1] % (n + 1)
        b = a + op[2] % (n - a + 1)
        lines[a:b] = []
    elif kind == "duplicate":
        a = op[1] % (n + 1)
        b = a + op[2] % (n - a + 1)
        k = op[3] % (n + 1)
        lines[k:k] = lines[a:b]
    elif kind == "truncate":
        return text[: op[1] % (len(text) + 1)]
    elif kind == "swap":
        if n:
            i, j = op[1] % n, op[2] % n
            lines[i], lines[j] = lines[j], lines[i]
    elif kind == "insert":
        p = op[1] % (len(text) + 1)
        return text[:p] + op[2] + text[p:]
    elif kind == "tabs-to-spaces":
        return text.replace("\t", op[1])
    elif kind == "drop-blank-lines":
        lines = [ln for ln in lines if ln.strip()]
    elif kind == "semicolons-ascii":
        return text.replace("；", ";")
    return "\n".join(lines)


def _apply(t: tuple[int, list[tuple]]) -> str:
    text = SAMPLE_TEXTS[t[0]]
    for op in t[1]:
        text = mutate(text, op)
    return text


mutated_sample = st.tuples(st.integers(0, len(SAMPLE_TEXTS) - 1), st.lists(mutation, min_size=1, max_size=6)).map(_apply)


# -- inputs: long tables ----------------------------------------------------------------------


def long_table_text(n: int, unit: str, row: str, goal: str) -> str:
    """A summary table with one unit and ``n`` projects (a big department), PDF-wrapped."""
    lines = [TITLES[0], HEADS[0], " ".join(HEADER_CELLS[:1] + HEADER_CELLS[1:4] + HEADER_CELLS[5:]), f"某单位 {unit}"]
    for i in range(n):
        lines += [f"    项目{i} {row}", goal]
    return "\n".join(lines)


# the parameters, not the text, so that a failure prints short
long_table = st.tuples(
    st.sampled_from([1, 2, 10, 100, 1000, 5000]),
    st.sampled_from(["3,000.00 1,000.00 1,000.00 1,000.00", "12,721.29 12,721.29", "9,524.78 3,267.11 5,528.61 729.06"]),
    st.sampled_from(["0.10 0.10", "1.00 1.00", "2.50", "10.00 5.00 5.00"]),
    st.sampled_from(GOALS[:1] + ["1、产出指标：用户满意度，年度指标值：100%。"]),
)


INPUTS = {"random": random_text, "vocab": vocab_text, "mutated": mutated_sample}


# -- 1. no exception but ParseError escapes --------------------------------------------------


def test_parse_error_is_a_jixiao_error():
    assert issubclass(ParseError, JixiaoError)


@pytest.mark.parametrize("kind", INPUTS)
@given(data=st.data())
def test_only_parse_error_escapes(kind, data):
    text = data.draw(INPUTS[kind], label="text")
    doc = parse(text)
    assert doc is None or isinstance(doc, Document)


@pytest.mark.slow
@given(params=long_table)
def test_long_table_only_parse_error_escapes(params):
    doc = parse(long_table_text(*params))
    assert doc is None or isinstance(doc, Document)


# -- 2. every character is a field, structure, residue or punctuation ----------------------------


@pytest.mark.parametrize("kind", INPUTS)
@given(data=st.data())
def test_lossless_coverage(kind, data):
    doc = parse(data.draw(INPUTS[kind], label="text"))
    if doc is not None:
        check_coverage(doc)


# -- 3. a field's text comes from its spans --------------------------------------------------


@pytest.mark.parametrize("kind", INPUTS)
@given(data=st.data())
def test_field_text_from_spans(kind, data):
    doc = parse(data.draw(INPUTS[kind], label="text"))
    if doc is not None:
        check_field_text(doc)


# -- 4. determinism ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", INPUTS)
@given(data=st.data())
def test_deterministic(kind, data):
    check_deterministic(data.draw(INPUTS[kind], label="text"))


# -- inputs found by hand or by hypothesis, kept so they are tried every run ----------------------

REGRESSIONS = {
    # grid.py: a grid row whose name is only OCR specks, with two values, before any indicator
    "grid-speck-name": "部门整体支出绩效目标表\n一级指标\t二级指标\t年度指标值\t实施周期指标值\n。\t1\t2",
    # grid.py: an OCR re-read that extends a name already read
    "grid-name-grows": "部门整体支出绩效目标表\n一级指标\t二级指标\t三级指标\t年度指标值\n"
                       "产出指标\t数量指标\t英语听说\t29 40\n产出指标\t数量指标\t英语听说考试\t29",
    # amounts.py: a unit with over a thousand projects whose amounts can be placed several ways
    "many-projects": "某单位 3000 1000 1000 1000.00\n" + "项目 0.10 0.10\n目标。\n" * 1200,
}


@pytest.mark.parametrize("text", REGRESSIONS.values(), ids=REGRESSIONS.keys())
def test_regression_inputs(text):
    doc = parse(text)
    if doc is not None:
        check_coverage(doc)
        check_field_text(doc)
    check_deterministic(text)


# -- 5. the samples ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sample_parses_with_full_coverage(path):
    doc = parse_source(read_text(path))
    assert doc.projects or doc.units or doc.total is not None
    check_coverage(doc)
    check_field_text(doc)


def test_five_samples():
    assert len(SAMPLES) == 5
