"""Web load test: requests/s and p50/p99 latency of search and of a project page, on loopback.

Starts ``jixiao serve`` (``--workers`` processes) over a database, then drives
it with ``wrk`` (Debian's package; a C load generator, so the client costs
the 2-core machine little) for a fixed duration per endpoint: bounded in time,
and the request count is reported. Every request varies: searches cycle
through one-, two- and many-character queries, project pages through project
ids spread over the database.

Baseline in the same run: ``GET /api/v1`` (a tiny JSON answer, no database),
which is what the framework and the server cost on their own.

    python benchmarks/web_bench.py                           # the five samples, 2 workers
    python benchmarks/web_bench.py --db benchmarks/.cache/big.db --workers 2 --duration 15
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from jixiao.store import import_files, open_store
from jixiao.store.schema import ProjectRow

ROOT = Path(__file__).parent.parent
console = Console(width=160)
QUERIES = ["满意度", "率", "安全", "网络安全", "服务 满意度", "≥95%", "培训", "数量", "完成率", "经费", "教育",
           "系统", "及时", "覆盖率", "平台建设", "社会效益", "人", "%", "设备", "不存在的词语"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def samples_db(tmp: Path) -> str:
    db = tmp / "samples.db"
    engine = open_store(str(db))
    list(import_files(engine, sorted(str(p) for p in (ROOT / "src/jixiao/samples").glob("*.txt"))))
    engine.dispose()
    return str(db)


def project_ids(db: str, n: int = 200) -> list[int]:
    with open_store(db, create=False).connect() as conn:
        top = conn.execute(select(ProjectRow.id).order_by(ProjectRow.id.desc()).limit(1)).scalar() or 1
        step = max(top // n, 1)
        return list(conn.execute(select(ProjectRow.id).where(ProjectRow.id % step == 0).limit(n)).scalars())


def lua_script(paths: list[str], path: Path) -> None:
    """A wrk script that sends ``paths`` round-robin, each connection from its own starting point."""
    items = ",\n".join('"' + p.replace('"', '\\"') + '"' for p in paths)
    path.write_text(f"""
local paths = {{
{items}
}}
local i = 0
setup = function(thread) thread:set("offset", math.random(#paths)) end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i + offset) % #paths + 1])
end
""")


_UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * _UNIT[m.group(2)]


def run_wrk(base: str, script: Path, duration: int, connections: int, threads: int) -> dict:
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
                          "--timeout", "5s", "-s", str(script), base], capture_output=True, text=True,
                         check=True).stdout
    pct = dict(re.findall(r"^\s+(\d+)%\s+(\S+)$", out, re.M))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"requests": requests, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _ms(pct["50"]), "p99": _ms(pct["99"]), "errors": errors + (int(non2xx.group(1)) if non2xx else 0)}


def start_server(db: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "JIXIAO_LOG": "error"}
    proc = subprocess.Popen([sys.executable, "-m", "jixiao", "serve", "--db", db, "--port", str(port),
                             "--workers", str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            time.sleep(1.0)  # let every worker come up
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("jixiao serve exited: " + proc.stderr.read().decode()) from None
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("jixiao serve did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="database to serve (default: the five samples, imported into a temporary file)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--duration", type=int, default=10, help="seconds per run")
    ap.add_argument("--runs", type=int, default=3, help="runs per endpoint; the table shows medians")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="jixiao-web-bench-"))
    db = args.db or samples_db(tmp)
    ids = project_ids(db)
    endpoints = {
        "baseline GET /api/v1": ["/api/v1"],
        "search (JSON API)": [f"/api/v1/search?q={quote(q)}" for q in QUERIES],
        "search (HTML page)": [f"/search?q={quote(q)}" for q in QUERIES],
        "project page (HTML)": [f"/projects/{i}" for i in ids],
        "project (JSON API)": [f"/api/v1/projects/{i}" for i in ids],
    }
    proc, base = start_server(db, args.workers)
    results: dict[str, list[dict]] = {k: [] for k in endpoints}
    try:
        scripts = {}
        for name, paths in endpoints.items():
            scripts[name] = tmp / f"{len(scripts)}.lua"
            lua_script(paths, scripts[name])
        for script in scripts.values():  # warm-up: caches, SQLite pages, Jinja templates
            run_wrk(base, script, 2, 4, 1)
        for _ in range(args.runs):  # interleaved, so a burst of load elsewhere hits every endpoint alike
            for name, script in scripts.items():
                results[name].append(run_wrk(base, script, args.duration, args.connections, 2))
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    base_rps = statistics.median(r["rps"] for r in results["baseline GET /api/v1"])
    table = Table(title=f"jixiao serve --workers {args.workers}: wrk -c{args.connections}, {args.duration} s × "
                        f"{args.runs} runs per endpoint (medians); load average {os.getloadavg()[0]:.1f}")
    for col in ("endpoint", "requests", "req/s", "vs baseline", "p50 ms", "p99 ms", "errors"):
        table.add_column(col, justify="left" if col == "endpoint" else "right")
    for name, runs in results.items():
        med = {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99")}
        table.add_row(name, f"{sum(r['requests'] for r in runs):,}", f"{med['rps']:,.0f}",
                      f"{med['rps'] / base_rps:.2f}×", f"{med['p50']:.1f}", f"{med['p99']:.1f}",
                      str(sum(r["errors"] for r in runs)))
    console.print(table)
    console.print(f"database: {db} · {len(ids)} project ids · {len(QUERIES)} queries")


if __name__ == "__main__":
    main()
