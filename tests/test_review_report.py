"""The report object: summaries (定量率, coverage, counts), department comparison, pure review."""

from __future__ import annotations

from jixiao.review import build_report, review
from review_helpers import document

CASE = {"department": "甲局", "indicators": [
    {"level1": "产出指标", "level2": "数量指标", "name": "培训人数", "annual": "≥200人"},
    {"level1": "效益指标", "level2": "社会效益", "name": "管理效率", "annual": "提高"},
    {"level1": "满意度指标", "level2": "服务对象满意度", "name": "学员满意度", "annual": "≥90%"},
    {"level1": "产出指标", "level2": "时效指标", "name": "完成时限", "annual": "及时"},
]}


def test_summary_counts_rate_and_coverage() -> None:
    report = build_report([document(CASE)])
    s = report.results[0].summary
    assert s.indicators == 4 and s.measurable == 2 and s.quant_rate == 0.5
    p = s.projects[0]
    assert p.level1 == ["产出", "效益", "满意度"] and p.level2 == ["数量", "时效", "社会效益", "服务对象满意度"]
    assert sum(s.counts.values()) == len(report.findings) == sum(p.counts.values())
    assert s.coverage(1) == {"产出": 1, "效益": 1, "满意度": 1, "成本": 0}
    d = report.to_dict()
    assert d["documents"][0]["quant_rate"] == 0.5 and d["rules"] == report.rule_counts()


def test_departments_group_documents() -> None:
    a = document({**CASE, "source": "a.txt"})
    b = document({**CASE, "source": "b.txt"})
    c = document({**CASE, "source": "c.txt", "department": "乙局"})
    depts = build_report([a, b, c]).departments()
    assert [s.source for s in depts["甲局"]] == ["a.txt", "b.txt"] and len(depts["乙局"]) == 1


def test_review_is_pure_and_repeatable() -> None:
    doc = document(CASE)
    before = doc.model_dump()
    assert review(doc) == review(doc)
    assert doc.model_dump() == before


def test_fail_on_levels() -> None:
    report = build_report([document(CASE)])
    assert report.counts["error"] == 0 and report.counts["warning"] > 0
    assert not report.fails(None) and not report.fails("error") and report.fails("warning")
