"""A form's indicator grid, read from cells: the header names the columns, the
vocabulary names the cells.

The header (一级指标 | 二级指标 | 三级指标 | 指标值 …, with any extra columns:
分值, 指标解释, 绩效标准, 指标值类型 / 目标值 / 度量单位, one column per village,
or a second 二级/三级/指标值 set for the 中期 or 长期 targets) gives the columns
after the level names; a grid printed with no header row (levels on lines of their own,
or headings such as 【产出指标-数量指标】) has the classic four. Rows arrive in one of
four shapes:

* rows of cells (pipes, tabs): 一级 and 二级 are left out on continuation rows,
  and the cells shift left, so the levels are peeled by their vocabulary and
  the rest placed by the header's columns;
* rows of space-separated words: a name may hold spaces, extra columns may be
  empty, so the value is found from the right by its shape;
* one cell per line, rows lost: the level names mark the rows, and the cells
  between them are cut by the number of columns the header gives; cells that
  do not fit are warned about;
* cells run together (``产出指标数量指标名称100%``): levels peeled by
  vocabulary, the value cut by its shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Indicator, Issue, Span, Target
from .form_vocab import grid_role, grid_words, is_value_like, label_info, level_kind, strip_name_number
from .grid import glued_grid_header, value_start
from .mtext import MText
from .segment import Cell
from .values import parse_target
from .vocab import squash

__all__ = ["GridHeader", "GridReading", "read_grid", "read_header"]

_VALUE_ROLES = ("value", "period")


@dataclass
class GridHeader:
    roles: list[str]
    labels: list[str]
    glued: bool = False

    @property
    def columns(self) -> list[tuple[str, str]]:
        """(role, label) of the columns after the level names, from the first 三级 name on."""
        pairs = list(zip(self.roles, self.labels, strict=True))
        start = next((k for k, (r, _) in enumerate(pairs) if r.startswith("name")), len(pairs))
        return [(r.split(":")[0], lab) for r, lab in pairs[start:]]

    @property
    def paired(self) -> bool:
        return sum(r.startswith("name") for r in self.roles) >= 2

    @property
    def row_columns(self) -> list[tuple[str, str]]:
        """The columns of one indicator: for a paired grid, the second (年度) set."""
        cols = self.columns
        if self.paired:
            second = max(k for k, (r, _) in enumerate(cols) if r == "name")
            return cols[second:]
        return cols


@dataclass
class GridReading:
    indicators: list[Indicator] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    syntax: list[Span] = field(default_factory=list)


def _normalise(roles: list[str]) -> list[str]:
    """A grid with two sets of 二级/三级/指标值 columns: the first set's values are the period's."""
    if sum(r.startswith("name") for r in roles) < 2:
        return roles
    out, names = [], 0
    for r in roles:
        names += r.startswith("name")
        out.append("period" if r == "value" and names == 1 else r)
    return out


_PAIR_RE = re.compile(r"^\s*[【\[(（]?\s*(?P<l1>[^【】\[\]()（）\-－—/]{2,16}?)\s*[-－—/]\s*"
                      r"(?P<l2>[^【】\[\]()（）\-－—/]{2,16}?)\s*[】\])）]?\s*[:：]?\s*$")


def level_pair(text: str) -> tuple[int, int, int, int] | None:
    """"【产出指标-数量指标】": a heading that names a 一级 and its 二级 at once; the spans of the
    two names within ``text``, or None."""
    m = _PAIR_RE.match(text)
    if m and level_kind(m.group("l1")) in ("level1", "both") and level_kind(m.group("l2")) in ("level2", "both"):
        return m.start("l1"), m.end("l1"), m.start("l2"), m.end("l2")
    return None


def _heads_levels(cells: list[Cell], i: int) -> bool:
    """A 一级 name standing alone with a 二级 name right after it (levels shown by lines or
    indentation, no header row): the grid begins there."""
    c = cells[i]
    if c.row is not None or level_kind(c.s) not in ("level1", "both"):
        return False
    nxt = [d for d in cells[i + 1: i + 4] if not d.empty][:1]
    return bool(nxt) and nxt[0].row is None and level_kind(nxt[0].s) in ("level2", "both")


def _row_of_levels(cells: list[Cell], i: int) -> int | None:
    """A row that begins with a 一级 and a 二级 name and goes on with a name and a value, with no
    header row above it (产出指标 | 数量指标 | 培训人数 | 100人): the grid begins there; its width."""
    c = cells[i]
    if c.row is None or level_kind(c.s) not in ("level1", "both"):
        return None
    row = [d for d in cells[i:i + 12] if d.row == c.row and not d.empty]
    if len(row) < 4 or level_kind(row[1].s) not in ("level2", "both") or level_kind(row[2].s):
        return None
    return len(row)


def read_header(cells: list[Cell], i: int) -> tuple[GridHeader, int] | None:
    """The grid header starting at cell ``i`` and the index after it, or None. Indicators under
    headings that name their levels (【产出指标-数量指标】) need no header: name and value follow."""
    c = cells[i]
    if c.empty:
        return None
    if level_pair(c.s) is not None or _heads_levels(cells, i):
        return GridHeader(["level1", "level2", "name", "value"], ["一级指标", "二级指标", "三级指标", "指标值"]), i
    if (width := _row_of_levels(cells, i)) is not None:
        extra = [f"第{k}列" for k in range(5, width + 1)]
        return GridHeader(["level1", "level2", "name", "value", *["extra"] * len(extra)],
                          ["一级指标", "二级指标", "三级指标", "指标值", *extra]), i
    words = glued_grid_header(c.s) if len(squash(c.s)) > 8 else None
    if words:
        roles = [grid_role(w) or "group" for w in words]
        kept = [(r, w) for r, w in zip(roles, words, strict=True) if r != "group"]
        header = GridHeader([r for r, _ in kept], [w for _, w in kept], glued=True)
        return (header, i + 1) if _complete(header.roles) else None
    if grid_role(c.s) not in ("level1", "level2"):
        return None
    roles: list[str] = []
    labels: list[str] = []
    j, last_row = i, c.row
    while j < len(cells):
        cj = cells[j]
        if cj.empty:
            j += 1
            continue
        role = grid_role(cj.s)
        if role is None and (words := grid_words(cj.s)):
            roles.extend(grid_role(w) or "extra" for w in words)  # header cells run together
            labels.extend(words)
            last_row = cj.row
            j += 1
            continue
        if role is None:
            info = label_info(cj.s)
            if level_kind(cj.s) or len(squash(cj.s)) > 16 or (info is not None and info.strong) or is_value_like(cj.s):
                break
            if cj.row is not None and cj.row != last_row:
                break
            role = "extra"
        roles.append(role)
        labels.append("".join(cj.s.split()))
        last_row = cj.row
        j += 1
    roles = _normalise(roles)
    if not _complete(roles):
        return None
    return GridHeader(roles, labels), j


def _complete(roles: list[str]) -> bool:
    """A grid header names the 三级 column, a level column and a value column; a transfer table's
    value columns may be one per county or village, named by place (extra columns)."""
    have = [r.split(":")[0] for r in roles]
    if "name" not in have or not {"level1", "level2"} & set(have):
        return False
    return bool({"value", "period"} & set(have)) or have.count("extra") >= 2


# -- reading rows ---------------------------------------------------------------------------------


@dataclass
class _State:
    header: GridHeader
    out: GridReading
    level1: MText | None = None
    level2: MText | None = None
    pending: list[Cell] = field(default_factory=list)
    short_last_row: bool = False

    def set_level(self, c: Cell, kind: str, prev_was_level: bool, next_is_level: bool) -> None:
        if kind == "both":
            kind = "level2" if prev_was_level or not (next_is_level or self.level1 is None) else "level1"
        text = _bare(c.mt)
        if kind == "level1":
            self.level1, self.level2 = text, None
        else:
            self.level2 = text
        self.out.syntax.extend(c.mt.spans())


def _bare(mt: MText) -> MText:
    """A level or name cell without the spaces a PDF or a vertical label left in it."""
    if not re.search(r"\s", mt.s):
        return mt
    parts = [p for p in mt.split_re(re.compile(r"\s+")) if p.s]
    return MText.join(parts)


def _indicator(state: _State, name: MText | None, values: dict[str, MText], extras: dict[str, MText],
               line: int) -> None:
    if name is not None:
        cut = strip_name_number(name.s)
        if cut:
            state.out.syntax.extend(name.spans(0, cut))
            name = name.slice(cut)
    if (name is None or not name.s.strip()) and not values:
        return
    ind = Indicator(seq=len(state.out.indicators) + 1)
    if state.level1 is not None:
        ind.level1 = state.level1.s
        ind.spans["level1"] = state.level1.spans()
    if state.level2 is not None:
        ind.level2 = state.level2.s
        ind.spans["level2"] = state.level2.spans()
    if name is not None and name.s.strip():
        ind.name = name.s.strip()
        ind.spans["name"] = name.strip().spans()
    for role, key in (("value", "annual"), ("period", "period")):
        v = values.get(role)
        if v is None or not v.s.strip():
            continue
        v = v.strip().strip("。")
        setattr(ind, f"{key}_value", v.s)
        setattr(ind, f"{key}_target", parse_target(v.s))
        ind.spans[f"{key}_value"] = v.spans()
    for label, v in extras.items():
        if v.s.strip():
            ind.extra[label] = v.s.strip()
            ind.spans[f"extra.{label}"] = v.spans()
    if ("type" in values or "unit" in values) and ind.annual_value:
        ind.annual_target = _split_target(values, ind.annual_target)
    prev = state.out.indicators[-1] if state.out.indicators else None
    if (state.header.paired and prev is not None and prev.name == ind.name and prev.period_value is None
            and ind.annual_value is not None):
        # the same indicator's 中期 and 年度 cells, read as two in a stream
        prev.period_value, prev.period_target = prev.annual_value, prev.annual_target
        prev.annual_value, prev.annual_target = ind.annual_value, ind.annual_target
        prev.spans["period_value"] = prev.spans.get("annual_value", [])
        prev.spans["annual_value"] = ind.spans.get("annual_value", [])
        state.out.syntax.extend(ind.spans.get("name", []))  # the name printed again in the 年度 set
        return
    state.out.indicators.append(ind)
    _doubts(state, ind, line)


def _doubts(state: _State, ind: Indicator, line: int) -> None:
    """Warn where a reading is doubtful: a value that is a label or a level name (cells in the
    wrong columns), a name that looks like a level name outside the vocabulary."""
    value = ind.annual_value or ind.period_value
    if value and (level_kind(value) or (info := label_info(value)) is not None and info.strong
                  and info.role not in ("field", "group")):
        state.out.warnings.append(Issue(
            code="value-label",
            message=f"第 {line} 行指标“{ind.name}”的值“{value}”像是标签或层级名称，请核对 / "
                    f"the value of indicator {ind.seq} reads as a label or level name",
            line=line))
    name = squash(ind.name or "")
    if name.endswith("指标") and len(name) <= 10 and not value:
        state.out.warnings.append(Issue(
            code="level-unknown",
            message=f"第 {line} 行指标“{ind.name}”像是未识别的一级/二级指标名称，已读作三级指标 / "
                    f"{ind.name!r} looks like a level name outside the vocabulary; read as an indicator",
            line=line))


def _split_target(values: dict[str, MText], target: Target | None) -> Target | None:
    """方向 ``≤`` | 目标值 ``70`` | 单位 ``万元`` make one target; 定性 keeps the word."""
    kind = squash(values["type"].s) if "type" in values else ""
    unit = squash(values["unit"].s) if "unit" in values else ""
    words = {"大于等于": "≥", "小于等于": "≤", "等于": "=", "大于": ">", "小于": "<", "定量": "", "定性": ""}
    kind = words.get(kind, kind)
    return parse_target(f"{kind}{squash(values['value'].s)}{unit}") or target


def _place(state: _State, cells: list[Cell], columns: list[tuple[str, str]], line: int) -> None:
    """Cells of one indicator, placed in order under ``columns``."""
    name: MText | None = None
    values: dict[str, MText] = {}
    extras: dict[str, MText] = {}
    for c, (role, label) in _fit(cells, columns):
        if role == "name":
            if c.s.strip():
                name = c.mt
        elif role == "level2":
            if level_kind(c.s):
                state.level2 = _bare(c.mt)
                state.out.syntax.extend(c.mt.spans())
        elif role in ("value", "period", "type", "unit"):
            if c.s.strip():
                values[role] = c.mt
                if role in ("type", "unit"):
                    extras[label] = c.mt  # kept as printed; the target joins them
        elif c.s.strip():
            extras[label] = c.mt
    _indicator(state, name, values, extras, line)


_DIRECTION_RE = re.compile(r"^(?:[<>≤≥=≧≦＜＞]=?|大于等于|小于等于|大于|小于|等于|不低于|不高于|定性|定量|正向|反向|中性|"
                           r"高于|低于)$")


def _fits_column(c: Cell, role: str) -> bool:
    """A 指标方向 cell holds a direction word, a 度量单位 cell a short unit; a web page that drops
    an empty cell shifts the next one into that column, and it must not become the target."""
    s = squash(c.s)
    if not s:
        return True
    if role == "type":
        return bool(_DIRECTION_RE.match(s))
    if role == "unit":
        return len(s) <= 8 and not re.search(r"[。，,；;]", s)
    return True


def _fit(cells: list[Cell], columns: list[tuple[str, str]]) -> list[tuple[Cell, tuple[str, str]]]:
    """Cells under columns in order, a direction or unit column left empty where its cell cannot
    be one (the cell then belongs to the next column)."""
    out = []
    k = 0
    for col in columns:
        if k >= len(cells):
            break
        if col[0] in ("type", "unit") and not _fits_column(cells[k], col[0]):
            continue
        out.append((cells[k], col))
        k += 1
    return out


def _flush(state: _State) -> None:
    """Cells between level names in a stream: cut by the header's columns."""
    cells = [c for c in state.pending if not c.empty]
    state.pending = []
    if not cells:
        return
    cols = state.header.row_columns
    k = max(1, len(cols))
    if len(cells) % k:
        state.out.warnings.append(Issue(
            code="grid-cells",
            message=f"指标表第 {cells[0].line} 行起的 {len(cells)} 个单元格与表头的 {k} 列对不齐，请核对 / "
                    f"{len(cells)} grid cells from line {cells[0].line} do not fit the header's {k} columns",
            line=cells[0].line))
    for at in range(0, len(cells), k):
        _place(state, cells[at: at + k], cols, cells[at].line)


