"""CSV text (a spreadsheet saved as CSV): told from other text by its header line, read as rows of cells."""

from __future__ import annotations

import csv

import jixiao
from jixiao.read import read
from jixiao.read.delimited import looks_like_csv

EXCEL_CSV = (
    "2025年项目支出绩效目标表,,,,,\r\n"
    "部门名称：某区教育局,,,,,单位：万元\r\n"
    "项目名称,总计,财政拨款,其他资金,绩效目标,绩效指标\r\n"
    '合计,"1,500.00","1,400.00",100.00,,\r\n'
    '校园安全保障经费,500.00,500.00,,保障校园安全。,"1、产出指标：安保人员配备数，年度指标值：≥120人。\n'
    '2、满意度指标：家长满意度，年度指标值：≥90%。"\r\n'
    '教师培训经费,"1,000.00",900.00,100.00,完成教师轮训。,1、产出指标：培训教师人次，年度指标值：≥3000人次。\r\n'
)


def test_a_gbk_csv_file_is_read_as_rows_of_cells(tmp_path):
    path = tmp_path / "targets.txt"  # the name says nothing: the content does
    path.write_bytes(EXCEL_CSV.encode("gbk"))
    source = read(path)
    assert source.format == "csv" and source.encoding == "gb18030"
    doc = jixiao.parse(path)
    assert doc.department == "某区教育局" and doc.amount_unit == "万元" and doc.year == 2025
    assert doc.total.total == 1500.0
    school, training = doc.projects
    assert (school.name, school.amounts.total, school.amounts.other) == ("校园安全保障经费", 500.0, None)
    assert [i.name for i in school.indicators] == ["安保人员配备数", "家长满意度"]  # a cell over two lines
    assert training.amounts.fiscal == 900.0
    assert not doc.residue
    # spans point into the rendered rows, as for XLSX
    assert school.spans["name"][0].text(doc.source_text) == "校园安全保障经费"


def test_csv_text_given_directly_is_read_too():
    assert jixiao.parse(EXCEL_CSV).projects[1].name == "教师培训经费"


def test_text_with_commas_is_not_taken_for_csv():
    wrapped = ("项目名称（资金使用单位） 总计 财政拨款 财政专户拨款 其他资金 绩效目标 绩效指标\n"
               "广州市电化教育馆 10,399.40 10,399.40\n    专项工作经费 32.00 32.00\n")
    assert not looks_like_csv(wrapped)
    tabbed = "项目名称\t总计\t财政拨款\t绩效目标\n网络运维\t1,050.00\t1,050.00\t保障运行，提升效率，降低成本。\n"
    assert not looks_like_csv(tabbed)
    prose = "项目名称、总计、绩效目标, 见附件, 另行说明,\n"
    assert not looks_like_csv(prose)


def test_a_field_too_long_for_csv_is_read_as_text_with_a_warning(tmp_path):
    huge = "项目名称,总计,绩效目标\n" + '网络运维,10.00,"' + "很长" * (csv.field_size_limit() // 2 + 10) + '"\n'
    path = tmp_path / "huge.csv"
    path.write_text(huge, encoding="utf-8")
    source = read(path)
    assert source.format == "text"
    assert any("CSV" in w for w in source.warnings)
