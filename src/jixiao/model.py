"""The canonical document: what a parsed 项目支出绩效目标表 is.

This module imports nothing else of jixiao. The JSON contract
(`jixiao.document/1`, see ``docs/document-json.md``) is produced by
:meth:`Document.to_canonical`; everything else here (source spans, parsed
targets, warnings, residue) is richer data that the contract leaves out.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCHEMA",
    "Amounts",
    "Document",
    "Finding",
    "Indicator",
    "Issue",
    "Project",
    "Residue",
    "Severity",
    "Span",
    "Target",
    "Unit",
]

SCHEMA = "jixiao.document/1"

AMOUNT_KEYS = ("total", "fiscal", "special", "other")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Span(NamedTuple):
    """A half-open character range ``[start, end)`` of ``Document.source_text``.

    A named tuple, not a model: a document holds tens of thousands of them.
    """

    start: int
    end: int

    def text(self, source: str) -> str:
        return source[self.start : self.end]


Spans = list[Span]


class Issue(_Model):
    """A parse warning: something read with doubt, or not read at all.

    ``code`` is stable (for filters and tests); ``message`` is for people,
    Chinese first.
    """

    code: str
    message: str
    line: int | None = None
    span: Span | None = None


class Residue(_Model):
    """A non-blank piece of source text that fed no field and no structure."""

    text: str
    line: int
    span: Span


Comparator = Literal[">=", ">", "<=", "<", "=", "≈"]
TargetKind = Literal["quantitative", "qualitative", "placeholder", "empty"]


class Target(_Model):
    """An indicator value read as a target.

    ``text`` is the value as printed. A quantitative target has ``value``
    (or ``low``/``high`` for a range) with an optional ``comparator`` and
    ``unit``; a qualitative one carries its key word in ``qualitative``
    (提高, 良好以上, 及时 …) and may also have a comparator (良好以上 → ``>=``).
    """

    text: str
    kind: TargetKind
    comparator: Comparator | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    qualitative: str | None = None


class Amounts(_Model):
    """Money of a row, in the document's ``amount_unit``; ``None`` for an empty cell."""

    total: float | None = None
    fiscal: float | None = None
    special: float | None = None
    other: float | None = None
    spans: dict[str, Span] = Field(default_factory=dict)

    def values(self) -> dict[str, float | None]:
        return {k: getattr(self, k) for k in AMOUNT_KEYS}

    def is_empty(self) -> bool:
        return all(v is None for v in self.values().values())


class Indicator(_Model):
    """One numbered 绩效指标 (三级 indicator) with its 一级/二级 categories."""

    seq: int | None = None
    level1: str | None = None
    level1_code: str | None = None
    level2: str | None = None
    level2_code: str | None = None
    name: str | None = None
    period_value: str | None = None
    annual_value: str | None = None
    period_target: Target | None = None
    annual_target: Target | None = None
    #: other columns of an indicator grid (分值, 指标解释, 中期指标值 …), label → text
    extra: dict[str, str] = Field(default_factory=dict)
    spans: dict[str, Spans] = Field(default_factory=dict)


class Unit(_Model):
    """A 资金使用单位 subtotal row: a name with amounts, no goal."""

    name: str
    amounts: Amounts = Field(default_factory=Amounts)
    spans: dict[str, Spans] = Field(default_factory=dict)


class Project(_Model):
    name: str | None = None
    unit: str | None = None
    amounts: Amounts = Field(default_factory=Amounts)
    goal: str | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    fields: dict[str, str] = Field(default_factory=dict)
    warnings: list[Issue] = Field(default_factory=list)
    spans: dict[str, Spans] = Field(default_factory=dict)
    #: label → spans for ``fields``
    field_spans: dict[str, Spans] = Field(default_factory=dict)


Form = Literal["summary", "project", "department"]

Severity = Literal["error", "warning", "info"]


class Finding(_Model):
    """What a review rule found, and exactly where: the data a report, the store and a UI share.

    ``project_index``/``indicator_index`` index ``Document.projects`` and
    ``Project.indicators``; ``None`` means the finding is about the document
    (or a 资金使用单位 row) or the whole project. ``span`` is the source range
    of ``field``, for highlighting; ``line`` is the 1-based line it starts on.
    """

    rule: str
    severity: Severity
    message: str
    message_en: str
    document: str | None = None
    project_index: int | None = None
    project: str | None = None
    indicator_index: int | None = None
    seq: int | None = None
    field: str | None = None
    span: Span | None = None
    line: int | None = None


class Document(_Model):
    """One parsed performance-target document."""

    schema_: str = Field(default=SCHEMA, alias="schema")
    source: str | None = None
    form: Form = "summary"
    title: str | None = None
    department: str | None = None
    amount_unit: str | None = None
    year: int | None = None
    total: Amounts | None = None
    units: list[Unit] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    warnings: list[Issue] = Field(default_factory=list)
    residue: list[Residue] = Field(default_factory=list)
    spans: dict[str, Spans] = Field(default_factory=dict)
    #: spans of the table's own structure (labels, headers, numbering, separators)
    syntax: Spans = Field(default_factory=list)
    source_text: str = ""
    encoding: str | None = None
    parser_version: str | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    # -- views -----------------------------------------------------------------

    def all_warnings(self) -> list[Issue]:
        """Document warnings followed by every project's, in order."""
        out = list(self.warnings)
        for p in self.projects:
            out.extend(p.warnings)
        return out

    def to_canonical(self, *, targets: bool = True, extras: bool = True) -> dict[str, Any]:
        """The ``jixiao.document/1`` JSON object.

        With ``targets`` each indicator also carries ``annual_target`` and
        ``period_target``; with ``extras`` the document carries ``warnings``
        and ``residue``. Both are additions the contract allows: readers of
        the contract ignore keys they do not know.
        """

        def amounts(a: Amounts | None) -> dict[str, Any] | None:
            return None if a is None else a.values()

        def indicator(i: Indicator) -> dict[str, Any]:
            out: dict[str, Any] = {
                "seq": i.seq,
                "level1": i.level1,
                "level1_code": i.level1_code,
                "level2": i.level2,
                "level2_code": i.level2_code,
                "name": i.name,
                "period_value": i.period_value,
                "annual_value": i.annual_value,
            }
            if targets:
                out["period_target"] = i.period_target.model_dump(exclude_none=True) if i.period_target else None
                out["annual_target"] = i.annual_target.model_dump(exclude_none=True) if i.annual_target else None
                if i.extra:
                    out["extra"] = dict(i.extra)
            return out

        def project(p: Project) -> dict[str, Any]:
            out: dict[str, Any] = {
                "name": p.name,
                "unit": p.unit,
                "amounts": amounts(p.amounts),
                "goal": p.goal,
                "indicators": [indicator(i) for i in p.indicators],
                "fields": dict(p.fields),
            }
            if extras and p.warnings:
                out["warnings"] = [w.model_dump(exclude_none=True, exclude={"span"}) for w in p.warnings]
            return out

        doc: dict[str, Any] = {
            "schema": self.schema_,
            "source": self.source,
            "form": self.form,
            "title": self.title,
            "department": self.department,
            "amount_unit": self.amount_unit,
            "year": self.year,
            "total": amounts(self.total),
            "units": [{"name": u.name, "amounts": amounts(u.amounts)} for u in self.units],
            "projects": [project(p) for p in self.projects],
        }
        if extras:
            doc["warnings"] = [w.model_dump(exclude_none=True, exclude={"span"}) for w in self.warnings]
            doc["residue"] = [{"line": r.line, "text": r.text} for r in self.residue]
            doc["parser_version"] = self.parser_version
        return doc
