"""Every reader fed damaged files of its format — truncated, bytes flipped, ZIP members removed or
their XML broken — gives a one-line JixiaoError or a document, never another exception (issue 18).

The mutations are seeded, so a failure names the case that reproduces it."""

from __future__ import annotations

import csv
import io
import os
import random
import zipfile
from pathlib import Path

import pytest

import jixiao
from jixiao.errors import JixiaoError
from jixiao.model import Document
from jixiao.read import read

HERE = Path(__file__).parent
FORMATS = HERE / "data" / "formats"
SAMPLE = HERE.parent / "src" / "jixiao" / "samples" / "000_9b46f816c8349047.txt"
# the generic code the read() backstop gives a failure no reader named: each reader names its own
_UNNAMED = "corrupt"


def _csv_bytes() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in read(FORMATS / "form_merged_cells.html").text.splitlines():
        writer.writerow(line.split("\t"))
    return out.getvalue().encode("utf-8")


def _original(fmt: str) -> bytes:
    if fmt == "text":
        return SAMPLE.read_bytes()
    if fmt == "csv":
        return _csv_bytes()
    if fmt == "jpeg":
        return (FORMATS / "scan_cut_turned_page.jpg").read_bytes()
    return (FORMATS / f"form_merged_cells.{fmt}").read_bytes()


def _rezipped(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            if (member := change(name, zin.read(name))) is not None:
                zout.writestr(name, member)
    return out.getvalue()


def _broken_xml(rnd: random.Random, member: bytes) -> bytes:
    damaged = bytearray(member)
    for _ in range(rnd.randint(1, 5)):
        damaged[rnd.randrange(len(damaged))] = rnd.randrange(256)
    return bytes(damaged[:rnd.randrange(1, len(damaged))] if rnd.random() < 0.5 else damaged)


def mutants(data: bytes, seed: int):
    """(what was done, the damaged bytes): a cut, flipped bits, and for a ZIP a member gone or broken."""
    rnd = random.Random(seed)
    yield f"truncated (seed {seed})", data[:rnd.randrange(1, len(data))]
    flipped = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        flipped[rnd.randrange(len(flipped))] ^= 1 << rnd.randrange(8)
    yield f"bits flipped (seed {seed})", bytes(flipped)
    if data.startswith(b"PK"):
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        gone, broken = rnd.choice(names), rnd.choice(names)
        yield f"{gone} removed (seed {seed})", _rezipped(data, lambda n, d: None if n == gone else d)
        yield f"{broken} damaged (seed {seed})", _rezipped(
            data, lambda n, d: _broken_xml(rnd, d) if n == broken and d else d)


#: seeds per format: the quick readers get more, OCR (a few seconds a page) the fewest;
#: ``make fuzz`` multiplies them (JIXIAO_FUZZ_SCALE) for a long run
SCALE = int(os.environ.get("JIXIAO_FUZZ_SCALE", "1"))
SEEDS = {fmt: n * SCALE for fmt, n in {"text": 8, "csv": 8, "html": 8, "xlsx": 8, "docx": 8, "pdf": 3, "jpeg": 1}.items()}


@pytest.mark.parametrize("fmt", list(SEEDS))
def test_every_reader_on_damaged_files_gives_a_jixiao_error_or_a_document(fmt: str, tmp_path: Path) -> None:
    original = _original(fmt)
    for seed in range(SEEDS[fmt]):
        for what, data in mutants(original, seed):
            path = tmp_path / f"damaged.{fmt}"
            path.write_bytes(data)
            try:
                doc = jixiao.parse(path)
            except JixiaoError as e:
                assert "\n" not in e.message and " / " in e.message, (what, e.message)
                assert e.code not in (_UNNAMED, "parse-failed"), (what, e.message, repr(e.__cause__))
            except Exception as e:  # what this test is for
                pytest.fail(f"{fmt}, {what}: {type(e).__module__}.{type(e).__name__}: {e}")
            else:
                assert isinstance(doc, Document)


def test_one_flipped_byte_in_utf8_reads_with_a_warning_naming_the_line(tmp_path: Path) -> None:
    data = bytearray(SAMPLE.read_bytes())
    at = data.index("满意度".encode()) + 1
    data[at] ^= 0x40  # the middle byte of 满: the file is no longer valid UTF-8
    path = tmp_path / "flipped.txt"
    path.write_bytes(bytes(data))
    doc = jixiao.parse(path)
    assert len(doc.projects) == len(jixiao.parse(SAMPLE).projects)
    [warning] = [w for w in doc.warnings if w.code == "read"]
    line = data.count(b"\n", 0, at) + 1
    assert f"第 {line} 行" in warning.message and "UTF-8" in warning.message
    assert "\ufffd" in doc.source_text


def test_gbk_text_is_still_gbk_not_damaged_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes(SAMPLE.read_text("utf-8").encode("gb18030"))
    source = read(path)
    assert source.encoding == "gb18030" and not source.warnings
