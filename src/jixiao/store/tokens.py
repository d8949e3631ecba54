"""Search tokens: substring-exact Chinese full-text search on any SQL back end.

Chinese has no spaces, so word tokenizers fail it, and a trigram index finds
nothing for the one- and two-character queries people type most (安全, 率).
Every searchable text is therefore indexed as

* its distinct characters (``u`` tokens), which answer one-character queries;
* its overlapping character pairs in order (``b`` tokens), which answer
  two-character queries as one token and longer ones as a phrase of pairs
  ("网络安全" = 网络 络安 安全 at consecutive positions) — exactly the
  entries that contain the query as a substring;
* tags (``t`` tokens) for the filters (department, unit, year, 一级, 二级),
  so a filtered query is one index lookup rather than a scan.

Tokens are ASCII (each character as four base-36 digits), so neither SQLite's
FTS5 tokenizer nor PostgreSQL's tsvector ever re-splits them, and both back
ends share this module. Text is compared after NFKC and case folding with
white space removed (a line-wrapped 网络 安全 is still 网络安全).

Rank: an entry's id is ``tier << 40 | row id`` with project names first,
then indicators, then goals; see :func:`entry_id`.
"""

from __future__ import annotations

import hashlib
import operator
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

__all__ = [
    "KIND_TIERS", "MAX_TERMS", "Query", "entry_fts5", "entry_id", "entry_tokens", "entry_tsvector", "fts5_match",
    "level1_category",
    "normalize", "normalize_with_map", "parse_query", "split_entry_id", "tag", "tsquery", "tsvector",
]

TIER_SHIFT = 40
ID_MASK = (1 << TIER_SHIFT) - 1
#: search entry kinds, in rank order
KIND_TIERS = {"project": 0, "indicator": 1, "goal": 2}
KIND_OF_TIER = {v: k for k, v in KIND_TIERS.items()}
BREAK = "x"  # between fields, so no phrase matches across a field boundary
MAX_TERMS = 16
_PG_MAX_POSITION = 16383  # tsvector positions stop there

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def entry_id(kind: str, row_id: int) -> int:
    """The search entry id of a project name, goal or indicator row."""
    return KIND_TIERS[kind] << TIER_SHIFT | row_id


def split_entry_id(eid: int) -> tuple[str, int]:
    return KIND_OF_TIER[eid >> TIER_SHIFT], eid & ID_MASK


class _Codes(dict):
    """ord → four base-36 digits, filled on first use; a ``str.translate`` table."""

    def __missing__(self, n: int) -> str:
        # 36**4 = 1,679,616 > 0x10FFFF, so four digits always do
        code = _DIGITS[n // 46656] + _DIGITS[n // 1296 % 36] + _DIGITS[n // 36 % 36] + _DIGITS[n % 36]
        self[n] = code
        return code


_CODES = _Codes()


def _char_code(c: str) -> str:
    return _CODES[ord(c)]


@lru_cache(maxsize=65536)
def _fold(c: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", c).casefold() if not ch.isspace())


_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """The text as it is indexed: NFKC, case-folded, without white space."""
    if text.isascii():
        return _SPACE.sub("", text.lower())
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).casefold())


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """``normalize(text)`` and, for each of its characters, the index in ``text`` it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, c in enumerate(text):
        f = _fold(c)
        out.append(f)
        where.extend([i] * len(f))
    return "".join(out), where


@lru_cache(maxsize=4096)
def tag(kind: str, value: str | int) -> str:
    """A filter tag token: ``ty2024``, or a short hash of a name (``td`` + 12 hex digits)."""
    if isinstance(value, int):
        return f"t{kind}{value}"
    digest = hashlib.blake2b(normalize(value).encode(), digest_size=6).hexdigest()
    return f"t{kind}{digest}"


_LEVEL1 = (("满意", "3"), ("产出", "1"), ("完成", "1"), ("效益", "2"), ("效果", "2"), ("成本", "4"))


def level1_category(level1: str | None, code: str | None = None) -> str | None:
    """产出 1, 效益 2, 满意度 3, 成本 4 — from the name (old names too) or the printed code."""
    if level1:
        for word, cat in _LEVEL1:
            if word in level1:
                return cat
    if code and code[:1] in "1234":
        return code[:1]
    return None


@lru_cache(maxsize=1024)
def level2_key(level2: str) -> str:
    """二级 names compared without 指标 and punctuation: 数量 == 数量指标."""
    n = normalize(level2)
    n = re.sub(r"^[\d\-.、]+", "", n).replace("指标", "")
    return n


# character → its ``u`` token; its ``b`` token's first half ("b" + digits) and second half (digits).
# Plain dicts, filled by _learn before use, so ``map(d.__getitem__, text)`` looks characters up in C.
_UNIGRAMS: dict[str, str] = {}
_PAIR_FIRSTS: dict[str, str] = {}
_PAIR_SECONDS: dict[str, str] = {}


def _learn(chars: frozenset[str]) -> None:
    for c in chars.difference(_PAIR_SECONDS):
        code = _CODES[ord(c)]
        _UNIGRAMS[c] = "u" + code
        _PAIR_FIRSTS[c] = "b" + code
        _PAIR_SECONDS[c] = code


_CACHED_FIELD = 64  # longer texts (goals) are rarely repeated; short ones (值 ≥95%, 满意度) very often


class _Field:
    """One field's tokens, and their renderings: built once per distinct short text (see _field)."""

    __slots__ = ("chars", "unigrams", "fts5", "_tsv")

    def __init__(self, text: str):
        f = normalize(text)
        self.chars = frozenset(f)
        _learn(self.chars)
        #: the ``u`` tokens, space-separated
        self.unigrams = " ".join(map(_UNIGRAMS.__getitem__, sorted(self.chars)))
        #: the ``b`` tokens (overlapping pairs, in order), space-separated; made by ``map`` and ``join``
        #: in C rather than a loop over the characters in Python (a third of building an entry's text)
        self.fts5 = " ".join(map(operator.add, map(_PAIR_FIRSTS.__getitem__, f[:-1]),
                                 map(_PAIR_SECONDS.__getitem__, f[1:])))
        self._tsv: dict[int, str] = {}

    @property
    def pairs(self) -> list[str]:
        return self.fts5.split(" ") if self.fts5 else []

    def tsv(self, start: int) -> str:
        """The pairs with their positions, the first at ``start``."""
        if (out := self._tsv.get(start)) is None:
            cap = _PG_MAX_POSITION
            out = " ".join([f"{t}:{i if i < cap else cap}" for i, t in enumerate(self.pairs, start)])
            if len(self._tsv) < 4:
                self._tsv[start] = out
        return out


