"""How many requests one server process works on at once (issue 18, load).

Why: a page or API route is a plain function that FastAPI runs in its thread pool (40 threads), and
its database connection comes from SQLAlchemy's pool (5 + 10 overflow) in a dependency run in that
pool too. At 100 clients, 40 threads stood waiting for a connection while the 15 requests holding
one waited for a thread to run in: nothing moved until the pool's 30 s timeout, then 500s (measured
with benchmarks/web_bench.py: 40 of 100 searches). So requests wait *here*, in the event loop, for
one of as many places as there are connections — reads and writes counted apart, so that uploads
parsing for a minute never hold every place — and one that waits too long, or finds too many
waiting, gets a 503 with Retry-After instead of a hang.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["ConcurrencyLimit", "places"]

#: writes (uploads, saves, deletes) worked on at once per process: each may parse for a while
WRITE_PLACES = 3
#: seconds a request waits for a place before a 503
WAIT_S = 15.0
#: requests waiting at most, per process, before the next one is answered 503 at once
MAX_WAITING = 1000
#: paths that need no database (static files): never held back
_FREE = ("/static/",)


def places(engine: Engine) -> tuple[int, int]:
    """(reads, writes) at once: together no more than the connections the engine's pool can open, so
    a request that holds a place always gets its connection (and a thread: the pool has 40)."""
    pool = engine.pool
    # a QueuePool's overflow has no public name; other pools open what they are asked for
    connections = pool.size() + max(pool._max_overflow, 0) if isinstance(pool, QueuePool) else 16
    connections = max(min(connections, 32), 4)
    writes = min(WRITE_PLACES, connections // 4)
    return connections - writes, writes


class ConcurrencyLimit:
    def __init__(self, app: ASGIApp, reads: int, writes: int, wait_s: float = WAIT_S,
                 max_waiting: int = MAX_WAITING) -> None:
        self.app, self.wait_s, self.max_waiting = app, wait_s, max_waiting
        self.places = {"read": asyncio.Semaphore(reads), "write": asyncio.Semaphore(writes)}
        self.counts = {"read": reads, "write": writes}
        self.waiting = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_FREE):
            await self.app(scope, receive, send)
            return
        kind = "read" if scope["method"] in ("GET", "HEAD", "OPTIONS") else "write"
        place = self.places[kind]
        if self.waiting >= self.max_waiting and place.locked():
            await self._busy(scope, receive, send, kind)
            return
        self.waiting += 1
        try:
            await asyncio.wait_for(place.acquire(), self.wait_s)
        except TimeoutError:
            await self._busy(scope, receive, send, kind)
            return
        finally:
            self.waiting -= 1
        try:
            await self.app(scope, receive, send)
        finally:
            place.release()

    async def _busy(self, scope: Scope, receive: Receive, send: Send, kind: str) -> None:
        from .app import error_response  # app.py imports this module

        what = "读取" if kind == "read" else "写入"
        message = (f"服务器繁忙：同时处理的{what}请求已满（{self.counts[kind]} 个），请稍后再试 / server busy: "
                   f"all {self.counts[kind]} places for {kind}s are taken; try again shortly")
        response = error_response(Request(scope), 503, message, "busy")
        response.headers["Retry-After"] = "1"
        await response(scope, receive, send)
