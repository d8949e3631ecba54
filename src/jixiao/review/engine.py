"""The engine: given a Document and a configuration, return its findings.

One pass over the indicators runs every indicator rule; then the project
rules, then the document rules. What the rules read (categories, name and
value facts) is looked up once per indicator and kept on the project's view
for the project rules. Indicators with the same printed texts share their
facts and their pure rules' hits (memoised per configuration, keyed by the
texts), so most indicators cost one dictionary look-up plus the context rules
whose ``needs`` hold. Hits become :class:`~jixiao.model.Finding` objects with
the document, project, indicator, field, source span and line filled in.
A finding on an item the parser warned about (a scan's grid read out of line,
a value it could not read) says so in its message and is never an error on
that reading alone; one about the cells themselves (category, missing value,
coverage) is only a hint.

``review`` is a pure function of the document and the configuration: no I/O,
no global state beyond memo caches of text facts.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from itertools import accumulate
from operator import itemgetter
from typing import Any

from ..model import Document, Finding, Indicator, Project, Span
from .config import CompiledRule, ReviewConfig
from .registry import Hit
from .text import Category, NameFacts, ValueFacts, category, name_facts, value_facts

__all__ = ["DocumentView", "IndicatorView", "ProjectView", "review"]

_DEFAULT = ReviewConfig()
_VALUES: dict[Any, ValueFacts] = {}


class DocumentView:
    """A document as the rules see it, with what several rules need computed once."""

    __slots__ = ("_lines", "doc", "has_level2", "has_period", "links", "peers", "projects")

    def __init__(self, doc: Document, peers: Mapping[tuple[int, int], Any] | None = None,
                 links: Mapping[tuple[int, int], Any] | None = None) -> None:
        self.doc = doc
        #: (project index, indicator index) → the target's peer benchmark, when reviewing against a store
        self.peers = peers
        #: (project index, indicator index) → the target table's indicator an evaluation's indicator is
        #: linked to, when reviewing against a store (rule R51; :func:`jixiao.link.store.document_links`)
        self.links = links
        self.projects: list[ProjectView] = []
        #: the table prints a 实施周期指标值 column (some indicator has one)
        self.has_period = any(i.period_value is not None for p in doc.projects for i in p.indicators)
        #: the table prints 二级 categories
        self.has_level2 = any(i.level2 or i.level2_code for p in doc.projects for i in p.indicators)
        self._lines: list[int] | None = None

    def line_starts(self) -> list[int]:
        """Offsets in ``doc.source_text`` where lines start: line of ``offset`` = ``bisect_right(starts, offset)``."""
        if self._lines is None:
            pieces = self.doc.source_text.split("\n")
            self._lines = list(accumulate([len(x) + 1 for x in pieces[:-1]], initial=0))
        return self._lines

    def line_of(self, offset: int) -> int:
        """1-based line of a character offset of ``doc.source_text``."""
        return bisect_right(self.line_starts(), offset)


class ProjectView:
    """A project with the facts of each of its indicators (same order as ``project.indicators``).

    ``goal`` is the goal without white space: compared as printed (NFKC would
    cost more than every indicator rule of the project together, and \\d
    already matches full-width digits).
    """

    __slots__ = ("_level1s", "_level2s", "annual", "cats", "doc", "goal", "index", "names", "period", "project")

    def __init__(self, doc: DocumentView, index: int, project: Project) -> None:
        self.doc = doc
        self.index = index
        self.project = project
        self.goal = "".join(project.goal.split()).rstrip("。.") if project.goal else ""
        self.cats: list[Category] = []
        self.names: list[NameFacts] = []
        self.annual: list[ValueFacts] = []
        self.period: list[ValueFacts] = []
        self._level1s: set[str] | None = None
        self._level2s: set[str] | None = None

    # Several coverage rules ask which categories a project has: the sets are built once, on the
    # first request, which comes from a project rule, after every indicator's facts are in ``cats``.

    @property
    def level1s(self) -> set[str]:
        """The canonical 一级 categories of the project's indicators."""
        if self._level1s is None:
            self._level1s = {c.l1 for c in self.cats if c.l1}
        return self._level1s

    @property
    def level2s(self) -> set[str]:
        """The canonical 二级 categories of the project's indicators."""
        if self._level2s is None:
            self._level2s = {c.l2 for c in self.cats if c.l2}
        return self._level2s

    def rows(self) -> Iterable[tuple[int, Indicator, Category, NameFacts, ValueFacts, ValueFacts]]:
        p = self.project
        return zip(range(len(p.indicators)), p.indicators, self.cats, self.names, self.annual, self.period,
                   strict=True)


