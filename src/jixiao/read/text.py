"""Plain-text input: detect the encoding of a file's bytes and normalise its text.

Tables arrive as UTF-8 (with or without BOM), GB18030/GBK/GB2312 or UTF-16,
and nothing tells us which. Detection order: refuse known binary formats, trust a
BOM, take UTF-16 when NUL bytes suggest it and the result reads as Chinese/ASCII,
then strict UTF-8, then strict GB18030, and only then ``charset_normalizer``.
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

from jixiao.errors import ReadError
from jixiao.read.base import MAX_TEXT_BYTES, Source
from jixiao.read.files import read_error, read_limited

__all__ = ["binary_error", "binary_format", "decode_text", "read_text", "text_source"]

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty archive
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
    (b"\x1f\x8b\x08", "gzip"),  # the method byte too: two bytes alone could open UTF-16 text
    (b"\x7fELF", "elf"),
)
_LABELS = {  # format -> (Chinese label, English label)
    "pdf": ("PDF", "PDF"),
    "docx": ("Word 文档 DOCX", "Word DOCX"),
    "xlsx": ("Excel 表格 XLSX", "Excel XLSX"),
    "zip": ("ZIP 压缩包", "ZIP archive"),
    "png": ("PNG 图片", "PNG image"),
    "jpeg": ("JPEG 图片", "JPEG image"),
    "gif": ("GIF 图片", "GIF image"),
    "ole2": ("旧版 Office 文档 DOC/XLS", "legacy Office DOC/XLS"),
    "gzip": ("gzip 压缩文件", "gzip archive"),
    "elf": ("可执行程序 ELF", "ELF executable"),
}
_READ_LATER = frozenset({"gif"})  # formats a reader is planned for
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# Controls no text editor writes; tab, LF, VT, FF (pdftotext's page break) and CR are fine.
_BAD = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# What else a Chinese table plausibly arrives in; an open search "finds" EBCDIC in any short garbage.
_FALLBACKS = ["big5", "big5hkscs", "cp950", "shift_jis", "cp932", "euc_kr", "cp949", "cp1252", "latin_1"]
_NON_ASCII = re.compile("[^\x00-\x7f]")
_FEW = 4
_SAMPLE = 20_000  # characters scored when choosing between decodings; enough to decide, cheap


_error = read_error


def binary_format(data: bytes) -> str | None:
    """Name the binary format ``data`` starts with, or ``None`` if it has no known magic number."""
    for magic, fmt in _MAGIC:
        if data.startswith(magic):
            if fmt == "zip":
                # Local headers carry member names near the start, so OOXML shows its hand early.
                head = data[: 64 * 1024]
                return "docx" if b"word/" in head else "xlsx" if b"xl/" in head else fmt
            return fmt
    return None


def binary_error(fmt: str | None, name: str | None = None) -> ReadError:
    """The ``ReadError`` (code ``"binary"``) for data in binary format ``fmt`` (``None``: unknown)."""
    if fmt is None:
        return _error("binary", "文件是二进制数据，不是文本", "not a text file (binary data)", name)
    zh, en = _LABELS.get(fmt, (fmt, fmt))
    zh, en = f"文件是二进制数据（{zh}），不是文本", f"not a text file ({en})"
    if fmt in _READ_LATER:
        zh, en = f"{zh}；读取该格式的功能尚未提供", f"{en}; a reader for this format is not available yet"
    return _error("binary", zh, en, name)


def _weight(ch: str) -> float:
    """How typical ``ch`` is of a Chinese budget table, from 0 (never) to 1 (everyday)."""
    o = ord(ch)
    if o < 0x80:
        return 1.0 if ch.isprintable() or ch in "\t\n\v\f\r" else 0.0
    try:
        lead = ch.encode("gb2312")[0]
    except UnicodeEncodeError:
        if 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF:
            return 0.25  # rare ideographs: real, but mis-decoded bytes land here too
        if ch in "·²³":
            return 1.0  # names and m²/m³ use these, and GB2312 lacks them (it has °, ±, ×, ÷)
        return 0.5 if 0xA0 <= o <= 0xFF or 0x2000 <= o <= 0x2BFF or 0x3000 <= o <= 0x303F else 0.0
    # GB2312 rows B0-D7 are the 3755 most frequent hanzi; A1/A3 hold CJK and full-width punctuation.
    return 1.0 if 0xB0 <= lead <= 0xD7 or lead in (0xA1, 0xA3) else 0.5


def _score(text: str) -> float:
    sample = text[:_SAMPLE]
    return sum(map(_weight, sample)) / len(sample) if sample else 1.0


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 betrays itself by NULs (the high byte of ASCII); confirm the text reads well."""
    if len(data) % 2 or b"\x00" not in data:
        return None
    # Prefer the byte order the NULs point at (ASCII's zero byte is odd in LE); the score decides the rest.
    order = ("utf-16-le", "utf-16-be")
    if data[0::2].count(0) > data[1::2].count(0):
        order = order[::-1]
    scored = [(_score(text), text, enc) for enc in order if (text := _strict(data, enc)) is not None]
    best = max(scored, key=lambda c: c[0], default=None)  # max keeps the NUL-preferred order on ties
    return (best[1], best[2]) if best and best[0] >= 0.8 else None


