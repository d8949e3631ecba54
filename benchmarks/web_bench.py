"""Web load test (issue 18, load): `jixiao serve --workers 2` on loopback under a search mix at 100
concurrent clients, a document page, and an upload mix with searches going on beside it.

Every phase is bounded twice — a request count and a time limit — and every request has a timeout,
so the run always ends; the server is stopped however it ends. Printed per phase: requests, req/s,
p50/p99 latency, errors (anything but the expected status, or no answer in time), and the server's
CPU time per request (its processes' user + system time over the phase, from /proc), which says
whether a slow p99 is work per request or clients waiting their turn for two cores.

The client is a small asyncio HTTP/1.1 client with keep-alive (no third-party load tool to install);
it runs on the same machine and takes CPU from the server: the figures are a floor.

    python benchmarks/web_bench.py                       # the five samples, 2 workers, 100 clients
    python benchmarks/web_bench.py --db big.db --clients 100 --requests 5000 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).parent.parent
SAMPLES = sorted((ROOT / "src" / "jixiao" / "samples").glob("*.txt"))
QUERIES = ["满意度", "率", "安全", "网络安全", "服务 满意度", "≥95%", "培训", "数量", "完成率", "经费", "教育",
           "系统", "及时", "覆盖率", "平台建设", "社会效益", "人", "%", "设备", "不存在的词语"]
TIMEOUT_S = 30.0


# -- a minimal keep-alive HTTP/1.1 client ------------------------------------------------------

class Conn:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> int:
        """The status of ``method path``; the body is read and dropped. Reconnects once if the
        server closed the kept-alive connection."""
        for attempt in (0, 1):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: keep-alive",
                    f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in (headers or {}).items())]
            try:
                self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
                await self.writer.drain()
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _response(self) -> int:
        assert self.reader is not None
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            while (size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)) > 0:
                await self.reader.readexactly(size + 2)
            await self.reader.readuntil(b"\r\n")
        elif length:
            await self.reader.readexactly(length)
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def multipart(name: str, data: bytes) -> tuple[bytes, dict[str, str]]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{quote(name)}\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


# -- phases ---------------------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    cpu_s: float = 0.0

    def row(self) -> list[str]:
        n = len(self.latencies) + self.errors
        lat = sorted(self.latencies) or [float("nan")]
        p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
        return [self.name, str(self.clients), f"{n:,}", f"{n / self.seconds:,.0f}" if self.seconds else "-",
                f"{statistics.median(lat) * 1000:.1f}", f"{p(0.99):.1f}", str(self.errors),
                f"{self.cpu_s * 1000 / max(n, 1):.1f}" if self.cpu_s else "-"]


Request = tuple[str, str, bytes, dict[str, str], tuple[int, ...]]


async def drive(host: str, port: int, result: Result, make, clients: int, count: int, seconds: float,
                stop: asyncio.Event | None = None) -> None:
    """``clients`` connections sending ``make(k)`` requests until ``count`` are sent, ``seconds``
    pass, or ``stop`` is set."""
    sent = 0
    deadline = time.monotonic() + seconds

    async def client(c: int) -> None:
        nonlocal sent
        conn = Conn(host, port)
        try:
            while sent < count and time.monotonic() < deadline and not (stop and stop.is_set()):
                k = sent
                sent += 1
                method, path, body, headers, ok = make(k)
                t = time.perf_counter()
                try:
                    status = await asyncio.wait_for(conn.request(method, path, body, headers), TIMEOUT_S)
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                    conn.close()
                    result.errors += 1
                    continue
                if status in ok:
                    result.latencies.append(time.perf_counter() - t)
                else:
                    result.errors += 1
        finally:
            conn.close()

    start = time.monotonic()
    await asyncio.gather(*(client(c) for c in range(clients)))
    result.seconds = time.monotonic() - start


def server_cpu(pid: int) -> float:
    """User + system seconds of ``pid`` and its children (uvicorn's workers, the parse fork server)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        for child in list(pids[1:]):
            pids += [int(p) for p in Path(f"/proc/{child}/task/{child}/children").read_text().split()]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError):
            pass
    return total


async def phase(proc: subprocess.Popen, result: Result, coro) -> Result:
    before = server_cpu(proc.pid)
    await coro
    result.cpu_s = server_cpu(proc.pid) - before
    return result


# -- the server -------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def samples_db(tmp: Path) -> str:
    from jixiao.store import import_files, open_store

    db = tmp / "samples.db"
    engine = open_store(str(db))
    list(import_files(engine, [str(p) for p in SAMPLES]))
    engine.dispose()
    return str(db)


def ids(db: str) -> tuple[list[int], list[int]]:
    from sqlalchemy import select

    from jixiao.store import open_store
    from jixiao.store.schema import DocumentRow, ProjectRow

    engine = open_store(db, create=False)
    with engine.connect() as conn:
        docs = list(conn.execute(select(DocumentRow.id).where(DocumentRow.is_latest).limit(200)).scalars())
        projects = list(conn.execute(select(ProjectRow.id).limit(200)).scalars())
    engine.dispose()
    return docs, projects


