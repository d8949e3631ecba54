"""Evaluations in the store (issue 16): stored whole with the import, linked to their target tables,
corrected by people, and rule R51 on the links — on SQLite and on the real PostgreSQL.

The fixture ``tests/data/evalstore/hexi_target_2023.txt`` is the target table the real self-evaluation
``tests/data/selfeval/07_…`` reports on, written by hand from it: same department (县农业农村局), year
(2023) and project, the same indicators without the evaluation's 其中 sub-rows, and one 年度指标值
changed as it would be when an evaluation lowers its target: 特色产业带动增加受益农户收入 is ≥12万元
in the target table and ≥11.376万元 in the evaluation.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from jixiao.link.match import department_score, indicator_pairs, project_score
from jixiao.link.store import project_links, set_link
from jixiao.parse.document import parse_source
from jixiao.read import read
from jixiao.review import review
from jixiao.review.registry import RULES
from jixiao.store import import_files, open_store
from jixiao.store.eval_schema import EvaluationIndicatorLinkRow, EvaluationLinkRow
from jixiao.store.query import load_document
from jixiao.store.schema import DocumentRow, FindingRow, ProjectRow
from jixiao.store.write import save_document
from test_store import table_counts

DATA = Path(__file__).parent / "data"
TARGET = DATA / "evalstore" / "hexi_target_2023.txt"
MONITOR = DATA / "evalstore" / "hexi_monitor_2023.txt"
EVALUATION = DATA / "selfeval" / "07_anhui-xiaoxian-hexi-zhongyang-2023.txt"
REAL = sorted((DATA / "selfeval").glob("*.txt"))


@pytest.fixture
def store(db_url):
    engine = open_store(db_url)
    yield engine
    engine.dispose()


def _copy(tmp_path, *files: Path) -> list[str]:
    out = []
    for f in files:
        shutil.copy(f, tmp_path / f.name)
        out.append(str(tmp_path / f.name))
    return out


def _projects(engine) -> dict[str, int]:
    """form → the project id of the one document of that kind"""
    with engine.connect() as c:
        return {r.form: r.id for r in c.execute(select(DocumentRow.form, ProjectRow.id)
                                                .join(ProjectRow, ProjectRow.document_id == DocumentRow.id))}


def _r51(engine) -> list[str]:
    with engine.connect() as c:
        return list(c.execute(select(FindingRow.message).where(FindingRow.rule == "R51")
                              .order_by(FindingRow.id)).scalars())


CHANGED = "“特色产业带动增加受益农户收入(总收入)”的年度指标值在自评/监控表中为「≥11.376万元」，" \
          "而目标表（hexi_target_2023.txt）公布的是「≥12万元」"


@pytest.mark.parametrize("order", ["target first", "evaluation first"])
def test_import_links_the_evaluation_to_its_target_and_reimport_changes_nothing(store, tmp_path, order):
    files = _copy(tmp_path, TARGET, EVALUATION)
    if order == "evaluation first":
        files.reverse()
    assert [o.status for o in import_files(store, files)] == ["imported", "imported"]
    ids = _projects(store)
    counts = table_counts(store)
    # the evaluation's own values are stored: 14 indicators, 3 money rows, its project's goal text
    assert counts["evaluation_projects"] == 1 and counts["evaluation_budget"] == 3
    assert counts["evaluation_indicators"] == 14
    with store.connect() as c:
        link = project_links(c, ids["selfeval"])
    assert (link["target_project_id"], link["confidence"], link["method"]) == (ids["project"], 1.0, "auto")
    # the seven scored indicators find their targets; the 其中 sub-rows have none in the target table
    assert [(p["name"], p["target_name"]) for p in link["indicators"]] == [
        ("补助各类瓜果蔬菜种植面积", "补助各类瓜果蔬菜种植面积"), ("补助鱼塘面积", "补助鱼塘面积"),
        ("补助家畜家禽养殖数量", "补助家畜家禽养殖数量"), ("种植作物成活率", "种植作物成活率"),
        ("养殖家畜家禽成活率", "养殖家畜家禽成活率"),
        ("特色产业带动增加受益农户收入(总收入)", "特色产业带动增加受益农户收入(总收入)"), ("受益人口数量", "受益人口数量")]
    assert _r51(store) == [CHANGED]
    # importing both again changes nothing, links and findings included
    assert {o.status for o in import_files(store, files)} == {"unchanged"}
    assert table_counts(store) == counts


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name[:2])
def test_an_evaluation_reads_back_exactly_from_the_store(store, path):
    doc = parse_source(read(path))
    saved = save_document(store, doc, source_path=str(path), sha256="e" * 64, fmt="text")
    with store.connect() as c:
        back = load_document(c, saved.document_id)
    assert back == doc  # money rows, goal expected vs actual, scores and every indicator's reported values
    assert back.projects[0].evaluation is not None


def test_a_person_corrects_a_link_and_imports_do_not_undo_it(store, tmp_path):
    target, evaluation = _copy(tmp_path, TARGET, EVALUATION)
    list(import_files(store, [target, evaluation]))
    ids = _projects(store)
    shown = set_link(store, ids["selfeval"], None)  # "this evaluation has no target table"
    assert (shown["target_project_id"], shown["method"], shown["indicators"]) == (None, "manual", [])
    assert _r51(store) == []  # no link, nothing to compare
    # a new version of the target table is imported: the person's word stands
    Path(target).write_text(TARGET.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert [o.status for o in import_files(store, [target])] == ["imported"]
    with store.connect() as c:
        assert project_links(c, ids["selfeval"])["target_project_id"] is None
        new_target = c.execute(select(ProjectRow.id).join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
                               .where(DocumentRow.is_latest, DocumentRow.form == "project")).scalar_one()
    assert set_link(store, ids["selfeval"], new_target)["confidence"] == 1.0
    assert _r51(store) == [CHANGED]
    back = set_link(store, ids["selfeval"], None, auto=True)  # handed back to the matcher: the latest target
    assert (back["target_project_id"], back["method"]) == (new_target, "auto")
    with store.connect() as c:
        assert c.execute(select(EvaluationIndicatorLinkRow.indicator_id)).all().__len__() == 7
        assert c.execute(select(EvaluationLinkRow.method)).scalars().all() == ["auto"]


def test_links_are_refused_where_they_make_no_sense(store, tmp_path):
    from jixiao.errors import UsageError

    list(import_files(store, _copy(tmp_path, TARGET, EVALUATION)))
    ids = _projects(store)
    with pytest.raises(UsageError, match="不是自评表或监控表"):
        set_link(store, ids["project"], ids["selfeval"])
    with pytest.raises(UsageError, match="不是目标表的项目"):
        set_link(store, ids["selfeval"], ids["selfeval"])
    with pytest.raises(UsageError, match="没有项目 P999999"):
        set_link(store, ids["selfeval"], 999999)


def test_no_link_across_departments_or_years(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'j.db'}")
    other = tmp_path / "other.txt"
    other.write_text(TARGET.read_text(encoding="utf-8").replace("县农业农村局", "县水利局"), encoding="utf-8")
    later = tmp_path / "later.txt"
    later.write_text(TARGET.read_text(encoding="utf-8").replace("2023年度", "2024年度"), encoding="utf-8")
    list(import_files(engine, [str(other), str(later), *_copy(tmp_path, EVALUATION)]))
    with engine.connect() as c:
        pid = c.execute(select(ProjectRow.id).join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
                        .where(DocumentRow.form == "selfeval")).scalar_one()
        assert project_links(c, pid)["target_project_id"] is None
    engine.dispose()


def test_matching_by_name_keys():
    assert department_score("219-池州市贵池区棠溪镇人民政府", "池州市贵池区棠溪镇人民政府") == 100
    assert department_score("县农业农村局", "萧县农业农村局") == 95
    assert department_score("县农业农村局", "县水利局") < 85
    assert project_score("2023年河西村特色种养补贴到户项目", "河西村特色种养补贴到户项目") == 100
    assert project_score("河西村特色种养补贴到户项目", "河东村道路硬化项目") < 80
    # ★ and bracketed units are spelling; the nearer row wins a tie; each side is used once
    assert indicator_pairs(["★补助鱼塘面积", "受益人口数量", "其中鱼塘养殖面积"],
                           ["受益人口数量(人)", "补助鱼塘面积"]) == [(0, 1, 1.0), (1, 0, 1.0)]


def _r51_on(annual: str, published: str) -> list[str]:
    """R51 on the real evaluation 07 whose 特色产业 indicator (index 12) reads ``annual``, linked to a target
    indicator that reads ``published``."""
    doc = parse_source(read(EVALUATION))
    ind = doc.projects[0].indicators[12]
    target = parse_source(read(TARGET))
    ind.annual_value = annual
    ind.annual_target = None
    pub = target.projects[0].indicators[5].model_copy(update={"annual_value": published, "annual_target": None})
    links = {(0, 12): {"annual_value": pub.annual_value, "annual_target": pub.annual_target,
                       "target_document": "目标表"}}
    return [f.message for f in review(doc, links=links) if f.rule == "R51"]


def test_r51_bad_and_good_examples():
    r = RULES["R51"]
    assert "≥11.376万元" in r.bad and "≥12万元" in r.good
    assert _r51_on("≥11.376万元", "≥12万元") == [
        "“特色产业带动增加受益农户收入(总收入)”的年度指标值在自评/监控表中为「≥11.376万元」，而目标表（目标表）公布的是「≥12万元」"]
    for same in ("≥12万元", "≥ 12 万元", "不低于12万元", ">=12万元"):
        assert _r51_on(same, "≥12万元") == [], same
    assert _r51_on("", "≥12万元") == []  # nothing printed: nothing to compare
    # without the store's links (a file reviewed alone) R51 says nothing
    assert [f for f in review(parse_source(read(EVALUATION))) if f.rule == "R51"] == []


def test_deleting_the_target_table_unlinks_the_evaluation_and_its_findings(store, tmp_path):
    from jixiao.store.delete import delete_document

    list(import_files(store, _copy(tmp_path, TARGET, EVALUATION)))
    ids = _projects(store)
    with store.connect() as c:
        target_doc = c.execute(select(ProjectRow.document_id).where(ProjectRow.id == ids["project"])).scalar_one()
    delete_document(store, target_doc)
    with store.connect() as c:
        assert project_links(c, ids["selfeval"])["target_project_id"] is None
    assert _r51(store) == []


def test_cli_link_shows_and_corrects(tmp_path):
    import json
    import subprocess
    import sys

    db = str(tmp_path / "j.db")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "jixiao", *args, "--db", db], capture_output=True, text=True,
                              timeout=120)

    assert run("import", *_copy(tmp_path, TARGET, EVALUATION)).returncode == 0
    shown = json.loads(run("link", "D2", "--format", "json").stdout)
    assert [(s["project_id"], s["target_project_id"], s["method"]) for s in shown] == [(2, 1, "auto")]
    gone = json.loads(run("link", "P2", "--unlink", "--format", "json").stdout)
    assert (gone[0]["target_project_id"], gone[0]["method"]) == (None, "manual")
    back = run("link", "P2", "--to", "P1")
    assert back.returncode == 0 and "P2 → P1 河西村特色种养补贴到户项目" in back.stdout and "人工 manual" in back.stdout
    wrong = run("link", "P1", "--to", "P2")
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1 and "不是自评表或监控表的项目" in wrong.stderr


def test_cli_export_evaluations_with_both_scores(tmp_path):
    import csv
    import subprocess
    import sys

    db = str(tmp_path / "j.db")
    run = [sys.executable, "-m", "jixiao"]
    assert subprocess.run([*run, "import", *_copy(tmp_path, TARGET, EVALUATION), "--db", db],
                          capture_output=True, timeout=120).returncode == 0
    out = tmp_path / "ev.csv"
    done = subprocess.run([*run, "export", "--evaluations", "--db", db, "-o", str(out), "--header", "en"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "exported 16" in done.stderr  # 14 indicators, the budget, the total
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    total = rows[-1]
    assert (total["item"], total["reported_score"], total["recomputed_score"], total["score_difference"]) == \
        ("total", "90.0", "90.0", "0.0")
    assert (tmp_path / "ev.xlsx").exists() is False
    assert subprocess.run([*run, "export", "--evaluations", "--db", db, "-o", str(tmp_path / "ev.xlsx")],
                          capture_output=True, timeout=120).returncode == 0
    bad = subprocess.run([*run, "export", "--evaluations", "--db", db, "--profile", "nope", "-f", "csv"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_a_person_s_link_follows_new_versions_of_both_tables(store, tmp_path):
    target, evaluation = _copy(tmp_path, TARGET, EVALUATION)
    list(import_files(store, [target, evaluation]))
    ids = _projects(store)
    set_link(store, ids["selfeval"], ids["project"])  # confirmed by hand
    # a new version of the target table: the link moves to its project of the same name
    Path(target).write_text(TARGET.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    list(import_files(store, [target]))
    # and a new version of the evaluation keeps what the person said
    Path(evaluation).write_text(EVALUATION.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    list(import_files(store, [evaluation]))
    with store.connect() as c:
        latest = dict(c.execute(select(DocumentRow.form, ProjectRow.id)
                                .join(ProjectRow, ProjectRow.document_id == DocumentRow.id)
                                .where(DocumentRow.is_latest)).all())
        old = project_links(c, ids["selfeval"])
        new = project_links(c, latest["selfeval"])
    assert (old["target_project_id"], old["method"]) == (latest["project"], "manual")
    assert (new["target_project_id"], new["method"], len(new["indicators"])) == (latest["project"], "manual", 7)
    assert _r51(store) == [CHANGED, CHANGED]  # the old version's finding and the new one's


def test_a_monitoring_table_links_too(store, tmp_path):
    list(import_files(store, _copy(tmp_path, TARGET, MONITOR)))
    ids = _projects(store)
    with store.connect() as c:
        link = project_links(c, ids["monitor"])
    assert (link["target_project_id"], link["confidence"], len(link["indicators"])) == (ids["project"], 1.0, 6)
    assert _r51(store) == []  # the monitoring table prints the published targets


def test_an_evaluation_and_its_target_written_at_once_still_link(db_url, tmp_path):
    """The evaluation's transaction is still open when the target table is written by another writer:
    the target's writer waits for it (PostgreSQL: an advisory lock per year; SQLite: the write lock)
    and then links the two."""
    import threading

    from jixiao.store.write import _write, prepare, save_prepared

    engine = open_store(db_url)
    evaluation = prepare(parse_source(read(EVALUATION)), dialect=engine.dialect.name)
    target = prepare(parse_source(read(TARGET)), dialect=engine.dialect.name)
    done: list = []
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        _write(conn, evaluation, source_path="evaluation.txt", sha256="e" * 64, size=None, fmt="text")
        writer = threading.Thread(target=lambda: done.append(
            save_prepared(engine, target, source_path="target.txt", sha256="t" * 64)))
        writer.start()
        writer.join(1.0)
        assert writer.is_alive()  # waiting for the evaluation's transaction
    writer.join(30)
    assert done and done[0].status == "imported"
    ids = _projects(engine)
    with engine.connect() as c:
        assert project_links(c, ids["selfeval"])["target_project_id"] == ids["project"]
    assert _r51(engine) == [CHANGED]
    engine.dispose()


def test_an_automatic_link_follows_the_latest_target_table(store, tmp_path):
    target, evaluation = _copy(tmp_path, TARGET, EVALUATION)
    list(import_files(store, [target, evaluation]))
    ids = _projects(store)
    Path(target).write_text(TARGET.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    list(import_files(store, [target]))
    # an unrelated target table of the same department and year changes nothing
    other = tmp_path / "other.txt"
    other.write_text(TARGET.read_text(encoding="utf-8").replace("河西村特色种养补贴到户项目", "东岗村道路硬化工程"),
                     encoding="utf-8")
    list(import_files(store, [str(other)]))
    with store.connect() as c:
        latest = c.execute(select(ProjectRow.id).join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
                           .where(DocumentRow.is_latest, DocumentRow.source_path == str(Path(target).resolve()))
                           ).scalar_one()
        link = project_links(c, ids["selfeval"])
    assert latest != ids["project"] and (link["target_project_id"], link["method"]) == (latest, "auto")
    assert _r51(store) == [CHANGED]
