"""The store on SQLite and on the real PostgreSQL: import, versions, round trip, search, filters."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from jixiao.model import Finding
from jixiao.parse.document import parse_source
from jixiao.read import read
from jixiao.store import import_files, open_store
from jixiao.store.query import document_summary, list_documents, load_document, project_detail
from jixiao.store.schema import metadata
from jixiao.store.search import Filters, search
from jixiao.store.write import save_document

SAMPLES = sorted((Path(__file__).parents[1] / "src" / "jixiao" / "samples").glob("*.txt"))


def table_counts(engine) -> dict[str, int]:
    """Rows per table; tables a migration adds later are left out of an older schema's counts."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as c:
        out = {t.name: c.execute(select(func.count()).select_from(t)).scalar_one() for t in metadata.sorted_tables
               if t.name in present}
        if engine.dialect.name == "sqlite":
            out["search_fts"] = c.execute(text("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'x'")
                                          ).scalar_one()
        return out


@pytest.fixture
def store(db_url):
    engine = open_store(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def loaded(store, tmp_path):
    files = []
    for s in SAMPLES:
        shutil.copy(s, tmp_path / s.name)
        files.append(str(tmp_path / s.name))
    outcomes = list(import_files(store, files))
    assert [o.status for o in outcomes] == ["imported"] * len(SAMPLES)
    return store, files


def test_import_counts_and_reimport_changes_nothing(loaded):
    store, files = loaded
    before = table_counts(store)
    assert before["documents"] == 5
    assert before["projects"] == sum(len(parse_source(read(s)).projects) for s in SAMPLES)
    assert before["search_entries"] > before["indicators"]
    again = list(import_files(store, files))
    assert {o.status for o in again} == {"unchanged"}
    assert table_counts(store) == before


def test_same_bytes_under_another_path_is_a_duplicate(loaded, tmp_path):
    store, files = loaded
    copy = tmp_path / "copy.txt"
    shutil.copy(files[0], copy)
    (outcome,) = import_files(store, [str(copy)])
    assert outcome.status == "duplicate" and outcome.document_id == 1


def test_changed_file_becomes_a_new_version_and_the_old_one_stays(loaded):
    store, files = loaded
    path = Path(files[3])
    path.write_text(path.read_text(encoding="utf-8").replace("2020", "2021"), encoding="utf-8")
    (outcome,) = import_files(store, [str(path)])
    assert outcome.status == "imported" and outcome.version == 2
    with store.connect() as c:
        latest = list_documents(c)
        everything = list_documents(c, all_versions=True)
        assert len(latest) == 5 and len(everything) == 6
        old = next(d for d in everything if d["source_path"] == str(path.resolve()) and d["version"] == 1)
        assert not old["is_latest"]
        summary = document_summary(c, outcome.document_id)
        assert [v["version"] for v in summary["versions"]] == [1, 2]
        assert load_document(c, old["id"]).year == 2020          # the old version is still queryable
        assert load_document(c, outcome.document_id).year == 2021
        # search sees the latest version unless asked for all of them
        name = load_document(c, outcome.document_id).projects[0].name
        assert {h.document_id for h in search(c, name[:6]).hits} == {outcome.document_id}
        assert {h.document_id for h in search(c, name[:6], Filters(all_versions=True)).hits} == {
            old["id"], outcome.document_id}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name[:3])
def test_a_stored_document_reads_back_exactly(store, sample):
    doc = parse_source(read(sample))
    saved = save_document(store, doc, source_path=str(sample), sha256="x" * 64, fmt="text")
    with store.connect() as c:
        back = load_document(c, saved.document_id)
    assert back == doc  # every field, target, warning, residue piece and span