_field_cache = lru_cache(maxsize=4096)(_Field)


def _field(text: str) -> _Field:
    return _field_cache(text) if len(text) <= _CACHED_FIELD else _Field(text)


def _unigram_text(parts: list[_Field]) -> str:
    if len(parts) == 1:
        return parts[0].unigrams
    return " ".join(map(_UNIGRAMS.__getitem__, sorted(frozenset().union(*[p.chars for p in parts]))))


def entry_tokens(fields: Sequence[str | None], tags: Iterable[str]) -> list[str]:
    """The tokens of one entry: distinct characters, pairs per field, tags."""
    parts = [_field(f) for f in fields if f]
    tokens = [_UNIGRAMS[c] for c in sorted(frozenset().union(*[p.chars for p in parts]))]
    for p in parts:
        tokens += p.pairs
        tokens.append(BREAK)
    tokens.extend(tags)
    return tokens


def tsvector(tokens: Sequence[str]) -> str:
    """The tokens as a PostgreSQL ``tsvector`` literal (no parser involved).

    Only pairs carry positions (phrases are made of pairs; a position costs
    parsing and space): pairs and breaks are numbered from 1, the rest not,
    so the pairs of two fields are never adjacent.
    """
    cap = _PG_MAX_POSITION
    out = []
    pos = 0
    for t in tokens:
        if t[0] == "b":
            pos += 1
            out.append(f"{t}:{pos if pos < cap else cap}")
        elif t == BREAK:
            pos += 1
        else:
            out.append(t)
    return " ".join(out)


def entry_tsvector(fields: Sequence[str | None], tags: Sequence[str]) -> str:
    """``tsvector(entry_tokens(fields, tags))``, from cached pieces."""
    parts = [_field(f) for f in fields if f]
    out = [_unigram_text(parts)]
    pos = 1
    for p in parts:
        if p.fts5:
            out.append(p.tsv(pos))
            pos += p.fts5.count(" ") + 2
        else:
            pos += 1
    out.extend(tags)
    return " ".join([o for o in out if o])


def entry_fts5(fields: Sequence[str | None], tags: Sequence[str]) -> str:
    """``" ".join(entry_tokens(fields, tags))``: the text SQLite's FTS5 table indexes, from cached pieces."""
    parts = [_field(f) for f in fields if f]
    out = [_unigram_text(parts)]
    for p in parts:
        if p.fts5:
            out.append(p.fts5)
        out.append(BREAK)
    out.extend(tags)
    return " ".join([o for o in out if o])


# -- queries ------------------------------------------------------------------------


class Query:
    """A parsed search: terms that must all occur, each as a token or a phrase of pairs.

    ``terms`` are the normalised query words; ``groups`` the tags of which each
    group needs one (a department filter that matched two names is one group).
    """

    def __init__(self, terms: list[str], groups: list[list[str]]):
        self.terms = terms
        self.groups = groups

    def term_tokens(self) -> list[list[str]]:
        out = []
        for t in self.terms:
            codes = [_char_code(c) for c in t]
            if len(codes) == 1:
                out.append(["u" + codes[0]])
            else:
                out.append(["b" + a + b for a, b in zip(codes, codes[1:], strict=False)])
        return out


_QUOTED = re.compile(r'"([^"]*)"|(\S+)')


def parse_query(text: str, groups: list[list[str]] | None = None) -> Query:
    """Split a query into terms: white space separates terms, "double quotes" keep one.

    Terms are normalised like the index; SQL, FTS syntax and punctuation in
    them are only characters to find.
    """
    terms = []
    for m in _QUOTED.finditer(text or ""):
        t = normalize(m.group(1) if m.group(1) is not None else m.group(2))
        if t and t not in terms:
            terms.append(t)
    return Query(terms[:MAX_TERMS], groups or [])


def fts5_match(q: Query) -> str:
    """The FTS5 MATCH expression: every term (token or phrase) and one tag of every group."""
    parts = ['"' + " ".join(toks) + '"' for toks in q.term_tokens()]
    for g in q.groups:
        parts.append("(" + " OR ".join(f'"{t}"' for t in g) + ")")
    return " AND ".join(parts)


def tsquery(q: Query) -> str:
    """The PostgreSQL ``tsquery`` literal for the same search."""
    parts = ["(" + " <-> ".join(f"'{t}'" for t in toks) + ")" for toks in q.term_tokens()]
    for g in q.groups:
        parts.append("(" + " | ".join(f"'{t}'" for t in g) + ")")
    return " & ".join(parts)