def start_server(db: str, workers: int, tmp: Path) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {**os.environ, "JIXIAO_LOG": "error", "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-m", "jixiao", "serve", "--db", db, "--port", str(port),
                             "--workers", str(workers), "--writes-per-minute", "1000000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            time.sleep(1.5)  # let every worker come up
            return proc, port
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("jixiao serve exited: " + proc.stderr.read().decode()[-2000:]) from None
            time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("jixiao serve did not start in 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    """The server and its workers, by its process group (it was started in a session of its own)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# -- the run ------------------------------------------------------------------------------------

async def run(proc: subprocess.Popen, port: int, args, docs: list[int], projects: list[int]) -> list[Result]:
    host = "127.0.0.1"
    get = lambda path, ok=(200,): ("GET", path, b"", {}, ok)  # noqa: E731
    searches = [f"/api/v1/search?q={quote(q)}" for q in QUERIES]
    search_page = [f"/search?q={quote(q)}" for q in QUERIES]
    rnd = random.Random(7)
    uploads = [(p.name, p.read_bytes()) for p in SAMPLES]

    def upload(k: int) -> Request:
        name, data = uploads[k % len(uploads)]
        if k % 2:  # new bytes, so they are parsed (a unique comment line), as a dry run or a save
            data = data + f"\n备注 {rnd.random()}\n".encode()
        body, headers = multipart(name, data)
        path = "/api/v1/documents?dry_run=true" if k % 3 == 0 else "/api/v1/documents"
        return "POST", path, body, headers, (200, 201)

    await drive(host, port, Result("warm-up", 8), lambda k: get(searches[k % len(searches)]), 8, 200, 10)
    out = []
    c, n, s = args.clients, args.requests, args.seconds
    out.append(await phase(proc, r := Result("baseline GET /api/v1", c), drive(
        host, port, r, lambda k: get("/api/v1"), c, n, s)))
    out.append(await phase(proc, r := Result("search mix (JSON API)", c), drive(
        host, port, r, lambda k: get(searches[k % len(searches)]), c, n, s)))
    out.append(await phase(proc, r := Result("search mix (HTML page)", c), drive(
        host, port, r, lambda k: get(search_page[k % len(search_page)]), c, n, s)))
    out.append(await phase(proc, r := Result("document page (HTML)", c), drive(
        host, port, r, lambda k: get(f"/documents/{docs[k % len(docs)]}"), c, n // 2, s)))
    out.append(await phase(proc, r := Result("project page (HTML)", c), drive(
        host, port, r, lambda k: get(f"/projects/{projects[k % len(projects)]}"), c, n // 2, s)))
    # uploads parse while searches go on: the searches' latency is what "keeps answering" means
    # (the server's CPU of this phase is counted on the uploads, searches beside them included)
    up, beside = Result("upload mix (save/dry run)", args.upload_clients), Result("  search during uploads", 20)
    stop = asyncio.Event()

    async def uploads_then_stop():
        await drive(host, port, up, upload, args.upload_clients, args.uploads, s)
        stop.set()

    before = server_cpu(proc.pid)
    await asyncio.gather(uploads_then_stop(), drive(host, port, beside, lambda k: get(searches[k % len(searches)]),
                                                    20, 10**9, s, stop))
    up.cpu_s = server_cpu(proc.pid) - before
    out += [up, beside]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="database to serve (default: the five samples, imported into a temporary file)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=100, help="concurrent clients of the read phases")
    ap.add_argument("--requests", type=int, default=3000, help="requests per read phase at most")
    ap.add_argument("--seconds", type=float, default=20, help="seconds per phase at most")
    ap.add_argument("--upload-clients", type=int, default=4)
    ap.add_argument("--uploads", type=int, default=40, help="uploads at most")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-web-bench-"))
    proc = None
    try:
        db = args.db or samples_db(tmp)
        if args.db and "://" not in args.db:  # uploads write: never into the caller's database file
            shutil.copy(args.db, tmp / "bench.db")
            db = str(tmp / "bench.db")
        docs, projects = ids(db)
        proc, port = start_server(db, args.workers, tmp)
        results = asyncio.run(run(proc, port, args, docs, projects))
    finally:
        if proc is not None:
            stop_server(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    head = ["phase", "clients", "requests", "req/s", "p50 ms", "p99 ms", "errors", "server CPU ms/req"]
    rows = [head] + [r.row() for r in results]
    widths = [max(len(r[k]) for r in rows) for k in range(len(head))]
    print(f"jixiao serve --workers {args.workers} on loopback; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at the end (the client runs on the same machine)")
    for r in rows:
        print("  ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(r, widths, strict=True))))


if __name__ == "__main__":
    main()
