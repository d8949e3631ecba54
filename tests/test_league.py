"""The department league table on SQLite and PostgreSQL: every figure checked by hand."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jixiao.cli.main import app as cli
from jixiao.errors import UsageError
from jixiao.library.league import league, league_targets
from jixiao.model import Amounts, Document, Finding, Indicator, Project, Target
from jixiao.store import open_store
from jixiao.store.write import save_document

Q, S, C, E = ("产出指标", "数量指标"), ("满意度指标", "服务对象满意度指标"), ("产出指标", "成本指标"), ("效益指标", "社会效益指标")


def ind(level: tuple[str, str], name: str, value: str) -> Indicator:
    cmp = {"≥": ">=", "≤": "<="}.get(value[0])
    body = value[1:] if cmp else value
    number = "".join(ch for ch in body if ch.isdigit() or ch == ".")
    target = (Target(text=value, kind="quantitative", comparator=cmp, value=float(number), unit=body[len(number):] or None)
              if number else Target(text=value, kind="qualitative", qualitative=value))
    return Indicator(level1=level[0], level2=level[1], name=name, annual_value=value, annual_target=target)


def doc(dept: str, year: int, *projects: tuple[str, list[Indicator]]) -> Document:
    return Document(form="project", department=dept, year=year, amount_unit="万元",
                    projects=[Project(name=n, amounts=Amounts(total=10.0), indicators=i) for n, i in projects])


FIXTURE = [
    doc("甲局", 2024, ("A", [ind(Q, "培训人数", "100人"), ind(S, "学员满意度", "≥90%"), ind(E, "社会效益", "明显提升")]),
        ("B", [ind(Q, "培训人数", "300人")])),
    doc("乙局", 2024, ("C", [ind(Q, "培训人数", "200人"), ind(C, "人均培训成本", "≤800元/人")]),
        ("D", [ind(Q, "培训人数", "400人"), ind(S, "满意度", "95%")])),
    doc("丙局", 2023, ("E", [ind(Q, "培训人数", "50人")])),
]


def finding(k: int) -> Finding:
    return Finding(rule="R11", severity="warning", message=f"问题{k}", message_en=f"issue {k}", project_index=0)


@pytest.fixture
def store(db_url):
    engine = open_store(db_url)
    for k, d in enumerate(FIXTURE):
        save_document(engine, d, source_path=f"lg{k}", sha256=f"{k:064d}",
                      findings=[finding(j) for j in range(3 if k == 0 else 0)])
    yield engine
    engine.dispose()


def test_league_figures_by_hand(store):
    with store.connect() as c:
        rows = {(r["department"], r["year"]): r for r in league(c, min_peers=3)["items"]}
    jia, yi, bing = rows[("甲局", 2024)], rows[("乙局", 2024)], rows[("丙局", 2023)]
    # 甲局: 4 indicators, 3 quantitative; A has 满意度 and 效益, B neither; 3 findings over 2 projects
    assert (jia["projects"], jia["indicators"], jia["quantified"]) == (2, 4, 0.75)
    assert (jia["with_cost"], jia["with_effect"], jia["with_satisfaction"]) == (0.0, 0.5, 0.5)
    assert (jia["findings"], jia["findings_per_project"]) == (3, 1.5)
    # 培训人数 50, 100, 200, 300, 400 人: each among the 4 others — 0, 25, 50, 75, 100
    # (满意度 has 1 peer and the cost none: fewer than min_peers 3, not counted)
    assert (jia["median_percentile"], jia["percentile_n"]) == (50.0, 2)  # 25 and 75
    assert (yi["quantified"], yi["with_cost"], yi["with_satisfaction"], yi["median_percentile"]) == (1.0, 0.5, 0.5, 75.0)
    assert (bing["median_percentile"], bing["findings_per_project"]) == (0.0, 0.0)


def test_sorting_filters_and_evidence(store):
    with store.connect() as c:
        by_q = league(c, min_peers=3)["items"]
        assert [r["department"] for r in by_q] == ["乙局", "丙局", "甲局"]  # 1.0, 1.0 (乙 before 丙 by name desc), 0.75
        up = league(c, sort="median_percentile", descending=False, min_peers=3)["items"]
        assert [r["department"] for r in up] == ["丙局", "甲局", "乙局"]
        assert [r["department"] for r in league(c, year=2023)["items"]] == ["丙局"]
        assert [r["department"] for r in league(c, department="甲")["items"]] == ["甲局"]
        # with the default min_peers 5 no target has enough peers: the figure is missing, and sorts last
        assert all(r["median_percentile"] is None for r in league(c, sort="median_percentile")["items"])
        evidence = league_targets(c, "甲局", 2024, min_peers=3)
        assert [(x["indicator"], x["annual_value"], x["percentile"], x["peers"]) for x in evidence] == [
            ("培训人数", "100人", 25.0, 4), ("培训人数", "300人", 75.0, 4)]
        with pytest.raises(UsageError):
            league(c, sort="nope")


def test_league_cli_api_and_page(store, db_url):
    r = CliRunner().invoke(cli, ["league", "--db", db_url, "--sort", "with_cost"])
    assert r.exit_code == 0 and "乙局" in r.output and "50%" in r.output, r.output
    r = CliRunner().invoke(cli, ["league", "--db", db_url, "--format", "csv"])
    assert r.exit_code == 0 and "定量指标占比" in r.output
    r = CliRunner().invoke(cli, ["league", "--db", db_url, "--sort", "nope"])
    assert r.exit_code != 0 and "Traceback" not in r.output
    from jixiao.web.app import create_app
    from jixiao.web.settings import WebSettings

    client = TestClient(create_app(WebSettings(db=db_url)), base_url="http://localhost")
    data = client.get("/api/v1/league", params={"sort": "projects", "order": "asc"}).json()
    assert [i["projects"] for i in data["items"]] == [1, 2, 2]
    xlsx = client.get("/api/v1/league", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    csv = client.get("/api/v1/league", params={"format": "csv"}).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("部门,年度,项目数")
    page = client.get("/league", params={"sort": "with_effect"})
    assert page.status_code == 200 and "有效益指标 ▼" in page.text
    assert "/indicators?department=%E7%94%B2%E5%B1%80&amp;year=2024&amp;kind=quantitative" in page.text
    for link in ("/documents?department=%E7%94%B2%E5%B1%80&amp;year=2024", "/findings?department=%E7%94%B2%E5%B1%80"):
        assert link in page.text and client.get(link.replace("&amp;", "&")).status_code == 200
    assert client.get("/league/targets", params={"department": "甲局", "year": 2024}).status_code == 200
    assert client.get("/api/v1/league", params={"sort": "nope"}).status_code in (400, 422)
