"""The server's settings: one validated object, documented defaults."""

from __future__ import annotations

import ipaddress
import os
import secrets
import tempfile
from dataclasses import dataclass, field

__all__ = ["DEFAULT_MAX_UPLOAD_MB", "TOKEN_ENV", "WebSettings", "is_loopback"]

DEFAULT_MAX_UPLOAD_MB = 20
TOKEN_ENV = "JIXIAO_TOKEN"


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``: only this machine can connect."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class WebSettings:
    """What ``jixiao serve`` passes to :func:`jixiao.web.create_app`."""

    #: database URL or SQLite path (``None``: ``$JIXIAO_DB`` or ``./jixiao.db``)
    db: str | None = None
    #: the address the server listens on; anything but loopback makes write endpoints need ``token``
    host: str = "127.0.0.1"
    #: largest upload accepted, in bytes
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    #: the token write endpoints need off loopback; made up (and printed) when none is given
    token: str | None = None
    #: where uploads wait between preview and save
    spool_dir: str = field(default_factory=lambda: os.path.join(tempfile.gettempdir(),
                                                                f"jixiao-uploads-{os.getuid()}"))
    #: review configuration (TOML) applied to uploads, as ``jixiao import --config``
    review_config: str | None = None

    def __post_init__(self) -> None:
        if self.token is None and os.environ.get(TOKEN_ENV):
            self.token = os.environ[TOKEN_ENV]
        if self.token is None and self.token_required:
            self.token = secrets.token_urlsafe(24)

    @property
    def token_required(self) -> bool:
        return not is_loopback(self.host)
