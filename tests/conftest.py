"""Test-suite settings: hypothesis profiles, and no silent skips in CI."""

import contextlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=200, **_COMMON)
settings.register_profile("dev", max_examples=50, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


#: The one skip CI lets through: a test marked ``needs_gpu`` that skips with this reason. CI runs on
#: machines without a GPU and none can be given to it, so a GPU test there can only skip; any other
#: skip of such a test (a wrong reason, a missing package) still fails.
NO_GPU = "no CUDA GPU here (onnxruntime offers no CUDAExecutionProvider)"


def hardware_absent_skip(item, report) -> bool:
    """True when the report is a ``needs_gpu`` test's skip for want of a GPU."""
    return item.get_closest_marker("needs_gpu") is not None and NO_GPU in str(report.longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (JIXIAO_CI=1, set by .ci/run) a skip is a failure: it means CI itself
    lacks something a test needs (../shared, a database, a browser). Only a ``needs_gpu``
    test skipped for want of a GPU is let through (see :data:`NO_GPU`)."""
    outcome = yield
    report = outcome.get_result()
    if (os.environ.get("JIXIAO_CI") == "1" and report.skipped and not hasattr(report, "wasxfail")
            and not hardware_absent_skip(item, report)):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (JIXIAO_CI=1), which must run every test: {report.longrepr}"


# -- databases: every storage test runs on SQLite and on the real PostgreSQL ----------------

PG_ADMIN_URL = os.environ.get("JIXIAO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
_pg_reason: list[str] = []


def _pg_admin():
    """An autocommit engine on the server's ``test`` database, or None with the reason recorded."""
    from sqlalchemy import create_engine, text

    from jixiao.store.db import resolve_url

    try:
        engine = create_engine(resolve_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT",
                               connect_args={"connect_timeout": 3})
        with engine.connect() as c:
            c.execute(text("SELECT 1"))
        return engine
    except Exception as e:  # any failure to connect means: no PostgreSQL here
        _pg_reason.append(f"PostgreSQL unreachable at {PG_ADMIN_URL}: {type(e).__name__}: {str(e).splitlines()[0]}")
        return None


@contextlib.contextmanager
def pg_database():
    """A new, empty PostgreSQL database's URL, dropped afterwards; skips the test if there is no server."""
    import uuid

    from sqlalchemy import text

    admin = _pg_admin()
    if admin is None:
        pytest.skip(_pg_reason[-1])
    name = f"jixiao_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database URL: a file in tmp_path, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'jixiao.db'}"
        return
    with pg_database() as url:
        yield url


# -- the web app over the bundled samples, on each back end ----------------------------------

SAMPLES_DIR = Path(__file__).parent.parent / "src" / "jixiao" / "samples"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def samples_db(request, tmp_path_factory):
    """A database URL holding the five bundled samples, imported once per module and back end."""
    from jixiao.store import import_files, open_store

    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'jixiao.db'}"
        else:
            url = stack.enter_context(pg_database())
        engine = open_store(url)
        outcomes = list(import_files(engine, sorted(str(p) for p in SAMPLES_DIR.glob("*.txt"))))
        assert [o.status for o in outcomes] == ["imported"] * 5
        engine.dispose()
        yield url
