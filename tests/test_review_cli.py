"""``jixiao review`` and ``jixiao rules``: formats, --fail-on, --config, -o, errors; the reports' contents."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from jixiao.cli.main import app
from jixiao.cli.samples_cmd import sample_paths
from jixiao.review.docs import rules_markdown

runner = CliRunner()
SAMPLES = [str(p) for p in sample_paths()]
S001 = next(p for p in SAMPLES if "001_" in p)


def run(*args: str):
    return runner.invoke(app, list(args))


def test_json_is_a_list_of_findings() -> None:
    r = run("review", S001, "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert isinstance(data, list) and data
    for f in data:
        assert {"rule", "severity", "document", "project", "seq", "field", "message"} <= set(f)
        assert f["document"] == Path(S001).name
    r02 = [f for f in data if f["rule"] == "R02"]
    assert r02 and all(isinstance(f["span"], list) and f["line"] for f in r02)


def test_fail_on() -> None:
    assert run("review", S001, "-f", "json", "--fail-on", "error").exit_code == 1  # R02 errors
    assert run("review", S001, "-f", "json").exit_code == 0
    s004 = next(p for p in SAMPLES if "004_" in p)
    assert run("review", s004, "-f", "json", "--fail-on", "error").exit_code == 0  # warnings only
    assert run("review", s004, "-f", "json", "--fail-on", "warning").exit_code == 1


def test_min_severity_leaves_the_hints_out() -> None:
    every = json.loads(run("review", S001, "-f", "json").stdout)
    assert {f["severity"] for f in every} == {"error", "warning", "info"}
    r = run("review", S001, "-f", "json", "--min-severity", "warning")
    assert r.exit_code == 0, r.output
    shown = json.loads(r.stdout)
    assert shown == [f for f in every if f["severity"] != "info"]
    errors = json.loads(run("review", S001, "-f", "json", "--min-severity", "error").stdout)
    assert errors and {f["severity"] for f in errors} == {"error"}
    assert json.loads(run("review", S001, "-f", "json", "--min-severity", "info").stdout) == every
    md = run("review", S001, "-f", "markdown", "--min-severity", "warning").stdout
    assert "提示 0 条" in md
    assert run("review", S001, "--min-severity", "hint").exit_code == 2


def test_build_report_min_severity() -> None:
    from jixiao import parse
    from jixiao.review import build_report

    doc = parse(S001)
    full, some = build_report([doc]), build_report([doc], min_severity="warning")
    assert some.counts == {**full.counts, "info": 0}
    assert some.findings == [f for f in full.findings if f.severity != "info"]


def test_config_option_and_bad_config(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[review]\ndisable = ["R02"]\n', encoding="utf-8")
    r = run("review", S001, "-f", "json", "--config", str(cfg))
    assert r.exit_code == 0 and not [f for f in json.loads(r.stdout) if f["rule"] == "R02"]
    cfg.write_text('[review]\ndisable = ["R99"]\n', encoding="utf-8")
    r = run("review", S001, "--config", str(cfg))
    assert r.exit_code == 2 and "R99" in r.output and "Traceback" not in r.output


def test_missing_file_is_one_line() -> None:
    r = run("review", "/no/such/table.txt")
    assert r.exit_code == 1 and "文件不存在" in r.output and len(r.output.strip().splitlines()) == 1


def test_html_is_self_contained_with_excerpts(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    r = run("review", *SAMPLES, "-f", "html", "-o", str(out))
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert "src=" not in html and "href=\"http" not in html and "<link" not in html and "<script" not in html
    assert "<mark>" in html and "部门内各文档比较" in html and "定量率" in html
    assert "10,399.40" in html and "投诉次数" in html


def test_markdown_is_an_opinion() -> None:
    r = run("review", *SAMPLES, "-f", "markdown")
    assert r.exit_code == 0
    md = r.stdout
    assert md.startswith("# 项目支出绩效目标审核意见")
    assert "【错误·R02】" in md and "> 原文：" in md and "## 附：所引规则及依据" in md


def test_text_output() -> None:
    r = run("review", S001)
    assert r.exit_code == 0 and "R02" in r.stdout and "项目汇总" in r.stdout


def test_rules_command_lists_every_rule() -> None:
    r = run("rules")
    assert r.exit_code == 0 and all(f"R{i:02d}" in r.stdout for i in range(1, 44))


def test_docs_rules_md_is_up_to_date() -> None:
    """docs/rules.md is generated: regenerate with `make rules-doc`."""
    page = Path(__file__).parents[1] / "docs/rules.md"
    assert page.read_text(encoding="utf-8") == rules_markdown()
