"""The engine: given a Document and a configuration, return its findings.

One pass over the indicators runs every indicator rule; then the project
rules, then the document rules. What the rules read (categories, name and
value facts) is computed once per indicator and kept on the project's view
for the project rules. Hits become :class:`~jixiao.model.Finding` objects
with the document, project, indicator, field, source span and line filled in.

``review`` is a pure function of the document and the configuration: no I/O,
no global state beyond memo caches of text facts.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from ..model import Document, Finding, Indicator, Project, Span
from .config import CompiledRule, ReviewConfig
from .registry import Hit
from .text import Category, NameFacts, ValueFacts, category, name_facts

__all__ = ["DocumentView", "IndicatorView", "ProjectView", "review"]

_DEFAULT = ReviewConfig()
_VALUES: dict[Any, ValueFacts] = {}


def _value(text: str | None, target: Any) -> ValueFacts:
    # The parser gives equal texts equal targets, so a text is a good key;
    # a text without a target (a hand-built document) is kept apart.
    key = text if target is not None else (text,)
    f = _VALUES.get(key)
    if f is None:
        f = ValueFacts(text, target)
        if len(_VALUES) < 100_000:
            _VALUES[key] = f
    return f


class DocumentView:
    """A document as the rules see it, with what several rules need computed once."""

    __slots__ = ("_lines", "doc", "has_level2", "has_period", "projects")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.projects: list[ProjectView] = []
        inds = [i for p in doc.projects for i in p.indicators]
        #: the table prints a 实施周期指标值 column (some indicator has one)
        self.has_period = any(i.period_value is not None for i in inds)
        #: the table prints 二级 categories
        self.has_level2 = any(i.level2 or i.level2_code for i in inds)
        self._lines: list[int] | None = None

    def line_of(self, offset: int) -> int:
        """1-based line of a character offset of ``doc.source_text``."""
        if self._lines is None:
            text, starts, pos = self.doc.source_text, [0], 0
            while (pos := text.find("\n", pos) + 1) > 0:
                starts.append(pos)
            self._lines = starts
        return bisect_right(self._lines, offset)


class ProjectView:
    """A project with the facts of each of its indicators (same order as ``project.indicators``).

    ``goal`` is the goal without white space: compared as printed (NFKC would
    cost more than every indicator rule of the project together, and \\d
    already matches full-width digits).
    """

    __slots__ = ("annual", "cats", "doc", "goal", "index", "names", "period", "project")

    def __init__(self, doc: DocumentView, index: int, project: Project) -> None:
        self.doc = doc
        self.index = index
        self.project = project
        self.goal = "".join(project.goal.split()).rstrip("。.") if project.goal else ""
        self.cats: list[Category] = []
        self.names: list[NameFacts] = []
        self.annual: list[ValueFacts] = []
        self.period: list[ValueFacts] = []

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


def review(doc: Document, config: ReviewConfig | None = None) -> list[Finding]:
    """Every finding of the enabled rules on ``doc``: document ones first, then by project and indicator."""
    cfg = config or _DEFAULT
    compiled = cfg.compiled()
    pure_rules, context_rules = compiled["indicator_pure"], compiled["indicator_context"]
    memo = cfg._memo
    dv = DocumentView(doc)
    raw: list[tuple[CompiledRule, Hit, int | None, int | None]] = []
    v = IndicatorView()
    v.doc = dv
    for pi, project in enumerate(doc.projects):
        pv = ProjectView(dv, pi, project)
        dv.projects.append(pv)
        v.project = pv
        cats, names, annual, period = pv.cats, pv.names, pv.annual, pv.period
        for ii, ind in enumerate(project.indicators):
            cat = category[(ind.level1, ind.level1_code, ind.level2, ind.level2_code)]
            nf = name_facts[ind.name]
            af = _value(ind.annual_value, ind.annual_target)
            pf = _value(ind.period_value, ind.period_target)
            cats.append(cat)
            names.append(nf)
            annual.append(af)
            period.append(pf)
            v.index, v.ind, v.cat, v.name, v.annual, v.period = ii, ind, cat, nf, af, pf
            # Pure rules give the same hits for the same texts: run them once per distinct texts.
            key = (cat, nf, af, pf)
            found = memo.get(key)
            if found is None:
                found = _run(pure_rules, v)
                if len(memo) < _MEMO_CAP:
                    memo[key] = found
            if context_rules:
                extra = _run(context_rules, v)
                if extra:
                    found = found + extra
            if found:
                if len(found) > 1:
                    found = _drop_superseded(found)
                for cr, h in found:
                    raw.append((cr, h, pi, ii))
    for cr in compiled["project"]:
        for pv in dv.projects:
            _collect(raw, cr, cr.rule.check(pv, cr.settings), pv.index)
    for cr in compiled["document"]:
        _collect(raw, cr, cr.rule.check(dv, cr.settings), None)
    if not raw:
        return []
    findings = [_finding(dv, cr, h, pi, ii) for cr, h, pi, ii in raw]
    findings.sort(key=_order)
    return findings


_MEMO_CAP = 200_000


def _run(rules: list[CompiledRule], v: IndicatorView) -> tuple[tuple[CompiledRule, Hit], ...]:
    found: list[tuple[CompiledRule, Hit]] = []
    for cr in rules:
        h = cr.rule.check(v, cr.settings)
        if h is not None:
            if type(h) is list:
                found.extend((cr, x) for x in h)
            else:
                found.append((cr, h))
    return tuple(found)


def _collect(raw: list[Any], cr: CompiledRule, result: Any, pi: int | None) -> None:
    if result is None:
        return
    for h in result if type(result) is list else (result,):
        raw.append((cr, h, h.project if h.project is not None else pi, h.indicator))


def _drop_superseded(found: tuple[tuple[CompiledRule, Hit], ...]) -> tuple[tuple[CompiledRule, Hit], ...]:
    """A specific rule's finding makes a generic one on the same indicator redundant (R21 over R14 …)."""
    fired = {cr.rule.id for cr, _ in found}
    gone = {s for cr, _ in found for s in cr.rule.supersedes if s in fired}
    return tuple((cr, h) for cr, h in found if cr.rule.id not in gone) if gone else found


