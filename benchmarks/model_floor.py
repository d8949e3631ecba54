"""The floor under any parser that returns jixiao's model: building its objects, and nothing else.

``parse_bench.py`` times this beside the parser. For each parsed document, the
values of every object in it (strings, numbers, source offsets) are first
copied out into plain tuples (not timed); then the same objects are built
again from those tuples (timed), as cheaply as CPython allows:

- models without pydantic's validator (:func:`jixiao.parse.trusted.trusted`),
- spans with ``tuple.__new__`` (no named-tuple constructor),
- each distinct ``Target`` once, shared as the parser shares them,
- no look-ups, no branches beyond the model's own shape,
- the collector paused, as ``parse_source`` pauses it.

The rebuilt document equals the parsed one (``check_rebuild``), so the floor
builds exactly the objects the parser returns. Whatever a parser does to find
its fields comes on top: the parser's time can only approach this, never go
below it, while the model keeps one list of ``Span`` per field.

``lazy_floor`` times the same models with each object's spans kept as one flat
tuple of offsets, built beforehand (what a model with spans made on demand
would carry), to show what a change of the model would leave to spend.
"""

from __future__ import annotations

import gc
import time

from jixiao.model import Amounts, Document, Indicator, Issue, Project, Residue, Span, Target, Unit
from jixiao.parse.trusted import trusted

__all__ = ["check_rebuild", "lazy_floor", "plain_of", "rebuild", "time_floor"]

_new_span = tuple.__new__
_FIELDS = {cls: set(cls.model_fields) for cls in (Amounts, Document, Indicator, Issue, Project, Residue, Target, Unit)}
_TARGET_KEYS = tuple(Target.model_fields)
_INDICATOR_VALUES = ("seq", "level1", "level1_code", "level2", "level2_code", "name", "period_value", "annual_value")


def _spans(spans: dict[str, list[Span]]) -> tuple:
    return tuple((k, tuple((s.start, s.end) for s in v)) for k, v in spans.items())


def _amounts(a: Amounts | None):
    if a is None:
        return None
    return (a.total, a.fiscal, a.special, a.other, tuple((k, s.start, s.end) for k, s in a.spans.items()),
            frozenset(a.model_fields_set))


def _issue(w: Issue):
    return (w.code, w.message, w.line, None if w.span is None else (w.span.start, w.span.end))


def plain_of(doc: Document):
    """Every value of ``doc`` as plain tuples; Targets as indexes into one list, as shared in ``doc``."""
    targets: list[tuple] = []
    seen: dict[int, int] = {}

    def target(t: Target | None) -> int:
        if t is None:
            return -1
        k = seen.get(id(t))
        if k is None:
            k = seen[id(t)] = len(targets)
            targets.append(tuple(t.__dict__[f] for f in _TARGET_KEYS))
        return k

    projects = tuple(
        (p.name, p.unit, _amounts(p.amounts), p.goal,
         tuple((tuple(i.__dict__[f] for f in _INDICATOR_VALUES), target(i.period_target), target(i.annual_target),
                tuple(i.extra.items()), _spans(i.spans), frozenset(i.model_fields_set)) for i in p.indicators),
         tuple(p.fields.items()), tuple(_issue(w) for w in p.warnings), _spans(p.spans), _spans(p.field_spans),
         frozenset(p.model_fields_set))
        for p in doc.projects)
    units = tuple((u.name, _amounts(u.amounts), _spans(u.spans), frozenset(u.model_fields_set)) for u in doc.units)
    head = (doc.schema_, doc.source, doc.form, doc.title, doc.department, doc.amount_unit, doc.year)
    return (head, _amounts(doc.total), units, projects, tuple(_issue(w) for w in doc.warnings),
            tuple((r.text, r.line, r.span.start, r.span.end) for r in doc.residue), _spans(doc.spans),
            tuple((s.start, s.end) for s in doc.syntax), doc.source_text, doc.encoding, doc.parser_version, frozenset(doc.model_fields_set),
            tuple(targets))


def _build_spans(plain: tuple) -> dict[str, list[Span]]:
    return {k: [_new_span(Span, s) for s in v] for k, v in plain}


def _build_amounts(plain) -> Amounts | None:
    if plain is None:
        return None
    total, fiscal, special, other, spans, fields_set = plain
    return trusted(Amounts, {"total": total, "fiscal": fiscal, "special": special, "other": other,
                             "spans": {k: _new_span(Span, (a, b)) for k, a, b in spans}}, set(fields_set))


def _build_issue(plain) -> Issue:
    code, message, line, span = plain
    return trusted(Issue, {"code": code, "message": message, "line": line,
                           "span": None if span is None else _new_span(Span, span)}, _FIELDS[Issue])


