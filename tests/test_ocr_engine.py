"""The OCR engine's set-up: threads, the device it runs on, batched reading; and CI's one allowed skip."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.read.scan import ocr_available

FIXTURES = Path(__file__).parent / "data" / "formats"
needs_ocr = pytest.mark.skipif(not ocr_available(), reason="the ocr extra (rapidocr, opencv) is not installed")


def _has_cuda() -> bool:
    try:
        import onnxruntime
    except ImportError:
        return False
    return "CUDAExecutionProvider" in onnxruntime.get_available_providers()


def test_threads_follow_the_environment_then_the_cores_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from jixiao.read import scanengine

    monkeypatch.setenv("JIXIAO_OCR_THREADS", "3")
    assert scanengine.threads() == 3
    monkeypatch.setenv("JIXIAO_OCR_THREADS", "")
    assert scanengine.threads() == len(os.sched_getaffinity(0))


def test_cpu_can_be_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.read import scanengine

    monkeypatch.setenv("JIXIAO_OCR_DEVICE", "cpu")
    settings = scanengine.engine_settings()
    assert not scanengine.on_gpu()
    assert not any(settings[k] for k in ("det_use_cuda", "cls_use_cuda", "rec_use_cuda"))


@needs_ocr
def test_crops_read_in_one_batch_read_as_each_alone() -> None:
    """The re-reads go through the recogniser together; a crop reads as it did alone (main's way)."""
    import numpy as np
    from PIL import Image

    from jixiao.read import scanengine

    page = np.asarray(Image.open(FIXTURES / "scan_cut_turned_page.jpg").convert("L"))
    found = scanengine.detect(page)
    boxes = [(int(min(p[0] for p in b)), int(min(p[1] for p in b)), int(max(p[0] for p in b)),
              int(max(p[1] for p in b))) for b, _, _ in found[:4]]
    crops = [page[t:bt + 1, x0:x1 + 1] for x0, t, x1, bt in boxes]
    together = scanengine.recognise([*crops, page[:0, :0]])
    alone = [scanengine.recognise([c])[0] for c in crops]
    assert [t for t, _ in together[:-1]] == [t for t, _ in alone] and together[-1] == ("", 0.0)
    assert all(t for t, _ in alone)


_ON_CUDA = r"""
import json
from jixiao.read import scanengine
ocr = scanengine.engine()
sessions = (ocr.text_det.infer.session, ocr.text_cls.infer.session, ocr.text_rec.session.session)
print(json.dumps({"providers": [s.get_providers()[0] for s in sessions]}))
"""


@pytest.mark.needs_gpu
@needs_ocr
def test_the_engine_runs_on_the_gpu_where_there_is_one() -> None:
    """Where onnxruntime offers CUDA, every model runs on it and a cut of a scan reads as on the CPU."""
    from conftest import NO_GPU

    if not _has_cuda():
        pytest.skip(NO_GPU)
    got = json.loads(subprocess.run([sys.executable, "-c", _ON_CUDA], capture_output=True, text=True,
                                    check=True).stdout)
    assert got["providers"] == ["CUDAExecutionProvider"] * 3
    cmd = [sys.executable, "-m", "jixiao", "parse", str(FIXTURES / "scan_cut_turned_page.jpg"), "--format", "json"]
    on_gpu = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    on_cpu = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True,
                                       env={**__import__("os").environ, "JIXIAO_OCR_DEVICE": "cpu"}).stdout)
    assert on_gpu["projects"] and [p["name"] for p in on_gpu["projects"]] == [p["name"] for p in on_cpu["projects"]]


_CI_SKIPS = '''
import pytest

@pytest.mark.needs_gpu
def test_no_gpu():
    from conftest import NO_GPU
    pytest.skip(NO_GPU)

@pytest.mark.needs_gpu
def test_gpu_marked_other_reason():
    pytest.skip("some package missing")

def test_plain_skip():
    pytest.skip("no database")
'''


def test_ci_lets_through_only_a_gpu_tests_skip_for_want_of_a_gpu(tmp_path: Path) -> None:
    """Under JIXIAO_CI=1 the conftest fails every skip but a needs_gpu test's for want of a GPU."""
    import os
    import shutil

    shutil.copy(Path(__file__).parent / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_skips.py").write_text(_CI_SKIPS, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    needs_gpu: gpu\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "JIXIAO_CI": "1"})
    out = run.stdout
    assert "2 failed, 1 skipped" in out and "SKIPPED [1] test_skips.py:7: no CUDA GPU here" in out
    assert "FAILED test_skips.py::test_gpu_marked_other_reason" in out
    assert "FAILED test_skips.py::test_plain_skip" in out
