"""The HTML pages: each draws the data of its JSON twin (see :mod:`jixiao.web.views`) with a template.

Every page names its twin (the "JSON" link in its footer), and takes the
language from ``?lang=`` or the cookie the 中文/English switch sets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from .. import __version__
from ..errors import JixiaoError
from ..store.delete import delete_document
from . import charts as C
from . import uploads as U
from . import views as V
from .deps import CSRF_COOKIE, check_csrf, check_token, connection, csrf_token, settings_of
from .i18n import COOKIE, LANGUAGES, language, translator
from .ids import DocId, ProjectId
from .params import DocumentListParams, FindingParams, IndicatorParams, SearchParams

__all__ = ["pages", "render", "render_error"]

pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
Conn = Annotated[Connection, Depends(connection)]

SEVERITY = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info")}
KIND = {"project": ("项目名称", "project"), "indicator": ("指标", "indicator"), "goal": ("绩效目标", "goal"),
        "quantitative": ("定量", "quantitative"), "qualitative": ("定性", "qualitative"),
        "placeholder": ("占位（未填）", "placeholder"), "empty": ("空", "empty")}
SOURCES = (("fiscal", "财政拨款", "Fiscal appropriation", "s1"), ("special", "财政专户拨款", "Special account", "s2"),
           ("other", "其他资金", "Other funds", "s3"))


def money(v: float | None) -> str:
    return "" if v is None else f"{v:,.2f}"


def num(v: float | None) -> str:
    """A parsed number as people write it: 1 not 1.0, 0.5 as is."""
    if v is None:
        return ""
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.2f}"


#: comparators as the tables print them
COMPARATOR = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "≈": "≈"}


def pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _label(table: dict[str, tuple[str, str]], lang: str):
    return lambda key: table.get(key, (key, key))[0 if lang == "zh" else 1]


def url_with(request: Request, path: str | None = None, /, **changes: Any) -> str:
    """This page's query (``lang`` aside) on ``path`` (default: this page), with some parameters
    changed (None removes one): paging, facets, a page's JSON twin."""
    params = {k: v for k, v in request.query_params.items() if k != "lang"}
    for k, v in changes.items():
        if v is None or v == "":
            params.pop(k, None)
        else:
            params[k] = str(v)
    return (path or request.url.path) + ("?" + urlencode(params) if params else "")


def render(request: Request, template: str, data: dict[str, Any], *, twin: str | None, status: int = 200,
           **extra: Any) -> Response:
    lang = language(request)
    csrf, new_csrf = csrf_token(request)
    ctx = {"d": data, "t": translator(lang), "lang": lang, "twin": twin, "version": __version__, "csrf": csrf,
           "money": money, "pct": pct, "num": num, "comparator": COMPARATOR, "severity": _label(SEVERITY, lang), "kind": _label(KIND, lang),
           "url_with": lambda **kw: url_with(request, **kw), "settings": settings_of(request), **extra}
    response = templates.TemplateResponse(request, template, ctx, status_code=status)
    if new_csrf:
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict")
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(COOKIE, request.query_params["lang"], max_age=365 * 24 * 3600, samesite="lax")
    return response


def render_error(request: Request, status: int, message: str, code: str) -> Response:
    return render(request, "error.html", {"status": status, "error": message, "code": code}, twin=None,
                  status=status)


@pages.get("/")
def overview(request: Request, conn: Conn) -> Response:
    d = V.overview_view(conn)
    t = translator(language(request))
    charts = {
        "sources": C.bar_chart([(t(zh, en), d["money_by_source"][k]) for k, zh, en, _ in SOURCES],
                               title=t("资金来源（万元）", "Money by funding source (10k yuan)"), css="s1"),
        "departments": C.stacked_bar_chart(
            [(r["department"], [r[k] for k, *_ in SOURCES] + [max(r["total"] - sum(r[k] for k, *_ in SOURCES), 0)])
             for r in d["money_by_department"][:15]],
            [(t(zh, en), css) for _, zh, en, css in SOURCES] + [(t("未分来源", "Source not given"), "s5")],
            title=t("各部门资金（万元）", "Money by department (10k yuan)")),
        "level1": C.bar_chart([(r["level1"], r["count"]) for r in d["indicators_by_level1"]],
                              title=t("指标按一级分类", "Indicators by level 1"), css="s0",
                              links=[f"/indicators?level1={r['level1']}" for r in d["indicators_by_level1"]]),
        "level2": C.bar_chart([(f"{r['level1']} · {r['level2']}", r["count"]) for r in d["indicators_by_level2"][:16]],
                              title=t("指标按二级分类", "Indicators by level 2"), css="s4",
                              links=[f"/indicators?level1={r['level1']}&level2={r['level2']}"
                                     for r in d["indicators_by_level2"][:16]]),
        "quant": C.bar_chart([(r["department"], round((r["quant_rate"] or 0) * 100, 1)) for r in d["by_department"]],
                             title=t("各部门定量率（%）", "Share of measurable indicators by department (%)"),
                             css="s2", max_value=100, fmt=lambda v: f"{v:.1f}%"),
        "findings": C.stacked_bar_chart(
            [(r["department"], [r["findings"][s] for s in ("error", "warning", "info")]) for r in d["by_department"]],
            [(t(*SEVERITY[s]), f"sev-{s}") for s in ("error", "warning", "info")],
            title=t("各部门审核发现", "Review findings by department")),
    }
    return render(request, "overview.html", d, twin="/api/v1/summary", charts=charts)


