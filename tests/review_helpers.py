"""Build small Documents from plain dicts (the rule cases, config and report tests)."""

from __future__ import annotations

from typing import Any

from jixiao.model import Amounts, BudgetRow, Document, Evaluation, Indicator, Issue, Project, Unit
from jixiao.parse.values import parse_target

DEFAULT_GOAL = "完成10间教室改造，开展2场培训"


def indicator(d: dict[str, Any], seq: int) -> Indicator:
    annual, period = d.get("annual"), d.get("period")
    return Indicator(
        seq=d.get("seq", seq), level1=d.get("level1"), level1_code=d.get("code1"), level2=d.get("level2"),
        level2_code=d.get("code2"), name=d.get("name"), annual_value=annual, period_value=period,
        annual_target=parse_target(d.get("target", annual)), period_target=parse_target(period),
        extra=dict(d.get("extra", {})),
        # evaluation forms (R45–R50): the 实际完成值, 分值, 得分 … columns
        actual_value=d.get("actual"), actual_target=parse_target(d.get("actual")), weight=d.get("weight"),
        score=d.get("score"), direction=d.get("direction"), deviation=d.get("deviation"),
        likelihood=d.get("likelihood"),
    )


def amounts(d: dict[str, Any]) -> Amounts:
    return Amounts(**{k: d[k] for k in ("total", "fiscal", "special", "other") if k in d})


def project(d: dict[str, Any]) -> Project:
    money = {k: d[k] for k in ("total", "fiscal", "special", "other") if k in d}
    if not money and not d.get("no_money"):
        money = {"total": 100.0, "fiscal": 100.0}
    items = list(d.get("indicators", []))
    if d.get("repeat") and items:  # the first indicator n times, each with its own name
        items = [{**items[0], "name": f"{items[0].get('name', '指标')}{i}"} for i in range(1, d["repeat"] + 1)]
    return Project(
        name=d.get("name", "测试项目"), unit=d.get("unit"), amounts=amounts(money),
        goal=d.get("goal", DEFAULT_GOAL),
        indicators=[indicator(x, i) for i, x in enumerate(items, 1)],
        warnings=[Issue(**w) for w in d.get("warnings", [])],
        evaluation=evaluation(d["evaluation"]) if "evaluation" in d else None,
    )


def evaluation(d: dict[str, Any]) -> Evaluation:
    """A self-evaluation or monitoring table's own parts: money rows, 总分, 偏差原因 …"""
    return Evaluation(budget=[BudgetRow(**r) for r in d.get("budget", [])],
                      **{k: d[k] for k in ("months", "total_score", "deviation", "measures") if k in d})


def document(case: dict[str, Any]) -> Document:
    """A case's document: ``projects`` (a list), or one project from ``project`` + ``indicators``."""
    if "projects" in case:
        projects = [project(p) for p in case["projects"]]
    else:
        projects = [project({**case.get("project", {}), "indicators": case.get("indicators", [])})]
    return Document(
        source=case.get("source", "case.txt"), form=case.get("form", "summary"), department=case.get("department", "测试部门"),
        amount_unit=case.get("amount_unit", "万元"),
        units=[Unit(name=u["name"], amounts=amounts(u)) for u in case.get("units", [])],
        total=amounts(case["total"]) if "total" in case else None,
        projects=projects,
    )
