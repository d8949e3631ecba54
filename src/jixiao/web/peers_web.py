"""Pages and API of issue 14's comparisons: suggestions, a project across years, the department league.

Their own routers (``peers_api`` under /api/v1, ``peers_pages``), included
by the app beside the others, so the shared api/pages modules stay small.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel
from sqlalchemy import Connection
from starlette.responses import Response

from ..errors import UsageError
from .api import reject_unknown_query
from .deps import check_csrf, check_token, connection
from .i18n import language
from .pages import render, url_with
from .responses import download

__all__ = ["peers_api", "peers_pages"]

peers_api = APIRouter(prefix="/api/v1", dependencies=[Depends(reject_unknown_query)])
peers_pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Conn = Annotated[Connection, Depends(connection)]

Text = Annotated[str | None, Query(max_length=2000, description="项目名称和绩效目标 / a project's name and goal")]
ProjectRef = Annotated[int | None, Query(ge=1, description="已导入的项目编号 / a stored project's id")]
Limit = Annotated[int, Query(ge=1, le=100, description="建议条数 / how many suggestions")]


def _suggest(conn: Connection, q: str | None, project: int | None, limit: int) -> dict[str, Any]:
    from ..library.suggest import suggest, suggest_for_project

    if project is not None:
        return suggest_for_project(conn, project, limit=limit)
    if not q or not q.strip():
        raise UsageError("请给出 q（项目名称和目标）或 project / give q (a name and goal) or project", code="usage")
    return suggest(conn, q, limit=limit)


@peers_api.get("/suggest", summary="类似项目设的指标及典型值 / the indicators similar projects set, with typical values")
def suggest_api(conn: Conn, q: Text = None, project: ProjectRef = None, limit: Limit = 20) -> dict[str, Any]:
    return _suggest(conn, q, project, limit)


@peers_pages.get("/suggest")
def suggest_page(request: Request, conn: Conn, q: Text = None, project: ProjectRef = None,
                 limit: Limit = 20) -> Response:
    data = _suggest(conn, q, project, limit) if (q and q.strip()) or project else None
    return render(request, "suggest.html", {"result": data, "q": q or "", "project": project},
                  twin=url_with(request, "/api/v1/suggest") if data else None)


# -- the same project across years and versions ---------------------------------------------------------

With = Annotated[int | None, Query(alias="with", ge=1, description="与哪个早先项目对比 / the earlier project to compare with")]


class LinkBody(BaseModel):
    earlier_id: int
    status: Literal["confirmed", "rejected"]


@peers_api.get("/projects/{project_id}/history",
               summary="同一项目的往年与各版本：链接、可信度、资金与指标对比 / a project across years and versions")
def history_api(conn: Conn, project_id: int, earlier: With = None) -> dict[str, Any]:
    from ..library.history import history

    return history(conn, project_id, save=False, earlier_id=earlier)


@peers_api.post("/projects/{project_id}/history",
                summary="确认或否定一个往年/版本链接 / confirm or reject a link to an earlier project")
def history_link_api(request: Request, project_id: int, body: LinkBody) -> dict[str, Any]:
    from ..library.history import set_link

    check_token(request)
    with request.app.state.engine.begin() as conn:
        return set_link(conn, project_id, body.earlier_id, body.status)


@peers_pages.get("/projects/{project_id}/compare")
def compare_page(request: Request, conn: Conn, project_id: int, earlier: With = None) -> Response:
    from ..library.history import history

    data = history(conn, project_id, save=False, earlier_id=earlier)
    twin = f"/api/v1/projects/{project_id}/history" + (f"?with={earlier}" if earlier else "")
    return render(request, "project_compare.html", data, twin=twin)


@peers_pages.post("/projects/{project_id}/history")
def history_link_form(request: Request, project_id: int, earlier_id: Annotated[int, Form()],
                      status: Annotated[Literal["confirmed", "rejected"], Form()],
                      csrf: Annotated[str | None, Form()] = None, token: Annotated[str | None, Form()] = None) -> Response:
    from ..library.history import set_link

    check_csrf(request, csrf)
    check_token(request, token)
    with request.app.state.engine.begin() as conn:
        set_link(conn, project_id, earlier_id, status)
    return RedirectResponse(f"/projects/{project_id}/compare", status_code=303)


# -- the department league table ------------------------------------------------------------------------

LEAGUE_COLUMNS = ["department", "year", "projects", "indicators", "quantified", "with_cost", "with_effect",
                  "with_satisfaction", "findings", "findings_per_project", "median_percentile", "percentile_n"]
Sort = Literal["department", "year", "projects", "quantified", "with_cost", "with_effect", "with_satisfaction",
               "findings_per_project", "median_percentile"]
Year = Annotated[int | None, Query(ge=1900, le=2200, description="年度 / year")]
Dept = Annotated[str | None, Query(max_length=200, description="部门名称包含 / department contains")]


def _league(conn: Connection, sort: str, order: str, year: int | None, department: str | None) -> dict[str, Any]:
    from ..library.league import league

    return league(conn, sort=sort, descending=order == "desc", year=year, department=department)


@peers_api.get("/league", summary="部门排名：定量占比、成本/效益/满意度指标、每项目发现、同类百分位 / department league table")
def league_api(request: Request, conn: Conn, sort: Sort = "quantified", order: Literal["asc", "desc"] = "desc",
               year: Year = None, department: Dept = None,
               format: Literal["json", "csv", "xlsx"] | None = None) -> Any:
    data = _league(conn, sort, order, year, department)
    if format:
        return download(data["items"], LEAGUE_COLUMNS, format, "league", language=language(request))
    return data


@peers_api.get("/league/targets",
               summary="一个部门、年度的指标值同类百分位（部门排名中位数的依据）/ the evidence of a median percentile")
def league_targets_api(conn: Conn, department: Annotated[str | None, Query(max_length=200)] = None,
                       year: Year = None) -> dict[str, Any]:
    from ..library.league import league_targets

    return {"department": department, "year": year, "items": league_targets(conn, department, year)}


@peers_pages.get("/league")
def league_page(request: Request, conn: Conn, sort: Sort = "quantified", order: Literal["asc", "desc"] = "desc",
                year: Year = None, department: Dept = None) -> Response:
    data = _league(conn, sort, order, year, department)
    return render(request, "league.html", data, twin=url_with(request, "/api/v1/league"))


@peers_pages.get("/league/targets")
def league_targets_page(request: Request, conn: Conn, department: Annotated[str | None, Query(max_length=200)] = None,
                        year: Year = None) -> Response:
    from ..library.league import league_targets

    data = {"department": department, "year": year, "items": league_targets(conn, department, year)}
    return render(request, "league_targets.html", data, twin=url_with(request, "/api/v1/league/targets"))