class IndicatorView:
    """The indicator an indicator rule is looking at. One object per review, updated in place."""

    __slots__ = ("annual", "cat", "doc", "index", "ind", "name", "period", "project")

    doc: DocumentView
    project: ProjectView
    index: int
    ind: Indicator
    cat: Category
    name: NameFacts
    annual: ValueFacts
    period: ValueFacts


def review(doc: Document, config: ReviewConfig | None = None,
           peers: Mapping[tuple[int, int], Any] | None = None,
           links: Mapping[tuple[int, int], Any] | None = None) -> list[Finding]:
    """Every finding of the enabled rules on ``doc``: document ones first, then by project and indicator.

    ``peers`` are the targets' peer benchmarks, by (project index, indicator
    index), as :func:`jixiao.library.query.document_peers` reads them from a
    store; without them the peer rule (R44) has nothing to compare and stays
    silent. They are data handed in, so the review still does no I/O. ``links`` are likewise an
    evaluation's indicators' target-table counterparts (rule R51).
    """
    # A review allocates a finding, its dict and its sort entry per hit and frees none of them
    # until it returns, so the cyclic collector would run every few hundred findings and find
    # nothing (~7 % of the time on the benchmark corpus). As in the parser, it is paused for the
    # call; a collector the caller turned off stays off.
    if not gc.isenabled():
        return _review(doc, config, peers, links)
    gc.disable()
    try:
        return _review(doc, config, peers, links)
    finally:
        gc.enable()


def _review(doc: Document, config: ReviewConfig | None, peers: Mapping[tuple[int, int], Any] | None,
            links: Mapping[tuple[int, int], Any] | None = None) -> list[Finding]:
    cfg = config or _DEFAULT
    compiled = cfg.compiled()
    pure_rules, context_rules = compiled["indicator_pure"], compiled["indicator_context"]
    memo = cfg._memo
    dv = DocumentView(doc, peers, links)
    # One entry per finding: its sort key (project, indicator, rule number, field, arrival), then
    # the finding, built where its indicator is at hand. Sorting these tuples needs no key
    # function, and the arrival number keeps the order of equal keys (and stops the comparison
    # before the finding).
    raw: list[tuple[Any, ...]] = []
    add = raw.append
    v = IndicatorView()
    v.doc = dv
    for pi, project in enumerate(doc.projects):
        pv = ProjectView(dv, pi, project)
        dv.projects.append(pv)
        v.project = pv
        cats, names, annual, period = pv.cats, pv.names, pv.annual, pv.period
        for ii, ind in enumerate(project.indicators):
            v.index, v.ind = ii, ind
            # Pure rules give the same hits for the same printed texts, so the texts key both the
            # facts and the hits: one look-up per indicator instead of four plus the rules. A text
            # without a parsed target is kept apart (see _value), and so is a target made from more
            # than the value's own text (指标方向 ≤ | 目标值 70 | 度量单位 万元 → ≤70万元).
            d = ind.__dict__
            at = d["annual_target"]
            key = (_texts_of(d), None if at is None else at.text, d["period_target"] is None)
            entry = memo.get(key)
            if entry is None:
                entry = _texts(v, pure_rules, context_rules)
                if len(memo) < _MEMO_CAP:
                    memo[key] = entry
            v.cat, v.name, v.annual, v.period, found, outs, context = entry
            cats.append(v.cat)
            names.append(v.name)
            annual.append(v.annual)
            period.append(v.period)
            if context:
                extra = _run(context, v)
                if extra:
                    outs = _outs(_drop_superseded(found + extra))
            for out in outs:
                add((pi, ii, out[1], out[5] or "", len(raw), _finding(dv, out, pi, project, ii, ind)))
    for cr in compiled["project"]:
        check, settings = cr.rule.check, cr.settings
        for pv in dv.projects:
            result = check(pv, settings)
            if result is not None:
                _collect(raw, dv, cr, result, pv.index)
    for cr in compiled["document"]:
        result = cr.rule.check(dv, cr.settings)
        if result is not None:
            _collect(raw, dv, cr, result, None)
    # The views refer to each other; unlinked, reference counting frees them now (no collector run).
    dv.projects.clear()
    if not raw:
        return []
    raw.sort()
    findings = [entry[-1] for entry in raw]
    if any(p.warnings for p in doc.projects):  # rare: most tables are read without doubt
        doubts = _doubts(doc)
        if doubts:
            findings = [g for f in findings if (g := _in_doubt(f, doubts)) is not None]
    return findings


