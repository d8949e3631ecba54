"""Bad files: each a one-line error with a stable code (or a partial document with a warning),
never a traceback or a hang. The bad files are made here, in a temporary directory."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import jixiao
from jixiao.errors import ParseError, ReadError
from jixiao.read import read

FIXTURES = Path(__file__).parent / "data" / "formats"
SPLIT_PDF = FIXTURES / "summary_row_split_across_pages.pdf"


def _refused(path: Path, code: str) -> ReadError:
    with pytest.raises(ReadError) as info:
        read(path)
    err = info.value
    assert err.code == code, err.message
    assert "\n" not in err.message and " / " in err.message and err.message.startswith("无法读取")
    return err


def _pdf(path: Path, *, encrypt=None, text: str | None = "项目名称") -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=encrypt)
    if text:
        c.drawString(50, 800, "hello")
    c.line(40, 790, 300, 790)
    c.showPage()
    c.save()
    return path


def test_encrypted_pdf(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    path = _pdf(tmp_path / "locked.pdf", encrypt=StandardEncryption("secret", ownerPassword="owner"))
    assert "加密" in _refused(path, "pdf-encrypted").message


def test_pdf_locked_only_against_editing_is_read(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    path = _pdf(tmp_path / "no-edit.pdf", encrypt=StandardEncryption("", ownerPassword="owner", canModify=0))
    assert read(path).text == "hello\n"


@pytest.mark.parametrize("cut", [0.5, 0.1])
def test_truncated_pdf(tmp_path: Path, cut: float) -> None:
    data = SPLIT_PDF.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: int(len(data) * cut)])
    _refused(path, "pdf-corrupt")


def test_garbage_after_pdf_header(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 64)
    _refused(path, "pdf-corrupt")


def test_pdf_without_text_layer_and_without_ocr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jixiao.read.scan

    monkeypatch.setattr(jixiao.read.scan, "ocr_available", lambda: False)
    assert "jixiao[ocr]" in _refused(_pdf(tmp_path / "scan.pdf", text=None), "pdf-no-text").message


@pytest.mark.skipif(not __import__("jixiao.read.scan").read.scan.ocr_available(), reason="no OCR extra")
def test_pdf_of_a_blank_scan(tmp_path: Path) -> None:
    _refused(_pdf(tmp_path / "blank.pdf", text=None), "no-text")  # OCR finds nothing on the page


def test_pdf_over_the_page_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jixiao.read.pdf

    monkeypatch.setattr(jixiao.read.pdf, "MAX_PAGES", 1)
    assert "2" in _refused(SPLIT_PDF, "too-many-pages").message


def test_pdf_of_something_else_is_not_a_table(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as info:
        jixiao.parse(_pdf(tmp_path / "letter.pdf"))
    assert info.value.code == "not-a-table"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(("fmt", "part"), [("xlsx", "xl/worksheets/sheet1.xml"), ("docx", "word/document.xml")])
def test_zip_bomb_posing_as_office_file(tmp_path: Path, fmt: str, part: str) -> None:
    main = "xl/workbook.xml" if fmt == "xlsx" else "word/document.xml"
    members = {"[Content_Types].xml": b"<Types/>", main: b"<x/>"} | {part: b"<" + b" " * (16 << 20) + b"/>"}
    path = _zip(tmp_path / f"bomb.{fmt}", members)  # 16 MB of spaces packs into ~16 KB: ratio ~1000
    assert path.stat().st_size < 100_000
    start = time.perf_counter()
    assert "炸弹" in _refused(path, "zip-bomb").message
    assert time.perf_counter() - start < 2  # refused from the ZIP directory, nothing unpacked


def test_zip_unpacking_too_large_in_total(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jixiao.read.files

    monkeypatch.setattr(jixiao.read.files, "MAX_UNZIPPED_BYTES", 1000)
    _refused(FIXTURES / "form_merged_cells.xlsx", "zip-bomb")


def test_truncated_xlsx(tmp_path: Path) -> None:
    data = (FIXTURES / "form_merged_cells.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert _refused(path, "zip-corrupt")


def test_docx_with_broken_xml(tmp_path: Path) -> None:
    path = _zip(tmp_path / "broken.docx", {"word/document.xml": b"<w:document><w:body><w:p>"})
    _refused(path, "docx-corrupt")


def test_docx_entity_expansion_is_not_expanded(tmp_path: Path) -> None:
    laughs = b'<!DOCTYPE d [<!ENTITY a "hahahahahahahahaha">' + b"".join(
        b'<!ENTITY %s "%s">' % (chr(98 + i).encode(), (b"&" + chr(97 + i).encode() + b";") * 10) for i in range(8)
    ) + b"]>"
    doc = laughs + (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                    b"<w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>")
    path = _zip(tmp_path / "laughs.docx", {"word/document.xml": doc})
    start = time.perf_counter()
    with pytest.raises(ReadError) as info:
        read(path)  # the parser refuses to expand it: a damaged document, said at once
    assert info.value.code == "docx-corrupt" and time.perf_counter() - start < 2


def test_xlsx_of_another_kind_of_table(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    for row in [["姓名", "部门", "工资"], ["张三", "办公室", 5000], ["李四", "财务科", 6200]]:
        wb.active.append(row)
    path = tmp_path / "payroll.xlsx"
    wb.save(path)
    assert "张三" in read(path).text
    with pytest.raises(ParseError) as info:
        jixiao.parse(path)
    assert info.value.code == "not-a-table"


def test_html_with_script_only(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("<html><head><script>var t='项目名称';</script></head><body><script>alert(1)</script>"
                    "<style>p{}</style></body></html>", encoding="utf-8")
    _refused(path, "empty")


def test_html_span_attack_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "spans.html"
    rows = "".join("<tr>" + '<td colspan="1000" rowspan="1000">x</td>' * 50 + "</tr>" for _ in range(100))
    path.write_text(f"<html><body><table>{rows}</table></body></html>", encoding="utf-8")
    _refused(path, "too-large")


@pytest.mark.parametrize("name", ["form_merged_cells.xlsx", "form_merged_cells.docx", "form_merged_cells.pdf",
                                  "form_merged_cells.html"])
def test_file_over_the_size_limit(name: str) -> None:
    from importlib import import_module

    path = FIXTURES / name
    module = import_module(f"jixiao.read.{path.suffix[1:]}")
    reader = getattr(module, f"read_{path.suffix[1:]}")
    with pytest.raises(ReadError) as info:
        reader(path, max_bytes=1000)
    assert info.value.code == "too-large"


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
def test_damaged_page_is_skipped_with_a_warning(monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
    from importlib import import_module

    module = import_module(f"jixiao.read.{backend}_pages")
    real = module.page_objects

    def flaky(doc, index):  # pdfium counts pages from 0, pdfplumber's pages carry their number from 1
        if index == (1 if backend == "pdfium" else 2):
            raise ValueError("bad content stream")
        return real(doc, index)

    monkeypatch.setattr(module, "page_objects", flaky)
    monkeypatch.setenv("JIXIAO_PDF_BACKEND", backend)
    src = read(FIXTURES / "form_indicators_on_second_page.pdf")
    assert src.pages == 2 and len(src.warnings) == 1 and "第 2 页" in src.warnings[0]
    assert "智慧校园建设项目" in src.text and "学生使用满意度" not in src.text and "设备验收合格率" in src.text


@pytest.mark.parametrize(("maker", "needle"), [("encrypted", "加密"), ("bomb", "炸弹")])
def test_cli_bad_file_is_one_line(tmp_path: Path, maker: str, needle: str) -> None:
    if maker == "encrypted":
        from reportlab.lib.pdfencrypt import StandardEncryption

        path = _pdf(tmp_path / "in.bin", encrypt=StandardEncryption("secret", ownerPassword="o"))
    else:
        path = _zip(tmp_path / "in.bin", {"word/document.xml": b" " * (8 << 20)})
    r = subprocess.run([sys.executable, "-m", "jixiao", "parse", str(path), "--format", "json"],
                       capture_output=True, timeout=60)
    err = r.stderr.decode()
    assert r.returncode == 1 and needle in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
