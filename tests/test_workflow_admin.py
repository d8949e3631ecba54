"""The admin's pages (accounts, tokens, the audit log) and the JSON sign-in, on SQLite and PostgreSQL.

Through the ASGI app with real argon2, signed cookies and the CSRF check, as tests/test_workflow.py.
"""

from __future__ import annotations

import re

from test_workflow import PASSWORD, audit, client, login, team  # noqa: F401  (team is a fixture)


def _post(c, path: str, **data):
    return c.post(path, data={"csrf": c.cookies.get("jixiao_csrf"), **data}, follow_redirects=False)


def test_admin_lists_adds_disables_enables_and_issues_tokens_and_every_change_is_logged(team):  # noqa: F811
    app, engine, _token = team
    with client(app) as boss:
        assert login(boss, "boss").status_code == 303
        page = boss.get("/admin/users")
        assert page.status_code == 200 and 'href="/admin/users"' in boss.get("/documents").text
        for name in ("rev", "dep1", "boss"):
            assert f'id="u-{name}"' in page.text
        assert "从未" in page.text  # rev and dep1 have never signed in
        # a new department account; without its department, a one-line error and no account
        r = _post(boss, "/admin/users", name="dep2", role="department", password=PASSWORD)
        assert r.status_code == 400 and "--department" in r.text and 'id="u-dep2"' not in r.text
        r = _post(boss, "/admin/users", name="dep2", role="department", password=PASSWORD, department="二部门")
        assert r.status_code == 303
        assert _post(boss, "/admin/users", name="dep2", role="reviewer", password=PASSWORD).status_code == 400
        with client(app) as dep2:
            assert login(dep2, "dep2").status_code == 303
            assert dep2.get("/api/v1/documents").json()["total"] == 0  # 二部门 has no document here
        row = boss.get("/admin/users").text.split('id="u-dep2"')[1].split("</tr>")[0]
        assert "二部门" in row and "从未" not in row  # its sign-in shows
        # a token, shown once, that works; revoked, it does not
        r = _post(boss, "/admin/users/dep2/token")
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        token = re.search(r"<code>(jxu_[\w-]+)</code>", r.text).group(1)
        assert token not in boss.get("/admin/users").text
        with client(app) as api:
            h = {"Authorization": f"Bearer {token}"}
            assert api.get("/api/v1/documents", headers=h).status_code == 200
            assert _post(boss, "/admin/users/dep2/revoke").status_code == 303
            assert api.get("/api/v1/documents", headers=h).status_code == 401
            # disabled: no sign-in; enabled again: the password works again
            assert _post(boss, "/admin/users/dep2/disable").status_code == 303
            with client(app) as dep2:
                assert login(dep2, "dep2").status_code == 401
                assert _post(boss, "/admin/users/dep2/enable").status_code == 303
                assert login(dep2, "dep2").status_code == 303
        assert _post(boss, "/admin/users/boss/disable").status_code == 400  # not oneself
        assert _post(boss, "/admin/users/nobody/disable").status_code == 404
        # the audit log, filtered by user and by document
        log = boss.get("/admin/audit?user=boss")
        assert log.status_code == 200
        for action in ("user_add", "user_token", "user_token_revoke", "user_disable", "user_enable"):
            assert f"<small>{action}</small></td>" in log.text, action
        assert "<td>登录 <small>login</small></td>" in log.text and ">dep2<" not in log.text.split('id="audit"')[1]
        assert boss.get("/admin/audit?document=D2").text.count("<tr>") == 1 + 1  # the head, and "no entries"
        assert boss.get("/admin/audit?document=P3").status_code == 400
        assert "password" not in str([e for e in audit(engine)])  # no password in the log
    actions = [(u, a) for u, a, _d, _v in audit(engine)]
    for a in ("user_add", "user_token", "user_token_revoke", "user_disable", "user_enable"):
        assert ("boss", a) in actions


