"""The canonical document: what a parsed 项目支出绩效目标表 is.

This module imports nothing else of jixiao. The JSON contract
(`jixiao.document/1`, see ``docs/document-json.md``; a self-evaluation or
monitoring form's ``jixiao.evaluation/1``, ``docs/evaluation-json.md``) is produced by
:meth:`Document.to_canonical`; everything else here (source spans, parsed
targets, warnings, residue) is richer data that the contract leaves out.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from itertools import chain
from typing import Any, Literal, NamedTuple, overload

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = [
    "EVAL_FORMS",
    "EVAL_SCHEMA",
    "SCHEMA",
    "Amounts",
    "BudgetRow",
    "Document",
    "Evaluation",
    "Finding",
    "Indicator",
    "Issue",
    "Project",
    "Residue",
    "Severity",
    "Span",
    "SpanList",
    "SpanMap",
    "Target",
    "Unit",
]

SCHEMA = "jixiao.document/1"
#: the schema of a self-evaluation or monitoring document: ``jixiao.document/1`` plus the keys
#: of ``docs/evaluation-json.md``; a target table keeps ``SCHEMA`` and never carries them
EVAL_SCHEMA = "jixiao.evaluation/1"

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

# the key tuples of SpanMaps: a few dozen distinct ones per document, each kept once
_KEY_TUPLES: dict[tuple[str, ...], tuple[str, ...]] = {}


def _shared_keys(keys: tuple[str, ...]) -> tuple[str, ...]:
    if len(_KEY_TUPLES) >= 4096:  # a bound on what is kept, never reached by real tables
        return _KEY_TUPLES.get(keys, keys)
    return _KEY_TUPLES.setdefault(keys, keys)


def _offsets(flat: list[int]) -> array:
    try:
        return array("I", flat)
    except OverflowError:  # a source of 4 Gi characters or more
        return array("Q", flat)


class SpanMap(MutableMapping[str, Spans]):
    """Field → its source spans, as a ``dict[str, list[Span]]`` reads, stored flat.

    An indicator's spans were a dict of lists of named tuples of ints: ~940 bytes an indicator,
    more than the rest of it. Here they are one key tuple, shared by every map with the same keys
    in the same order, and one array of offsets: for each key its number of spans, then each
    span's start and end. The lists are built when read; each read makes new ones, so change a
    map by assigning to it (``m[key] = spans``), never by changing a list it returned.
    """

    __slots__ = ("_keys", "_flat")

    def __init__(self, spans: Mapping[str, Spans] | None = None) -> None:
        self._keys: tuple[str, ...] = ()
        self._flat: array | tuple = ()
        if spans:
            self._set_all(spans.items())

    @classmethod
    def of_flat(cls, keys: tuple[str, ...], flat: list[int]) -> SpanMap:
        """The map of ``keys`` whose offsets are ``flat`` (per key: n, then n starts and ends)."""
        m = object.__new__(cls)
        m._keys = _KEY_TUPLES.get(keys) or _shared_keys(keys)  # the look-up inline: once per indicator
        try:
            m._flat = array("I", flat)
        except OverflowError:
            m._flat = _offsets(flat)
        return m

    def _set_all(self, items) -> None:
        keys: list[str] = []
        flat: list[int] = []
        for key, spans in items:
            keys.append(key)
            flat.append(len(spans))
            for a, b in spans:
                flat += (a, b)
        self._keys = _shared_keys(tuple(keys))
        self._flat = _offsets(flat)

    def _find(self, key: str) -> int:
        """Where ``key``'s count stands in the offsets; -1 when absent."""
        keys, flat = self._keys, self._flat
        pos = 0
        for k in keys:
            if k == key:
                return pos
            pos += 1 + 2 * flat[pos]
        return -1

    def __getitem__(self, key: str) -> Spans:
        pos = self._find(key)
        if pos < 0:
            raise KeyError(key)
        flat = self._flat
        new = tuple.__new__  # as the parser builds spans: no named-tuple constructor
        return [new(Span, (flat[i], flat[i + 1])) for i in range(pos + 1, pos + 1 + 2 * flat[pos], 2)]

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __setitem__(self, key: str, spans: Spans) -> None:
        d = self.to_dict()
        d[key] = list(spans)
        self._set_all(d.items())

    def __delitem__(self, key: str) -> None:
        d = self.to_dict()
        del d[key]
        self._set_all(d.items())

    def items(self):  # one pass over the offsets, not one look-up per key
        flat = self._flat
        new = tuple.__new__
        pos = 0
        out = []
        for k in self._keys:
            n = flat[pos]
            out.append((k, [new(Span, (flat[i], flat[i + 1])) for i in range(pos + 1, pos + 1 + 2 * n, 2)]))
            pos += 1 + 2 * n
        return out

    def values(self):
        return [v for _, v in self.items()]

    def to_dict(self) -> dict[str, Spans]:
        return dict(self.items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SpanMap):
            return self._keys == other._keys and self._flat == other._flat or self.to_dict() == other.to_dict()
        if isinstance(other, Mapping):
            return self.to_dict() == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dict

    def __repr__(self) -> str:
        return f"SpanMap({self.to_dict()!r})"

    def __copy__(self) -> SpanMap:
        m = object.__new__(SpanMap)
        m._keys, m._flat = self._keys, self._flat[:]
        return m

    def __deepcopy__(self, memo: dict) -> SpanMap:
        return self.__copy__()

    def __reduce__(self):
        return SpanMap, (self.to_dict(),)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        # validated from, and dumped as, the dict it stands for: model_dump and JSON are unchanged
        as_dict = handler.generate_schema(dict[str, Spans])
        return core_schema.no_info_after_validator_function(
            cls, as_dict,
            serialization=core_schema.plain_serializer_function_ser_schema(_span_dict, return_schema=as_dict))


