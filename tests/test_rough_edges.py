"""The rough edges a new user met (issue 15), one test each: each fails on the code before its fix."""

from __future__ import annotations

import csv
import io
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from jixiao.cli.main import app as cli
from jixiao.web import WebSettings, create_app

ROOT = Path(__file__).parent.parent
SAMPLES = sorted((ROOT / "src" / "jixiao" / "samples").glob("*.txt"))
FORMS = ROOT / "tests" / "data" / "formats"
BASE = "http://localhost"


def run_cli(*args: str):
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False, env={"COLUMNS": "300"})
    return r


@pytest.fixture
def web(db_url, tmp_path):
    logging.getLogger("jixiao.web").setLevel(logging.CRITICAL)
    with TestClient(create_app(WebSettings(db=db_url, spool_dir=str(tmp_path / "spool"))), base_url=BASE,
                    raise_server_exceptions=False) as c:
        yield c, db_url


def _csrf(client) -> str:
    client.get("/import")
    return client.cookies.get("jixiao_csrf")


def _import(url: str, *paths: str, extra: tuple[str, ...] = ()):
    r = run_cli("import", *paths, "--db", url, "--format", "json", *extra)
    return r


# -- import --year --department, and in the UI: recorded as given, not parsed -------------------------

def test_year_and_department_given_at_import_and_in_the_ui(web):
    client, url = web
    sample = str(SAMPLES[1])  # prints no year
    r = _import(url, sample, extra=("--year", "2025", "--department", "示例市财政局"))
    assert r.exit_code == 0, r.output
    docs = client.get("/api/v1/documents?year=2025").json()["items"]
    assert [d["name"] for d in docs] == [SAMPLES[1].name]
    assert docs[0]["department"] == "示例市财政局"
    from jixiao.store import open_store
    from jixiao.store.given import given_values

    engine = open_store(url)
    with engine.connect() as conn:
        given = given_values(conn, docs[0]["id"])
    engine.dispose()
    assert given["year"]["value"] == "2025" and given["year"]["parsed"] is None and given["year"]["given_by"].startswith("cli:")
    page = client.get(f"/documents/D{docs[0]['id']}").text
    assert "用户给出" in page
    # the UI's form, with the page's CSRF token; the year is changed and still recorded as given
    token = _csrf(client)
    r = client.post(f"/documents/{docs[0]['id']}/given", data={"csrf": token, "year": "2024", "department": ""},
                    follow_redirects=False)
    assert r.status_code == 303
    assert client.get(f"/api/v1/documents/{docs[0]['id']}/table").json()["year"] == 2024
    # without the token it is refused; a bad year is one clear line, not a traceback
    assert client.post(f"/documents/{docs[0]['id']}/given", data={"year": "2023"}).status_code == 403
    bad = run_cli("import", sample, "--db", url, "--year", "20x5")
    assert bad.exit_code != 0 and "年度应为四位数字" in bad.output


def test_upload_takes_year_and_department(web):
    client, _url = web
    with open(SAMPLES[2], "rb") as fh:
        r = client.post("/api/v1/documents", files={"file": (SAMPLES[2].name, fh)},
                        data={"year": "2026", "department": "上传部门"})
    assert r.status_code == 201, r.text
    doc = client.get(f"/api/v1/documents/{r.json()['document_id']}/table").json()
    assert (doc["year"], doc["department"]) == (2026, "上传部门")
    assert set(doc["given"]) == {"year", "department"}


# -- Chinese first: severities, value kinds, comparators -------------------------------------------