#: Invalid UTF-8 sequences a file may have and still be read as UTF-8 (with a warning): a flipped
#: byte or a cut character, not another encoding, which breaks at nearly every non-ASCII character.
_MAX_DAMAGE = 16
_DAMAGE_RATIO = 50  # valid non-ASCII characters needed for each invalid sequence


def _bad_utf8_offsets(data: bytes, limit: int) -> list[int] | None:
    """Byte offsets of the invalid UTF-8 sequences in ``data``, or None past ``limit`` of them."""
    offsets: list[int] = []
    start = 0
    while True:
        try:
            data[start:].decode("utf-8")
            return offsets
        except UnicodeDecodeError as e:
            offsets.append(start + e.start)
            if len(offsets) > limit:
                return None
            start += e.end


def _damaged_utf8(data: bytes, name: str | None, warnings: list[str] | None) -> str | None:
    """UTF-8 with a few damaged bytes (one flipped bit makes a whole file invalid), read with U+FFFD
    in their place and a warning naming their lines; None when the data is not UTF-8 at all."""
    offsets = _bad_utf8_offsets(data, _MAX_DAMAGE)
    if not offsets:
        return None
    text = data.decode("utf-8", "replace")
    if len(_NON_ASCII.findall(text)) - len(offsets) < _DAMAGE_RATIO * len(offsets):
        return None
    if warnings is not None:
        lines = sorted({data.count(b"\n", 0, at) + 1 for at in offsets})
        shown = "、".join(map(str, lines[:5])) + ("…" if len(lines) > 5 else "")
        warnings.append(f"文件有 {len(offsets)} 处无效的 UTF-8 字节（第 {shown} 行），已替换为 �，"
                        f"这些位置的文字可能有误 / {len(offsets)} invalid UTF-8 byte sequence(s) (line "
                        f"{shown.replace('、', ', ')}) replaced by �: the text there may be wrong")
    return text


