"""Source text → lines and cells, each an :class:`MText` mapped to the source.

Given the decoded text, return its lines; given a line, return its cells
(tab- or pipe-separated) with HTML tags and entities removed. Tags, cell
separators and page chrome are recorded as syntax so they never show up as
residue, and never leak into a field.
"""

from __future__ import annotations

import html
import re
from array import array
from collections.abc import Iterator, Sequence
from typing import NamedTuple, overload

from ..model import Span
from .mtext import _SPACE, MText

__all__ = ["Line", "Lines", "clean_cell", "clean_line", "is_chrome", "split_cells", "split_lines"]

_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|<!--.*?-->")
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BLOCK_TAG_RE = re.compile(r"<(?:script|style)\b[^>]*>.*?</(?:script|style)\s*>", re.S | re.I)
_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+")
_TAB_RE = re.compile("\t")
_PIPE_SPLIT_RE = re.compile(r"\s*(?<!\\)\|\s*")

# Page furniture of web pages and PDFs: never a field, always residue.
# Chrome recognised by its whole line (page numbers, 发布时间：…, breadcrumbs, rules).
_CHROME_LINE_RE = re.compile(
    r"^\s*(?:"
    r"第\s*\d+\s*页\s*[,，/／]?\s*(?:共\s*\d+\s*页)?"
    r"|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页"
    r"|-?\s*\d+\s*-?\s*/\s*\d+\s*"
    r"|[-–—]\s*\d+\s*[-–—]"
    r"|Page\s+\d+(?:\s+of\s+\d+)?"
    r"|(?:发布(?:时间|日期)|更新时间|来源|作者|编辑|责任编辑|浏览次数|点击数|字号|打印本页|关闭窗口|分享到|索引号|发文机关|主题分类)\s*[:：].*"
    r"|字号\s*[:：]?\s*大\s*中\s*小.*"
    r"|(?:首页|当前位置|您当前的位置|您的位置)\s*[>＞:：»].*"
    r"|(?:附件下载|附件|上一篇|下一篇|相关链接|相关文章)\s*[:：].*"
    r"|(?:【[^】]{1,12}】\s*)+"
    r"|扫一扫.*"
    r"|[-=_*·.。\s|:+]{3,}"  # rules, also a Markdown table's |---|:--:| and a text grid's +----+
    r")\s*$",
    re.I,
)
# Chrome recognised by a word anywhere in the line (pagers, footers). Searched on its own rather than
# as ``^.*(?:word).*$`` inside the pattern above, which backtracked over every line of the table; and
# without re.I, so the engine can skip to the words' first characters (CJK has no case).
_CHROME_WORD_RE = re.compile(
    r"上一页|下一页|尾页|在手机(?:上)?打开"
    r"|版权所有|网站标识码|公网安备|主办单位|承办单位|技术支持|网站地图|联系我们"
)
_ICP_RE = re.compile(r"ICP备", re.I)


class Line(NamedTuple):
    """One line of the source: its number (1-based) and offsets.

    A named tuple, not a frozen dataclass: a document has tens of thousands of lines, and a
    frozen dataclass pays an ``object.__setattr__`` per field to build each one.
    """

    no: int
    start: int
    end: int
    text: str

    @property
    def mtext(self) -> MText:
        return MText(self.text, [(0, self.start, len(self.text))] if self.text else [])

    def is_blank(self) -> bool:
        return not self.text.strip()


# tuple.__new__ skips the named tuple's generated constructor (this runs once per line read)
_new_line = tuple.__new__


