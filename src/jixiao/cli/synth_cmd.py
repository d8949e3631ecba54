"""``jixiao synth``: synthetic tables in the sample layouts, for scale tests."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import UsageError
from .common import out, reports_errors

__all__ = ["synth_command"]


@reports_errors
def synth_command(
    outdir: Path = typer.Argument(..., help="输出文件夹 / output folder"),
    size_mb: float = typer.Option(1.0, "--size-mb", help="总大小（MB）/ total size in MB"),
    seed: int = typer.Option(20240601, "--seed", help="随机种子：同一种子同样的表 / same seed, same tables"),
    layout: str = typer.Option("mixed", "--layout", help="wrapped|tabular|mixed"),
) -> None:
    """生成合成绩效目标表（样本版式）/ write synthetic tables in the sample layouts."""
    from ..synth import LAYOUTS, iter_corpus
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
