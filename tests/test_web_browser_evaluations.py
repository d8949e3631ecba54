"""A new user's first evaluation, in a real headless Chromium (see test_web_browser.py): import a target
table, its monitoring and its self-evaluation through the import page, open the project, and see its
life — target, monitoring and evaluation side by side, the recomputed score, and the finding that a
target was changed (R51).

Screenshots: ``test-artifacts/screenshots/evaluation-*.png``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import test_web_browser as B

# the browser, its pages (with their console errors) and the screenshots, as test_web_browser has them
browser = B.browser
page = B.page
shot = B.shot

DATA = Path(__file__).parent / "data"
TARGET = DATA / "evalstore" / "hexi_target_2023.txt"
MONITOR = DATA / "evalstore" / "hexi_monitor_2023.txt"
EVALUATION = DATA / "selfeval" / "07_anhui-xiaoxian-hexi-zhongyang-2023.txt"
#: the server's database file
_DB: dict[str, str] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``jixiao serve`` on a free port over an empty database; its base URL."""
    db = tmp_path_factory.mktemp("evalbrowser") / "jixiao.db"
    _DB["path"] = str(db)  # the later test adds tables straight into it
    yield from B.serve_db(db, tmp_path_factory.mktemp("spool"))


def _upload(page, server: str, path: Path, form: str) -> None:
    page.goto(server + "/import")
    page.set_input_files("form.upload input[type=file]", str(path))
    page.click("form.upload button")
    page.wait_for_selector("section.preview")
    assert form in page.locator("dl.meta").inner_text()
    page.click("form.confirm button")
    page.wait_for_url("**/documents/*")
    assert "已保存" in page.locator("p.note").inner_text()


def test_import_a_target_and_its_evaluation_and_see_the_life(server, page):
    _upload(page, server, TARGET, "项目表")
    _upload(page, server, MONITOR, "绩效监控表")
    _upload(page, server, EVALUATION, "绩效自评表")
    shot(page, "evaluation-imported")
    # the evaluations page: linked to its target, both totals, the inflation chart
    page.click("nav a[href='/evaluations']")
    page.wait_for_url("**/evaluations")
    row = page.locator("table.data").nth(1).locator("tbody tr", has_text="绩效自评表")
    assert "河西村特色种养补贴到户项目" in row.inner_text() and "P1" in row.inner_text()
    assert page.locator("svg.chart").count() == 1
    shot(page, "evaluation-list")
    # open the evaluated project: target and evaluation side by side, the recomputed score, the findings
    row.locator("a").first.click()
    page.wait_for_url("**/projects/*")
    life = page.locator("section.life")
    assert life.is_visible()
    assert [h.inner_text() for h in life.locator(".stage h3").all()] == ["目标表", "绩效监控表", "绩效自评表"]
    assert "1–6月执行" in life.locator("div.stage-monitor").inner_text()
    scores = life.locator(".stage.here dl.scores")
    assert "重算得分" in scores.inner_text() and scores.locator("dd.recomputed").inner_text().startswith("90")
    grid = life.locator("table.life-grid").inner_text()
    assert "≥12万元" in grid and "≥11.376万元" in grid
    # listed in the findings box and again under its indicator's row
    r51 = page.locator("ul.findings li.finding", has_text="R51")
    assert r51.count() == 2 and all("公布的是「≥12万元」" in f.inner_text() for f in r51.all())
    assert page.locator("ul.findings li.finding").count() > 1  # the evaluation's other findings too
    shot(page, "evaluation-project")
    # the target's own page shows the same life
    life.locator(".stage-target a").first.click()
    page.wait_for_url("**/projects/1")
    assert page.locator("section.life .stage").count() == 3
    shot(page, "evaluation-target")
    assert page.errors == []


def test_inflation_by_department_and_year_as_a_chart(server, page):
    """With the ten real evaluations stored too: the chart has a bar per department and year, above zero
    where a table scored itself above what its values allow (04: 70 reported, 60 recomputed)."""
    from jixiao.store import import_files, open_store

    engine = open_store(_DB["path"])
    list(import_files(engine, [str(p) for p in sorted((DATA / "selfeval").glob("*.txt"))]))
    engine.dispose()
    page.goto(server + "/evaluations")
    bars = page.locator("svg.chart rect")
    assert bars.count() >= 8
    text = page.locator("svg.chart").text_content()
    assert "+10" in text and "-10" in text
    shot(page, "evaluation-inflation")
    page.locator("svg.chart a rect").first.click()  # a bar narrows the page to its department and year
    page.wait_for_url("**/evaluations?*")
    assert page.locator("table.data").first.locator("tbody tr").count() == 1
    shot(page, "evaluation-inflation-one")
    assert page.errors == []