def test_findings_are_stored_against_their_project_and_indicator(store):
    doc = parse_source(read(SAMPLES[4]))
    finding = Finding(rule="R11", severity="warning", message="满意度下不是满意度", message_en="not satisfaction",
                      project_index=2, indicator_index=1, field="name", line=3)
    saved = save_document(store, doc, source_path="x", sha256="y" * 64, findings=[finding])
    with store.connect() as c:
        pid = c.execute(text("SELECT id FROM projects WHERE document_id = :d AND position = 2"),
                        {"d": saved.document_id}).scalar_one()
        detail = project_detail(c, pid)
        (f,) = detail["findings"]
        assert f["rule"] == "R11" and f["indicator_id"] == detail["indicators"][1]["id"]
        with_finding = search(c, "满意度", Filters(has_finding=True)).hits
        assert [h.indicator_id for h in with_finding if h.kind == "indicator"] == [
            detail["indicators"][1]["id"]] or all(h.project_id == pid for h in with_finding)
        without = search(c, "满意度", Filters(has_finding=False)).hits
        assert detail["indicators"][1]["id"] not in {h.indicator_id for h in without}


# -- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fields", [["网络 安全"], ["满意度", "≥95%", "≥90%"], ["率", None, "率"], [" ", "ＡＢ c"],
                                    ["设备正常运行率" * 20, "100%"], ["培训" * 9000], [None, "按时\n完成"]])
def test_rendered_search_texts_are_the_tokens(fields):
    """The back ends' texts are built from cached pieces; they must say exactly what the tokens say."""
    from jixiao.store import tokens as T

    tags = ["ty2024", T.tag("d", "教育局")]
    for _ in range(2):  # the second time from the cache
        toks = T.entry_tokens(fields, tags)
        assert T.entry_fts5(fields, tags) == " ".join(toks)
        assert T.entry_tsvector(fields, tags) == T.tsvector(toks)


def _texts(hit) -> str:
    return " ".join(x or "" for x in (hit.project if hit.kind == "project" else None, hit.goal, hit.indicator,
                                       hit.annual_value, hit.period_value))


@pytest.mark.parametrize("query", ["满意度", "网络安全", "安全", "率", "≥95%", "天河区教育"])
def test_search_finds_exactly_the_entries_containing_the_query(loaded, query):
    store, _ = loaded
    with store.connect() as c:
        page = search(c, query, limit=500)
        assert page.total > 0 and page.total_exact
        for h in page.hits:
            assert query in _texts(h).replace(" ", "").replace("\n", "")
            assert any(m for pieces in h.highlights.values() for _, m in pieces)
        # substring-exact: count the entries that contain it, straight from the tables
        expected = 0
        for doc_id in range(1, 6):
            doc = load_document(c, doc_id)
            for p in doc.projects:
                expected += query in (p.name or "").replace("\n", "")
                expected += query in (p.goal or "").replace(" ", "").replace("\n", "")
                expected += sum(query in "".join(x or "" for x in (i.name, i.annual_value, i.period_value))
                                .replace(" ", "") or query in (i.name or "") for i in p.indicators
                                if any((i.name, i.annual_value, i.period_value)))
        assert page.total <= expected


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # its own candidate search; SQLite has none
@pytest.mark.parametrize("walk", [
    {"FIRST_WALK": 1, "MIN_SAMPLE": 1, "LOOKUP_COST": 0},  # look up after one row: the GIN path
    {"FIRST_WALK": 2, "MIN_SAMPLE": 2, "LOOKUP_COST": 10**9},  # walk on, a few rows at a time
    {"FIRST_WALK": 3, "MIN_SAMPLE": 7, "LOOKUP_COST": 4},
])
def test_postgresql_finds_the_same_candidates_walking_or_looking_up(loaded, monkeypatch, walk):
    """At sample size every tier fits in the first walk; small walks take the other paths."""
    from jixiao.store import search_pg

    store, _ = loaded
    assert store.dialect.name == "postgresql"
    cases = [(q, f) for q in ("率", "满意度", "网络安全", "≥95%", "天河区教育", "没有")
             for f in (Filters(), Filters(level1="满意度"), Filters(min_amount=1))]
    with store.connect() as c:
        expected = [search(c, q, f, limit=7, offset=3) for q, f in cases]
        for name, value in walk.items():
            monkeypatch.setattr(search_pg, name, value)
        assert [search(c, q, f, limit=7, offset=3) for q, f in cases] == expected
        assert c.execute(text("SELECT current_setting('enable_seqscan')")).scalar_one() == "on"


