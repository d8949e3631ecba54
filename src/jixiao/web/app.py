"""The web application: JSON API under /api/v1, Chinese-first pages, static assets, one error shape.

``create_app`` builds it from :class:`WebSettings`; ``jixiao serve`` runs it
under uvicorn. Every page is drawn from the same data as its JSON twin (see
:mod:`jixiao.web.views`), and every error, JSON or HTML, is made by
:func:`error_response`.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
import time
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..errors import JixiaoError, UsageError
from .limits import ConcurrencyLimit, places
from .responses import JSONResponse, error_body
from .settings import WebSettings
from .uploads import discard_upload

__all__ = ["create_app", "error_response"]

HERE = Path(__file__).parent
log = logging.getLogger("jixiao.web")

_STATUS_OF_CODE = {"not_found": 404, "forbidden": 403, "too_large": 413, "bad_token": 401, "bad_host": 400,
                   "internal": 500}
# ReadError/ParseError: the request was fine, the file is not a table we can read
_UNPROCESSABLE = 422

_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def _wants_json(scope: Scope) -> bool:
    return scope.get("path", "").startswith("/api/") or scope.get("path") == "/openapi.json"


def error_response(request: Request, status: int, message: str, code: str) -> Response:
    """The error as ``{"ok": false, "status", "error", "code"}`` for the API, as a page for people."""
    if _wants_json(request.scope):
        return JSONResponse(error_body(status, message, code), status_code=status)
    from .pages import render_error

    return render_error(request, status, message, code)


def _status_of(e: JixiaoError) -> int:
    if e.code in _STATUS_OF_CODE:
        return _STATUS_OF_CODE[e.code]
    return 400 if isinstance(e, UsageError) else _UNPROCESSABLE


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path"))
        parts.append(f"{where}: {err.get('msg', '')}")
    return "参数不正确 / invalid parameters: " + "; ".join(parts)


class BodyLimit:
    """Refuses a request body over ``max_bytes`` before it is parsed: by its Content-Length, or,
    for a chunked body, as soon as the bytes read pass the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int, limit_bytes: int | None = None) -> None:
        # max_bytes: the whole body, the form's own bytes included; limit_bytes: the upload limit people set
        self.app, self.max_bytes, self.limit_bytes = app, max_bytes, limit_bytes or max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        limit_mb = self.limit_bytes / 1024 / 1024
        message = (f"文件太大：上传上限为 {limit_mb:g} MB / file too large: the upload limit is {limit_mb:g} MB")
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await error_response(Request(scope), 413, message, "too_large")(scope, receive, send)
            return
        seen = 0
        over = started = False

        async def counted() -> Message:
            nonlocal seen, over
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise _TooLarge
            return msg

        async def watch(msg: Message) -> None:
            nonlocal started
            if over:  # the app's answer to a body cut short (the form parser's 400) gives way to the 413
                return
            started = started or msg["type"] == "http.response.start"
            await send(msg)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, counted, watch)
        if over and not started:
            await error_response(Request(scope), 413, message, "too_large")(scope, receive, send)


class _TooLarge(Exception):
    pass


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _refusal(scope: Scope) -> tuple[int, str, str] | None:
    """Why a request is refused before it reaches a route, as (status, message, code), or None.

    A ``Host`` the server does not answer to is a page on another name resolving here (DNS
    rebinding). A write whose ``Origin`` is another site, or opaque (``null``: a sandboxed iframe, a
    ``data:`` page), or that the browser marks cross-site, is a forged form post (CSRF)."""
    headers = dict(scope["headers"])
    settings = scope["app"].state.settings
    host = headers.get(b"host", b"").decode("latin-1")
    if host and not settings.host_allowed(host):
        shown = _CONTROL.sub("?", host)[:100]
        return (400, f"不接受的主机名：{shown}（可用 --allowed-host 允许） / host not allowed: {shown} "
                     "(allow it with --allowed-host)", "bad_host")
    if scope["method"] in ("GET", "HEAD", "OPTIONS"):
        return None
    origin = headers.get(b"origin")
    cross = headers.get(b"sec-fetch-site") in (b"cross-site", b"same-site")
    if origin == b"null" or cross or (origin and origin.split(b"://", 1)[-1] != host.encode("latin-1")):
        return 403, "拒绝跨站请求 / cross-site request refused", "forbidden"
    return None