# -- findings on what the parser read with doubt ---------------------------------------------

#: parse warnings that put a whole project's indicators in doubt (the grid of a scan read out of line,
#: indicators that could not be split) → (why, in Chinese, in English)
_DOUBT_PROJECT = {
    "grid-ocr": ("扫描件指标表单元格错位", "scan with misaligned grid cells"),
    "indicators-unread": ("指标未能分条读出", "indicators could not be split"),
    "grid-cells": ("指标表单元格与表头的列对不齐", "grid cells do not fit the header's columns"),
    "grid-empty": ("指标表中没有读出指标", "the indicator grid yielded no indicator"),
}
_DOUBT_INDICATOR = {
    "value-missing": ("未读到指标值", "no value was read"),
    "truncated": ("指标在标签处截断", "the indicator is cut off"),
    "value-label": ("指标值像是标签或层级名称", "the value reads as a label"),
    "level-unknown": ("像是未识别的层级名称", "looks like a level name outside the vocabulary"),
}
_DOUBT_OTHER = ("解析时存疑", "read with doubt")
_CUT = ("表格在文末被截断", "the table is cut off at the end of the text")
#: rules whose finding is about the cells themselves (which category, whether a value or an indicator
#: is there, a name that is a column label or repeats): on cells read with doubt such a finding is
#: only a hint to check the source
_LAYOUT_RULES = frozenset(["R01", "R02", "R03", "R05", "R06", "R07", "R08", "R09", "R10", "R12", "R30", "R34",
                           "R36", "R37", "R40"])
_SEQ = re.compile(r"第(\d+)条指标")
_NAMED = re.compile(r"指标“(.+?)”")


def _doubts(doc: Document) -> dict[tuple[int, int | None], tuple[str, str]]:
    """(project, indicator or None for the project itself) → why the parser's reading is in doubt."""
    out: dict[tuple[int, int | None], tuple[str, str]] = {}
    for pi, p in enumerate(doc.projects):
        for w in p.warnings:
            if w.code == "excerpt-cut":
                # the table ends in the text: the project's completeness and its last indicator cannot
                # be judged (findings on them are dropped); the indicators before it were read whole
                out.setdefault((pi, None), _CUT)
                if p.indicators:
                    out.setdefault((pi, len(p.indicators) - 1), _CUT)
                continue
            why = _DOUBT_PROJECT.get(w.code)
            if why is not None:
                out.setdefault((pi, None), why)
                for ii in range(len(p.indicators)):
                    out.setdefault((pi, ii), why)
                continue
            why = _DOUBT_INDICATOR.get(w.code, _DOUBT_OTHER)
            for ii, ind in enumerate(p.indicators):
                if _names_indicator(w, ind):
                    out.setdefault((pi, ii), why)
    return out


def _names_indicator(w: Any, ind: Indicator) -> bool:
    """Whether parse warning ``w`` is about indicator ``ind``: by its span, its number or its name."""
    if w.span is not None:
        spans = [s for v in ind.spans.values() for s in v]
        if spans and min(s.start for s in spans) <= w.span.start < max(s.end for s in spans):
            return True
    m = _SEQ.search(w.message)
    if m is not None:
        return ind.seq is not None and int(m[1]) == ind.seq
    m = _NAMED.search(w.message)
    return m is not None and bool(ind.name) and m[1] == ind.name


