"""Signing in, and who may see what: sessions, per-user API tokens, department scoping.

A database with no account: every request is the one local user, as before.
With accounts, every page and API call needs a session (the signed, HttpOnly,
SameSite cookie set at sign-in) or a per-user token (``Authorization: Bearer
jxu_…``). A department account reaches only its own documents and their
projects, and none of the views across documents (search, indicators,
findings, library, statistics): those would show other departments' tables.
"""

from __future__ import annotations

import contextlib
import math
import re
import time
from collections import deque
from typing import Annotated

from fastapi import APIRouter, Form, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import UsageError
from ..store.schema import DocumentRow, ProjectRow
from ..workflow import accounts as A
from ..workflow.audit import record
from .deps import check_csrf

__all__ = ["SESSION_COOKIE", "AuthGate", "LoginLimiter", "auth_pages", "current_user", "scope_documents"]

SESSION_COOKIE = "jixiao_session"
_OPEN = re.compile(r"^/(static/|login$|lang/|favicon|api/v1/session$)")  # the JSON sign-in (session_api)
# what a department account may reach: its documents (and their projects), uploads, its own reviews
_DEPARTMENT_PATHS = re.compile(
    r"^/(documents$|api$|documents/[^/]+(/[a-z_/]+)?$|projects/[^/]+$|import(/save)?$|logout$|review(/.*)?$|"
    r"api/v1(/documents(/[^/]+(/[a-z_/]+)?)?|/projects/[^/]+|/import|/rules|/review(/.*)?)?$)")
_DOCUMENT_REF = re.compile(r"^/(?:api/v1/)?(?:documents|review/documents)/([^/]+)")
_PROJECT_REF = re.compile(r"^/(?:api/v1/)?projects/([^/]+)$")
_ADMIN_ONLY = re.compile(r"^/(?:api/v1/)?documents/[^/]+(?:/delete)?$")


def _serializer(request_or_app) -> URLSafeTimedSerializer:
    app = getattr(request_or_app, "app", request_or_app)
    if getattr(app.state, "session_signer", None) is None:
        app.state.session_signer = URLSafeTimedSerializer(A.secret(app.state.engine), salt="jixiao-session")
    return app.state.session_signer


def current_user(request: Request) -> A.User:
    """Who is asking (set by :class:`AuthGate`); the local user where there are no accounts."""
    return getattr(request.state, "user", None) or A.LOCAL


def _resolve(app, headers: dict[bytes, bytes], cookies: str) -> tuple[A.User | None, bool]:
    """(the user, whether the database has accounts at all)."""
    engine = app.state.engine
    with engine.connect() as conn:
        if not A.has_accounts(conn):
            return A.LOCAL, False
        auth = headers.get(b"authorization", b"").decode("latin-1")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else headers.get(b"x-jixiao-token", b"").decode(
            "latin-1")
        if token.startswith(A.TOKEN_PREFIX):
            return A.user_by_token(conn, token), True
        signed = _cookie(cookies, SESSION_COOKIE)
        if signed:
            try:
                sid = _serializer(app).loads(signed, max_age=A.SESSION_DAYS * 86400)
            except BadSignature:
                return None, True
            return A.session_user(conn, sid), True
    return None, True


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        k, _, v = part.strip().partition("=")
        if k == name:
            return v.strip('"')
    return None


def _document_department(app, kind: str, ref: str) -> tuple[bool, str | None]:
    """(whether the document or project exists, its document's department)."""
    from ..store.query import is_row_id, parse_ref

    try:
        r = parse_ref(ref)
    except UsageError:
        return False, None
    if not is_row_id(r.id):
        return False, None
    with app.state.engine.connect() as conn:
        if kind == "project" or r.kind == "project":
            row = conn.execute(select(DocumentRow.department).join(ProjectRow, ProjectRow.document_id == DocumentRow.id)
                               .where(ProjectRow.id == r.id)).first()
        else:
            row = conn.execute(select(DocumentRow.department).where(DocumentRow.id == r.id)).first()
    return (row is not None), (row[0] if row is not None else None)


def _allowed(app, user: A.User, method: str, path: str) -> tuple[int, str, str] | None:
    """Why ``user`` may not make this request (status, message, code), or None."""
    if user.role == "admin":
        return None
    if user.role == "department":
        if not _DEPARTMENT_PATHS.match(path):
            return 403, "部门账号只能查看本部门的文档 / a department account sees only its own documents", "forbidden"
        for pattern, kind in ((_DOCUMENT_REF, "document"), (_PROJECT_REF, "project")):
            m = pattern.match(path)
            if m:
                found, department = _document_department(app, kind, m.group(1))
                if found and not user.sees(department):  # as if it were not there: its existence is not theirs
                    return 404, f"没有{'文档' if kind == 'document' else '项目'} {m.group(1)} / not found", "not_found"
    if method in ("POST", "DELETE") and _ADMIN_ONLY.match(path) and (method == "DELETE" or path.endswith("/delete")):
        return 403, "只有管理员可以删除文档 / only an admin deletes documents", "forbidden"
    return None


