"""The JSON API and the pages, through the ASGI app (no network), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import logging
import re

import pytest
from fastapi.testclient import TestClient

import jixiao
from jixiao.web import WebSettings, create_app

SAMPLES_DIR = __import__("pathlib").Path(__file__).parent.parent / "src" / "jixiao" / "samples"

SAMPLES = sorted(SAMPLES_DIR.glob("*.txt"))
PAGES = ["/", "/documents", "/documents/1", "/projects/1", "/search?q=满意度", "/indicators", "/findings",
         "/import", "/api", "/library", "/library?q=满意度&level1=满意度", "/library/1"]
ERROR_KEYS = {"ok", "status", "error", "code"}
#: a name the server answers to (TestClient's own "testserver" is refused, as any name not allowed is)
BASE = "http://localhost"


@pytest.fixture(scope="module")
def client(samples_db):
    logging.getLogger("jixiao.web").setLevel(logging.CRITICAL)
    with TestClient(create_app(WebSettings(db=samples_db)), base_url=BASE, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def writable(db_url, tmp_path):
    """A client on an empty database of its own, for tests that upload and delete."""
    with TestClient(create_app(WebSettings(db=db_url, spool_dir=str(tmp_path / "spool"))),
                    base_url=BASE, raise_server_exceptions=False) as c:
        yield c


def assert_error(r, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == ERROR_KEYS and body["ok"] is False and body["status"] == status and body["code"] == code
    assert body["error"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_and_its_json_twin_answers(client, path):
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    twin = re.search(r'<a class="twin" href="([^"]+)"', r.text)
    assert twin, "every page names its JSON twin"
    j = client.get(twin.group(1).replace("&amp;", "&"))
    assert j.status_code == 200 and j.headers["content-type"] == "application/json"
    assert j.json()


def test_pages_load_nothing_from_outside(client):
    for path in PAGES:
        html = client.get(path).text
        for url in re.findall(r'(?:src|href|action)="([^"]*)"', html):
            assert url.startswith(("/", "#", "?")) or url == "", (path, url)
    for asset in ("/static/app.css", "/static/app.js", "/static/favicon.svg"):
        r = client.get(asset)
        assert r.status_code == 200
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", r.text), asset
    assert client.get("/docs").status_code == 404  # FastAPI's own docs page would load a CDN


def test_documents_api_lists_and_returns_canonical_json(client):
    docs = client.get("/api/v1/documents").json()
    assert docs["total"] == 5
    by_name = {d["name"]: d["id"] for d in docs["items"]}
    for sample in SAMPLES:
        got = client.get(f"/api/v1/documents/{by_name[sample.name]}").json()
        assert got == jixiao.parse(str(sample)).to_canonical()


def test_document_page_twin_has_projects_indicators_and_findings(client):
    d = client.get("/api/v1/documents/1/table").json()
    assert d["n_projects"] == len(d["projects"]) > 0
    assert sum(len(p["indicators"]) for p in d["projects"]) == d["n_indicators"]
    flagged = [f for p in d["projects"] for f in p["findings"]] + d["document_findings"]
    assert len(flagged) == len(d["findings"])
    html = client.get("/documents/1").text
    assert d["projects"][0]["name"] in html and "R29" in html  # 000's unit row that does not add up


def test_search_matches_the_cli_search_with_filters(client, samples_db):
    from jixiao.store import open_store
    from jixiao.store.search import Filters, search

    r = client.get("/api/v1/search", params={"q": "满意度", "per_page": 100}).json()
    with open_store(samples_db, create=False).connect() as conn:
        direct = search(conn, "满意度", Filters(), limit=100)
    assert r["total"] == direct.total == 61
    assert [h["entry_id"] for h in r["hits"]] == [h.entry_id for h in direct.hits]
    assert all(any(m for _, m in pieces) for h in r["hits"] for pieces in h["highlights"].values())
    narrowed = client.get("/api/v1/search", params={"q": "满意度", "level1": "产出"}).json()
    assert 0 < narrowed["total"] < r["total"]
    assert {f["value"] for f in r["facets"]["kind"]} <= {"project", "indicator", "goal"}
    page = client.get("/search", params={"q": "网络安全"}).text
    assert "<mark>网络安全</mark>" in page


def test_two_character_and_one_character_queries_find_rows(client):
    assert client.get("/api/v1/search", params={"q": "安全"}).json()["total"] > 0
    assert client.get("/api/v1/search", params={"q": "率"}).json()["total"] > 0


def test_search_with_sql_in_it_is_just_text(client):
    for q in ("'; DROP TABLE documents; --", "\" OR 1=1", "满意度 NEAR(", "*", "%"):
        r = client.get("/api/v1/search", params={"q": q})
        assert r.status_code in (200, 400), r.text
    assert client.get("/api/v1/documents").json()["total"] == 5


def test_summary_statistics(client):
    s = client.get("/api/v1/summary").json()
    assert s["documents"] == 5 and s["indicators"] == 529 and s["projects"] == 79
    assert sum(r["count"] for r in s["indicators_by_level1"]) == s["indicators"]
    assert s["money_by_source"]["total"] == pytest.approx(sum(r["total"] for r in s["money_by_department"]))
    assert all(0 <= (r["quant_rate"] or 0) <= 1 for r in s["by_department"])


def test_indicator_browser_facets_count_every_indicator(client):
    d = client.get("/api/v1/indicators").json()
    assert d["total"] == 529
    assert sum(f["count"] for f in d["facets"]["level1"]) == 529
    q = client.get("/api/v1/indicators", params={"kind": "quantitative", "level1": "满意度"}).json()
    assert q["total"] > 0 and all(i["annual_kind"] == "quantitative" for i in q["items"])
    assert_error(client.get("/api/v1/indicators", params={"kind": "nonsense"}), 400, "invalid")


def test_findings_listing_and_rule_counts(client):
    d = client.get("/api/v1/findings", params={"rule": "R11", "per_page": 200}).json()
    assert d["total"] > 0 and {f["rule"] for f in d["items"]} == {"R11"}
    assert any("课程设计" in (f["indicator"] or "") for f in d["items"])  # 002's 满意度85%以上 under 质量
    assert not any("投诉" in (f["indicator"] or "") for f in d["items"])  # 投诉次数 under 满意度 is a proxy
    assert sum(r["count"] for r in d["by_rule"]) == sum(d["by_severity"].values())


def test_findings_min_severity_leaves_the_hints_out(client):
    every = client.get("/api/v1/findings", params={"per_page": 200}).json()
    some = client.get("/api/v1/findings", params={"per_page": 200, "min_severity": "warning"}).json()
    assert every["by_severity"]["info"] > 0 and some["by_severity"]["info"] == 0
    assert some["total"] == every["by_severity"]["error"] + every["by_severity"]["warning"]
    assert {f["severity"] for f in some["items"]} <= {"error", "warning"}
    page = client.get("/findings", params={"min_severity": "warning"})
    assert page.status_code == 200 and 'name="min_severity"' in page.text
    assert client.get("/api/v1/findings", params={"min_severity": "hint"}).status_code in (400, 422)


def test_project_twin_gives_spans_into_its_source_excerpt(client):
    p = client.get("/api/v1/projects/1").json()
    text = p["source"]["text"]
    name = next(f for f in p["fields"] if f["key"] == "name")
    (s, e), *_ = name["spans"]
    assert text[s:e] == p["name"]
    for ind in p["indicators"]:
        for (s, e) in ind["spans"]["name"]:
            assert text[s:e].replace("\n", "") in (ind["name"] or "")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_listings_download_whole(client, fmt, tmp_path):
    r = client.get("/api/v1/search", params={"q": "满意度", "format": fmt})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    if fmt == "csv":
        assert r.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["文档编号", "文件", "部门"] and len(rows) > 50
    elif fmt == "xlsx":
        import openpyxl

        path = tmp_path / "x.xlsx"
        path.write_bytes(r.content)
        assert sum(1 for _ in openpyxl.load_workbook(path, read_only=True).active.iter_rows()) > 50
    else:
        assert len(r.json()) > 50
    docs = client.get("/api/v1/documents", params={"format": fmt})
    assert docs.status_code == 200


def test_official_layout_rendered_back(client):
    for to, media in (("xlsx", "spreadsheetml"), ("pdf", "application/pdf"), ("html", "text/html")):
        r = client.get("/api/v1/documents/1/render", params={"to": to})
        assert r.status_code == 200 and media in r.headers["content-type"]


def test_errors_share_one_shape(client):
    assert_error(client.get("/api/v1/documents/999999"), 404, "not_found")
    assert_error(client.get("/api/v1/projects/999999"), 404, "not_found")
    assert_error(client.get("/api/v1/nowhere"), 404, "not_found")
    assert_error(client.get("/api/v1/search", params={"q": "x", "year": "abc"}), 400, "invalid")
    assert_error(client.get("/api/v1/search", params={"q": "字" * 201}), 400, "invalid")
    assert_error(client.get("/api/v1/search", params={"q": "满意度", "level1": "其他"}), 400, "error")
    page = client.get("/documents/999999")
    assert page.status_code == 404 and "没有文档 D999999" in page.text


def test_an_unknown_query_parameter_is_an_error_not_ignored(client):
    # paging by offset on a route that pages by page would return page 1 forever
    r = client.get("/api/v1/projects", params={"offset": 50})
    assert_error(r, 400, "unknown_parameter")
    assert "offset" in r.json()["error"]
    assert_error(client.get("/api/v1/search", params={"q": "率", "limit": 5}), 400, "unknown_parameter")
    assert_error(client.get("/api/v1/summary", params={"x": 1}), 400, "unknown_parameter")
    # a parameter model's own fields, paging, and the language switch are known
    assert client.get("/api/v1/search", params={"q": "率", "level1": "产出", "page": 2, "lang": "en"}).status_code == 200
    assert client.get("/api/v1/projects", params={"document": 1, "page": 2, "per_page": 10}).status_code == 200


def test_language_switch(client):
    r = client.get("/search?lang=en")
    assert ">Search</a>" in r.text and r.cookies.get("jixiao_lang") == "en"
    assert ">检索</a>" in client.get("/search?lang=zh").text
    r = client.get("/lang/en", params={"next": "//evil.example/"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_openapi_documents_every_endpoint(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/v1/documents", "/api/v1/documents/{doc_id}", "/api/v1/projects/{project_id}",
                 "/api/v1/search", "/api/v1/indicators", "/api/v1/findings", "/api/v1/summary",
                 "/api/v1/library", "/api/v1/library/{library_id}", "/api/v1/projects/{project_id}/benchmarks"):
        assert path in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert {"q", "department", "unit", "year", "level1", "level2", "min_amount", "max_amount",
            "has_finding", "all_versions"} <= params


# -- writes: upload, save, re-upload, delete --------------------------------------------------

def test_upload_preview_save_reupload_delete(writable):
    sample = SAMPLES[4]
    files = {"file": (sample.name, sample.read_bytes(), "text/plain")}
    preview = writable.post("/api/v1/documents?dry_run=true", files=files)
    assert preview.status_code == 200, preview.text
    expected = jixiao.parse(str(sample))
    assert preview.json()["counts"]["indicators"] == sum(len(p.indicators) for p in expected.projects)
    assert writable.get("/api/v1/documents").json()["total"] == 0  # a preview saves nothing
    saved = writable.post("/api/v1/documents", files=files)
    assert saved.status_code == 201 and saved.json()["status"] == "imported"
    doc_id = saved.json()["document_id"]
    again = writable.post("/api/v1/documents", files=files)
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    assert writable.get("/api/v1/documents").json()["total"] == 1
    assert writable.get("/api/v1/search", params={"q": "满意度"}).json()["total"] > 0
    gone = writable.delete(f"/api/v1/documents/{doc_id}")
    assert gone.status_code == 200 and gone.json()["deleted"] == doc_id
    assert writable.get("/api/v1/documents").json()["total"] == 0
    assert writable.get("/api/v1/search", params={"q": "满意度"}).json()["total"] == 0
    assert_error(writable.delete(f"/api/v1/documents/{doc_id}"), 404, "not_found")


def form_token(client) -> dict[str, str]:
    """The form token a page gives this client (with its cookie), as a form field."""
    page = client.get("/import").text
    return {"csrf": re.search(r'name="csrf" value="([^"]+)"', page).group(1)}


def test_upload_pages_preview_then_save(writable):
    sample = SAMPLES[0]
    csrf = form_token(writable)
    r = writable.post("/import", files={"file": (sample.name, sample.read_bytes(), "text/plain")}, data=csrf)
    assert r.status_code == 200 and "保存到数据库" in r.text and "R29" in r.text
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', r.text).group(1)
    assert writable.post("/import/save", data={"sha256": sha}, follow_redirects=False).status_code == 403
    saved = writable.post("/import/save", data={"sha256": sha, **csrf}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/documents/")
    assert "已保存" in writable.get(saved.headers["location"]).text
    assert_error(writable.post("/api/v1/documents", files={"file": ("x.txt", b"", "text/plain")}),
                 400, "empty_upload")


def test_upload_of_something_else_is_a_clear_error(writable):
    r = writable.post("/api/v1/documents", files={"file": ("cat.txt", "这是一只猫的故事。\n" * 20, "text/plain")})
    assert_error(r, 422, r.json()["code"])
    page = writable.post("/import", files={"file": ("bomb.xlsx", b"PK\x03\x04" + b"\0" * 100, "application/zip")},
                         data=form_token(writable))
    assert page.status_code == 422 and "error-message" in page.text
    assert writable.get("/api/v1/documents").json()["total"] == 0


def test_upload_over_the_limit_is_refused_before_parsing(db_url, tmp_path):
    app = create_app(WebSettings(db=db_url, max_upload_bytes=1000, spool_dir=str(tmp_path)))
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as c:
        r = c.post("/api/v1/documents", files={"file": ("big.txt", b"x" * 200_000, "text/plain")})
        assert_error(r, 413, "too_large")
        assert "上传上限" in r.json()["error"]
        page = c.post("/import", files={"file": ("big.txt", b"x" * 200_000, "text/plain")})
        assert page.status_code == 413 and "上传上限" in page.text


def test_source_text_is_escaped(writable):
    # the entity becomes a real "<script>" in the parsed name; the tag stays raw in the source text
    evil = "专项工作经费&lt;script&gt;alert(1)&lt;/script&gt;<img src=x onerror=alert(2)>"
    text = SAMPLES[0].read_text("utf-8").replace("专项工作经费", evil, 1)
    saved = writable.post("/api/v1/documents", files={"file": ("xss.txt", text.encode(), "text/plain")}).json()
    doc = writable.get(f"/api/v1/documents/{saved['document_id']}/table").json()
    project = next(p for p in doc["projects"] if "<script>" in (p["name"] or ""))
    for path in (f"/documents/{saved['document_id']}", f"/projects/{project['id']}", "/search?q=专项工作"):
        html = writable.get(path).text
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html, path
        assert "<img src=x" not in html, path
    assert "&lt;img src=x onerror=alert(2)&gt;" in writable.get(f"/projects/{project['id']}").text


def test_writes_need_a_token_off_loopback(db_url, tmp_path):
    app = create_app(WebSettings(db=db_url, host="0.0.0.0", token="s3cret", spool_dir=str(tmp_path)))
    sample = SAMPLES[3]
    files = {"file": (sample.name, sample.read_bytes(), "text/plain")}
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as c:
        assert_error(c.post("/api/v1/documents", files=files), 401, "bad_token")
        assert_error(c.post("/api/v1/documents", files=files, headers={"Authorization": "Bearer nope"}),
                     401, "bad_token")
        ok = c.post("/api/v1/documents", files=files, headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 201
        doc_id = ok.json()["document_id"]
        assert_error(c.delete(f"/api/v1/documents/{doc_id}"), 401, "bad_token")
        assert c.delete(f"/api/v1/documents/{doc_id}", headers={"X-Jixiao-Token": "s3cret"}).status_code == 200
        assert c.post("/api/v1/documents?dry_run=true", files=files).status_code == 200  # a preview writes nothing
        assert c.get("/api/v1/documents").status_code == 200
    assert WebSettings(host="192.168.1.5").token  # made up when none is given
    assert not WebSettings(host="127.0.0.1").token_required and not WebSettings(host="::1").token_required


def test_cross_site_form_posts_are_refused(writable):
    sample = SAMPLES[3]
    r = writable.post("/api/v1/documents", files={"file": (sample.name, sample.read_bytes(), "text/plain")},
                      headers={"Origin": "http://evil.example"})
    assert_error(r, 403, "forbidden")
    assert writable.get("/api/v1/documents").json()["total"] == 0


def test_every_project_and_document_page_renders(client):
    """Regression: a target stored without its empty keys broke the project page (500)."""
    projects = client.get("/api/v1/projects", params={"per_page": 200}).json()
    assert projects["total"] == 79
    for p in projects["items"]:
        assert client.get(f"/projects/{p['id']}").status_code == 200, p
    for d in client.get("/api/v1/documents").json()["items"]:
        assert client.get(f"/documents/{d['id']}").status_code == 200, d


def test_an_empty_database_shows_empty_pages(writable):
    assert "还没有文档" in writable.get("/").text
    s = writable.get("/api/v1/summary").json()
    assert s["documents"] == 0 and s["money_by_source"]["total"] == 0
    for path in ("/documents", "/search?q=满意度", "/indicators", "/findings", "/import", "/api"):
        assert writable.get(path).status_code == 200, path
    assert writable.get("/api/v1/search", params={"q": "满意度"}).json()["total"] == 0


def test_serve_refuses_a_bad_upload_limit(tmp_path):
    from typer.testing import CliRunner

    from jixiao.cli.main import app

    r = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "x.db"), "--max-upload-mb", "0"])
    assert r.exit_code == 2 and "max-upload-mb" in r.output


def test_spans_are_counted_as_the_browser_counts():
    """A character beyond the BMP is one in Python and two UTF-16 units in the page's script."""
    from jixiao.web.views import _Excerpt

    ex = _Excerpt("甲𠀀乙丙", start=100)
    assert ex.spans([(102, 104)]) == [[3, 5]]  # 乙丙 after the astral 𠀀
    assert ex.spans([(100, 101)]) == [[0, 1]]
    assert ex.spans([(0, 50)]) == []  # outside the excerpt


