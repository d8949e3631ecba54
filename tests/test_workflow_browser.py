"""The reviewer's workflow in a real headless Chromium (Debian's), driven by Playwright, against ``jixiao serve``.

A department uploads; a reviewer accepts and dismisses findings, comments, gives a verdict and returns the
table; the department answers and uploads a revision; the reviewer sees the diff, passes it and downloads
the 审核意见, whose DOCX and PDF are opened here and read. Screenshots of each step land in
``test-artifacts/screenshots/workflow-*.png``. Without Chromium the test skips (CI: JIXIAO_CI=1 fails).
"""

from __future__ import annotations

import io

import pytest

from jixiao.store import import_files, open_store
from jixiao.workflow.accounts import add_user
from test_web_browser import SHOTS, launch_chromium, serve_db

SAMPLE = sorted((__import__("pathlib").Path(__file__).parent.parent / "src" / "jixiao" / "samples").glob("*.txt"))[0]
PASSWORD = "correct horse 9"
DEPARTMENT = "广州市电化教育馆"  # the sample's own department


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``jixiao serve`` over a database with one other table, a reviewer and the sample's department."""
    db = tmp_path_factory.mktemp("workflow") / "jixiao.db"
    engine = open_store(str(db))
    other = sorted(SAMPLE.parent.glob("*.txt"))[1]
    assert [o.status for o in import_files(engine, [str(other)])] == ["imported"]
    add_user(engine, "审核人甲", "reviewer", PASSWORD)
    add_user(engine, "电教馆", "department", PASSWORD, department=DEPARTMENT)
    engine.dispose()
    yield from serve_db(db, tmp_path_factory.mktemp("spool"))


@pytest.fixture(scope="module")
def browser():
    yield from launch_chromium()  # in CI a skip is a failure (conftest)


