"""The admin's pages for a team server: accounts (add, disable/enable, API tokens) and the audit log.

Only an admin reaches them (a department account is refused by the gate, a reviewer here). Every
form carries the CSRF token; every change is written to the audit log in the same transaction's
wake, like the command line's ``jixiao user``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy import Connection, func, select
from starlette.responses import RedirectResponse, Response

from ..errors import UsageError
from ..store.query import parse_ref
from ..store.workflow_schema import AuditRow
from ..workflow import accounts as A
from ..workflow.audit import entries, record
from .auth import current_user
from .deps import check_csrf, connection

__all__ = ["admin_pages"]

admin_pages = APIRouter(include_in_schema=False)
Conn = Annotated[Connection, Depends(connection)]
Csrf = Annotated[str | None, Form()]


#: what an audit entry's action means, in Chinese first; the code stays beside it (it is what the CLI and
#: the database show). An action not listed shows its code alone.
ACTIONS = {
    "login": "登录", "logout": "退出", "import": "导入（命令行）", "upload": "上传", "revision": "上传修改稿",
    "delete": "删除文档", "set_given": "填写年度/部门", "finding_accepted": "采纳审核发现",
    "finding_dismissed": "不采纳审核发现", "finding_edited": "修改审核发现", "bulk_accept": "批量采纳",
    "comment": "意见", "answer": "答复", "comment_resolved": "意见已解决", "verdict": "项目结论",
    "state": "审核状态", "assign": "分配", "user_add": "添加账号", "user_disable": "停用账号",
    "user_enable": "启用账号", "user_token": "发放令牌", "user_token_revoke": "吊销令牌",
}


def _admin(request: Request) -> A.User:
    user = current_user(request)
    if not getattr(request.state, "accounts", False):  # adding a first account here could lock the local user out
        raise UsageError("还没有账号：请先用命令行 jixiao user add NAME --role admin 添加管理员 / no accounts yet: "
                         "add an admin with jixiao user add first", code="not_found")
    if user.role != "admin":
        raise UsageError("只有管理员可以管理账号 / only an admin manages accounts", code="forbidden")
    return user


def _users(conn: Connection) -> list[dict]:
    """The accounts, with their last sign-in (from the audit log: no column to keep in step)."""
    last = dict(conn.execute(select(AuditRow.user_id, func.max(AuditRow.at)).where(AuditRow.action == "login")
                             .group_by(AuditRow.user_id)).all())
    return [{**u, "last_login": last.get(u["id"])} for u in A.list_users(conn)]


def _page(request: Request, conn: Connection, *, new_token: tuple[str, str] | None = None,
          error: str | None = None, status: int = 200) -> Response:
    from .pages import render

    return render(request, "admin_users.html", {"users": _users(conn), "roles": A.ROLES, "new_token": new_token,
                                                "error": error}, twin=None, status=status, me=current_user(request))


@admin_pages.get("/admin/users")
def users_page(request: Request, conn: Conn) -> Response:
    _admin(request)
    return _page(request, conn)


@admin_pages.post("/admin/users")
def add(request: Request, conn: Conn, name: Annotated[str, Form()], role: Annotated[str, Form()],
        password: Annotated[str, Form()], department: Annotated[str | None, Form()] = None,
        csrf: Csrf = None) -> Response:
    admin = _admin(request)
    check_csrf(request, csrf)
    engine = request.app.state.engine
    try:
        user = A.add_user(engine, name.strip(), role, password, department=department or None)
    except UsageError as e:  # shown above the form, which keeps what was typed but the password
        return _page(request, conn, error=str(e), status=400)
    record(engine, admin, "user_add", name=user.name, role=user.role, department=user.department)
    return RedirectResponse("/admin/users", status_code=303)


@admin_pages.post("/admin/users/{name}/disable")
def disable(request: Request, name: str, csrf: Csrf = None) -> Response:
    admin = _admin(request)
    check_csrf(request, csrf)
    if name == admin.name:  # the last way in would go with it
        raise UsageError("不能停用自己的账号 / you cannot disable your own account", code="invalid")
    A.disable_user(request.app.state.engine, name)
    record(request.app.state.engine, admin, "user_disable", name=name)
    return RedirectResponse("/admin/users", status_code=303)


@admin_pages.post("/admin/users/{name}/enable")
def enable(request: Request, name: str, csrf: Csrf = None) -> Response:
    admin = _admin(request)
    check_csrf(request, csrf)
    A.enable_user(request.app.state.engine, name)
    record(request.app.state.engine, admin, "user_enable", name=name)
    return RedirectResponse("/admin/users", status_code=303)


@admin_pages.post("/admin/users/{name}/token")
def token(request: Request, conn: Conn, name: str, csrf: Csrf = None) -> Response:
    """A new token, shown on this response only (it is stored as its hash): not a redirect."""
    admin = _admin(request)
    check_csrf(request, csrf)
    value = A.issue_token(request.app.state.engine, name)
    record(request.app.state.engine, admin, "user_token", name=name)
    response = _page(request, conn, new_token=(name, value))
    response.headers["Cache-Control"] = "no-store"
    return response


@admin_pages.post("/admin/users/{name}/revoke")
def revoke(request: Request, name: str, csrf: Csrf = None) -> Response:
    admin = _admin(request)
    check_csrf(request, csrf)
    if A.revoke_token(request.app.state.engine, name):
        record(request.app.state.engine, admin, "user_token_revoke", name=name)
    return RedirectResponse("/admin/users", status_code=303)


@admin_pages.get("/admin/audit")
def audit_page(request: Request, conn: Conn, user: str | None = None, document: str | None = None,
               limit: int = 500) -> Response:
    from .pages import render

    _admin(request)
    ref = parse_ref(document) if document and document.strip() else None
    if ref is not None and ref.kind != "document":
        raise UsageError(f"文档编号应为 D12 或 12：{document} / a document is D12 or 12", code="invalid")
    doc_id = ref.id if ref is not None else None
    rows = entries(conn, document_id=doc_id, user=(user or "").strip() or None, limit=max(1, min(limit, 5000)))
    filters = {"user": user or "", "document": document or ""}
    return render(request, "admin_audit.html", {"entries": rows, "filters": filters, "actions": ACTIONS},
                  twin=None, me=current_user(request))
