"""Placing a row's amounts into 总计 / 财政拨款 / 财政专户拨款 / 其他资金."""

from __future__ import annotations

from jixiao.model import Amounts
from jixiao.parse.amounts import AmountCell, amount_options, place_amounts, resolve_by_column_totals
from jixiao.parse.mtext import MText


def cells(*values: float | None) -> list[AmountCell]:
    return [AmountCell(v) for v in values]


def test_complete_row_is_placed_by_position() -> None:
    p = place_amounts(cells(300.0, None, 200.0, 100.0), complete=True)
    assert p.amounts.values() == {"total": 300.0, "fiscal": None, "special": 200.0, "other": 100.0}
    assert p.doubt is None


def test_dropped_cells_placed_by_arithmetic_and_empty_columns() -> None:
    # the unit leaves 其他资金 empty, so 100 = 80 + 20 can only be 财政拨款 + 财政专户拨款
    opts, doubt = amount_options(cells(100.0, 80.0, 20.0), empty_columns={"other"})
    assert doubt is None
    assert [o.values() for o in opts] == [{"total": 100.0, "fiscal": 80.0, "special": 20.0, "other": None}]


def test_equal_amount_without_evidence_is_a_warning_not_a_guess() -> None:
    p = place_amounts(cells(32.0, 32.0))
    assert p.amounts.fiscal == 32.0  # left to right…
    assert p.doubt == "position"     # …and said so


def test_parts_that_do_not_add_up_are_flagged() -> None:
    p = place_amounts(cells(0.17, 0.17, 0.17))
    assert p.doubt == "sum"
    assert p.amounts.values() == {"total": 0.17, "fiscal": 0.17, "special": 0.17, "other": None}


def test_column_totals_decide_between_placements() -> None:
    rows = [
        amount_options(cells(986_800.0, 986_800.0))[0],   # 财政拨款, 财政专户 or 其他?
        amount_options(cells(270_000.0, 270_000.0))[0],
    ]
    # the unit's columns say which: 986,800 is 财政拨款, 270,000 is 财政专户拨款
    unit = Amounts(total=1_256_800, fiscal=986_800, special=270_000, other=None)
    assert resolve_by_column_totals(rows, unit) == [0, 1]
    # two projects of 500 under a unit with 500 + 500 in two columns: either way fits, so no answer
    twins = [amount_options(cells(500.0, 500.0))[0]] * 2
    assert resolve_by_column_totals(twins, Amounts(total=1000, fiscal=500, special=500)) is None


def test_placements_built_without_validation_equal_validated_ones() -> None:
    source = "100.00 80.00 20.00"
    amount_cells = [AmountCell(float(t), MText.of(source, i, i + len(t)))
                    for i, t in ((0, "100.00"), (7, "80.00"), (13, "20.00"))]
    for complete in (True, False):
        for a in amount_options(amount_cells, complete=complete)[0]:
            validated = Amounts(**{k: getattr(a, k) for k in a.model_fields_set})
            validated.spans.update(a.spans)
            assert validated == a
            assert validated.model_fields_set == a.model_fields_set
            assert list(vars(validated)) == list(vars(a))
            assert validated.model_dump_json() == a.model_dump_json()


def test_a_damaged_number_keeps_its_row_in_place_and_is_reported() -> None:
    """OCR read 0.17 as 0:17: the row still holds all its cells, so its goal stays the goal; the
    amount is not guessed but reported."""
    from jixiao.parse.document import parse_source
    from jixiao.read.base import Source

    text = ("项目支出绩效目标表\n单位名称：广州开放大学\n"
            "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标\n"
            "广州开放大学\t0.17\t0.17\t\t\t\t\n"
            "信息化运维项目\t0:17\t0.17\t\t\t保障各项日常工作稳定开展。\t1、满意度指标：满意率，年度指标值：≥90%。\n")
    project = parse_source(Source(text, name="summary.txt")).projects[0]
    assert project.goal == "保障各项日常工作稳定开展。" and not project.fields
    assert project.amounts.total is None and project.amounts.fiscal == 0.17
    assert [w.code for w in project.warnings] == ["amount-unread"]