class AuthGate:
    """Sets ``request.state.user``; refuses what the user may not reach (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from .app import error_response

        app = scope["app"]
        path = scope["path"]
        headers = dict(scope["headers"])
        user, accounts = await run_in_threadpool(_resolve, app, headers, headers.get(b"cookie", b"").decode("latin-1"))
        scope.setdefault("state", {})["user"] = user
        scope["state"]["accounts"] = accounts
        if _OPEN.match(path) or path == "/openapi.json" and user is not None:
            await self.app(scope, receive, send)
            return
        if user is None:
            if path.startswith("/api/") or path == "/openapi.json":
                response = error_response(Request(scope), 401, "请先登录，或提供用户令牌 / sign in, or give your "
                                          "token (Authorization: Bearer jxu_…)", "login_required")
            else:
                from urllib.parse import quote

                query = scope.get("query_string", b"").decode("latin-1")
                response = RedirectResponse("/login?next=" + quote(path + ("?" + query if query else "")),
                                            status_code=303)
            await response(scope, receive, send)
            return
        if user.role == "department" and path == "/":  # the overview counts every department's tables
            await RedirectResponse("/documents", status_code=303)(scope, receive, send)
            return
        refused = await run_in_threadpool(_allowed, app, user, scope["method"], path)
        if refused is not None:
            await error_response(Request(scope), *refused)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def scope_documents(request: Request, items: list[dict]) -> list[dict]:
    """The documents of a listing this user may see: a department's own, everyone else's all."""
    user = current_user(request)
    return items if user.role != "department" else [d for d in items if user.sees(d.get("department"))]


class LoginLimiter:
    """At most ``tries`` failed sign-ins per ``window`` seconds, per client address and per user name:
    guessing passwords takes years, not minutes. In this server process."""

    def __init__(self, tries: int = 5, window: float = 900.0) -> None:
        self.tries, self.window = tries, window
        self.failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self.failures.setdefault(key, deque())
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def wait(self, keys: list[str], now: float | None = None) -> int:
        """Seconds until another try is allowed (0: now)."""
        now = time.monotonic() if now is None else now
        waits = [math.ceil(self.window - (now - q[0])) for k in keys if len(q := self._recent(k, now)) >= self.tries]
        return max(waits, default=0)

    def failed(self, keys: list[str], now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        for k in keys:
            self._recent(k, now).append(now)
        if len(self.failures) > 10_000:
            self.failures = {k: q for k, q in self.failures.items() if q and now - q[-1] < self.window}


auth_pages = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@auth_pages.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    from .pages import render

    return render(request, "login.html", {"next": _safe_next(next), "error": None}, twin=None)


@auth_pages.post("/login")
def login(request: Request, name: Annotated[str, Form()], password: Annotated[str, Form()],
          csrf: Annotated[str | None, Form()] = None, next: Annotated[str, Form()] = "/") -> Response:
    from .pages import render

    check_csrf(request, csrf)
    signed_in = sign_in(request, name, password)
    if isinstance(signed_in, Response):
        return signed_in
    if signed_in is None:
        return render(request, "login.html", {"next": _safe_next(next), "error": True, "name": name}, twin=None,
                      status=401)
    user, sid = signed_in
    return set_session(request, RedirectResponse(_safe_next(next), status_code=303), sid)


def sign_in(request: Request, name: str, password: str, **audit: str) -> tuple[A.User, str] | Response | None:
    """The page's and the API's sign-in: a 429 while the address or the name is locked out; None for a wrong
    name or password (counted against both); else the user and a new session id (always a new one: a
    session id planted before sign-in stays unknown), written to the audit log with ``audit``."""
    limiter: LoginLimiter = request.app.state.login_limiter
    name = name.strip()
    keys = ["ip:" + (request.client.host if request.client else "?"), "name:" + name.lower()]
    wait = limiter.wait(keys)
    if wait:
        from .app import error_response

        response = error_response(request, 429, f"登录失败次数过多，请 {wait} 秒后再试 / too many failed sign-ins; "
                                  f"try again in {wait} s", "rate_limited")
        response.headers["Retry-After"] = str(wait)
        return response
    engine = request.app.state.engine
    with engine.connect() as conn:
        user = A.authenticate(conn, name, password)
    if user is None:
        limiter.failed(keys)
        return None
    sid = A.new_session(engine, user)
    record(engine, user, "login", **audit)
    return user, sid


def set_session(request: Request, response: Response, sid: str) -> Response:
    """``response`` with the signed session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS."""
    response.set_cookie(SESSION_COOKIE, _serializer(request).dumps(sid), max_age=A.SESSION_DAYS * 86400,
                        httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/")
    return response


@auth_pages.post("/logout")
def logout(request: Request, csrf: Annotated[str | None, Form()] = None) -> Response:
    check_csrf(request, csrf)
    signed = request.cookies.get(SESSION_COOKIE)
    if signed:
        with contextlib.suppress(BadSignature):
            A.end_session(request.app.state.engine, _serializer(request).loads(signed))
    user = current_user(request)
    if not user.is_local:
        record(request.app.state.engine, user, "logout")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
