"""The indicator grid of a form: 一级指标 | 二级指标 | 三级指标 | 指标值 ….

Three ways a grid arrives, one result:

* clean rows (a cell per column, 一级/二级 left empty or left out on
  continuation rows): cells are placed by the header's columns;
* one cell per line: the cells are a stream, read by their vocabulary
  (level words) and the header's column count;
* OCR'd rows: several indicators in one cell, a name's two lines in two
  cells, values slid to the next row, the same rows read more than once.
  Each row is then an observation — names (left and right fragments) and
  value tokens — merged into the indicators seen so far.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..model import Indicator, Issue, Span, Target
from .labels import GRID_WORDS, match_label, strip_noise
from .lines import Line, clean_cell, is_chrome, split_cells
from .mtext import MText
from .values import parse_target
from .vocab import LEVEL1_WORDS, LEVEL2_WORDS, LEVEL_WORD_RE, is_level1, is_level2, squash

__all__ = ["GridResult", "find_numbered_targets", "find_prose_targets", "find_stream_header", "glued_grid_header",
           "grid_column_role", "grid_from_rows", "value_start", "indicators_from_cells", "is_grid_header", "parse_grid",
           "parse_numbered_targets", "parse_prose"]

_VALUE_TOKEN_RE = re.compile(
    r"^(?:[<>≤≥＜＞=≧≦]=?|约|不低于|不少于|不高于|不超过|大于|小于)?\s*"
    r"\d+(?:\.\d+)?\s*(?:%|％|‰|[个人次件套台项所门间场天年月日时分秒元万台辆批期篇份册部本条家]{0,3})?(?:以上|以下|以内)?$"
)
_QUALITATIVE = {
    "提高", "提升", "改善", "稳定", "及时", "按时", "按期", "建立", "完备", "完善", "推动", "合格", "达标",
    "良好", "优秀", "优", "良", "是", "否", "有效", "健全", "完成", "下降", "降低", "减少", "满足", "符合",
    "正常", "显著", "明显", "增强", "增加", "促进", "保障", "规范", "较好", "好", "高", "全覆盖", "持续",
    "有所提高", "逐步提高", "明显提高", "显著提高", "稳步提高", "进一步提高", "长期", "安全", "无",
}
_NAME_NOISE_RE = re.compile(r"[!！。·•|\[\]]|^[A-Z](?=[\u4e00-\u9fff])")
_SPACES_RE = re.compile(r"[ \t\u3000]+")
_NAME_NUMBER_RE = re.compile(r"^\s*指标\s*\d{1,3}\s*[:：]\s*")


def grid_column_role(cell: str) -> str | None:
    """The role of an indicator grid's column from its header cell (一级指标 → level1), also as a
    column of a summary table that prints its indicators beside the projects."""
    key = strip_noise(cell)
    if not key:
        return None
    if key in GRID_WORDS:
        return GRID_WORDS[key]
    for word, role in (("一级", "level1"), ("二级", "level2"), ("三级", "name")):
        if key.startswith(word) and len(key) <= 5:
            return role
    return None


_GRID_WORDS_LONGEST_FIRST = sorted(GRID_WORDS, key=len, reverse=True)


def glued_grid_header(text: str) -> list[str] | None:
    """"一级指标二级指标三级指标指标值": a grid header whose cells lost their separators,
    split into its column words; None unless the words cover the whole line."""
    rest = squash(text).strip("|")
    if not rest or len(rest) > 80 or "\t" in text:
        return None
    words: list[str] = []
    while rest:
        word = next((w for w in _GRID_WORDS_LONGEST_FIRST if rest.startswith(w)), None)
        if word is None:
            return None
        words.append(word)
        rest = rest[len(word):]
    roles = {GRID_WORDS[w] for w in words}
    return words if len(words) >= 3 and "name" in roles and roles & {"annual", "period"} else None


def is_grid_header(cells: list[str]) -> bool:
    """True for the header row of an indicator grid."""
    roles = [grid_column_role(c) for c in cells if c.strip()]
    if len(cells) == 1 and len(cells[0].split()) >= 3:
        roles = [grid_column_role(t) for t in cells[0].split()]
    have = set(roles)
    return ("name" in have and len(have & {"level1", "level2", "annual", "period"}) >= 1 and len(have - {None}) >= 2) or {
        "level1", "level2"} <= have


@dataclass
class GridResult:
    indicators: list[Indicator] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    syntax: list[Span] = field(default_factory=list)


def _is_value_token(t: str) -> bool:
    t = squash(t)
    return bool(t) and (bool(_VALUE_TOKEN_RE.match(t)) or t in _QUALITATIVE)


def _clean_name(s: str) -> str:
    """A name as printed, without white space and OCR specks (not NFKC-folded: it must stay source text)."""
    return _NAME_NOISE_RE.sub("", "".join(s.split()))


def _related(a: str, b: str) -> bool:
    """Two OCR reads of one name: equal, one a prefix/suffix of the other, or a near prefix."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 4 and (long_.startswith(short) or long_.endswith(short)):
        return True
    if len(short) < 5:
        return False
    head = long_[: len(short)]
    # the ratio's matches are at most the characters both share: most pairs share too few for 0.8
    if 5 * sum((Counter(short) & Counter(head)).values()) < 4 * len(short):
        return False
    return SequenceMatcher(None, short, head).ratio() >= 0.8


