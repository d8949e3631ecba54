"""A throw-away PostgreSQL database for a benchmark, or None when no server answers ($JIXIAO_TEST_PG)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

PG_ADMIN_URL = os.environ.get("JIXIAO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def pg_url() -> Iterator[str | None]:
    from sqlalchemy import create_engine, text

    from jixiao.store.db import resolve_url

    try:
        admin = create_engine(resolve_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
        with admin.connect() as c:
            c.execute(text("SELECT 1"))
    except Exception:  # no server: the benchmark leaves PostgreSQL out and says so
        yield None
        return
    name = f"jixiao_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
