"""The indicator library on SQLite and PostgreSQL: kept on import, figures and peers checked by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from jixiao.errors import UsageError
from jixiao.library.query import (
    direction,
    library_entry,
    list_library,
    percentile,
    project_benchmarks,
    quartiles,
)
from jixiao.library.store import rebuild
from jixiao.model import Document, Indicator, Project, Target
from jixiao.store import open_store
from jixiao.store.delete import delete_document
from jixiao.store.write import save_document

_CMP = {"≥": ">=", "≤": "<="}


def ind(l1: str, l2: str, name: str, value: str) -> Indicator:
    """An indicator with its target read by hand: ≥90% → (>=, 90, %)."""
    cmp = _CMP.get(value[0])
    body = value[1:] if cmp else value
    number = "".join(ch for ch in body if ch.isdigit() or ch == ".")
    target = Target(text=value, kind="quantitative", comparator=cmp, value=float(number), unit=body[len(number):] or None)
    return Indicator(level1=l1, level2=l2, name=name, annual_value=value, annual_target=target)


def doc(department: str, year: int, project: str, *indicators: Indicator) -> Document:
    return Document(form="project", department=department, year=year, amount_unit="万元",
                    projects=[Project(name=project, indicators=list(indicators))])


Q, S, C = ("产出指标", "数量指标"), ("满意度指标", "服务对象满意度指标"), ("产出指标", "成本指标")
FIXTURE = [
    doc("甲局", 2024, "培训项目甲", ind(*Q, "培训人数", "≥100人"), ind(*S, "学员满意度", "≥90%"),
        ind(*C, "人均培训成本", "≤500元/人")),
    doc("乙局", 2024, "培训项目乙", ind(*Q, "参训人次", "200人"), ind(*S, "服务对象满意度（%）", "≥95%"),
        ind(*C, "人均培训成本", "≤800元/人")),
    doc("丙局", 2023, "培训项目丙", ind(*Q, "(1)培训人数", "300人"), ind(*S, "用户满意度", "≥85%"),
        ind(*Q, "培训天数", "5天")),
    doc("丁局", 2025, "培训项目丁", ind(*Q, "★培训人数(≥**人)", "50人"), ind(*S, "满意率", "90%")),
]


@pytest.fixture
def library(db_url):
    engine = open_store(db_url)
    ids = [save_document(engine, d, source_path=f"doc{k}", sha256=f"{k:064d}").document_id
           for k, d in enumerate(FIXTURE)]
    yield engine, ids
    engine.dispose()


def _group(conn, name: str) -> dict:
    (item,) = [i for i in list_library(conn, limit=100)["items"] if name in i["name"]]
    return item


def test_spellings_are_one_canonical_indicator_with_its_use(library):
    engine, _ = library
    with engine.connect() as c:
        everything = list_library(c, limit=100)
        assert everything["total"] == 4  # 培训人数, 满意度, 人均培训成本, 培训天数
        people = _group(c, "培训人数")
        assert (people["level1"], people["level2"]) == ("产出", "数量")
        assert (people["indicators"], people["projects"], people["departments"], people["years"]) == (4, 4, 4, 3)
        assert _group(c, "满意")["projects"] == 4
        assert _group(c, "培训天数")["projects"] == 1
        assert everything["items"][0]["projects"] == 4  # most used first
        assert [i["name"] for i in list_library(c, query="参训人次")["items"]] == [people["name"]]  # any spelling finds it
        assert list_library(c, query="满意度", level1="满意度")["total"] == 1
        assert list_library(c, level2="成本")["total"] == 1
        assert list_library(c, query="没有这种指标")["total"] == 0


def test_figures_per_unit_by_hand(library):
    engine, _ = library
    with engine.connect() as c:
        e = library_entry(c, _group(c, "培训人数")["id"])
    # 50, 100, 200, 300 人: quartiles interpolate between the sorted figures
    assert e["distributions"] == [{"unit": "人", "count": 4, "min": 50.0, "q1": 87.5, "median": 150.0, "q3": 225.0,
                                   "max": 300.0}]
    assert {s["name"] for s in e["spellings"]} == {"培训人数", "参训人次", "(1)培训人数", "★培训人数(≥**人)"}
    assert {x["comparator"]: x["count"] for x in e["comparators"]} == {">=": 1, "": 3}
    assert e["years"] == [2023, 2024, 2025] and e["departments"] == 4
    assert sorted(m["project"] for m in e["members"]) == ["培训项目丁", "培训项目丙", "培训项目乙", "培训项目甲"]


def test_peer_benchmark_of_each_target_by_hand(library):
    engine, ids = library
    with engine.connect() as c:
        pid = c.execute(text("SELECT id FROM projects WHERE document_id = :d"), {"d": ids[0]}).scalar_one()
        marks = {b["name"]: b for b in project_benchmarks(c, pid)}
    people = marks["培训人数"]  # 100 among 200, 300, 50
    assert (people["n"], people["median"], people["q1"], people["q3"]) == (3, 200.0, 125.0, 250.0)
    assert people["percentile"] == pytest.approx(100 / 3) and people["direction"] == "higher"
    sat = marks["学员满意度"]  # 90 among 95, 85, 90: one below, one tie
    assert (sat["n"], sat["percentile"], sat["median"]) == (3, 50.0, 90.0)
    cost = marks["人均培训成本"]  # 500 among 800 元/人; a cost: lower is better
    assert (cost["n"], cost["percentile"], cost["direction"]) == (1, 0.0, "lower")


def test_helpers_by_hand():
    assert quartiles([]) is None
    assert quartiles([7.0]) == {"count": 1, "min": 7.0, "q1": 7.0, "median": 7.0, "q3": 7.0, "max": 7.0}
    assert percentile(5, []) is None
    assert percentile(5, [5, 5]) == 50.0 and percentile(6, [1, 2, 3, 10]) == 75.0
    assert direction("成本", None) == "lower" and direction("数量", "<=") == "lower"
    assert direction("质量", None, "安全事故发生次数") == "lower"
    assert direction("质量", None, "网站故障次数下降率") == "higher"


def test_versions_and_deletes_keep_the_library_current(library):
    engine, ids = library
    newer = doc("丁局", 2025, "培训项目丁", ind(*Q, "培训人数", "60人"), ind(*S, "满意率", "90%"))
    save_document(engine, newer, source_path="doc3", sha256="f" * 64)  # a new version of doc3
    with engine.connect() as c:
        e = library_entry(c, _group(c, "培训人数")["id"])
        assert sorted(m["annual_number"] for m in e["members"]) == [60.0, 100.0, 200.0, 300.0]  # not the old 50
    delete_document(engine, ids[2])
    with engine.connect() as c:
        assert _group(c, "培训人数")["projects"] == 3
        assert not [i for i in list_library(c, limit=100)["items"] if "培训天数" in i["name"]]
        orphans = c.execute(text("SELECT count(*) FROM library_members m LEFT JOIN indicators i "
                                 "ON i.id = m.indicator_id WHERE i.id IS NULL")).scalar_one()
        assert orphans == 0


def test_rebuild_groups_as_the_imports_did(library):
    engine, _ = library

    def partition(conn):
        rows = conn.execute(text("SELECT library_id, indicator_id FROM library_members")).all()
        groups: dict[int, set] = {}
        for lid, iid in rows:
            groups.setdefault(lid, set()).add(iid)
        return sorted(sorted(g) for g in groups.values())

    with engine.connect() as c:
        before = partition(c)
    with engine.begin() as c:
        assert rebuild(c) == 11
    with engine.connect() as c:
        assert partition(c) == before
        assert _group(c, "满意")["name"] in {"学员满意度", "服务对象满意度（%）", "用户满意度", "满意率"}


def test_unknown_entries_and_bad_pages_are_usage_errors(library):
    engine, _ = library
    with engine.connect() as c:
        with pytest.raises(UsageError):
            library_entry(c, 10**6)
        for kwargs in ({"limit": 0}, {"offset": -1}, {"sort": "nope"}):
            with pytest.raises(UsageError):
                list_library(c, **kwargs)


def test_peer_rule_against_the_store(library):
    """R44 with the store's peers, checked by hand (Q1 interpolates between the sorted peers)."""
    from jixiao.library.query import document_peers
    from jixiao.review import ReviewConfig, review
    from jixiao.store.query import load_document

    engine, ids = library
    cfg = ReviewConfig.from_dict({"rules": {"R44": {"min_peers": 3}}})
    with engine.connect() as c:
        found = {k: [f for f in review(load_document(c, d), cfg, peers=document_peers(c, d)) if f.rule == "R44"]
                 for k, d in enumerate(ids)}
        default = [f for f in review(load_document(c, ids[3]), peers=document_peers(c, ids[3])) if f.rule == "R44"]
    flagged = {k: [(f.project, f.message.split("”")[0][1:]) for f in v] for k, v in found.items()}
    assert flagged == {
        0: [("培训项目甲", "培训人数")],  # 100 人 < Q1 125 of 50, 200, 300
        1: [],  # 200 人 ≥ Q1 75 of 50, 100, 300; ≥95% ≥ Q1 87.5 of 85, 90, 90
        2: [("培训项目丙", "用户满意度")],  # 300 人 is the top; ≥85% < Q1 90 of 90, 90, 95
        3: [("培训项目丁", "★培训人数(≥**人)")],  # 50 人 < Q1 150 of 100, 200, 300
    }
    (low,) = found[3]
    assert low.field == "annual_value" and "150" in low.message and "3 个" in low.message and "人" in low.message
    assert default == []  # three peers are too few by default (min_peers 5)


