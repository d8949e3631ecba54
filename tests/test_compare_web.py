"""The compare page and its API on both back ends, and in a real Chromium (screenshots compare-*.png)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from history_fixture import load
from jixiao.store import open_store
from jixiao.web.app import create_app
from jixiao.web.settings import WebSettings
from test_web_browser import SHOTS, _chromium, serve_db

BASE = "http://localhost"


@pytest.fixture
def site(db_url):
    engine = open_store(db_url)
    ids = load(engine)
    engine.dispose()
    with TestClient(create_app(WebSettings(db=db_url)), base_url=BASE, raise_server_exceptions=False) as c:
        yield c, ids


def test_history_api_reads_and_corrects(site):
    client, p = site
    h = client.get(f"/api/v1/projects/{p['t2024']}/history").json()
    assert [(k["earlier_id"], k["status"]) for k in h["links"]] == [(p["t2023"], "proposed")]
    assert h["compare"]["money_share"] == 0.5 and h["compare"]["counts"]["copied"] == 2
    other = client.get(f"/api/v1/projects/{p['t2024']}/history", params={"with": p["other"]}).json()
    assert other["compare"]["earlier"]["department"] == "乙局"
    r = client.post(f"/api/v1/projects/{p['t2024']}/history", json={"earlier_id": p["t2023"], "status": "rejected"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    h = client.get(f"/api/v1/projects/{p['t2024']}/history").json()
    assert h["links"][0]["status"] == "rejected" and h["compare"] is None
    assert client.post(f"/api/v1/projects/{p['t2024']}/history",
                       json={"earlier_id": p["t2023"], "status": "maybe"}).status_code in (400, 422)
    assert client.get("/api/v1/projects/999999/history").status_code == 404
    assert "/api/v1/projects/{project_id}/history" in client.get("/openapi.json").text


def test_compare_page_and_its_form(site):
    client, p = site
    page = client.get(f"/projects/{p['t2024']}/compare")
    assert page.status_code == 200
    assert "照抄" in page.text and "放松" in page.text and "+50%" in page.text and 'class="diff-added"' in page.text
    assert f"/projects/{p['t2024']}/compare" in client.get(f"/projects/{p['t2024']}").text
    # a form post needs the page's CSRF token
    bad = client.post(f"/projects/{p['t2024']}/history", data={"earlier_id": p["t2023"], "status": "confirmed"})
    assert bad.status_code == 403
    token = client.cookies.get("jixiao_csrf")
    ok = client.post(f"/projects/{p['t2024']}/history", follow_redirects=False,
                     data={"earlier_id": p["t2023"], "status": "confirmed", "csrf": token})
    assert ok.status_code == 303
    assert "已确认" in client.get(f"/projects/{p['t2024']}/compare").text


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = tmp_path_factory.mktemp("compare") / "jixiao.db"
    engine = open_store(str(db))
    ids = load(engine)
    engine.dispose()
    for base in serve_db(db, tmp_path_factory.mktemp("spool")):
        yield base, ids


def test_compare_in_a_browser(served):
    path = _chromium()
    if path is None:
        pytest.skip("no Chromium: apt-get install chromium (or set JIXIAO_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    base, p = served
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=["--no-sandbox"])
        page = b.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN").new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        assert page.goto(f"{base}/projects/{p['t2024']}/compare").status == 200
        assert page.locator("#targets tr.diff-copied").count() == 2
        page.screenshot(path=str(SHOTS / "compare-years.png"), full_page=True)
        page.goto(f"{base}/projects/{p['t2024v2']}/compare")
        page.screenshot(path=str(SHOTS / "compare-versions.png"), full_page=True)
        # reject the proposed link by its button: the page comes back with the link struck through
        page.goto(f"{base}/projects/{p['t2024']}/compare")
        page.locator("#links form:has(input[value=rejected]) button").first.click()
        page.wait_for_url(f"{base}/projects/{p['t2024']}/compare")
        assert page.locator("#links tr.link-rejected").count() == 1
        page.screenshot(path=str(SHOTS / "compare-rejected.png"), full_page=True)
        page.goto(f"{base}/suggest?q=乡村教师培训")
        assert page.locator("#suggestions tbody tr").count() >= 1
        page.screenshot(path=str(SHOTS / "compare-suggest.png"), full_page=True)
        assert page.goto(f"{base}/league?sort=findings_per_project").status == 200
        assert page.locator("#league tbody tr").count() == 3  # 甲局 2023 and 2024, 乙局 2023
        page.screenshot(path=str(SHOTS / "compare-league.png"), full_page=True)
        lid = page.request.get(f"{base}/api/v1/projects/{p['t2023']}/unit-cost").json()["library_id"]
        assert page.goto(f"{base}/library/{lid}").status == 200
        page.screenshot(path=str(SHOTS / "compare-library-unit-costs.png"), full_page=True)
        b.close()
    assert errors == []