def test_show_exports_findings_and_rules_speak_chinese_first(tmp_path):
    url = f"sqlite:///{tmp_path / 'j.db'}"
    assert _import(url, str(SAMPLES[0])).exit_code == 0
    shown = run_cli("show", "D1", "--db", url).output + run_cli("show", "P1", "--db", url).output
    assert "警告 warning" in shown or "提示 info" in shown
    assert re.search(r"定量 quantitative|定性 qualitative", shown)
    assert not re.search(r"│ (warning|info|error|quantitative|qualitative) ", shown), "a code alone"
    out = tmp_path / "x.csv"
    assert run_cli("export", "--db", url, "--output", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    kinds = {r["指标值类型"] for r in rows}
    assert "定量" in kinds and "quantitative" not in kinds
    assert {r["比较符"] for r in rows} & {"≥ 不低于", "= 等于"}
    rules = run_cli("rules").output
    assert "警告 warning" in rules and not re.search(r"│ warning\s", rules)
    with TestClient(create_app(WebSettings(db=url)), base_url=BASE) as client:
        f = client.get("/api/v1/findings?format=csv").content.decode("utf-8-sig")
        sev = {r["严重程度"] for r in csv.DictReader(io.StringIO(f))}
        assert sev <= {"错误", "警告", "提示"} and sev
        wb = load_workbook(io.BytesIO(client.get("/api/v1/documents/1/export?format=xlsx").content))
        head = [c.value for c in next(wb.active.iter_rows(max_row=1))]
        kinds = {r[head.index("指标值类型")] for r in wb.active.iter_rows(min_row=2, values_only=True)}
        assert "定量" in kinds and "quantitative" not in kinds


# -- one id form: D2/P1 everywhere ----------------------------------------------------------------

def test_api_and_pages_take_d2_and_exports_write_d1(tmp_path):
    url = f"sqlite:///{tmp_path / 'j.db'}"
    assert _import(url, str(SAMPLES[0]), str(SAMPLES[1])).exit_code == 0
    with TestClient(create_app(WebSettings(db=url)), base_url=BASE, raise_server_exceptions=False) as client:
        assert client.get("/api/v1/documents/D2").json() == client.get("/api/v1/documents/2").json()
        assert client.get("/api/v1/documents/d2/table").status_code == 200
        assert client.get("/documents/D2").status_code == 200
        assert client.get("/projects/P1").status_code == 200
        assert client.get("/api/v1/projects/P1").json()["id"] == 1
        assert client.get("/api/v1/projects?document=D2").json()["total"] > 0
        wrong = client.get("/api/v1/documents/P2")
        assert wrong.status_code == 400 and "文档编号" in wrong.json()["error"]
        rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/documents/D1/export?format=csv")
                                               .content.decode("utf-8-sig"))))
        assert {r["文档编号"] for r in rows} == {"D1"} and rows[0]["项目编号"].startswith("P")
        listed = list(csv.DictReader(io.StringIO(client.get("/api/v1/documents?format=csv")
                                                 .content.decode("utf-8-sig"))))
        assert [r["编号"] for r in listed] == ["D1", "D2"]


# -- --help keeps what is in square brackets ------------------------------------------------------

def test_help_keeps_square_brackets():
    out = subprocess.run([sys.executable, "-m", "jixiao", "import", "--help"], capture_output=True, text=True,
                         env={"COLUMNS": "200", "PATH": ""}, check=True).stdout
    assert "[tool.jixiao.review]" in out
    out = subprocess.run([sys.executable, "-m", "jixiao", "review", "--help"], capture_output=True, text=True,
                         env={"COLUMNS": "200", "PATH": ""}, check=True).stdout
    assert "[review]" in out


# -- CSV/XLSX from every view ---------------------------------------------------------------------

def test_summary_and_project_download_as_csv_and_xlsx(tmp_path):
    url = f"sqlite:///{tmp_path / 'j.db'}"
    assert _import(url, *map(str, SAMPLES)).exit_code == 0
    with TestClient(create_app(WebSettings(db=url)), base_url=BASE) as client:
        summary = client.get("/api/v1/summary").json()
        rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/summary?format=csv").content
                                               .decode("utf-8-sig"))))
        assert len(rows) == len(summary["by_department"]) + 1 and rows[-1]["部门"] == "合计 total"
        assert float(rows[-1]["总计"]) == summary["money_by_source"]["total"]
        assert int(rows[-1]["指标数"]) == summary["indicators"]
        wb = load_workbook(io.BytesIO(client.get("/api/v1/summary?format=xlsx").content))
        assert wb.active.max_row == len(rows) + 1
        p = list(csv.DictReader(io.StringIO(client.get("/api/v1/projects/P1?format=csv").content
                                            .decode("utf-8-sig"))))
        assert len(p) == len(client.get("/api/v1/projects/1").json()["indicators"])
        assert "format=csv" in client.get("/").text and "/api/v1/projects/1?format=csv" in client.get("/projects/1").text


# -- 总计 when the table has no total row ---------------------------------------------------------

