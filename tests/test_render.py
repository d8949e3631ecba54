"""Writing back: a document rendered in the official layout (XLSX, HTML, PDF) and parsed again
is the same document — on every sample (../shared/gold) and on our own synthetic documents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import jixiao
from jixiao.render.html import render_html
from jixiao.render.pdf import render_pdf
from jixiao.render.xlsx import render_xlsx
from scoring import SHARED, load_scorer, score

SCORER = load_scorer()
FIXTURES = Path(__file__).parent / "data" / "formats"
DOCS = sorted((SHARED / "gold").glob("*.json")) + [FIXTURES / "form.expected.json", FIXTURES / "summary.expected.json"]
RENDER = {"xlsx": render_xlsx, "html": lambda d: render_html(d).encode("utf-8"), "pdf": render_pdf}
CASES = [(fmt, d) for d in DOCS if d.exists() for fmt in RENDER]
needs_shared = pytest.mark.skipif(SCORER is None, reason="../shared/tools/score.py not found beside the checkout")


@needs_shared
@pytest.mark.parametrize(("fmt", "doc"), CASES, ids=[f"{f}-{d.stem[:12]}" for f, d in CASES])
def test_round_trip(tmp_path: Path, fmt: str, doc: Path) -> None:
    original = json.loads(doc.read_text(encoding="utf-8"))
    path = tmp_path / f"doc.{fmt}"
    path.write_bytes(RENDER[fmt](original))
    again = jixiao.parse(path).to_canonical()
    f1, misses = score(SCORER, doc.stem, original, again)
    assert f1 == 1.0, f"F1 {f1:.4f}\n" + "\n".join(misses[:20])


def test_html_escapes_what_it_is_given() -> None:
    doc = json.loads((FIXTURES / "summary.expected.json").read_text(encoding="utf-8"))
    doc["projects"][0]["name"] = "<script>alert(1)</script>校园安全"
    page = render_html(doc)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_cli_render(tmp_path: Path) -> None:
    out = tmp_path / "form.xlsx"
    r = subprocess.run([sys.executable, "-m", "jixiao", "render", str(FIXTURES / "form_merged_cells.docx"),
                        "--to", "xlsx", "-o", str(out)], capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    assert jixiao.parse(out).projects[0].name == "智慧校园建设项目"
    r = subprocess.run([sys.executable, "-m", "jixiao", "render", str(out), "--to", "pdf", "-o", str(out)],
                       capture_output=True, timeout=120)
    assert r.returncode == 2 and "覆盖" in r.stderr.decode()
