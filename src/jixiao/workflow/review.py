"""The review of one document version: decisions on findings, anchored comments, verdicts, its state.

States: ``pending`` 待审核 → ``in_review`` 审核中 (the first thing a reviewer
records) → ``returned`` 已退回 or ``passed`` 已通过, every change kept in
``review_history``. A revision (the next version of the same file) gets a
review of its own, pending, with the open comments carried over to the
places that still exist (see :func:`carry_over`). Every change here is
written to the audit log in the same transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from ..errors import UsageError
from ..store.schema import DocumentRow, FindingRow, IndicatorRow, ProjectRow
from ..store.workflow_schema import CommentRow, DecisionRow, ReviewHistoryRow, ReviewRow, VerdictRow
from .accounts import User
from .audit import record

__all__ = ["DECISIONS", "STATES", "VERDICTS", "add_comment", "assign", "bulk_accept", "carry_over", "decide",
           "ensure_review", "set_state", "set_verdict"]

STATES = {"pending": "待审核", "in_review": "审核中", "returned": "已退回", "passed": "已通过"}
DECISIONS = {"accepted": "采纳", "dismissed": "不采纳", "edited": "修改后采纳"}
VERDICTS = ("通过", "修改后通过", "退回修改", "不予通过")


def _now() -> datetime:
    return datetime.now(UTC)


def _need_reviewer(user: User) -> None:
    if not user.can_review():
        raise UsageError("只有审核人可以这样做 / only a reviewer may do this", code="forbidden")


def _document(conn: Connection, doc_id: int):
    row = conn.execute(select(DocumentRow.id, DocumentRow.version, DocumentRow.source_path, DocumentRow.department)
                       .where(DocumentRow.id == doc_id)).first()
    if row is None:
        raise UsageError(f"没有文档 D{doc_id} / no document D{doc_id}", code="not_found")
    return row


def ensure_review(conn: Connection, doc_id: int) -> dict[str, Any]:
    """The document's review, made (pending) when it has none."""
    _document(conn, doc_id)
    r = conn.execute(select(ReviewRow.__table__).where(ReviewRow.document_id == doc_id)).first()
    if r is None:
        conn.execute(insert(ReviewRow).values(document_id=doc_id, state="pending", updated_at=_now()))
        conn.execute(insert(ReviewHistoryRow).values(document_id=doc_id, at=_now(), user_name="jixiao",
                                                     from_state=None, to_state="pending"))
        r = conn.execute(select(ReviewRow.__table__).where(ReviewRow.document_id == doc_id)).one()
    return dict(r._mapping)


def _move(conn: Connection, doc_id: int, user: User, to: str, note: str | None = None) -> None:
    current = ensure_review(conn, doc_id)["state"]
    if current == to:
        return
    conn.execute(update(ReviewRow).where(ReviewRow.document_id == doc_id).values(state=to, updated_at=_now()))
    conn.execute(insert(ReviewHistoryRow).values(document_id=doc_id, at=_now(), user_name=user.name,
                                                 from_state=current, to_state=to, note=note))


def _started(conn: Connection, doc_id: int, user: User) -> None:
    """A reviewer's first record on a pending review starts it (待审核 → 审核中)."""
    if user.can_review() and ensure_review(conn, doc_id)["state"] == "pending":
        _move(conn, doc_id, user, "in_review")


def decide(engine: Engine, doc_id: int, finding_id: int, user: User, decision: str, *, reason: str | None = None,
           message: str | None = None) -> None:
    _need_reviewer(user)
    if decision not in DECISIONS:
        raise UsageError(f"不认识的处理：{decision}（accepted/dismissed/edited）/ unknown decision", code="invalid")
    reason = (reason or "").strip() or None
    message = (message or "").strip() or None
    if decision == "dismissed" and not reason:
        raise UsageError("不采纳须写明理由 / dismissing a finding needs a reason", code="invalid")
    if decision == "edited" and not message:
        raise UsageError("修改后采纳须给出修改后的意见 / an edited finding needs its new text", code="invalid")
    with engine.begin() as conn:
        doc = _document(conn, doc_id)
        if conn.execute(select(FindingRow.id).where(FindingRow.id == finding_id,
                                                    FindingRow.document_id == doc_id)).first() is None:
            raise UsageError(f"这份文档没有审核发现 {finding_id} / no such finding here", code="not_found")
        conn.execute(delete(DecisionRow).where(DecisionRow.finding_id == finding_id))
        conn.execute(insert(DecisionRow).values(finding_id=finding_id, document_id=doc_id, decision=decision,
                                                reason=reason, message=message, user_name=user.name, at=_now()))
        _started(conn, doc_id, user)
        record(conn, user, "finding_" + decision, document_id=doc_id, version=doc.version, finding=finding_id,
               reason=reason, message=message)


