"""Accounts, roles, sessions and the audit log (issue 15), on SQLite and PostgreSQL, through the ASGI app.

Real argon2 hashing, real signed cookies, the real CSRF check: nothing here is mocked.
"""

from __future__ import annotations

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