class Lines(Sequence[Line]):
    """The lines of a source, each :class:`Line` made when read.

    A list of Line tuples cost ~270 bytes a line (the tuple, its offsets and a copy of its text):
    a fifth of a large table's parse memory, held to the end of the parse. This keeps the source
    and one array of line starts (4 bytes a line); the parse reads each line about twice.
    """

    __slots__ = ("_source", "_starts")

    def __init__(self, source: str) -> None:
        starts = [0]
        find, pos = source.find, source.find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._source = source
        try:
            self._starts = array("I", starts)
        except OverflowError:  # a source of 4 Gi characters or more
            self._starts = array("Q", starts)

    def __len__(self) -> int:
        return len(self._starts)

    def _line(self, k: int) -> Line:
        starts = self._starts
        start = starts[k]
        end = starts[k + 1] - 1 if k + 1 < len(starts) else len(self._source)
        return _new_line(Line, (k + 1, start, end, self._source[start:end]))

    @overload
    def __getitem__(self, k: int) -> Line: ...
    @overload
    def __getitem__(self, k: slice) -> list[Line]: ...
    def __getitem__(self, k: int | slice) -> Line | list[Line]:
        if isinstance(k, slice):
            return [self._line(i) for i in range(*k.indices(len(self._starts)))]
        n = len(self._starts)
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError("line index out of range")
        return self._line(k)

    def __iter__(self) -> Iterator[Line]:
        source = self._source
        new = _new_line
        start = 0
        for no, end in enumerate(self._starts[1:], 1):
            yield new(Line, (no, start, end - 1, source[start:end - 1]))
            start = end
        yield new(Line, (len(self._starts), start, len(source), source[start:]))


def split_lines(source: str) -> Lines:
    return Lines(source)


def is_chrome(text: str) -> bool:
    """True for page furniture: page numbers, breadcrumbs, 发布时间, footers, rules."""
    t = _TAG_RE.sub("", text) if "<" in text else text
    if not t.strip():
        return False
    return _has_chrome_word(t) or bool(_CHROME_LINE_RE.match(t))


def _has_chrome_word(t: str) -> bool:
    # a line holds no "\n", so ``.*word.*`` over the whole line is a plain search for the word
    return bool(_CHROME_WORD_RE.search(t) or ("备" in t and _ICP_RE.search(t)))


def clean_cell(mt: MText, syntax: list[Span]) -> MText:
    """Drop HTML tags (and script/style bodies), decode entities, strip a
    Markdown heading mark; the removed parts go to ``syntax``."""
    if "<" in mt.s:
        mt, removed = mt.remove_re(_BLOCK_TAG_RE)
        syntax.extend(removed)
        mt, removed = mt.remove_re(_TAG_RE)
        syntax.extend(removed)
    if "&" in mt.s:
        parts, last = [], 0
        for m in _ENTITY_RE.finditer(mt.s):
            decoded = html.unescape(m.group(0))
            if decoded == m.group(0):
                continue
            parts.append(mt.slice(last, m.start()))
            # the decoded character stands for the entity's first character
            first = mt.slice(m.start(), m.start() + 1)
            parts.append(MText(decoded.replace("\xa0", " "), [(0, r[1], 1) for r in first.runs[:1]]))
            syntax.extend(mt.spans(m.start() + 1, m.end()))
            last = m.end()
        if parts:
            parts.append(mt.slice(last))
            mt = MText.join(parts)
    m = _MD_HEADING_RE.match(mt.s)
    if m:
        syntax.extend(mt.spans(0, m.end()))
        mt = mt.slice(m.end())
    return mt


def clean_line(line: Line, syntax: list[Span]) -> MText:
    """``clean_cell(line.mtext, syntax).strip()``: a whole line as one cell.

    Most lines of a wrapped table hold no tag, entity or heading mark; they are stripped and
    mapped in one step (this runs for every line of every cell).
    """
    text = line.text
    if "<" in text or "&" in text or "#" in text:
        return clean_cell(line.mtext, syntax).strip()
    b = len(text.rstrip(_SPACE))
    a = b - len(text[:b].lstrip(_SPACE))
    return MText(text[a:b], [(0, line.start + a, b - a)] if a < b else [])


def split_cells(line: Line, syntax: list[Span]) -> list[MText] | None:
    """The cells of a tab- or pipe-separated line, or None for a plain line."""
    text = line.text
    mt = line.mtext
    if "\t" in text:
        seps = list(_TAB_RE.finditer(text))
    elif text.count("|") >= 2 or text.rstrip().endswith(" |"):
        seps = list(_PIPE_SPLIT_RE.finditer(text))
    else:
        return None
    cells, last = [], 0
    for m in seps:
        cells.append(mt.slice(last, m.start()))
        syntax.extend(mt.spans(m.start(), m.end()))
        last = m.end()
    cells.append(mt.slice(last))
    # a leading/trailing pipe opens/closes the row; it is not an empty cell
    if "|" in text and "\t" not in text:
        if cells and not cells[0].s.strip():
            cells = cells[1:]
        if cells and not cells[-1].s.strip():
            cells = cells[:-1]
    return [clean_cell(c, syntax).strip() for c in cells]