@dataclass
class _Grid:
    indicators: list[Indicator] = field(default_factory=list)
    level1: str | None = None
    level1_code: str | None = None
    level2: str | None = None
    level2_code: str | None = None
    carry: list[MText] = field(default_factory=list)

    def find(self, name: str, level1: str | None) -> Indicator | None:
        for ind in self.indicators:
            if ind.level1 == level1 and _related(_clean_name(ind.name or ""), name):
                return ind
        return None


def _level_cells(cells: list[MText]) -> tuple[MText | None, MText | None, list[MText]]:
    """Split a row into its 一级 cell, 二级 cell and the rest (fragments of level words merged)."""
    merged: list[MText] = []
    i = 0
    while i < len(cells):
        c = cells[i]
        if i + 1 < len(cells) and c.s and cells[i + 1].s:
            joined = strip_noise(c.s + cells[i + 1].s)
            # "效益 | ·指标": one level word broken over two cells
            if (is_level1(joined) or is_level2(joined)) and not is_level2(strip_noise(cells[i + 1].s)):
                merged.append(MText.join([c, cells[i + 1]]))
                i += 2
                continue
        merged.append(c)
        i += 1
    l1 = l2 = None
    rest: list[MText] = []
    for c in merged:
        if not c.s:
            continue
        words = c.s.split()
        key = strip_noise(c.s)
        if l1 is None and l2 is None and not rest and is_level1(key):
            l1 = c
        elif l2 is None and not rest and (is_level2(key) or (words and all(is_level2(strip_noise(w)) for w in words))):
            l2 = c
        elif l2 is None and not rest and key.endswith("指标") and all(strip_noise(w).endswith("指标") for w in words):
            continue  # an unreadable level label: structure, not a name
        else:
            rest.append(c)
    return l1, l2, rest


def _pair_fragments(left: list[MText], right: list[MText], grid: _Grid, level1: str | None) -> list[MText]:
    """Names from a cell of first lines and a cell of second lines.

    The right fragments are shifted against the left ones; the shift that
    rebuilds the most names already read whole wins, then the one whose
    names relate to the most known names, then the plain alignment.
    """
    if not right:
        return left
    if not left:
        return right
    known = {_clean_name(i.name or "") for i in grid.indicators if i.level1 == level1}
    default = max(0, len(left) - len(right))
    best, best_score = left, (-1, -1, False)
    for o in range(0, len(left) + 1):
        names, exact = list(left[:o]), 0
        for j, r in enumerate(right):
            k = j + o
            if k < len(left):
                joined = MText.join([left[k], r])
                exact += _clean_name(joined.s) in known
                names.append(joined)
            else:
                names.append(r)
        names.extend(left[o + len(right):])
        related = sum(1 for n in names if grid.find(_clean_name(n.s), level1))
        score = (exact, related, o == default)
        if score > best_score:
            best, best_score = names, score
    return best


def _level_text(c: MText) -> tuple[str, str | None]:
    first = c.s.split()[0] if c.s.split() else c.s
    m = re.match(r"^\s*(\d{1,3})\s*[-－—.、]\s*(.+)$", first)
    if m:
        return strip_noise(m.group(2)), m.group(1)
    return strip_noise(first), None


