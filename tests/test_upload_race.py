"""Uploads racing each other (issue 18, load and attack): the same file sent by many clients at once
to a real `jixiao serve` with two worker processes, on SQLite and PostgreSQL — no 500, no duplicate
document, exactly one "imported" and the rest "unchanged"; versions of one name sent at once get
distinct version numbers and one latest."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

SAMPLES = sorted((Path(__file__).parent.parent / "src" / "jixiao" / "samples").glob("*.txt"))
CLIENTS = 8


@pytest.fixture
def server(db_url, tmp_path) -> Iterator[str]:
    """`jixiao serve --workers 2` on a free loopback port, its spool in tmp_path; stopped afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "TMPDIR": str(tmp_path), "JIXIAO_LOG": "error"}
    proc = subprocess.Popen([sys.executable, "-m", "jixiao", "serve", "--db", db_url, "--port", str(port),
                             "--workers", "2", "--writes-per-minute", "1000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/v1", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "jixiao serve did not start"
            time.sleep(0.2)
        time.sleep(0.5)  # the second worker
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _all_at_once(base: str, bodies: list[tuple[str, bytes]]) -> list[httpx.Response]:
    """POST every (name, bytes) to /api/v1/documents from its own thread, released together."""
    start = threading.Barrier(len(bodies))
    out: list[httpx.Response | BaseException] = [None] * len(bodies)  # type: ignore[list-item]

    def send(k: int) -> None:
        name, data = bodies[k]
        with httpx.Client(base_url=base, timeout=120) as c:
            start.wait()
            try:
                out[k] = c.post("/api/v1/documents", files={"file": (name, data, "text/plain")})
            except BaseException as e:  # noqa: BLE001 - reported below, with the others
                out[k] = e

    threads = [threading.Thread(target=send, args=(k,)) for k in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    failed = [r for r in out if isinstance(r, BaseException)]
    assert not failed, failed
    return out  # type: ignore[return-value]


def test_upload_race_same_file_at_once_is_one_document_no_500(server):
    data = SAMPLES[4].read_bytes()
    answers = _all_at_once(server, [(SAMPLES[4].name, data)] * CLIENTS)
    codes = Counter(r.status_code for r in answers)
    assert set(codes) <= {200, 201}, [(r.status_code, r.text[:300]) for r in answers if r.status_code >= 300]
    statuses = Counter(r.json()["status"] for r in answers)
    assert statuses == {"imported": 1, "unchanged": CLIENTS - 1}, statuses
    assert len({r.json()["document_id"] for r in answers}) == 1
    docs = httpx.get(server + "/api/v1/documents").json()
    assert docs["total"] == 1
    search = httpx.get(server + "/api/v1/search", params={"q": "满意度"}).json()
    one = httpx.get(server + f"/api/v1/documents/{docs['items'][0]['id']}").json()
    assert search["total"] > 0 and len(one["projects"]) > 0


def test_upload_race_versions_of_one_name_get_distinct_versions_and_one_latest(server):
    name = "同名.txt"
    bodies = [(name, p.read_bytes()) for p in SAMPLES[:4]]
    answers = _all_at_once(server, bodies)
    assert all(r.status_code == 201 for r in answers), [(r.status_code, r.text[:300]) for r in answers]
    versions = sorted(r.json()["version"] for r in answers)
    assert versions == [1, 2, 3, 4]
    latest = httpx.get(server + "/api/v1/documents").json()
    assert latest["total"] == 1  # the list shows latest versions only
    every = httpx.get(server + "/api/v1/documents", params={"all_versions": "true"}).json()
    assert every["total"] == 4
    assert sum(1 for d in every["items"] if d.get("is_latest", d["version"] == 4)) == 1


def test_upload_race_same_file_under_two_names_is_stored_once(server):
    data = SAMPLES[2].read_bytes()
    answers = _all_at_once(server, [("甲.txt", data), ("乙.txt", data)] * 3)
    assert all(r.status_code in (200, 201) for r in answers), [(r.status_code, r.text[:300]) for r in answers]
    # the first to be stored is imported, the rest of its name unchanged, the other name's a duplicate of it
    assert Counter(r.json()["status"] for r in answers) == {"imported": 1, "unchanged": 2, "duplicate": 3}
    assert len({r.json()["document_id"] for r in answers}) == 1
    assert httpx.get(server + "/api/v1/documents").json()["total"] == 1
