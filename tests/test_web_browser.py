"""The pages in a real headless Chromium (Debian's), driven by Playwright, against ``jixiao serve``.

Screenshots of every page land in ``test-artifacts/screenshots/``. Without
Chromium these tests skip with the reason; in CI (JIXIAO_CI=1) that skip is
a failure. ``JIXIAO_CHROMIUM`` names another browser binary.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SAMPLES = sorted((ROOT / "src" / "jixiao" / "samples").glob("*.txt"))
SHOTS = ROOT / "test-artifacts" / "screenshots"


def _chromium() -> str | None:
    return os.environ.get("JIXIAO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``jixiao serve`` on a free port over a database of the five samples; its base URL."""
    from jixiao.store import import_files, open_store

    db = tmp_path_factory.mktemp("browser") / "jixiao.db"
    engine = open_store(str(db))
    assert [o.status for o in import_files(engine, [str(p) for p in SAMPLES])] == ["imported"] * 5
    engine.dispose()
    yield from serve_db(db, tmp_path_factory.mktemp("spool"))


def serve_db(db, spool: Path) -> Iterator[str]:
    """``jixiao serve`` on a free port over ``db`` (uploads spooled in ``spool``), once it listens: its base
    URL; stopped afterwards."""
    port = _free_port()
    cmd = [sys.executable, "-m", "jixiao", "serve", "--db", str(db), "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "TMPDIR": str(spool)})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("jixiao serve exited: " + proc.stdout.read().decode())
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("jixiao serve did not start listening within 30 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    yield from launch_chromium()


def launch_chromium():
    """Debian's headless Chromium through Playwright; a skip with the reason where there is none."""
    path = _chromium()
    if path is None:
        pytest.skip("no Chromium: apt-get install chromium (or set JIXIAO_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and uncaught exceptions (CSP violations included)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


PAGES = {"overview": "/", "documents": "/documents", "document": "/documents/1", "project": "/projects/1",
         "search": "/search?q=满意度", "indicators": "/indicators", "findings": "/findings", "import": "/import",
         "api": "/api", "library": "/library", "library-entry": "/library/1"}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_opens_without_errors(server, page, name):
    response = page.goto(server + PAGES[name])
    assert response.status == 200
    assert page.locator("h1").first.is_visible()
    assert page.locator("a.twin").count() == 1
    shot(page, name)
    assert page.errors == []


def test_search_from_the_header_and_share_the_url(server, page):
    page.goto(server + "/")
    page.fill("form.quick input[name=q]", "满意度")
    page.press("form.quick input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    marks = page.locator("ol.hits mark")
    assert marks.count() > 0 and marks.first.inner_text() == "满意度"
    count = page.locator("p.count b").inner_text()
    assert count == "61"
    shared = page.url
    page.goto(server + "/")
    page.goto(shared)
    assert page.locator("p.count b").inner_text() == count
    page.click("aside.facets a:text('满意度')")  # the 一级 facet narrows the search
    assert "level1=" in page.url and int(page.locator("p.count b").inner_text().rstrip("+")) <= 61
    shot(page, "search-facet")
    assert page.errors == []


def test_choosing_a_field_highlights_its_source(server, page):
    page.goto(server + "/projects/1")
    name = page.locator("dl.fields button[data-field=name]")
    name.click()
    mark = page.locator("#source mark")
    assert mark.count() >= 1
    assert "".join(mark.all_inner_texts()).replace("\n", "") == name.inner_text().replace("\n", "")
    value = page.locator("table.indicators button[data-field$='.annual_value']").first
    value.click()
    assert page.locator("#source mark").first.inner_text().replace("\n", "") in value.inner_text()
    assert page.locator("button.pick.active").count() == 1
    assert page.locator("#pick-status").inner_text().startswith("已在原文中标出")
    shot(page, "project-highlight")
    assert page.errors == []


def test_document_page_expands_a_project(server, page):
    page.goto(server + "/documents/1")
    first = page.locator("button.expand").first
    detail = page.locator("tr.detail").first
    assert not detail.is_visible()
    first.click()
    assert detail.is_visible() and first.get_attribute("aria-expanded") == "true"
    assert detail.locator("table.indicators tbody tr").count() > 0
    shot(page, "document-expanded")


def test_switch_language_and_back(server, page):
    page.goto(server + "/search?q=满意度")
    page.click("#lang-switch a:text('English')")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("nav a[href='/search']").inner_text() == "Search"
    assert "q=" in page.url  # the same page, in the other language
    page.goto(server + "/")  # the choice sticks (cookie)
    assert page.locator("nav a[href='/documents']").inner_text() == "Documents"
    shot(page, "overview-en")
    page.click("#lang-switch a:text('中文')")
    page.wait_for_load_state()
    assert page.locator("nav a[href='/documents']").inner_text() == "文档"


def test_upload_a_sample_preview_then_save(server, page, tmp_path):
    page.goto(server + "/import")
    page.set_input_files("form.upload input[type=file]", str(SAMPLES[4]))
    page.click("form.upload button")
    page.wait_for_selector("section.preview")
    assert "相同内容已在库中" in page.locator("section.preview").inner_text()  # the server has it already
    page.goto(server + "/import")
    edited = tmp_path / "004-修订.txt"  # a new version: the same table with a line added
    edited.write_bytes(SAMPLES[4].read_bytes() + "\n（修订稿）\n".encode())
    page.set_input_files("form.upload input[type=file]", str(edited))
    page.click("form.upload button")
    page.wait_for_selector("section.preview")
    assert "16 个项目" in page.locator("dl.meta").inner_text()
    assert "相同内容已在库中" not in page.locator("section.preview").inner_text()
    shot(page, "import-preview")
    page.click("form.confirm button")
    page.wait_for_url("**/documents/*")
    assert "已保存" in page.locator("p.note").inner_text()
    shot(page, "import-saved")
    assert page.errors == []
