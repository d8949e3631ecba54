"""The review in the browser: the queue, a document's review page and the forms on it; JSON twins.

Every form carries the CSRF token; every change goes through
jixiao.workflow.review, which checks the role and writes the audit log.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import BaseModel
from sqlalchemy import Connection, select
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from ..errors import UsageError
from ..store.schema import DocumentRow
from ..workflow import review as R
from ..workflow.views import queue_view, review_view
from . import uploads as U
from .auth import current_user
from .deps import check_csrf, connection, settings_of
from .ids import DocId

__all__ = ["review_api", "review_pages", "revise"]

review_pages = APIRouter(include_in_schema=False)
review_api = APIRouter(prefix="/api/v1/review")
Conn = Annotated[Connection, Depends(connection)]
Csrf = Annotated[str | None, Form()]


def _back(doc_id: int, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/review/documents/{doc_id}{anchor}", status_code=303)


def _queue(request: Request, conn: Connection, department: str | None, state: str | None,
           assignee: str | None) -> dict:
    return queue_view(conn, current_user(request), department=department or None, state=state or None,
                      assignee=assignee or None)


@review_pages.get("/review")
def queue_page(request: Request, conn: Conn, department: str | None = None, state: str | None = None,
               assignee: str | None = None) -> Response:
    from .pages import render, url_with

    return render(request, "review_queue.html", _queue(request, conn, department, state, assignee),
                  twin=url_with(request, "/api/v1/review"), me=current_user(request))


@review_api.get("", summary="审核队列（按部门、截止日期）/ the review queue")
def queue_json(request: Request, conn: Conn, department: str | None = None,
               state: Annotated[str | None, Query(description="pending/in_review/returned/passed")] = None,
               assignee: str | None = None) -> dict:
    return _queue(request, conn, department, state, assignee)


@review_pages.get("/review/documents/{doc_id}")
def review_page(request: Request, conn: Conn, doc_id: DocId) -> Response:
    from .pages import render

    return render(request, "review_document.html", review_view(conn, doc_id),
                  twin=f"/api/v1/review/documents/{doc_id}", me=current_user(request))


@review_api.get("/documents/{doc_id}", summary="一份文档版本的审核：处理、意见、结论、状态、与上一版的差异")
def review_json(conn: Conn, doc_id: DocId) -> dict:
    return review_view(conn, doc_id)


@review_pages.post("/review/documents/{doc_id}/decide")
def decide(request: Request, doc_id: DocId, finding_id: Annotated[int, Form()], decision: Annotated[str, Form()],
           reason: Annotated[str | None, Form()] = None, message: Annotated[str | None, Form()] = None,
           csrf: Csrf = None) -> Response:
    check_csrf(request, csrf)
    R.decide(request.app.state.engine, doc_id, finding_id, current_user(request), decision, reason=reason,
             message=message)
    return _back(doc_id, f"#f{finding_id}")


@review_pages.post("/review/documents/{doc_id}/comment")
def comment(request: Request, doc_id: DocId, body: Annotated[str, Form()], csrf: Csrf = None,
            project_id: Annotated[int | None, Form()] = None, anchor_kind: Annotated[str, Form()] = "document",
            anchor: Annotated[str | None, Form()] = None, parent_id: Annotated[int | None, Form()] = None) -> Response:
    check_csrf(request, csrf)
    cid = R.add_comment(request.app.state.engine, doc_id, current_user(request), body, project_id=project_id,
                        anchor_kind=anchor_kind, anchor=anchor or None, parent_id=parent_id)
    return _back(doc_id, f"#c{parent_id or cid}")


@review_pages.post("/review/documents/{doc_id}/resolve")
def resolve(request: Request, doc_id: DocId, comment_id: Annotated[int, Form()], csrf: Csrf = None) -> Response:
    check_csrf(request, csrf)
    R.resolve_comment(request.app.state.engine, doc_id, comment_id, current_user(request))
    return _back(doc_id, f"#c{comment_id}")


@review_pages.post("/review/documents/{doc_id}/verdict")
def verdict(request: Request, doc_id: DocId, project_id: Annotated[int, Form()], verdict: Annotated[str, Form()],
            reason: Annotated[str | None, Form()] = None, csrf: Csrf = None) -> Response:
    check_csrf(request, csrf)
    R.set_verdict(request.app.state.engine, doc_id, project_id, current_user(request), verdict, reason)
    return _back(doc_id, f"#p{project_id}")


@review_pages.post("/review/documents/{doc_id}/state")
def state(request: Request, doc_id: DocId, to: Annotated[str, Form()], note: Annotated[str | None, Form()] = None,
          csrf: Csrf = None) -> Response:
    check_csrf(request, csrf)
    R.set_state(request.app.state.engine, doc_id, current_user(request), to, note)
    return _back(doc_id)


@review_pages.post("/review/documents/{doc_id}/assign")
def assign(request: Request, doc_id: DocId, assignee: Annotated[str | None, Form()] = None,
           deadline: Annotated[str | None, Form()] = None, csrf: Csrf = None) -> Response:
    check_csrf(request, csrf)
    R.assign(request.app.state.engine, doc_id, current_user(request), assignee=assignee, deadline=deadline)
    return _back(doc_id)


@review_pages.post("/review/documents/{doc_id}/revision")
async def revision(request: Request, doc_id: DocId, file: Annotated[UploadFile, File()], csrf: Csrf = None) -> Response:
    """The department's revised table: the next version of the same file, with the open comments carried over."""
    check_csrf(request, csrf)
    return _back((await revise(request, doc_id, file))["document_id"])


