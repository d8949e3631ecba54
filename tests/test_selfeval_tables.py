"""Real published self-evaluation and monitoring tables (tests/data/selfeval, copied from
../shared/real/selfeval), scored against answers written by hand (``*.answer.json``).

An answer holds what a person reads in the source, field by field; ``null`` or a missing key is
not checked, and the paths in ``uncertain`` (what a person cannot read for sure) are left out.
Indicators are matched by name, budget rows by label, projects by position.

* nothing is read wrong: every field the parser fills that the answer holds equals it, and no
  indicator is read that the answer does not hold (a value it could not place is a warning);
* each table reads at least as many fields right as it did when this test was written
  (``FLOOR``; raise it when the reader learns more, see ``report()``);
* a target table's canonical JSON carries none of the evaluation keys.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import jixiao
from jixiao.model import EVAL_SCHEMA, SCHEMA

DATA = Path(__file__).parent / "data" / "selfeval"
TABLES = sorted(DATA.glob("*.txt"))

# fields read right, per table, of the answer's fields (see the report in the module's __main__)
FLOOR = {
    "01_anhui-chizhou-tangxi-weituo-2022": 78,
    "02_hebei-langfang-foodschool-nuantong-2019": 85,
    "03_shanxi-jishan-yibao-peitao-2020": 6,
    "04_hubei-xiangyang-hospital-dongjin-2021": 33,
    "05_hubei-changjiang-jinbu-yuchuan-2020": 18,
    "06_sichuan-daying-sifa-anke-2023": 47,
    "07_anhui-xiaoxian-hexi-zhongyang-2023": 107,
    "08_anhui-shouxian-dept-overall-2023": 36,
    "09_chongqing-kexuecheng-media-dept-overall-2021": 7,
    "10_hubei-huangshi-shenyi-monitor-2019": 26,
}

_DOC_KEYS = ("form", "title", "year", "department", "amount_unit")
_PROJECT_KEYS = ("name", "unit")
_EVAL_KEYS = ("months", "goal_expected", "goal_actual", "total_score", "deviation", "measures")
_INDICATOR_KEYS = ("level1", "level2", "name", "annual_value", "actual_value", "weight", "score", "direction",
                   "deviation", "likelihood", "core")


def _pairs(gold: dict[str, Any], pred: dict[str, Any]) -> tuple[list[tuple[str, Any, Any]], list[str]]:
    """(path, gold value, predicted value) for every field the answer holds; and the paths of
    indicators read that the answer does not hold."""
    out: list[tuple[str, Any, Any]] = [(k, gold.get(k), pred.get(k)) for k in _DOC_KEYS]
    extra: list[str] = []
    for pi, gp in enumerate(gold["projects"]):
        pp = pred["projects"][pi] if pi < len(pred["projects"]) else {}
        base = f"projects.{pi}"
        out += [(f"{base}.{k}", gp.get(k), pp.get(k)) for k in _PROJECT_KEYS]
        out += [(f"{base}.fields.{k}", v, (pp.get("fields") or {}).get(k)) for k, v in (gp.get("fields") or {}).items()]
        ge, pe = gp.get("evaluation") or {}, pp.get("evaluation") or {}
        out += [(f"{base}.evaluation.{k}", ge.get(k), pe.get(k)) for k in _EVAL_KEYS]
        rows = {r["label"]: r for r in pe.get("budget") or []}
        for gr in ge.get("budget") or []:
            pr = rows.get(gr["label"], {})
            out += [(f"{base}.evaluation.budget.{gr['label']}.{k}", v, pr.get(k)) for k, v in gr.items() if k != "label"]
        unused = list(pp.get("indicators") or [])
        for ii, gi in enumerate(gp.get("indicators") or []):
            pi_ = next((x for x in unused if x.get("name") == gi["name"]), None)
            if pi_ is not None:
                unused.remove(pi_)
            pi_ = pi_ or {}
            out += [(f"{base}.indicators.{ii}.{k}", gi.get(k), pi_.get(k)) for k in _INDICATOR_KEYS]
            out += [(f"{base}.indicators.{ii}.extra.{k}", v, (pi_.get("extra") or {}).get(k))
                    for k, v in (gi.get("extra") or {}).items()]
        extra += [f"{base}.indicators[{x.get('name')!r}]" for x in unused]
    return out, extra


def score(path: Path) -> tuple[int, int, list[str], list[str]]:
    """(right, total, wrong, missed) for one table against its answer."""
    gold = json.loads(path.with_suffix(".answer.json").read_text(encoding="utf-8"))
    pred = jixiao.parse(path).to_canonical()
    uncertain = set(gold.get("uncertain", []))
    right = total = 0
    wrong: list[str] = []
    missed: list[str] = []
    pairs, extra = _pairs(gold, pred)
    for where, g, p in pairs:
        if g is None or where in uncertain:
            continue
        total += 1
        if p == g:
            right += 1
        elif p is None:
            missed.append(f"{where}: {g!r}")
        else:
            wrong.append(f"{where}: read {p!r}, answer {g!r}")
    wrong += [f"{x}: read, not in the answer" for x in extra]
    return right, total, wrong, missed


@pytest.mark.parametrize("path", TABLES, ids=[p.stem for p in TABLES])
def test_selfeval_table_against_hand_answer(path: Path) -> None:
    right, total, wrong, missed = score(path)
    assert not wrong, "\n".join(wrong)
    assert right >= FLOOR[path.stem], f"{right}/{total} right; not read:\n" + "\n".join(missed)


@pytest.mark.parametrize("path", TABLES, ids=[p.stem for p in TABLES])
def test_selfeval_table_is_an_evaluation(path: Path) -> None:
    doc = jixiao.parse(path)
    obj = doc.to_canonical()
    assert obj["schema"] == EVAL_SCHEMA
    assert obj["form"] in ("selfeval", "dept_selfeval", "monitor")
    assert all("evaluation" in p for p in obj["projects"])


def test_cut_and_garbled_tables_say_so() -> None:
    codes = {p.stem[:2]: {w.code for w in jixiao.parse(p).all_warnings()} for p in TABLES}
    for cut in ("01", "06", "07", "08"):
        assert "excerpt-cut" in codes[cut], cut
    for glued in ("04", "05", "09"):
        assert {"eval-glued", "eval-ocr"} <= codes[glued], glued
    assert "eval-scrambled" in codes["03"]
    for fused in ("04", "09"):  # money run together, cut by its arithmetic: said so
        assert "eval-glued-money" in codes[fused], fused
    for fused in ("04", "05"):  # indicator rows run together, cut by their repeated values: said so
        assert "eval-glued-grid" in codes[fused], fused


@pytest.mark.parametrize(("head", "rate", "tail", "expected"), [
    ("10001000", "100", "20", {"budget": "1000", "executed": "1000", "rate": "100%", "score": "20"}),
    ("7", "6", "107.6", {"rate": "76%", "weight": "10", "score": "7.6"}),
    ("1.561.56", "1", "20", None),  # 1.56 | 1.56 | 1 | 20, or 1.5 | 61.56 …: no one reading
    ("5050", "100", "10", {"budget": "50", "executed": "50", "rate": "100%", "score": "10"}),
    ("100010001", "00", "20", {"budget": "1000", "executed": "1000", "rate": "100%", "score": "20"}),  # the regex's cut
])
def test_fused_money_is_cut_only_where_the_arithmetic_allows_one_reading(head, rate, tail, expected) -> None:
    from jixiao.parse.eval_reader import _cut_fused

    cut = _cut_fused(head, rate, tail)
    text = head + rate + "%" + tail
    assert (None if cut is None else {k: text[a:b] for k, (a, b) in cut.items()}) == expected


def test_target_tables_carry_no_evaluation_keys() -> None:
    sample = next((Path(__file__).parent / "data" / "real").glob("*.txt"))
    obj = jixiao.parse(sample).to_canonical()
    assert obj["schema"] == SCHEMA
    for p in obj["projects"]:
        assert "evaluation" not in p
        for i in p["indicators"]:
            assert not {"actual_value", "weight", "score", "core"} & set(i)


def report() -> None:
    """Print each table's fields right / total and what was not read (``python tests/test_selfeval_tables.py``)."""
    for path in TABLES:
        right, total, wrong, missed = score(path)
        print(f"{path.stem}: {right}/{total} right, {len(wrong)} wrong, {len(missed)} not read")
        for m in wrong + missed:
            print("   ", m)


