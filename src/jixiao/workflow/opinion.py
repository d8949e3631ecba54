"""The 审核意见: what the reviewer accepted and wrote, per document, grouped by project; DOCX and PDF.

Only what the reviewer made their own goes in: accepted findings, edited
ones in their edited words, verdicts with their reasons, the reviewer's
comments as 修改建议. Undecided and dismissed hints stay out (the CLI's
Markdown dump of every hint was 145 KB). Problems are grouped in the four
headings of the usual form; which rule group goes under which is jixiao's
reading of them (:data:`CATEGORY_OF_GROUP`).
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from ..review import review as _load_rules  # noqa: F401  (registers R01–R54)
from ..review.registry import RULES
from ..store.schema import DocumentRow, FindingRow, ProjectRow
from ..store.workflow_schema import CommentRow, DecisionRow, ReviewRow, VerdictRow
from .review import STATES

__all__ = ["CATEGORIES", "CATEGORY_OF_GROUP", "batch_summary", "build_opinion", "opinion_docx", "opinion_pdf",
           "summary_docx", "summary_pdf"]

CATEGORIES = ("完整性", "相关性", "适当性", "可行性")
#: rule groups (docs/rules.md) → the form's headings: what is missing (structure, coverage, number);
#: whether goal, names and indicators belong together; whether values are measurable and fit; whether
#: amounts, years and periods hold together
CATEGORY_OF_GROUP = {"A": "完整性", "B": "完整性", "G": "完整性", "F": "相关性", "H": "相关性",
                     "C": "适当性", "D": "适当性", "I": "适当性", "E": "可行性"}


def _category(rule: str) -> str:
    r = RULES.get(rule)
    return CATEGORY_OF_GROUP.get(r.group if r else "", "适当性")


def build_opinion(conn: Connection, doc_id: int) -> dict[str, Any]:
    doc = conn.execute(select(DocumentRow.id, DocumentRow.name, DocumentRow.title, DocumentRow.department,
                              DocumentRow.year, DocumentRow.version).where(DocumentRow.id == doc_id)).first()
    if doc is None:
        from ..errors import UsageError

        raise UsageError(f"没有文档 D{doc_id} / no document D{doc_id}", code="not_found")
    state = conn.execute(select(ReviewRow.state).where(ReviewRow.document_id == doc_id)).scalar() or "pending"
    taken = conn.execute(select(FindingRow.project_id, FindingRow.rule, FindingRow.message, DecisionRow.decision,
                                DecisionRow.message.label("edited"))
                         .join(DecisionRow, DecisionRow.finding_id == FindingRow.id)
                         .where(FindingRow.document_id == doc_id, DecisionRow.decision.in_(("accepted", "edited")))
                         .order_by(FindingRow.id)).all()
    verdicts = {r.project_id: r for r in conn.execute(select(VerdictRow.project_id, VerdictRow.verdict,
                                                             VerdictRow.reason)
                                                      .where(VerdictRow.document_id == doc_id))}
    advice: dict[int | None, list[str]] = {}
    for c in conn.execute(select(CommentRow.project_id, CommentRow.body, CommentRow.anchor_label)
                          .where(CommentRow.document_id == doc_id, CommentRow.parent_id.is_(None),
                                 CommentRow.author_role.in_(("reviewer", "admin"))).order_by(CommentRow.id)):
        where = (c.anchor_label or "").split("｜", 1)[-1] if c.anchor_label else ""
        advice.setdefault(c.project_id, []).append(f"{c.body}" + (f"（{where}）" if where else ""))
    projects = []
    for p in conn.execute(select(ProjectRow.id, ProjectRow.name).where(ProjectRow.document_id == doc_id)
                          .order_by(ProjectRow.position)):
        problems = {k: [] for k in CATEGORIES}
        for f in taken:
            if f.project_id == p.id:
                problems[_category(f.rule)].append(f.edited if f.decision == "edited" and f.edited else f.message)
        v = verdicts.get(p.id)
        if not v and not any(problems.values()) and not advice.get(p.id):
            continue  # nothing the reviewer said about it
        projects.append({"id": p.id, "name": p.name or "（无名称）", "verdict": v.verdict if v else None,
                         "reason": v.reason if v else None, "problems": problems, "advice": advice.get(p.id, [])})
    return {"document": dict(doc._mapping), "state": state, "state_label": STATES[state], "projects": projects,
            "general": advice.get(None, []), "date": date.today().isoformat()}


def _lines(op: dict[str, Any]) -> list[tuple[str, str]]:
    """The opinion as (style, text) lines: what DOCX and PDF both set."""
    d = op["document"]
    out = [("title", "项目支出绩效目标审核意见"),
           ("meta", f"{d['department'] or '（未注明部门）'}　{d['title'] or d['name']}　第 {d['version']} 版　"
                    f"{d['year'] or ''}"),
           ("meta", f"审核状态：{op['state_label']}　日期：{op['date']}")]
    for g in op["general"]:
        out.append(("para", g))
    if not op["projects"]:
        out.append(("para", "审核人尚未对任何项目给出意见。"))
    for k, p in enumerate(op["projects"], 1):
        out.append(("h1", f"{k}. {p['name']}"))
        out.append(("h2", "一、总体意见"))
        out.append(("para", (p["verdict"] or "（尚无结论）") + (f"。{p['reason']}" if p["reason"] else "")))
        out.append(("h2", "二、存在问题"))
        any_problem = False
        for cat in CATEGORIES:
            if p["problems"][cat]:
                any_problem = True
                out.append(("h3", cat))
                out += [("item", f"（{n}）{m}") for n, m in enumerate(p["problems"][cat], 1)]
        if not any_problem:
            out.append(("para", "无。"))
        out.append(("h2", "三、修改建议"))
        out += [("item", f"{n}. {a}") for n, a in enumerate(p["advice"], 1)] or [("para", "无。")]
    return out


def _docx(lines: list[tuple[str, str]]) -> bytes:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "SimSun"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")  # Word takes CJK glyphs from eastAsia
    normal.font.size = Pt(11)
    for style, text in lines:
        if style == "title":
            d.add_heading(text, level=0)
        elif style in ("h1", "h2", "h3"):
            d.add_heading(text, level=int(style[1]))
        else:
            d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _pdf(lines: list[tuple[str, str]]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = "STSong-Light"  # a CJK font every PDF viewer supplies: nothing to embed or ship
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    sizes = {"title": 18, "h1": 14, "h2": 12, "h3": 11, "meta": 10, "para": 10.5, "item": 10.5}
    styles = {k: ParagraphStyle(k, fontName=font, fontSize=v, leading=v * 1.5, wordWrap="CJK",
                                alignment=1 if k == "title" else 0, leftIndent=18 if k == "item" else 0,
                                spaceBefore=6 if k in ("h1", "h2") else 0) for k, v in sizes.items()}
    from xml.sax.saxutils import escape

    story = []
    for style, text in lines:
        story.append(Paragraph(escape(text), styles[style]))
        if style == "title":
            story.append(Spacer(1, 6))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title="审核意见", leftMargin=56, rightMargin=56).build(story)
    return buf.getvalue()


def opinion_docx(op: dict[str, Any]) -> bytes:
    return _docx(_lines(op))


def opinion_pdf(op: dict[str, Any]) -> bytes:
    return _pdf(_lines(op))


def batch_summary(conn: Connection, document_ids: list[int]) -> dict[str, Any]:
    """Across a batch: how many documents in each state, verdicts per project, the most common problems."""
    states = Counter(s for s, in conn.execute(select(ReviewRow.state).where(ReviewRow.document_id.in_(document_ids))))
    states["pending"] += len(document_ids) - sum(states.values())
    verdicts = Counter(v for v, in conn.execute(select(VerdictRow.verdict)
                                                .where(VerdictRow.document_id.in_(document_ids))))
    rules = Counter(r for r, in conn.execute(
        select(FindingRow.rule).join(DecisionRow, DecisionRow.finding_id == FindingRow.id)
        .where(FindingRow.document_id.in_(document_ids), DecisionRow.decision.in_(("accepted", "edited")))))
    top = [{"rule": r, "title": RULES[r].title if r in RULES else r, "category": _category(r), "count": n}
           for r, n in rules.most_common(10)]
    return {"documents": len(document_ids), "states": {STATES[k]: states.get(k, 0) for k in STATES},
            "verdicts": dict(verdicts), "top_problems": top, "date": date.today().isoformat()}


def _summary_lines(s: dict[str, Any]) -> list[tuple[str, str]]:
    out = [("title", "绩效目标审核情况汇总"), ("meta", f"文档 {s['documents']} 份　日期：{s['date']}"),
           ("h2", "审核状态"), ("para", "　".join(f"{k} {v}" for k, v in s["states"].items())),
           ("h2", "项目结论"), ("para", "　".join(f"{k} {v}" for k, v in s["verdicts"].items()) or "尚无结论。"),
           ("h2", "最常见的问题")]
    out += [("item", f"{n}. {t['rule']} {t['title']}（{t['category']}）：{t['count']} 处")
            for n, t in enumerate(s["top_problems"], 1)] or [("para", "尚无采纳的问题。")]
    return out


def summary_docx(s: dict[str, Any]) -> bytes:
    return _docx(_summary_lines(s))


def summary_pdf(s: dict[str, Any]) -> bytes:
    return _pdf(_summary_lines(s))
