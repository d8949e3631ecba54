"""Synthetic self-evaluation (项目支出绩效自评表) and monitoring (项目支出绩效监控表) tables.

Seeded like :mod:`jixiao.synth`: the same seed gives the same tables. Each table is an
official-layout :class:`~jixiao.render.official.Grid` (so the XLSX, HTML and PDF writers draw
it as they draw a target table), printed as text with ``|`` between cells, and comes with what it
holds (:class:`EvalExpected`) for golden tests of the reader. The layout follows 10号's national
form: the money rows (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分), 预期目标 /
实际完成情况, the indicator grid (一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 |
偏差原因分析及改进措施) and 总分; a monitoring table has 年初预算数 | 1–N月执行数 | 全年预计执行数
and 指标值 | 半年度指标执行情况 | 完成目标可能性 | 备注. Scores follow the national rules, with a
few inflated on purpose so the review (R45–R47) has something to find.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .render.official import Grid
from .synth import CITIES, DEPARTMENTS, TOPICS, UNIT_KINDS

__all__ = ["EVAL_FORMS", "FORMATS", "EvalExpected", "EvalIndicator", "generate_eval", "grid_text", "render_eval"]

EVAL_FORMS = ("selfeval", "monitor")

# (一级, 二级, name, target, actual options, unit) — targets the reader parses to a number or a 定性 word
_ROWS = (
    ("产出指标", "数量指标", "培训人数", "≥{n}人", "人"),
    ("产出指标", "数量指标", "设备购置数量", "{n}台", "台"),
    ("产出指标", "数量指标", "改造面积", "{n}平方米", "平方米"),
    ("产出指标", "质量指标", "验收合格率", "100%", "%"),
    ("产出指标", "质量指标", "系统可用率", "≥95%", "%"),
    ("产出指标", "时效指标", "完成及时性", "及时", None),
    ("产出指标", "成本指标", "项目总成本", "≤{m}万元", "万元"),
    ("效益指标", "社会效益指标", "受益人数", "≥{n}人", "人"),
    ("效益指标", "可持续影响指标", "长效管理机制", "健全", None),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "%"),
)
_REASONS = ("部分设备延期到货，已督促供应商", "受天气影响工期顺延", "招标流程较长，次年完成支付")
_LIKELY = ("确定能", "确定能", "有可能", "不可能")


@dataclass
class EvalIndicator:
    level1: str
    level2: str
    name: str
    annual_value: str
    actual_value: str
    weight: str | None
    score: str | None
    deviation: str | None
    likelihood: str | None = None


@dataclass
class EvalExpected:
    form: str
    title: str
    year: int
    project: str
    department: str
    unit: str
    budget: float
    executed: float
    rate: str | None
    budget_weight: str | None
    budget_score: str | None
    total_score: str | None
    goal_expected: str
    goal_actual: str | None
    months: int | None = None
    indicators: list[EvalIndicator] = field(default_factory=list)


def _num(x: float) -> str:
    return f"{x:g}"


def _indicator(rng: random.Random, row: tuple, weight: int, monitor: bool) -> EvalIndicator:
    l1, l2, name, target, unit = row
    n, m = rng.choice((50, 100, 120, 200, 300)), rng.choice((20, 50, 80))
    annual = target.format(n=n, m=m)
    met = rng.random() < 0.7
    if unit is None:  # 定性
        actual = "达到预期" if met else "基本完成"
        ratio = 1.0 if met else 0.75
    elif unit == "%":
        base = float(annual.lstrip("≥").rstrip("%"))
        got = base if met else base - rng.choice((5, 10))
        actual, ratio = f"{_num(got)}%", min(got / base, 1.0)
    elif annual.startswith("≤"):
        got = m if met else m + rng.choice((5, 10))
        actual, ratio = f"{_num(got)}{unit}", min(m / got, 1.0)
    else:
        got = n if met else n - rng.choice((10, 20))
        actual, ratio = f"{_num(got)}{unit}", min(got / n, 1.0)
    if monitor:
        likely = "确定能" if met else rng.choice(_LIKELY)
        return EvalIndicator(l1, l2, name, annual, actual, None, None, None if met else rng.choice(_REASONS), likely)
    score = round(weight * ratio, 2)
    if not met and rng.random() < 0.3:
        score = weight  # inflated on purpose: full marks for a missed target (R46/R47)
    deviation = None if met or rng.random() < 0.3 else rng.choice(_REASONS)
    return EvalIndicator(l1, l2, name, annual, actual, str(weight), _num(score), deviation)


def generate_eval(rng: random.Random, form: str) -> tuple[Grid, EvalExpected]:
    """One table of ``form`` (``selfeval`` or ``monitor``) as a grid, with what it holds."""
    if form not in EVAL_FORMS:
        raise ValueError(f"unknown form {form!r}")
    monitor = form == "monitor"
    city = rng.choice(CITIES)
    department = city + rng.choice(DEPARTMENTS)
    unit = city + rng.choice(UNIT_KINDS)
    year = rng.randint(2019, 2025)
    project = f"{rng.choice(TOPICS)}项目"
    budget = float(rng.choice((20, 50, 80, 100, 120, 200)))
    executed = round(budget * rng.choice((1.0, 1.0, 0.95, 0.86, 0.7)), 2)
    goal = f"完成{project}年度任务，服务对象满意度达到90%以上"
    n = rng.randint(3, 6)
    weights = [90 // n] * n
    weights[0] += 90 - sum(weights)
    # distinct rows in the form's order (产出, 效益, 满意度): a table does not print a 三级 name twice
    rows = sorted(rng.sample(range(len(_ROWS)), n))
    inds = [_indicator(rng, _ROWS[k], w, monitor) for k, w in zip(rows, weights, strict=True)]
    g = Grid(table_from=2, widths=[5.0, 5.0, 6.0, 8.0, 6.0, 6.0, 4.0, 4.0, 9.0])
    width = 9
    if monitor:
        months = 6
        title = "项目支出绩效监控表"
        to_date = round(executed * months / 12, 2)
        exp = EvalExpected(form, title, year, project, department, unit, budget, to_date, None, None, None, None,
                           goal, None, months, inds)
        g.add([title] + [""] * (width - 1))
        g.add([f"（{year}年度）"] + [""] * (width - 1))
        g.add(["项目名称", project, "", "", "", "", "", "", ""])
        g.add(["主管部门", department, "", "", "项目执行单位", unit, "", "", ""])
        g.add(["项目资金（万元）", "", "年初预算数", f"1-{months}月执行数", "全年预计执行数", "", "", "", ""])
        g.add(["", "年度资金总额", _num(budget), _num(to_date), _num(budget), "", "", "", ""])
        exp.budget = budget
        g.add(["项目年度目标", goal, "", "", "", "", "", "", ""])
        g.add(["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "半年度指标执行情况",
               "完成目标可能性", "备注", ""])
        for i in inds:
            g.add(["", i.level1, i.level2, i.name, i.annual_value, i.actual_value, i.likelihood or "",
                   i.deviation or "", ""])
        g.add(["偏差或不能完成目标原因分析", "", "", "", "", "", "", "", ""])
        g.add(["相关建议或举措", "", "", "", "", "", "", "", ""])
        return g, exp
    rate = executed / budget
    bw = 10
    bscore = round(bw * min(rate, 1.0), 2)
    if rate < 1 and rng.random() < 0.3:
        bscore = float(bw)  # inflated on purpose (R46)
    total = round(bscore + sum(float(i.score or 0) for i in inds), 2)
    title = "项目支出绩效自评表"
    exp = EvalExpected(form, title, year, project, department, unit, budget, executed, f"{rate:.0%}", str(bw),
                       _num(bscore), _num(total), goal, f"已完成{project}年度任务", None, inds)
    g.add([title] + [""] * (width - 1))
    g.add([f"（{year}年度）"] + [""] * (width - 1))
    g.add(["项目名称", project, "", "", "", "", "", "", ""])
    g.add(["主管部门", department, "", "", "实施单位", unit, "", "", ""])
    g.add(["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""])
    g.add(["", "年度资金总额", _num(budget), _num(budget), _num(executed), str(bw), f"{rate:.0%}", _num(bscore), ""])
    g.add(["年度总体目标", "预期目标", "", "", "", "实际完成情况", "", "", ""])
    g.add(["", goal, "", "", "", exp.goal_actual or "", "", "", ""])
    g.add(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
           "偏差原因分析及改进措施"])
    for i in inds:
        g.add(["", i.level1, i.level2, i.name, i.annual_value, i.actual_value, i.weight or "", i.score or "",
               i.deviation or ""])
    # 总分 with its score alone: the reader takes a 总分 row's first number (a printed 分值 100 would be read as it)
    g.add(["总分", "", "", "", "", "", "", exp.total_score or "", ""])
    return g, exp


def grid_text(g: Grid) -> str:
    """The grid as extracted text: one line a row, cells between ``|``, empty cells kept."""
    return "\n".join(" | ".join(row).rstrip() + " |" for row in g.rows) + "\n"


#: the formats a synthetic evaluation table is written in, by file suffix
FORMATS = ("txt", "html", "xlsx", "docx", "pdf")


def _docx(g: Grid) -> bytes:
    """The grid as a Word table under its title (python-docx; merged cells are left unmerged)."""
    import io

    import docx

    d = docx.Document()
    d.add_heading(g.rows[0][0], level=1)
    for row in g.rows[1:g.table_from]:
        d.add_paragraph(" ".join(t for t in row if t))
    body = g.rows[g.table_from:]
    t = d.add_table(rows=len(body), cols=len(body[0]))
    t.style = "Table Grid"
    for r, row in enumerate(body):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def render_eval(g: Grid, fmt: str) -> bytes:
    """The grid in ``fmt`` (one of :data:`FORMATS`), as the bytes of a file."""
    if fmt == "txt":
        return grid_text(g).encode("utf-8")
    if fmt == "docx":
        return _docx(g)
    if fmt == "html":
        from .render.html import render_html

        return render_html({}, g).encode("utf-8")
    if fmt == "xlsx":
        from .render.xlsx import render_xlsx

        return render_xlsx({}, g)
    if fmt == "pdf":
        from .render.pdf import render_pdf

        return render_pdf({}, g)
    raise ValueError(f"unknown format {fmt!r}")
