"""Write the file-format fixtures in tests/data/formats/ (do not edit those files by hand).

    .venv/bin/python tests/make_format_fixtures.py

Two small documents are defined here once, with the answer a correct reading
gives (``*.expected.json``, in the canonical form), and printed in the ways the
readers must cope with:

* ``summary_row_split_across_pages.pdf`` — a department summary on small pages:
  the second project's row runs over the page break with no rule under it, and
  the header row is printed again on the next page (reportlab, STSong-Light);
* ``summary_unruled.pdf`` — the same summary on one tall page with no rule at all: a table
  of text columns, read from where its characters are;
* ``form_merged_cells.{xlsx,docx,html,pdf}`` — a one-project form whose label
  cells span columns and whose 一级/二级指标 cells span rows (openpyxl,
  python-docx, hand-written HTML with rowspan/colspan/``<br>`` and a script
  that must not be read, reportlab with the rules of merged cells left out);
* ``form_indicators_on_second_page.pdf`` — the same form with its 效益指标 rows
  on a second page, under no repeated header;
* ``scan_cut_turned_page.jpg`` — a cut of a published scan (../shared), for OCR.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

OUT = Path(__file__).parent / "data" / "formats"
CELL_FONT = "STSong-Light"  # one of reportlab's CID fonts: no font file needed, and pdfminer maps it back

SUMMARY = {
    "title": "项目支出绩效目标表（含转移支付项目）",
    "department": "示例市教育局",
    "total": (1250.00, 1200.00, None, 50.00),
    "unit": ("示例市教育局", (1250.00, 1200.00, None, 50.00)),
    "projects": [
        ("校园安全保障经费", (800.00, 800.00, None, None),
         "通过购买校园安保服务，保障全市中小学校园安全稳定，师生满意度不断提高。",
         [("1", "产出指标", "11", "数量指标", "校园巡查次数", "≥365次", "≥365次"),
          ("1", "产出指标", "12", "质量指标", "安全事故发生率", "≤1%", "≤1%"),
          ("3", "满意度指标", "31", "服务对象满意度指标", "师生满意度", "≥90%", "≥90%")]),
        ("教师培训经费", (450.00, 400.00, None, 50.00),
         "组织全市中小学教师参加信息技术应用能力提升培训，完成年度培训计划，提升教师课堂教学水平，"
         "推动优质教育资源共享，促进城乡教育均衡发展。",
         [("1", "产出指标", "11", "数量指标", "培训教师人数", "3000人", "3000人"),
          ("1", "产出指标", "11", "数量指标", "培训课程门数", "40门", "40门"),
          ("1", "产出指标", "12", "质量指标", "培训合格率", "≥95%", "≥95%"),
          ("1", "产出指标", "13", "时效指标", "培训完成及时率", "100%", "100%"),
          ("1", "产出指标", "14", "成本指标", "人均培训成本", "≤1500元", "≤1500元"),
          ("2", "效益指标", "22", "社会效益指标", "教师信息技术应用能力提升率", "≥80%", "≥80%"),
          ("2", "效益指标", "24", "可持续影响指标", "培训成果在课堂中的应用率", "≥70%", "≥70%"),
          ("3", "满意度指标", "31", "服务对象满意度指标", "参训教师满意度", "≥90%", "≥90%")]),
    ],
}

FORM = {
    "title": "2024年度项目支出绩效目标表",
    "department": "示例市电化教育馆",
    "name": "智慧校园建设项目",
    "pairs": [("项目属性", "经常性项目", "资金用途", "业务类"), ("总金额", "120万元", "本年度预算金额", "120万元")],
    "goal_total": "三年内建成覆盖全市直属学校的智慧校园平台，提升教育信息化水平。",
    "goal_annual": "完成20所直属学校智慧教室建设，平台稳定运行。",
    "grid": [("产出指标", "数量指标", "智慧教室建设数量", "20间"),
             ("产出指标", "数量指标", "平台接入学校数量", "20所"),
             ("产出指标", "质量指标", "设备验收合格率", "100%"),
             ("效益指标", "社会效益指标", "教师应用覆盖率", "≥80%"),
             ("效益指标", "社会效益指标", "学生使用满意度", "≥90%")],
}


def _amounts(a) -> dict:
    return dict(zip(("total", "fiscal", "special", "other"), a, strict=True))


def _money(v) -> str:
    return "" if v is None else f"{v:,.2f}"


def _indicator_text(inds) -> str:
    return "".join(f"{k}、{c1}-{l1}；{c2}-{l2}；{name}；实施周期指标值：{pv}；年度指标值：{av}。"
                   for k, (c1, l1, c2, l2, name, pv, av) in enumerate(inds, 1))


def summary_expected() -> dict:
    unit_name, unit_amounts = SUMMARY["unit"]
    return {
        "schema": "jixiao.document/1", "form": "summary", "title": SUMMARY["title"],
        "department": SUMMARY["department"], "amount_unit": "万元", "year": None,
        "total": _amounts(SUMMARY["total"]),
        "units": [{"name": unit_name, "amounts": _amounts(unit_amounts)}],
        "projects": [{
            "name": name, "unit": unit_name, "amounts": _amounts(a), "goal": goal, "fields": {},
            "indicators": [{"seq": k, "level1": l1, "level1_code": c1, "level2": l2, "level2_code": c2,
                            "name": n, "period_value": pv, "annual_value": av}
                           for k, (c1, l1, c2, l2, n, pv, av) in enumerate(inds, 1)],
        } for name, a, goal, inds in SUMMARY["projects"]],
    }


def form_expected() -> dict:
    fields = {k: v for a, b, c, d in FORM["pairs"] for k, v in ((a, b), (c, d))}
    fields |= {"项目总目标": FORM["goal_total"], "年度绩效目标": FORM["goal_annual"]}
    return {
        "schema": "jixiao.document/1", "form": "project", "title": FORM["title"],
        "department": FORM["department"], "amount_unit": "万元", "year": 2024, "total": None, "units": [],
        "projects": [{
            "name": FORM["name"], "unit": FORM["department"],
            "amounts": {"total": 120.0, "fiscal": None, "special": None, "other": None},
            "goal": FORM["goal_annual"], "fields": fields,
            "indicators": [{"seq": k, "level1": l1, "level1_code": None, "level2": l2, "level2_code": None,
                            "name": n, "period_value": None, "annual_value": v}
                           for k, (l1, l2, n, v) in enumerate(FORM["grid"], 1)],
        }],
    }


def form_grid() -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """The form as a 6-column grid, and its merged ranges (row0, col0, row1, col1), 0-based inclusive."""
    rows = [[FORM["title"], "", "", "", "", ""],
            [f"填报单位(盖章):{FORM['department']}", "", "", "", "", ""],
            ["项目名称", "", FORM["name"], "", "", ""],
            ["实施单位", "", FORM["department"], "", "", ""]]
    merges = [(0, 0, 0, 5), (1, 0, 1, 5), (2, 0, 2, 1), (2, 2, 2, 5), (3, 0, 3, 1), (3, 2, 3, 5)]
    for a, b, c, d in FORM["pairs"]:
        merges.append((len(rows), 0, len(rows), 1))
        rows.append([a, "", b, c, d, ""])
        merges.append((len(rows) - 1, 4, len(rows) - 1, 5))
    for label, text in (("项目总目标", FORM["goal_total"]), ("年度绩效目标", FORM["goal_annual"])):
        merges += [(len(rows), 0, len(rows), 1), (len(rows), 2, len(rows), 5)]
        rows.append([label, "", text, "", "", ""])
    merges.append((len(rows), 0, len(rows), 1))
    merges.append((len(rows), 3, len(rows), 4))
    rows.append(["一级指标", "", "二级指标", "三级指标", "", "指标值"])
    start = len(rows)
    for k, (l1, l2, name, value) in enumerate(FORM["grid"]):
        first1 = k == 0 or FORM["grid"][k - 1][0] != l1
        first2 = first1 or FORM["grid"][k - 1][1] != l2
        rows.append([l1 if first1 else "", "", l2 if first2 else "", name, "", value])
        merges.append((start + k, 3, start + k, 4))
    # 一级 and 二级 cells span the rows of their group
    for col, key in ((0, 0), (2, 1)):
        k = 0
        while k < len(FORM["grid"]):
            j = k
            while j + 1 < len(FORM["grid"]) and FORM["grid"][j + 1][key] == FORM["grid"][k][key] \
                    and (key == 0 or FORM["grid"][j + 1][0] == FORM["grid"][k][0]):
                j += 1
            merges.append((start + k, col, start + j, col + (1 if col == 0 else 0)))
            k = j + 1
    return rows, merges


def write_form_xlsx(path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Alignment

    rows, merges = form_grid()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目支出绩效目标表"
    for r in rows:
        ws.append([v or None for v in r])
    for r0, c0, r1, c1 in merges:
        if (r0, c0) != (r1, c1):
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    for row in ws.iter_rows():
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="center")
    wb.save(path)


def write_form_docx(path: Path) -> None:
    import docx

    rows, merges = form_grid()
    d = docx.Document()
    d.add_paragraph(rows[0][0])
    d.add_paragraph(rows[1][0])
    body = rows[2:]
    table = d.add_table(rows=len(body), cols=6)
    for r0, c0, r1, c1 in merges:
        if r0 >= 2 and (r0, c0) != (r1, c1):
            table.cell(r0 - 2, c0).merge(table.cell(r1 - 2, c1))
    for i, r in enumerate(body):
        for j, v in enumerate(r):
            if v:
                table.cell(i, j).text = v
    d.save(path)


def write_form_html(path: Path) -> None:
    rows, merges = form_grid()
    span = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in merges}
    covered = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
               if (r, c) != (r0, c0)}
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{FORM['title']}</title>",
           "<style>td { border: 1px solid #000 } .x::after { content: '项目名称 伪造内容' }</style>",
           "<script>document.write('<table><tr><td>项目名称</td><td>脚本写入的假项目</td></tr></table>')</script>",
           "</head><body>", f"<h1>{html.escape(FORM['title'])}</h1>",
           f"<p>填报单位(盖章):{html.escape(FORM['department'])}</p>", "<table>"]
    for r, row in enumerate(rows[2:], 2):
        cells = []
        for c, v in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = span.get((r, c), (1, 1))
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            text = html.escape(v)
            if len(v) > 16:  # wrapped where a browser would, as the published pages do
                text = "<br>".join(html.escape(v[i:i + 16]) for i in range(0, len(v), 16))
            cells.append(f"<td{attrs}>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</table>", "<script>alert('不应读取')</script>", "</body></html>"]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _wrap(text: str, width: float, size: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, line = [], ""
    for ch in text:
        if line and stringWidth(line + ch, CELL_FONT, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines


def _canvas(path: Path, size: tuple[float, float]):
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=size, invariant=1)  # invariant: the same bytes on every run
    c.setLineWidth(0.6)
    return c


def write_summary_split_pdf(path: Path, ruled: bool = True, page_h: float = 360.0) -> None:
    """Rows flow down small pages; a row that does not fit is cut between two of its lines, with no
    rule under its upper part, and goes on under the header repeated at the top of the next page.
    Not ``ruled``: the same table as columns of text with no line drawn."""
    size, lead, pad, font = 8.0, 10.0, 3.0, 8.0
    page_w, margin = 595.0, 30.0
    widths = [95, 50, 50, 50, 50, 120, 120]
    xs = [margin]
    for w in widths:
        xs.append(xs[-1] + w)
    header = ["项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]
    unit_name, unit_amounts = SUMMARY["unit"]
    rows = [["合计", *map(_money, SUMMARY["total"]), "", ""], [unit_name, *map(_money, unit_amounts), "", ""]]
    rows += [[name, *map(_money, a), goal, _indicator_text(inds)] for name, a, goal, inds in SUMMARY["projects"]]
    wrapped = [[_wrap(t, w - 2 * pad, size) for t, w in zip(r, widths, strict=True)] for r in rows]
    head = [_wrap(t, w - 2 * pad, size) for t, w in zip(header, widths, strict=True)]
    c = _canvas(path, (page_w, page_h))
    pages = [0]

    def draw_row(cells: list[list[str]], top: float, nlines: int, closed: bool) -> float:
        bottom = top - nlines * lead - 2 * pad
        if ruled:
            c.line(xs[0], top, xs[-1], top)
            if closed:
                c.line(xs[0], bottom, xs[-1], bottom)
            for x in xs:
                c.line(x, top, x, bottom)
        for x, lines in zip(xs, cells, strict=False):
            for k, ln in enumerate(lines[:nlines]):
                c.drawString(x + pad, top - pad - (k + 1) * lead + 2, ln)
        return bottom

    def new_page(first: bool) -> float:
        if not first:
            c.drawCentredString(page_w / 2, 14, f"第 {len(pages)} 页")
            c.showPage()
            pages.append(0)
        c.setFont(CELL_FONT, font)
        top = page_h - margin
        if first:
            c.setFont(CELL_FONT, 14)
            c.drawCentredString(page_w / 2, top, SUMMARY["title"])
            c.setFont(CELL_FONT, font)
            c.drawString(xs[0], top - 20, f"部门名称：{SUMMARY['department']}")
            c.drawRightString(xs[-1], top - 20, "单位：万元")
            top -= 28
        return draw_row(head, top, max(map(len, head)), True)

    top = new_page(True)
    for cells in wrapped:
        left = cells
        while True:
            need = max(len(x) for x in left)
            room = int((top - margin - 2 * pad) // lead)
            if need <= room:
                top = draw_row(left, top, need, True)
                break
            draw_row(left, top, room, False)  # cut: no rule under it
            left = [x[room:] for x in left]
            top = new_page(False)
    c.drawCentredString(page_w / 2, 14, f"第 {len(pages)} 页")
    c.showPage()
    c.save()


def write_form_pdf(path: Path, break_before: str | None = None) -> None:
    """The form as a ruled table; a merged cell is drawn by leaving out the rules inside it.
    With ``break_before`` (a 一级指标), that group starts a second page, under no header."""
    rows, merges = form_grid()
    size, lead, pad = 9.0, 12.0, 3.0
    widths = [40, 60, 100, 130, 70, 100]
    xs = [40.0]
    for w in widths:
        xs.append(xs[-1] + w)
    owner = {}
    for r0, c0, r1, c1 in merges:
        for r in range(r0, r1 + 1):
            for col in range(c0, c1 + 1):
                owner[(r, col)] = (r0, c0, r1, c1)
    c = _canvas(path, (595.0, 842.0))
    c.setFont(CELL_FONT, 14)
    c.drawCentredString(297, 800, rows[0][0])
    c.setFont(CELL_FONT, size)
    c.drawString(xs[0], 780, rows[1][0])
    body = list(range(2, len(rows)))
    heights = {}
    for r in body:
        n = 1
        for col, v in enumerate(rows[r]):
            r0, c0, r1, c1 = owner.get((r, col), (r, col, r, col))
            if v and r0 == r1:
                n = max(n, len(_wrap(v, xs[c1 + 1] - xs[c0] - 2 * pad, size)))
        heights[r] = n * lead + 2 * pad
    first = next((r for r in body if rows[r][0] == break_before), None)
    ys, y = {}, 770.0  # the top of each row; a row ends where the next would start
    for r in body:
        if r == first:
            y = 800.0  # the group starts the next page: its rows are measured from the top again
        ys[r], y = y, y - heights[r]
    bottom = {r: ys[r] - heights[r] for r in body}
    on_page = {r: 2 if first is not None and r >= first else 1 for r in body}
    for page in (1, 2):
        if page == 2:
            if first is None:
                break
            c.showPage()
            c.setFont(CELL_FONT, size)
        _draw_form_rules(c, owner, xs, ys, bottom, [r for r in body if on_page[r] == page])
        for r0, c0, _r1, c1 in {owner.get((r, col), (r, col, r, col)) for r in body for col in range(6)}:
            v = rows[r0][c0]
            if v and on_page[r0] == page:
                for k, ln in enumerate(_wrap(v, xs[c1 + 1] - xs[c0] - 2 * pad, size)):
                    c.drawString(xs[c0] + pad, ys[r0] - pad - (k + 1) * lead + 2, ln)
    c.showPage()
    c.save()


def _draw_form_rules(c, owner, xs, ys, bottom, body) -> None:
    for r in body:
        for col in range(6):
            r0, c0, _r1, _c1 = owner.get((r, col), (r, col, r, col))
            if r == r0 or r == body[0]:  # top rule of a cell, not inside a merged one
                c.line(xs[col], ys[r], xs[col + 1], ys[r])
            if col == c0:
                c.line(xs[col], ys[r], xs[col], bottom[r])
            if r == body[-1]:
                c.line(xs[col], bottom[r], xs[col + 1], bottom[r])
        c.line(xs[6], ys[r], xs[6], bottom[r])


SCAN = Path(__file__).resolve().parents[2] / "shared" / "formats" / "scan" / "001_12c0d9c6865d508d.pdf"
SCAN_GOLD = SCAN.parents[2] / "gold" / "001_12c0d9c6865d508d.json"


def write_scan_cut(path: Path) -> None:
    """The top left of sample 001's first scanned page (turned, noisy, JPEG-compressed, as published):
    title, department, header, 合计, the unit and two projects; the indicator column is cut off,
    which keeps the OCR in the test suite to seconds. Needs ../shared beside the checkout."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument(SCAN)
    page = pdf[0]
    image = pdfium_c.FPDFPage_GetObject(page.raw, 0)
    w, h = ctypes.c_uint(), ctypes.c_uint()
    pdfium_c.FPDFImageObj_GetImagePixelSize(image, w, h)
    dpi = w.value / page.get_width() * 72
    picture = page.render(scale=dpi / 72, grayscale=True).to_pil()
    picture.crop((0, 0, 1260, 830)).save(path, dpi=(dpi, dpi), quality=85)
    gold = json.loads(SCAN_GOLD.read_text(encoding="utf-8"))
    cut = {k: gold[k] for k in ("schema", "form", "title", "department", "total", "units")}
    cut["projects"] = [{"name": p["name"], "amounts": p["amounts"]} for p in gold["projects"][:2]]
    (OUT / "scan_cut.expected.json").write_text(json.dumps(cut, ensure_ascii=False, indent=1) + "\n",
                                               encoding="utf-8")


def main() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(CELL_FONT))
    OUT.mkdir(parents=True, exist_ok=True)
    for name, doc in (("summary", summary_expected()), ("form", form_expected())):
        (OUT / f"{name}.expected.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n",
                                                   encoding="utf-8")
    write_summary_split_pdf(OUT / "summary_row_split_across_pages.pdf")
    write_summary_split_pdf(OUT / "summary_unruled.pdf", ruled=False, page_h=842.0)
    write_form_xlsx(OUT / "form_merged_cells.xlsx")
    write_form_docx(OUT / "form_merged_cells.docx")
    write_form_html(OUT / "form_merged_cells.html")
    write_form_pdf(OUT / "form_merged_cells.pdf")
    write_form_pdf(OUT / "form_indicators_on_second_page.pdf", break_before="效益指标")
    if SCAN.exists():
        write_scan_cut(OUT / "scan_cut_turned_page.jpg")
    else:
        print(f"{SCAN} not found: scan_cut_turned_page.jpg left as it is")


if __name__ == "__main__":
    main()
