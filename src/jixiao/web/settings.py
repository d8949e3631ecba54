"""The server's settings: one validated object, documented defaults."""

from __future__ import annotations

import ipaddress
import os
import secrets
import tempfile
from dataclasses import dataclass, field

__all__ = ["ALLOWED_HOSTS_ENV", "DEFAULT_MAX_UPLOAD_MB", "DEFAULT_PARSE_MEMORY_MB", "DEFAULT_PARSE_SECONDS",
           "DEFAULT_WEB_MAX_CELLS", "DEFAULT_WRITES_PER_MINUTE", "TOKEN_ENV", "WebSettings", "default_allowed_hosts",
           "host_name", "is_loopback"]

DEFAULT_MAX_UPLOAD_MB = 20
DEFAULT_WEB_MAX_CELLS = 500_000
DEFAULT_PARSE_SECONDS = 120.0
DEFAULT_PARSE_MEMORY_MB = 4096
DEFAULT_WRITES_PER_MINUTE = 60
TOKEN_ENV = "JIXIAO_TOKEN"
#: comma-separated host names the server answers to, as ``--allowed-host``
ALLOWED_HOSTS_ENV = "JIXIAO_ALLOWED_HOSTS"
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``: only this machine can connect."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def default_allowed_hosts(host: str) -> tuple[str, ...]:
    """The names a server listening on ``host`` answers to when none are given: its own address and
    this machine's loopback names; any name (``*``) on a wildcard address, which has no one name."""
    if host in ("0.0.0.0", "::", ""):
        return ("*",)
    name = host.strip("[]").lower()
    return _LOOPBACK_NAMES if name in _LOOPBACK_NAMES else (name, *_LOOPBACK_NAMES)


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
    #: parse budget of an upload, in cells (or lines of text): lower than the command line's, as a
    #: server parses what anyone sends it (about 5 µs a cell: half a million is 2-3 s)
    max_cells: int = DEFAULT_WEB_MAX_CELLS
    #: time budget of an upload's read, parse and review, in seconds, in a process of its own that is
    #: killed past it (0: in the server's threads, no limit). A scan's OCR takes seconds a page.
    parse_seconds: float = DEFAULT_PARSE_SECONDS
    #: memory budget of that process (its address space), in MB (0: none)
    parse_memory_mb: int = DEFAULT_PARSE_MEMORY_MB
    #: writes (uploads, saves, deletes) one client address may make a minute (0: no limit)
    writes_per_minute: int = DEFAULT_WRITES_PER_MINUTE
    #: host names (the ``Host`` header, port aside) the server answers to; ``*`` any. ``None``: the
    #: ``$JIXIAO_ALLOWED_HOSTS`` list, else :func:`default_allowed_hosts`. A page on another name
    #: that resolves to this server (DNS rebinding) is refused.
    allowed_hosts: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.allowed_hosts is None and os.environ.get(ALLOWED_HOSTS_ENV, "").strip():
            self.allowed_hosts = tuple(os.environ[ALLOWED_HOSTS_ENV].split(","))
        if self.allowed_hosts is None:
            self.allowed_hosts = default_allowed_hosts(self.host)
        self.allowed_hosts = tuple(h.strip().strip("[]").rstrip(".").lower() for h in self.allowed_hosts
                                   if h.strip())
        if self.token is None and os.environ.get(TOKEN_ENV):
            self.token = os.environ[TOKEN_ENV]
        if self.token is None and self.token_required:
            self.token = secrets.token_urlsafe(24)

    @property
    def token_required(self) -> bool:
        return not is_loopback(self.host)

    def host_allowed(self, host: str) -> bool:
        """Whether a request's ``Host`` header (``name`` or ``name:port``) is a name this server answers to."""
        return "*" in (self.allowed_hosts or ()) or host_name(host) in (self.allowed_hosts or ())


def host_name(host: str) -> str:
    """The name in a ``Host`` header: ``[::1]:8000`` is ``::1``, ``Example.org.:80`` is ``example.org``."""
    if host.startswith("["):
        name = host[1:].split("]", 1)[0]
    else:  # a bare IPv6 address has several colons and no port
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name.rstrip(".").lower()