def _order(f: Finding) -> tuple[int, int, int, str]:
    return (-1 if f.project_index is None else f.project_index,
            -1 if f.indicator_index is None else f.indicator_index,
            int(f.rule[1:]) if f.rule[1:].isdigit() else 0, f.field or "")


def _span_of(spans: list[Span] | None) -> Span | None:
    if not spans:
        return None
    return Span(spans[0].start, spans[-1].end)


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
_messages: dict[tuple[str, Hit], tuple[str, str]] = {}


def _message(cr: CompiledRule, h: Hit) -> tuple[str, str]:
    # Hits of pure rules are shared by every indicator with the same texts: format once.
    key = (cr.rule.id, h.variant, h.params)
    m = _messages.get(key)
    if m is None:
        variant = cr.rule.variants[h.variant]
        params = dict(h.params)
        m = (variant.message.format_map(params), variant.message_en.format_map(params))
        if len(_messages) < _MEMO_CAP:
            _messages[key] = m
    return m


def _finding(dv: DocumentView, cr: CompiledRule, h: Hit, pi: int | None, ii: int | None) -> Finding:
    doc = dv.doc
    project = doc.projects[pi] if pi is not None else None
    ind = project.indicators[ii] if project is not None and ii is not None else None
    span = h.span if h.span is not None else _lookup_span(project, ind, h.field)
    message, message_en = _message(cr, h)
    # What Finding.model_construct does, without its per-call field walk: every
    # value here is already of its field's type (tests compare with a validated Finding).
    f = _new(Finding)
    _setattr(f, "__dict__", {
        "rule": cr.rule.id,
        "severity": cr.severities[h.variant],
        "message": message,
        "message_en": message_en,
        "document": doc.source,
        "project_index": pi,
        "project": project.name if project is not None else None,
        "indicator_index": ii,
        "seq": ind.seq if ind is not None else None,
        "field": h.field,
        "span": span,
        "line": dv.line_of(span.start) if span is not None and doc.source_text else None,
    })
    _setattr(f, "__pydantic_fields_set__", _FIELDS_SET)
    _setattr(f, "__pydantic_extra__", None)
    _setattr(f, "__pydantic_private__", None)
    return f