def _observe(grid: _Grid, cells: list[MText], value_cols: int, syntax: list[Span], merge: bool) -> None:
    l1, l2, rest = _level_cells(cells)
    if l1 is not None:
        grid.level1, grid.level1_code = _level_text(l1)
        grid.level2 = None
        grid.carry = []
    row_level2 = _level_text(l2)[0] if l2 is not None else None
    if row_level2 is not None and (l1 is not None or not merge):
        grid.level2 = row_level2
    values: list[MText] = []
    if rest:
        toks = [t for t in rest[-1].split_re(_SPACES_RE) if t.s]
        good = [t for t in toks if _is_value_token(t.s)]
        if merge and good and len(good) * 2 >= len(toks):
            values = good
            rest = rest[:-1]
        elif not merge and len(rest) >= 2:
            values = rest[-value_cols:] if len(rest) > value_cols else rest[-1:]
            rest = rest[: len(rest) - len(values)]
    if merge:
        left = [t for t in rest[0].split_re(_SPACES_RE) if t.s] if rest else []
        right = [t for t in rest[1].split_re(_SPACES_RE) if t.s] if len(rest) > 1 else []
        names = _pair_fragments(left, right, grid, grid.level1)
        values = grid.carry + values
    else:
        names = [MText.join(rest, " ")] if rest else []
    level2_for_row = row_level2 if merge else grid.level2
    created = 0
    for k, nm in enumerate(names):
        key = _clean_name(nm.s)
        if not key:
            continue
        val = values[k] if k < len(values) else None
        ind = grid.find(key, grid.level1) if merge else None
        if ind is None:
            ind = Indicator(seq=len(grid.indicators) + 1, level1=grid.level1, level1_code=grid.level1_code,
                            level2=level2_for_row, name=key)
            ind.spans["name"] = nm.spans()
            grid.indicators.append(ind)
            created += 1
        elif len(key) > len(ind.name or "") and key.startswith(ind.name or ""):
            ind.name = key  # a later read that shows more of the name
            ind.spans["name"] = nm.spans()
        if ind.level2 is None and level2_for_row is not None:
            ind.level2 = level2_for_row.split()[0] if level2_for_row else None
        if val is not None and ind.annual_value is None:
            ind.annual_value = "".join(val.s.split()) if merge else val.s
            ind.spans["annual_value"] = val.spans()
    if not merge and len(values) >= 2 and created:
        ind = grid.indicators[-1]
        ind.period_value, ind.annual_value = values[0].s, values[-1].s
        ind.spans["period_value"], ind.spans["annual_value"] = values[0].spans(), values[-1].spans()
    grid.carry = values[len(names):] if merge and len(values) > len(names) else []
    # what this row was read from is accounted for, even when it only confirmed an earlier read
    for c in (l1, l2, *names, *values[: len(names)]):
        if c is not None:
            syntax.extend(c.spans())


def _place_row(grid: _Grid, cells: list[MText], roles: list[str | None], labels: list[str],
               syntax: list[Span]) -> None:
    """A clean row: each cell under its header; empty 一级/二级 cells continue the group above.
    The 一级/二级 cells and the extra columns feed every indicator of their group: they are
    recorded in ``syntax`` so that they are not residue."""
    by: dict[str, MText] = {}
    extra: dict[str, str] = {}
    extra_spans: dict[str, list[Span]] = {}
    for role, label, c in zip(roles, labels, cells, strict=True):
        if not c.s:
            continue
        if role in ("level1", "level2", "name", "annual", "period") and role not in by:
            by[role] = c
            if role in ("level1", "level2"):
                syntax.extend(c.spans())
        elif role is not None:
            extra[label.strip()] = c.s
            extra_spans[f"extra.{label.strip()}"] = c.spans()
            syntax.extend(c.spans())
    if "level1" in by:
        grid.level1, grid.level1_code = _level_text(by["level1"])
        grid.level2 = grid.level2_code = None
    if "level2" in by:
        grid.level2, grid.level2_code = _level_text(by["level2"])
    if "name" not in by:
        return
    name = by["name"]
    if (number := _NAME_NUMBER_RE.match(name.s)) and number.end() < len(name.s):
        # "指标1：培训人次": the template's numbering within the group, not part of the name
        syntax.extend(name.spans(0, number.end()))
        name = name.slice(number.end()).strip()
    ind = Indicator(seq=len(grid.indicators) + 1, level1=grid.level1, level1_code=grid.level1_code,
                    level2=grid.level2, level2_code=grid.level2_code, name=name.s)
    ind.spans["name"] = name.spans()
    for role, key in (("annual", "annual_value"), ("period", "period_value")):
        if role in by:
            setattr(ind, key, by[role].s)
            ind.spans[key] = by[role].spans()
    ind.extra.update(extra)
    ind.spans.update(extra_spans)
    grid.indicators.append(ind)