#: rules that judge whether the indicators are complete: on an excerpt (a table cut at the end of the
#: text) there is nothing to judge them by, so they say nothing
_COMPLETENESS_RULES = frozenset(["R05", "R06", "R07", "R08", "R09", "R10", "R34"])


def _in_doubt(f: Finding, doubts: dict[tuple[int, int | None], tuple[str, str]]) -> Finding | None:
    """``f`` as it reads when its item was parsed with doubt: it says so, and it is never an error
    on that reading alone (a hint, for a finding about the cells themselves); None for a finding on
    completeness where the table is cut."""
    if f.project_index is None:
        return f
    if f.indicator_index is None and f.field != "indicators" and f.rule != "R30":
        return f  # about the project's money or goal, not its indicators: the doubt is not about it
    why = doubts.get((f.project_index, f.indicator_index))
    if why is None:
        return f
    if why is _CUT:
        return None if f.indicator_index is not None or f.rule in _COMPLETENESS_RULES else f
    cap = "info" if f.rule in _LAYOUT_RULES else "warning"
    severity = cap if f.severity == "error" or (cap == "info" and f.severity == "warning") else f.severity
    g = _new(Finding)
    _setattr(g, "__dict__", {
        **f.__dict__,
        "severity": severity,
        "message": f"{f.message}（识读存疑：{why[0]}，请核对原表）",
        "message_en": f"{f.message_en} (read with doubt: {why[1]}; check the source)",
    })
    _setattr(g, "__pydantic_fields_set__", _FIELDS_SET)
    _setattr(g, "__pydantic_extra__", None)
    _setattr(g, "__pydantic_private__", None)
    return g


_MEMO_CAP = 200_000
#: the printed texts of an indicator (from its field dict: one C call instead of seven attribute reads)
_texts_of = itemgetter("level1", "level1_code", "level2", "level2_code", "name", "annual_value", "period_value")

#: a hit ready to become a finding, all but its place: (rule id, rule number, severity,
#: message, message_en, field, span or None)
Out = tuple[str, int, str, str, str, "str | None", "Span | None"]


def _texts(v: IndicatorView, pure_rules: list[CompiledRule], context_rules: list[CompiledRule]) -> tuple[Any, ...]:
    """What ``v.ind``'s texts decide: their facts, the pure rules' hits (as found and ready to
    report), and the context rules that could fire on them (``needs``)."""
    ind = v.ind
    v.cat = category[(ind.level1, ind.level1_code, ind.level2, ind.level2_code)]
    v.name = name_facts[ind.name]
    v.annual = value_facts(ind.annual_value, ind.annual_target, _VALUES)
    v.period = value_facts(ind.period_value, ind.period_target, _VALUES)
    found = _run(pure_rules, v)
    outs = _outs(_drop_superseded(found) if len(found) > 1 else found)
    context = tuple(cr for cr in context_rules if cr.rule.needs is None or cr.rule.needs(v, cr.settings))
    return v.cat, v.name, v.annual, v.period, found, outs, context


def _run(rules: Iterable[CompiledRule], v: IndicatorView) -> tuple[tuple[CompiledRule, Hit], ...]:
    found: list[tuple[CompiledRule, Hit]] | None = None  # most calls find nothing: no list then
    for cr in rules:
        h = cr.rule.check(v, cr.settings)
        if h is not None:
            if found is None:
                found = []
            if type(h) is list:
                found.extend((cr, x) for x in h)
            else:
                found.append((cr, h))
    return tuple(found) if found else ()


def _outs(found: tuple[tuple[CompiledRule, Hit], ...]) -> tuple[Out, ...]:
    return tuple(_out(cr, h) for cr, h in found)


_messages: dict[tuple[str, str, Any], tuple[str, str]] = {}


