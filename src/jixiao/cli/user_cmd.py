"""``jixiao user add/list/disable/token``: the accounts of a team server.

The first account turns sign-in on for ``jixiao serve`` on that database;
with none, the server is used as before by one local user.
"""

from __future__ import annotations

import typer

from .common import out, reports_errors
from .lazy_rich import Table, Text
from .store_common import check_format, db_option, json_option, print_json

__all__ = ["user_app"]

user_app = typer.Typer(help="账号与角色（审核人、部门、管理员）/ accounts and roles", no_args_is_help=True,
                       rich_markup_mode=None)


@user_app.command("add")
@reports_errors
def add(
    name: str = typer.Argument(..., help="用户名 / user name"),
    role: str = typer.Option(..., "--role", "-r", help="reviewer 审核人 | department 部门 | admin 管理员"),
    department: str | None = typer.Option(None, "--department", "-d",
                                          help="部门账号的部门（只能看到该部门的文档）/ the department's name"),
    password: str = typer.Option(..., "--password", prompt="密码 password", hide_input=True,
                                 confirmation_prompt=True, help="至少 8 个字符；省略则提示输入 / prompted if left out"),
    token: bool = typer.Option(False, "--token", help="同时生成 API 令牌（只显示这一次）/ also make an API token"),
    db: str | None = db_option(),
) -> None:
    """新建账号 / add an account."""
    from ..store import open_store
    from ..workflow.accounts import add_user, issue_token
    from ..workflow.audit import cli_user, record

    engine = open_store(db)
    user = add_user(engine, name, role, password, department=department)
    record(engine, cli_user(), "user_add", name=user.name, role=user.role, department=user.department)
    out.print(Text(f"已添加 added: {user.name}（{user.role}{' · ' + user.department if user.department else ''}）"))
    if token:
        out.print(Text(f"API 令牌 token（只显示这一次 / shown once）: {issue_token(engine, name)}"))
        record(engine, cli_user(), "user_token", name=user.name)


@user_app.command("list")
@reports_errors
def list_(db: str | None = db_option(), fmt: str = json_option()) -> None:
    """列出账号 / list the accounts."""
    from ..store import open_store
    from ..workflow.accounts import ROLES, list_users

    check_format(fmt)
    with open_store(db).connect() as conn:
        users = list_users(conn)
    if fmt == "json":
        print_json(users)
        return
    t = Table(title=f"账号 accounts ({len(users)})", title_justify="left")
    for col in ("用户 user", "角色 role", "部门 department", "令牌 token", "状态 state"):
        t.add_column(col)
    for u in users:
        t.add_row(Text(u["name"]), f"{ROLES[u['role']]} {u['role']}", Text(u["department"] or ""),
                  "有 yes" if u["has_token"] else "", "停用 disabled" if u["disabled"] else "启用 enabled")
    out.print(t)


@user_app.command("disable")
@reports_errors
def disable(name: str = typer.Argument(..., help="用户名 / user name"), db: str | None = db_option()) -> None:
    """停用账号：不能再登录，令牌失效，已登录的会话立即结束 / disable an account."""
    from ..store import open_store
    from ..workflow.accounts import disable_user
    from ..workflow.audit import cli_user, record

    engine = open_store(db)
    user = disable_user(engine, name)
    record(engine, cli_user(), "user_disable", name=user.name)
    out.print(Text(f"已停用 disabled: {user.name}"))


@user_app.command("token")
@reports_errors
def token(name: str = typer.Argument(..., help="用户名 / user name"), db: str | None = db_option()) -> None:
    """生成新的 API 令牌（旧的失效）/ a new API token for the user (the old one stops working)."""
    from ..store import open_store
    from ..workflow.accounts import issue_token
    from ..workflow.audit import cli_user, record

    engine = open_store(db)
    value = issue_token(engine, name)
    record(engine, cli_user(), "user_token", name=name)
    out.print(Text(f"API 令牌 token（只显示这一次 / shown once）: {value}"))
