"""Place a row's printed amounts into 总计 / 财政拨款 / 财政专户拨款 / 其他资金.

A row that kept all its cells is placed by position. A row that dropped its
empty cells (PDF text, some HTML exports) has fewer numbers than columns:
each way of spreading them over the columns (in printed order, 总计 first)
is tried, and kept when 总计 equals the sum of the parts and it agrees with
the columns the unit's or 合计 row leaves empty. One survivor is placed
silently; several, or none, are placed left to right with a warning on the
row, never a silent guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from operator import add, gt, lt

from ..model import AMOUNT_KEYS, Amounts, Span
from .mtext import MText
from .trusted import trusted
from .vocab import parse_amount

__all__ = ["AmountCell", "Placement", "amount_options", "place_amounts", "resolve_by_column_totals"]

_TOLERANCE = 0.005
#: more undecided rows than this under one unit is not searched (recursion depth, time)
_MAX_OPEN_ROWS = 60
# Span is a named tuple; tuple.__new__ skips its generated __new__
_new_span = tuple.__new__
_KEY_INDEX = {k: i for i, k in enumerate(AMOUNT_KEYS)}


@dataclass
class AmountCell:
    value: float | None
    mt: MText | None = None


@dataclass
class Placement:
    amounts: Amounts
    #: None when the placement is certain; else why it is not
    doubt: str | None = None


def _adds_up(vals: tuple[float | None, ...]) -> bool:
    """Whether 总计 is the sum of the parts printed; ``vals`` in ``AMOUNT_KEYS`` order."""
    total = vals[0]
    parts = [v for v in vals[1:] if v is not None]
    if total is None or not parts:
        return True
    return abs(total - sum(parts)) < _TOLERANCE * max(1, len(parts))


def _values(cells: list[AmountCell], slots: tuple[int, ...],
            columns: list[int | None]) -> tuple[float | None, ...]:
    """The amounts of one placement in ``AMOUNT_KEYS`` order; ``columns`` maps a slot to its index there.

    Tuples, not dicts or models: every placement of every row is built and compared.
    """
    vals: list[float | None] = [None] * len(AMOUNT_KEYS)
    for cell, slot in zip(cells, slots, strict=True):
        i = columns[slot]
        if i is not None:
            vals[i] = cell.value
    return tuple(vals)


def _cell_span(cell: AmountCell) -> Span | None:
    """The source range of a cell that holds an amount."""
    if cell.mt is None or cell.value is None:
        return None
    spans = cell.mt.spans()
    return _new_span(Span, (spans[0].start, spans[-1].end)) if spans else None


def _build(cells: list[AmountCell], cell_spans: list[Span | None], slots: tuple[int, ...],
           keys: tuple[str, ...]) -> Amounts:
    """``Amounts(**placed)`` with the placed cells' spans (see :mod:`.trusted`)."""
    values: dict = dict.fromkeys(AMOUNT_KEYS)
    spans: dict[str, Span] = {}
    placed: set[str] = set()
    for cell, span, slot in zip(cells, cell_spans, slots, strict=True):
        key = keys[slot]
        if key in AMOUNT_KEYS:
            values[key] = cell.value
            placed.add(key)
            if span is not None:
                spans[key] = span
    values["spans"] = spans
    return trusted(Amounts, values, placed)


def amount_options(
    cells: list[AmountCell],
    keys: tuple[str, ...] = AMOUNT_KEYS,
    *,
    complete: bool = False,
    empty_columns: set[str] | None = None,
) -> tuple[list[Amounts], str | None]:
    """Every placement of ``cells`` that adds up and fits the governing row.

    Returns the candidates (the left-to-right placement first when it is one)
    and, when none fits, the left-to-right placement alone with ``"sum"``.
    """
    cells = cells[: len(keys)]
    if not cells:
        return [Amounts()], None
    cell_spans = [_cell_span(c) for c in cells]
    if complete or len(cells) == len(keys):
        a = _build(cells, cell_spans, tuple(range(len(cells))), keys)
        return [a], None if _adds_up(tuple(a.values().values())) else "sum"
    columns = [_KEY_INDEX.get(k) for k in keys]
    empty = [_KEY_INDEX[k] for k in empty_columns or ()]
    # 总计 is printed first and never dropped when the row has money at all
    options = [(0, *rest) for rest in combinations(range(1, len(keys)), len(cells) - 1)]
    # placements are compared by their values; a model is built only for the ones kept
    unique: dict[tuple, tuple[int, ...]] = {}
    for slots in options:
        vals = _values(cells, slots, columns)
        # it adds up, and leaves empty what the governing row leaves empty
        if _adds_up(vals) and all(vals[i] in (None, 0) for i in empty):
            unique.setdefault(vals, slots)
    if not unique:
        return [_build(cells, cell_spans, options[0], keys)], "sum"
    return [_build(cells, cell_spans, slots, keys) for slots in unique.values()], None