def bulk_accept(engine: Engine, rule: str, user: User, *, document_ids: list[int]) -> int:
    """Accept every undecided finding of ``rule`` in these documents (a batch); returns how many."""
    _need_reviewer(user)
    n = 0
    with engine.begin() as conn:
        rows = conn.execute(select(FindingRow.id, FindingRow.document_id)
                            .where(FindingRow.rule == rule, FindingRow.document_id.in_(document_ids),
                                   FindingRow.id.not_in(select(DecisionRow.finding_id)))).all()
        for fid, doc_id in rows:
            conn.execute(insert(DecisionRow).values(finding_id=fid, document_id=doc_id, decision="accepted",
                                                    user_name=user.name, at=_now()))
            n += 1
        for doc_id in sorted({d for _f, d in rows}):
            _started(conn, doc_id, user)
            record(conn, user, "bulk_accept", document_id=doc_id, rule=rule,
                   findings=sum(1 for _f, d in rows if d == doc_id))
    return n


def _anchor_label(conn: Connection, project_id: int | None, kind: str, anchor: str | None) -> str | None:
    """The place in words: ``项目名｜field`` or ``项目名｜指标名`` (what a revision looks for)."""
    if project_id is None:
        return None
    pname = conn.execute(select(ProjectRow.name).where(ProjectRow.id == project_id)).scalar() or ""
    if kind == "indicator" and anchor:
        iname = conn.execute(select(IndicatorRow.name).where(IndicatorRow.id == int(anchor))).scalar() or ""
        return f"{pname}｜{iname}"
    return f"{pname}｜{anchor or ''}"


def add_comment(engine: Engine, doc_id: int, user: User, body: str, *, project_id: int | None = None,
                anchor_kind: str = "document", anchor: str | None = None, parent_id: int | None = None) -> int:
    """A reviewer's comment, anchored; or an answer (``parent_id``), which a department may also write."""
    body = (body or "").strip()
    if not body:
        raise UsageError("意见内容为空 / the comment is empty", code="invalid")
    if anchor_kind not in ("document", "field", "indicator", "span"):
        raise UsageError(f"不认识的锚点：{anchor_kind} / unknown anchor", code="invalid")
    if parent_id is None:
        _need_reviewer(user)  # a department answers; it does not open comments
    with engine.begin() as conn:
        doc = _document(conn, doc_id)
        if parent_id is not None:
            parent = conn.execute(select(CommentRow.__table__).where(CommentRow.id == parent_id,
                                                                     CommentRow.document_id == doc_id)).first()
            if parent is None:
                raise UsageError("要回复的意见不存在 / no such comment here", code="not_found")
            project_id, anchor_kind, anchor, label = (parent.project_id, parent.anchor_kind, parent.anchor,
                                                      parent.anchor_label)
        else:
            if project_id is not None and conn.execute(select(ProjectRow.id).where(
                    ProjectRow.id == project_id, ProjectRow.document_id == doc_id)).first() is None:
                raise UsageError("这份文档没有这个项目 / no such project here", code="not_found")
            if anchor_kind == "indicator" and (not anchor or not anchor.isdigit() or conn.execute(
                    select(IndicatorRow.id).where(IndicatorRow.id == int(anchor),
                                                  IndicatorRow.project_id == project_id)).first() is None):
                raise UsageError("这个项目没有这个指标 / no such indicator in this project", code="not_found")
            label = _anchor_label(conn, project_id, anchor_kind, anchor)
        cid = conn.execute(insert(CommentRow).values(
            document_id=doc_id, project_id=project_id, anchor_kind=anchor_kind, anchor=anchor, anchor_label=label,
            parent_id=parent_id, body=body, author=user.name, author_role=user.role, status="open",
            at=_now()).returning(CommentRow.id)).scalar_one()
        _started(conn, doc_id, user)
        record(conn, user, "answer" if parent_id else "comment", document_id=doc_id, version=doc.version,
               comment=cid, anchor=label)
    return cid


def resolve_comment(engine: Engine, doc_id: int, comment_id: int, user: User) -> None:
    _need_reviewer(user)
    with engine.begin() as conn:
        doc = _document(conn, doc_id)
        n = conn.execute(update(CommentRow).where(CommentRow.id == comment_id, CommentRow.document_id == doc_id)
                         .values(status="resolved")).rowcount
        if not n:
            raise UsageError("没有这条意见 / no such comment", code="not_found")
        record(conn, user, "comment_resolved", document_id=doc_id, version=doc.version, comment=comment_id)