async def revise(request: Request, doc_id: int, file: UploadFile) -> dict[str, Any]:
    """Store ``file`` as the next version of document ``doc_id`` (the latest), carry its open comments over;
    the new version's id, its version number, the comments carried and those whose place is gone."""
    engine = request.app.state.engine
    user = current_user(request)
    with engine.connect() as conn:
        old = conn.execute(select(DocumentRow.source_path, DocumentRow.year, DocumentRow.department,
                                  DocumentRow.is_latest).where(DocumentRow.id == doc_id)).first()
    if old is None:
        raise UsageError(f"没有文档 D{doc_id} / no document D{doc_id}", code="not_found")
    if not old.is_latest:
        raise UsageError("只能修改最新版本 / only the latest version can be revised", code="invalid")
    settings = settings_of(request)
    up = U.spool_upload(settings, file.filename, await file.read())
    saved = await run_in_threadpool(U.save_upload, engine, settings, up, year=str(old.year or "") or None,
                                    department=old.department, user=user, via="revision",
                                    source_path=old.source_path)
    if saved["status"] != "imported":
        raise UsageError("修改稿与原稿相同，没有新版本 / the revision is the same as the version before",
                         code="invalid")
    moved = await run_in_threadpool(R.carry_over, engine, doc_id, saved["document_id"], user)
    return {"document_id": saved["document_id"], "previous_id": doc_id, "version": saved.get("version"), **moved}


@review_pages.post("/review/bulk-accept")
def bulk_accept(request: Request, conn: Conn, rule: Annotated[str, Form()], csrf: Csrf = None,
                department: Annotated[str | None, Form()] = None,
                state: Annotated[str | None, Form()] = None) -> Response:
    """Accept a rule's undecided findings in every document the queue's filters show."""
    check_csrf(request, csrf)
    ids = [x["id"] for x in _queue(request, conn, department, state, None)["items"]]
    n = R.bulk_accept(request.app.state.engine, rule.strip().upper(), current_user(request), document_ids=ids)
    from urllib.parse import urlencode

    q = {k: v for k, v in (("department", department), ("state", state)) if v}
    return RedirectResponse("/review?" + urlencode({**q, "accepted": n, "rule": rule}), status_code=303)


# -- the 审核意见 ---------------------------------------------------------------------------------


def _file(body: bytes, fmt: str, name: str) -> Response:
    from urllib.parse import quote

    media = {"pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}[fmt]
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name + '.' + fmt)}"})


def _opinion(conn: Connection, doc_id: int, format: str):
    from ..workflow.opinion import build_opinion, opinion_docx, opinion_pdf

    op = build_opinion(conn, doc_id)
    if format == "json":
        return op
    return _file((opinion_docx if format == "docx" else opinion_pdf)(op), format, f"审核意见-D{doc_id}")


