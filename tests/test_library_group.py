"""Indicator names: normalisation, the same-measure rule, and its precision/recall on the labelled pairs."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from jixiao.library.group import THRESHOLD, Grouper, group_keys, measure_key, same_measure
from jixiao.library.normalize import bucket, name_key

PAIRS = json.loads((Path(__file__).parent / "data" / "library" / "pairs.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("raw", "key"), [
    ("指标1:新建堤防、护岸长度", "新建堤防护岸长度"),
    ("①用户满意度", "用户满意度"),
    ("(1)培训人数", "培训人数"),
    ("1、服务对象满意度（%）", "服务对象满意度"),
    ("★★★受益脱贫户、监测户人口数(≥**户)", "受益脱贫户监测户人口数"),
    ("受益建档立卡贫困人口数≥**人", "受益建档立卡贫困人口数"),
    ("*贫困地区旅游基础设施建设质量达标率100%", "贫困地区旅游基础设施建设质量达标率"),
    ("222064102-参加培训人数", "参加培训人数"),
    ("服务对象的满意度", "服务对象满意度"),
    ("服务对象满意度指标", "服务对象满意度"),
    ("7 岁以下儿童健康管理率", "7岁以下儿童健康管理率"),
    ("项目(工程)验收合格率", "项目验收合格率"),
    ("  ", ""), (None, ""),
])
def test_name_key_takes_spelling_out(raw, key):
    assert name_key(raw) == key


@pytest.mark.parametrize(("levels", "expected"), [
    (("成本指标(0-20)分", "经济成本指标"), ("成本", "经济成本")),
    (("预期产出指标", "数量指标(或建筑规模指标)"), ("产出", "数量")),
    (("效果指标", "社会、经济、生态效益指标"), ("效益", "社会效益")),
    (("项目完成\n指标", "数量指标"), ("产出", "数量")),
    (("满意度指标", None), ("满意度", "服务对象满意度")),
    (("效益指标", "社会公众或服务对象满意度指标"), ("满意度", "服务对象满意度")),
    (("产出指标", None), ("产出", None)),
])
def test_bucket_reads_odd_templates(levels, expected):
    assert bucket(*levels) == expected


def test_the_issues_examples_group():
    sat = ("满意度", "服务对象满意度")
    assert same_measure(sat, measure_key("用户满意度"), measure_key("学生、家长满意度"))
    assert same_measure(sat, measure_key("服务对象满意率"), measure_key("游客满意度(≥**%)"))
    assert not same_measure(sat, measure_key("投诉次数"), measure_key("用户满意度"))
    qty = ("产出", "数量")
    assert same_measure(qty, measure_key("培训人数"), measure_key("参训人次"))
    assert not same_measure(qty, measure_key("培训人数"), measure_key("培训天数"))


def test_leaders_stop_chains():
    g = Grouper()
    b = ("产出", "数量")
    first = g.assign(b, "培训人数", 1)
    assert g.assign(b, "培训人数", 2) == first
    assert g.assign(b, "培训天数", 3) == 3  # not one step from 培训人数 to 培训天数
    assert g.find(("产出", "质量"), "培训人数") is None  # other 二级, other groups


def _load_benchmark():
    path = Path(__file__).parents[1] / "benchmarks" / "library_grouping.py"
    spec = importlib.util.spec_from_file_location("library_grouping", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_labelled_pairs_are_enough_and_well_formed():
    assert len(PAIRS) >= 150
    assert {type(p["same"]) for p in PAIRS} == {bool}
    assert sum(p["same"] for p in PAIRS) >= 50 and sum(not p["same"] for p in PAIRS) >= 50
    assert len({(p["a"], p["b"]) for p in PAIRS}) == len(PAIRS)


def test_grouping_precision_and_recall_on_the_labelled_pairs():
    """The figures in the report: precision first (a wrong merge compares unlike measures)."""
    bench = _load_benchmark()
    precision, recall, *_ = bench.precision_recall(PAIRS, bench.grouped_same(PAIRS))
    assert precision >= 0.98 and recall >= 0.75, (precision, recall)
    other = [p for p in PAIRS if p["level2"] != "服务对象满意度"]
    precision, recall, *_ = bench.precision_recall(other, bench.grouped_same(PAIRS))
    assert precision >= 0.98 and recall >= 0.6, (precision, recall)
    assert THRESHOLD == 90


def test_group_keys_numbers_groups_in_order():
    b = ("产出", "时效")
    names = ["按时完成率", "项目按时完成率", "完成时间", "完成时限"]
    out = group_keys([(b, measure_key(n)) for n in names])
    assert [out[(b, measure_key(n))] for n in names] == [0, 0, 1, 1]
