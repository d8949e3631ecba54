"""A project across years and versions on SQLite and PostgreSQL: links, corrections, the diff, R53/R54."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from history_fixture import load
from jixiao.cli.main import app as cli
from jixiao.errors import UsageError
from jixiao.library.history import compare, find_earlier, history, name_key, name_year, set_link
from jixiao.library.query import document_peers
from jixiao.review import review
from jixiao.store import open_store
from jixiao.store.delete import delete_document
from jixiao.store.query import load_document


@pytest.fixture
def store(db_url):
    engine = open_store(db_url)
    yield engine, load(engine)
    engine.dispose()


def test_name_key_by_hand():
    assert name_key("2024年乡村教师培训项目（结转）") == "乡村教师培训项目"
    assert name_key("(穗天政数函2021364号) 信息化项目") == "信息化项目"
    assert name_key(None) == ""
    assert name_year("广州开放大学2023年-2024年信息化运维项目") == 2023 and name_year("道路养护") is None


def test_links_found_by_department_year_and_version(store):
    engine, p = store
    with engine.connect() as c:
        first = find_earlier(c, p["t2024"])
        # 甲局's 2023 project (same name once the year and （结转） are out); not 乙局's, not the road
        assert [(x["earlier_id"], x["confidence"]) for x in first] == [(p["t2023"], 1.0)]
        second = find_earlier(c, p["t2024v2"])
        # version 1 of the same file, then 甲局 2023 (the old version is no longer latest but still its own)
        assert [x["earlier_id"] for x in second] == [p["t2024"], p["t2023"]] or \
            [x["earlier_id"] for x in second] == [p["t2023"], p["t2024"]]
        assert {x["earlier_id"]: x["reason"][:6] for x in second}[p["t2024"]] == "同一文件的第"
        assert find_earlier(c, p["road"]) == []


def test_diff_side_by_side_by_hand(store):
    engine, p = store
    with engine.connect() as c:
        d = compare(c, p["t2023"], p["t2024"])
    assert d["money"][0] == {"field": "total", "earlier": 100.0, "later": 150.0, "change_yuan": 500_000.0,
                             "share": 0.5}
    change = {(r["earlier_name"], r["later_name"]): (r["change"], r["direction"]) for r in d["targets"]}
    assert change == {("培训人数", "培训人数"): ("copied", None), ("学员满意度", "学员满意度"): ("copied", None),
                      ("人均培训成本", "人均培训成本"): ("rose", "looser"), (None, "培训天数"): ("added", None)}
    assert d["counts"] == {"copied": 2, "rose": 1, "fell": 0, "changed": 0, "added": 1, "dropped": 0}
    with engine.connect() as c:
        v = compare(c, p["t2024"], p["t2024v2"])
    change = {(r["earlier_name"], r["later_name"]): (r["change"], r["direction"]) for r in v["targets"]}
    assert change[("培训人数", "培训人数")] == ("fell", "looser")
    assert change[("人均培训成本", None)] == ("dropped", None) and v["money_share"] == 0.0


def test_links_are_stored_and_corrected(store):
    engine, p = store
    with engine.begin() as c:
        h = history(c, p["t2024"])
        assert [(k["earlier_id"], k["status"], k["method"]) for k in h["links"]] == [(p["t2023"], "proposed", "auto")]
        assert h["compare"]["earlier"]["project_id"] == p["t2023"]
        set_link(c, p["t2024"], p["t2023"], "rejected")
        set_link(c, p["t2024"], p["other"], "confirmed")  # a person knows better: 乙局's is the ancestor
    with engine.begin() as c:
        h = history(c, p["t2024"])  # finding again does not bring the rejected link back
        assert [(k["earlier_id"], k["status"]) for k in h["links"]] == [(p["other"], "confirmed"),
                                                                        (p["t2023"], "rejected")]
        assert h["compare"]["earlier"]["project_id"] == p["other"]
        with pytest.raises(UsageError):
            set_link(c, p["t2024"], p["t2024"], "confirmed")
        with pytest.raises(UsageError):
            set_link(c, p["t2024"], 10**6, "confirmed")
    delete_document(engine, p["doc2024"])  # a deleted project takes its links along
    with engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM project_history_links")).scalar_one() == 0


def test_rules_r53_r54_from_the_store(store):
    engine, p = store
    with engine.connect() as c:
        # review the first 2024 version: delete v2 first? No: it is an old version; its own earlier one is 2023
        found = review(load_document(c, p["doc2024"]), peers=document_peers(c, p["doc2024"]))
        v2 = review(load_document(c, p["doc2024v2"]), peers=document_peers(c, p["doc2024v2"]))
    r53 = [f for f in found if f.rule == "R53"]
    r54 = [f for f in found if f.rule == "R54"]
    assert len(r53) == 1 and "+50%" in r53[0].message and "培训人数 500人" in r53[0].message
    assert "学员满意度" not in r53[0].message  # a copied satisfaction target is no quantity
    assert len(r54) == 1 and r54[0].indicator_index == 2 and "≤600元/人" in r54[0].message
    # version 2 against version 1 (the most confident link): 500 → 300 people for the same money
    assert [f.message for f in v2 if f.rule == "R54"] == [
        "“培训人数”由上年（2024 年，P{}）的 500人 降为 300人，而资金总额未变".format(p["t2024"])]


def test_history_cli(store, db_url):
    engine, p = store
    r = CliRunner().invoke(cli, ["history", f"P{p['t2024']}", "--db", db_url])
    assert r.exit_code == 0, r.output
    assert "照抄" in r.output and "+50%" in r.output and f"P{p['t2023']}" in r.output
    r = CliRunner().invoke(cli, ["history", f"P{p['t2024']}", "--reject", f"P{p['t2023']}", "--db", db_url,
                                 "--format", "json"])
    assert r.exit_code == 0 and '"rejected"' in r.output and '"compare": null' in r.output
    r = CliRunner().invoke(cli, ["history", "12", "--db", db_url])
    assert r.exit_code != 0 and "P12" in r.output and "Traceback" not in r.output
