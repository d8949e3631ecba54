from __future__ import annotations
from dataclasses import dataclass, field
from ..model import Issue, Project, Span
from .lines import Line
from .mtext import MText

@dataclass
class FormResult:
    form: str = "project"
    projects: list[Project] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    syntax: list[Span] = field(default_factory=list)
    department: MText | None = None
    amount_unit: str | None = None

def looks_like_form(lines: list[Line]) -> bool:
    return False

def parse_forms(lines, department=False):
    return FormResult()