@review_pages.get("/review/documents/{doc_id}/opinion")
def opinion_page(conn: Conn, doc_id: DocId, format: Literal["docx", "pdf"] = "docx") -> Response:
    return _opinion(conn, doc_id, format)


@review_api.get("/documents/{doc_id}/opinion", summary="审核意见（format=json/docx/pdf）/ the review opinion")
def opinion_json(conn: Conn, doc_id: DocId, format: Literal["json", "docx", "pdf"] = "json") -> Any:
    return _opinion(conn, doc_id, format)


def _summary(request: Request, conn: Connection, department: str | None, state: str | None, format: str):
    from ..workflow.opinion import batch_summary, summary_docx, summary_pdf

    if current_user(request).role == "department":
        raise UsageError("汇总涉及各部门，部门账号不能查看 / the summary spans departments", code="forbidden")
    ids = [x["id"] for x in _queue(request, conn, department, state, None)["items"]]
    s = batch_summary(conn, ids)
    if format == "json":
        return s
    return _file((summary_docx if format == "docx" else summary_pdf)(s), format, "审核汇总")


@review_pages.get("/review/summary")
def summary_page(request: Request, conn: Conn, department: str | None = None, state: str | None = None,
                 format: Literal["docx", "pdf"] = "pdf") -> Response:
    return _summary(request, conn, department, state, format)


@review_api.get("/summary", summary="一批文档的审核汇总：通过、退回、最常见的问题（format=json/docx/pdf）")
def summary_json(request: Request, conn: Conn, department: str | None = None, state: str | None = None,
                 format: Literal["json", "docx", "pdf"] = "json") -> Any:
    return _summary(request, conn, department, state, format)


# -- the review's changes through the API (a session or a user's token; JSON bodies only) -------------
# A JSON body cannot come from another site's form, and a script on another site cannot send one here
# (no CORS): these need no form token.


class Decision(BaseModel):
    finding_id: int
    decision: Literal["accepted", "dismissed", "edited"]
    reason: str | None = None
    message: str | None = None


class Comment(BaseModel):
    body: str
    project_id: int | None = None
    anchor_kind: Literal["document", "field", "indicator", "span"] = "document"
    anchor: str | None = None
    parent_id: int | None = None


class Verdict(BaseModel):
    project_id: int
    verdict: str
    reason: str | None = None


class State(BaseModel):
    to: Literal["returned", "passed", "in_review"]
    note: str | None = None


class Assignment(BaseModel):
    assignee: str | None = None
    deadline: str | None = None


@review_api.post("/documents/{doc_id}/decisions", summary="采纳 / 不采纳（须写理由）/ 修改一条审核发现")
def api_decide(request: Request, doc_id: DocId, body: Decision) -> dict:
    R.decide(request.app.state.engine, doc_id, body.finding_id, current_user(request), body.decision,
             reason=body.reason, message=body.message)
    return {"ok": True}


@review_api.post("/documents/{doc_id}/comments", summary="添加意见（锚定字段、指标或原文位置）或答复", status_code=201)
def api_comment(request: Request, doc_id: DocId, body: Comment) -> dict:
    cid = R.add_comment(request.app.state.engine, doc_id, current_user(request), body.body,
                        project_id=body.project_id, anchor_kind=body.anchor_kind, anchor=body.anchor,
                        parent_id=body.parent_id)
    return {"ok": True, "id": cid}


@review_api.post("/documents/{doc_id}/verdicts", summary="项目结论：通过 / 修改后通过 / 退回修改 / 不予通过")
def api_verdict(request: Request, doc_id: DocId, body: Verdict) -> dict:
    R.set_verdict(request.app.state.engine, doc_id, body.project_id, current_user(request), body.verdict,
                  body.reason)
    return {"ok": True}


@review_api.post("/documents/{doc_id}/state", summary="退回（returned）或通过（passed）")
def api_state(request: Request, doc_id: DocId, body: State) -> dict:
    R.set_state(request.app.state.engine, doc_id, current_user(request), body.to, body.note)
    return {"ok": True}


@review_api.post("/documents/{doc_id}/assign", summary="分配审核人与截止日期")
def api_assign(request: Request, doc_id: DocId, body: Assignment) -> dict:
    R.assign(request.app.state.engine, doc_id, current_user(request), assignee=body.assignee,
             deadline=body.deadline)
    return {"ok": True}
