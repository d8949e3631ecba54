"""Tests for the text reader: encoding detection, binary refusal, file errors, the registry."""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jixiao.errors import ReadError
from jixiao.read import READERS, Source, decode_text, read, read_text, sniff, text_source

SAMPLE = (
    "项目支出绩效目标表（含转移支付项目）\r\n"
    "部门名称：广州市电化教育馆 单位：万元\r\n"
    "1、产出指标：维护率，年度指标值：100%。\r\n"
    "\t全角　空格与　Tab 保留\r\n"
)
EXPECTED = SAMPLE.replace("\r\n", "\n")

ENCODINGS = [  # (codec used to write, encoding decode_text must report)
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("gb18030", "gb18030"),
    ("gbk", "gb18030"),
    ("gb2312", "gb18030"),
    ("utf-16", "utf-16-le"),  # Python writes a BOM, little-endian
    ("utf-16-le", "utf-16-le"),
    ("utf-16-be", "utf-16-be"),
]


def _norm(s: str) -> str:
    return s.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.parametrize(("codec", "reported"), ENCODINGS)
def test_sample_decodes_exactly(codec: str, reported: str) -> None:
    assert decode_text(SAMPLE.encode(codec)) == (EXPECTED, reported)


def test_utf16_be_with_bom() -> None:
    assert decode_text(b"\xfe\xff" + SAMPLE.encode("utf-16-be")) == (EXPECTED, "utf-16-be")


def test_line_ends_and_bom_character() -> None:
    assert decode_text(b"a\r\nb\rc\n\r\nd")[0] == "a\nb\nc\n\nd"
    assert decode_text("\ufeff表".encode())[0] == "表"
    assert decode_text("\u3000全角\t".encode("gb18030"))[0] == "\u3000全角\t"
    assert decode_text(b"page1\fpage2")[0] == "page1\fpage2"  # pdftotext's page break is text


@pytest.mark.parametrize("word", ["中文", "绩效", "项目", "维护率", "单位", "万元", "目标", "一", "是", "馆", "经费"])
def test_short_gbk_words(word: str) -> None:
    assert decode_text(word.encode("gbk")) == (word, "gb18030")


@pytest.mark.parametrize("word", ["中文", "绩效", "一", "·", "5°C", "×"])
def test_short_utf8_stays_utf8(word: str) -> None:
    assert decode_text(word.encode("utf-8")) == (word, "utf-8")


def test_short_utf16_with_ascii() -> None:
    for codec in ("utf-16-le", "utf-16-be"):
        assert decode_text("100%".encode(codec))[0] == "100%"
        assert decode_text("维护率100%".encode(codec))[0] == "维护率100%"


MAGICS = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    "docx": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml....PK\x03\x04word/document.xml",
    "xlsx": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml....PK\x03\x04xl/workbook.xml",
    "zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00notes.txt",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "gif": b"GIF89a\x01\x00\x01\x00",
    "ole2": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32,
    "gzip": b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
    "elf": b"\x7fELF\x02\x01\x01\x00",
}


@pytest.mark.parametrize("fmt", sorted(MAGICS))
def test_binary_magic_is_refused(fmt: str) -> None:
    with pytest.raises(ReadError) as info:
        decode_text(MAGICS[fmt] + bytes(range(256)))
    err = info.value
    assert err.code == "binary"
    assert "\n" not in err.message and " / " in err.message
    assert err.message.startswith("无法读取") and "not a text file" in err.message
    if fmt == "gif":  # PDF, DOCX, XLSX and PNG/JPEG (OCR) have readers of their own
        assert "尚未提供" in err.message and "not available yet" in err.message
    assert sniff(MAGICS[fmt]) == fmt


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("size", [64, 512, 4096])
def test_random_bytes_are_refused(seed: int, size: int) -> None:
    data = random.Random(seed).randbytes(size)
    with pytest.raises(ReadError) as info:
        decode_text(data)
    assert info.value.code in {"binary", "undecodable"}


def test_random_bytes_without_nul_are_refused() -> None:
    rng = random.Random(7)
    data = bytes(rng.randrange(1, 256) for _ in range(4096))
    with pytest.raises(ReadError):
        decode_text(data)


def test_controls_in_text() -> None:
    with pytest.raises(ReadError, match="二进制"):
        decode_text(b"abc\x00def")
    with pytest.raises(ReadError):
        decode_text(b"\x01\x02\x03\x04text")
    long = ("正文" * 200 + "\x1b").encode()  # one stray escape in long text is tolerated
    assert decode_text(long)[0].endswith("\x1b")


