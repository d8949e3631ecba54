"""The flat span storage of the model (SpanMap, SpanList), shared fields-sets and Lines (issue 17, memory):
each reads, compares, dumps and pickles as the dict, list or list of lines it stands for."""

from __future__ import annotations

import copy
import importlib
import pickle
from pathlib import Path

import jixiao
from jixiao.model import Indicator, Project, Span, SpanList, SpanMap
from jixiao.parse.indicators import parse_indicators
from jixiao.parse.lines import split_lines
from jixiao.parse.mtext import MText
from jixiao.read import read

parse_source = importlib.import_module("jixiao.parse.document").parse_source


def test_span_map_reads_and_changes_as_a_dict() -> None:
    d = {"name": [Span(3, 7)], "goal": [Span(10, 12), Span(13, 20)], "empty": []}
    m = SpanMap(d)
    assert m == d and dict(m) == d and m.to_dict() == d and list(m) == ["name", "goal", "empty"]
    assert m["goal"] == [Span(10, 12), Span(13, 20)] and m.get("missing") is None and "empty" in m
    m["name"] = [Span(1, 2)]
    m["seq"] = [Span(0, 1)]
    del m["empty"]
    assert m == {"name": [Span(1, 2)], "goal": [Span(10, 12), Span(13, 20)], "seq": [Span(0, 1)]}
    m["goal"].append(Span(30, 31))  # a read list is a copy: changing it changes nothing
    assert m["goal"] == [Span(10, 12), Span(13, 20)]
    assert SpanMap({"a": [Span(1 << 33, (1 << 33) + 1)]})["a"] == [Span(1 << 33, (1 << 33) + 1)]


def test_span_list_reads_as_a_list() -> None:
    spans = [Span(1, 2), Span(5, 9)]
    s = SpanList(spans)
    s.append(Span(10, 11))
    s.extend(SpanList([Span(12, 13)]))
    assert s == [*spans, Span(10, 11), Span(12, 13)] and len(s) == 4 and s[-1] == Span(12, 13) and s[1:3] == [Span(5, 9), Span(10, 11)]
    assert sorted(s) == list(s)


def test_models_dump_copy_and_pickle_as_before() -> None:
    spans = {"name": [Span(3, 7)], "seq": [Span(0, 1)]}
    ind = Indicator(seq=1, name="人数", spans=spans)
    assert isinstance(ind.spans, SpanMap)
    assert ind.model_dump()["spans"] == spans and '"spans":{"name":[[3,7]],"seq":[[0,1]]}' in ind.model_dump_json()
    for again in (pickle.loads(pickle.dumps(ind)), copy.deepcopy(ind), ind.model_copy()):
        assert again == ind and again.spans == spans
    p = Project(name="某项目", spans={"name": [Span(0, 3)]}, indicators=[ind])
    assert pickle.loads(pickle.dumps(p)) == p


def test_a_parsed_document_pickles_as_the_cluster_import_sends_it() -> None:
    sample = sorted((Path(jixiao.__file__).parent / "samples").glob("*.txt"))[0]
    doc = parse_source(read(sample))
    again = pickle.loads(pickle.dumps(doc))
    assert again == doc and again.model_dump() == doc.model_dump() and isinstance(again.syntax, SpanList)


def test_parsed_indicators_share_fields_sets_and_copy_them_on_assignment() -> None:
    block = MText.of("1、产出指标：人数，年度指标值：10人。2、产出指标：次数，年度指标值：5次。")
    a, b = parse_indicators(block).indicators
    assert a.model_fields_set is b.model_fields_set and isinstance(a.model_fields_set, frozenset)
    a.core = True
    assert "core" in a.model_fields_set and "core" not in b.model_fields_set
    assert a.spans["name"][0].text(block.s) == "人数" and b.spans["annual_value"][0].text(block.s) == "5次"


def test_lines_are_the_split_lines() -> None:
    for text in ("", "a", "a\n", "ab\ncd\n\nef", "\n\n", "甲\t乙\n丙"):
        lines, pos, want = split_lines(text), 0, []
        for no, t in enumerate(text.split("\n"), 1):
            want.append((no, pos, pos + len(t), t))
            pos += len(t) + 1
        assert list(lines) == want and [lines[k] for k in range(len(lines))] == want
        assert lines[1:] == want[1:] and lines[-1] == want[-1]
