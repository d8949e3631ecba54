"""Signing in and out with JSON, and a revision uploaded through the API (for scripts and other front ends).

``POST /api/v1/session`` sets the same signed, HttpOnly session cookie as the sign-in page and counts
against the same rate limit (the one :class:`jixiao.web.auth.LoginLimiter` of the app), so trying
passwords on both doors is no faster than on one. It takes a JSON body only: a form on another site
can post ``text/plain`` or form data but not ``application/json`` without the CORS preflight this
server never answers, so it needs no form token (as the review's JSON API).
"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile
from itsdangerous import BadSignature
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse, Response

from ..errors import UsageError
from ..workflow import accounts as A
from ..workflow.audit import record
from .auth import SESSION_COOKIE, _serializer, set_session
from .auth import sign_in as _sign_in
from .deps import check_token
from .ids import DocId

__all__ = ["session_api"]

session_api = APIRouter(prefix="/api/v1")


class SignIn(BaseModel):
    name: str = Field(max_length=64)
    password: str = Field(max_length=1024)  # argon2 takes any length; a megabyte of it is a way to burn CPU


def _who(user: A.User) -> dict[str, Any]:
    return {"name": user.name, "role": user.role, "role_label": A.ROLES.get(user.role), "department": user.department}


def _no_accounts(request: Request) -> None:
    if not getattr(request.state, "accounts", False):
        raise UsageError("这个数据库没有账号，无需登录 / this database has no accounts: there is nothing to sign in to",
                         code="invalid")


@session_api.post("/session", summary="登录（JSON：name、password），设置会话 Cookie / sign in",
                  responses={401: {"description": "用户名或密码不对"}, 429: {"description": "失败次数过多"}})
def sign_in(request: Request, body: SignIn) -> Response:
    from .app import error_response

    _no_accounts(request)
    signed_in = _sign_in(request, body.name, body.password, via="api")
    if isinstance(signed_in, Response):
        return signed_in
    if signed_in is None:
        return error_response(request, 401, "用户名或密码不对，或账号已停用 / wrong name or password, or the account "
                              "is disabled", "login_failed")
    user, sid = signed_in
    return set_session(request, JSONResponse({"ok": True, "user": _who(user), "expires_in": A.SESSION_DAYS * 86400}),
                       sid)


@session_api.get("/session", summary="当前登录的用户 / who is signed in")
def who(request: Request) -> Any:
    from .app import error_response

    user = getattr(request.state, "user", None)
    if user is None:
        return error_response(request, 401, "未登录 / not signed in", "login_required")
    return {"ok": True, "accounts": bool(getattr(request.state, "accounts", False)), "user": _who(user)}


@session_api.delete("/session", summary="退出登录：结束会话，删除 Cookie / sign out")
def sign_out(request: Request) -> Response:
    signed = request.cookies.get(SESSION_COOKIE)
    ended = False
    if signed:
        with contextlib.suppress(BadSignature):
            A.end_session(request.app.state.engine, _serializer(request).loads(signed))
            ended = True
    user = getattr(request.state, "user", None)
    if ended and user is not None and not user.is_local:
        record(request.app.state.engine, user, "logout", via="api")
    response = JSONResponse({"ok": True, "ended": ended})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@session_api.post("/documents/{doc_id}/revisions", status_code=201,
                  summary="上传修改稿：同一文件的下一版，未结意见带入新版 / upload a revision")
async def upload_revision(request: Request, doc_id: DocId, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """By the department of the document (the gate hides other departments' documents), a reviewer or an admin."""
    from .review_pages import revise

    check_token(request)  # without accounts, off loopback: the server's write token, as any upload
    return {"ok": True, **await revise(request, doc_id, file)}
