"""Evaluations on the web (issue 16): a project's whole life, score inflation by department and year,
the evaluations with both scores, and their links to target tables — pages and their JSON twins.

Two routers, included by :func:`jixiao.web.app.create_app`: ``eval_api`` under /api/v1 (in
/openapi.json) and ``eval_pages``. The project page shows the life through :func:`life_for_page`.
Scores are recomputed with a shipped scoring profile (``?profile=``, default ``national``); a path
to a profile file is not taken from the web.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import Connection
from starlette.responses import Response

from ..errors import UsageError
from ..link.store import project_links, set_link
from ..store import eval_query as E
from . import charts as C
from .api import reject_unknown_query
from .deps import check_csrf, check_token, connection
from .i18n import language, translator
from .responses import download

__all__ = ["eval_api", "eval_pages", "life_for_page"]

eval_api = APIRouter(prefix="/api/v1", dependencies=[Depends(reject_unknown_query)])
eval_pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Conn = Annotated[Connection, Depends(connection)]

FORMS = Literal["selfeval", "dept_selfeval", "monitor"]
FORM_LABELS = {"target": ("目标表", "target table"), "project": ("目标表", "target table"),
               "summary": ("目标表", "target table"), "department": ("目标表", "target table"),
               "monitor": ("绩效监控表", "monitoring"), "selfeval": ("绩效自评表", "self-evaluation"),
               "dept_selfeval": ("部门整体自评表", "department self-evaluation")}


def _profile(name: str | None) -> str:
    """A shipped profile's name; anything else (a path above all) is a usage error."""
    from ..evaluate import profile_names

    name = name or E.DEFAULT_PROFILE
    names = profile_names()
    if name not in names:
        raise UsageError(f"没有这个评分配置：{name}（可用：{', '.join(names)}）/ no such scoring profile "
                         f"(known: {', '.join(names)})", code="invalid")
    return name


ProfileQ = Annotated[str | None, Query(max_length=40, description="评分配置 / scoring profile (national, hubei …)")]
DepartmentQ = Annotated[str | None, Query(max_length=200, description="部门名称包含 / department contains")]
YearQ = Annotated[int | None, Query(ge=1900, le=2200, description="年度 / year")]


# -- API -------------------------------------------------------------------------------------------


@eval_api.get("/projects/{project_id}/life",
              summary="项目的全周期：目标表、监控表、自评表并列，含填报分与重算分 / a project's target, monitoring "
                      "and evaluation side by side, with reported and recomputed scores")
def life(conn: Conn, project_id: int, profile: ProfileQ = None) -> dict[str, Any]:
    return E.project_life(conn, project_id, _profile(profile))


@eval_api.get("/evaluations", summary="自评表和监控表：链接与填报、重算总分（format 下载每个指标的两种得分）/ "
                                      "evaluations with their links and both totals (format: every score as a file)")
def evaluations(request: Request, conn: Conn, department: DepartmentQ = None, year: YearQ = None,
                form: FORMS | None = None, profile: ProfileQ = None,
                format: Literal["json", "csv", "xlsx"] | None = None) -> Any:
    prof = _profile(profile)
    if format:
        rows = E.evaluation_rows(conn, department=department, year=year, profile=prof)
        return download(rows, list(E.EVALUATION_EXPORT_COLUMNS), format, "evaluations", language=language(request))
    items = E.list_evaluations(conn, department=department, year=year, form=form, profile=prof)
    return {"profile": prof, "count": len(items), "items": items}


@eval_api.get("/evaluations/inflation", summary="各部门各年度的得分虚高：填报分 − 重算分 / score inflation "
                                                "(reported − recomputed) by department and year")
def evaluation_inflation(conn: Conn, department: DepartmentQ = None, year: YearQ = None,
                         profile: ProfileQ = None) -> dict[str, Any]:
    prof = _profile(profile)
    return {"profile": prof, "groups": E.inflation(conn, department=department, year=year, profile=prof)}


@eval_api.get("/projects/{project_id}/link", summary="自评表、监控表项目与目标表的链接 / an evaluation "
                                                      "project's link to its target table")
def get_link(conn: Conn, project_id: int) -> dict[str, Any]:
    return project_links(conn, project_id)


class LinkChange(BaseModel):
    """``target_project_id``: the target table's project (null: it has none); ``auto``: back to the matcher."""

    target_project_id: int | None = Field(None, ge=0, le=2**31 - 1)
    auto: bool = False


@eval_api.post("/projects/{project_id}/link", summary="更正链接（人工链接不会被以后的导入改变）/ correct the "
                                                       "link (kept by later imports)")
def post_link(request: Request, project_id: int, change: LinkChange) -> dict[str, Any]:
    check_token(request)
    return set_link(request.app.state.engine, project_id, change.target_project_id, auto=change.auto)


# -- pages -----------------------------------------------------------------------------------------


def _fmt(v: float) -> str:
    return f"{v:+.2f}".rstrip("0").rstrip(".") if v else "0"


@eval_pages.get("/evaluations")
def evaluations_page(request: Request, conn: Conn, department: DepartmentQ = None, year: YearQ = None,
                     profile: ProfileQ = None) -> Response:
    from .pages import render, url_with

    prof = _profile(profile)
    t = translator(language(request))
    groups = E.inflation(conn, department=department, year=year, profile=prof)
    items = E.list_evaluations(conn, department=department, year=year, profile=prof)
    chart = C.diverging_bar_chart(
        [(f"{g['department'] or t('（未写部门）', '(no department)')} · {g['year'] or '—'}", g["inflation"])
         for g in groups],
        title=t("得分虚高：填报分 − 重算分（分，各项目平均）", "Score inflation: reported − recomputed (points, mean per project)"),
        fmt=_fmt, links=[url_with(request, department=g["department"] or None, year=g["year"]) for g in groups])
    data = {"profile": prof, "groups": groups, "items": items, "department": department, "year": year}
    return render(request, "evaluations.html", data, twin=url_with(request, "/api/v1/evaluations/inflation"),
                  chart=chart, forms=FORM_LABELS,
                  download=lambda fmt: url_with(request, "/api/v1/evaluations", format=fmt))


@eval_pages.post("/projects/{project_id}/link")
def link_form(request: Request, project_id: int, target: Annotated[str, Form(max_length=20)] = "",
              token: Annotated[str | None, Form()] = None, csrf: Annotated[str | None, Form()] = None) -> Response:
    """The project page's correction form: a target project (P345 or 345), ``none`` for no target, or ``auto``."""
    from ..store.query import parse_ref

    check_csrf(request, csrf)
    check_token(request, token)
    text = target.strip().lower()
    if text == "auto":
        set_link(request.app.state.engine, project_id, None, auto=True)
    elif text in ("none", "无", ""):
        set_link(request.app.state.engine, project_id, None)
    else:
        ref = parse_ref(text if text.startswith("p") else "p" + text)
        set_link(request.app.state.engine, project_id, ref.id)
    return RedirectResponse(f"/projects/{project_id}#life", status_code=303)


def life_for_page(conn: Connection, project_id: int) -> dict[str, Any] | None:
    """The life shown on a project's page: None for a target table's project nothing reports on."""
    data = E.project_life(conn, project_id)
    if len(data["stages"]) < 2 and data["stages"][0]["stage"] == "target":
        return None
    data["labels"] = FORM_LABELS
    data["self"] = next(s for s in data["stages"] if s["project_id"] == project_id)
    return data