def test_serve_says_when_the_port_is_taken(tmp_path):
    import socket

    from typer.testing import CliRunner

    from jixiao.cli.main import app

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "x.db"), "--port", str(port)])
    assert r.exit_code == 1 and "cannot listen" in r.output and "正在运行" not in r.output


# -- the indicator library and peer benchmarks ---------------------------------------------------

def test_library_lists_finds_and_opens_canonical_indicators(client):
    lib = client.get("/api/v1/library", params={"per_page": 5}).json()
    assert lib["total"] > 50 and len(lib["items"]) == 5 and lib["pages"] > 1
    top = lib["items"][0]
    assert (top["level1"], top["level2"]) == ("满意度", "服务对象满意度")  # every sample table has one
    assert top["projects"] == max(i["projects"] for i in lib["items"])
    found = client.get("/api/v1/library", params={"q": "服务对象满意率"}).json()["items"]
    assert found[0]["id"] == top["id"]  # any spelling finds the group
    entry = client.get(f"/api/v1/library/{top['id']}").json()
    assert len(entry["spellings"]) > 5 and entry["projects"] == top["projects"]
    (pct,) = [d for d in entry["distributions"] if d["unit"] == "%"]
    assert pct["min"] <= pct["q1"] <= pct["median"] <= pct["q3"] <= pct["max"] <= 100
    assert sum(v["count"] for v in entry["values"]["counts"]) == pct["count"]
    page = client.get(f"/library/{top['id']}?lang=zh").text
    assert "年度指标值分布" in page and "<svg" in page and "用户满意度" in page
    assert_error(client.get("/api/v1/library/999999"), 404, "not_found")
    assert_error(client.get("/api/v1/library", params={"sort": "nope"}), 400, "invalid")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_library_downloads_the_whole_listing(client, fmt):
    r = client.get("/api/v1/library", params={"format": fmt})
    assert r.status_code == 200
    total = client.get("/api/v1/library").json()["total"]
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert rows[0][:4] == ["指标库编号", "一级指标", "二级指标", "规范指标"] and len(rows) == total + 1
    elif fmt == "json":
        assert len(r.json()) == total


def test_project_benchmarks_in_the_api_and_on_the_page(client):
    marks = client.get("/api/v1/projects/1/benchmarks").json()["indicators"]
    detail = client.get("/api/v1/projects/1").json()["indicators"]
    assert [m["indicator_id"] for m in marks] == [i["id"] for i in detail]
    assert [i["benchmark"] for i in detail] == marks
    compared = [m for m in marks if m["n"]]
    assert compared, "a sample project has peers"
    for m in compared:
        assert 0 <= m["percentile"] <= 100 and m["median"] is not None and m["library_id"]
    page = client.get("/projects/1?lang=zh").text
    assert "同类比较" in page and "百分位" in page
    assert_error(client.get("/api/v1/projects/999999/benchmarks"), 404, "not_found")
