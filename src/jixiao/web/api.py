"""The JSON API, /api/v1: the twin of every page, plus uploads, deletes and downloads.

Listings take ``format=csv|xlsx|json`` to download the whole listing
(not just the page) as a file.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import BaseModel
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from .. import __version__
from ..errors import UsageError
from ..review.registry import RULES
from ..store import query as Q
from ..store import stats as S
from ..store.delete import delete_document
from . import uploads as U
from . import views as V
from .deps import check_token, connection, settings_of
from .i18n import language
from .ids import DocId, DocRef, ProjectId
from .params import DocumentListParams, FindingParams, IndicatorParams, SearchParams
from .responses import JSONResponse, download

__all__ = ["DOCUMENT_COLUMNS", "FINDING_COLUMNS", "api"]

def _query_names(dependant: Any) -> frozenset[str]:
    """The query parameters a route declares, a parameter model's fields included."""
    names: set[str] = set()
    for f in dependant.query_params:
        kind = f.field_info.annotation
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            names |= {info.alias or name for name, info in kind.model_fields.items()}
        else:
            names.add(f.alias)
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return frozenset(names)


def reject_unknown_query(request: Request) -> None:
    """A parameter the route does not know is an error, not ignored: ``?offset=50`` on a route that
    pages with ``page`` would otherwise return the first page again and again."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    unknown = sorted(set(request.query_params) - _query_names(dependant) - {"lang"})
    if unknown:
        raise UsageError(f"不认识的查询参数 / unknown query parameter: {', '.join(unknown)}",
                         code="unknown_parameter")


api = APIRouter(prefix="/api/v1", default_response_class=JSONResponse,
                dependencies=[Depends(reject_unknown_query)])
Conn = Annotated[Connection, Depends(connection)]

DOCUMENT_COLUMNS = ["id", "name", "department", "year", "form", "title", "amount_unit", "total", "total_basis", "n_units",
                    "n_projects", "n_indicators", "n_warnings", "n_findings", "version", "is_latest", "format",
                    "imported_at", "sha256", "source_path"]
FINDING_COLUMNS = ["id", "rule", "severity", "message", "message_en", "document_id", "document", "department",
                   "project_id", "project", "seq", "indicator", "field", "line"]


@api.get("", summary="服务信息 / about this server")
def about(request: Request) -> dict[str, Any]:
    s = settings_of(request)
    return {"name": "jixiao", "version": __version__, "api": "v1", "openapi": "/openapi.json",
            "writes_need_token": s.token_required, "max_upload_bytes": s.max_upload_bytes}


SUMMARY_COLUMNS = ["department", "total", "fiscal", "special", "other", "indicators", "measurable", "quant_rate",
                   "errors", "warnings", "infos"]


@api.get("/summary", summary="概览统计（首页的 JSON；format=csv/xlsx 下载各部门一行的表）/ overview statistics")
def summary(request: Request, conn: Conn, format: Literal["json", "csv", "xlsx"] | None = None) -> Any:
    data = V.overview_view(conn)
    if format:  # one row per department, and the whole as the last row: the overview as a spreadsheet
        return download(V.overview_rows(data), SUMMARY_COLUMNS, format, "summary", language=language(request))
    return data


@api.get("/documents", summary="文档列表 / documents")
def documents(request: Request, conn: Conn, p: Annotated[DocumentListParams, Query()]) -> Any:
    from .auth import scope_documents

    data = V.documents_view(conn, p)
    data["items"] = scope_documents(request, data["items"])
    data["total"] = len(data["items"])
    if p.format:
        rows = ({**r, "id": f"D{r['id']}"} for r in data["items"])  # D1, as the UI and the CLI write it
        return download(rows, DOCUMENT_COLUMNS, p.format, "documents", language=language(request))
    return data


@api.post("/documents", summary="上传文档（dry_run=true 只预览，不保存）/ upload a table", status_code=201)
async def upload_document(request: Request, file: Annotated[UploadFile, File(description="表格文件 / the file")],
                          dry_run: Annotated[bool, Query(description="只解析和审核，不保存 / preview only")] = False,
                          token: Annotated[str | None, Form()] = None,
                          year: Annotated[str | None, Form(description="年度（记为用户给出）/ year, as given")] = None,
                          department: Annotated[str | None, Form(description="部门（记为用户给出）")] = None) -> Any:
    if not dry_run:
        check_token(request, token)
    settings = settings_of(request)
    data = await file.read()
    if dry_run:  # nothing can save an API dry run later (saving sends the file again): it is not kept
        _, shown = await run_in_threadpool(lambda: U.spool_and_preview(settings, file.filename, data,
                                                                       request.app.state.engine, keep=False))
        return JSONResponse(shown, status_code=200)
    from .auth import current_user

    user = current_user(request)
    # spooled, parsed and saved holding the upload, so the same file sent at once is one document
    saved = await run_in_threadpool(lambda: U.spool_and_save(request.app.state.engine, settings, file.filename, data,
                                                             year=year, department=department, user=user,
                                                             via="api"))
    return JSONResponse(saved, status_code=201 if saved["status"] == "imported" else 200)


@api.get("/documents/{doc_id}", summary="一份文档的规范 JSON（jixiao.document/1）/ one document, canonical JSON")
def document(conn: Conn, doc_id: DocId) -> Any:
    return Q.load_document(conn, doc_id).to_canonical()


@api.delete("/documents/{doc_id}", summary="删除一份文档版本 / delete a document version")
def remove_document(request: Request, doc_id: DocId) -> Any:
    check_token(request)
    gone = delete_document(request.app.state.engine, doc_id)
    from ..workflow.audit import record
    from .auth import current_user

    record(request.app.state.engine, current_user(request), "delete", document_id=doc_id, version=gone.version,
           source=V.shown_source(gone.source_path), via="api")
    return {"ok": True, "deleted": gone.document_id, "source_path": V.shown_source(gone.source_path),
            "version": gone.version,
            "latest": gone.latest_id}


@api.get("/documents/{doc_id}/table", summary="文档页面的 JSON：项目、指标、审核发现 / the document page's data")
def document_table(conn: Conn, doc_id: DocId) -> dict[str, Any]:
    return V.document_view(conn, doc_id)


@api.get("/documents/{doc_id}/export", summary="导出一份文档的指标行 / a document's indicator rows")
def document_export(request: Request, conn: Conn, doc_id: DocId,
                    format: Literal["json", "csv", "xlsx"] = "csv") -> Response:
    Q.document_summary(conn, doc_id)  # 404 before an empty file
    rows = Q.export_rows(conn, document_ids=[doc_id])
    return download(rows, list(Q.EXPORT_COLUMNS), format, f"D{doc_id}", language=language(request))


@api.get("/documents/{doc_id}/render", summary="按官方表式输出 / the official table rendered back")
def document_render(conn: Conn, doc_id: DocId, to: Literal["xlsx", "html", "pdf"] = "xlsx") -> Response:
    from urllib.parse import quote

    canonical = Q.load_document(conn, doc_id).to_canonical()
    if to == "html":
        from ..render.html import render_html
        body, media = render_html(canonical).encode(), "text/html; charset=utf-8"
    elif to == "pdf":
        from ..render.pdf import render_pdf
        body, media = render_pdf(canonical), "application/pdf"
    else:
        from ..render.xlsx import render_xlsx
        body = render_xlsx(canonical)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = quote(f"D{doc_id}.{to}")
    disposition = "inline" if to != "xlsx" else "attachment"
    headers = {"Content-Disposition": f"{disposition}; filename*=UTF-8''{name}"}
    if to == "html":  # the rendered table holds the source's text: never let it run script
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return Response(body, media_type=media, headers=headers)


@api.get("/projects", summary="项目列表 / projects")
def projects(request: Request, conn: Conn,
             document: Annotated[DocRef | None, Query(description="文档编号 D12 或 12 / document id")] = None,
             department: Annotated[str | None, Query(description="部门名称包含")] = None,
             name: Annotated[str | None, Query(description="项目名称包含 / name contains")] = None,
             page: Annotated[int, Query(ge=1, le=10_000)] = 1,
             per_page: Annotated[int, Query(ge=1, le=200)] = 50,
             format: Literal["json", "csv", "xlsx"] | None = None) -> Any:
    if format:
        ids = [r["id"] for r in S.browse_projects(conn, document_id=document, department=department, name=name,
                                                   limit=None)["items"]]
        return download(Q.export_rows(conn, project_ids=ids), list(Q.EXPORT_COLUMNS), format, "projects",
                        language=language(request))
    data = S.browse_projects(conn, document_id=document, department=department, name=name, limit=per_page,
                             offset=(page - 1) * per_page)
    data["page"], data["per_page"] = page, per_page
    return data


@api.get("/projects/{project_id}", summary="一个项目：字段、来源片段、指标、审核发现（format=csv/xlsx 下载指标行）/ one project")
def project(request: Request, conn: Conn, project_id: ProjectId,
            format: Literal["json", "csv", "xlsx"] | None = None) -> Any:
    if format:
        Q.project_detail(conn, project_id)  # 404 before an empty file
        return download(Q.export_rows(conn, project_ids=[project_id]), list(Q.EXPORT_COLUMNS), format,
                        f"P{project_id}", language=language(request))
    return V.project_view(conn, project_id)


@api.get("/search", summary="全文检索（与 jixiao search 相同的筛选）/ full-text search")
def search(request: Request, conn: Conn, p: Annotated[SearchParams, Query()]) -> Any:
    if p.format:
        if not p.q:
            raise UsageError("搜索词为空 / empty search query", code="invalid")
        return download(Q.search_export_rows(conn, p.q, p.filters()), list(Q.EXPORT_COLUMNS), p.format,
                        "search", language=language(request))
    return V.search_view(conn, p)


@api.get("/indicators", summary="指标：按类别、值类型、比较符、单位浏览 / browse indicators")
def indicators(request: Request, conn: Conn, p: Annotated[IndicatorParams, Query()]) -> Any:
    if p.format:
        ids = S.matching_indicator_ids(conn, p.filters())
        return download(Q.export_rows(conn, indicator_ids=ids), list(Q.EXPORT_COLUMNS), p.format, "indicators",
                        language=language(request))
    return V.indicators_view(conn, p)


@api.get("/findings", summary="审核发现 / review findings")
def findings(request: Request, conn: Conn, p: Annotated[FindingParams, Query()]) -> Any:
    if p.format:
        rows = S.browse_findings(conn, p.filters(), limit=None)["items"]
        return download(rows, FINDING_COLUMNS, p.format, "findings", language=language(request))
    return V.findings_view(conn, p)


LIBRARY_COLUMNS = ["library_id", "level1", "level2", "library_name", "projects", "departments", "years", "indicators"]
DISTRIBUTION_COLUMNS = ["unit", "count", "min", "q1", "median", "q3", "max"]


@api.get("/library", summary="指标库：规范指标及其使用情况 / the indicator library")
def library(request: Request, conn: Conn,
            q: Annotated[str | None, Query(description="名称或任一写法包含 / a name or any spelling contains")] = None,
            level1: Annotated[str | None, Query(description="一级（产出、效益、满意度、成本）")] = None,
            level2: Annotated[str | None, Query(description="二级（数量、质量、时效 …）")] = None,
            sort: Literal["projects", "indicators", "departments", "name"] = "projects",
            page: Annotated[int, Query(ge=1, le=10_000)] = 1,
            per_page: Annotated[int, Query(ge=1, le=200)] = 50,
            format: Literal["json", "csv", "xlsx"] | None = None) -> Any:
    if format:  # the whole listing
        from ..library.query import list_library

        rows = [{**r, "library_id": r["id"], "library_name": r["name"]}
                for r in list_library(conn, query=q, level1=level1, level2=level2, sort=sort, limit=None)["items"]]
        return download(rows, LIBRARY_COLUMNS, format, "library", language=language(request))
    return V.library_view(conn, q=q, level1=level1, level2=level2, sort=sort, page=page, per_page=per_page)


@api.get("/library/{library_id}", summary="一个规范指标：写法、比较符、单位、指标值分布、项目 / one canonical indicator")
def library_indicator(request: Request, conn: Conn, library_id: int,
                      format: Literal["json", "csv", "xlsx"] | None = None) -> Any:
    data = V.library_entry_view(conn, library_id)
    if format:  # the figures per unit: what a spreadsheet wants from one indicator
        return download(data["distributions"], DISTRIBUTION_COLUMNS, format, f"L{library_id}",
                        language=language(request))
    return data


@api.get("/projects/{project_id}/benchmarks",
         summary="项目各指标与同类指标比较：百分位、同类个数、中位数 / each target against its peers")
def project_peer_benchmarks(conn: Conn, project_id: ProjectId) -> dict[str, Any]:
    from ..library.query import project_benchmarks

    Q.project_detail(conn, project_id)  # 404 for an unknown project
    return {"project_id": project_id, "indicators": project_benchmarks(conn, project_id)}


UNIT_COST_COLUMNS = ["project_id", "project", "department", "year", "library_id", "library_name", "unit_cost_yuan",
                     "cost_unit", "display", "amount", "amount_unit", "quantity", "indicator", "annual_value", "basis",
                     "outlier"]


@api.get("/unit-costs", summary="单位成本：资金总额 ÷ 唯一的计数数量指标，与同类比较 / unit costs and their outliers")
def unit_costs(request: Request, conn: Conn,
               library_id: Annotated[int | None, Query(description="只看一个规范指标 / one canonical indicator")] = None,
               outliers: Annotated[bool, Query(description="只列离群的 / outliers only")] = False,
               limit: Annotated[int, Query(ge=1, le=1000)] = 200,
               format: Literal["json", "csv", "xlsx"] | None = None) -> Any:
    from ..library.unit_costs import list_unit_costs

    data = list_unit_costs(conn, library_id=library_id, outliers_only=outliers, limit=None if format else limit)
    if format:
        rows = [{**r, "unit_cost_yuan": r["yuan"], "cost_unit": r["unit"]} for r in data["items"]]
        return download(rows, UNIT_COST_COLUMNS, format, "unit-costs", language=language(request))
    return data


@api.get("/projects/{project_id}/unit-cost",
         summary="项目的单位成本、计算依据与同类比较 / a project's unit cost, what it is computed from, its peers")
def project_unit_cost(conn: Conn, project_id: int) -> dict[str, Any]:
    from ..library.unit_costs import project_unit_cost as unit_cost_of

    return unit_cost_of(conn, project_id)


@api.get("/rules", summary="审核规则 R01–R54 / the review rules")
def rules() -> list[dict[str, Any]]:
    return [{"id": r.id, "name": r.name, "group": r.group, "scope": r.scope, "title": r.title,
             "title_en": r.title_en} for r in RULES.values()]


@api.get("/import", summary="上传须知（导入页的 JSON）/ what an upload may be")
def import_info(request: Request) -> dict[str, Any]:
    s = settings_of(request)
    return {"max_upload_bytes": s.max_upload_bytes, "writes_need_token": s.token_required,
            "formats": ["text", "pdf", "scan (png/jpeg/pdf)", "docx", "xlsx", "html"],
            "preview": "POST /api/v1/documents?dry_run=true", "save": "POST /api/v1/documents"}
