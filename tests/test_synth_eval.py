"""Synthetic self-evaluation and monitoring tables (jixiao.synth_eval, `jixiao synth --form`):
the reader reads each back exactly, in every format they are written in.

The generator says what each table holds (EvalExpected); the parsed document must hold the same,
field by field. Two tables (seed 3) are kept as golden text, checked by hand: the selfeval one's
scores follow the national rules (worked out below) and the monitor one is 70 % of the pace.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

import jixiao
from jixiao.cli.main import app
from jixiao.evaluate import score_document
from jixiao.review import review
from jixiao.synth_eval import EVAL_FORMS, FORMATS, EvalExpected, generate_eval, grid_text, render_eval

GOLDEN = Path(__file__).parent / "data" / "synth_eval"


def _read(doc) -> dict:
    p = doc.projects[0]
    ev = p.evaluation
    b = ev.budget[0]
    return {"form": doc.form, "year": doc.year, "project": p.name, "unit": p.unit,
            "total_score": ev.total_score, "goal_expected": ev.goal_expected, "goal_actual": ev.goal_actual,
            "months": ev.months,
            "money": (b.initial, b.budget, b.executed, b.executed_to_date, b.rate, b.weight, b.score),
            "indicators": [(i.level1, i.level2, i.name, i.annual_value, i.actual_value, i.weight, i.score,
                            i.deviation, i.likelihood) for i in p.indicators]}


def _expected(e: EvalExpected) -> dict:
    if e.form == "monitor":
        money = (e.budget, None, None, e.executed, None, None, None)
    else:
        money = (e.budget, e.budget, e.executed, None, e.rate, e.budget_weight, e.budget_score)
    return {"form": e.form, "year": e.year, "project": e.project, "unit": e.unit, "total_score": e.total_score,
            "goal_expected": e.goal_expected, "goal_actual": e.goal_actual, "months": e.months, "money": money,
            "indicators": [(i.level1, i.level2, i.name, i.annual_value, i.actual_value, i.weight, i.score,
                            i.deviation, i.likelihood) for i in e.indicators]}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("form", EVAL_FORMS)
def test_read_back_exactly(form: str, fmt: str, tmp_path: Path) -> None:
    for seed in range(4 if fmt != "pdf" else 2):  # PDF is the slow one to write and read
        grid, expected = generate_eval(random.Random(f"{seed}:{form}"), form)
        path = tmp_path / f"t{seed}.{fmt}"
        path.write_bytes(render_eval(grid, fmt))
        assert _read(jixiao.parse(path)) == _expected(expected), (form, fmt, seed)


def test_golden_selfeval_scored_by_hand() -> None:
    grid, _ = generate_eval(random.Random("3:selfeval"), "selfeval")
    text = (GOLDEN / "selfeval_seed3.txt").read_text(encoding="utf-8")
    assert grid_text(grid) == text
    p = score_document(jixiao.parse(GOLDEN / "selfeval_seed3.txt")).projects[0]
    # budget 47.5/50 = 95 % × 10 = 9.5; 改造面积 met 24; 系统可用率 85/95 × 22 = 19.684 → 19.68;
    # 项目总成本 ≤50, 50: 22; 满意度 85/90 × 22 = 20.778 → 20.78; total 9.5 + 24 + 19.68 + 22 + 20.78 = 95.96
    assert [x.recomputed for x in p.indicators] == [24.0, 19.68, 22.0, 20.78]
    assert (p.budget.recomputed, p.total.reported, p.total.recomputed, p.total.difference) == (9.5, 95.96, 95.96, 0.0)
    assert not [f for f in review(jixiao.parse(GOLDEN / "selfeval_seed3.txt")) if f.rule in ("R45", "R46", "R47")]


def test_golden_monitor_is_behind_time() -> None:
    grid, _ = generate_eval(random.Random("3:monitor"), "monitor")
    assert grid_text(grid) == (GOLDEN / "monitor_seed3.txt").read_text(encoding="utf-8")
    # 35 of 100 by June: 35 % against 50 % of the year gone, 70 % of the pace: yellow (60–80 %)
    found = [f for f in review(jixiao.parse(GOLDEN / "monitor_seed3.txt")) if f.rule == "R50"]
    assert [(f.severity, "黄灯" in f.message) for f in found] == [("info", True)]


def test_cli_writes_every_format_with_its_answer(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["synth", str(tmp_path), "--form", "selfeval", "--count", "2", "--format", "all"])
    assert r.exit_code == 0, r.output
    assert sorted(p.suffix for p in tmp_path.glob("synth_selfeval_*_00000.*")) == sorted(
        [".json", *(f".{f}" for f in FORMATS)])
    answer = json.loads(next(tmp_path.glob("synth_selfeval_*_00001.expected.json")).read_text(encoding="utf-8"))
    assert answer["form"] == "selfeval" and answer["indicators"]
    r = CliRunner().invoke(app, ["synth", str(tmp_path), "--form", "selfeval", "--format", "odt"])
    assert r.exit_code == 2 and "--format" in r.output
