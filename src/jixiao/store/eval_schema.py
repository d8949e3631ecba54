"""The store's tables for self-evaluation and monitoring forms, and their links to target tables.

A self-evaluation (绩效自评表) or monitoring (绩效监控表) form is stored like a
target table — its document, projects and indicators in the usual tables —
and what only such a form says goes here, one row per thing (migration 0005):

* ``evaluation_projects``: a project's 预期目标 / 实际完成情况, 总分, 偏差原因, 改进措施;
* ``evaluation_budget``: its money rows (年初预算数, 全年预算数, 全年执行数, 执行率, 分值, 得分);
* ``evaluation_indicators``: per indicator 实际完成值, 分值, 得分, 指标性质, 偏差原因, 完成目标可能性, ★.

These are written in the import's one transaction (they hang off the
project and indicator ids the import hands out), and go with their document.

Links (``evaluation_links``, ``evaluation_indicator_links``) say which target
table's project an evaluation project reports on, and which target indicator
each of its indicators is. They are derived (``jixiao.link``), except where a
person corrected them (``method`` ``manual``), which no later import undoes.
A manual unlink is a row with no target: "this one has no target table", so
the matcher does not link it again.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base, Json

__all__ = ["EvaluationBudgetRow", "EvaluationIndicatorLinkRow", "EvaluationIndicatorRow", "EvaluationLinkRow",
           "EvaluationProjectRow"]


class EvaluationProjectRow(Base):
    """What a self-evaluation or monitoring form says about its project beyond a target table."""

    __tablename__ = "evaluation_projects"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True,
                                            autoincrement=False)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    months: Mapped[int | None] = mapped_column(Integer)
    goal_expected: Mapped[str | None] = mapped_column(Text)
    goal_actual: Mapped[str | None] = mapped_column(Text)
    #: 总分 / 自评总分 as printed
    total_score: Mapped[str | None] = mapped_column(Text)
    deviation: Mapped[str | None] = mapped_column(Text)
    measures: Mapped[str | None] = mapped_column(Text)
    spans: Mapped[dict] = mapped_column(Json)
    # The scores by the default profile (national, 财预〔2020〕10号), worked out on import so that listings
    # and the inflation chart are one query; another profile is worked out when asked. NULL: not scored
    # (a monitoring form) or not computable. See jixiao.evaluate.result.TotalScore.
    score_profile: Mapped[str | None] = mapped_column(String(32))
    total_reported: Mapped[float | None] = mapped_column(Float)
    reported_sum: Mapped[float | None] = mapped_column(Float)
    recomputed: Mapped[float | None] = mapped_column(Float)
    score_difference: Mapped[float | None] = mapped_column(Float)
    score_complete: Mapped[bool | None] = mapped_column(Boolean)
    score_reason: Mapped[str | None] = mapped_column(Text)


class EvaluationBudgetRow(Base):
    """One money row (年度资金总额, 其中：财政拨款 …) of an evaluated project, in the document's unit."""

    __tablename__ = "evaluation_budget"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text)
    initial: Mapped[float | None] = mapped_column(Float)
    budget: Mapped[float | None] = mapped_column(Float)
    executed: Mapped[float | None] = mapped_column(Float)
    executed_to_date: Mapped[float | None] = mapped_column(Float)
    expected: Mapped[float | None] = mapped_column(Float)
    rate: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[str | None] = mapped_column(Text)
    score: Mapped[str | None] = mapped_column(Text)
    spans: Mapped[dict] = mapped_column(Json)


class EvaluationIndicatorRow(Base):
    """The values an evaluation reports for one indicator (its target is in ``indicators``)."""

    __tablename__ = "evaluation_indicators"

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True,
                                              autoincrement=False)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(Integer, index=True)
    actual_value: Mapped[str | None] = mapped_column(Text)
    actual_target: Mapped[dict | None] = mapped_column(Json)
    weight: Mapped[str | None] = mapped_column(Text)
    score: Mapped[str | None] = mapped_column(Text)
    direction: Mapped[str | None] = mapped_column(Text)
    deviation: Mapped[str | None] = mapped_column(Text)
    likelihood: Mapped[str | None] = mapped_column(Text)
    core: Mapped[bool | None] = mapped_column(Boolean)


class EvaluationLinkRow(Base):
    """An evaluation or monitoring project → the target table's project it reports on.

    ``target_project_id`` NULL with ``method`` ``manual``: a person said it has none.
    """

    __tablename__ = "evaluation_links"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True,
                                            autoincrement=False)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    target_project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                                          index=True)
    #: 0–1: how sure the matcher is (1 for a person's link)
    confidence: Mapped[float] = mapped_column(Float)
    #: ``auto`` (the matcher) or ``manual`` (``jixiao link``, the API)
    method: Mapped[str] = mapped_column(String(8))


class EvaluationIndicatorLinkRow(Base):
    """An evaluation indicator → the target indicator it reports on (within the linked projects)."""

    __tablename__ = "evaluation_indicator_links"

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True,
                                              autoincrement=False)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    target_indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    confidence: Mapped[float] = mapped_column(Float)
