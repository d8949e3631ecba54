"""Start-up of ``jixiao parse`` (issue 17): what a small table's parse must not import, and the fuzzy
label match that its pruning must keep exactly as it was."""

from __future__ import annotations

import subprocess
import sys
from difflib import SequenceMatcher
from pathlib import Path

from jixiao.parse import labels
from jixiao.parse.grid import _related
from jixiao.parse.labels import match_label

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "jixiao" / "samples"
FORM_TABLE = SAMPLES / "003_f507fa9b2bf73cac.txt"  # a one-project form: the start-up benchmark's table

# what the form's parse never uses: the self-evaluation reader, the summary and prose layouts, the
# numbered-indicator grammars, the tree view and rich
NOT_FOR_A_FORM = ["jixiao.parse.eval_reader", "jixiao.parse.indicators", "jixiao.parse.prose",
                  "jixiao.parse.summary", "jixiao.render.tree", "rich"]


def _modules_after(argv: list[str]) -> tuple[str, list[str]]:
    """(stdout, the modules of NOT_FOR_A_FORM imported) of ``jixiao *argv`` run in a fresh process."""
    code = ("import sys\nfrom jixiao.cli.main import app\n"
            f"sys.argv = ['jixiao', *{argv!r}]\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            f"print('imported:', *(m for m in {NOT_FOR_A_FORM!r} if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
    head, _, last = out.rpartition("imported:")
    return head, last.split()


def test_parse_of_a_form_imports_only_what_a_form_uses():
    out, imported = _modules_after(["parse", str(FORM_TABLE), "--format", "json"])
    assert '"form": "project"' in out and '"indicators": [' in out  # the JSON itself was printed
    assert imported == []


def test_the_tree_view_still_imports_rich():
    out, imported = _modules_after(["parse", str(FORM_TABLE)])
    assert "济南市电化教育馆" in out
    assert "rich" in imported and "jixiao.render.tree" in imported


def _brute_force(text: str) -> tuple[str, str] | None:
    """match_label as it was: SequenceMatcher's ratio against every label of a near length."""
    key = labels.strip_noise(labels.LABEL_UNIT_RE.sub("", text))
    if not key or len(key) > 16:
        return None
    if (exact := labels._ALL.get(key)) is not None:
        return exact, labels._kind(exact)
    if len(key) < 3:
        return None
    best, best_r = None, 0.0
    for k, label in labels._ALL.items():
        if abs(len(k) - len(key)) > 2 or len(k) < 3:
            continue
        if (r := SequenceMatcher(None, key, k).ratio()) > best_r:
            best, best_r = label, r
    return (best, labels._kind(best)) if best is not None and best_r >= (0.74 if len(key) >= 4 else 0.85) else None


def test_fuzzy_label_match_finds_what_every_ratio_found():
    # every label with one character dropped, doubled or misread, and every cell of the samples
    cells = {c.strip() for p in SAMPLES.glob("*.txt") for line in p.read_text("utf-8").splitlines()
             for c in line.replace("|", "\t").split("\t")}
    for k in labels._ALL:
        for i in range(len(k)):
            cells |= {k[:i] + k[i + 1:], k[:i] + k[i] + k[i:], k[:i] + "東" + k[i + 1:]}
    found = 0
    for text in sorted(cells):
        new = match_label.__wrapped__(text)
        assert (tuple(new) if new is not None else None) == _brute_force(text), text
        found += new is not None
    assert found > 500  # most of the misread labels are still found


def _related_every_ratio(a: str, b: str) -> bool:
    """grid._related as it was: the ratio worked out for every pair of five characters or more."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 4 and (long_.startswith(short) or long_.endswith(short)):
        return True
    return len(short) >= 5 and SequenceMatcher(None, short, long_[: len(short)]).ratio() >= 0.8


def test_related_names_are_those_every_ratio_found():
    names = sorted({c.strip() for p in SAMPLES.glob("*.txt") for line in p.read_text("utf-8").splitlines()
                    for c in line.replace("|", "\t").split("\t") if 3 <= len(c.strip()) <= 30})
    related = 0
    for i, a in enumerate(names):
        misread = a[:2] + "東" + a[3:]  # one character misread, and the next name: mostly unrelated
        for b in (misread, misread + "等", names[(i + 1) % len(names)], names[(i * 7) % len(names)]):
            assert _related(a, b) == _related_every_ratio(a, b), (a, b)
            related += _related(a, b)
    assert related > len(names)  # the misreads are found related
