"""Reading input files within bounds: size limits, one-line errors, ZIP containers checked before opening.

Every reader goes through here, so a missing file, a directory, a 2 GB upload
or a ZIP bomb posing as DOCX/XLSX is refused the same way whatever the format.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib

from jixiao.errors import ReadError
from jixiao.read.base import MAX_TEXT_BYTES

__all__ = ["MAX_MEMBER_BYTES", "MAX_RATIO", "MAX_UNZIPPED_BYTES", "open_zip", "read_error", "read_limited",
           "read_member"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

#: Largest total size of a DOCX/XLSX once unpacked. A department's workbook is a few MB unpacked.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
#: Largest single member once unpacked (the sheet or document XML).
MAX_MEMBER_BYTES = 128 * 1024 * 1024
#: Highest compression ratio allowed for a member over 1 MB: XML packs 10-30x, a bomb packs 1000x.
MAX_RATIO = 200
_MAX_MEMBERS = 10_000
_RATIO_FLOOR = 1024 * 1024


def read_error(code: str, zh: str, en: str, name: str | None = None) -> ReadError:
    """A ``ReadError`` with the one-line message "无法读取 NAME：zh / cannot read NAME: en"."""
    where = " " + _CONTROL.sub("?", name) if name else ""  # a newline in a file name would split the message
    return ReadError(f"无法读取{where}：{zh} / cannot read{where}: {en}", code=code)


def _io_error(exc: OSError, name: str) -> ReadError:
    reason = exc.strerror or type(exc).__name__
    return read_error("io-error", f"系统错误（{reason}）", reason, name)


def read_limited(path: str | os.PathLike[str], *, max_bytes: int = MAX_TEXT_BYTES) -> bytes:
    """Given a path, return the file's bytes; refuse (``ReadError``) what is missing, a directory,
    empty or larger than ``max_bytes``."""
    shown = os.fsdecode(path)
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError, ValueError):
        raise read_error("not-found", "文件不存在", "no such file", shown) from None
    except OSError as exc:
        raise _io_error(exc, shown) from None
    if stat.S_ISDIR(info.st_mode):
        raise read_error("not-a-file", "这是一个目录，不是文件", "it is a directory, not a file", shown)
    too_large = read_error("too-large", f"文件太大（超过 {max_bytes:,} 字节的上限）",
                           f"file too large (over the {max_bytes:,}-byte limit)", shown)
    if info.st_size > max_bytes:
        raise too_large
    try:
        with open(path, "rb") as fh:
            # read in chunks: read(n) sizes its buffer by n, so read(max_bytes) would take 64 MB for a 30 KB file;
            # stopping past max_bytes notices a file that grew (or a device) without reading it all
            chunks, got = [], 0
            while got <= max_bytes:
                chunk = fh.read(min(max(info.st_size, 1 << 16), max_bytes + 1 - got))
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
            data = b"".join(chunks)
    except OSError as exc:
        raise _io_error(exc, shown) from None
    if len(data) > max_bytes:
        raise too_large
    if not data:
        raise read_error("empty", "文件是空的（0 字节）", "the file is empty (0 bytes)", shown)
    return data


def open_zip(data: bytes, name: str | None, label: tuple[str, str]) -> zipfile.ZipFile:
    """Given the bytes of a ZIP container (DOCX, XLSX), return it opened — after checking, from its
    directory alone, that unpacking it stays within the size and ratio limits.

    ``label`` is the (Chinese, English) name of the format for messages.
    """
    zh, en = label
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise read_error("zip-corrupt", f"{zh} 文件已损坏或不完整（ZIP 结构无法读取）",
                         f"damaged or truncated {en} (unreadable ZIP structure)", name) from None
    bomb = read_error("zip-bomb", f"{zh} 解压后过大或压缩比异常，疑似压缩炸弹，已拒绝",
                      f"{en} would unpack too large or too compressed (a ZIP bomb?); refused", name)
    if len(infos) > _MAX_MEMBERS:
        raise bomb
    total = 0
    for info in infos:
        total += info.file_size
        ratio_bad = info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_BYTES or ratio_bad or total > MAX_UNZIPPED_BYTES:
            raise bomb
    return zf


def read_member(zf: zipfile.ZipFile, member: str, name: str | None, label: tuple[str, str]) -> bytes | None:
    """Given a checked ZIP, return one member's bytes (``None`` if absent). The unpacked size is
    bounded by the directory entry :func:`open_zip` checked, which ``zipfile`` enforces."""
    zh, en = label
    try:
        with zf.open(member) as fh:
            return fh.read(MAX_MEMBER_BYTES + 1)
    except KeyError:
        return None
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: the member is encrypted; zlib.error: its deflate stream is damaged
        raise read_error("zip-corrupt", f"{zh} 文件已损坏或加密（{type(exc).__name__}）",
                         f"damaged or encrypted {en} ({type(exc).__name__})", name) from None
