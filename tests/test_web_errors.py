"""No path or stack in any error (issue 18, the web server under attack): an exception nobody
expected, raised with a server path in its message, is a 500 that names only its type — on the API
and on a page — with the security headers kept."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from jixiao.web import WebSettings, create_app

SECRET = "/srv/secret/jixiao-data/private.db"


@pytest.fixture
def failing(tmp_path):
    logging.getLogger("jixiao.web").setLevel(logging.CRITICAL)  # the log may name it; the answer not
    app = create_app(WebSettings(db=f"sqlite:///{tmp_path / 'x.db'}", spool_dir=str(tmp_path / "spool")))

    def boom() -> None:
        raise FileNotFoundError(2, "No such file or directory", SECRET)

    app.add_api_route("/api/v1/boom", boom)
    app.add_api_route("/boom", boom)
    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("path", ["/api/v1/boom", "/boom"])
def test_no_path_or_stack_in_an_internal_error(failing, path):
    r = failing.get(path)
    assert r.status_code == 500
    for leak in (SECRET, "secret", "Traceback", 'File "', ".py", "No such file"):
        assert leak not in r.text, leak
    assert "FileNotFoundError" in r.text and "内部错误" in r.text
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    if path.startswith("/api/"):
        assert r.json()["code"] == "internal"
