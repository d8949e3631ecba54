"""jixiao (绩效): China's project performance-target tables as exact, searchable data.

    >>> import jixiao
    >>> doc = jixiao.parse("path/to/table.txt")      # or the table's text itself
    >>> doc.projects[0].indicators[0].annual_target

``parse`` reads a file (or takes text), finds the table's layout and returns
a :class:`jixiao.model.Document`; ``Document.to_canonical()`` is the
``jixiao.document/1`` JSON.
"""

from __future__ import annotations

import os

__version__ = "0.1.0"

__all__ = ["Document", "JixiaoError", "ParseError", "ReadError", "__version__", "parse"]

from . import parse as _parse_stage  # noqa: E402,F401  (bound first, so the function below keeps the name)
from .errors import JixiaoError, ParseError, ReadError  # noqa: E402


def __getattr__(name: str):
    # the model (pydantic) is imported on first use: `jixiao --help` and the commands that never build
    # a Document need not pay for it
    if name == "Document":
        from .model import Document

        return Document
    raise AttributeError(f"module 'jixiao' has no attribute {name!r}")


def parse(path_or_text: str | os.PathLike[str], *, name: str | None = None) -> Document:  # noqa: F821
    """Parse a performance-target table from a path or from its text.

    A ``str`` naming an existing file is read as that file; any other
    ``str`` is the table's text. Raises :class:`ReadError` when the input
    cannot be read as text and :class:`ParseError` when it holds no table; never another exception
    for bad input (but ``MemoryError``).
    """
    from .parse.document import parse_source
    from .read import read

    source = read(path_or_text)
    if name is not None:
        from dataclasses import replace

        source = replace(source, name=name)
    try:
        return parse_source(source)
    except (JixiaoError, MemoryError):
        raise
    except Exception as exc:  # a parser bug: still one line for the caller, the cause chained for debugging
        raise ParseError(f"解析失败（内部错误：{type(exc).__name__}），请报告这个文件 / "
                         f"parsing failed (internal error: {type(exc).__name__}); please report this file",
                         code="parse-failed") from exc