if __name__ == "__main__":
    report()


@pytest.mark.parametrize("path", TABLES, ids=[p.stem for p in TABLES])
def test_evaluation_fields_point_at_their_source(path: Path) -> None:
    """Every value an evaluation adds is the text its spans cover (white space aside)."""
    doc = jixiao.parse(path)
    text = doc.source_text

    def covered(spans: list) -> str:
        return "".join("".join(text[a:b].split()) for a, b in spans)

    for p in doc.projects:
        assert p.evaluation is not None
        for key, spans in p.evaluation.spans.items():
            assert covered(spans) == "".join(str(getattr(p.evaluation, key)).split()), key
        for r in p.evaluation.budget:
            for key, spans in r.spans.items():
                value = getattr(r, key)
                if isinstance(value, float):
                    assert float(covered(spans).replace(",", "")) == value, key
                elif key != "label":
                    assert covered(spans) == value, key
        for i in p.indicators:
            for key in ("actual_value", "weight", "score", "direction", "deviation", "likelihood"):
                if (value := getattr(i, key)) is not None:
                    assert covered(i.spans[key]) == "".join(value.split()), (i.name, key)


def _rows(path: Path) -> list[list[str]]:
    """A pipe-joined table's rows of cells, as a spreadsheet or a .docx table holds them."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        while cells and not cells[-1]:
            cells.pop()
        out.append(cells)
    return out


_PIPE_TABLES = [p for p in TABLES if p.stem[:2] in ("06", "07", "10")]


@pytest.mark.parametrize("path", _PIPE_TABLES, ids=[p.stem for p in _PIPE_TABLES])
@pytest.mark.parametrize("kind", ["tsv", "xlsx"])
def test_the_same_table_in_other_formats_reads_the_same(path: Path, kind: str, tmp_path: Path) -> None:
    """The reader works on cells, not on pipes: the table as tab-separated text, or as the
    spreadsheet it came from, reads the same fields."""
    rows = _rows(path)
    if kind == "tsv":
        doc = jixiao.parse("\n".join("\t".join(r) for r in rows))
    else:
        from openpyxl import Workbook

        wb = Workbook()
        for r in rows:
            wb.active.append(r or [None])
        target = tmp_path / "table.xlsx"
        wb.save(target)
        doc = jixiao.parse(target)
    gold = json.loads(path.with_suffix(".answer.json").read_text(encoding="utf-8"))
    pairs, extra = _pairs(gold, doc.to_canonical())
    uncertain = set(gold.get("uncertain", []))
    checked = [(w, g, p) for w, g, p in pairs if g is not None and w not in uncertain]
    assert not extra and [(w, g, p) for w, g, p in checked if p != g] == []


@pytest.mark.parametrize(("body", "expected"), [
    ("成本控制不超过预算不超过预算", ("成本控制", "不超过预算", "不超过预算")),
    ("保证财政建设补助专款专用专款专用专款专用", ("保证财政建设补助专款专用", "专款专用", "专款专用")),  # warned: uncertain
    ("完成东津院区建设,医院东津医疗收入达到5亿元5亿元6.47亿元", ("完成东津院区建设,医院东津医疗收入达到5亿元", "5亿元", "6.47亿元")),
    ("12月底之前完成", None),
])
def test_a_run_together_row_is_cut_at_its_repeated_value(body: str, expected) -> None:
    from jixiao.parse.eval_reader import _cut_body

    cut = _cut_body(body)
    assert (None if cut is None else (body[: cut[0]], body[cut[0]: cut[1]], body[cut[1]:])) == expected


def test_evaluation_vocabulary() -> None:
    from jixiao.parse.form_vocab import eval_grid_role, eval_money_role, eval_title

    assert eval_title("黄石市项目支出绩效监控表 (申遗)") == "monitor"
    assert eval_title("2023年度部门整体支出绩效评价自评表") == "dept_selfeval"
    assert eval_title("绩效目标自评表") == eval_title("项目支出绩效自评表") == "selfeval"
    assert eval_title("项目支出绩效目标表") is None and eval_title("部门整体支出绩效目标申报表") is None
    roles = {"年初目标值 (A)": "value", "实际完成值 (B)": "actual", "全年实际值": "actual", "完成值": "actual",
             "半年度 指标执行情况": "actual", "分值": "weight", "指标权重(分)": "weight", "得分": "score",
             "自评得分": "score", "指标性质": "direction", "偏差原因分析及改进措施": "deviation",
             "未完成原因及拟采取的改进措施": "deviation", "完成目标可能性(确定能、有可能、不可能)": "likelihood",
             "是否核心指标": "core", "序号": "seq", "★补助鱼塘面积": None}
    assert {k: eval_grid_role(k) for k in roles} == roles
    assert eval_money_role("1-6月执行数") == ("executed_to_date", 6)
    assert eval_money_role("全年预算数(A)") == ("budget", None)
    assert eval_money_role("得分(20分*执行率)") == ("score", None)