def test_documents_list_sums_units_or_projects_when_no_total_row(tmp_path):
    url = f"sqlite:///{tmp_path / 'j.db'}"
    assert _import(url, *map(str, SAMPLES)).exit_code == 0
    from jixiao.store import open_store
    from jixiao.store.schema import DocumentRow, ProjectRow, UnitRow

    engine = open_store(url)
    with engine.connect() as conn:
        docs = conn.execute(select(DocumentRow.id, DocumentRow.total)).all()
        no_total = [d for d, t in docs if t is None]
        assert no_total, "the samples hold a table without a total row"
        d = no_total[0]
        units = [t for (t,) in conn.execute(select(UnitRow.total).where(UnitRow.document_id == d)) if t is not None]
        projects = [t for (t,) in conn.execute(select(ProjectRow.total).where(ProjectRow.document_id == d))
                    if t is not None]
    engine.dispose()
    with TestClient(create_app(WebSettings(db=url)), base_url=BASE) as client:
        item = next(i for i in client.get("/api/v1/documents").json()["items"] if i["id"] == d)
        expected, basis = (sum(units), "units") if units else (sum(projects), "projects")
        assert item["total_basis"] == basis and item["total"] == pytest.approx(expected)
        page = client.get("/documents").text
        assert "（各单位之和）" in page or "（各项目之和）" in page
        rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/documents?format=csv").content
                                               .decode("utf-8-sig"))))
        assert {r["总计来源"] for r in rows} >= {"各单位之和" if units else "各项目之和"}


# -- one table as .txt and as .docx: kept once ----------------------------------------------------

def test_same_table_from_txt_and_docx_is_kept_once(db_url, tmp_path):
    from jixiao.read import read

    txt = tmp_path / "form.txt"
    txt.write_text(read(FORMS / "form_merged_cells.docx").text, encoding="utf-8")
    r = _import(db_url, str(txt), str(FORMS / "form_merged_cells.docx"))
    assert r.exit_code == 0, r.output
    import json

    outcomes = json.loads(r.output)["outcomes"]
    assert [o["status"] for o in outcomes] == ["imported", "duplicate"]
    assert "内容相同" in outcomes[1]["reason"] and outcomes[1]["document_id"] == outcomes[0]["document_id"]
    listed = run_cli("ls", "--db", db_url, "--format", "json").output
    assert len(json.loads(listed)) == 1
    # a revision of the same file is still a new version, not a duplicate
    txt.write_text(txt.read_text("utf-8").replace("示例", "示范", 1), encoding="utf-8")
    again = json.loads(_import(db_url, str(txt)).output)["outcomes"][0]
    assert again["status"] == "imported" and again["version"] == 2


# -- the project page: findings box = badge count; the indicator table keeps its columns ----------

def test_project_findings_box_counts_what_the_badge_counts(tmp_path):
    url = f"sqlite:///{tmp_path / 'j.db'}"
    assert _import(url, str(SAMPLES[0])).exit_code == 0
    with TestClient(create_app(WebSettings(db=url)), base_url=BASE) as client:
        for pid in range(1, 6):
            d = client.get(f"/api/v1/projects/{pid}").json()
            badge = sum(d["severity_counts"].values())
            html = client.get(f"/projects/{pid}").text
            box = re.search(r'<ul class="findings" id="all-findings">(.*?)</ul>', html, re.S)
            assert d["n_findings"] == badge
            assert (box.group(1).count('<li class="finding') if box else 0) == badge


def test_indicator_table_is_not_squeezed(tmp_path):
    css = (ROOT / "src" / "jixiao" / "web" / "static" / "app.css").read_text()
    assert re.search(r"table\.indicators \{ min-width: \d+rem", css) and ".table-scroll { overflow-x: auto; }" in css
    url = f"sqlite:///{tmp_path / 'j.db'}"
    assert _import(url, str(SAMPLES[0])).exit_code == 0
    with TestClient(create_app(WebSettings(db=url)), base_url=BASE) as client:
        assert '<div class="table-scroll"><table class="indicators">' in client.get("/projects/1").text


# -- git ignores SQLite's -wal and -shm files -----------------------------------------------------

def test_gitignore_covers_sqlite_wal_and_shm(tmp_path):
    for name in ("jixiao.db-wal", "jixiao.db-shm", "jixiao.db"):
        r = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT)
        assert r.returncode == 0, name
