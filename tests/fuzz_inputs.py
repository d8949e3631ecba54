"""Inputs and checks for the fuzz harness (tests/test_fuzz.py, ``make fuzz``; issue 18, "fuzzing kept").

Two sources of inputs:

* structure: a synthetic table (jixiao.synth, random projects and indicators) rendered as text,
  as an HTML table and as CSV, so every reader of a text-like format sees a table it should read;
* bytes: the sample tables in every format (``../shared/formats``, ``../shared/seeds``, the bundled
  samples, tests/data/formats) mutated byte by byte — cut, bits flipped, bytes inserted or dropped,
  a ZIP's member removed or its XML broken — and, for the text-like ones, changed in ways that keep
  their structure (white space doubled, full-width punctuation for half-width and back).

The checks are the issue's four: no foreign exception (a JixiaoError or a Document), no hang past
the budget, every character of the source fed a span or the residue, and no silent loss (a
structure-preserving change that reads fewer projects says so in a warning).
"""

from __future__ import annotations

import csv
import html
import io
import random
import signal
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import jixiao
from jixiao.errors import JixiaoError
from jixiao.model import Document
from jixiao.parse.residue import all_spans
from test_read_damaged import _rezipped

HERE = Path(__file__).parent
SHARED = HERE.parent.parent / "shared"
if not SHARED.is_dir():  # a worktree beside the main checkout: /work/wt-x/../shared
    SHARED = HERE.parent.parent.parent / "shared"

#: seconds one parse may take before the harness calls it a hang (OCR of a page takes a few)
BUDGET_S = {"jpeg": 120.0, "pdf": 60.0, "scan": 120.0}
DEFAULT_BUDGET_S = 30.0
#: what read() calls a failure no reader named: a reader should name its own
UNNAMED = ("corrupt", "parse-failed")


def samples() -> dict[str, list[Path]]:
    """Sample tables by format: the project's own, plus ../shared's where that checkout has it."""
    own = sorted((Path(jixiao.__file__).parent / "samples").glob("*.txt"))
    formats = HERE / "data" / "formats"
    out: dict[str, list[Path]] = {
        "text": own,
        "html": sorted(formats.glob("*.html"))[:4],
        "xlsx": sorted(formats.glob("*.xlsx"))[:4],
        "docx": sorted(formats.glob("*.docx"))[:4],
        "pdf": sorted(formats.glob("*.pdf"))[:2],
        "jpeg": sorted(formats.glob("*.jpg"))[:1],
    }
    if (SHARED / "formats").is_dir():
        for fmt in ("html", "xlsx", "docx", "pdf"):
            out[fmt] = sorted((SHARED / "formats" / fmt).glob("*")) + out[fmt]
        out["pdf"] += sorted((SHARED / "formats" / "pdf-split").glob("*.pdf"))
        out["scan"] = sorted((SHARED / "formats" / "scan").glob("*.pdf"))
    if (SHARED / "seeds").is_dir():
        out["text"] = sorted((SHARED / "seeds").glob("*.txt")) + out["text"]
    return {k: v for k, v in out.items() if v}


# -- structure: synthetic tables in three renderings ---------------------------------------

def table_text(seed: int, layout: str, n_projects: int) -> tuple[str, int]:
    """A synthetic table as text and the number of projects it holds."""
    from jixiao.synth import generate

    text, expected = generate(random.Random(seed), layout, n_projects, max_indicators=5)
    return text, len(expected.projects)


def as_html(text: str) -> str:
    """The text's lines as rows of an HTML table, its tab-separated cells as cells."""
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>\n"
                   for line in text.splitlines() if line.strip())
    return f"<html><body><table>\n{rows}</table></body></html>"


def as_csv(text: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in text.splitlines():
        if line.strip():
            writer.writerow(line.split("\t"))
    return out.getvalue()


# -- bytes: mutations ------------------------------------------------------------------

def _damage(rnd: random.Random, data: bytes, n: int) -> bytes:
    b = bytearray(data)
    for _ in range(n):
        if not b:
            break
        at, op = rnd.randrange(len(b)), rnd.randrange(4)
        if op == 0:
            b[at] ^= 1 << rnd.randrange(8)
        elif op == 1:
            b[at] = rnd.randrange(256)
        elif op == 2:
            b[at:at] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 8)))
        else:
            del b[at:at + rnd.randint(1, 16)]
    return bytes(b)


