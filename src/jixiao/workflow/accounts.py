"""Accounts for a team server: reviewers, departments (who see only their own documents) and admins.

A database with no account is used as today: one local user, nothing to
sign in to. The first ``jixiao user add`` turns sign-in on for every page and
API call. Passwords are hashed with argon2id (argon2-cffi, its default
parameters); API tokens are random and stored as their SHA-256; sessions are
rows whose id only the signed cookie carries (see jixiao.web.auth).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import UsageError
from ..store.workflow_schema import SecretRow, SessionRow, UserRow

__all__ = ["ROLES", "SESSION_DAYS", "TOKEN_PREFIX", "User", "add_user", "authenticate", "disable_user",
           "enable_user", "end_session", "has_accounts", "issue_token", "list_users", "new_session", "revoke_token",
           "secret", "session_user", "user_by_token"]

ROLES = {"reviewer": "审核人", "department": "部门", "admin": "管理员"}
SESSION_DAYS = 7
#: per-user API tokens start with this, so a server's write token and a user's are told apart
TOKEN_PREFIX = "jxu_"
_NAME = re.compile(r"[\w.\-@]{1,64}")
_hasher = PasswordHasher()
#: checked against when the name is unknown, so a wrong name takes as long as a wrong password
_DUMMY = _hasher.hash("jixiao-no-such-user")


@dataclass(frozen=True)
class User:
    id: int | None
    name: str
    role: str
    department: str | None = None

    @property
    def is_local(self) -> bool:
        """The one local user of a database without accounts."""
        return self.id is None

    def can_review(self) -> bool:
        return self.role in ("reviewer", "admin")

    def sees(self, department: str | None) -> bool:
        """Whether this user may read and change a document of ``department``."""
        return self.role != "department" or (department is not None and department == self.department)


LOCAL = User(None, "local", "admin")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _user(r) -> User:
    return User(r.id, r.name, r.role, r.department)


def has_accounts(conn: Connection) -> bool:
    return conn.execute(select(func.count()).select_from(UserRow)).scalar_one() > 0


def add_user(engine: Engine, name: str, role: str, password: str, *, department: str | None = None) -> User:
    if not _NAME.fullmatch(name):
        raise UsageError("用户名只能用字母、数字、汉字和 . - _ @，最多 64 字 / a user name is letters, digits, . - _ @")
    if role not in ROLES:
        raise UsageError(f"角色应为 {' / '.join(ROLES)}：{role} / unknown role")
    if role == "department" and not (department and department.strip()):
        raise UsageError("部门账号须给出 --department（只能看到该部门的文档）/ a department account needs --department")
    if len(password) < 8:
        raise UsageError("密码至少 8 个字符 / the password must be at least 8 characters")
    try:
        with engine.begin() as conn:
            uid = conn.execute(insert(UserRow).values(
                name=name, role=role, department=department.strip() if department else None,
                password_hash=_hasher.hash(password), disabled=False, created_at=datetime.now(UTC))
                .returning(UserRow.id)).scalar_one()
    except IntegrityError:
        raise UsageError(f"用户已存在：{name} / the user exists") from None
    return User(uid, name, role, department.strip() if department else None)


def list_users(conn: Connection) -> list[dict]:
    return [dict(r._mapping) for r in conn.execute(
        select(UserRow.id, UserRow.name, UserRow.role, UserRow.department, UserRow.disabled, UserRow.created_at,
               UserRow.token_hash.is_not(None).label("has_token")).order_by(UserRow.id))]


def disable_user(engine: Engine, name: str) -> User:
    """No more sign-ins or token use; the user's sessions end now."""
    with engine.begin() as conn:
        r = conn.execute(select(UserRow.__table__).where(UserRow.name == name)).first()
        if r is None:
            raise UsageError(f"没有用户 {name} / no such user", code="not_found")
        conn.execute(update(UserRow).where(UserRow.id == r.id).values(disabled=True, token_hash=None))
        conn.execute(delete(SessionRow).where(SessionRow.user_id == r.id))
        return _user(r)


def enable_user(engine: Engine, name: str) -> User:
    """Sign-ins allowed again (the password is the one it had; no token: the old one was dropped)."""
    with engine.begin() as conn:
        r = conn.execute(select(UserRow.__table__).where(UserRow.name == name)).first()
        if r is None:
            raise UsageError(f"没有用户 {name} / no such user", code="not_found")
        conn.execute(update(UserRow).where(UserRow.id == r.id).values(disabled=False))
        return _user(r)


def revoke_token(engine: Engine, name: str) -> bool:
    """The user's API token stops working; whether there was one."""
    with engine.begin() as conn:
        r = conn.execute(select(UserRow.id, UserRow.token_hash).where(UserRow.name == name)).first()
        if r is None:
            raise UsageError(f"没有用户 {name} / no such user", code="not_found")
        conn.execute(update(UserRow).where(UserRow.id == r.id).values(token_hash=None))
        return r.token_hash is not None


def issue_token(engine: Engine, name: str) -> str:
    """A new API token for ``name`` (the old one stops working); shown once, stored as its SHA-256."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        n = conn.execute(update(UserRow).where(UserRow.name == name, UserRow.disabled.is_(False))
                         .values(token_hash=_sha(token))).rowcount
    if not n:
        raise UsageError(f"没有可用的用户 {name} / no enabled user of that name", code="not_found")
    return token


def user_by_token(conn: Connection, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    r = conn.execute(select(UserRow.__table__).where(UserRow.token_hash == _sha(token),
                                                     UserRow.disabled.is_(False))).first()
    return None if r is None else _user(r)


def authenticate(conn: Connection, name: str, password: str) -> User | None:
    r = conn.execute(select(UserRow.__table__).where(UserRow.name == name)).first()
    try:
        _hasher.verify(r.password_hash if r is not None else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if r is None or r.disabled:
        return None
    return _user(r)


def new_session(engine: Engine, user: User) -> str:
    """A fresh session for ``user``: its id (for the signed cookie); never one the browser brought."""
    sid = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(delete(SessionRow).where(SessionRow.expires_at < now))  # the expired ones go
        conn.execute(insert(SessionRow).values(id=_sha(sid), user_id=user.id, created_at=now,
                                               expires_at=now + timedelta(days=SESSION_DAYS)))
    return sid


def session_user(conn: Connection, sid: str) -> User | None:
    r = conn.execute(select(UserRow.__table__).join(SessionRow, SessionRow.user_id == UserRow.id)
                     .where(SessionRow.id == _sha(sid), SessionRow.expires_at > datetime.now(UTC),
                            UserRow.disabled.is_(False))).first()
    return None if r is None else _user(r)


def end_session(engine: Engine, sid: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(SessionRow).where(SessionRow.id == _sha(sid)))


def secret(engine: Engine, name: str = "session") -> str:
    """The server's secret ``name``, made on first use and kept in the database."""
    with engine.connect() as conn:
        v = conn.execute(select(SecretRow.value).where(SecretRow.name == name)).scalar_one_or_none()
    if v is not None:
        return v
    try:
        with engine.begin() as conn:
            conn.execute(insert(SecretRow).values(name=name, value=secrets.token_urlsafe(48)))
    except IntegrityError:
        pass  # another process made it first: theirs it is
    with engine.connect() as conn:
        return conn.execute(select(SecretRow.value).where(SecretRow.name == name)).scalar_one()
