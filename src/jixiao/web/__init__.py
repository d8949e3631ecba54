"""The web UI and JSON API (``jixiao serve``), on top of the store, the review and the renderers.

    >>> from jixiao.web import create_app, WebSettings
    >>> app = create_app(WebSettings(db="jixiao.db"))     # an ASGI app: uvicorn, or TestClient
"""

from __future__ import annotations

import json
import os

from .app import create_app
from .settings import WebSettings

__all__ = ["SETTINGS_ENV", "WebSettings", "app_from_env", "create_app"]

#: how ``jixiao serve --workers N`` hands its settings to each worker process
SETTINGS_ENV = "JIXIAO_WEB_SETTINGS"


def app_from_env():
    """The app for a uvicorn worker process, from the settings ``jixiao serve`` put in the environment."""
    return create_app(WebSettings(**json.loads(os.environ.get(SETTINGS_ENV, "{}"))))