def _align_tokens(tokens: list[Cell], columns: list[tuple[str, str]]) -> list[Cell | None]:
    """Space-separated words of one row (after its level names) under ``columns``: the value is
    the word that reads as a value with as many filled columns after it as can be; what lies
    before the columns between the name and the value is the name."""
    roles = [r for r, _ in columns]
    if not tokens:
        return []
    vi = next((k for k, r in enumerate(roles) if r in _VALUE_ROLES), len(roles) - 1)
    before = vi - 1  # columns between the name and the value
    after = len(roles) - vi - 1
    choice = None
    for n_after in range(min(after, len(tokens) - 1 - before), -1, -1):
        vpos = len(tokens) - 1 - n_after
        if vpos - before >= 1 and is_value_like(tokens[vpos].s):
            choice = vpos
            break
    if choice is None:
        choice = len(tokens) - 1 if len(tokens) > before + 1 else None
    if choice is None:
        return [_joined(tokens)]
    name = _joined(tokens[: choice - before])
    out: list[Cell | None] = [name, *tokens[choice - before: choice], tokens[choice]]
    rest = tokens[choice + 1:]
    if len(rest) > after:
        rest = [*rest[: after - 1], _joined(rest[after - 1:])] if after else []
    out.extend(rest)
    return out


def _joined(tokens: list[Cell]) -> Cell:
    if len(tokens) == 1:
        return tokens[0]
    return Cell(MText.join([t.mt for t in tokens], " "), tokens[0].line, tokens[0].row, True)


