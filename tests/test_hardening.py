"""Regression tests for issue 18 (hardening): each test is named after the item it holds fixed —
inputs, requests and crashes that took jixiao down or lost data silently."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import jixiao
from jixiao.errors import ReadError
from jixiao.read import read

SAMPLES = sorted((Path(__file__).parent.parent / "src" / "jixiao" / "samples").glob("*.txt"))


def _one_line(message: str) -> None:
    assert "\n" not in message and " / " in message and "Traceback" not in message


def _sample_html() -> str:
    from jixiao.render.html import render_html

    return render_html(jixiao.parse(SAMPLES[0]).to_canonical())  # 23 projects in one table


# -- 1. colspan/rowspan padding blow-up in the HTML reader -------------------------------------

def _refused_quickly(path: Path, limit: str) -> ReadError:
    started = time.monotonic()
    with pytest.raises(ReadError) as info:
        read(path)
    assert time.monotonic() - started < 5, "refused before the grid is made, not after"
    assert info.value.code == "too-large" and limit in info.value.message
    _one_line(info.value.message)
    return info.value


def test_html_colspan_blowup_is_refused_naming_the_column_limit(tmp_path: Path) -> None:
    # the shape: 40 rows of 40 colspan="1000" cells, 32 KB that made 1.6 million cells
    rows = ("<tr>" + '<td colspan="1000">x</td>' * 40 + "</tr>") * 40
    path = tmp_path / "wide.html"
    path.write_text(f"<html><body><table>{rows}</table></body></html>")
    _refused_quickly(path, "256")


def test_html_ragged_rows_padding_is_refused_naming_the_limit(tmp_path: Path) -> None:
    # one row 250 cells wide pads 3,000 one-cell rows to 250 cells each: 750,000 empty cells from 60 KB
    rows = "<tr>" + "<td>x</td>" * 250 + "</tr>" + "<tr><td>y</td></tr>" * 3000
    path = tmp_path / "ragged.html"
    path.write_text(f"<html><body><table>{rows}</table></body></html>")
    _refused_quickly(path, "50,000")


def test_html_rowspan_blowup_is_refused_naming_the_limit(tmp_path: Path) -> None:
    rows = ("<tr>" + '<td colspan="200" rowspan="1000">x</td>' + "</tr>") * 1000
    path = tmp_path / "tall.html"
    path.write_text(f"<html><body><table>{rows}</table></body></html>")
    _refused_quickly(path, "50,000")


def test_html_grid_limits_keep_a_large_real_table(tmp_path: Path) -> None:
    header = '<tr><th colspan="12">项目支出绩效目标表</th></tr>'
    body = ("<tr>" + "".join(f"<td>{c}</td>" for c in range(12)) + "</tr>") * 5000
    path = tmp_path / "large.html"
    path.write_text(f"<html><body><table>{header}{body}</table></body></html>")
    source = read(path)
    assert source.text.count("\n") == 5001


# -- 3. HTML nested deeper than lxml's limit was cut short silently ----------------------------

def _nested(markup: str, depth: int) -> str:
    at = markup.index("</tr>", len(markup) // 2) + len("</tr>")
    return markup[:at] + "<tr><td>" + "<div>" * depth + "深" + "</div>" * depth + "</td></tr>" + markup[at:]


def test_html_nested_past_256_levels_keeps_every_project(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text(_nested(_sample_html(), 1000))
    doc = jixiao.parse(path)
    assert len(doc.projects) == 23
    assert not [w for w in doc.warnings if w.code == "read"]


def test_html_nested_past_lxmls_limit_warns_that_projects_may_be_missing(tmp_path: Path) -> None:
    path = tmp_path / "deeper.html"
    path.write_text(_nested(_sample_html(), 5000))
    doc = jixiao.parse(path)
    assert len(doc.projects) < 23
    [warning] = [w for w in doc.warnings if w.code == "read"]
    assert "2,048" in warning.message and "缺失" in warning.message
    _one_line(warning.message)


# -- 2. CSRF through Origin: null; the Host header unchecked (DNS rebinding) -------------------

@pytest.fixture
def web(db_url, tmp_path):
    from fastapi.testclient import TestClient

    from jixiao.web import WebSettings, create_app

    def make(**settings):
        app = create_app(WebSettings(db=db_url, spool_dir=str(tmp_path / "spool"), **settings))
        return TestClient(app, base_url="http://localhost", raise_server_exceptions=False)

    return make


def _form_token(client) -> dict[str, str]:
    import re

    return {"csrf": re.search(r'name="csrf" value="([^"]+)"', client.get("/import").text).group(1)}


def _upload(client, headers=None, name="one.txt"):
    data = SAMPLES[3].read_bytes()
    return client.post("/api/v1/documents", files={"file": (name, data, "text/plain")}, headers=headers or {})


def test_origin_null_write_is_refused_as_cross_site(web):
    with web() as c:
        r = _upload(c, {"Origin": "null"})
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
        page = c.post("/import", files={"file": ("a.txt", b"x", "text/plain")}, headers={"Origin": "null"})
        assert page.status_code == 403
        assert _upload(c, {"Sec-Fetch-Site": "cross-site"}).status_code == 403  # no Origin, but the browser says so
        assert c.get("/api/v1/documents").json()["total"] == 0
        saved = _upload(c, {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
        assert saved.status_code == 201
        doc_id = saved.json()["document_id"]
        gone = c.post(f"/documents/{doc_id}/delete", headers={"Origin": "null"}, data=_form_token(c),
                      follow_redirects=False)
        assert gone.status_code == 403 and "x-frame-options" in gone.headers
        assert c.get(f"/api/v1/documents/{doc_id}").status_code == 200


def test_host_header_not_allowed_is_refused_dns_rebinding(web, monkeypatch):
    from jixiao.web.settings import ALLOWED_HOSTS_ENV

    monkeypatch.delenv(ALLOWED_HOSTS_ENV, raising=False)
    with web() as c:  # loopback: only this machine's names
        for host in ("localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000"):
            assert c.get("/api/v1", headers={"Host": host}).status_code == 200, host
        r = c.get("/api/v1/documents", headers={"Host": "rebind.example:8000"})
        assert r.status_code == 400 and r.json()["code"] == "bad_host" and "--allowed-host" in r.json()["error"]
        _one_line(r.json()["error"])
        page = c.get("/", headers={"Host": "rebind.example"})
        assert page.status_code == 400 and "content-security-policy" in page.headers
        # a rebinding page's own Origin matches its Host; the Host check still refuses the write
        assert _upload(c, {"Host": "rebind.example", "Origin": "http://rebind.example"}).status_code == 400
    with web(allowed_hosts=("jixiao.internal",)) as c:
        assert c.get("/api/v1", headers={"Host": "JIXIAO.internal.:8000"}).status_code == 200
        assert c.get("/api/v1").status_code == 400  # the listed names replace the defaults
    with web(host="0.0.0.0", token="t") as c:  # a wildcard address has no one name
        assert c.get("/api/v1", headers={"Host": "anything.example"}).status_code == 200
    monkeypatch.setenv(ALLOWED_HOSTS_ENV, "a.example, b.example")
    with web() as c:
        assert c.get("/api/v1", headers={"Host": "b.example"}).status_code == 200
        assert c.get("/api/v1", headers={"Host": "c.example"}).status_code == 400


def test_serve_takes_allowed_hosts(tmp_path, monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from jixiao.cli.main import app

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **kw: seen.update(settings=asgi.state.settings))
    r = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "x.db"), "--port", "0",
                                 "--allowed-host", "a.example", "--allowed-host", "B.example", "--parse-seconds", "30",
                                 "--max-cells", "1000", "--writes-per-minute", "5"])
    assert r.exit_code == 0, r.output
    s = seen["settings"]
    assert s.allowed_hosts == ("a.example", "b.example")
    assert (s.parse_seconds, s.max_cells, s.writes_per_minute) == (30, 1000, 5)
    r = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "x.db"), "--max-cells", "0"])
    assert r.exit_code == 2 and "--max-cells" in r.output


# -- 4. a damaged XLSX/DOCX raised foreign exceptions out of jixiao.parse -----------------------

FORMATS = Path(__file__).parent / "data" / "formats"


def _rezip(src: Path, dst: Path, change) -> Path:
    """``src`` (a ZIP) written to ``dst`` with each member's bytes passed through ``change(name, data)``
    (None drops the member)."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = change(name, zin.read(name))
            if data is not None:
                zout.writestr(name, data)
    return dst


