"""Regenerate tests/data/review/golden/*.findings.json from the bundled samples.

    .venv/bin/python tests/make_review_golden.py      (or: make review-golden)

Generated, never edited by hand; every finding in them was checked by hand
(see tests/data/review/golden/README.md). Review the diff before committing.
"""

from __future__ import annotations

import json
from pathlib import Path

import jixiao
from jixiao.cli.samples_cmd import sample_paths
from jixiao.review import review

OUT = Path(__file__).parent / "data/review/golden"


def golden(path: Path) -> list[dict]:
    keep = ("rule", "severity", "project_index", "seq", "field", "line", "message")
    return [{k: getattr(f, k) for k in keep} for f in review(jixiao.parse(str(path)))]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for p in sample_paths():
        text = json.dumps(golden(p), ensure_ascii=False, indent=1) + "\n"
        (OUT / f"{p.stem}.findings.json").write_text(text, encoding="utf-8")
        print(p.stem, len(json.loads(text)))


if __name__ == "__main__":
    main()