def test_read_text_file(tmp_path: Path) -> None:
    raw = SAMPLE.encode("gb18030")
    path = tmp_path / "表.txt"
    path.write_bytes(raw)
    src = read_text(path)
    assert src == Source(EXPECTED, name="表.txt", encoding="gb18030", format="text",
                         sha256=hashlib.sha256(raw).hexdigest(), size=len(raw))
    assert read_text(str(path)) == src


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [(b"", "empty", "空的"), (b" \r\n\t\r\n", "empty", "空白"), ("\u3000\n".encode(), "empty", "空白"),
     (b"\xef\xbb\xbf", "empty", "空白"), (MAGICS["pdf"], "binary", "PDF")],
)
def test_read_text_refuses(tmp_path: Path, content: bytes, code: str, words: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(ReadError) as info:
        read_text(path)
    assert info.value.code == code
    assert words in info.value.message and "input.txt" in info.value.message
    assert "\n" not in info.value.message


def test_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as info:
        read_text(tmp_path / "nope.txt")
    assert info.value.code == "not-found" and "不存在" in info.value.message
    with pytest.raises(ReadError) as info:
        read_text(tmp_path)
    assert info.value.code == "not-a-file" and "目录" in info.value.message


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes("表".encode() * 100)
    with pytest.raises(ReadError) as info:
        read_text(path, max_bytes=299)
    assert info.value.code == "too-large" and "太大" in info.value.message
    assert read_text(path, max_bytes=300).size == 300


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_too_large_without_size() -> None:
    # A device reports size 0; the bounded read still stops it.
    with pytest.raises(ReadError) as info:
        read_text("/dev/zero", max_bytes=1000)
    assert info.value.code == "too-large"


def test_text_source() -> None:
    src = text_source("\ufeff第一行\r\n第二行\r", name="粘贴")
    assert src.text == "第一行\n第二行\n" and src.name == "粘贴" and src.format == "text"
    raw = "\ufeff第一行\r\n第二行\r".encode()
    assert src.sha256 == hashlib.sha256(raw).hexdigest() and src.size == len(raw)
    with pytest.raises(ReadError) as info:
        text_source(" \n ")
    assert info.value.code == "empty"


def test_read_dispatch(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(SAMPLE.encode("utf-16"))
    assert read(path).text == EXPECTED
    assert read(str(path)).encoding == "utf-16-le"
    assert read(EXPECTED).text == EXPECTED and read(EXPECTED).encoding is None
    assert read("单行文本").text == "单行文本"
    typo = read("missing-table.txt")  # spec: not an existing file -> the text itself, with a warning
    assert typo.text == "missing-table.txt" and typo.warnings
    html = tmp_path / "a.html"
    html.write_bytes(b"\xef\xbb\xbf  <!DOCTYPE html><html><body>" + SAMPLE.encode() + b"</body></html>")
    assert read(html).format == "html"
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(MAGICS["pdf"])  # a PDF's first bytes only: the PDF reader says it is damaged
    with pytest.raises(ReadError) as info:
        read(pdf)
    assert info.value.code == "pdf-corrupt" and "PDF" in info.value.message
    with pytest.raises(ReadError) as info:
        read(tmp_path)
    assert info.value.code == "not-a-file"
    assert set(READERS) >= {"text", "html", "pdf", "docx", "xlsx"}


def test_sniff() -> None:
    assert sniff(b"  <!doctype HTML>") == "html"
    assert sniff("<html lang='zh'>".encode("utf-16")) == "html"
    assert sniff(b"\xef\xbb\xbf\n<html>") == "html"
    assert sniff(SAMPLE.encode()) == "text"
    assert sniff(b"<htmlx>") == "text"


# --- properties ---------------------------------------------------------------------------

REALISTIC = st.text(alphabet=st.sampled_from(sorted(set(SAMPLE + "0123456789.%abcXYZ ()\n\r\t"))), max_size=60)


def _encodable(s: str, codec: str) -> bytes | None:
    try:
        return s.encode(codec)
    except UnicodeEncodeError:
        return None


@settings(max_examples=300)
@given(st.text(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030"]))
def test_any_text_decodes_or_read_error(s: str, codec: str) -> None:
    data = _encodable(s, codec)
    assume(data is not None)
    try:
        text, encoding = decode_text(data)
    except ReadError:
        return
    assert isinstance(text, str) and isinstance(encoding, str)
    if codec in {"utf-8-sig", "utf-16"}:  # a BOM is authoritative: right text or an error
        assert text == _norm(s)


@settings(max_examples=300)
@given(REALISTIC, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "utf-16-le", "utf-16-be"]))
def test_realistic_text_round_trips(s: str, codec: str) -> None:
    if codec in {"utf-16-le", "utf-16-be"}:
        # BOM-less UTF-16 is recognised by the NULs ASCII brings, so they must point the codec's way:
        # "0\u3000" is 30 00 00 30, as valid read backwards ("\u30000") as forwards, and a lone
        # "\u3000" (00 30 in LE) has its only NUL where big-endian ASCII would put it
        data = s.encode(codec)
        high, low = data[0::2].count(0), data[1::2].count(0)
        assume(low > high if codec == "utf-16-le" else high > low)
    try:
        text, _ = decode_text(s.encode(codec))
    except ReadError:
        return
    assert text == _norm(s)


def test_fallback_encodings() -> None:
    big5 = "項目支出績效目標表（含轉移支付項目）\n部門名稱：廣州市電化教育館\n"
    assert decode_text(big5.encode("big5")) == (big5, "big5")  # valid GBK too, but reads as mojibake
    latin = "Café crème, naïve résumé.\n" * 3
    assert decode_text(latin.encode("cp1252")) == (latin, "cp1252")


SAMPLES = sorted((Path(__file__).parents[1] / "src" / "jixiao" / "samples").glob("*.txt"))


@pytest.mark.skipif(not SAMPLES, reason="no packaged samples")
@pytest.mark.parametrize("codec", ["utf-8", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_packaged_samples_in_every_encoding(codec: str) -> None:
    for path in SAMPLES:
        text = path.read_text(encoding="utf-8")
        assert decode_text(text.encode(codec))[0] == _norm(text), path.name


def test_utf8_gbk_ambiguity_rule() -> None:
    # Valid UTF-8 with more than a few non-ASCII characters is never second-guessed ...
    assert decode_text("привет мир".encode()) == ("привет мир", "utf-8")
    assert decode_text("μg/m³ 含量".encode()) == ("μg/m³ 含量", "utf-8")
    # ... a short one goes to GB18030 only if that reads better; a tie stays UTF-8 (GBK 路 == UTF-8 ·).
    assert decode_text("ñ".encode()) == ("帽", "gb18030")
    assert decode_text("路".encode("gbk")) == ("·", "utf-8")
