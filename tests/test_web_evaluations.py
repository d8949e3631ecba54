"""Evaluations on the web (issue 16): a project's life, the evaluations with both scores, inflation by
department and year, link corrections — the API (in /openapi.json) and its pages, on SQLite and PostgreSQL.

The store holds the fixture target table tests/data/evalstore/hexi_target_2023.txt, its monitoring table
(hexi_monitor_2023.txt, written by hand in the layout of the real monitoring table 10) and every real
self-evaluation and monitoring table of tests/data/selfeval; only 07 has its target table there.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jixiao.store import import_files, open_store
from jixiao.web import WebSettings, create_app

DATA = Path(__file__).parent / "data"
TARGET = DATA / "evalstore" / "hexi_target_2023.txt"
MONITOR = DATA / "evalstore" / "hexi_monitor_2023.txt"
REAL = sorted((DATA / "selfeval").glob("*.txt"))
BASE = "http://localhost"
#: the real evaluation 07, linked to the fixture
HEXI = "07_anhui-xiaoxian-hexi-zhongyang-2023.txt"


@pytest.fixture
def client(db_url, tmp_path):
    logging.getLogger("jixiao.web").setLevel(logging.CRITICAL)
    files = []
    for f in (TARGET, MONITOR, *REAL):
        shutil.copy(f, tmp_path / f.name)
        files.append(str(tmp_path / f.name))
    engine = open_store(db_url)
    assert {o.status for o in import_files(engine, files)} == {"imported"}
    engine.dispose()
    with TestClient(create_app(WebSettings(db=db_url, spool_dir=str(tmp_path / "spool"))), base_url=BASE,
                    raise_server_exceptions=False) as c:
        yield c


def _hexi(client) -> dict:
    items = client.get("/api/v1/evaluations").json()["items"]
    return next(r for r in items if r["document"] == HEXI)


def test_the_evaluations_their_links_and_both_totals(client):
    body = client.get("/api/v1/evaluations").json()
    assert body["profile"] == "national" and body["count"] == len(body["items"]) == 12  # 11 tables; 06 holds two
    hexi = _hexi(client)
    assert (hexi["form"], hexi["department"], hexi["year"], hexi["target_project"], hexi["link_confidence"],
            hexi["link_method"]) == ("selfeval", "县农业农村局", 2023, "河西村特色种养补贴到户项目", 1.0, "auto")
    # 07 as read (cut at 满意度): 资金 10 + 产出 50 + 效益 30 reported, and the same recomputed
    assert (hexi["total_reported_sum"], hexi["total_recomputed"], hexi["total_difference"]) == (90.0, 90.0, 0.0)
    assert [r["document"] for r in body["items"] if r["target_project_id"] is not None] == [MONITOR.name, HEXI]
    monitors = client.get("/api/v1/evaluations?form=monitor").json()["items"]
    assert [(r["form"], r["total_recomputed"]) for r in monitors] == [("monitor", None)] * 2  # not scored


def test_a_project_life_side_by_side(client):
    hexi = _hexi(client)
    target = hexi["target_project_id"]
    life = client.get(f"/api/v1/projects/{target}/life").json()
    stages = [(s["stage"], s["project_id"]) for s in life["stages"]]
    assert [s for s, _ in stages] == ["target", "monitor", "selfeval"] and stages[2][1] == hexi["project_id"]
    monitor = life["stages"][1]
    assert (monitor["evaluation"]["months"], monitor["evaluation"]["budget"][0]["executed_to_date"],
            monitor["total_score"]) == (6, 4.2, None)
    assert client.get(f"/api/v1/projects/{hexi['project_id']}/life").json()["stages"] == life["stages"]
    row = next(r for r in life["indicators"] if r["name"] == "特色产业带动增加受益农户收入(总收入)")
    spring, summer, after = (row["stages"][str(s[1])] for s in stages)
    assert spring["annual_value"] == "≥12万元"
    assert (summer["annual_value"], summer["actual_value"], summer["likelihood"]) == ("≥12万元", "5.1万元", "有可能")
    assert (after["annual_value"], after["actual_value"], after["score_reported"], after["score_recomputed"],
            after["score_method"]) == ("≥11.376万元", "12万元", 20.0, 20.0, "正向")
    # the evaluation's 其中 sub-rows have no target indicator: rows of their own, after the target's eight
    assert len(life["indicators"]) == 8 + 7


def test_inflation_by_department_and_year(client):
    groups = {(g["department"], g["year"]): g for g in client.get("/api/v1/evaluations/inflation").json()["groups"]}
    # 04 (襄阳, 2021) reports 70 for what its values give 60; 01 (池州, 2022) reports 80 for 90 (a 0 rate row)
    assert groups[("襄阳市卫生健康委", 2021)]["inflation"] == 10.0
    assert groups[("219-池州市贵池区棠溪镇人民政府", 2022)]["inflation"] == -10.0
    assert ("黄石市文化和旅游局", 2019) not in groups  # monitoring is not scored
    assert client.get("/api/v1/evaluations/inflation?year=2021").json()["groups"] == [groups[("襄阳市卫生健康委", 2021)]]


def test_the_scores_download_as_csv_and_xlsx(client):
    r = client.get("/api/v1/evaluations?format=csv&department=县农业农村局&lang=en")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(x["item"], x["indicator"], x["reported_score"], x["recomputed_score"]) for x in rows
            if x["item"] != "indicator"] == [("budget", "年度资金总额", "10.0", "10.0"), ("total", "总分", "90.0", "90.0")]
    changed = next(x for x in rows if x["indicator"] == "特色产业带动增加受益农户收入(总收入)" and x["form"] == "selfeval")
    assert (changed["annual_value"], changed["target_annual_value"]) == ("≥11.376万元", "≥12万元")
    x = client.get("/api/v1/evaluations?format=xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"


def test_a_link_is_corrected_through_the_api(client):
    hexi = _hexi(client)
    pid, target = hexi["project_id"], hexi["target_project_id"]
    assert client.get(f"/api/v1/projects/{pid}/link").json()["target_project_id"] == target
    gone = client.post(f"/api/v1/projects/{pid}/link", json={"target_project_id": None})
    assert gone.status_code == 200 and (gone.json()["target_project_id"], gone.json()["method"]) == (None, "manual")
    findings = client.get(f"/api/v1/findings?document={hexi['document_id']}&rule=R51").json()
    assert findings["total"] == 0
    back = client.post(f"/api/v1/projects/{pid}/link", json={"target_project_id": target}).json()
    assert (back["target_project_id"], back["method"], len(back["indicators"])) == (target, "manual", 7)
    r51 = client.get(f"/api/v1/findings?document={hexi['document_id']}&rule=R51").json()["items"]
    assert [f["indicator"] for f in r51] == ["特色产业带动增加受益农户收入(总收入)"]
    bad = client.post(f"/api/v1/projects/{target}/link", json={"target_project_id": pid})
    assert bad.status_code == 400 and "不是自评表或监控表" in bad.json()["error"]
    assert client.post(f"/api/v1/projects/{pid}/link", json={"target_project_id": 999999}).status_code == 404
    cross = client.post(f"/api/v1/projects/{pid}/link", json={}, headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403


def test_bad_parameters_are_clear_errors(client):
    r = client.get("/api/v1/evaluations?profile=/etc/passwd")
    assert r.status_code == 400 and "没有这个评分配置" in r.json()["error"]
    assert client.get("/api/v1/evaluations?offset=3").status_code == 400
    assert client.get("/api/v1/projects/999999/life").status_code == 404
    assert client.get("/api/v1/projects/99999999999/life").status_code in (400, 404)


def test_the_endpoints_are_in_openapi(client):
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/v1/projects/{project_id}/life", "/api/v1/evaluations", "/api/v1/evaluations/inflation",
              "/api/v1/projects/{project_id}/link"):
        assert p in paths, p
    assert "post" in paths["/api/v1/projects/{project_id}/link"]


def test_the_pages(client):
    hexi = _hexi(client)
    page = client.get("/evaluations")
    assert page.status_code == 200 and "得分虚高" in page.text and '<svg class="chart"' in page.text
    assert "河西村特色种养补贴到户项目" in page.text
    twin = re.search(r'<a class="twin" href="([^"]+)"', page.text).group(1)
    assert client.get(twin.replace("&amp;", "&")).json()["groups"]
    project = client.get(f"/projects/{hexi['project_id']}")
    assert project.status_code == 200 and 'id="life"' in project.text and "重算得分" in project.text
    assert "≥12万元" in project.text and "R51" in project.text
    plain = client.get("/projects/1") if hexi["target_project_id"] != 1 else client.get("/projects/2")
    assert plain.status_code == 200
    # the correction form on the page: CSRF token first
    token = client.cookies.get("jixiao_csrf") or ""
    form = client.post(f"/projects/{hexi['project_id']}/link", data={"target": "none", "csrf": token},
                       follow_redirects=False)
    assert form.status_code == 303, form.text
    assert client.get(f"/api/v1/projects/{hexi['project_id']}/link").json()["method"] == "manual"
    english = client.get("/evaluations?lang=en")  # the language sticks (a cookie): last
    assert "Score inflation by department and year" in english.text and "得分虚高" not in english.text


def test_the_download_has_chinese_headers_by_default(client):
    head = client.get("/api/v1/evaluations?format=csv").content.decode("utf-8-sig").splitlines()[0]
    assert "填报得分" in head and "重算得分" in head and "目标表年度指标值" in head


def test_the_totals_stored_on_import_are_the_ones_worked_out_now(db_url, tmp_path):
    """The listing and the inflation chart read the default profile's totals stored on import; worked out
    again from the stored documents they are the same, key for key."""
    from jixiao.store.eval_query import list_evaluations

    engine = open_store(db_url)
    files = []
    for f in (TARGET, MONITOR, *REAL):
        shutil.copy(f, tmp_path / f.name)
        files.append(str(tmp_path / f.name))
    list(import_files(engine, files))
    with engine.connect() as c:
        stored = list_evaluations(c)
        now = list_evaluations(c, stored=False)
    engine.dispose()
    assert stored == now and len(stored) == 12
