"""Document → a readable tree (department → units → projects → indicators) for a terminal."""

from __future__ import annotations

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..model import Amounts, Document, Evaluation, Indicator

__all__ = ["document_tree", "residue_table"]

_AMOUNT_NAMES = (("total", "总计"), ("fiscal", "财政拨款"), ("special", "财政专户"), ("other", "其他"))


def _money(a: Amounts | None, unit: str | None) -> str:
    if a is None or a.is_empty():
        return ""
    parts = [f"{label} {v:,.2f}" for key, label in _AMOUNT_NAMES if (v := getattr(a, key)) is not None]
    return "  [dim](" + ", ".join(parts) + (f" {escape(unit)}" if unit else "") + ")[/]"


def _indicator(i: Indicator) -> str:
    levels = "/".join(escape(x) for x in (i.level1, i.level2) if x)
    values = []
    if i.period_value is not None:
        values.append(f"实施周期：{escape(i.period_value)}")
    values.append(f"年度：{escape(i.annual_value) if i.annual_value is not None else '[red]（缺）[/]'}")
    # a self-evaluation or monitoring form's outcome beside the target (None on a target table)
    for label, v in (("实际", i.actual_value), ("分值", i.weight), ("得分", i.score), ("可能性", i.likelihood),
                     ("偏差", i.deviation)):
        if v is not None:
            values.append(f"{label}：{escape(v if len(v) <= 40 else v[:39] + '…')}")
    seq = f"{i.seq}. " if i.seq is not None else ""
    core = "★" if i.core else ""
    return f"{seq}[cyan]{levels}[/] {core}{escape(i.name or '（无名称）')} — " + "；".join(values)


_BUDGET_NAMES = (("initial", "年初"), ("budget", "全年"), ("executed", "执行"), ("executed_to_date", "已执行"),
                 ("expected", "预计"), ("rate", "执行率"), ("weight", "分值"), ("score", "得分"))


def _evaluation(node: Tree, e: Evaluation) -> None:
    """A self-evaluation's money rows, goal and notes under its project."""
    for r in e.budget:
        parts = [f"{label} {v:,.2f}" if isinstance(v, float) else f"{label} {escape(v)}"
                 for key, label in _BUDGET_NAMES if (v := getattr(r, key)) is not None]
        if parts:
            node.add(f"[magenta]{escape(r.label)}[/]  " + "，".join(parts))
    for key, label in (("goal_expected", "预期目标"), ("goal_actual", "实际完成"), ("total_score", "总分"),
                       ("deviation", "偏差原因"), ("measures", "改进措施")):
        if (v := getattr(e, key)) is not None:
            node.add(f"[magenta]{label}：[/]{escape(v if len(v) <= 80 else v[:79] + '…')}")


def document_tree(doc: Document, *, warnings: bool = True) -> Group:
    head = escape(doc.title or "（无标题）")
    root = Tree(f"[bold]{head}[/]  [dim]{doc.form}[/]")
    info = []
    if doc.department:
        info.append(f"部门：{escape(doc.department)}")
    if doc.year:
        info.append(f"年度：{doc.year}")
    if doc.amount_unit:
        info.append(f"单位：{escape(doc.amount_unit)}")
    if info:
        root.add("  ".join(info))
    if doc.total is not None:
        root.add("合计" + _money(doc.total, doc.amount_unit))
    units = {u.name: root.add(f"[bold]{escape(u.name)}[/]" + _money(u.amounts, doc.amount_unit)) for u in doc.units}
    for p in doc.projects:
        parent = units.get(p.unit or "", root)
        node = parent.add(f"[green]{escape(p.name or '（无名称）')}[/]" + _money(p.amounts, doc.amount_unit))
        if p.goal:
            goal = p.goal if len(p.goal) <= 80 else p.goal[:79] + "…"
            node.add(f"[dim]目标：{escape(goal)}[/]")
        if p.evaluation is not None:
            _evaluation(node, p.evaluation)
        for label, text in p.fields.items():
            short = text if len(text) <= 60 else text[:59] + "…"
            node.add(f"[dim]{escape(label)}：{escape(short)}[/]")
        for i in p.indicators:
            node.add(_indicator(i))
    parts: list = [root]
    if warnings:
        ws = doc.all_warnings()
        if ws:
            parts.append(Text(f"\n警告 warnings ({len(ws)}):", style="bold yellow"))
            for w in ws:
                where = f"第{w.line}行 " if w.line else ""
                parts.append(Text(f"  [{w.code}] {where}{w.message}", style="yellow"))
    return Group(*parts)


def residue_table(doc: Document) -> Group:
    if not doc.residue:
        return Group(Text("无残留文本 / no residue", style="green"))
    lines = [Text(f"残留文本 residue ({len(doc.residue)}):", style="bold")]
    for r in doc.residue:
        lines.append(Text(f"  第{r.line}行: {r.text}"))
    return Group(*lines)


def explain_table(cells: list) -> Table:
    """Each cell of the source and the role the parser gave it (``jixiao parse --explain``); the
    cells are :func:`jixiao.parse.explain.explain`'s."""
    table = Table("行 line", "单元格 cell", "读作 read as", show_lines=False, header_style="bold")
    for cell in cells:
        style = "red" if cell.role.startswith("残留") else ("dim" if cell.role.startswith(("结构", "页面")) else None)
        text = cell.text if len(cell.text) <= 60 else cell.text[:59] + "…"
        table.add_row(str(cell.line), text, cell.role, style=style)
    return table
