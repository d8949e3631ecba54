"""``--format json``: a list of findings, each with rule, severity, document, project, seq, field, message …"""

from __future__ import annotations

import json

from ..report import Report, finding_dict

__all__ = ["render_json"]


def render_json(report: Report) -> str:
    return json.dumps([finding_dict(f) for f in report.findings], ensure_ascii=False, indent=2)