def set_verdict(engine: Engine, doc_id: int, project_id: int, user: User, verdict: str, reason: str | None) -> None:
    _need_reviewer(user)
    if verdict not in VERDICTS:
        raise UsageError(f"结论应为 {' / '.join(VERDICTS)} / unknown verdict", code="invalid")
    reason = (reason or "").strip() or None
    if verdict != "通过" and not reason:
        raise UsageError(f"“{verdict}”须写明理由 / this verdict needs a reason", code="invalid")
    with engine.begin() as conn:
        doc = _document(conn, doc_id)
        if conn.execute(select(ProjectRow.id).where(ProjectRow.id == project_id,
                                                    ProjectRow.document_id == doc_id)).first() is None:
            raise UsageError("这份文档没有这个项目 / no such project here", code="not_found")
        conn.execute(delete(VerdictRow).where(VerdictRow.project_id == project_id))
        conn.execute(insert(VerdictRow).values(document_id=doc_id, project_id=project_id, verdict=verdict,
                                               reason=reason, user_name=user.name, at=_now()))
        _started(conn, doc_id, user)
        record(conn, user, "verdict", document_id=doc_id, version=doc.version, project=project_id,
               verdict=verdict, reason=reason)


def set_state(engine: Engine, doc_id: int, user: User, to: str, note: str | None = None) -> None:
    """Return the document (已退回) or pass it (已通过)."""
    _need_reviewer(user)
    if to not in ("returned", "passed", "in_review"):
        raise UsageError(f"不能改为这个状态：{to} / not a state to set", code="invalid")
    with engine.begin() as conn:
        doc = _document(conn, doc_id)
        if to == "returned" and not conn.execute(select(CommentRow.id).where(CommentRow.document_id == doc_id,
                                                                             CommentRow.status == "open")).first() \
                and not (note or "").strip():
            raise UsageError("退回须附意见或说明 / returning needs a comment or a note", code="invalid")
        _move(conn, doc_id, user, to, (note or "").strip() or None)
        record(conn, user, "state", document_id=doc_id, version=doc.version, to=to, note=note)


def assign(engine: Engine, doc_id: int, user: User, *, assignee: str | None, deadline: str | None) -> None:
    _need_reviewer(user)
    deadline = (deadline or "").strip() or None
    if deadline is not None:
        try:
            datetime.strptime(deadline, "%Y-%m-%d")
        except ValueError:
            raise UsageError(f"截止日期写作 2026-03-31：{deadline} / deadline as YYYY-MM-DD", code="invalid") from None
    with engine.begin() as conn:
        doc = _document(conn, doc_id)
        ensure_review(conn, doc_id)
        conn.execute(update(ReviewRow).where(ReviewRow.document_id == doc_id)
                     .values(assignee=(assignee or "").strip() or None, deadline=deadline, updated_at=_now()))
        record(conn, user, "assign", document_id=doc_id, version=doc.version, assignee=assignee, deadline=deadline)


def carry_over(engine: Engine, old_id: int, new_id: int, user: User) -> dict[str, list[int]]:
    """The old version's open comments, copied to the same places in the new one where they still exist.

    A place is found again by its words: the project's name, then the field, or the indicator's name.
    Returns ``{"carried": [new comment ids], "gone": [old comment ids whose place is gone]}``.
    """
    carried, gone = [], []
    with engine.begin() as conn:
        ensure_review(conn, new_id)
        deadline = conn.execute(select(ReviewRow.assignee, ReviewRow.deadline)
                                .where(ReviewRow.document_id == old_id)).first()
        if deadline is not None:  # the revision stays with whoever had the version before
            conn.execute(update(ReviewRow).where(ReviewRow.document_id == new_id)
                         .values(assignee=deadline.assignee, deadline=deadline.deadline))
        projects = {name: pid for pid, name in conn.execute(
            select(ProjectRow.id, ProjectRow.name).where(ProjectRow.document_id == new_id))}
        old = conn.execute(select(CommentRow.__table__).where(CommentRow.document_id == old_id,
                                                              CommentRow.parent_id.is_(None),
                                                              CommentRow.status == "open")
                           .order_by(CommentRow.id)).all()
        for c in old:
            project_id, anchor = None, c.anchor
            if c.project_id is not None:
                pname = (c.anchor_label or "").split("｜", 1)[0]
                project_id = projects.get(pname)
                if project_id is None:
                    gone.append(c.id)
                    continue
                if c.anchor_kind == "indicator":
                    iname = (c.anchor_label or "").split("｜", 1)[1]
                    anchor = conn.execute(select(IndicatorRow.id).where(IndicatorRow.project_id == project_id,
                                                                        IndicatorRow.name == iname)).scalar()
                    if anchor is None:
                        gone.append(c.id)
                        continue
                    anchor = str(anchor)
                elif c.anchor_kind == "span":
                    anchor = None  # the new text has other offsets: the comment stays on the project
            cid = conn.execute(insert(CommentRow).values(
                document_id=new_id, project_id=project_id, anchor_kind=c.anchor_kind if anchor or c.anchor_kind in (
                    "document", "field") else "field", anchor=anchor, anchor_label=c.anchor_label, parent_id=None,
                body=c.body, author=c.author, author_role=c.author_role, status="open", carried_from=c.id,
                at=c.at).returning(CommentRow.id)).scalar_one()
            carried.append(cid)
        record(conn, user, "revision", document_id=new_id, previous=old_id, carried=len(carried), gone=len(gone))
    return {"carried": carried, "gone": gone}
