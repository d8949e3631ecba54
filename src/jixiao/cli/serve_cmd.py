"""``jixiao serve``: the web UI and JSON API over a database, served by uvicorn."""

from __future__ import annotations

import typer

from .common import err, out, reports_errors
from .store_common import db_option

__all__ = ["serve_command"]


@reports_errors
def serve_command(
    db: str | None = db_option(),
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址 / address to listen on"),
    port: int = typer.Option(8000, "--port", "-p", help="端口 / port"),
    token: str | None = typer.Option(None, "--token", envvar="JIXIAO_TOKEN",
                                     help="写入令牌（非本机监听时必需，省略则随机生成）/ write token off loopback"),
    max_upload_mb: float = typer.Option(20, "--max-upload-mb", help="上传上限（MB）/ upload limit in MB"),
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=32, help="工作进程数 / worker processes"),
    config: str | None = typer.Option(None, "--config", help="上传时的审核配置（TOML）/ review config for uploads"),
    # None: WebSettings' default (not imported here: the web stack is slow to import for other commands)
    parse_seconds: float | None = typer.Option(
        None, "--parse-seconds", help="每次上传解析的时间上限（秒，默认 120；0 为不隔离）/ time budget of an "
                                      "upload's parse in seconds (default 120; 0: not isolated)"),
    max_cells: int | None = typer.Option(None, "--max-cells", help="每次上传的单元格上限（默认 500000）/ parse "
                                                                   "budget of an upload in cells (default 500000)"),
    writes_per_minute: int | None = typer.Option(
        None, "--writes-per-minute", help="每个客户端每分钟的写入上限（默认 60；0 为不限）/ writes a client may "
                                          "make a minute (default 60; 0: no limit)"),
    allowed_host: list[str] = typer.Option(
        [], "--allowed-host", help="接受的主机名（可重复；* 为任意；默认监听地址与本机名）/ a host name the server "
                                     "answers to (repeat it; * for any; default: the address and localhost)"),
) -> None:
    """启动网页界面与 JSON API / serve the web UI and the JSON API."""
    import dataclasses
    import json
    import os

    import uvicorn

    from ..errors import UsageError
    from ..store import describe_url, open_store, resolve_url
    from ..web import SETTINGS_ENV, WebSettings, create_app

    if max_upload_mb <= 0:
        raise UsageError("--max-upload-mb 须大于 0 / --max-upload-mb must be positive")
    budgets = {k: v for k, v in (("parse_seconds", parse_seconds), ("max_cells", max_cells),
                                 ("writes_per_minute", writes_per_minute)) if v is not None}
    if (parse_seconds or 0) < 0 or (max_cells is not None and max_cells <= 0) or (writes_per_minute or 0) < 0:
        raise UsageError("--parse-seconds、--writes-per-minute 不能为负，--max-cells 须大于 0 / "
                         "--parse-seconds and --writes-per-minute must be ≥ 0, --max-cells positive")
    settings = WebSettings(db=resolve_url(db), host=host, token=token, review_config=config,
                           max_upload_bytes=int(max_upload_mb * 1024 * 1024),
                           allowed_hosts=tuple(allowed_host) if allowed_host else None,
                           **budgets)
    engine = open_store(settings.db, create=True)  # fail here, in one line, if the database can't be opened
    _check_address(host, port)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # a wildcard is reachable here too
    out.print(f"jixiao 正在运行 serving [bold]{describe_url(settings.db)}[/] at "
              f"[bold]http://{shown if ':' not in shown else f'[{shown}]'}:{port}/[/]  (Ctrl+C 停止 to stop)",
              highlight=False)
    if settings.token_required:
        err.print(f"写入令牌 write token: [bold]{settings.token}[/]  (上传、删除时需要 needed to upload or delete)",
                  highlight=False)
    log_level = os.environ.get("JIXIAO_LOG", "warning")
    if workers == 1:
        uvicorn.run(create_app(settings, engine=engine), host=host, port=port, log_level=log_level,
                    access_log=False)
        return
    engine.dispose()
    os.environ[SETTINGS_ENV] = json.dumps(dataclasses.asdict(settings))
    uvicorn.run("jixiao.web:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, access_log=False)


def _check_address(host: str, port: int) -> None:
    """A one-line error now, rather than uvicorn's after the "serving" line, when the port is taken."""
    import socket

    from ..errors import JixiaoError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise JixiaoError(f"无法解析地址 {host}：{e.strerror} / cannot resolve {host}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            s.bind(address)
        except OSError as e:
            raise JixiaoError(f"无法监听 {host}:{port}（{e.strerror}）：换一个 --port？ / "
                              f"cannot listen on {host}:{port} ({e.strerror}): try another --port") from None
