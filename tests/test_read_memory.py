"""Regression: reading a small file must not allocate a buffer the size of the limit.

``read(max_bytes + 1)`` sized its buffer by the 64 MB limit, so every 30 KB
table briefly took 64 MB (found by the benchmark's tracemalloc run).
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from jixiao.read import read_text

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "jixiao" / "samples" / "001_12c0d9c6865d508d.txt"


def test_reading_a_small_file_allocates_about_its_size() -> None:
    read_text(SAMPLE)  # warm up imports and caches
    tracemalloc.start()
    try:
        read_text(SAMPLE)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * SAMPLE.stat().st_size + (1 << 20)