_BARE_STEMS = {"产出", "效益", "满意度", "成本"}
_TYPE_COLUMNS = {"指标类型", "指标类别"}


def _peel_levels(state: _State, cells: list[Cell], outside_next: Cell | None) -> list[Cell]:
    """Set the 一级/二级 names a row begins with; return the rest of the row."""
    k = 0
    prev_level = False
    while k < len(cells):
        c = cells[k]
        if c.empty and not c.token:
            k += 1
            continue
        kind = level_kind(c.s)
        if kind is None and k == 0 and squash(c.s) in _BARE_STEMS and state.header.labels[0] in _TYPE_COLUMNS:
            kind = "level1"  # a 指标类型 column holds the 一级 as its bare stem (产出, 效益, 满意度)
        if kind is None:
            break
        nxt = next((d for d in cells[k + 1:] if not d.empty), outside_next)
        state.set_level(c, kind, prev_level, bool(nxt is not None and level_kind(nxt.s)))
        prev_level = True
        k += 1
    return cells[k:]


_GLUED_LEVEL_RE = re.compile(r"^[^\d%≥≤<>=]{2,16}?指标")


def _glued_row(state: _State, c: Cell) -> None:
    """"产出指标数量指标农村义务教育学校改造覆盖率100%": levels, name and value run together."""
    mt = c.mt
    levels = 0
    while levels < 2 and (m := _GLUED_LEVEL_RE.match(mt.s)) and level_kind(m.group()):
        head = Cell(mt.slice(0, m.end()), c.line, c.row)
        rest = mt.slice(m.end())
        nxt = _GLUED_LEVEL_RE.match(rest.s)
        state.set_level(head, level_kind(m.group()), levels > 0, bool(nxt and level_kind(nxt.group())))
        mt = rest
        levels += 1
    at = value_start(mt.s, 0)
    name, value = mt.slice(0, at).strip(), mt.slice(at).strip()
    _indicator(state, name if name.s else None, {"value": value} if value.s else {}, {}, c.line)


