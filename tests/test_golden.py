"""Golden files: each bundled sample parses to exactly its generated JSON.

A failure here means the parser's output changed. If the change is meant,
regenerate with `make golden` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.cli.samples_cmd import sample_paths
from make_golden import GOLDEN, golden_object

SAMPLES = sample_paths()


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sample_matches_golden(path: Path) -> None:
    expected = json.loads((GOLDEN / (path.stem + ".json")).read_text(encoding="utf-8"))
    assert golden_object(path) == expected


def test_every_sample_has_a_golden_file() -> None:
    assert {p.stem for p in SAMPLES} == {p.stem for p in GOLDEN.glob("*.json")}
    assert len(SAMPLES) == 5
