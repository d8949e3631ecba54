"""The OCR engine — rapidocr on onnxruntime — built once per process: its settings, threads and device.

:func:`detect` reads a whole page (detector, then the recogniser over the boxes it found, a batch at a
time); :func:`recognise` reads many single-line crops with the recogniser alone, in one call, so the
re-reads of a page's cells and missed lines go through the model in batches rather than one crop each.

The settings were chosen by measurement on ../shared/formats/scan (``benchmarks/ocr_settings.py``, the
table in docs/scaling.md): only those at equal or better score on the gold (../shared/gold) were kept.
"""

from __future__ import annotations

import os

__all__ = ["ENGINE_SETTINGS", "detect", "engine", "engine_settings", "on_gpu", "recognise", "threads"]

#: rapidocr's keyword arguments (its config.yaml's keys, prefixed ``det_``, ``cls_``, ``rec_`` per model).
ENGINE_SETTINGS: dict[str, object] = {
    "det_limit_type": "min",
    "det_limit_side_len": 736,
    "use_cls": False,  # the pages are deskewed first: 1 % faster, one field of 003 read better
    "rec_batch_num": 6,
}

#: onnxruntime's memory arena for the CPU provider: rapidocr turns it off, so every run of a model
#: allocates its buffers afresh; kept, the recogniser read the same 406 crops with the same text in
#: 0.77× the CPU time (docs/scaling.md, OCR).
CPU_ARENA = True

_ENGINE: list = []


def threads() -> int:
    """onnxruntime's intra-op threads: ``JIXIAO_OCR_THREADS``, else the cores this process may run on
    (not all the machine's: a worker pinned to one core, or one of N processes, must not run N threads)."""
    wanted = os.environ.get("JIXIAO_OCR_THREADS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


def on_gpu() -> bool:
    """True when onnxruntime offers its CUDA provider and ``JIXIAO_OCR_DEVICE`` is not ``cpu``."""
    if os.environ.get("JIXIAO_OCR_DEVICE", "").strip().lower() == "cpu":
        return False
    import onnxruntime

    return "CUDAExecutionProvider" in onnxruntime.get_available_providers()


def engine_settings() -> dict[str, object]:
    """The keyword arguments the engine is built with: :data:`ENGINE_SETTINGS`, the threads, the device."""
    gpu = on_gpu()
    return {**ENGINE_SETTINGS, "intra_op_num_threads": min(threads(), os.cpu_count() or 1),
            "inter_op_num_threads": 1, "det_use_cuda": gpu, "cls_use_cuda": gpu, "rec_use_cuda": gpu}


def engine():
    """The process's OCR engine, built on first use (loading the models takes a second)."""
    if not _ENGINE:
        from rapidocr_onnxruntime import RapidOCR

        ocr = RapidOCR(**engine_settings())
        if CPU_ARENA:
            for model in (ocr.text_det.infer, ocr.text_cls.infer, ocr.text_rec.session):
                _with_arena(model)
        _ENGINE.append(ocr)
    return _ENGINE[0]


def _with_arena(model) -> None:
    """Open a rapidocr model's onnxruntime session again, the same but for the CPU memory arena kept on."""
    import onnxruntime

    old = model.session
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = old.get_session_options().intra_op_num_threads
    options.inter_op_num_threads = old.get_session_options().inter_op_num_threads
    options.enable_cpu_mem_arena = True
    model.session = onnxruntime.InferenceSession(old._model_path, sess_options=options,
                                                 providers=old.get_providers())


def _rgb(image):
    import numpy as np

    return np.stack([image] * 3, axis=-1) if image.ndim == 2 else image


def detect(image) -> list:
    """Given a page image (numpy, grey or RGB), return the engine's ``[box, text, score]`` per text box."""
    found, _ = engine()(_rgb(image))
    return found or []


def recognise(crops: list) -> list[tuple[str, float]]:
    """Given crops of single text lines (numpy, grey or RGB), return ``(text, score)`` for each, in order:
    the recogniser alone, all the crops in one call. Each crop is prepared as the engine prepares an image
    it is given alone (its size limits), so a crop reads the same as through ``engine()(crop, use_det=False)``."""
    kept = [k for k, c in enumerate(crops) if c.size]  # an empty crop reads as nothing
    if not kept:
        return [("", 0.0)] * len(crops)
    ocr = engine()
    found, _ = ocr.text_rec([ocr.preprocess(ocr.load_img(_rgb(crops[k])))[0] for k in kept])
    reads = [("", 0.0)] * len(crops)
    for k, (text, score, *_) in zip(kept, found, strict=True):
        reads[k] = (str(text), float(score))
    return reads
