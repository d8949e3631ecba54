"""What a reader of forms hands the document stage: the forms' projects and the document's
own fields (title, year, department, money unit), with the structure it claimed."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Issue, Project, Span
from .mtext import MText

__all__ = ["FormReading"]


@dataclass
class FormReading:
    form: str = "project"
    projects: list[Project] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    syntax: list[Span] = field(default_factory=list)
    title: MText | None = None
    year: tuple[int, list[Span]] | None = None
    department: MText | None = None
    amount_unit: str | None = None
    amount_unit_spans: list[Span] = field(default_factory=list)