def test_one_and_two_character_queries_find_rows(loaded):
    store, _ = loaded
    with store.connect() as c:
        for q in ("率", "安全", "人", "%"):
            assert search(c, q).total > 0, q


def test_ranking_puts_project_names_first_then_indicators_then_goals(loaded):
    store, _ = loaded
    with store.connect() as c:
        kinds = [h.kind for h in search(c, "网络安全", limit=50).hits]
    tiers = {"project": 0, "indicator": 1, "goal": 2}
    assert kinds == sorted(kinds, key=tiers.get) and kinds[0] == "project"


@pytest.mark.parametrize("query", ["'; DROP TABLE documents; --", '" OR 1=1 --', "AND OR NOT * ^ NEAR(",
                                   "%_\\", "\x00", "满意度' OR '1'='1"])
def test_hostile_queries_are_just_text(loaded, query):
    store, _ = loaded
    with store.connect() as c:
        search(c, query)  # no error, no injection
        assert c.execute(text("SELECT count(*) FROM documents")).scalar_one() == 5


def test_filters(loaded):
    store, _ = loaded
    with store.connect() as c:
        everything = search(c, "率", limit=500).hits
        for f, ok in [
            (Filters(department="天河区"), lambda h: "天河区" in h.department),
            (Filters(level1="满意度"), lambda h: h.kind == "indicator" and "满意" in (h.level1 + (h.level2 or ""))),
            (Filters(level1="产出", level2="质量"), lambda h: "质量" in (h.level2 or "")),
            (Filters(year=2020), lambda h: h.year == 2020),
            (Filters(min_amount=100, max_amount=500), lambda h: 100 <= h.total <= 500),
            (Filters(unit="电化教育"), lambda h: "电化教育" in (h.unit or "")),
        ]:
            hits = search(c, "率", f, limit=500).hits
            assert hits, f
            assert all(ok(h) for h in hits), f
            assert len(hits) < len(everything)
        assert search(c, "率", Filters(department="没有这个部门")).total == 0


def test_paging(loaded):
    store, _ = loaded
    with store.connect() as c:
        all_ids = [h.entry_id for h in search(c, "率", limit=60).hits]
        paged = [h.entry_id for k in range(3) for h in search(c, "率", limit=20, offset=20 * k).hits]
    assert paged == all_ids


def test_unreasonable_requests_are_usage_errors(loaded):
    from jixiao.errors import UsageError

    store, _ = loaded
    with store.connect() as c:
        for kwargs in ({"limit": 0}, {"limit": 10_000}, {"offset": -1}, {"offset": 10**9}):
            with pytest.raises(UsageError):
                search(c, "率", **kwargs)
        for q in ("", "   ", "率" * 1000):
            with pytest.raises(UsageError):
                search(c, q)


def test_parallel_import_stores_the_same_as_serial(db_url, tmp_path):
    files = []
    for s in SAMPLES:
        shutil.copy(s, tmp_path / s.name)
        files.append(str(tmp_path / s.name))
    files.append(str(tmp_path / "missing.txt"))
    engine = open_store(db_url)
    outcomes = list(import_files(engine, files, jobs=2))
    assert [o.status for o in outcomes] == ["imported"] * 5 + ["failed"]
    assert [o.path for o in outcomes] == files  # in the order given
    with engine.connect() as c:
        for o, s in zip(outcomes, SAMPLES, strict=False):
            assert load_document(c, o.document_id) == parse_source(read(s))
    assert {o.status for o in import_files(engine, files[:5], jobs=2)} == {"unchanged"}
    engine.dispose()
