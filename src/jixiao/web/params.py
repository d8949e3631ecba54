"""Query parameters, declared once and shared by each page and its JSON twin.

HTML forms send every field, empty ones as ``""``; those mean "no filter".
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..store.query import MAX_ID
from ..store.search import Filters
from ..store.stats import FindingFilters, IndicatorFilters
from .ids import DocRef

__all__ = ["DocumentListParams", "FindingParams", "IndicatorParams", "SearchParams"]


class _Params(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, v: Any) -> Any:
        return None if isinstance(v, str) and not v.strip() else v


class _Paged(_Params):
    page: int = Field(1, ge=1, le=10_000, description="页码 / page number")
    per_page: int = Field(20, ge=1, le=200, description="每页条数 / results per page")
    format: Literal["json", "csv", "xlsx"] | None = Field(
        None, description="导出整个列表（json/csv/xlsx）/ download the whole listing")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


class SearchParams(_Paged):
    """The filters of ``jixiao search``."""

    q: str | None = Field(None, max_length=200, description="搜索词，空格分隔 / words, all must occur")
    department: str | None = Field(None, description="部门名称包含 / department contains")
    unit: str | None = Field(None, description="资金使用单位包含 / funded unit contains")
    year: int | None = Field(None, ge=1900, le=2200, description="年度 / year")
    level1: str | None = Field(None, description="一级指标：产出/效益/满意度/成本 / level 1")
    level2: str | None = Field(None, description="二级指标，如 数量、质量 / level 2")
    min_amount: float | None = Field(None, allow_inf_nan=False, description="项目总计下限 / project total ≥")
    max_amount: float | None = Field(None, allow_inf_nan=False, description="项目总计上限 / project total ≤")
    has_finding: bool | None = Field(None, description="有（true）或没有（false）审核发现 / with findings")
    all_versions: bool = Field(False, description="也搜索旧版本 / include older versions")

    def filters(self) -> Filters:
        return Filters(department=self.department, unit=self.unit, year=self.year, level1=self.level1,
                       level2=self.level2, min_amount=self.min_amount, max_amount=self.max_amount,
                       has_finding=self.has_finding, all_versions=self.all_versions)


class IndicatorParams(_Paged):
    level1: str | None = Field(None, description="一级指标：产出/效益/满意度/成本/未分类 / level 1")
    level2: str | None = Field(None, description="二级指标 / level 2")
    kind: Literal["quantitative", "qualitative", "placeholder", "empty"] | None = Field(
        None, description="年度指标值类型：定量/定性/占位/空 / value kind")
    comparator: str | None = Field(None, max_length=4, description="比较符 ≥ > ≤ < = ≈ / comparator")
    unit: str | None = Field(None, max_length=32, description="计量单位 / unit of the value")
    department: str | None = Field(None, description="部门名称包含 / department contains")
    year: int | None = Field(None, ge=1900, le=2200, description="年度 / year")
    document: DocRef | None = Field(None, description="只看这份文档（D12 或 12）/ one document")

    def filters(self) -> IndicatorFilters:
        return IndicatorFilters(level1=self.level1, level2=self.level2, kind=self.kind,
                                comparator=self.comparator, unit=self.unit, department=self.department,
                                year=self.year, document_id=self.document)


class FindingParams(_Paged):
    rule: str | None = Field(None, max_length=8, description="规则编号，如 R11 / rule id")
    severity: Literal["error", "warning", "info"] | None = Field(None, description="严重程度 / severity")
    min_severity: Literal["error", "warning", "info"] | None = Field(
        None, description="只看此级别或更严重的（warning：不含提示）/ this severity or worse (warning: no hints)")
    department: str | None = Field(None, description="部门名称包含 / department contains")
    document: DocRef | None = Field(None, description="文档编号 D12 或 12 / document id")
    project: int | None = Field(None, ge=0, le=MAX_ID, description="项目编号 / project id")

    def filters(self) -> FindingFilters:
        return FindingFilters(rule=self.rule, severity=self.severity, min_severity=self.min_severity,
                              department=self.department, document_id=self.document, project_id=self.project)


class DocumentListParams(_Params):
    department: str | None = Field(None, description="部门名称包含 / department contains")
    year: int | None = Field(None, ge=1900, le=2200, description="年度 / year")
    all_versions: bool = Field(False, description="列出旧版本 / list older versions too")
    format: Literal["json", "csv", "xlsx"] | None = Field(None, description="下载列表 / download the listing")