def _span_dict(spans: Mapping[str, Spans]) -> dict[str, Spans]:
    return spans.to_dict() if isinstance(spans, SpanMap) else dict(spans)


class SpanList(Sequence[Span]):
    """A list of spans, as ``list[Span]`` reads, kept as one array of offsets (start, end, …).

    A document's syntax is tens of thousands of spans: 120 bytes each as Span tuples in a list,
    16 here. Spans are added with ``append``/``extend``; each read makes the Span tuples anew.
    """

    __slots__ = ("_flat",)

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        self._flat = array("q")
        self.extend(spans)

    def append(self, span: Span) -> None:
        self._flat.extend(span)

    def extend(self, spans: Iterable[Span]) -> None:
        self._flat.extend(spans._flat if isinstance(spans, SpanList) else chain.from_iterable(spans))

    def __len__(self) -> int:
        return len(self._flat) // 2

    @overload
    def __getitem__(self, k: int) -> Span: ...
    @overload
    def __getitem__(self, k: slice) -> list[Span]: ...
    def __getitem__(self, k: int | slice) -> Span | list[Span]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        n = len(self)
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError("span index out of range")
        return tuple.__new__(Span, (self._flat[2 * k], self._flat[2 * k + 1]))

    def __iter__(self) -> Iterator[Span]:
        it = iter(self._flat)
        new = tuple.__new__
        for a in it:
            yield new(Span, (a, next(it)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SpanList):
            return self._flat == other._flat
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as a list

    def __repr__(self) -> str:
        return f"SpanList({list(self)!r})"

    def __copy__(self) -> SpanList:
        m = object.__new__(SpanList)
        m._flat = self._flat[:]
        return m

    def __deepcopy__(self, memo: dict) -> SpanList:
        return self.__copy__()

    def __reduce__(self):
        return SpanList, (list(self),)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        # validated from, and dumped as, the list it stands for: model_dump and JSON are unchanged
        as_list = handler.generate_schema(list[Span])
        return core_schema.no_info_after_validator_function(
            cls, as_list,
            serialization=core_schema.plain_serializer_function_ser_schema(list, return_schema=as_list))


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
    #: field → spans; a SpanMap reads as that dict but keeps an indicator's spans flat
    spans: SpanMap = Field(default_factory=SpanMap)
    # -- self-evaluation and monitoring only (``EVAL_FORMS``); None on a target table ----------
    #: 实际完成值 / 全年实际值 / 完成值 (B); for monitoring 半年度指标执行情况, as printed
    actual_value: str | None = None
    actual_target: Target | None = None
    #: 分值 / 权重 / 指标权重 as printed
    weight: str | None = None
    #: 得分 / 自评得分 / 指标得分 as printed
    score: str | None = None
    #: 指标性质 / 指标方向 (≥, ≤, =, 定性, 正向 …)
    direction: str | None = None
    #: 偏差原因分析及改进措施 / 未完成原因分析 / 备注, as printed
    deviation: str | None = None
    #: 完成目标可能性 (确定能 / 有可能 / 不可能), monitoring
    likelihood: str | None = None
    #: a 核心指标 (★, 是否核心指标 是); None when the table does not say
    core: bool | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        # the parser gives indicators read alike one shared frozenset of set fields (a set costs 470
        # bytes an indicator); an indicator gets its own before an assignment adds to it
        if type(self.__pydantic_fields_set__) is frozenset:
            object.__setattr__(self, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        super().__setattr__(name, value)


class BudgetRow(_Model):
    """One money row of a self-evaluation or monitoring form (年度资金总额, 其中：财政拨款 …),
    amounts in the document's ``amount_unit``; ``None`` for an empty cell."""

    label: str
    #: 年初预算数
    initial: float | None = None
    #: 全年预算数 / 调整后预算数 / 预算数(A)
    budget: float | None = None
    #: 全年执行数 / 预算执行数 / 执行数(B)
    executed: float | None = None
    #: monitoring: 1–N月执行数 (N in ``Evaluation.months``)
    executed_to_date: float | None = None
    #: monitoring: 全年预计执行数
    expected: float | None = None
    #: 执行率 as printed ("86%")
    rate: str | None = None
    #: 分值 / 权重 as printed
    weight: str | None = None
    #: 得分 as printed
    score: str | None = None
    spans: dict[str, Spans] = Field(default_factory=dict)


class Evaluation(_Model):
    """What a self-evaluation or monitoring form says about its project beyond a target table."""

    budget: list[BudgetRow] = Field(default_factory=list)
    #: the N of a monitoring form's 1–N月执行数
    months: int | None = None
    #: 预期目标 / 年初设定目标 / 年初绩效目标
    goal_expected: str | None = None
    #: 实际完成情况 / 年度总体目标完成情况综述
    goal_actual: str | None = None
    #: 总分 / 自评总分 as printed
    total_score: str | None = None
    #: 偏差原因 (偏差大或目标未完成原因分析, 偏差或不能完成目标原因分析, 存在问题)
    deviation: str | None = None
    #: 改进措施 / 整改 / 相关建议或举措
    measures: str | None = None
    spans: dict[str, Spans] = Field(default_factory=dict)


class Unit(_Model):
    """A 资金使用单位 subtotal row: a name with amounts, no goal."""

    name: str
    amounts: Amounts = Field(default_factory=Amounts)
    spans: SpanMap = Field(default_factory=SpanMap)


class Project(_Model):
    name: str | None = None
    unit: str | None = None
    amounts: Amounts = Field(default_factory=Amounts)
    goal: str | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    fields: dict[str, str] = Field(default_factory=dict)
    warnings: list[Issue] = Field(default_factory=list)
    spans: SpanMap = Field(default_factory=SpanMap)
    #: label → spans for ``fields``
    field_spans: dict[str, Spans] = Field(default_factory=dict)
    #: a self-evaluation or monitoring form's money, goal and scores; None on a target table
    evaluation: Evaluation | None = None


Form = Literal["summary", "project", "department", "selfeval", "dept_selfeval", "monitor"]
#: the forms that carry ``Evaluation`` and the indicators' evaluation keys
EVAL_FORMS = ("selfeval", "dept_selfeval", "monitor")

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
    #: spans of the table's own structure (labels, headers, numbering, separators); a SpanList
    #: reads as ``list[Span]`` but keeps them flat
    syntax: SpanList = Field(default_factory=SpanList)
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

        evaluated = self.form in EVAL_FORMS

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
            if evaluated:
                out.update(_indicator_evaluation(i, targets=targets))
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
            if evaluated:
                out["evaluation"] = _evaluation(p.evaluation)
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


_INDICATOR_EVAL_KEYS = ("actual_value", "weight", "score", "direction", "deviation", "likelihood", "core")
_BUDGET_KEYS = ("label", "initial", "budget", "executed", "executed_to_date", "expected", "rate", "weight", "score")
_EVALUATION_KEYS = ("months", "goal_expected", "goal_actual", "total_score", "deviation", "measures")


def _indicator_evaluation(i: Indicator, *, targets: bool) -> dict[str, Any]:
    """The keys an evaluation adds to an indicator (``docs/evaluation-json.md``), always all of
    them, so that a reader tells "not printed" (null) from "not an evaluation" (absent)."""
    out: dict[str, Any] = {k: getattr(i, k) for k in _INDICATOR_EVAL_KEYS}
    if targets:
        out["actual_target"] = i.actual_target.model_dump(exclude_none=True) if i.actual_target else None
    return out


def _evaluation(e: Evaluation | None) -> dict[str, Any] | None:
    if e is None:
        return None
    out: dict[str, Any] = {k: getattr(e, k) for k in _EVALUATION_KEYS}
    out["budget"] = [{k: getattr(r, k) for k in _BUDGET_KEYS} for r in e.budget]
    return out
