"""What handlers share: a database connection per request, and the write-token check."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

from sqlalchemy import Connection
from starlette.requests import Request

from ..errors import UsageError
from .settings import WebSettings

__all__ = ["CSRF_COOKIE", "check_csrf", "check_token", "connection", "csrf_token", "settings_of"]

#: the cookie holding a browser's form token: a page's forms carry its value back, which another
#: site can neither read nor set (double-submit; SameSite=Strict keeps it off cross-site requests)
CSRF_COOKIE = "jixiao_csrf"


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
    user = getattr(request.state, "user", None)
    if user is not None and user.id is not None:  # a signed-in account (session or its own token) is enough
        return
    auth = request.headers.get("authorization", "")
    given = (auth[7:] if auth[:7].lower() == "bearer " else None) or request.headers.get("x-jixiao-token") \
        or supplied
    if not given or not settings.token or not secrets.compare_digest(given.encode(), settings.token.encode()):
        raise UsageError("需要写入令牌：服务器不只监听本机，上传和删除须提供 jixiao serve 打印的令牌 / "
                         "a write token is needed: this server listens beyond loopback; give the token "
                         "jixiao serve printed", code="bad_token")


def csrf_token(request: Request) -> tuple[str, bool]:
    """This browser's form token, and whether it is new (the page sets the cookie)."""
    known = request.cookies.get(CSRF_COOKIE, "")
    return (known, False) if len(known) >= 16 else (secrets.token_urlsafe(18), True)


def check_csrf(request: Request, supplied: str | None) -> None:
    """A page's form post must carry the token of the cookie its page set: a form on another site
    cannot know it, whatever the browser sends as Origin."""
    known = request.cookies.get(CSRF_COOKIE, "")
    if not known or not supplied or not secrets.compare_digest(known.encode(), supplied.encode()):
        raise UsageError("表单已过期或来自别的网站：请刷新页面再提交 / the form has expired or came from "
                         "another site: reload the page and submit it again", code="forbidden")