def byte_mutants(data: bytes, seed: int) -> Iterator[tuple[str, bytes]]:
    """(what was done, damaged bytes): a cut, bytes changed, a slice repeated, and for a ZIP a member
    removed or its XML damaged."""
    rnd = random.Random(seed)
    yield f"truncated (seed {seed})", data[:rnd.randrange(1, len(data))]
    yield f"bytes changed (seed {seed})", _damage(rnd, data, rnd.randint(1, 12))
    a = rnd.randrange(len(data))
    b = min(len(data), a + rnd.randint(1, 4096))
    yield f"slice repeated (seed {seed})", data[:b] + data[a:b] * rnd.randint(2, 6) + data[b:]
    if data.startswith(b"PK"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return
        gone, broken = rnd.choice(names), rnd.choice(names)
        yield f"{gone} removed (seed {seed})", _rezipped(data, lambda n, d: None if n == gone else d)
        yield f"{broken} damaged (seed {seed})", _rezipped(
            data, lambda n, d: _damage(rnd, d, rnd.randint(1, 6)) if n == broken and d else d)


_SWAPS = [("：", ":"), (":", "："), ("；", ";"), (";", "；"), ("，", ","), (",", "，"), ("（", "("), ("）", ")")]


def same_structure(text: str, seed: int) -> tuple[str, str]:
    """(what was done, the text) changed so that a reader of tables reads the same projects: spaces
    doubled, spaces added at the ends of lines, or one kind of punctuation in its other width."""
    rnd = random.Random(seed)
    op = rnd.randrange(3)
    if op == 0:
        return f"spaces doubled (seed {seed})", text.replace(" ", "  ")
    if op == 1:
        return f"trailing spaces (seed {seed})", "\n".join(line + " " * rnd.randint(0, 3) for line in text.split("\n"))
    old, new = rnd.choice(_SWAPS)
    return f"{old!r} → {new!r} (seed {seed})", text.replace(old, new)


# -- running and checking ---------------------------------------------------------------

class Hang(BaseException):  # not an Exception: no reader's broad except may take it for damage
    pass


@contextmanager
def budget(seconds: float):
    """Raise Hang in this (main) thread past ``seconds``: the parse the harness runs stops there."""
    def _alarm(signum, frame):
        raise Hang(f"past its budget of {seconds:.0f} s")

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@dataclass
class Tally:
    """What a run did: inputs fed, documents read, errors by code, and failures (which fail the test)."""

    inputs: int = 0
    documents: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")

    def line(self) -> str:
        named = sum(self.errors.values())
        top = ", ".join(f"{k} {v}" for k, v in sorted(self.errors.items(), key=lambda kv: -kv[1])[:8])
        return (f"inputs {self.inputs}, documents {self.documents}, named errors {named} ({top}), "
                f"failures {len(self.failures)}, slowest {self.slowest[0]:.1f} s ({self.slowest[1]})")


def uncovered(doc: Document) -> list[tuple[int, int]]:
    """Runs of source characters that no field, syntax or residue span covers and that are not
    white space or punctuation (which residue.py leaves out as structure)."""
    src = doc.source_text
    cov = bytearray(len(src))
    for sp in [*all_spans(doc), *doc.syntax, *(r.span for r in doc.residue)]:
        a, b = max(0, sp.start), min(len(src), sp.end)
        if a < b:
            cov[a:b] = b"\x01" * (b - a)
    runs: list[tuple[int, int]] = []
    for i, ch in enumerate(src):
        if cov[i] or not (ch.isalnum() or ch == "_"):
            continue
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def parse_checked(path: Path, fmt: str, what: str, tally: Tally) -> Document | None:
    """Parse ``path`` under its budget; a Document or None (a named JixiaoError), a failure noted in
    ``tally`` for anything else."""
    tally.inputs += 1
    start = time.perf_counter()
    try:
        with budget(BUDGET_S.get(fmt, DEFAULT_BUDGET_S)):
            doc = jixiao.parse(path)
    except JixiaoError as e:
        tally.errors[e.code] = tally.errors.get(e.code, 0) + 1
        if "\n" in e.message or " / " not in e.message:
            tally.failures.append(f"{fmt} {what}: not a one-line 中文 / English error: {e.message!r}")
        elif e.code in UNNAMED:
            tally.failures.append(f"{fmt} {what}: unnamed failure {e.code}: {e.message} ({e.__cause__!r})")
        return None
    except Hang as e:
        tally.failures.append(f"{fmt} {what}: hang, {e}")
        return None
    except Exception as e:  # what the harness is for
        tally.failures.append(f"{fmt} {what}: foreign exception {type(e).__module__}.{type(e).__name__}: {e}")
        return None
    finally:
        took = time.perf_counter() - start
        if took > tally.slowest[0]:
            tally.slowest = (took, f"{fmt} {what}")
    tally.documents += 1
    lost = uncovered(doc)
    if lost:
        a, b = lost[0]
        tally.failures.append(f"{fmt} {what}: {len(lost)} runs fed no span nor the residue, first "
                              f"{doc.source_text[a:b]!r} at {a}")
    return doc


def silent_loss(before: Document | None, after: Document | None) -> str | None:
    """A message when ``after`` (a structure-preserving change of ``before``'s source) holds fewer
    projects without a warning."""
    if before is None or after is None:
        return None  # a refusal is not silent
    if len(after.projects) < len(before.projects) and not after.all_warnings():
        return f"{len(before.projects)} projects became {len(after.projects)} with no warning"
    return None
