"""Scoring by the rules (jixiao.evaluate), checked by hand.

Each fixture is a small table built from plain dicts (tests/review_helpers.py); the expected
score is worked out in the comment beside it from the profile's formula, not read back from
the code. Then the real published tables (tests/data/selfeval): their recomputed totals, each
added up by hand from the table's printed values.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import jixiao
from jixiao.evaluate import ProfileError, as_json, load_profile, profile_names, score_document
from review_helpers import document

DATA = Path(__file__).parent / "data" / "selfeval"


def scored(indicators: list[dict], profile: str = "national", **evaluation):
    """The one project of a selfeval fixture, scored."""
    doc = document({"form": "selfeval", "project": {"evaluation": evaluation}, "indicators": indicators})
    return score_document(doc, profile).projects[0]


def ind(name: str, annual: str, actual: str, weight: str | None, score: str | None, **kw) -> dict:
    return {"level1": "产出指标", "level2": kw.pop("level2", "数量指标"), "name": name, "annual": annual,
            "actual": actual, "weight": weight, "score": score, **kw}


def test_positive_proportional() -> None:
    # 正向: 20 × 150/200 = 15; reported 18 is 3 above
    x = scored([ind("培训人数", "≥200人", "150人", "20", "18")]).indicators[0]
    assert (x.method, x.ratio, x.recomputed, x.difference) == ("正向", 0.75, 15.0, 3.0)


def test_positive_capped_and_uncapped() -> None:
    # 正向 over-achieved: 10 × 120/100 = 12, capped at the weight 10
    x = scored([ind("改造面积", "100平方米", "120平方米", "10", "10")]).indicators[0]
    assert (x.ratio, x.recomputed, x.difference) == (1.2, 10.0, 0.0)


def test_uncapped_profile_from_a_path(tmp_path: Path) -> None:
    # a user's profile on the national base, cap off: 10 × 1.2 = 12
    p = tmp_path / "mine.toml"
    p.write_text('name = "mine"\nbase = "national"\n[indicators]\ncap = false\n', encoding="utf-8")
    prof = load_profile(str(p))
    assert prof.name == "mine" and prof.budget_weight == 10 and not prof.cap and len(prof.bands) == 3
    x = scored([ind("改造面积", "100平方米", "120平方米", "10", "10")], prof).indicators[0]
    assert x.recomputed == 12.0 and x.difference == -2.0


def test_reverse() -> None:
    # 反向 ≤50万元, actual 60万元: 10 × 50/60 = 8.333… → 8.33; actual 40万元: 50/40 = 1.25, capped → 10
    over, under = scored([ind("项目总成本", "≤50万元", "60万元", "10", "10", level2="成本指标"),
                          ind("单项成本", "≤50万元", "40万元", "10", "10", level2="成本指标")]).indicators
    assert (over.method, over.ratio, over.recomputed, over.difference) == ("反向", 0.8333, 8.33, 1.67)
    assert (under.method, under.ratio, under.recomputed, under.difference) == ("反向", 1.25, 10.0, 0.0)


def test_direction_from_the_table_column() -> None:
    # 指标性质 反向 overrides a target with no comparator: 10 × 30/40 = 7.5
    x = scored([ind("投诉次数", "30次", "40次", "10", "10", direction="反向")]).indicators[0]
    assert (x.method, x.recomputed) == ("反向", 7.5)


def test_money_units_compared_in_one_unit() -> None:
    # 5亿元 target, 6.47亿元 actual; and 5000万元 target met with 0.4亿元 = 4000万元: 10 × 4000/5000 = 8
    a, b = scored([ind("医疗收入", "5亿元", "6.47亿元", "10", "10"),
                   ind("带动投资", "5000万元", "0.4亿元", "10", "10")]).indicators
    assert a.recomputed == 10.0 and b.recomputed == 8.0


def test_qualitative_bands() -> None:
    # 定性, weight 10, bands 100–80 % / 80–50 % / 50–0 %:
    # 达成 (达到预期): 8–10, reported 10 → 0; 基本完成: 5–8, reported 7 → 0, reported 9 → 9 − 8 = +1;
    # 未完成: 0–5, reported 6 → 6 − 5 = +1; printed as the target itself: 达成
    p = scored([ind("服务质量", "良好", "达到预期", "10", "10", level2="质量指标"),
                ind("完成及时性", "及时", "基本完成", "10", "7", level2="时效指标"),
                ind("档案规范性", "规范", "基本完成", "10", "9", level2="质量指标"),
                ind("制度建设", "健全", "未完成", "10", "6", level2="质量指标"),
                ind("专款专用", "专款专用", "专款专用", "10", "10", level2="质量指标")])
    got = [(x.band, x.low, x.high, x.difference) for x in p.indicators]
    assert got == [("达成", 8.0, 10.0, 0.0), ("部分达成", 5.0, 8.0, 0.0), ("部分达成", 5.0, 8.0, 1.0),
                   ("未达成", 0.0, 5.0, 1.0), ("达成", 8.0, 10.0, 0.0)]
    assert all(x.method == "定性" for x in p.indicators)


def test_qualitative_words_longest_first() -> None:
    # 未达到预期: 未达到 (3 characters, 未达成 band) over 达到 (达成); 无超支: 无超支 over 超支; 基本达到: 基本 and 达到
    # tie at 2 characters, the lower band 部分达成
    p = scored([ind("服务质量", "良好", "未达到预期", "10", "4", level2="质量指标"),
                ind("成本控制", "不超预算", "无超支", "10", "10", level2="成本指标"),
                ind("完成及时性", "及时", "基本达到", "10", "7", level2="时效指标")])
    assert [x.band for x in p.indicators] == ["未达成", "达成", "部分达成"]


def test_budget_score_and_total() -> None:
    # budget 86/100 → 10 × 0.86 = 8.6, reported 9 → +0.4; 正向 20 × 150/200 = 15 (reported 18);
    # 反向 10 × 50/60 = 8.33 (reported 10). Reported: 9 + 18 + 10 = 37, printed 总分 40 (sum gap +3);
    # recomputed 8.6 + 15 + 8.33 = 31.93; difference 37 − 31.93 = 5.07
    p = scored([ind("培训人数", "≥200人", "150人", "20", "18"),
                ind("项目总成本", "≤50万元", "60万元", "10", "10", level2="成本指标")],
               total_score="40",
               budget=[{"label": "年度资金总额", "budget": 100.0, "executed": 86.0, "rate": "86%", "weight": "10",
                        "score": "9"}])
    b, t = p.budget, p.total
    assert (b.rate, b.weight, b.recomputed, b.difference) == (0.86, 10.0, 8.6, 0.4)
    assert (t.reported, t.reported_sum, t.sum_gap) == (40.0, 37.0, 3.0)
    assert (t.recomputed, t.difference, t.complete) == (31.93, 5.07, True)
    assert (t.grade_reported, t.grade_recomputed) == ("差", "差")


def test_budget_capped_and_weight_from_the_profile() -> None:
    # executed 110 of 100: 10 × min(1.1, 1) = 10. No 分值 printed: hubei's 20 × 95/100 = 19, national's 10 × 0.95 = 9.5
    over = scored([], budget=[{"label": "年度资金总额", "budget": 100.0, "executed": 110.0, "weight": "10", "score": "10"}])
    assert (over.budget.rate, over.budget.recomputed) == (1.1, 10.0)
    rows = [{"label": "年度财政资金总额", "budget": 100.0, "executed": 95.0, "score": "19"}]
    hubei = scored([], "hubei", budget=rows).budget
    national = scored([], "national", budget=rows).budget
    assert (hubei.weight, hubei.recomputed, hubei.difference) == (20.0, 19.0, 0.0)
    assert (national.weight, national.recomputed) == (10.0, 9.5) and "未列分值" in national.reason


def test_weights_from_the_table_and_unscored_rows() -> None:
    # the table's own 分值 25 (not a national 50/30/10 share): 25 × 80/100 = 20; an 其中 row without 分值/得分 is
    # not scored; a row with a score but no 分值 cannot be recomputed and says so
    p = scored([ind("种植面积", "100亩", "80亩", "25", "20"), ind("其中桃树", "10亩", "10亩", None, None),
                ind("养殖数量", "50只", "50只", None, "15")])
    a, sub, noweight = p.indicators
    assert (a.weight, a.recomputed, a.difference) == (25.0, 20.0, 0.0)
    assert sub.unscored and sub.recomputed is None
    assert noweight.recomputed is None and "未列分值" in noweight.reason
    # the total counts the uncomputable row at its reported 15: 20 + 15 = 35, and says it is not complete
    assert (p.total.recomputed, p.total.complete) == (35.0, False) and "1 项无法重算" in p.total.reason


def test_rubric_profile_checks_only_the_cap() -> None:
    # anhui-dept: a 评分标准 form; 4 of 3 is 1 above the cap, 3 of 3 fine
    p = scored([ind("基础信息完整性", "", "", "3", "4"), ind("工作计划完整性", "", "", "3", "3")], "anhui-dept")
    assert [(x.method, x.high, x.difference) for x in p.indicators] == [("评分标准", 3.0, 1.0), ("评分标准", 3.0, 0.0)]


def test_coefficient_column() -> None:
    # chongqing-dept: 指标得分 = 权重 5 × 得分系数 80 % = 4
    p = scored([ind("宣传报道数", "≥100篇", "120篇", "5", "5", extra={"得分系数(%)": "80"})], "chongqing-dept")
    assert (p.indicators[0].method, p.indicators[0].recomputed, p.indicators[0].difference) == ("得分系数", 4.0, 1.0)


def test_grades() -> None:
    g = load_profile().grade
    assert [g(100), g(90), g(89.99), g(80), g(79.9), g(60), g(59.9), g(None)] == ["优", "优", "良", "良", "中", "中", "差",
                                                                                   None]


def test_profiles_ship_and_bad_ones_say_why(tmp_path: Path) -> None:
    assert profile_names() == ["anhui-dept", "chongqing-dept", "hubei", "national", "sichuan"]
    assert load_profile("hubei").budget_weight == 20 and load_profile("sichuan").levels["绩效指标"] == 90
    with pytest.raises(ProfileError, match="没有评分配置"):
        load_profile("guangxi")
    bad = tmp_path / "bad.toml"
    bad.write_text("[budget\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="不是合法的 TOML"):
        load_profile(str(bad))
    bad.write_text('[budget]\nweight = "ten"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="应为数字"):
        load_profile(str(bad))


def test_review_with_a_bad_profile_is_a_config_error() -> None:
    from jixiao.errors import ConfigError
    from jixiao.review import ReviewConfig, review

    cfg = ReviewConfig.from_dict({"rules": {"R46": {"profile": "atlantis"}}})
    with pytest.raises(ConfigError, match="没有评分配置"):
        review(document({"form": "selfeval", "indicators": []}), cfg)
    # a province's profile changes the check. No 分值 printed, 50 of 100 executed, 得分 12:
    # hubei: 20 × 0.5 = 10 allowed, 12 is above; national: its 分值 10 is only a default and 12 is above
    # the default itself (the table must use another profile), so it says nothing
    doc = document({"form": "selfeval", "project": {"evaluation": {"budget": [
        {"label": "年度资金总额", "budget": 100.0, "executed": 50.0, "score": "12"}]}}})
    hubei = ReviewConfig.from_dict({"rules": {"R46": {"profile": "hubei"}}})
    assert [f.message for f in review(doc, hubei) if f.rule == "R46"] == ["预算执行率得分 12，按执行率 50.00% 最多 10 分"]
    assert not [f for f in review(doc) if f.rule == "R46"]


def test_not_an_evaluation_is_not_scored() -> None:
    s = score_document(document({"indicators": [{"level1": "产出指标", "name": "培训人数", "annual": "≥200人"}]}))
    assert s.projects == [] and "不是自评表" in s.warnings[0]


def _real(name: str, profile: str = "national"):
    return score_document(jixiao.parse(next(DATA.glob(f"{name}_*.txt"))), profile)


def test_real_hebei_02() -> None:
    # budget 37.24/43.2 = 0.8620 → 8.62 (printed 9); 工程资金金额 正向 10 × 37.24/43.2 = 8.62 (printed 9);
    # 8 more indicators at 100/100 → 80. Recomputed 8.62 + 8.62 + 80 = 97.24; reported 9 + 9 + 80 = 98
    t = _real("02").projects[0].total
    assert (t.reported_sum, t.recomputed, t.difference, t.grade_recomputed) == (98.0, 97.24, 0.76, "优")


def test_real_anhui_07() -> None:
    # budget 9.48/9.48 → 10; scored rows 20 + 10 + 10 + 5 + 5 + 20 + 10 = 80, all met (29.5/29.5 亩 …,
    # 100 % of 95 %, 12 of ≥11.376 万元 capped); 其中 rows unscored. 10 + 80 = 90, as reported
    p = _real("07").projects[0]
    assert sum(1 for x in p.indicators if x.unscored) == 7
    assert (p.total.reported_sum, p.total.recomputed, p.total.difference) == (90.0, 90.0, 0.0)
    assert not p.total.complete  # the text is cut at 满意度: the total cannot be graded


def test_real_anhui_01_zero_total_row() -> None:
    # 年度资金总额 prints 0 0 0 | 10 | 0; its 其中 row 89.974 of 89.974: 10 × 1 = 10, the printed 0 is −10;
    # indicators 8×5 + 10×4 = 80 all met (定性 达成预期指标 → 达成 band); recomputed 10 + 80 = 90, reported 0 + 80
    p = _real("01").projects[0]
    assert (p.budget.label, p.budget.recomputed, p.budget.difference) == ("其中:本年财政拨款", 10.0, -10.0)
    assert (p.total.reported_sum, p.total.recomputed) == (80.0, 90.0)


def test_real_sichuan_06_and_chongqing_09_and_hubei_04() -> None:
    # 06: ≤30万元 → 完成 (a number target met in words: 达成 band 72–90), 90 of 90
    first = _real("06", "sichuan").projects[0].indicators[0]
    assert (first.method, first.band, first.low, first.high, first.difference) == ("定性", "达成", 72.0, 90.0, 0.0)
    # 09: 执行率 76 % × 权重 10 = 7.6, as printed
    b = _real("09", "chongqing-dept").projects[0].budget
    assert (b.rate, b.recomputed, b.difference) == (0.76, 7.6, 0.0)
    # 04 (湖北, no 分值 printed): 20 × 1000/1000 = 20 under hubei, the printed 20
    b = _real("04", "hubei").projects[0].budget
    assert (b.weight, b.recomputed, b.difference) == (20.0, 20.0, 0.0)


def test_real_monitor_is_not_scored_and_results_are_json() -> None:
    s = _real("10")
    assert s.form == "monitor" and s.projects == [] and "监控表不评分" in s.warnings[0]
    # 1-6月执行数 87.57 of 年初预算数 220: 0.398045 (0.398), half the year gone, pace 0.398045 / 0.5 = 0.79609 (0.7961)
    g = s.progress[0]
    assert (g.months, g.base, g.executed_to_date, g.rate, g.elapsed, g.pace) == (6, 220.0, 87.57, 0.398, 0.5, 0.7961)
    for f in sorted(DATA.glob("*.txt")):
        json.dumps(as_json(score_document(jixiao.parse(f))), ensure_ascii=False)  # every real table: JSON-able


def test_cli_score() -> None:
    from typer.testing import CliRunner

    from jixiao.cli.main import app

    runner = CliRunner()
    f = str(next(DATA.glob("02_*.txt")))
    r = runner.invoke(app, ["score", f])
    assert r.exit_code == 0, r.output
    assert "工程资金金额 | 10 | 9 | 8.62 | +0.38 | 正向" in r.stdout
    assert "合计 total | | 98 | 97.24 | +0.76" in r.stdout
    r = runner.invoke(app, ["score", f, "--format", "json", "--profile", "hubei"])
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["profile"] == "hubei"
    r = runner.invoke(app, ["score", f, "--profile", "nowhere"])
    assert r.exit_code == 2 and "没有评分配置" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["score", "no-such-file.txt"])
    assert r.exit_code == 1 and "文件不存在" in r.output
