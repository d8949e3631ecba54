"""Untrusted work in a process of its own, within a time and memory budget.

An upload is parsed by whoever sent it: a file made to be slow (or to grow
without end) must not hold the server. :func:`run_isolated` runs a function
in a child process with its address space capped, waits at most the time
budget, and kills the child when it passes it; the server's own threads and
event loop never run the parse, so other requests go on being served.

Children come from a fork server that has imported the parser once (cheap
to start, and never a fork of the server's threads); where there is none,
they are spawned.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from typing import Any

from .. import errors

__all__ = ["run_isolated"]

_PRELOAD = ["jixiao.web.uploads"]
_context = None


def _ctx():
    global _context
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(_PRELOAD)
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def _limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    try:
        import resource

        cap = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ImportError, ValueError, OSError):
        pass  # no such limit on this system: the time budget still holds


def _child(conn, fn: Callable[..., Any], args: tuple, megabytes: int) -> None:
    """In the child: run ``fn`` and send back ("ok", result) or ("error", (class, message, code))."""
    _limit_memory(megabytes)
    try:
        conn.send(("ok", fn(*args)))
    except errors.JixiaoError as e:
        conn.send(("error", (type(e).__name__, e.message, e.code)))
    except MemoryError:
        conn.send(("error", ("ReadError", f"解析超过 {megabytes:,} MB 的内存上限，已停止 / "
                                          f"parsing passed the {megabytes:,} MB memory limit and was stopped",
                             "too-large")))
    except Exception as e:  # a bug: the server logs nothing of the child's, so say what it was
        last = traceback.extract_tb(e.__traceback__)[-1:]
        where = f" ({last[0].name}:{last[0].lineno})" if last else ""
        conn.send(("error", ("JixiaoError", f"内部错误 / internal error: {type(e).__name__}{where}", "internal")))
    finally:
        conn.close()


def run_isolated(fn: Callable[..., Any], args: tuple, *, seconds: float, megabytes: int) -> Any:
    """``fn(*args)`` in a child process: its result, or the ``JixiaoError`` it raised; a
    ``JixiaoError`` naming the limit when it runs past ``seconds`` (it is killed) or dies."""
    ctx = _ctx()
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, fn, args, megabytes), daemon=True)
    proc.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise errors.ReadError(f"解析超过 {seconds:g} 秒的时间上限，已停止 / "
                                   f"parsing passed the {seconds:g}-second limit and was stopped", code="too-slow")
        try:
            status, payload = receive.recv()
        except EOFError:
            raise errors.JixiaoError("解析进程意外退出（内存不足？）/ the parsing process died (out of memory?)",
                                     code="internal") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        receive.close()
    if status == "ok":
        return payload
    kind, message, code = payload
    raise getattr(errors, kind, errors.JixiaoError)(message, code=code)