@pages.get("/documents")
def documents(request: Request, conn: Conn, p: Annotated[DocumentListParams, Query()]) -> Response:
    from .auth import scope_documents

    d = V.documents_view(conn, p)
    d["items"] = scope_documents(request, d["items"])
    d["total"] = len(d["items"])
    return render(request, "documents.html", d, twin=url_with(request, "/api/v1/documents"), p=p)


@pages.get("/documents/{doc_id}")
def document(request: Request, conn: Conn, doc_id: DocId) -> Response:
    d = V.document_view(conn, doc_id)
    return render(request, "document.html", d, twin=f"/api/v1/documents/{doc_id}/table",
                  groups=V.unit_groups(d["units"], d["projects"]))


@pages.post("/documents/{doc_id}/delete")
def delete(request: Request, doc_id: DocId, token: Annotated[str | None, Form()] = None,
           csrf: Annotated[str | None, Form()] = None) -> Response:
    check_csrf(request, csrf)
    check_token(request, token)
    gone = delete_document(request.app.state.engine, doc_id)
    from ..workflow.audit import record
    from .auth import current_user

    record(request.app.state.engine, current_user(request), "delete", document_id=doc_id, version=gone.version,
           source=V.shown_source(gone.source_path))
    return RedirectResponse("/documents?deleted=" + str(doc_id), status_code=303)


@pages.get("/projects/{project_id}")
def project(request: Request, conn: Conn, project_id: ProjectId) -> Response:
    from .evaluations import life_for_page

    return render(request, "project.html", V.project_view(conn, project_id),
                  twin=f"/api/v1/projects/{project_id}", life=life_for_page(conn, project_id))


@pages.get("/search")
def search(request: Request, conn: Conn, p: Annotated[SearchParams, Query()]) -> Response:
    return render(request, "search.html", V.search_view(conn, p), twin=url_with(request, "/api/v1/search"), p=p)


@pages.get("/indicators")
def indicators(request: Request, conn: Conn, p: Annotated[IndicatorParams, Query()]) -> Response:
    d = V.indicators_view(conn, p)
    lang = language(request)
    t, kind = translator(lang), _label(KIND, lang)
    charts = {}
    for facet, css, title in (("level1", "s0", t("一级", "Level 1")), ("level2", "s4", t("二级", "Level 2")),
                              ("kind", "s2", t("值类型", "Value kind")),
                              ("comparator", "s1", t("比较符", "Comparator")), ("unit", "s3", t("计量单位", "Unit"))):
        items = d["facets"][facet]
        labels = [kind(r["value"]) if facet == "kind"
                  else COMPARATOR.get(r["value"], r["value"]) if facet == "comparator" else r["value"] for r in items]
        charts[facet] = (title, C.bar_chart(list(zip(labels, [r["count"] for r in items], strict=True)),
                                            title=title, css=css, width=460,
                                            links=[url_with(request, **{facet: r["value"], "page": None})
                                                   for r in items]))
    return render(request, "indicators.html", d, twin=url_with(request, "/api/v1/indicators"), p=p, charts=charts)


@pages.get("/library")
def library(request: Request, conn: Conn, q: str | None = None, level1: str | None = None,
            level2: str | None = None, sort: str = "projects", page: Annotated[int, Query(ge=1, le=10_000)] = 1,
            per_page: Annotated[int, Query(ge=1, le=200)] = 50) -> Response:
    d = V.library_view(conn, q=q, level1=level1, level2=level2, sort=sort, page=page, per_page=per_page)
    return render(request, "library.html", d, twin=url_with(request, "/api/v1/library"))


@pages.get("/library/{library_id}")
def library_indicator(request: Request, conn: Conn, library_id: int) -> Response:
    d = V.library_entry_view(conn, library_id)
    t = translator(language(request))
    unit = d["values"]["unit"]
    chart = C.bar_chart([(f"{num(v['value'])}{unit or ''}", v["count"]) for v in d["values"]["counts"][:30]],
                        title=t(f"年度指标值分布（{unit or '无单位'}）", f"Annual targets ({unit or 'no unit'})"),
                        css="s2")
    costs = _unit_cost_charts(conn, library_id, t)
    return render(request, "library_entry.html", d, twin=f"/api/v1/library/{library_id}", chart=chart,
                  unit_costs=costs)