class WriteRateLimit:
    """At most ``per_minute`` writes (uploads, saves, deletes) a minute from one client address, with
    bursts up to that many: a script cannot keep the parser busy or fill the database. A token bucket
    per address, in this server process (each of ``--workers`` counts its own)."""

    _MAX_CLIENTS = 10_000  # addresses remembered before the idle ones are forgotten

    def __init__(self, app: ASGIApp, per_minute: int) -> None:
        self.app, self.per_minute = app, per_minute
        self.buckets: dict[str, tuple[float, float]] = {}  # address -> (tokens left, when counted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS") or self.per_minute <= 0:
            await self.app(scope, receive, send)
            return
        wait = self._take((scope.get("client") or ("?",))[0], time.monotonic())
        if wait:
            message = (f"写入过于频繁：每分钟最多 {self.per_minute} 次，请 {wait} 秒后再试 / too many writes: "
                       f"at most {self.per_minute} a minute; try again in {wait} s")
            response = error_response(Request(scope), 429, message, "rate_limited")
            response.headers["Retry-After"] = str(wait)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _take(self, client: str, now: float) -> int:
        """Take one write from ``client``'s bucket: 0, or the seconds until one is left."""
        rate = self.per_minute / 60
        tokens, then = self.buckets.get(client, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - then) * rate)
        if tokens < 1:
            self.buckets[client] = (tokens, now)
            return math.ceil((1 - tokens) / rate)
        self.buckets[client] = (tokens - 1, now)
        if len(self.buckets) > self._MAX_CLIENTS:  # forget addresses idle a minute: their buckets are full
            self.buckets = {c: b for c, b in self.buckets.items() if now - b[1] < 60}
        return 0


def security_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """No sniffing, no framing, no referrer to other sites; a page's content security policy."""
    extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
             (b"x-frame-options", b"DENY")]
    if not _wants_json(scope):
        extra.append((b"content-security-policy", _CSP.encode()))
    return extra


class SecurityHeaders:
    """No inline script or style, no framing, no sniffing; no request under a host name the server
    does not answer to (DNS rebinding), and no cross-site form posts (CSRF): a write whose Origin is
    another site or opaque is refused, token or not."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async def add_headers(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                msg["headers"] = list(msg.get("headers", [])) + security_headers(scope)
            await send(msg)

        refused = _refusal(scope)
        if refused is not None:
            await error_response(Request(scope), *refused)(scope, receive, add_headers)
            return
        await self.app(scope, receive, add_headers)


def create_app(settings: WebSettings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """The application over the database ``settings.db`` (created with the schema if new)."""
    from ..store import open_store
    from .api import api
    from .evaluations import eval_api, eval_pages
    from .pages import pages

    settings = settings or WebSettings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        # previews nobody saved: the spool is for the wait between preview and save, not for ever
        for sha in app.state.spooled:
            discard_upload(settings, sha)

    app = FastAPI(title="jixiao 绩效 API", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan,
                  openapi_url="/openapi.json", default_response_class=JSONResponse,
                  description="项目支出绩效目标：文档、项目、指标、检索、审核发现、统计与导出。"
                              "Every page of the web UI has a JSON twin here. Errors share one shape: "
                              '`{"ok": false, "status": 404, "error": "…", "code": "not_found"}`.')
    app.state.settings = settings
    app.state.spooled = set()  # SHA-256 of the uploads this process previewed on the import page
    app.state.engine = engine or open_store(settings.db, create=True)

    @app.exception_handler(JixiaoError)
    async def _jixiao_error(request: Request, e: JixiaoError) -> Response:
        return error_response(request, _status_of(e), e.message, e.code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, e: RequestValidationError) -> Response:
        return error_response(request, 400, _validation_message(e), "invalid")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException) -> Response:
        known = {404: "找不到这个地址 / not found", 405: "不支持这种请求方法 / method not allowed"}
        message = e.detail if isinstance(e.detail, str) and e.status_code not in known else known.get(
            e.status_code, str(e.detail))
        return error_response(request, e.status_code, message, "not_found" if e.status_code == 404 else "http")

    @app.exception_handler(Exception)
    async def _internal(request: Request, e: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        response = error_response(request, 500, f"内部错误 / internal error: {type(e).__name__}", "internal")
        # Starlette answers an unhandled exception outside every middleware: SecurityHeaders never sees it
        for name, value in security_headers(request.scope):
            response.headers[name.decode()] = value.decode()
        return response

    from .auth import AuthGate, LoginLimiter, auth_pages

    app.state.login_limiter = LoginLimiter()
    from .review_pages import review_api, review_pages

    app.include_router(auth_pages)
    app.include_router(review_api)
    app.include_router(review_pages)
    from .admin_pages import admin_pages  # accounts and the audit log, for an admin

    app.include_router(admin_pages)
    from .session_api import session_api  # JSON sign-in and out, revisions through the API

    app.include_router(session_api)
    app.include_router(api)
    app.include_router(eval_api)
    app.include_router(pages)
    app.include_router(eval_pages)
    from .peers_web import peers_api, peers_pages  # issue 14: suggestions, history, league

    app.include_router(peers_api)
    app.include_router(peers_pages)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # innermost: a request waits for a place (and so a connection) in the event loop, not in a thread
    app.add_middleware(ConcurrencyLimit, *places(app.state.engine))
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes + 64 * 1024,
                       limit_bytes=settings.max_upload_bytes)
    app.add_middleware(AuthGate)  # inside the refusals by host and origin, the size and rate limits
    app.add_middleware(WriteRateLimit, per_minute=settings.writes_per_minute)
    app.add_middleware(SecurityHeaders)  # outermost: refusals by host and origin come first
    return app