def _is_vertical_fragment(c: Cell) -> bool:
    """"绩 / 效 / 指 / 标" written one character per row down the grid's margin."""
    s = c.s.strip()
    return len(s) == 1 and "\u4e00" <= s <= "\u9fff" and not is_value_like(s)


def _is_repeated_header(c: Cell) -> bool:
    info = label_info(c.s)
    return grid_role(c.s) is not None or (info is not None and squash(info.text) in ("绩效指标", "年度绩效指标"))


def read_grid(header: GridHeader, cells: list[Cell], *, at_end: bool = False) -> GridReading:
    """The indicators of a grid from the cells after its header; ``at_end`` when nothing
    follows the grid in the text (no footer, no other form): it may have been cut."""
    state = _State(header, GridReading())
    k = 0
    while k < len(cells):
        c = cells[k]
        if c.empty:
            k += 1
            continue
        if (pair := level_pair(c.s)) is not None:
            _flush(state)
            state.level1 = c.mt.slice(pair[0], pair[1])
            state.level2 = c.mt.slice(pair[2], pair[3])
            state.out.syntax.extend(c.mt.spans())
            k += 1
            continue
        if _is_repeated_header(c) or _is_vertical_fragment(c):
            state.out.syntax.extend(c.mt.spans())
            k += 1
            continue
        if header.glued:
            _flush(state)
            _glued_row(state, c)
            k += 1
            continue
        if c.row is not None:
            _flush(state)
            row = [c]
            k += 1
            while k < len(cells) and cells[k].row == c.row:
                row.append(cells[k])
                k += 1
            # "绩 / 效 / 指 / 标" down the margin: a one-character first cell of its row
            margin = row[0] if _is_vertical_fragment(row[0]) else None
            if margin is not None:
                state.out.syntax.extend(margin.mt.spans())
            row = [d for d in row if d is not margin and not _is_repeated_header(d)]
            _read_row(state, row, cells[k] if k < len(cells) else None)
            if at_end and k >= len(cells) and not row[0].token:
                state.short_last_row = sum(1 for d in row if d.s.strip() and not level_kind(d.s)) < _needed(header)
            continue
        kind = level_kind(c.s)
        if kind is not None:
            _flush(state)
            prev = cells[k - 1] if k else None
            nxt = next((d for d in cells[k + 1:] if not d.empty), None)
            state.set_level(c, kind, bool(prev is not None and level_kind(prev.s) and not prev.empty),
                            bool(nxt is not None and level_kind(nxt.s)))
            k += 1
            continue
        state.pending.append(c)
        k += 1
    _flush(state)
    if at_end:
        _cut_at_end(state)
    if not state.out.indicators:
        state.out.warnings.append(Issue(
            code="grid-empty", message="指标表中没有读出任何指标，请核对 / the indicator grid yielded no indicator",
            line=cells[0].line if cells else None))
    return state.out