def test_the_library_command(library):
    """``jixiao library`` as a user meets it: list, search, show, rebuild; table, JSON and CSV."""
    import csv
    import io
    import json
    import os
    import subprocess
    import sys

    engine, _ = library
    url = engine.url.render_as_string(hide_password=False)

    def jixiao(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "jixiao", "library", *args, "--db", url], capture_output=True,
                              timeout=120, env={**os.environ, "COLUMNS": "200"})

    listed = json.loads(jixiao("list", "--format", "json").stdout)
    assert listed["total"] == 4 and listed["items"][0]["projects"] == 4
    table = jixiao("list").stdout.decode()
    assert "指标库" in table and "培训人数" in table
    rows = list(csv.reader(io.StringIO(jixiao("search", "参训人次", "-f", "csv").stdout.decode("utf-8-sig"))))
    assert rows[0][:4] == ["指标库编号", "一级指标", "二级指标", "指标名称"] and len(rows) == 2 and rows[1][3] == "培训人数"
    lid = rows[1][0]
    shown = json.loads(jixiao("show", f"L{lid}", "-f", "json").stdout)
    assert shown["distributions"][0]["median"] == 150.0
    assert "中位数" in jixiao("show", lid).stdout.decode()
    figures = list(csv.reader(io.StringIO(jixiao("show", lid, "-f", "csv").stdout.decode("utf-8-sig"))))
    assert figures[1] == ["人", "4", "50.0", "87.5", "150.0", "225.0", "300.0"]
    assert "已重建" in jixiao("rebuild").stdout.decode()
    bad = jixiao("show", "L999999")
    assert bad.returncode != 0 and "L999999" in bad.stderr.decode() and "Traceback" not in bad.stderr.decode()
    assert jixiao("list", "--format", "xml").returncode == 2