def person(browser, server, name):
    """A browser of one's own (cookies apart), signed in as ``name``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(server + "/")
    assert "/login" in page.url
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button")
    page.wait_for_load_state()
    assert "/login" not in page.url
    return page


def shot(page, step: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"workflow-{step}.png"), full_page=True)


def test_the_whole_review_flow(server, browser, tmp_path):
    dep = person(browser, server, "电教馆")
    # 1. the department uploads its table
    dep.goto(server + "/import")
    dep.set_input_files("form.upload input[type=file]", str(SAMPLE))
    dep.click("form.upload button")
    dep.wait_for_selector("form.confirm")
    dep.fill("form.confirm input[name=year]", "2021")
    shot(dep, "01-department-preview")
    dep.click("form.confirm button.primary")
    dep.wait_for_url("**/documents/*?saved=imported")
    doc_id = int(dep.url.split("/documents/")[1].split("?")[0])
    assert dep.locator("h1").inner_text()
    dep.goto(server + "/documents")
    assert dep.locator("tbody tr").count() == 1  # only its own table, not the other department's
    shot(dep, "02-department-documents")

    # 2. the reviewer finds it in the queue, accepts, dismisses, comments, gives a verdict, returns it
    rev = person(browser, server, "审核人甲")
    rev.goto(server + "/review")
    assert rev.locator("#queue tbody tr").count() == 2
    shot(rev, "03-reviewer-queue")
    rev.click(f"#queue a[href='/review/documents/{doc_id}']")
    section = rev.locator("section.review-project:has(ul.review-findings)").first
    project_name = section.locator("h2").inner_text().split(" P")[0].strip()
    first = section.locator("li.finding").nth(0)
    first.locator("form:has(input[value=accepted]) button").click()
    section = rev.locator("section.review-project:has(ul.review-findings)").first
    assert "采纳" in section.locator("li.finding").nth(0).locator(".decision").inner_text()
    second = section.locator("li.finding").nth(1)
    second.locator("form:has(input[value=dismissed]) input[name=reason]").fill("表中已有说明")
    second.locator("form:has(input[value=dismissed]) button").click()
    section = rev.locator("section.review-project:has(ul.review-findings)").first
    form = section.locator("form.comment-form")
    form.locator("select[name=anchor_kind]").select_option("field")
    form.locator("input[name=anchor]").fill("goal")
    form.locator("input[name=body]").fill("绩效目标请写明可衡量的产出")
    form.locator("button").click()
    section = rev.locator("section.review-project:has(ul.review-findings)").first
    verdict = section.locator("form.verdict-form")
    verdict.locator("select[name=verdict]").select_option("退回修改")
    verdict.locator("input[name=reason]").fill("目标不可衡量")
    verdict.locator("button").click()
    rev.fill("#return-form input[name=note]", "请按意见修改后重新提交")
    rev.click("#return-form button")
    assert rev.locator("#review-state").inner_text() == "已退回"
    shot(rev, "04-reviewer-returned")

    # 3. the department reads the comment, answers, and uploads its revision
    dep.goto(f"{server}/review/documents/{doc_id}")
    assert dep.locator("text=绩效目标请写明可衡量的产出").count() == 1
    assert dep.locator("form.verdict-form").count() == 0 and dep.locator("li.finding form").count() == 0
    dep.locator("form.answer-form input[name=body]").first.fill("已补充产出数量")
    dep.locator("form.answer-form button").first.click()
    assert dep.locator("li.answer").first.inner_text().endswith("已补充产出数量")
    shot(dep, "05-department-answered")
    text = SAMPLE.read_text("utf-8")
    revised = tmp_path / "修改稿.txt"
    # the amounts and one indicator's target change (the first 按计划时间完成 is this project's)
    revised.write_text(text.replace("680.68", "700.00").replace("100%按计划时间完成", "98%按计划时间完成", 1),
                       encoding="utf-8")
    dep.set_input_files("#revision-form input[type=file]", str(revised))
    dep.click("#revision-form button")
    dep.wait_for_selector("#diff")
    new_id = int(dep.url.split("/review/documents/")[1].split("#")[0])
    assert new_id != doc_id

    # 4. the reviewer sees the new version beside the old, passes it, downloads the 审核意见
    rev.goto(f"{server}/review/documents/{new_id}")
    diff = rev.locator("#diff")
    assert "700.00" in diff.inner_text() and "680.68" in diff.inner_text()
    assert rev.locator("li.comment:has-text('绩效目标请写明可衡量的产出')").count() == 1  # carried over
    shot(rev, "06-reviewer-diff")
    section = rev.locator(f"section.review-project:has(h2:has-text('{project_name}'))").first
    verdict = section.locator("form.verdict-form")
    verdict.locator("select[name=verdict]").select_option("通过")
    verdict.locator("button").click()
    rev.click("#pass-form button")
    assert rev.locator("#review-state").inner_text() == "已通过"
    shot(rev, "07-reviewer-passed")
    rev.goto(f"{server}/review/documents/{doc_id}")  # the returned version's opinion: the problems and advice
    for fmt in ("DOCX", "PDF"):
        with rev.expect_download() as d:
            rev.click(f"#opinion-links a:text('{fmt}')")
        data = d.value.path().read_bytes()
        if fmt == "DOCX":
            import docx

            body = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
        else:
            import pdfplumber

            with pdfplumber.open(io.BytesIO(data)) as pdf:
                body = "\n".join(p.extract_text() or "" for p in pdf.pages)
        body = body.replace(" ", "")
        for want in ("项目支出绩效目标审核意见", "退回修改", "目标不可衡量", "绩效目标请写明可衡量的产出", "存在问题"):
            assert want in body, (fmt, want)
    rev.goto(f"{server}/review")
    shot(rev, "08-reviewer-queue-after")

    # 5. the revision beside the old version: the changed project open, its changed cells marked
    rev.goto(f"{server}/review/documents/{new_id}")
    sbs = rev.locator("#side-by-side")
    opened = sbs.locator("details[open]")
    summary = opened.locator("summary").inner_text()  # the project of 680.68 (line 45 of the sample)
    assert opened.count() == 1 and "出口流量租赁及应用系统维护项目" in summary and "有变化 · 3 处" in summary
    changed = opened.locator("tr.sbs-changed")
    assert [changed.nth(i).locator("th").inner_text() for i in range(changed.count())][:2] == ["总计", "财政拨款"]
    cells = opened.locator("tr.sbs-changed td.cell-changed")
    assert cells.count() == 2 * changed.count() == 6  # 总计, 财政拨款 and the one indicator, both sides
    assert "98%" in changed.nth(2).locator("td").nth(1).inner_text()
    assert "100%" in changed.nth(2).locator("td").nth(0).inner_text()
    assert sbs.locator("details:not([open])").count() >= 1  # the unchanged projects, closed
    assert rev.evaluate("getComputedStyle(document.querySelector('#side-by-side td.cell-changed'))"
                        ".backgroundColor") == "rgb(255, 243, 191)"
    rev.evaluate("document.querySelector('#side-by-side').scrollIntoView()")
    SHOTS.mkdir(parents=True, exist_ok=True)
    rev.screenshot(path=str(SHOTS / "workflow-09-side-by-side.png"))  # the viewport only: readable
    assert rev.errors == [] and dep.errors == []
