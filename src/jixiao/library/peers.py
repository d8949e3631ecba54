"""Whether a target stands outside its peers: one test for rule R44 and the project page.

A module of its own, importing nothing: the review rules import it, and the
rest of the library imports the review's reading of categories.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MIN_PEERS", "outside_peers"]

#: fewer peers than this say too little to judge a target by (R44's default ``min_peers``)
MIN_PEERS = 5


def outside_peers(b: dict[str, Any] | None, min_peers: int) -> str | None:
    """``"low"`` when a target is below its peers' lower quartile (``"high"``: a lower-is-better one above
    the upper quartile), with at least ``min_peers`` peers; else None. Rule R44 and the project page."""
    if not b or b.get("number") is None or b.get("n", 0) < min_peers:
        return None
    if b.get("direction") == "lower":
        return "high" if b["number"] > b["q3"] else None
    return "low" if b["number"] < b["q1"] else None