def rebuild(plain) -> Document:
    """The document ``plain`` was copied from, built again (see the module's docstring)."""
    (head, total, units, projects, warnings, residue, spans, syntax, source_text, encoding, parser_version, fields_set,
     target_values) = plain
    target_fields = _FIELDS[Target]
    targets = [trusted(Target, dict(zip(_TARGET_KEYS, v, strict=True)), target_fields) for v in target_values]
    built_projects = []
    for name, unit, amounts, goal, indicators, fields, p_warnings, p_spans, f_spans, p_set in projects:
        built = []
        for values, period, annual, extra, i_spans, i_set in indicators:
            seq, level1, level1_code, level2, level2_code, i_name, period_value, annual_value = values
            built.append(trusted(Indicator, {
                "seq": seq, "level1": level1, "level1_code": level1_code, "level2": level2,
                "level2_code": level2_code, "name": i_name, "period_value": period_value,
                "annual_value": annual_value, "period_target": targets[period] if period >= 0 else None,
                "annual_target": targets[annual] if annual >= 0 else None, "extra": dict(extra),
                "spans": _build_spans(i_spans)}, set(i_set)))
        built_projects.append(trusted(Project, {
            "name": name, "unit": unit, "amounts": _build_amounts(amounts), "goal": goal, "indicators": built,
            "fields": dict(fields), "warnings": [_build_issue(w) for w in p_warnings],
            "spans": _build_spans(p_spans), "field_spans": _build_spans(f_spans)}, set(p_set)))
    schema, source, form, title, department, amount_unit, year = head
    return trusted(Document, {
        "schema_": schema, "source": source, "form": form, "title": title, "department": department,
        "amount_unit": amount_unit, "year": year, "total": _build_amounts(total),
        "units": [trusted(Unit, {"name": n, "amounts": _build_amounts(a), "spans": _build_spans(s)}, set(u_set))
                  for n, a, s, u_set in units],
        "projects": built_projects, "warnings": [_build_issue(w) for w in warnings],
        "residue": [trusted(Residue, {"text": t, "line": ln, "span": _new_span(Span, (a, b))}, _FIELDS[Residue])
                    for t, ln, a, b in residue],
        "spans": _build_spans(spans), "syntax": [_new_span(Span, s) for s in syntax],
        "source_text": source_text, "encoding": encoding, "parser_version": parser_version}, set(fields_set))


def check_rebuild(doc: Document) -> None:
    """Raise unless rebuilding ``doc`` gives the same document: the floor builds what the parser returns."""
    again = rebuild(plain_of(doc))
    if again.model_dump() != doc.model_dump() or again.model_fields_set != doc.model_fields_set:
        raise AssertionError(f"model_floor: the rebuilt {doc.source} differs from the parsed one")


def time_floor(docs) -> float:
    """Seconds to rebuild each of ``docs`` (an iterable of parsed documents) from its plain copy."""
    total = 0.0
    for doc in docs:
        plain = plain_of(doc)
        gc.disable()  # as parse_source does for one parse
        t0 = time.perf_counter()
        rebuild(plain)
        total += time.perf_counter() - t0
        gc.enable()
    return total


def _flat(plain: tuple) -> tuple[int, ...]:
    return tuple(x for _, spans in plain for s in spans for x in s)


def lazy_floor(docs) -> float:
    """As :func:`time_floor`, each model's spans one flat offset tuple made beforehand (a changed model)."""
    total = 0.0
    for doc in docs:
        _, _, _, projects, *_, target_values = plain_of(doc)
        projects = [(name, amounts, goal, _flat(p_spans),
                     [(values, period, annual, _flat(i_spans)) for values, period, annual, _, i_spans, _ in inds])
                    for name, _, amounts, goal, inds, _, _, p_spans, _, _ in projects]
        gc.disable()
        t0 = time.perf_counter()
        targets = [trusted(Target, dict(zip(_TARGET_KEYS, v, strict=True)), _FIELDS[Target]) for v in target_values]
        for name, amounts, goal, p_spans, inds in projects:
            built = []
            for values, period, annual, i_spans in inds:
                seq, level1, level1_code, level2, level2_code, i_name, period_value, annual_value = values
                built.append(trusted(Indicator, {
                    "seq": seq, "level1": level1, "level1_code": level1_code, "level2": level2,
                    "level2_code": level2_code, "name": i_name, "period_value": period_value,
                    "annual_value": annual_value, "period_target": targets[period] if period >= 0 else None,
                    "annual_target": targets[annual] if annual >= 0 else None, "extra": {},
                    "spans": i_spans}, _FIELDS[Indicator]))
            trusted(Project, {"name": name, "unit": None, "amounts": _build_amounts(amounts), "goal": goal,
                              "indicators": built, "fields": {}, "warnings": [], "spans": p_spans,
                              "field_spans": {}}, _FIELDS[Project])
        total += time.perf_counter() - t0
        gc.enable()
    return total
