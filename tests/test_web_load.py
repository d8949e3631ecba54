"""The server keeps answering under load (issue 18, load): 100 searches at once on `jixiao serve`
used to deadlock its thread pool against its connection pool for 30 s and answer 40 of them 500;
requests now wait for a place in the event loop (web/limits.py), and past the wait get a 503."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from urllib.parse import quote

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from jixiao.web.limits import ConcurrencyLimit, places
from test_upload_race import server  # noqa: F401 - the fixture: jixiao serve --workers 2 on each back end

CLIENTS = 100


async def _get_all(base: str, paths: list[str]) -> list[int | str]:
    import httpx2 as httpx

    limits = httpx.Limits(max_connections=len(paths), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as c:
        async def one(p: str) -> int | str:
            try:
                return (await c.get(p)).status_code
            except httpx.HTTPError as e:
                return type(e).__name__
        return await asyncio.gather(*(one(p) for p in paths))


def test_100_searches_at_once_are_all_answered_not_deadlocked(server):  # noqa: F811
    queries = ["率", "满意度", "安全", "培训", "完成率"]
    paths = [f"/api/v1/search?q={quote(queries[k % len(queries)])}" for k in range(CLIENTS)]
    start = time.monotonic()
    statuses = asyncio.run(_get_all(server, paths))
    took = time.monotonic() - start
    assert Counter(statuses) == {200: CLIENTS}, Counter(statuses)
    assert took < 25, f"{took:.1f} s: the 30 s pool timeout is what a deadlock looked like"


def _slow_app(seconds: float) -> Starlette:
    async def slow(request):
        await asyncio.sleep(seconds)
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/api/v1/slow", slow, methods=["GET", "POST"])])


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_request_waiting_past_its_limit_is_503_busy_with_retry_after(method):
    import httpx2 as httpx

    app = ConcurrencyLimit(_slow_app(1.0), reads=1, writes=1, wait_s=0.2)

    async def two() -> list:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as c:
            return await asyncio.gather(c.request(method, "/api/v1/slow"), c.request(method, "/api/v1/slow"))

    first, second = sorted(asyncio.run(two()), key=lambda r: r.status_code)
    assert first.status_code == 200
    assert second.status_code == 503 and second.headers["retry-after"] == "1"
    body = second.json()
    assert body["code"] == "busy" and " / " in body["error"] and "\n" not in body["error"]


def test_places_fit_the_connection_pool(db_url):
    from jixiao.store import open_store

    engine = open_store(db_url)
    reads, writes = places(engine)
    assert reads + writes <= engine.pool.size() + engine.pool._max_overflow and writes >= 1 and reads > writes
    engine.dispose()
