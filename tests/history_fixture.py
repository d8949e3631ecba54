"""A department's training project in 2023 and 2024 (two versions), for the history and compare tests."""

from __future__ import annotations

from sqlalchemy import text

from jixiao.model import Amounts, Document, Indicator, Project, Target
from jixiao.store.write import save_document

_CMP = {"≥": ">=", "≤": "<="}


def ind(l1: str, l2: str, name: str, value: str) -> Indicator:
    cmp = _CMP.get(value[0])
    body = value[1:] if cmp else value
    number = "".join(ch for ch in body if ch.isdigit() or ch == ".")
    return Indicator(level1=l1, level2=l2, name=name, annual_value=value,
                     annual_target=Target(text=value, kind="quantitative", comparator=cmp, value=float(number),
                                          unit=body[len(number):] or None))


Q, S, C = ("产出指标", "数量指标"), ("满意度指标", "服务对象满意度指标"), ("产出指标", "成本指标")


def doc(dept: str, year: int, projects: list[tuple[str, float, list[Indicator]]]) -> Document:
    return Document(form="project", department=dept, year=year, amount_unit="万元",
                    projects=[Project(name=n, amounts=Amounts(total=t), indicators=i) for n, t, i in projects])


Y2023 = doc("甲局", 2023, [("2023年乡村教师培训项目", 100.0, [ind(*Q, "培训人数", "500人"), ind(*S, "学员满意度", "≥90%"),
                                                             ind(*C, "人均培训成本", "≤600元/人")]),
                           ("道路养护工程", 80.0, [ind(*Q, "养护里程", "50公里")])])
# 2024: money +50 %; 培训人数 copied (R53), the cost limit raised (R54), 培训天数 added, 满意度 copied
Y2024 = doc("甲局", 2024, [("2024年乡村教师培训项目（结转）", 150.0,
                            [ind(*Q, "培训人数", "500人"), ind(*S, "学员满意度", "≥90%"), ind(*C, "人均培训成本", "≤900元/人"),
                             ind(*Q, "培训天数", "5天")])])
# the 2024 file again, a second version: fewer people for the same money (R54 against version 1)
Y2024_V2 = doc("甲局", 2024, [("2024年乡村教师培训项目（结转）", 150.0,
                               [ind(*Q, "培训人数", "300人"), ind(*S, "学员满意度", "≥90%")])])
OTHER = doc("乙局", 2023, [("乡村教师培训项目", 90.0, [ind(*Q, "培训人数", "450人")])])


def load(engine) -> dict[str, int]:
    """Store the four documents; the project ids by name: t2023, road, t2024, t2024v2, other."""
    ids = {}
    for key, d, path, sha in (("2023", Y2023, "jia2023", "1"), ("2024", Y2024, "jia2024", "2"),
                              ("other", OTHER, "yi2023", "3"), ("2024v2", Y2024_V2, "jia2024", "4")):
        ids[key] = save_document(engine, d, source_path=path, sha256=sha * 64).document_id
    with engine.connect() as c:
        def pid(doc_id: int, pos: int = 0) -> int:
            return c.execute(text("SELECT id FROM projects WHERE document_id = :d AND position = :p"),
                             {"d": doc_id, "p": pos}).scalar_one()

        return {"t2023": pid(ids["2023"]), "road": pid(ids["2023"], 1), "t2024": pid(ids["2024"]),
                "t2024v2": pid(ids["2024v2"]), "other": pid(ids["other"]), "doc2024": ids["2024"],
                "doc2024v2": ids["2024v2"]}
