"""Suggestions (指标建议) on SQLite and PostgreSQL: similar projects and their indicators, checked by hand."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from jixiao.cli.main import app as cli
from jixiao.errors import UsageError
from jixiao.library.suggest import bigrams, suggest, suggest_for_project
from jixiao.model import Amounts, Document, Indicator, Project, Target
from jixiao.store import open_store
from jixiao.store.write import save_document


def ind(l1: str, l2: str, name: str, number: float | None, unit: str = "", value: str | None = None) -> Indicator:
    if number is None:
        return Indicator(level1=l1, level2=l2, name=name, annual_value=value,
                         annual_target=Target(text=value, kind="qualitative", qualitative=value))
    shown = f"{number:g}{unit}"
    return Indicator(level1=l1, level2=l2, name=name, annual_value=shown,
                     annual_target=Target(text=shown, kind="quantitative", value=number, unit=unit or None))


def doc(dept: str, name: str, goal: str, *indicators: Indicator) -> Document:
    return Document(form="project", department=dept, year=2024, amount_unit="万元",
                    projects=[Project(name=name, goal=goal, amounts=Amounts(total=10.0), indicators=list(indicators))])


FIXTURE = [
    doc("甲局", "乡村教师培训项目", "培训乡村教师，提升教学能力",
        ind("产出指标", "数量指标", "培训人数", 100, "人"), ind("满意度指标", "服务对象满意度指标", "学员满意度", 90, "%")),
    doc("乙局", "农村教师培训", "开展农村教师培训",
        ind("产出指标", "数量指标", "参训人次", 300, "人"), ind("满意度指标", "服务对象满意度指标", "满意度", 95, "%")),
    doc("丙局", "骨干教师培训项目", "骨干教师培训",
        ind("产出指标", "数量指标", "培训人数", 200, "人"), ind("产出指标", "质量指标", "培训合格率", 98, "%")),
    doc("丁局", "道路养护工程", "养护农村公路",
        ind("产出指标", "数量指标", "养护里程", 50, "公里"), ind("产出指标", "质量指标", "路面完好率", 95, "%")),
]


@pytest.fixture
def store(db_url):
    engine = open_store(db_url)
    ids = [save_document(engine, d, source_path=f"sg{k}", sha256=f"{k:064d}").document_id
           for k, d in enumerate(FIXTURE)]
    with engine.connect() as c:
        pids = [c.execute(text("SELECT id FROM projects WHERE document_id = :d"), {"d": i}).scalar_one() for i in ids]
    yield engine, pids
    engine.dispose()


def test_bigrams_by_hand():
    assert bigrams("教师培训") == {"教师", "师培", "培训"}
    assert bigrams("IT 运维 2024") == {"it", "运维"}  # a bare number names no kind of project
    assert bigrams("") == set()


def test_suggestions_by_hand(store):
    engine, pids = store
    with engine.connect() as c:
        r = suggest(c, "教师培训")
        assert {s["project"] for s in r["similar"]} == {"农村教师培训", "骨干教师培训项目", "乡村教师培训项目"}
        assert r["similar"][0]["project"] == "农村教师培训"  # the shortest text, all three pairs in it
        first = r["suggestions"][0]
        # 培训人数 / 参训人次 are one canonical indicator, used by all three training projects: 100, 300, 200 人
        assert first["projects"] == 3 and first["of"] == 3
        assert first["typical"] == {"unit": "人", "n": 3, "median": 200.0, "min": 100.0, "max": 300.0}
        sat = next(s for s in r["suggestions"] if s["level1"] == "满意度")
        assert sat["projects"] == 2 and sat["typical"]["median"] == 92.5
        mine = suggest_for_project(c, pids[0])
        assert pids[0] not in {s["project_id"] for s in mine["similar"]}
        assert {s["name"]: s["present"] for s in mine["suggestions"]}[first["name"]] is True
        assert not any(s["present"] for s in mine["suggestions"] if s["level2"] == "质量")
        assert suggest(c, "量子计算机")["similar"] == []  # no pair in common: nothing, not noise
        with pytest.raises(UsageError):
            suggest(c, "  ")


def test_suggest_cli_api_and_page(store, db_url):
    engine, pids = store
    r = CliRunner().invoke(cli, ["suggest", "教师培训", "--db", db_url])
    assert r.exit_code == 0 and ("培训人数" in r.output or "参训人次" in r.output), r.output
    r = CliRunner().invoke(cli, ["suggest", f"P{pids[3]}", "--db", db_url, "--format", "json"])
    assert r.exit_code == 0 and '"project_id"' in r.output
    from jixiao.web.app import create_app
    from jixiao.web.settings import WebSettings

    client = TestClient(create_app(WebSettings(db=db_url)), base_url="http://localhost")
    data = client.get("/api/v1/suggest", params={"q": "教师培训"}).json()
    assert data["suggestions"][0]["projects"] == 3
    assert client.get("/api/v1/suggest").status_code == 400
    assert client.get("/api/v1/suggest", params={"project": 999999}).status_code == 404
    page = client.get("/suggest", params={"project": pids[0]})
    assert page.status_code == 200 and "suggestions" in page.text and "培训" in page.text
    assert "/suggest?project=" in client.get(f"/projects/{pids[0]}").text  # a link: nothing computed on the page
    assert "/api/v1/suggest" in client.get("/openapi.json").text
