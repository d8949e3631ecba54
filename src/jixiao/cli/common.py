"""What every command shares: consoles, error reporting, exit codes.

Exit codes: 0 a document (maybe with warnings), 1 nothing parsed or an
input error, 2 a usage error. No traceback reaches a user unless
``JIXIAO_DEBUG=1`` asks for it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

import typer

from ..errors import JixiaoError
from .lazy_rich import LazyConsole

__all__ = ["err", "out", "read_progress", "reports_errors"]

# made on first use (lazy_rich): importing rich.console was a tenth of `jixiao --help`
out = LazyConsole(soft_wrap=True)
#: for panels and tables that must wrap long Chinese text rather than run off the edge
out_wrapped = LazyConsole()
err = LazyConsole(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(fn: F) -> F:
    """Turn jixiao's errors into a one-line message and an exit code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except JixiaoError as e:
            err.print(f"[red]错误 error:[/] {e.message}", highlight=False, markup=True)
            raise typer.Exit(e.exit_code) from None
        except MemoryError:
            err.print("[red]错误 error:[/] 内存不足 / out of memory", highlight=False)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("已中断 / interrupted")
            raise typer.Exit(130) from None
        except Exception as e:  # a bug: say so in one line, keep the traceback for debugging
            if os.environ.get("JIXIAO_DEBUG") == "1":
                raise
            err.print(f"[red]内部错误 internal error:[/] {type(e).__name__}: {e} "
                      "(设置 JIXIAO_DEBUG=1 查看详情 / set JIXIAO_DEBUG=1 for details)", highlight=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


#: Parts (PDF pages) a file must have before reading it shows a progress bar.
PROGRESS_FROM = 5


@contextmanager
def read_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A ``progress`` callback for :func:`jixiao.read.read`: a progress bar on stderr, shown once a
    file turns out to be long, and gone when reading ends (stdout stays the JSON alone)."""
    bar: list = []

    def update(done: int, total: int) -> None:
        # a reader whose every step is slow (OCR) announces it with (0, total): show the bar at once
        if total < PROGRESS_FROM and not (done == 0 or bar):
            return
        if not bar:
            from rich.progress import Progress  # imported once a bar is shown: most files never show one

            bar.append(Progress(console=err.console, transient=True))
            bar[0].start()
            bar.append(bar[0].add_task(label, total=total))
        bar[0].update(bar[1], completed=done, total=total)

    try:
        yield update
    finally:
        if bar:
            bar[0].stop()


def write_stdout(text: str) -> None:
    """Write text to stdout as UTF-8 whatever the terminal's encoding."""
    try:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.write(b"\n")
        sys.stdout.flush()
    except BrokenPipeError:
        pass