def test_admin_pages_refuse_reviewers_departments_and_forged_forms(team):  # noqa: F811
    app, engine, _token = team
    with client(app) as rev, client(app) as dep, client(app) as boss, client(app) as other:
        assert login(rev, "rev").status_code == 303 and login(dep, "dep1").status_code == 303
        assert login(boss, "boss").status_code == 303
        other.get("/login")  # another browser's form token
        for path in ("/admin/users", "/admin/audit"):
            assert rev.get(path).status_code == 403, path
            assert dep.get(path).status_code == 403, path
        assert 'href="/admin/users"' not in rev.get("/documents").text
        assert _post(rev, "/admin/users", name="x1", role="admin", password=PASSWORD).status_code == 403
        assert _post(dep, "/admin/users/rev/disable").status_code == 403
        assert _post(rev, "/admin/users/rev/token").status_code == 403
        before = len(audit(engine))
        forged = {"name": "mallory", "role": "admin", "password": PASSWORD}
        assert boss.post("/admin/users", data=forged, follow_redirects=False).status_code == 403
        assert boss.post("/admin/users", data={**forged, "csrf": other.cookies.get("jixiao_csrf")},
                         follow_redirects=False).status_code == 403
        for action in ("disable", "token", "revoke"):
            assert boss.post(f"/admin/users/rev/{action}", follow_redirects=False).status_code == 403, action
        assert 'id="u-mallory"' not in boss.get("/admin/users").text
        assert len(audit(engine)) == before  # none of it happened
        with client(app) as api:  # a reviewer's token reaches no admin page either
            assert api.get("/admin/users", headers={"Authorization": f"Bearer {_token}"}).status_code == 403


def test_without_accounts_there_is_no_admin_page(db_url, tmp_path):
    from jixiao.web import WebSettings, create_app

    with client(create_app(WebSettings(db=db_url, spool_dir=str(tmp_path / "s")))) as c:
        r = c.get("/admin/users")
        assert r.status_code == 404 and "jixiao user add" in r.text


# -- signing in and out with JSON; a revision through the API (part 2) ---------------------------------


def test_json_sign_in_sets_the_session_cookie_and_sign_out_ends_it(team):  # noqa: F811
    app, engine, _token = team
    with client(app) as c:
        assert c.get("/api/v1/session").status_code == 401
        r = c.post("/api/v1/session", json={"name": "dep1", "password": PASSWORD})
        assert r.status_code == 200, r.text
        assert r.json()["user"]["role"] == "department" and r.json()["user"]["department"]
        cookie = r.headers["set-cookie"]
        assert "jixiao_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert c.get("/api/v1/documents").json()["total"] == 1  # the department's own, through the cookie
        assert c.get("/documents/1").status_code == 200  # the same cookie the pages take
        assert c.get("/api/v1/session").json()["user"]["name"] == "dep1"
        signed = c.cookies.get("jixiao_session")
        r = c.delete("/api/v1/session")
        assert r.status_code == 200 and r.json()["ended"] and c.get("/api/v1/documents").status_code == 401
        c.cookies.set("jixiao_session", signed, domain="localhost.local")  # the old cookie, kept: the session is gone
        assert c.get("/api/v1/documents").status_code == 401
        # a form post (not JSON) signs no one in: another site's form cannot log a browser in
        r = c.post("/api/v1/session", data={"name": "dep1", "password": PASSWORD})
        assert r.status_code == 400 and "jixiao_session" not in r.headers.get("set-cookie", "")
    actions = [(u, a) for u, a, _d, _v in audit(engine)]
    assert ("dep1", "login") in actions and ("dep1", "logout") in actions
    assert "/api/v1/session" in app.openapi()["paths"]
    assert "post" in app.openapi()["paths"]["/api/v1/documents/{doc_id}/revisions"]


def test_json_sign_in_shares_the_page_sign_ins_rate_limit(team):  # noqa: F811
    app, _engine, _token = team
    with client(app) as c:
        for _ in range(3):
            assert login(c, "rev", "guess-guess").status_code == 401
        for _ in range(2):
            r = c.post("/api/v1/session", json={"name": "rev", "password": "guess-guess"})
            assert r.status_code == 401 and r.json()["code"] == "login_failed"
        r = c.post("/api/v1/session", json={"name": "rev", "password": PASSWORD})  # five failures: even the right one waits
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0 and "登录失败次数过多" in r.json()["error"]
        assert login(c, "rev").status_code == 429