def _out(cr: CompiledRule, h: Hit) -> Out:
    # Hits of pure rules are shared by every indicator with the same texts: format once.
    key = (cr.rule.id, h.variant, h.params)
    m = _messages.get(key)
    if m is None:
        variant = cr.rule.variants[h.variant]
        params = dict(h.params)
        m = (variant.message.format_map(params), variant.message_en.format_map(params))
        if len(_messages) < _MEMO_CAP:
            _messages[key] = m
    return cr.rule.id, cr.number, cr.severities[h.variant], m[0], m[1], h.field, h.span


def _collect(raw: list[Any], dv: DocumentView, cr: CompiledRule, result: Any, pi: int | None) -> None:
    """Add the hits of a project or document rule to ``review``'s entries."""
    projects = dv.doc.projects
    for h in result if type(result) is list else (result,):
        out = _out(cr, h)
        p = h.project if h.project is not None else pi
        i = h.indicator
        project = projects[p] if p is not None else None
        ind = project.indicators[i] if project is not None and i is not None else None
        raw.append((-1 if p is None else p, -1 if i is None else i, out[1], out[5] or "", len(raw),
                    _finding(dv, out, p, project, i, ind)))


def _drop_superseded(found: tuple[tuple[CompiledRule, Hit], ...]) -> tuple[tuple[CompiledRule, Hit], ...]:
    """A specific rule's finding makes a generic one on the same indicator redundant (R21 over R14 …)."""
    fired = {cr.rule.id for cr, _ in found}
    gone = {s for cr, _ in found for s in cr.rule.supersedes if s in fired}
    return tuple((cr, h) for cr, h in found if cr.rule.id not in gone) if gone else found


def _span_of(spans: list[Span] | None) -> Span | None:
    if not spans:
        return None
    first = spans[0]
    if len(spans) == 1 and type(first) is Span:
        return first  # the common one-piece field: the same value as a new Span(start, end)
    return Span(first.start, spans[-1].end)


def _lookup_span(project: Project | None, ind: Indicator | None, field: str | None) -> Span | None:
    if field is None:
        return None
    if ind is not None and field in ind.spans:
        return _span_of(ind.spans[field])
    if project is None:
        return None
    if field.startswith("amounts.") and field[8:] in project.amounts.spans:
        return project.amounts.spans[field[8:]]
    if field in project.spans:
        return _span_of(project.spans[field])
    if ind is not None:  # a field the indicator has no span for (an empty value): point at its name
        return _span_of(ind.spans.get("name") or ind.spans.get("seq"))
    return _span_of(project.spans.get("name"))


_FIELDS_SET = frozenset(Finding.model_fields)
_new = object.__new__
_setattr = object.__setattr__


def _finding(dv: DocumentView, out: Out, pi: int | None, project: Project | None, ii: int | None,
             ind: Indicator | None) -> Finding:
    """The finding of ``out`` at project ``pi``, indicator ``ii``: document, seq, span and line filled in."""
    rule, _, severity, message, message_en, field, span = out
    if span is None:
        spans = ind.spans.get(field) if ind is not None else None
        if spans is None:
            span = _lookup_span(project, ind, field)
        elif len(spans) == 1 and type(spans[0]) is Span:  # most findings: one field, one piece
            span = spans[0]
        else:
            span = _span_of(spans)
    doc = dv.doc
    # What Finding.model_construct does, without its per-call field walk: every
    # value here is already of its field's type (tests compare with a validated Finding).
    f = _new(Finding)
    _setattr(f, "__dict__", {
        "rule": rule,
        "severity": severity,
        "message": message,
        "message_en": message_en,
        "document": doc.source,
        "project_index": pi,
        "project": project.name if project is not None else None,
        "indicator_index": ii,
        "seq": ind.seq if ind is not None else None,
        "field": field,
        "span": span,
        "line": bisect_right(dv.line_starts(), span.start) if span is not None and doc.source_text else None,
    })
    _setattr(f, "__pydantic_fields_set__", _FIELDS_SET)
    _setattr(f, "__pydantic_extra__", None)
    _setattr(f, "__pydantic_private__", None)
    return f