_COMPARATORS = {"≥": ">=", ">=": ">=", ">": ">", "＞": ">", "≤": "<=", "<=": "<=", "<": "<", "＜": "<", "=": "="}


def _with_columns(target: Target | None, extra: dict[str, str]) -> Target | None:
    """A bare number under 绩效标准 ≥ and 度量单位 人 is the target ≥ N 人."""
    if target is None or target.kind != "quantitative":
        return target
    update: dict[str, str] = {}
    comparator = _COMPARATORS.get(squash(extra.get("绩效标准", extra.get("指标方向", ""))))
    if target.comparator is None and comparator:
        update["comparator"] = comparator
    unit = (extra.get("度量单位") or extra.get("计量单位") or "").strip()
    if target.unit is None and unit:
        update["unit"] = unit
    return target.model_copy(update=update) if update else target


def indicators_from_cells(rows: list[dict[str, MText]], out: GridResult) -> None:
    """Indicators from a summary table's grid columns: one dict per printed row, from the
    header's ``grid:ROLE:LABEL`` column to the cell under it. 一级/二级 left empty continue
    the group above, as in a form's grid."""
    grid = _Grid()
    for row in rows:
        # a summary's residue leaves its indicators' fields out (their items are syntax): so are these cells
        out.syntax.extend(sp for cell in row.values() for sp in cell.spans())
        keys = list(row)
        _place_row(grid, [row[k] for k in keys], [k.split(":", 2)[1] for k in keys],
                   [k.split(":", 2)[2] for k in keys], out.syntax)
    _finish(grid.indicators, out)
    out.indicators = grid.indicators


def grid_from_rows(header: list[str], rows: list[list[MText]]) -> GridResult:
    """Indicators from a grid already cut into cells, one cell per ``header`` column, 一级/二级
    only on the first row of their group (a fixed-width grid's rows, :mod:`.fixed_form`)."""
    out = GridResult()
    grid = _Grid()
    roles = [grid_column_role(h) for h in header]
    for cells in rows:
        _place_row(grid, cells, roles, header, out.syntax)
    _finish(grid.indicators, out)
    out.indicators = grid.indicators
    return out


def _finish(indicators: list[Indicator], out: GridResult) -> None:
    for ind in indicators:
        ind.annual_target = _with_columns(parse_target(ind.annual_value), ind.extra)
        ind.period_target = _with_columns(parse_target(ind.period_value), ind.extra)
        if ind.annual_value is None:
            out.warnings.append(Issue(code="value-missing",
                                      message=f"指标“{ind.name}”未读到指标值 / no value read for indicator"))


def find_stream_header(lines: list[Line]) -> int | None:
    """Index of a grid header written one cell per line (一级指标 | ↵ 二级指标 | ↵ 三级指标 | …)."""
    run: list[int] = []
    for k, line in enumerate(lines):
        if line.is_blank():
            continue
        bare = line.text.strip().strip("|").strip()
        role = grid_column_role(bare) if len(bare) <= 8 else None
        if role is not None:
            run.append(k)
            roles = {grid_column_role(lines[j].text.strip().strip("|").strip()) for j in run}
            if "name" in roles and len(run) >= 3 and roles & {"annual", "period"}:
                return run[0]
            continue
        run = []
    return None


