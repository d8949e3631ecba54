"""The command line as a user meets it: output, exit codes, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "jixiao" / "samples" / "001_12c0d9c6865d508d.txt"


def jixiao(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "jixiao", *args], capture_output=True, timeout=120, env=env)


def test_parse_json_is_the_canonical_document() -> None:
    r = jixiao("parse", str(SAMPLE), "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["schema"] == "jixiao.document/1"
    assert doc["department"] == "广州市天河区教育信息和装备服务中心"
    assert len(doc["projects"]) == 14


def test_parse_table_shows_tree_and_residue() -> None:
    r = jixiao("parse", str(SAMPLE), "--residue")
    out = r.stdout.decode()
    assert r.returncode == 0
    assert "区教育局校园物业管理经费" in out and "服务质量" in out
    assert "residue" in out


def test_spans_point_into_the_source() -> None:
    r = jixiao("parse", str(SAMPLE), "--format", "json", "--spans")
    doc = json.loads(r.stdout)
    src = doc["source_text"]
    (a, b), *_ = doc["projects"][0]["spans"]["name"]
    assert src[a:b] == doc["projects"][0]["name"]


@pytest.mark.parametrize(
    ("content", "code", "needle"),
    [
        (b"", 1, "空"),
        (b"   \n\n  ", 1, "空"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", 1, "PDF"),
        (b"PK\x03\x04" + b"\x00" * 64, 1, "二进制"),
        (bytes(range(256)) * 8, 1, "二进制"),
        ("这是一段普通的文字，不是绩效目标表。\n第二行。".encode(), 1, "未识别"),
    ],
    ids=["empty", "blank", "pdf", "zip", "binary", "not-a-table"],
)
def test_bad_input_is_one_line_error(tmp_path: Path, content: bytes, code: int, needle: str) -> None:
    f = tmp_path / "input.txt"
    f.write_bytes(content)
    r = jixiao("parse", str(f), "--format", "json")
    err = r.stderr.decode()
    assert r.returncode == code
    assert needle in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_file_and_usage_errors() -> None:
    r = jixiao("parse", "/no/such/file.txt")
    assert r.returncode == 1 and "不存在" in r.stderr.decode()
    r = jixiao("parse", str(SAMPLE), "--format", "yaml")
    assert r.returncode == 2
    r = jixiao("frobnicate")
    assert r.returncode == 2


def test_gb18030_and_utf16_inputs(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    expected = json.loads(jixiao("parse", str(SAMPLE), "--format", "json").stdout)["projects"]
    for enc in ("gb18030", "utf-16"):
        f = tmp_path / f"t-{enc}.txt"
        f.write_bytes(text.encode(enc))
        r = jixiao("parse", str(f), "--format", "json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["projects"] == expected


def test_truncated_file_gives_partial_document(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    f = tmp_path / "half.txt"
    f.write_text(text[: len(text) // 2], encoding="utf-8")
    r = jixiao("parse", str(f), "--format", "json")
    assert r.returncode == 0
    assert 0 < len(json.loads(r.stdout)["projects"]) < 14


def test_huge_input_is_refused_quickly(tmp_path: Path) -> None:
    f = tmp_path / "huge.txt"
    with f.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # a sparse 200 MB file: no disk, same size
    r = jixiao("parse", str(f))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr.decode()


def test_samples_command_summarises_every_sample_and_imports_them(tmp_path) -> None:
    db = str(tmp_path / "j.db")
    r = jixiao("samples", "--db", db)
    out = r.stdout.decode()
    assert r.returncode == 0, r.stderr
    for stem in ("000_", "001_", "002_", "003_", "004_"):
        assert stem in out
    assert out.count("已导入 imported") >= 5
    again = jixiao("samples", "--db", db).stdout.decode()
    assert "已导入 imported" not in again.split("合计 totals")[0] and again.count("未变化 unchanged") >= 5
