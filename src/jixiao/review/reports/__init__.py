"""Renderings of a :class:`~jixiao.review.report.Report`: JSON, text (rich), Markdown, HTML.

One registry, so the CLI's ``--format`` choices and the renderers cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable

from ..report import Report
from .html import render_html
from .json import render_json
from .markdown import render_markdown
from .text import render_text

__all__ = ["RENDERERS", "render_html", "render_json", "render_markdown", "render_text"]

#: format name → function(report) returning the output (rich renderables for text)
RENDERERS: dict[str, Callable[[Report], object]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "html": render_html,
}