def _parse_stream(lines: list[Line], out: GridResult) -> None:
    """A grid whose cells stand one per line: read them by vocabulary and the header's value columns."""
    cells: list[tuple[Line, MText]] = []
    roles: list[str] = []
    for line in lines:
        if line.is_blank() or is_chrome(line.text):
            continue
        mt = clean_cell(line.mtext, out.syntax)
        mt, removed = mt.remove_re(re.compile(r"\s*\|\s*$"))
        out.syntax.extend(removed)
        mt = mt.strip()
        role = grid_column_role(mt.s) if len(mt.s) <= 8 else None
        if role is not None and not cells:
            roles.append(role)
            out.syntax.extend(mt.spans())
            continue
        cells.append((line, mt))
    value_roles = [r for r in roles if r in ("period", "annual", "mid", "long")] or ["annual"]
    grid = _Grid()
    pending: Indicator | None = None
    filled = 0
    for _, mt in cells:
        key = strip_noise(mt.s)
        if not mt.s:
            if pending is not None and filled < len(value_roles):
                filled += 1  # an empty value cell
            continue
        if pending is None or filled >= len(value_roles):
            if is_level1(key) and (pending is None or filled >= len(value_roles)):
                grid.level1, grid.level1_code = _level_text(mt)
                grid.level2 = None
                out.syntax.extend(mt.spans())
                continue
            if is_level2(key):
                grid.level2 = _level_text(mt)[0]
                out.syntax.extend(mt.spans())
                continue
            pending = Indicator(seq=len(grid.indicators) + 1, level1=grid.level1, level1_code=grid.level1_code,
                                level2=grid.level2, name=mt.s)
            pending.spans["name"] = mt.spans()
            grid.indicators.append(pending)
            filled = 0
            continue
        role = value_roles[filled]
        key_name = {"annual": "annual_value", "period": "period_value"}.get(role)
        if key_name:
            setattr(pending, key_name, mt.s)
            pending.spans[key_name] = mt.spans()
        else:
            pending.extra[{"mid": "中期指标值", "long": "长期指标值"}.get(role, role)] = mt.s
        filled += 1
    out.indicators = grid.indicators


_CN_NUM = "一二三四五六七八九十"
_PROSE_L1_RE = re.compile(rf"^\s*[{_CN_NUM}]+\s*[、.．]\s*(?P<word>{LEVEL_WORD_RE})\s*[:：]?\s*$")
_PROSE_L2_RE = re.compile(rf"^\s*[（(]\s*[{_CN_NUM}]+\s*[)）]\s*(?P<word>{LEVEL_WORD_RE})\s*[:：]?\s*$")
_PROSE_ITEM_RE = re.compile(r"^\s*(?P<seq>\d{1,3})\s*[.．、)）]\s*")


def find_prose_targets(lines: list[Line]) -> int | None:
    """Index of the first heading of targets written as prose (``一、产出指标``)."""
    for k, line in enumerate(lines):
        if _PROSE_L1_RE.match(line.text):
            return k
    return None


def _item_cells(line: Line, syntax: list[Span]) -> list[MText]:
    """A line's non-empty cells, a group label before the items (年度绩效指标) claimed as structure."""
    out = []
    for c in split_cells(line, syntax) or [clean_cell(line.mtext, syntax)]:
        c = c.strip()
        if not c.s:
            continue
        if (lab := match_label(c.s, fuzzy=False)) is not None and lab.kind == "group":
            syntax.extend(c.spans())
            continue
        out.append(c)
    return out


def find_numbered_targets(lines: list[Line]) -> int | None:
    """Index of the first line whose cells begin numbered indicators (``年度绩效指标 | 1、产出指标：…``)."""
    # the numbered-item grammars are imported where a form holds such items: a grid never needs them
    from .indicators import find_indicator_start

    for k, line in enumerate(lines):
        if line.is_blank() or not any(ch.isdigit() for ch in line.text):
            continue
        cells = _item_cells(line, [])
        if cells and find_indicator_start(cells[0].s) == 0:
            return k
    return None


def parse_numbered_targets(lines: list[Line]) -> GridResult:
    """Numbered indicators of the standard grammars in a form's cells, one or more items a line,
    up to a row of labelled cells (填报人 | 张三 | 联系电话 …): that row and the rest are not theirs."""
    from .indicators import find_indicator_start, parse_indicators

    out = GridResult()
    parts: list[MText] = []
    for line in lines:
        if line.is_blank() or is_chrome(line.text):
            continue
        syntax: list[Span] = []
        cells = _item_cells(line, syntax)
        if parts and cells and find_indicator_start(cells[0].s) != 0 and (
                len(cells) >= 2 or match_label(cells[0].s, fuzzy=False) is not None):
            break  # 填报人 | 张三 | 联系电话 | …: a row of the form again, not an item's next line
        out.syntax.extend(syntax)
        parts.extend(cells)
    parsed = parse_indicators(MText.join_lines(parts))
    out.indicators = parsed.indicators
    out.syntax.extend(parsed.syntax)
    return out


