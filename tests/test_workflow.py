"""Accounts, roles, sessions and the audit log (issue 15), on SQLite and PostgreSQL, through the ASGI app.

Real argon2 hashing, real signed cookies, the real CSRF check: nothing here is mocked.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from jixiao.store import import_files, open_store
from jixiao.store.workflow_schema import AuditRow
from jixiao.web import WebSettings, create_app
from jixiao.workflow.accounts import add_user, disable_user, issue_token

ROOT = Path(__file__).parent.parent
SAMPLES = sorted((ROOT / "src" / "jixiao" / "samples").glob("*.txt"))
BASE = "http://localhost"
PASSWORD = "correct horse 9"
#: where httpx keeps the cookies localhost sets: a cookie planted there is the one the server sees and replaces
DOMAIN = "localhost.local"


@pytest.fixture
def team(db_url, tmp_path):
    """The five samples, a reviewer (with a token), a department owning D1, and an admin."""
    logging.getLogger("jixiao.web").setLevel(logging.CRITICAL)
    engine = open_store(db_url)
    assert [o.status for o in import_files(engine, [str(p) for p in SAMPLES[:2]])] == ["imported"] * 2
    with engine.connect() as conn:
        from jixiao.store.schema import DocumentRow

        depts = dict(conn.execute(select(DocumentRow.id, DocumentRow.department)).all())
    add_user(engine, "rev", "reviewer", PASSWORD)
    add_user(engine, "dep1", "department", PASSWORD, department=depts[1])
    add_user(engine, "boss", "admin", PASSWORD)
    token = issue_token(engine, "rev")
    app = create_app(WebSettings(db=db_url, spool_dir=str(tmp_path / "spool")), engine=engine)
    yield app, engine, token
    engine.dispose()


def client(app) -> TestClient:
    return TestClient(app, base_url=BASE, raise_server_exceptions=False)


def login(c: TestClient, name: str, password: str = PASSWORD):
    c.get("/login")  # the page sets the CSRF cookie its form carries
    return c.post("/login", data={"name": name, "password": password, "csrf": c.cookies.get("jixiao_csrf"),
                                  "next": "/documents"}, follow_redirects=False)


def audit(engine) -> list[tuple[str, str, int | None, int | None]]:
    with engine.connect() as conn:
        return [(r.user_name, r.action, r.document_id, r.version) for r in
                conn.execute(select(AuditRow.__table__).order_by(AuditRow.id))]


def test_without_accounts_the_server_is_one_local_user(db_url, tmp_path):
    with client(create_app(WebSettings(db=db_url, spool_dir=str(tmp_path / "s")))) as c:
        assert c.get("/").status_code == 200 and c.get("/api/v1/documents").status_code == 200
        assert "/logout" not in c.get("/").text


def test_accounts_require_sign_in_and_the_session_cookie_is_signed_httponly_samesite(team):
    app, _engine, _token = team
    with client(app) as c:
        r = c.get("/documents/1", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/documents/1")
        assert c.get("/api/v1/documents").status_code == 401
        assert login(c, "rev", "wrong password").status_code == 401
        r = login(c, "rev")
        assert r.status_code == 303 and r.headers["location"] == "/documents"
        cookie = r.headers["set-cookie"]
        assert "jixiao_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert c.get("/api/v1/documents").json()["total"] == 2
        assert "rev" in c.get("/documents").text
        # a cookie someone made up, or changed by one character, is nobody
        forged = c.cookies.get("jixiao_session")
        c.cookies.set("jixiao_session", forged[:-1] + ("A" if forged[-1] != "A" else "B"), domain=DOMAIN)
        assert c.get("/api/v1/documents").status_code == 401


def test_login_needs_the_csrf_token_and_is_rate_limited(team):
    app, _engine, _token = team
    with client(app) as c:
        c.get("/login")
        r = c.post("/login", data={"name": "rev", "password": PASSWORD}, follow_redirects=False)
        assert r.status_code == 403  # no CSRF token: a form on another site cannot sign anyone in
        for _ in range(5):
            assert login(c, "rev", "guess-guess").status_code == 401
        r = login(c, "rev")  # even the right password waits now
        assert r.status_code == 429 and "登录失败次数过多" in r.text


def test_session_fixation_is_refused(team):
    app, _engine, _token = team
    with client(app) as attacker, client(app) as victim:
        assert login(attacker, "dep1").status_code == 303
        planted = attacker.cookies.get("jixiao_session")
        victim.cookies.set("jixiao_session", planted, domain=DOMAIN)  # the attacker's session, planted in the victim's browser
        assert login(victim, "rev").status_code == 303
        assert victim.cookies.get("jixiao_session") != planted  # signing in makes a new session
        # the planted id is still the attacker's own (a department's), never the reviewer's
        attacker.cookies.set("jixiao_session", planted, domain=DOMAIN)
        assert attacker.get("/api/v1/documents/2").status_code == 404
        assert attacker.get("/api/v1/documents").json()["total"] == 1


def test_a_department_cannot_read_or_change_another_departments_documents(team):
    app, engine, _token = team
    with client(app) as c:
        assert login(c, "dep1").status_code == 303
        listed = c.get("/api/v1/documents").json()
        assert [d["id"] for d in listed["items"]] == [1]
        assert c.get("/documents").text.count('<a href="/documents/') == 1
        assert c.get("/documents/1").status_code == 200 and c.get("/api/v1/documents/D1").status_code == 200
        with engine.connect() as conn:
            from jixiao.store.schema import ProjectRow

            other_project = conn.execute(select(ProjectRow.id).where(ProjectRow.document_id == 2)).scalars().first()
        for path in ("/documents/2", "/documents/D2", f"/projects/{other_project}", "/api/v1/documents/2",
                     "/api/v1/documents/D2/table", "/api/v1/documents/2/export?format=csv",
                     "/api/v1/documents/2/render?to=html", f"/api/v1/projects/P{other_project}"):
            assert c.get(path).status_code == 404, path
        for path in ("/search?q=满意度", "/api/v1/search?q=满意度", "/findings", "/api/v1/findings", "/indicators",
                     "/api/v1/library", "/api/v1/summary", f"/api/v1/projects/{other_project}/benchmarks"):
            assert c.get(path).status_code == 403, path
        assert c.get("/", follow_redirects=False).headers["location"] == "/documents"
        csrf = c.cookies.get("jixiao_csrf")
        assert c.post("/documents/2/given", data={"csrf": csrf, "year": "2020"}).status_code == 404
        assert c.post("/documents/2/delete", data={"csrf": csrf}).status_code == 404
        assert c.delete("/api/v1/documents/2").status_code == 404
        assert c.delete("/api/v1/documents/1").status_code == 403  # only an admin deletes, even one's own
        # its own document: it may give the year (not move the document to another department)
        r = c.post("/documents/1/given", data={"csrf": csrf, "year": "2021", "department": "别的部门"},
                   follow_redirects=False)
        assert r.status_code == 303
        d1 = c.get("/api/v1/documents/1/table").json()
        assert d1["year"] == 2021 and d1["department"] != "别的部门"
    assert ("dep1", "set_given", 1, 1) in audit(engine)


def test_the_api_takes_a_per_user_token_and_disabling_ends_it(team):
    app, engine, token = team
    with client(app) as c:
        h = {"Authorization": f"Bearer {token}"}
        assert c.get("/api/v1/documents", headers=h).json()["total"] == 2
        assert c.get("/api/v1/documents", headers={"Authorization": "Bearer jxu_not-a-token"}).status_code == 401
        assert c.delete("/api/v1/documents/2", headers=h).status_code == 403  # a reviewer deletes nothing
        assert login(c, "rev").status_code == 303
        disable_user(engine, "rev")
        assert c.get("/api/v1/documents").status_code == 401  # the session ended with the account
        assert c.get("/api/v1/documents", headers=h).status_code == 401
        assert login(c, "rev").status_code == 401


def test_the_audit_log_holds_every_change(team):
    app, engine, _token = team
    before = len(audit(engine))
    with client(app) as boss, client(app) as dep:
        assert login(boss, "boss").status_code == 303
        assert login(dep, "dep1").status_code == 303
        with open(SAMPLES[0], "rb") as fh:  # a department's upload is its own department's
            r = dep.post("/api/v1/documents", files={"file": ("revised.txt", fh.read().replace(b"2021", b"2022"))})
        assert r.status_code == 201, r.text
        new_id = r.json()["document_id"]
        assert dep.get(f"/api/v1/documents/{new_id}").status_code == 200
        csrf = boss.cookies.get("jixiao_csrf")
        assert boss.post(f"/documents/{new_id}/given", data={"csrf": csrf, "year": "2022"},
                         follow_redirects=False).status_code == 303
        assert boss.post(f"/documents/{new_id}/delete", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    log = audit(engine)[before:]
    assert [(u, a) for u, a, _d, _v in log] == [("boss", "login"), ("dep1", "login"), ("dep1", "upload"),
                                                 ("boss", "set_given"), ("boss", "delete")]
    assert all(d == new_id and v == 1 for _u, a, d, v in log if a in ("upload", "set_given", "delete"))


def test_cli_user_add_list_disable_and_import_are_logged(tmp_path):
    from typer.testing import CliRunner

    from jixiao.cli.main import app as cli

    url = f"sqlite:///{tmp_path / 'j.db'}"
    run = CliRunner()
    r = run.invoke(cli, ["user", "add", "ann", "--role", "department", "--db", url], input="pw-12345678\npw-12345678\n")
    assert r.exit_code != 0 and "--department" in r.output  # a department account needs its department
    r = run.invoke(cli, ["user", "add", "ann", "--role", "reviewer", "--db", url, "--token"],
                   input="pw-12345678\npw-12345678\n")
    assert r.exit_code == 0 and "jxu_" in r.output
    assert run.invoke(cli, ["user", "add", "bob", "--role", "reviewer", "--db", url, "--password", "short"]).exit_code
    assert run.invoke(cli, ["user", "disable", "ann", "--db", url]).exit_code == 0
    listed = run.invoke(cli, ["user", "list", "--db", url, "--format", "json"]).output
    import json

    assert [(u["name"], u["disabled"], u["has_token"]) for u in json.loads(listed)] == [("ann", True, False)]
    assert run.invoke(cli, ["import", str(SAMPLES[0]), "--db", url, "--year", "2021"]).exit_code == 0
    engine = open_store(url)
    actions = [a for _u, a, _d, _v in audit(engine)]
    engine.dispose()
    assert actions == ["user_add", "user_token", "user_disable", "import"]


# -- the review of a document version (part 3) -----------------------------------------------------


def _review(c: TestClient, doc_id: int) -> dict:
    r = c.get(f"/api/v1/review/documents/{doc_id}")
    assert r.status_code == 200, r.text
    return r.json()


def _post(c: TestClient, path: str, **data):
    return c.post(path, data={"csrf": c.cookies.get("jixiao_csrf"), **data}, follow_redirects=False)


def test_review_flow_decisions_comments_verdicts_states_revision_diff_and_carry_over(team):
    app, engine, _token = team
    with client(app) as rev, client(app) as dep:
        assert login(rev, "rev").status_code == 303 and login(dep, "dep1").status_code == 303
        rv = _review(rev, 1)
        assert rv["review"]["state"] == "pending"
        project = rv["projects"][2]  # has a total, a goal and indicators
        f1, f2, f3 = project["findings"][:3] if len(project["findings"]) >= 3 else rv["findings"][:3]
        base = "/review/documents/1"
        assert _post(rev, base + "/decide", finding_id=f1["id"], decision="accepted").status_code == 303
        assert _post(rev, base + "/decide", finding_id=f2["id"], decision="dismissed").status_code == 400  # no reason
        assert _post(rev, base + "/decide", finding_id=f2["id"], decision="dismissed", reason="表中已说明").status_code == 303
        assert _post(rev, base + "/decide", finding_id=f3["id"], decision="edited",
                     message="请把指标值写成可衡量的数").status_code == 303
        assert _post(dep, base + "/decide", finding_id=f1["id"], decision="dismissed", reason="x").status_code == 403
        ind_keep, ind_drop = project["indicators"][0], project["indicators"][-1]
        for kind, anchor, body in (("field", "goal", "绩效目标不够具体"), ("indicator", str(ind_keep["id"]), "指标值偏低"),
                                   ("indicator", str(ind_drop["id"]), "这个指标可以删去"), ("span", "10-20", "原文此处")):
            assert _post(rev, base + "/comment", body=body, project_id=project["id"], anchor_kind=kind,
                         anchor=anchor).status_code == 303
        assert _post(dep, base + "/comment", body="部门不能开新意见", project_id=project["id"]).status_code == 403
        assert _post(rev, base + "/verdict", project_id=project["id"], verdict="退回修改").status_code == 400
        assert _post(rev, base + "/verdict", project_id=project["id"], verdict="退回修改",
                     reason="目标与指标需量化").status_code == 303
        assert _post(rev, base + "/state", to="returned").status_code == 303
        rv = _review(rev, 1)
        assert rv["review"]["state"] == "returned"
        assert [h["to_state"] for h in rv["history"]] == ["pending", "in_review", "returned"]
        decided = {f["id"]: f["decision"]["decision"] for f in rv["findings"] if f["decision"]}
        assert decided == {f1["id"]: "accepted", f2["id"]: "dismissed", f3["id"]: "edited"}
        p = next(x for x in rv["projects"] if x["id"] == project["id"])
        assert p["verdict"]["verdict"] == "退回修改" and len(p["comments"]) == 4
        # the department sees the comments, answers one and uploads its revision
        page = dep.get(base).text
        assert "绩效目标不够具体" in page and 'id="revision-form"' in page
        goal_comment = p["comments"][0]["id"]
        assert _post(dep, base + "/comment", body="已改写目标", parent_id=str(goal_comment)).status_code == 303
        source = SAMPLES[0].read_text("utf-8")
        name = project["name"]
        old_total = f"{project['total']:.2f}"
        assert old_total in source and ind_drop["name"] in source
        revised = source.replace(old_total, "999.00", 1).replace(ind_drop["name"], "新的指标名称", 1)
        r = dep.post(base + "/revision", data={"csrf": dep.cookies.get("jixiao_csrf")},
                     files={"file": ("修改稿.txt", revised.encode())}, follow_redirects=False)
        assert r.status_code == 303, r.text
        new_id = int(r.headers["location"].rsplit("/", 1)[1])
        nv = _review(rev, new_id)
        assert nv["document"]["version"] == 2 and nv["previous_id"] == 1 and nv["review"]["state"] == "pending"
        changed = {x["name"]: x for x in nv["diff"]["projects"]}
        assert any(a["field"] == "总计" and a["new"] == 999.0 for a in changed[name]["amounts"])
        assert {i["status"] for i in changed[name]["indicators"]} >= {"added", "removed"}
        carried = next(x for x in nv["projects"] if x["name"] == name)["comments"]
        # three of four open comments still have their place; the one on the removed indicator has none
        assert sorted(c["body"] for c in carried) == ["原文此处", "指标值偏低", "绩效目标不够具体"]
        assert all(c["carried_from"] for c in carried)
        assert "与上一版" in rev.get(f"/review/documents/{new_id}").text
        assert _post(rev, f"/review/documents/{new_id}/verdict", project_id=next(
            x["id"] for x in nv["projects"] if x["name"] == name), verdict="通过").status_code == 303
        assert _post(rev, f"/review/documents/{new_id}/state", to="passed").status_code == 303
        assert _review(rev, new_id)["review"]["state"] == "passed"
    actions = [a for _u, a, d, _v in audit(engine) if d in (1, new_id)]
    for a in ("finding_accepted", "finding_dismissed", "finding_edited", "comment", "verdict", "state", "answer",
              "upload", "revision"):
        assert a in actions, a


def test_queue_by_department_and_deadline_assign_filters_and_bulk_accept(team):
    app, engine, _token = team
    with client(app) as rev, client(app) as dep:
        assert login(rev, "rev").status_code == 303 and login(dep, "dep1").status_code == 303
        assert _post(rev, "/review/documents/2/assign", assignee="rev", deadline="2026-03-31").status_code == 303
        assert _post(rev, "/review/documents/1/assign", deadline="31/03/2026").status_code == 400
        q = rev.get("/api/v1/review").json()
        assert [x["id"] for x in q["items"]] == sorted([1, 2], key=lambda i: next(
            x["department"] for x in q["items"] if x["id"] == i))
        assert [x["id"] for x in rev.get("/api/v1/review?assignee=rev").json()["items"]] == [2]
        assert [x["id"] for x in dep.get("/api/v1/review").json()["items"]] == [1]  # its own only
        assert dep.get("/review/documents/2").status_code == 404
        rule = q["undecided_by_rule"][0]["rule"]
        before = sum(x["undecided"] for x in q["items"])
        r = _post(rev, "/review/bulk-accept", rule=rule)
        assert r.status_code == 303 and "accepted=" in r.headers["location"]
        after = rev.get("/api/v1/review").json()
        assert sum(x["undecided"] for x in after["items"]) == before - q["undecided_by_rule"][0]["count"]
        assert rule not in {x["rule"] for x in after["undecided_by_rule"]}
        assert _post(dep, "/review/bulk-accept", rule=rule).status_code == 403
        assert {x["state"] for x in after["items"]} == {"in_review"}
        assert [x["id"] for x in rev.get("/api/v1/review?state=pending").json()["items"]] == []


# -- the 审核意见 (part 4) -----------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages)


def docx_text(data: bytes) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def test_opinion_holds_what_the_reviewer_accepted_and_wrote_as_docx_and_pdf(team):
    app, _engine, _token = team
    with client(app) as rev, client(app) as dep:
        assert login(rev, "rev").status_code == 303 and login(dep, "dep1").status_code == 303
        rv = _review(rev, 1)
        project = next(p for p in rv["projects"] if len(p["findings"]) >= 3)
        f1, f2, f3 = project["findings"][:3]
        base = "/review/documents/1"
        _post(rev, base + "/decide", finding_id=f1["id"], decision="accepted")
        _post(rev, base + "/decide", finding_id=f2["id"], decision="dismissed", reason="不适用")
        _post(rev, base + "/decide", finding_id=f3["id"], decision="edited", message="请量化满意度指标的目标值")
        _post(rev, base + "/comment", body="请补充时效指标", project_id=project["id"], anchor_kind="field",
              anchor="goal")
        _post(rev, base + "/verdict", project_id=project["id"], verdict="修改后通过", reason="指标需量化")
        for fmt, read in (("docx", docx_text), ("pdf", pdf_text)):
            r = dep.get(f"{base}/opinion?format={fmt}")  # the department downloads its own
            assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment")
            text = read(r.content).replace(" ", "")
            for want in ("项目支出绩效目标审核意见", "总体意见", "修改后通过", "指标需量化", "存在问题", "修改建议",
                         "请补充时效指标", "请量化满意度指标的目标值", f1["message"][:12].replace(" ", "")):
                assert want in text, (fmt, want)
            assert f2["message"][:20].replace(" ", "") not in text  # dismissed: not in the opinion
            assert f3["message"][:20].replace(" ", "") not in text  # edited: its new words only
            assert any(cat in text for cat in ("完整性", "相关性", "适当性", "可行性"))
        assert f'href="{base}/opinion?format=pdf"' in dep.get("/documents/1").text  # from the document page too
        op = rev.get("/api/v1/review/documents/1/opinion").json()
        assert [p["name"] for p in op["projects"]] == [project["name"]]
        _post(rev, base + "/state", to="returned", note="见审核意见")
        s = rev.get("/api/v1/review/summary").json()
        assert s["documents"] == 2 and s["states"]["已退回"] == 1 and s["states"]["待审核"] == 1
        assert s["verdicts"] == {"修改后通过": 1} and sum(t["count"] for t in s["top_problems"]) == 2
        text = pdf_text(rev.get("/review/summary?format=pdf").content).replace(" ", "")
        assert "绩效目标审核情况汇总" in text and "已退回1" in text
        import pdfplumber

        with pdfplumber.open(io.BytesIO(rev.get("/review/summary?format=pdf").content)) as pdf:
            assert len(pdf.pages) == 1
        assert dep.get("/api/v1/review/summary").status_code == 403
        assert dep.get("/review/documents/2/opinion?format=pdf").status_code == 404


def test_review_forms_refuse_a_missing_or_foreign_csrf_token_and_the_api_takes_json_with_a_token(team):
    app, engine, token = team
    with client(app) as rev, client(app) as other, client(app) as dep:
        assert login(rev, "rev").status_code == 303 and login(dep, "dep1").status_code == 303
        other.get("/login")  # another browser's form token
        rv = _review(rev, 1)
        fid, pid = rv["findings"][0]["id"], rv["projects"][0]["id"]
        base = "/review/documents/1"
        for path, data in ((base + "/decide", {"finding_id": fid, "decision": "accepted"}),
                           (base + "/comment", {"body": "x"}), (base + "/state", {"to": "passed"}),
                           (base + "/verdict", {"project_id": pid, "verdict": "通过"})):
            assert rev.post(path, data=data, follow_redirects=False).status_code == 403, path
            foreign = {**data, "csrf": other.cookies.get("jixiao_csrf")}
            assert rev.post(path, data=foreign, follow_redirects=False).status_code == 403, path
        assert _review(rev, 1)["review"]["state"] == "pending"  # none of it happened
        h = {"Authorization": f"Bearer {token}"}
        with client(app) as api:
            assert api.post("/api/v1/review/documents/D1/decisions", headers=h,
                            json={"finding_id": fid, "decision": "dismissed"}).status_code == 400  # no reason
            assert api.post("/api/v1/review/documents/D1/decisions", headers=h,
                            json={"finding_id": fid, "decision": "dismissed", "reason": "不适用"}).json()["ok"]
            r = api.post("/api/v1/review/documents/1/comments", headers=h,
                         json={"body": "请补充", "project_id": pid, "anchor_kind": "field", "anchor": "goal"})
            assert r.status_code == 201
            assert api.post("/api/v1/review/documents/1/verdicts", headers=h,
                            json={"project_id": pid, "verdict": "通过"}).json()["ok"]
            assert api.post("/api/v1/review/documents/1/assign", headers=h,
                            json={"assignee": "rev", "deadline": "2026-04-01"}).json()["ok"]
            assert api.post("/api/v1/review/documents/1/state", headers=h, json={"to": "passed"}).json()["ok"]
            assert api.post("/api/v1/review/documents/1/state", json={"to": "returned"}).status_code == 401
        assert _review(rev, 1)["review"]["state"] == "passed"
        # a department, through the API: no decisions; nothing on another department's document
        assert dep.post("/api/v1/review/documents/1/decisions",
                        json={"finding_id": fid, "decision": "accepted"}).status_code == 403
        assert dep.post("/api/v1/review/documents/2/comments", json={"body": "x", "parent_id": 1}).status_code == 404
        assert dep.get("/api/v1/review/documents/2").status_code == 404
        comment = r.json()["id"]
        assert dep.post("/api/v1/review/documents/1/comments", json={"body": "已补充", "parent_id": comment}
                        ).status_code == 201
    log = audit(engine)
    assert ("rev", "finding_dismissed", 1, 1) in log and ("dep1", "answer", 1, 1) in log