def _needed(header: GridHeader) -> int:
    """How many cells a row of the grid prints at least: its name and value columns (一级/二级
    and extra columns may be left out or empty)."""
    return sum(1 for r, _ in header.row_columns if r in ("name", "value", "period", "type", "unit"))


def _cut_at_end(state: _State) -> None:
    """A grid that runs to the end of the text was cut there (an excerpt of a page): its last
    indicator may be partial. A last "name" that is the start of a level name (数量指) is no
    indicator at all."""
    inds = state.out.indicators
    bare = inds[-1].annual_target is not None and inds[-1].annual_target.kind in ("placeholder", "empty") if inds else False
    if not inds or (inds[-1].annual_value or inds[-1].period_value) and not state.short_last_row and not bare:
        return
    last = inds[-1]
    name = squash(last.name or "")
    if name and any(level_kind(name + tail) for tail in ("标", "指标", "效指标")):
        inds.pop()
        for spans in last.spans.values():
            if spans and spans is not last.spans.get("level1") and spans is not last.spans.get("level2"):
                state.out.syntax.extend(spans)
    state.out.warnings.append(Issue(
        code="excerpt-cut",
        message="表格在文末被截断，最后一项指标不完整 / the table is cut off at the end of the text; its last indicator is incomplete",
        line=None))