def parse_prose(lines: list[Line]) -> GridResult:
    """Targets as prose: ``一、产出指标`` / ``（一）数量指标`` / ``1.培训人数：不少于300人``."""
    from .indicators import parse_indicator

    out = GridResult()
    level1 = level2 = None
    items: list[tuple[int, list[MText], str | None, str | None]] = []
    for line in lines:
        if line.is_blank() or is_chrome(line.text):
            continue
        mt = clean_cell(line.mtext, out.syntax).strip()
        if m := _PROSE_L1_RE.match(mt.s):
            level1, level2 = m.group("word"), None
            out.syntax.extend(mt.spans())
            continue
        if m := _PROSE_L2_RE.match(mt.s):
            level2 = m.group("word")
            out.syntax.extend(mt.spans())
            continue
        if m := _PROSE_ITEM_RE.match(mt.s):
            out.syntax.extend(mt.spans(0, m.end()))
            items.append((int(m.group("seq")), [mt.slice(m.end())], level1, level2))
        elif items:
            items[-1][1].append(mt)  # the item's text goes on
    for seq, parts, l1, l2 in items:
        ind = parse_indicator(MText.join_lines(parts), seq)
        ind.level1 = ind.level1 or l1
        ind.level2 = ind.level2 or l2
        out.indicators.append(ind)
    return out


_GLUED_LEVEL1_RE = re.compile(r"\s*(?:\d{1,3}\s*[-－—]?\s*)?(?:" + "|".join(
    sorted(map(re.escape, LEVEL1_WORDS), key=len, reverse=True)) + ")")
_GLUED_LEVEL2_RE = re.compile(r"\s*(?:\d{1,3}\s*[-－—]?\s*)?(?:" + "|".join(
    sorted(map(re.escape, LEVEL2_WORDS), key=len, reverse=True)) + ")")
_VALUE_START_RE = re.compile(r"[<>≤≥＜＞=≧≦]|不低于|不少于|不高于|不超过|不大于|不小于|大于|小于|达到|低于|高于")
_TRAILING_NUMBER_RE = re.compile(r"\d[\d.,]*\s*(?:%|％|‰|[^\d\s%％‰]{0,4})$")
# qualitative values as they end a glued row: "明显提升", "有效改善", "良好以上"
_QUALITATIVE_ENDINGS = sorted(
    {w for w in _QUALITATIVE if len(w) >= 2}
    | {a + v for a in ("明显", "有效", "显著", "逐步", "稳步", "持续", "有所", "进一步", "不断", "大幅")
       for v in ("提升", "提高", "改善", "增强", "增加", "下降", "降低", "减少", "优化")},
    key=len, reverse=True)


def value_start(s: str, pos: int) -> int:
    """Where the value begins in a name run into its value ("市民满意度≥90%", "养护里程120公里",
    "出行便利度明显提升"); ``len(s)`` when no value can be told apart."""
    m = _VALUE_START_RE.search(s, pos + 1)
    if m:
        return m.start()
    m = _TRAILING_NUMBER_RE.search(s, pos + 1)
    if m:
        return m.start()
    for word in _QUALITATIVE_ENDINGS:
        for ending in (word, word + "以上"):
            if s.endswith(ending) and len(s) - len(ending) > pos:
                return len(s) - len(ending)
    return len(s)


def _glued_cells(row: MText, roles: list[str | None]) -> list[MText]:
    """A grid row whose cells lost their separators, cut under the glued header's columns (their
    ``roles``) by the level vocabulary and the shape of a value."""
    s, pos = row.s, 0
    empty = MText.plain("")
    cells: list[MText] = []
    value_roles = [k for k, r in enumerate(roles) if r in ("annual", "period", "mid", "long")]
    for k, role in enumerate(roles):
        if role in ("level1", "level2"):
            m = (_GLUED_LEVEL1_RE if role == "level1" else _GLUED_LEVEL2_RE).match(s, pos)
            cells.append(row.slice(pos, m.end()).strip() if m else empty)
            pos = m.end() if m else pos
        elif role == "name":
            end = value_start(s, pos)
            cells.append(row.slice(pos, end).strip())
            pos = end
        elif value_roles and k == value_roles[-1]:
            cells.append(row.slice(pos).strip())
            pos = len(s)
        else:
            cells.append(empty)
    return cells


