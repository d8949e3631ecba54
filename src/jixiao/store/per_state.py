"""Figures worked out from the whole store once per state of it, kept per process.

Unit costs, the suggestion index and the league table each need a pass over
every latest document; they are kept until the store changes. What changes
whenever the latest documents do: an import raises the largest id, a delete
lowers the count (two index look-ups).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy import Connection, text

__all__ = ["PerStoreState", "store_state"]

T = TypeVar("T")


def store_state(conn: Connection) -> tuple:
    """The latest documents' count and largest id."""
    return tuple(conn.execute(text("SELECT count(*), max(id) FROM documents WHERE is_latest = :t"),
                              {"t": True}).one())


class PerStoreState(Generic[T]):
    """One value per database, built again when its key (``store_state`` and whatever else it
    depends on) changes; two threads asking at once build it once."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[Hashable, T]] = {}
        self._lock = threading.Lock()

    def get(self, conn: Connection, key: Hashable, build: Callable[[], T]) -> T:
        url = conn.engine.url.render_as_string()
        hit = self._values.get(url)
        if hit is None or hit[0] != key:
            with self._lock:
                hit = self._values.get(url)
                if hit is None or hit[0] != key:
                    hit = (key, build())
                    self._values[url] = hit
        return hit[1]

    def clear(self) -> None:
        self._values.clear()
