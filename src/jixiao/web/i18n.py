"""Chinese first, English on request: the page language and the ``t(zh, en)`` templates call.

Templates keep both languages side by side (``{{ t("检索", "Search") }}``),
so a page can't lose its English by drifting away from a message table.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request

__all__ = ["COOKIE", "LANGUAGES", "language", "translator"]

LANGUAGES = ("zh", "en")
COOKIE = "jixiao_lang"


def language(request: Request) -> str:
    """``?lang=`` first (a shared link keeps its language), then the cookie the switch sets, else Chinese."""
    lang = request.query_params.get("lang") or request.cookies.get(COOKIE)
    return lang if lang in LANGUAGES else "zh"


def translator(lang: str) -> Callable[[str, str], str]:
    if lang == "en":
        return lambda zh, en: en
    return lambda zh, en: zh