def _unit_cost_charts(conn: Connection, library_id: int, t) -> list[dict[str, Any]]:
    """The canonical indicator's unit costs per count unit, each with its strip chart (issue 14)."""
    from ..library.unit_cost import format_cost
    from ..library.unit_costs import indicator_unit_costs

    out = []
    for g in indicator_unit_costs(conn, library_id, limit=200):
        unit = g["unit"]
        points = [(f"{p['project']}（{p['department'] or '—'}，{p['year'] or '—'}）{p['basis']}", p["yuan"],
                   f"/projects/{p['project_id']}", "s-out" if p["outlier"] else "s2") for p in g["projects"]]
        g["chart"] = C.cost_strip_chart(points, fences=g["fences"] if g["n"] >= 2 else None,
                                        title=t(f"单位成本分布（元/{unit}，对数刻度）", f"Unit costs (yuan/{unit}, log scale)"),
                                        fmt=lambda v, unit=unit: format_cost(v, unit))
        out.append(g)
    return out


@pages.get("/findings")
def findings(request: Request, conn: Conn, p: Annotated[FindingParams, Query()]) -> Response:
    d = V.findings_view(conn, p)
    chart = C.bar_chart([(f"{r['rule']} {r['title'] or ''}", r["count"]) for r in d["by_rule"]],
                        title=translator(language(request))("按规则统计", "Findings by rule"), css="s4",
                        links=[url_with(request, rule=r["rule"], page=None) for r in d["by_rule"]])
    return render(request, "findings.html", d, twin=url_with(request, "/api/v1/findings"), p=p, chart=chart)


@pages.get("/import")
def import_form(request: Request) -> Response:
    return render(request, "import.html", {"preview": None}, twin="/api/v1/import")


@pages.post("/import")
async def import_preview(request: Request, file: UploadFile, token: Annotated[str | None, Form()] = None,
                         csrf: Annotated[str | None, Form()] = None) -> Response:
    check_csrf(request, csrf)
    settings = settings_of(request)
    data = await file.read()
    try:
        up, preview = await run_in_threadpool(lambda: U.spool_and_preview(settings, file.filename, data,
                                                                          request.app.state.engine, keep=True))
        request.app.state.spooled.add(up.sha256)  # removed when the server stops, if not saved first
    except JixiaoError as e:
        return render(request, "import.html", {"preview": None, "error": e.message}, twin="/api/v1/import",
                      status=422 if e.code not in ("empty_upload",) else 400)
    return render(request, "import.html", {"preview": preview, "token": token}, twin=None)


@pages.post("/import/save")
async def import_save(request: Request, sha256: Annotated[str, Form()],
                      token: Annotated[str | None, Form()] = None,
                      csrf: Annotated[str | None, Form()] = None,
                      year: Annotated[str | None, Form()] = None,
                      department: Annotated[str | None, Form()] = None) -> Response:
    check_csrf(request, csrf)
    check_token(request, token)
    settings = settings_of(request)
    from .auth import current_user

    user = current_user(request)
    saved = await run_in_threadpool(lambda: U.save_spooled(request.app.state.engine, settings, sha256,
                                                           year=year, department=department, user=user))
    return RedirectResponse(f"/documents/{saved['document_id']}?saved={saved['status']}", status_code=303)


@pages.post("/documents/{doc_id}/given")
def set_given_values(request: Request, doc_id: DocId, token: Annotated[str | None, Form()] = None,
                     csrf: Annotated[str | None, Form()] = None, year: Annotated[str | None, Form()] = None,
                     department: Annotated[str | None, Form()] = None) -> Response:
    """The year and department the user gives, when the table omits them (recorded as given)."""
    from ..store.given import set_given
    from ..workflow.audit import record
    from .auth import current_user

    check_csrf(request, csrf)
    check_token(request, token)
    user = current_user(request)
    if user.role == "department":
        department = None  # a department account cannot move a document to another department
    given = set_given(request.app.state.engine, doc_id, year=year, department=department, by=user.name)
    record(request.app.state.engine, user, "set_given", document_id=doc_id, **given)
    return RedirectResponse(f"/documents/{doc_id}?given=1", status_code=303)


@pages.get("/lang/{lang}")
def switch_language(lang: str, next: str = "/") -> Response:
    # only a path on this site: an open redirect would let a link send people anywhere
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


@pages.get("/api")
def api_page(request: Request) -> Response:
    spec = request.app.openapi()
    routes = [{"method": m.upper(), "path": path, "summary": op.get("summary", ""),
               "params": [p["name"] for p in op.get("parameters", [])]}
              for path, ops in spec["paths"].items() for m, op in ops.items()]
    return render(request, "api.html", {"routes": routes}, twin="/openapi.json")