def _guess(data: bytes, name: str | None, warnings: list[str] | None = None) -> tuple[str, str]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], "utf-8" if enc == "utf-8-sig" else enc)
            if text is None:
                raise _error("undecodable", f"文件以 {enc} 字节序标记开头，但内容不是有效的 {enc}",
                             f"starts with a {enc} byte-order mark but is not valid {enc}", name)
            return text, enc
    if (found := _utf16_without_bom(data)) is not None:
        return found
    if b"\x00" in data:
        raise binary_error(None, name)
    if (text := _strict(data, "utf-8")) is not None:
        # A few GBK hanzi can be valid UTF-8 by accident (more almost never are), so only a text with
        # at most _FEW non-ASCII characters may go to GB18030, and only if that reads better.
        few = not text.isascii() and next(itertools.islice(_NON_ASCII.finditer(text), _FEW, None), None) is None
        gb = _strict(data, "gb18030") if few else None
        return (gb, "gb18030") if gb is not None and _score(gb) > _score(text) else (text, "utf-8")
    if (damaged := _damaged_utf8(data, name, warnings)) is not None:
        return damaged, "utf-8"
    scored = [(_score(t), t, enc) for enc in ("gb18030", "utf-16-le", "utf-16-be")
              if not (enc != "gb18030" and len(data) % 2) and (t := _strict(data, enc)) is not None]
    # UTF-16 of pure hanzi has no NULs; it is taken only when it reads well, and better than GB18030.
    best = max((c for c in scored if c[2] == "gb18030" or c[0] >= 0.8), key=lambda c: c[0], default=None)
    if best is None or best[0] < 0.6:  # nothing, or GBK-shaped mojibake (Big5 read as GBK looks so)
        found = _fallback(data)
        best = found if found and (best is None or found[0] > best[0]) else best
    if best is None:
        raise _error("undecodable", "无法识别文字编码（不是 UTF-8、GB18030 或 UTF-16）",
                     "cannot detect the text encoding (not UTF-8, GB18030 or UTF-16)", name)
    return best[1], best[2]


def _fallback(data: bytes) -> tuple[float, str, str] | None:
    from charset_normalizer import from_bytes  # slow to import; needed only for odd encodings

    match = from_bytes(data, cp_isolation=_FALLBACKS).best()
    if match is None or match.chaos > 0.2:
        return None
    text = str(match)
    # It names *some* encoding for nearly any bytes; keep only results that read as text.
    return (score, text, match.encoding) if (score := _score(text)) >= 0.6 else None


def _normalise(text: str) -> str:
    text = text.lstrip("\ufeff")  # a BOM is not content; repeated ones come from concatenated files
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def decode_text(data: bytes, *, name: str | None = None, warnings: list[str] | None = None) -> tuple[str, str]:
    """Decode ``data`` to ``(text, encoding)``, line ends normalised to ``\\n``.

    Raises ``ReadError`` (code ``"binary"`` or ``"undecodable"``) for data that is
    not text. ``name`` only labels error messages. UTF-8 with a few damaged bytes
    is read with U+FFFD in their place and a warning appended to ``warnings``.
    """
    if (fmt := binary_format(data)) is not None:
        raise binary_error(fmt, name)
    text, encoding = _guess(data, name, warnings)
    # More than 1% odd controls (or any NUL) means a binary file that happened to decode.
    if "\x00" in text or next(itertools.islice(_BAD.finditer(text), len(text) // 100, None), None):
        raise binary_error(None, name)
    return _normalise(text), encoding


def read_text(path: str | os.PathLike[str], *, max_bytes: int = MAX_TEXT_BYTES) -> Source:
    """Read a text file into a :class:`Source`, refusing what is missing, binary, empty or too large."""
    shown = os.fsdecode(path)
    data = read_limited(path, max_bytes=max_bytes)
    warnings: list[str] = []
    text, encoding = decode_text(data, name=shown, warnings=warnings)
    if not text.strip():
        raise _error("empty", "文件只有空白，没有内容", "the file contains only whitespace", shown)
    return Source(text, name=Path(shown).name, encoding=encoding, format="text",
                  sha256=Source.digest(data), size=len(data), warnings=tuple(warnings))


def text_source(text: str, name: str | None = None) -> Source:
    """Wrap text given directly (no decoding) in a :class:`Source`; ``encoding`` stays ``None``."""
    raw = text.encode("utf-8", "surrogatepass")  # hash what was given, even a stray surrogate
    normalised = _normalise(text)
    if not normalised.strip():
        raise _error("empty", "输入的文本是空的", "the given text is empty", name)
    return Source(normalised, name=name, encoding=None, format="text",
                  sha256=Source.digest(raw), size=len(raw))
