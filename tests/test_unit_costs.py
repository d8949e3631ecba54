"""Unit costs (单位成本) on SQLite and PostgreSQL: figures, fences and outliers checked by hand."""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from jixiao.cli.main import app as cli
from jixiao.library.cost_outlier import cost_fences, outlier_side
from jixiao.library.query import document_peers
from jixiao.library.unit_cost import Quantity, count_unit, format_cost, unit_cost
from jixiao.library.unit_costs import indicator_unit_costs, list_unit_costs, project_unit_cost
from jixiao.model import Amounts, Document, Indicator, Project, Target
from jixiao.review import review
from jixiao.store import open_store
from jixiao.store.query import load_document
from jixiao.store.write import save_document

Q, E = ("产出指标", "数量指标"), ("产出指标", "质量指标")


def ind(level: tuple[str, str], name: str, number: float, unit: str, cmp: str | None = None) -> Indicator:
    shown = {">=": "≥", None: ""}[cmp] + f"{number:g}{unit}"
    return Indicator(level1=level[0], level2=level[1], name=name, annual_value=shown,
                     annual_target=Target(text=shown, kind="quantitative", comparator=cmp, value=number, unit=unit))


def doc(dept: str, name: str, total: float | None, *indicators: Indicator) -> Document:
    return Document(form="project", department=dept, year=2024, amount_unit="万元",
                    projects=[Project(name=name, amounts=Amounts(total=total), indicators=list(indicators))])


# 培训人数 in 人: 1,000 / 1,200 / 1,500 / 2,000 / 2,500 元/人, and one at 20,000 元/人
FIXTURE = [
    doc("甲局", "培训甲", 10.0, ind(Q, "培训人数", 100, "人"), ind(E, "培训合格率", 95, "%")),
    doc("乙局", "培训乙", 12.0, ind(Q, "参训人次", 100, "人")),
    doc("丙局", "培训丙", 30.0, ind(Q, "培训人数", 200, "人", ">=")),
    doc("丁局", "培训丁", 20.0, ind(Q, "培训人数", 100, "人")),
    doc("戊局", "培训戊", 25.0, ind(Q, "(1)培训人数", 100, "人")),
    doc("己局", "培训己", 200.0, ind(Q, "培训人数", 100, "人")),
    doc("庚局", "培训并购置", 50.0, ind(Q, "培训人数", 100, "人"), ind(Q, "购置设备数", 5, "台")),  # two counts
    doc("辛局", "培训没有金额", None, ind(Q, "培训人数", 100, "人")),
]


@pytest.fixture
def store(db_url):
    engine = open_store(db_url)
    ids = [save_document(engine, d, source_path=f"uc{k}", sha256=f"{k:064d}").document_id
           for k, d in enumerate(FIXTURE)]
    with engine.connect() as c:
        pids = [c.execute(text("SELECT id FROM projects WHERE document_id = :d"), {"d": i}).scalar_one() for i in ids]
    yield engine, ids, pids
    engine.dispose()


def test_count_units_and_formatting_by_hand():
    assert count_unit("人") == ("人", 1.0) and count_unit("万人次") == ("人次", 10_000.0)
    assert count_unit("㎡") == ("平方米", 1.0) and count_unit("千米") == ("公里", 1.0)
    assert count_unit("%") is None and count_unit("项") is None and count_unit(None) is None
    assert count_unit("次") is None  # on the real tables every 次 target was a side activity, not what was bought
    assert format_cost(1500, "人") == "1,500 元/人" and format_cost(356_000, "所") == "35.6 万元/所"


def test_unit_cost_of_a_parsed_project_by_hand():
    uc, why = unit_cost(30.0, "万元", [Quantity("培训人数", "数量", 200, "人", ">="),
                                      Quantity("合格率", "质量", 95, "%")])
    assert why == "" and uc.yuan == 1500.0 and uc.unit == "人"  # 300,000 元 ÷ 200 人
    assert uc.basis["bound"] == "upper" and "资金总额 30 万元 ÷ “培训人数” 200 人" in uc.basis["text"]
    assert unit_cost(30.0, "万元", [Quantity("a", "数量", 1, "人"), Quantity("b", "数量", 2, "台")])[0] is None
    assert "2 个计数数量指标" in unit_cost(30.0, "万元", [Quantity("a", "数量", 1, "人"),
                                                         Quantity("b", "数量", 2, "台")])[1]
    assert unit_cost(None, "万元", [Quantity("a", "数量", 1, "人")])[1].startswith("没有资金总额")
    assert unit_cost(10.0, "元", [Quantity("a", "数量", 4, "人")])[0].yuan == 2.5
    assert unit_cost(10.0, "万元", [Quantity("电梯维护的频次", "数量", 2, "台")])[0] is None  # a frequency
    big, _ = unit_cost(100.0, "万元", [Quantity("年度业务量", "数量", 4_000_000, "件")])
    assert "4,000,000 件" in big.basis["text"]


