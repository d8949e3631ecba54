"""The rules reference page (``docs/rules.md``), generated from the registry so it cannot drift.

``python -m jixiao.review.docs > docs/rules.md`` (or ``make rules-doc``)
regenerates it; a test fails when the checked-in page differs.
"""

from __future__ import annotations

import json

from .registry import RULES, Rule

__all__ = ["rules_markdown"]

GROUPS = {
    "A": "A. 结构与编码 Structure and codes",
    "B": "B. 指标构成 Coverage",
    "C": "C. 指标值是否可衡量 Values",
    "D": "D. 特定类别的指标 Particular kinds of indicator",
    "E": "E. 一致性：年度与周期、金额 Consistency",
    "F": "F. 绩效目标文字 The goal text",
    "G": "G. 指标数量与质量 Number and quality of indicators",
    "H": "H. 推定与比对：二级、名实、目标与指标、换了说法的重复 Inferred 二级; names, values and goals compared",
    "I": "I. 与同类项目比较 Against peers (a store's indicator library)",
    "J": "J. 自评与监控 Self-evaluation and monitoring",
    "K": "K. 自评、监控与目标表对照 An evaluation against its target table (a store's links)",
}
_SEV = {"error": "错误 error", "warning": "警告 warning", "info": "提示 info"}


def _value(v: object) -> str:
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 300 else text[:297] + "…"


def _rule(r: Rule) -> list[str]:
    out = [f'<a id="{r.id.lower()}"></a>', "", f"### {r.id} {r.title}", "", f"*{r.title_en}* · `{r.name}` · 适用于 scope: {r.scope} · "
           f"默认 {_SEV[r.severity]}" + (" · **推定 (inferred)**" if r.inferred else ""), ""]
    out += [f"- 消息 message: {r.variants['default'].message} / {r.variants['default'].message_en}"]
    for key, v in r.variants.items():
        if key != "default":
            out.append(f"- 情形 `{key}`（{_SEV[v.severity]}）: {v.message} / {v.message_en}")
    out += [f"- 理由 reasoning: {r.reasoning}", f"- 依据 source: {r.source}"]
    if r.bad:
        out.append(f"- 不合格 bad: {r.bad}")
    if r.good:
        out.append(f"- 合格 good: {r.good}")
    if r.supersedes:
        out.append(f"- 同一指标上取代 supersedes: {', '.join(r.supersedes)}")
    if r.settings:
        out += ["", "| 设置 setting | 默认 default | 说明 |", "|---|---|---|"]
        for k, v in r.settings.items():
            shown = _value(v).replace("|", "\\|")
            out.append(f"| `{k}` | `{shown}` | {r.settings_doc.get(k, '')} |")
    out.append("")
    return out


def rules_markdown() -> str:
    """The whole reference page."""
    from . import rules  # noqa: F401  (registers every rule)

    out = [
        "<!-- 由 jixiao.review.docs 生成，请勿手改 / generated from the rule registry: do not edit; "
        "regenerate with `make rules-doc` -->",
        "",
        f"# 审核规则 Review rules R01–{list(RULES)[-1]}",
        "",
        "每条规则一个编号、默认严重程度、中英文消息、理由和依据（来源编号见 `review-rules.md` §5）。",
        "标为 **推定 (inferred)** 的规则把原则落实为具体检查，原文并未这样写明：可以在配置中关闭或调整。",
        "",
        "配置（`--config FILE` 中的 `[review]` 表，或当前目录 pyproject.toml 的 `[tool.jixiao.review]`）：",
        "",
        "```toml",
        "[tool.jixiao.review]",
        'disable = ["R19", "R35"]',
        "",
        "[tool.jixiao.review.rules.R34]",
        "min_indicators = 4",
        'severity = "error"',
        "",
        "[tool.jixiao.review.rules.R17]",
        'severities = { over_100 = "warning" }',
        "```",
        "",
        "| 规则 | 内容 | 默认 | 推定 |",
        "|---|---|---|---|",
    ]
    out += [f"| [{r.id}](#{r.id.lower()}) | {r.title} | {r.severity} | {'是' if r.inferred else ''} |"
            for r in RULES.values()]
    out.append("")
    group = None
    for r in RULES.values():
        if r.group != group:
            group = r.group
            out += [f"## {GROUPS[group]}", ""]
        out += _rule(r)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.buffer.write(rules_markdown().encode("utf-8"))