def place_amounts(
    cells: list[AmountCell],
    keys: tuple[str, ...] = AMOUNT_KEYS,
    *,
    complete: bool = False,
    empty_columns: set[str] | None = None,
) -> Placement:
    """Spread ``cells`` over the amount columns ``keys``.

    ``complete`` says the row kept every cell (so position decides);
    ``empty_columns`` are columns the governing unit or 合计 row leaves empty.
    """
    options, doubt = amount_options(cells, keys, complete=complete, empty_columns=empty_columns)
    if doubt:
        return Placement(options[0], doubt)
    return Placement(options[0], None if len(options) == 1 else "position")


def resolve_by_column_totals(
    choices: list[list[Amounts]], totals: Amounts, *, limit: int = 400
) -> list[int] | None:
    """Pick one option per row so that each column adds up to ``totals``.

    Returns the indices when exactly one combination fits, else None. Rows
    are searched with their partial sums pruned against the totals; the
    search gives up (None) past ``limit`` steps.
    """
    cols = [k for k in AMOUNT_KEYS[1:] if getattr(totals, k) is not None]
    if not cols or not choices:
        return None
    target = [getattr(totals, k) or 0.0 for k in cols]
    tol = _TOLERANCE * (len(choices) + 1)
    vectors = [[[getattr(a, k) or 0.0 for k in cols] for a in opts] for opts in choices]
    # rows with one placement only shift the target; the search runs over the open rows
    open_rows = [i for i, opts in enumerate(vectors) if len(opts) > 1]
    for opts in vectors:
        if len(opts) == 1:
            target = [t - v for t, v in zip(target, opts[0], strict=True)]
    if not open_rows:
        return [0] * len(choices)
    if len(open_rows) > _MAX_OPEN_ROWS:
        return None
    # larger rows first, so a wrong branch overshoots early
    open_rows.sort(key=lambda i: -max(sum(v) for v in vectors[i]))
    rows = [vectors[i] for i in open_rows]
    # what the rows after i can still add to each column, at most
    reach = [[0.0] * len(cols) for _ in range(len(rows) + 1)]
    for i in range(len(rows) - 1, -1, -1):
        reach[i] = [r + max(v[c] for v in rows[i]) for c, r in enumerate(reach[i + 1])]
    # Per column: the highest sum allowed, and the lowest one that rows after i can still lift to the
    # total (``sum + reach < floor`` prunes). Bounds computed once, not per step.
    ceilings = [t + tol for t in target]
    floors = [t - tol for t in target]
    found: list[list[int]] = []
    picked: list[int] = []
    steps = 0

    def walk(i: int, sums: list[float]) -> bool:
        nonlocal steps
        steps += 1
        if steps > limit or len(found) > 1:
            return False
        if i == len(rows):
            if all(abs(s - t) <= tol for s, t in zip(sums, target, strict=True)):
                found.append(list(picked))
            return True
        later = reach[i + 1]
        for j, vec in enumerate(rows[i]):
            nxt = list(map(add, sums, vec))
            # a column over its ceiling, or one that the rows after i cannot lift to its floor
            # (compared column by column in C: this runs up to ``limit`` times per unit)
            if any(map(gt, nxt, ceilings)) or any(map(lt, map(add, nxt, later), floors)):
                continue
            picked.append(j)
            ok = walk(i + 1, nxt)
            picked.pop()
            if not ok:
                return False
        return True

    complete_search = walk(0, [0.0] * len(cols))
    if not (complete_search and len(found) == 1):
        return None
    picks = [0] * len(choices)
    for i, j in zip(open_rows, found[0], strict=True):
        picks[i] = j
    return picks


def amount_cells(mts: list[MText]) -> list[AmountCell]:
    return [AmountCell(parse_amount(m.s) if m.s.strip() else None, m) for m in mts]
