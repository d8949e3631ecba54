"""Every rule's pass and fail cases, from one data file (``pytest -k R14`` runs one rule's)."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from jixiao import parse
from jixiao.cli.samples_cmd import sample_paths
from jixiao.parse.values import parse_target
from jixiao.review import RULES, ReviewConfig, review
from review_helpers import document

CASES = tomllib.loads((Path(__file__).parent / "data/review/cases.toml").read_text(encoding="utf-8"))["case"]


def peers(case: dict) -> dict | None:
    """A case's peer benchmarks (rule R40), by (project index, indicator index), as a store would give them."""
    out = {(p.get("project", 0), p.get("indicator", 0)): {"library_id": 1, "library_name": "培训人数", **p}
           for p in case.get("peers", [])}
    out.update(store_context(case))
    return out or None


def store_context(case: dict) -> dict:
    """A case's unit cost (R52) and earlier-year diff (R53, R54), as the store hands them under
    ("unit_cost", project index) and ("history", project index)."""
    out: dict = {}
    if "unit_cost" in case:
        u = case["unit_cost"]
        out[("unit_cost", 0)] = {"unit_cost": {"yuan": u["yuan"], "unit": u["unit"], "basis": {"text": u["text"]}},
                                 "peer_costs": u["peer_costs"], "library_id": 1, "library_name": "培训人数",
                                 "peers": [{"project": f"同类{k}", "department": "某局", "year": 2024, "yuan": y}
                                           for k, y in enumerate(u["peer_costs"])]}
    if "history" in case:
        h = case["history"]
        out[("history", 0)] = {"money_share": h["money_share"], "targets": h["targets"],
                               "earlier": {"project_id": 7, "project": "测试项目", "year": h.get("year")}}
    return out


def links(case: dict) -> dict | None:
    """A case's links to target-table indicators (rule R51), by (project index, indicator index), as a store
    would give them: the published 年度指标值 (parsed as the parser would) and the target table's name."""
    if "links" not in case:
        return None
    return {(k.get("project", 0), k.get("indicator", 0)): {
        "annual_value": k["published"], "annual_target": parse_target(k["published"]),
        "target_document": k.get("document", "目标表.txt")} for k in case["links"]}


def _id(case: dict) -> str:
    return f"{case['rule']}-{case['expect']}-{case.get('note', '')[:30]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_rule_case(case: dict) -> None:
    found = [f for f in review(document(case), peers=peers(case), links=links(case)) if f.rule == case["rule"]]
    if case["expect"] == "pass":
        assert found == [], [f.message for f in found]
        return
    assert case["expect"] == "fail"
    assert found, f"{case['rule']} did not fire"
    if "count" in case:
        assert len(found) == case["count"], [f.message for f in found]
    if "field" in case:
        assert {f.field for f in found} == {case["field"]}
    if "severity" in case:
        assert {f.severity for f in found} == {case["severity"]}
    for f in found:  # every finding names its place and reads in both languages
        assert f.message and f.message_en and "{" not in f.message and "{" not in f.message_en
        assert f.document == "case.txt"


def test_every_rule_has_a_pass_and_a_fail_case() -> None:
    kinds: dict[str, set[str]] = {}
    for c in CASES:
        kinds.setdefault(c["rule"], set()).add(c["expect"])
    assert sorted(kinds) == sorted(RULES)
    assert all(v == {"pass", "fail"} for v in kinds.values()), {k: v for k, v in kinds.items() if v != {"pass", "fail"}}
    assert list(RULES) == [f"R{i:02d}" for i in range(1, 55)]


def test_needs_only_skips_what_cannot_fire(monkeypatch: pytest.MonkeyPatch) -> None:
    """``needs`` (R12, R23) only spares the engine calls: without it, every case and sample reviews the same."""
    docs = [document(c) for c in CASES] + [parse(p) for p in sample_paths()]
    with_needs = [review(d, ReviewConfig()) for d in docs]
    assert any(r.needs is not None for r in RULES.values())
    for rid, r in list(RULES.items()):
        if r.needs is not None:
            monkeypatch.setitem(RULES, rid, dataclasses.replace(r, needs=None))
    assert [review(d, ReviewConfig()) for d in docs] == with_needs


def test_findings_on_items_read_with_doubt_say_so_and_are_never_errors() -> None:
    """Issue 19: a scan's misread cells are not table defects. A finding on an item the parser
    warned about says so, is at most a warning (a hint when it is about the cells themselves), and
    the same finding elsewhere is untouched."""
    bad = {"level1": "产出指标", "level2": "质量指标", "name": "验收合格率", "annual": "120%"}  # R17 over_100: error
    doubtful = document({"projects": [
        {"name": "扫描", "warnings": [{"code": "grid-ocr", "message": "指标表的单元格错位（扫描件）"}],
         "indicators": [bad, {"level1": "成本指标", "level2": "经济效益指标", "name": "推动", "annual": "推动"}]},
        {"name": "清楚", "indicators": [bad, {"level1": "成本指标", "level2": "经济效益指标", "name": "推动",
                                               "annual": "推动"}]},
    ]})
    found = review(doubtful)
    scan = [f for f in found if f.project == "扫描"]
    clean = [f for f in found if f.project == "清楚"]
    assert {(f.rule, f.severity) for f in scan if f.rule in ("R02", "R17")} == {("R02", "info"), ("R17", "warning")}
    assert {(f.rule, f.severity) for f in clean if f.rule in ("R02", "R17")} == {("R02", "error"), ("R17", "error")}
    about_indicators = [f for f in scan if f.indicator_index is not None or f.field == "indicators"]
    assert about_indicators and all("识读存疑" in f.message and "read with doubt" in f.message_en
                                    for f in about_indicators)
    assert not any("识读存疑" in f.message for f in scan if f.field == "goal")  # the goal was read clearly
    assert not any("识读存疑" in f.message for f in clean)


def test_r09_never_contradicts_r22() -> None:
    """Issue 19: R09 (no cost indicator) never fires on a project where R22 reports a cost indicator."""
    docs = [document(c) for c in CASES] + [parse(p) for p in sample_paths()]
    for d in docs:
        found = review(d)
        r09 = {f.project_index for f in found if f.rule == "R09"}
        r22 = {f.project_index for f in found if f.rule in ("R22", "R23")}
        assert not r09 & r22, (d.source, r09 & r22)


def test_infer_level2_for_the_library() -> None:
    from jixiao.review.text import infer_level2

    assert infer_level2("产出指标", "培训组织及时性", "及时") == "时效"
    assert infer_level2("产出指标", "完成时限", "2024年12月前") == "时效"
    assert infer_level2("产出指标", "产品合格率", "100%") == "质量"
    assert infer_level2("产出指标", "预算控制", "预算范围内") == "成本"
    assert infer_level2("产出指标", "年度工作会议开展次数", "1次") == "数量"
    assert infer_level2("产出指标", "拍摄课程视频", "6300个", parse_target("6300个")) == "数量"
    assert infer_level2("产出指标", "课题任务书", "100%按照任务书完成") is None
    assert infer_level2("满意度指标", "用户满意度", "≥90%") == "服务对象满意度"
    assert infer_level2("效益指标", "网络通畅率", "98%") is None
