"""How the server answers: JSON (fast, one error shape) and file downloads."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import orjson
from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from ..errors import UsageError

__all__ = ["DOWNLOAD_FORMATS", "JSONResponse", "download", "error_body"]

DOWNLOAD_FORMATS = ("json", "csv", "xlsx")


def _default(o: Any) -> Any:
    if isinstance(o, datetime | date):
        return o.isoformat()
    if hasattr(o, "_asdict"):
        return list(o)
    if isinstance(o, set | frozenset):
        return sorted(o)
    raise TypeError(type(o).__name__)


class JSONResponse(Response):
    """orjson: dataclasses, datetimes and named tuples (spans) as they are, several times faster."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_default, option=orjson.OPT_NON_STR_KEYS)


def error_body(status: int, message: str, code: str) -> dict[str, Any]:
    """The one error shape of the whole API: ``{"ok": false, "status", "error", "code"}``."""
    return {"ok": False, "status": status, "error": message, "code": code}


def download(rows: Iterable[dict[str, Any]], columns: list[str], fmt: str, filename: str,
             *, language: str = "zh") -> Response:
    """``rows`` as a CSV (UTF-8 with BOM), XLSX or JSON file, written to a temporary file first
    so a failure half-way is an error response, not a truncated download."""
    from ..export import write_csv, write_json_rows, write_xlsx

    if fmt not in DOWNLOAD_FORMATS:
        raise UsageError(f"不支持的导出格式：{fmt}（json/csv/xlsx）/ unsupported format", code="bad_format")
    fd, path = tempfile.mkstemp(suffix="." + fmt, prefix="jixiao-export-")
    try:
        if fmt == "xlsx":
            os.close(fd)
            write_xlsx(rows, columns, path, language=language)
        else:
            with os.fdopen(fd, "wb") as fh:
                (write_csv(rows, columns, fh, language=language) if fmt == "csv"
                 else write_json_rows(rows, columns, fh))
    except BaseException:
        os.remove(path)
        raise
    media = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "json": "application/json"}[fmt]
    name = f"{filename}.{fmt}"
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
    return FileResponse(path, media_type=media, headers=headers, background=BackgroundTask(os.remove, path))