@pytest.mark.parametrize("case", ["sheet-xml-broken", "styles-removed", "crc-broken"])
def test_damaged_xlsx_is_a_jixiao_error_not_a_foreign_exception(tmp_path: Path, case: str) -> None:
    src = FORMATS / "form_merged_cells.xlsx"
    if case == "sheet-xml-broken":  # openpyxl's streaming reader: xml.etree.ElementTree.ParseError
        path = _rezip(src, tmp_path / "b.xlsx", lambda n, d: d[:len(d) // 2] + b"<<" if "sheet1" in n else d)
    elif case == "styles-removed":  # IndexError from openpyxl's styles
        path = _rezip(src, tmp_path / "b.xlsx", lambda n, d: None if n == "xl/styles.xml" else d)
    else:  # zipfile.BadZipFile: a flipped byte in the sheet's compressed bytes
        import zipfile

        data = bytearray(src.read_bytes())
        with zipfile.ZipFile(src) as zf:
            info = zf.getinfo("xl/worksheets/sheet1.xml")
        at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + info.compress_size // 2
        data[at] ^= 0xFF
        path = tmp_path / "b.xlsx"
        path.write_bytes(bytes(data))
    with pytest.raises(jixiao.JixiaoError) as info:
        jixiao.parse(path)
    assert info.value.code == "xlsx-corrupt", info.value.message
    _one_line(info.value.message)


def test_damaged_docx_is_a_jixiao_error_not_a_foreign_exception(tmp_path: Path) -> None:
    src = FORMATS / "form_merged_cells.docx"
    for change in (lambda n, d: d[:len(d) // 3] if n == "word/document.xml" else d,
                   lambda n, d: None if n == "word/document.xml" else d):
        with pytest.raises(jixiao.JixiaoError) as info:
            jixiao.parse(_rezip(src, tmp_path / "b.docx", change))
        assert info.value.code == "docx-corrupt"
        _one_line(info.value.message)


def test_a_reader_bug_is_still_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao import read as readers

    def broken(path, *, progress=None):
        raise IndexError("a library failing in a way its reader does not name")

    monkeypatch.setitem(readers.READERS, "xlsx", broken)
    with pytest.raises(ReadError) as info:
        jixiao.parse(FORMATS / "form_merged_cells.xlsx")
    assert info.value.code == "xlsx-corrupt" and "IndexError" in info.value.message
    assert isinstance(info.value.__cause__, IndexError)  # kept for JIXIAO_DEBUG=1
    _one_line(info.value.message)


# -- 5. two imports into a new database raced on creating the schema ---------------------------

_OPEN_AT = """
import sys, time
from jixiao.store import open_store
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
open_store(sys.argv[1]).dispose()
"""


def test_schema_creation_race_two_processes_on_a_new_database(db_url) -> None:
    import subprocess
    import sys

    at = time.time() + 4  # all four past their imports, then opening the new database together
    procs = [subprocess.Popen([sys.executable, "-c", _OPEN_AT, db_url, str(at)], stderr=subprocess.PIPE)
             for _ in range(4)]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    from jixiao.store import open_store
    from jixiao.store.migrate import SchemaState, schema_state

    engine = open_store(db_url, create=False)
    assert schema_state(engine) == SchemaState.CURRENT
    engine.dispose()


def test_schema_creation_race_waits_for_sqlites_switch_to_wal(tmp_path: Path) -> None:
    # switching to WAL takes SQLite's exclusive lock without calling the busy handler: a process
    # opening the new database while another holds it failed at once with "database is locked"
    import sqlite3
    import threading

    from jixiao.store import open_store

    path = tmp_path / "new.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE placeholder (x)")
    threading.Timer(0.5, lambda: (holder.execute("ROLLBACK"), holder.close())).start()
    open_store(str(path)).dispose()  # waited for the lock, then made the schema


# -- 6. min_amount=nan|inf|1e309 gave 500 (the SQLite filter inlined values as text) -------------

@pytest.fixture(scope="module")
def samples_client(samples_db):
    from fastapi.testclient import TestClient

    from jixiao.web import WebSettings, create_app

    with TestClient(create_app(WebSettings(db=samples_db)), base_url="http://localhost",
                    raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e309", "NaN"])
def test_min_amount_nan_inf_is_a_clear_400_not_500(samples_client, value):
    for path in ("/api/v1/search", "/search"):
        for name in ("min_amount", "max_amount"):
            r = samples_client.get(path, params={"q": "满意度", name: value})
            assert r.status_code == 400, (path, name, r.text[:200])
    r = samples_client.get("/api/v1/search", params={"q": "满意度", "min_amount": value, "format": "csv"})
    assert r.status_code == 400 and "finite" in r.json()["error"]


def test_min_amount_filter_binds_its_values(samples_db):
    import math

    from jixiao.errors import UsageError
    from jixiao.store import open_store
    from jixiao.store.search import Filters, search

    engine = open_store(samples_db)
    with engine.connect() as conn:
        every = search(conn, "满意度", limit=500)
        some = search(conn, "满意度", Filters(min_amount=100, max_amount=500.5), limit=500)
        assert 0 < some.total < every.total and all(100 <= h.total <= 500.5 for h in some.hits)
        for bad in (math.nan, math.inf, -math.inf):
            with pytest.raises(UsageError, match="finite"):
                search(conn, "满意度", Filters(min_amount=bad))
    engine.dispose()


def test_cli_min_amount_nan_is_a_usage_error(tmp_path):
    from typer.testing import CliRunner

    from jixiao.cli.main import app

    r = CliRunner().invoke(app, ["search", "满意度", "--db", str(tmp_path / "x.db"), "--min-amount", "nan"])
    assert r.exit_code == 2 and "finite" in r.output


# -- 7. ids beyond 64 bits gave 500 OverflowError (and an internal error on jixiao show) -----------

@pytest.mark.parametrize("big", [2**31, 2**63, 2**64 + 5, 10**30])
def test_ids_beyond_64_bits_are_404_not_500(samples_client, big):
    for path in (f"/api/v1/documents/{big}", f"/api/v1/documents/{big}/table", f"/api/v1/documents/{big}/export",
                 f"/api/v1/documents/{big}/render", f"/api/v1/projects/{big}", f"/documents/{big}",
                 f"/projects/{big}"):
        r = samples_client.get(path)
        assert r.status_code == 404, (path, r.text[:200])
    assert samples_client.delete(f"/api/v1/documents/{big}").status_code == 404
    for path in (f"/api/v1/projects?document={big}", f"/api/v1/indicators?document={big}",
                 f"/api/v1/findings?project={big}", f"/findings?document={big}"):
        assert samples_client.get(path).status_code == 400, path
    assert samples_client.get("/api/v1/documents/" + "9" * 5000).status_code in (400, 404)


@pytest.mark.parametrize("ref", ["D99999999999999999999", "P18446744073709551621", "D" + "9" * 5000])
def test_cli_show_of_an_id_beyond_64_bits_is_not_found(samples_db, ref):
    from typer.testing import CliRunner

    from jixiao.cli.main import app

    r = CliRunner().invoke(app, ["show", ref, "--db", samples_db])
    assert r.exit_code == 2 and ("没有文档" in r.output or "没有项目" in r.output), r.output
    assert "内部错误" not in r.output and "Traceback" not in r.output


# -- 8. kill -9 of jixiao import left its worker processes running ----------------------------

def _children(pid: int) -> set[int]:
    kids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.add(int(entry.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc (Linux)")
def test_kill_9_of_jixiao_import_ends_its_worker_processes(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    tables = tmp_path / "tables"
    subprocess.run([sys.executable, "-m", "jixiao", "synth", str(tables), "--size-mb", "3", "--seed", "3"],
                   check=True, capture_output=True, timeout=300)
    proc = subprocess.Popen([sys.executable, "-m", "jixiao", "import", str(tables), "--jobs", "2",
                             "--db", str(tmp_path / "j.db")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(workers := _children(proc.pid)) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert len(workers) >= 2, "the import started its workers"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [w for w in workers if _alive(w)], "every worker ended with its parent"
    finally:
        proc.kill()
        for w in workers:
            if _alive(w):
                os.kill(w, signal.SIGKILL)


# -- minor: a chunked upload over the limit got 400; server paths in errors; dry runs left behind --

def _multipart_chunks(size: int):
    body = (b'--XX\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
            b"Content-Type: text/plain\r\n\r\n" + b"x" * size + b"\r\n--XX--\r\n")
    for at in range(0, len(body), 4096):
        yield body[at:at + 4096]


def test_chunked_upload_over_the_limit_is_413_naming_the_limit(web):
    with web(max_upload_bytes=2 * 1024 * 1024) as c:
        for path in ("/api/v1/documents?dry_run=true", "/import"):
            # no Content-Length: the body is refused as its bytes pass the limit, not by the form parser's 400
            r = c.post(path, content=_multipart_chunks(3 * 1024 * 1024),
                       headers={"Content-Type": "multipart/form-data; boundary=XX"})
            assert r.status_code == 413, (path, r.text[:200])
            assert "上传上限为 2 MB" in r.text and "upload limit is 2 MB" in r.text


def test_errors_and_document_table_name_no_server_paths(web, tmp_path: Path):
    from jixiao.store import import_files, open_store

    with web() as c:
        spool = str(c.app.state.settings.spool_dir)
        r = c.post("/api/v1/documents?dry_run=true", files={"file": ("坏.xlsx", b"PK\x03\x04" + b"\0" * 100,
                                                                     "application/zip")})
        assert r.status_code == 422 and "坏.xlsx" in r.json()["error"]
        assert spool not in r.text and "/tmp" not in r.text
        page = c.post("/import", files={"file": ("猫.txt", "这是一只猫的故事。\n" * 20, "text/plain")},
                      data=_form_token(c))
        assert page.status_code == 422 and spool not in page.text
        table = tmp_path / "secret-dir" / "部门表.txt"
        table.parent.mkdir()
        table.write_bytes(SAMPLES[3].read_bytes())
        engine = open_store(c.app.state.settings.db)
        [outcome] = import_files(engine, [str(table)])
        engine.dispose()
        for path in (f"/api/v1/documents/{outcome.document_id}/table", "/api/v1/documents", "/api/v1/summary",
                     f"/documents/{outcome.document_id}", "/documents", "/"):
            text = c.get(path).text
            assert "secret-dir" not in text and str(tmp_path) not in text, path
        assert c.get("/api/v1/documents").json()["items"][0]["source_path"] == "部门表.txt"
        gone = c.delete(f"/api/v1/documents/{outcome.document_id}").json()
        assert gone["source_path"] == "部门表.txt"


def test_dry_run_uploads_are_not_left_in_the_temp_folder(web):
    sample = SAMPLES[3]
    files = {"file": (sample.name, sample.read_bytes(), "text/plain")}
    with web() as c:
        spool = Path(c.app.state.settings.spool_dir)
        assert c.post("/api/v1/documents?dry_run=true", files=files).status_code == 200
        assert not list(spool.iterdir()), "an API dry run is not kept: nothing can save it later"
        assert c.post("/import", files=files, data=_form_token(c)).status_code == 200
        assert list(spool.iterdir()), "a page's preview waits for its save"
    assert not list(spool.iterdir()), "and goes when the server stops"


# -- budgets for untrusted work: a parse has a cell budget, a setting with safe defaults -------------

def test_parse_budget_refuses_more_cells_naming_the_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from jixiao.errors import UsageError
    from jixiao.read import DEFAULT_MAX_CELLS, MAX_CELLS_ENV, max_cells

    monkeypatch.delenv(MAX_CELLS_ENV, raising=False)
    assert max_cells() == DEFAULT_MAX_CELLS
    assert read(SAMPLES[0]).text  # a real table is far within it
    with pytest.raises(ReadError) as info:
        read(SAMPLES[0], cells=100)
    assert info.value.code == "too-many-cells" and "100" in info.value.message
    _one_line(info.value.message)
    monkeypatch.setenv(MAX_CELLS_ENV, "100")
    with pytest.raises(ReadError, match="100"):
        jixiao.parse(SAMPLES[0])
    monkeypatch.setenv(MAX_CELLS_ENV, "lots")
    with pytest.raises(UsageError):
        jixiao.parse(SAMPLES[0])


def test_upload_over_the_parse_budget_is_refused_naming_it_while_others_are_served(web) -> None:
    with web(max_cells=100) as c:
        r = _upload(c)
        assert r.status_code == 422 and r.json()["code"] == "too-many-cells", r.text
        assert "100" in r.json()["error"]
        assert c.get("/api/v1/documents").status_code == 200
    with web() as c:
        assert _upload(c).status_code == 201


def test_parse_time_and_memory_budgets_stop_the_work_naming_the_limit() -> None:
    from jixiao.web.isolate import run_isolated

    started = time.monotonic()
    with pytest.raises(ReadError) as info:
        run_isolated(time.sleep, (30,), seconds=1, megabytes=0)
    assert info.value.code == "too-slow" and "1-second" in info.value.message
    assert time.monotonic() - started < 15, "killed at the limit, not waited for"
    _one_line(info.value.message)
    with pytest.raises(ReadError) as info:
        run_isolated(bytearray, (2 * 1024**3,), seconds=60, megabytes=512)
    assert info.value.code == "too-large" and "512 MB" in info.value.message
    assert run_isolated(sorted, ([3, 1, 2],), seconds=60, megabytes=512) == [1, 2, 3]
    with pytest.raises(jixiao.ParseError):  # the child's JixiaoError comes back as itself
        run_isolated(jixiao.parse, ("这不是表格\n",), seconds=60, megabytes=0)


def test_upload_past_its_time_budget_is_stopped_while_others_are_served(web) -> None:
    import threading

    with web(parse_seconds=0.01) as c:  # no parse finishes in 10 ms: the limit is hit, the child killed
        answers = []
        uploader = threading.Thread(target=lambda: answers.append(_upload(c)))
        uploader.start()
        assert c.get("/api/v1/documents").status_code == 200
        uploader.join(60)
        [r] = answers
        assert r.status_code == 422 and r.json()["code"] == "too-slow" and "0.01" in r.json()["error"]
    with web(parse_seconds=0) as c:  # 0: parsed in the server's threads, as before
        assert _upload(c).status_code == 201


def test_writes_are_rate_limited_per_client_with_retry_after(web) -> None:
    from jixiao.web.app import WriteRateLimit

    with web(writes_per_minute=3) as c:
        codes = [c.delete("/api/v1/documents/999").status_code for _ in range(4)]
        assert codes == [404, 404, 404, 429]
        r = c.delete("/api/v1/documents/999")
        assert r.json()["code"] == "rate_limited" and "每分钟最多 3 次" in r.json()["error"]
        assert int(r.headers["retry-after"]) >= 1 and "x-frame-options" in r.headers
        assert c.get("/api/v1/documents").status_code == 200  # reading is not limited
    limiter = WriteRateLimit(None, per_minute=60)
    assert [limiter._take("a", 0.0) for _ in range(60)] == [0] * 60 and limiter._take("a", 0.0) == 1
    assert limiter._take("a", 1.0) == 0 and limiter._take("b", 1.0) == 0  # refilled a second's worth; per client


def test_page_forms_need_their_csrf_token(web):
    with web() as c:
        saved = _upload(c).json()
        delete = f"/documents/{saved['document_id']}/delete"
        # no Origin (an old browser, a stripped header): the token is what refuses a forged form
        for data in ({}, {"csrf": "guessed-token-of-enough-length"}):
            r = c.post(delete, data=data, follow_redirects=False)
            assert r.status_code == 403 and "刷新页面" in r.text
        assert c.get(f"/api/v1/documents/{saved['document_id']}").status_code == 200
        token = _form_token(c)
        assert token["csrf"] == c.cookies.get("jixiao_csrf")
        assert c.post(delete, data=token, follow_redirects=False).status_code == 303
        assert c.get(f"/api/v1/documents/{saved['document_id']}").status_code == 404
    with web() as fresh:  # the first page sets the cookie: not for scripts, not sent cross-site
        cookie = fresh.get("/import").headers["set-cookie"].lower()
        assert "jixiao_csrf=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