def _read_row(state: _State, row: list[Cell], next_cell: Cell | None) -> None:
    rest = _peel_levels(state, row, next_cell)
    if not rest or all(c.empty for c in rest):
        return
    columns = state.header.columns if not row[0].token else state.header.row_columns
    if row[0].token:
        placed = _align_tokens([c for c in rest if not c.empty], columns)
        _place(state, [c for c in placed if c is not None], columns, row[0].line)
        return
    while rest and rest[0].empty:
        rest = rest[1:]
    if sum(1 for c in rest if c.s.strip()) > len(columns):
        state.out.warnings.append(Issue(
            code="grid-cells",
            message=f"指标表第 {row[0].line} 行的单元格多于表头的列，多出的已略去，请核对 / "
                    f"row {row[0].line} has more cells than the header has columns; the extra ones are left out",
            line=row[0].line))
    if state.header.paired:
        _place_paired(state, rest, row[0].line)
        return
    _place(state, rest, columns, row[0].line)


def _place_paired(state: _State, cells: list[Cell], line: int) -> None:
    """A row of a grid with 中期 and 年度 sets side by side: one indicator, its period value from
    the first set and its name, 二级 and annual value from the second when printed."""
    columns = state.header.columns
    first_name: MText | None = None
    values: dict[str, MText] = {}
    name: MText | None = None
    extras: dict[str, MText] = {}
    names_seen = 0
    for c, (role, label) in zip(cells, columns, strict=False):
        if role == "name":
            names_seen += 1
            if c.s.strip():
                if names_seen == 1:
                    first_name = c.mt
                else:
                    name = c.mt
        elif role == "level2":
            if level_kind(c.s):
                state.level2 = _bare(c.mt)
                state.out.syntax.extend(c.mt.spans())
        elif role in ("value", "period") and c.s.strip():
            values[role] = c.mt
        elif c.s.strip():
            extras[label] = c.mt
    if name is not None and first_name is not None:
        if squash(first_name.s) == squash(name.s):
            state.out.syntax.extend(first_name.spans())  # the name printed again in the 年度 set
        else:
            extras["中期三级指标"] = first_name  # the 中期 set names its own indicator: kept
    _indicator(state, name or first_name, values, extras, line)
