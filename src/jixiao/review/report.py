"""The review report: findings plus the summaries, the one object every output renders.

Given documents (and a configuration), :func:`build_report` reviews each and
adds, per project and per document, the counts by severity, the share of
indicators with a measurable value (定量率) and which 一级/二级 categories are
covered; :meth:`Report.departments` compares the documents of each
department. The JSON, text, Markdown and HTML reports are renderings of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Document, Finding, Indicator
from .config import ReviewConfig
from .engine import review
from .text import L2_PARENT, category

__all__ = ["SEVERITY_ORDER", "DocumentResult", "DocumentSummary", "ProjectSummary", "Report", "at_least", "build_report",
           "finding_dict"]

LEVEL1 = ("产出", "效益", "满意度", "成本")
LEVEL2 = tuple(L2_PARENT)
_DIGIT = re.compile(r"\d")


def _counts() -> dict[str, int]:
    return {"error": 0, "warning": 0, "info": 0}


def measurable(ind: Indicator) -> bool:
    """The annual value is a number the result can be compared with (定量)."""
    t = ind.annual_target
    if t is not None:
        return t.kind == "quantitative"
    return bool(ind.annual_value and _DIGIT.search(ind.annual_value))


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class ProjectSummary:
    index: int
    name: str | None
    unit: str | None
    total: float | None
    indicators: int
    measurable: int
    counts: dict[str, int] = field(default_factory=_counts)
    level1: list[str] = field(default_factory=list)
    level2: list[str] = field(default_factory=list)

    @property
    def quant_rate(self) -> float | None:
        return _rate(self.measurable, self.indicators)

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "name": self.name, "unit": self.unit, "total": self.total,
                "indicators": self.indicators, "measurable": self.measurable, "quant_rate": self.quant_rate,
                "counts": dict(self.counts), "level1": list(self.level1), "level2": list(self.level2)}


@dataclass
class DocumentSummary:
    source: str | None
    department: str | None
    form: str
    projects: list[ProjectSummary]
    counts: dict[str, int] = field(default_factory=_counts)

    @property
    def indicators(self) -> int:
        return sum(p.indicators for p in self.projects)

    @property
    def measurable(self) -> int:
        return sum(p.measurable for p in self.projects)

    @property
    def quant_rate(self) -> float | None:
        return _rate(self.measurable, self.indicators)

    def coverage(self, level: int) -> dict[str, int]:
        """Category → number of projects with at least one indicator in it."""
        keys = LEVEL1 if level == 1 else LEVEL2
        out = dict.fromkeys(keys, 0)
        for p in self.projects:
            for k in p.level1 if level == 1 else p.level2:
                out[k] = out.get(k, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "department": self.department, "form": self.form,
                "projects": len(self.projects), "indicators": self.indicators, "measurable": self.measurable,
                "quant_rate": self.quant_rate, "counts": dict(self.counts),
                "level1_coverage": self.coverage(1), "level2_coverage": self.coverage(2),
                "project_summaries": [p.to_dict() for p in self.projects]}


@dataclass
class DocumentResult:
    document: Document
    findings: list[Finding]
    summary: DocumentSummary


def finding_dict(f: Finding) -> dict[str, Any]:
    """A finding as JSON: every model field, the span as ``[start, end]``."""
    d = f.model_dump()
    d["span"] = list(f.span) if f.span is not None else None
    return d


@dataclass
class Report:
    results: list[DocumentResult]

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def counts(self) -> dict[str, int]:
        out = _counts()
        for r in self.results:
            for k, v in r.summary.counts.items():
                out[k] += v
        return out

    def rule_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.rule] = out.get(f.rule, 0) + 1
        return dict(sorted(out.items()))

    def departments(self) -> dict[str, list[DocumentSummary]]:
        """Department → its documents' summaries, for the comparison table."""
        out: dict[str, list[DocumentSummary]] = {}
        for r in self.results:
            out.setdefault(r.summary.department or "（未知部门）", []).append(r.summary)
        return out

    def fails(self, level: str | None) -> bool:
        """Whether a ``--fail-on level`` run should exit non-zero."""
        if level is None:
            return False
        c = self.counts
        return c["error"] > 0 or (level == "warning" and c["warning"] > 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "rules": self.rule_counts(),
            "documents": [{**r.summary.to_dict(), "findings": [finding_dict(f) for f in r.findings]}
                          for r in self.results],
            "departments": {k: [s.source for s in v] for k, v in self.departments().items()},
        }


def summarise(doc: Document, findings: list[Finding]) -> DocumentSummary:
    """Counts, 定量率 and category coverage of ``doc`` and each of its projects."""
    projects = []
    for pi, p in enumerate(doc.projects):
        l1: set[str] = set()
        l2: set[str] = set()
        for i in p.indicators:
            c = category[(i.level1, i.level1_code, i.level2, i.level2_code)]
            if c.l1:
                l1.add(c.l1)
            if c.l2:
                l2.add(c.l2)
        projects.append(ProjectSummary(
            index=pi, name=p.name, unit=p.unit, total=p.amounts.total, indicators=len(p.indicators),
            measurable=sum(1 for i in p.indicators if measurable(i)),
            level1=[k for k in LEVEL1 if k in l1], level2=[k for k in LEVEL2 if k in l2]))
    summary = DocumentSummary(source=doc.source, department=doc.department, form=doc.form, projects=projects)
    for f in findings:
        summary.counts[f.severity] += 1
        if f.project_index is not None:
            projects[f.project_index].counts[f.severity] += 1
    return summary


#: severities from the most to the least severe: ``--min-severity warning`` keeps the first two
SEVERITY_ORDER = ("error", "warning", "info")


def at_least(findings: Iterable[Finding], min_severity: str | None) -> list[Finding]:
    """The findings of ``min_severity`` or worse (all of them for ``None``)."""
    if min_severity is None:
        return list(findings)
    if min_severity not in SEVERITY_ORDER:
        raise ValueError(f"unknown severity {min_severity!r}")
    keep = frozenset(SEVERITY_ORDER[: SEVERITY_ORDER.index(min_severity) + 1])
    return [f for f in findings if f.severity in keep]


def build_report(docs: Iterable[Document], config: ReviewConfig | None = None,
                 min_severity: str | None = None, peers: Sequence[Mapping | None] | None = None,
                 links: Sequence[Mapping | None] | None = None) -> Report:
    """Review every document and summarise; with ``min_severity`` (``"warning"``: leave the hints
    out) only the findings of that severity or worse are kept, in the findings and in the counts;
    ``peers[k]`` are document k's peer benchmarks, if any; ``links[k]`` its links to target tables (R51)."""
    results = []
    for k, doc in enumerate(docs):
        findings = at_least(review(doc, config, peers[k] if peers is not None else None,
                                   links[k] if links is not None else None), min_severity)
        results.append(DocumentResult(doc, findings, summarise(doc, findings)))
    return Report(results)