def test_a_revision_through_the_api_by_the_department_or_a_reviewer(team):  # noqa: F811
    app, engine, token = team
    from test_workflow import SAMPLES

    source = SAMPLES[0].read_text("utf-8")
    total = next(p["total"] for p in client(app).get("/api/v1/review/documents/1",
                                                      headers={"Authorization": f"Bearer {token}"}).json()["projects"]
                 if p["total"])
    revised = source.replace(f"{total:.2f}", "888.00", 1)
    assert revised != source
    with client(app) as dep, client(app) as rev:
        assert dep.post("/api/v1/session", json={"name": "dep1", "password": PASSWORD}).status_code == 200
        assert dep.post("/api/v1/documents/2/revisions", files={"file": ("x.txt", b"x")}).status_code == 404
        r = dep.post("/api/v1/documents/D1/revisions", files={"file": ("修改稿.txt", revised.encode())})
        assert r.status_code == 201, r.text
        new = r.json()
        assert new["previous_id"] == 1 and new["version"] == 2 and new["document_id"] != 1
        again = dep.post("/api/v1/documents/1/revisions", files={"file": ("修改稿.txt", revised.encode())})
        assert again.status_code == 400  # D1 is no longer the latest version
        same = dep.post(f"/api/v1/documents/{new['document_id']}/revisions",
                        files={"file": ("修改稿.txt", revised.encode())})
        assert same.status_code == 400 and "相同" in same.json()["error"]  # the same bytes: no new version
        assert dep.post(f"/api/v1/documents/{new['document_id']}/revisions").status_code == 400  # no file
        h = {"Authorization": f"Bearer {token}"}  # a reviewer, with its token
        r = rev.post(f"/api/v1/documents/{new['document_id']}/revisions", headers=h,
                     files={"file": ("修改稿.txt", revised.replace("888.00", "777.00", 1).encode())})
        assert r.status_code == 201 and r.json()["version"] == 3
        assert rev.post("/api/v1/documents/2/revisions", files={"file": ("x.txt", b"x")}).status_code == 401
    log = [(u, a) for u, a, d, _v in audit(engine) if d == new["document_id"]]
    assert ("dep1", "upload") in log and ("dep1", "revision") in log


# -- the revision beside the old version (part 3) ------------------------------------------------------


def test_the_revision_opens_beside_the_old_one_aligned_by_project_and_indicator(team):  # noqa: F811
    app, _engine, token = team
    from test_workflow import SAMPLES

    h = {"Authorization": f"Bearer {token}"}
    with client(app) as rev:
        old = rev.get("/api/v1/review/documents/1", headers=h).json()
        assert old["side_by_side"] is None  # a first version has nothing beside it
        project = old["projects"][2]  # as in test_workflow: its total and last indicator are on one line each
        source = SAMPLES[0].read_text("utf-8")
        gone = project["indicators"][-1]["name"]
        assert f"{project['total']:.2f}" in source and gone in source
        revised = source.replace(f"{project['total']:.2f}", "999.00", 1).replace(gone, "新的指标名称", 1)
        r = rev.post("/api/v1/documents/1/revisions", headers=h, files={"file": ("修改稿.txt", revised.encode())})
        assert r.status_code == 201, r.text
        new_id = r.json()["document_id"]
        sv = rev.get(f"/api/v1/review/documents/{new_id}", headers=h).json()["side_by_side"]
        by_name = {p["name"]: p for p in sv["projects"]}
        assert set(by_name) == {p["name"] for p in old["projects"]}  # every project, changed or not
        p = by_name[project["name"]]
        assert p["status"] == "changed" and p["old_id"] == project["id"] and p["new_id"] != project["id"]
        rows = {(r["kind"], r["label"]): r for r in p["rows"]}
        total = rows[("amount", "总计")]
        assert (total["old"], total["new"], total["status"]) == (project["total"], 999.0, "changed")
        assert rows[("goal", "绩效目标")]["status"] == "same"
        added = [r for r in p["rows"] if r["status"] == "added"]
        removed = [r for r in p["rows"] if r["status"] == "removed"]
        assert [r["label"].rsplit("／", 1)[1] for r in added] == ["新的指标名称"] and added[0]["old"] is None
        assert [r["label"].rsplit("／", 1)[1] for r in removed] == [gone] and removed[0]["new"] is None
        assert p["changed"] == 3  # the total, one indicator added, one removed
        others = [x for x in sv["projects"] if x["name"] != project["name"]]
        assert others and all(x["status"] == "same" and x["changed"] == 0 for x in others)
        assert sv["changed"] == 1
        page = rev.get(f"/review/documents/{new_id}", headers=h).text
        section = page.split('id="side-by-side"')[1].split("</section>")[0]
        assert section.count("<details") == len(sv["projects"]) and section.count(" open>") == 1
        assert section.count("cell-changed") == 2 * 3 and "999.00" in section and "新的指标名称" in section
        assert 'id="diff"' in page  # the diff table stays
