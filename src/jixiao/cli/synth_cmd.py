"""``jixiao synth``: synthetic tables in the sample layouts, for scale tests."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import UsageError
from ..synth import LAYOUTS, iter_corpus
from .common import out, reports_errors

__all__ = ["synth_command"]


def _eval_tables(outdir: Path, form: str, count: int, fmt: str, seed: int) -> None:
    """``--form selfeval|monitor``: ``count`` tables in each asked format, with what each holds (``.expected.json``)."""
    import json
    import random
    from dataclasses import asdict

    from ..synth_eval import EVAL_FORMS, FORMATS, generate_eval, render_eval

    if form not in EVAL_FORMS:
        raise UsageError(f"--form 只能是 target/{'/'.join(EVAL_FORMS)} / --form must be target or {'/'.join(EVAL_FORMS)}")
    formats = FORMATS if fmt == "all" else (fmt,)
    if any(f not in FORMATS for f in formats):
        raise UsageError(f"--format 只能是 {'/'.join(FORMATS)}/all / --format must be one of {', '.join(FORMATS)}, all")
    if not 0 < count <= 100_000:
        raise UsageError("--count 须在 1–100000 之间 / --count must be in 1..100000")
    outdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{seed}:{form}")
    for k in range(count):
        grid, expected = generate_eval(rng, form)
        stem = f"synth_{form}_{seed}_{k:05d}"
        for f in formats:
            (outdir / f"{stem}.{f}").write_bytes(render_eval(grid, f))
        (outdir / f"{stem}.expected.json").write_text(json.dumps(asdict(expected), ensure_ascii=False, indent=1),
                                                      encoding="utf-8")
    out.print(f"已生成 wrote {count * len(formats)} 个文件 files（{count} 张{'自评表' if form == 'selfeval' else '监控表'} "
              f"{form} tables × {', '.join(formats)}）→ {outdir}", highlight=False)


@reports_errors
def synth_command(
    outdir: Path = typer.Argument(..., help="输出文件夹 / output folder"),
    size_mb: float = typer.Option(1.0, "--size-mb", help="总大小（MB）/ total size in MB"),
    seed: int = typer.Option(20240601, "--seed", help="随机种子：同一种子同样的表 / same seed, same tables"),
    layout: str = typer.Option("mixed", "--layout", help="wrapped|tabular|mixed"),
    form: str = typer.Option("target", "--form",
                             help="target 目标表 | selfeval 自评表 | monitor 监控表 / which table to write"),
    count: int = typer.Option(10, "--count", help="自评表、监控表的张数 / how many selfeval or monitor tables"),
    fmt: str = typer.Option("txt", "--format",
                            help="自评表、监控表的格式 txt|html|xlsx|docx|pdf|all / their file format"),
) -> None:
    """生成合成绩效目标表（样本版式）、自评表或监控表 / write synthetic target, self-evaluation or monitoring tables."""
    if form != "target":
        _eval_tables(outdir, form, count, fmt, seed)
        return
    if layout not in (*LAYOUTS, "mixed"):
        raise UsageError(f"--layout 只能是 {'/'.join(LAYOUTS)}/mixed")
    if not 0 < size_mb <= 10_000:
        raise UsageError("--size-mb 须在 0–10000 之间 / --size-mb must be in (0, 10000]")
    outdir.mkdir(parents=True, exist_ok=True)
    layouts = LAYOUTS if layout == "mixed" else (layout,)
    per_layout = int(size_mb * 1_000_000 / len(layouts))
    n = projects = indicators = 0
    for lay in layouts:
        for k, (text, expected) in enumerate(iter_corpus(seed, lay, per_layout)):
            (outdir / f"synth_{lay}_{seed}_{k:05d}.txt").write_text(text, encoding="utf-8")
            n += 1
            projects += len(expected.projects)
            indicators += sum(len(p.indicators) for p in expected.projects)
    out.print(f"已生成 wrote {n} 个文件 files, {projects} 个项目 projects, {indicators} 个指标 indicators → {outdir}",
              highlight=False)