def _space_cells(row: MText, roles: list[str | None]) -> list[MText]:
    """A grid row whose cells are separated by spaces, placed under the header's columns (their
    ``roles``): leading 一级/二级 words where the row prints them (continuation rows leave them
    out), the values from the right, and what lies between is the 三级 name (which may hold a space)."""
    tokens = [t for t in row.split_re(_SPACES_RE) if t.s]
    if len(tokens) == len(roles) or "name" not in roles:
        return tokens
    empty = MText.plain("")
    name_at = roles.index("name")
    cells: list[MText] = []
    for role in roles[:name_at]:
        word = _level_text(tokens[0])[0] if tokens else ""
        fits = is_level1(word) if role == "level1" else is_level2(word) if role == "level2" else False
        cells.append(tokens.pop(0) if fits and len(tokens) > 1 else empty)
    after = len(roles) - name_at - 1
    tail = tokens[len(tokens) - after:] if 0 < after < len(tokens) else []
    middle = tokens[: len(tokens) - len(tail)]
    cells.append(MText.join(middle, " ") if middle else empty)
    cells.extend([empty] * (after - len(tail)) + tail)
    return cells


def parse_grid(lines: list[Line]) -> GridResult:
    out = GridResult()
    stream_at = find_stream_header(lines)
    if stream_at is not None and stream_at < 3:
        _parse_stream(lines[stream_at:], out)
        for ind in out.indicators:
            ind.annual_target = parse_target(ind.annual_value)
            ind.period_target = parse_target(ind.period_value)
        return out
    grid = _Grid()
    rows: list[list[MText]] = []
    full_rows: list[list[MText]] = []
    header: list[str] = []
    spaced = False
    glued: list[str] | None = None
    header_roles: list[str | None] = []  # the roles of a glued or space-separated header
    for line in lines:
        if line.is_blank() or is_chrome(line.text):
            continue
        bare = line.text.strip().rstrip("|").strip()
        if len(bare) == 1 and "\u4e00" <= bare <= "\u9fff":
            # a group label written one character per line (绩/效/指/标) beside the grid
            out.syntax.extend(line.mtext.spans())
            continue
        full = split_cells(line, out.syntax)
        # a glued header (first, or again on a new page) unless the grid has a separated one
        if full is None and not (header and glued is None) and (words := glued_grid_header(line.text)):
            out.syntax.extend(line.mtext.spans())
            header = glued = words
            header_roles = [grid_column_role(h) for h in header]
            continue
        if full is None:
            whole = clean_cell(line.mtext, out.syntax).strip()
            full = (_glued_cells(whole, header_roles) if glued else _space_cells(whole, header_roles) if spaced
                    else [whole])
        cells = list(full)
        while cells and not cells[-1].s:
            cells = cells[:-1]
        if not cells:
            continue
        if is_grid_header([c.s for c in cells]):
            out.syntax.extend(line.mtext.spans())
            header = [c.s for c in full]
            if len(full) == 1 and len(header[0].split()) >= 3:
                # "一级指标 二级指标 三级指标 指标值": the rows under it are split by spaces too
                header, spaced = header[0].split(), True
                header_roles = [grid_column_role(h) for h in header]
            continue
        rows.append(cells)
        full_rows.append(full)
    roles = [grid_column_role(h) for h in header]
    value_cols = sum(1 for r in roles if r in ("annual", "period")) or 1
    # OCR'd grids put several indicators in a cell and shift cells between columns
    merge = any(
        len([t for t in (r[-1].s.split() if r else []) if _is_value_token(t)]) >= 2 or len(f) != len(header)
        for r, f in zip(rows, full_rows, strict=True)
    ) and any(len(c.s.split()) >= 2 for r in rows for c in r)
    for cells, full in zip(rows, full_rows, strict=True):
        if not merge and len(full) == len(roles) and "name" in roles:
            _place_row(grid, full, roles, header, out.syntax)
        else:
            _observe(grid, cells, value_cols, out.syntax, merge)
    # a 二级 printed once for its group names the rows above it too
    for k, ind in enumerate(grid.indicators):
        if ind.level2 is None:
            nxt = next((j for j in grid.indicators[k + 1:] if j.level1 == ind.level1 and j.level2), None)
            if nxt is not None and merge:
                ind.level2 = nxt.level2
    _finish(grid.indicators, out)
    if merge:
        out.warnings.append(Issue(code="grid-ocr",
                                  message="指标表的单元格错位（扫描件）：指标与指标值按顺序对应，请核对 / "
                                          "grid cells misaligned (scan); names and values paired in order"))
    out.indicators = grid.indicators
    return out
