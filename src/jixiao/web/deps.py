"""What handlers share: a database connection per request, and the write-token check."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from sqlalchemy import Connection
from starlette.requests import Request

from ..errors import UsageError
from .settings import WebSettings

__all__ = ["check_token", "connection", "settings_of"]


def connection(request: Request) -> Iterator[Connection]:
    with request.app.state.engine.connect() as conn:
        yield conn


def settings_of(request: Request) -> WebSettings:
    return request.app.state.settings


def check_token(request: Request, supplied: str | None = None) -> None:
    """Off loopback, a write needs the server's token: ``Authorization: Bearer …``, ``X-Jixiao-Token``,
    or (from a page's form) a ``token`` field passed in as ``supplied``."""
    settings = settings_of(request)
    if not settings.token_required:
        return
    auth = request.headers.get("authorization", "")
    given = (auth[7:] if auth[:7].lower() == "bearer " else None) or request.headers.get("x-jixiao-token") \
        or supplied
    if not given or not settings.token or not secrets.compare_digest(given.encode(), settings.token.encode()):
        raise UsageError("需要写入令牌：服务器不只监听本机，上传和删除须提供 jixiao serve 打印的令牌 / "
                         "a write token is needed: this server listens beyond loopback; give the token "
                         "jixiao serve printed", code="bad_token")