def test_fences_on_log_costs_by_hand():
    f = cost_fences([1000, 1200, 1500, 2000, 2500])
    # five figures: q1, median, q3 are the 2nd, 3rd, 4th exactly; fences q1 ÷ (q3/q1)^1.5, q3 × (q3/q1)^1.5
    r = (2000 / 1200) ** 1.5
    assert (f["n"], f["q1"], f["median"], f["q3"]) == (5, pytest.approx(1200), pytest.approx(1500), pytest.approx(2000))
    assert f["high"] == pytest.approx(2000 * r) and f["low"] == pytest.approx(1200 / r)
    assert math.isclose(f["high"], 4303.3, rel_tol=1e-4)
    assert outlier_side(20_000, f) == "high" and outlier_side(500, f) == "low" and outlier_side(1800, f) is None
    assert outlier_side(20_000, cost_fences([1000, 1200, 1500, 2000])) is None  # 4 peers: too few


def test_store_unit_costs_by_hand(store):
    engine, _ids, pids = store
    with engine.connect() as c:
        high = project_unit_cost(c, pids[5])
        assert high["unit_cost"]["yuan"] == 20_000.0 and high["unit_cost"]["display"] == "20,000 元/人"
        assert high["n"] == 5 and high["outlier"] == "high" and high["percentile"] == 100.0
        assert high["fences"]["median"] == pytest.approx(1500)
        assert sorted(p["yuan"] for p in high["peers"]) == [1000, 1200, 1500, 2000, 2500]
        assert "资金总额 200 万元 ÷ “培训人数” 100 人" in high["unit_cost"]["basis"]["text"]
        low = project_unit_cost(c, pids[0])  # 1,000 among 1,200 … 20,000: inside
        assert low["unit_cost"]["yuan"] == 1000.0 and low["outlier"] is None and low["percentile"] == 0.0
        two = project_unit_cost(c, pids[6])
        assert two["unit_cost"] is None and "2 个计数数量指标" in two["reason"]
        assert project_unit_cost(c, pids[7])["reason"].startswith("没有资金总额")
        listing = list_unit_costs(c)
        assert listing["projects_with_unit_cost"] == 6
        assert [i["yuan"] for i in listing["items"]] == [1000, 1200, 1500, 2000, 2500, 20_000]
        assert [i["project"] for i in list_unit_costs(c, outliers_only=True)["items"]] == ["培训己"]
        (g,) = indicator_unit_costs(c, high["library_id"])
        assert g["unit"] == "人" and g["n"] == 6 and [p["outlier"] for p in g["projects"]][-1] == "high"


def test_rule_r52_from_the_store(store):
    engine, ids, _pids = store
    with engine.connect() as c:
        peers = document_peers(c, ids[5])
        found = [f for f in review(load_document(c, ids[5]), peers=peers) if f.rule == "R52"]
        quiet = [f for f in review(load_document(c, ids[3]), peers=document_peers(c, ids[3])) if f.rule == "R52"]
    assert len(found) == 1 and "20,000元/人" in found[0].message and "培训人数" in found[0].message
    assert "13.3 倍" in found[0].message and found[0].message_en
    assert quiet == []


def test_cli_api_and_page(store, db_url):
    engine, _ids, pids = store
    r = CliRunner().invoke(cli, ["library", "unit-costs", "--db", db_url, "--outliers"])
    assert r.exit_code == 0, r.output
    assert "培训己" in r.output and "培训甲" not in r.output
    r = CliRunner().invoke(cli, ["library", "unit-costs", f"P{pids[6]}", "--db", db_url])
    assert r.exit_code == 0 and "没有单位成本" in r.output
    r = CliRunner().invoke(cli, ["library", "unit-costs", "P12x", "--db", db_url])
    assert r.exit_code != 0 and "Traceback" not in r.output
    from jixiao.web.app import create_app
    from jixiao.web.settings import WebSettings

    client = TestClient(create_app(WebSettings(db=db_url)), base_url="http://localhost")
    data = client.get("/api/v1/unit-costs", params={"outliers": "true"}).json()
    assert [i["project"] for i in data["items"]] == ["培训己"]
    csv = client.get("/api/v1/unit-costs", params={"format": "csv"})
    assert csv.status_code == 200 and "单位成本" in csv.content.decode("utf-8-sig").splitlines()[0]
    lid = client.get(f"/api/v1/projects/{pids[5]}/unit-cost").json()["library_id"]
    page = client.get(f"/library/{lid}")
    assert page.status_code == 200 and "单位成本" in page.text and "<circle" in page.text and "s-out" in page.text
