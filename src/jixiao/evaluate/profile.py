"""A scoring profile: the weights and rules a place scores its self-evaluation tables by.

Profiles are TOML (``profiles/*.toml`` ship with jixiao; a user's own file loads the same
way). A profile may name a ``base`` profile and change only what differs: a province's
table keeps the national formulas and sets its own budget weight, so a file says only that.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["Band", "Profile", "ProfileError", "load_profile", "profile_names"]


class ProfileError(ValueError):
    """A profile that cannot be found or read (one line, Chinese first)."""


@dataclass(frozen=True)
class Band:
    """A 定性 grade band: the actual value's words place an indicator in it, scored low–high × 分值."""

    name: str
    low: float
    high: float
    words: tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    title_en: str
    source: str
    #: 预算执行率's 分值 when the table prints none
    budget_weight: float
    budget_cap: bool
    #: 一级指标 → its weight (the level totals)
    levels: dict[str, float]
    #: score an indicator against the 分值 the table prints
    table_weights: bool
    #: cap 正向/反向 at the weight
    cap: bool
    #: a rubric form (评分标准 text): scores are held to their 分值, not recomputed
    rubric: bool
    #: a column whose percentage × weight is the printed score (重庆 得分系数)
    coefficient_column: str | None
    bands: tuple[Band, ...]
    #: (grade, minimum total), highest first
    grades: tuple[tuple[str, float], ...]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def grade(self, total: float | None) -> str | None:
        if total is None:
            return None
        for name, low in self.grades:
            if total >= low:
                return name
        return self.grades[-1][0] if self.grades else None


def profile_names() -> list[str]:
    """The shipped profiles' names."""
    root = resources.files(__package__) / "profiles"
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def _raw(name_or_path: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    if name_or_path in seen:
        raise ProfileError(f"评分配置循环继承 profile inherits itself: {' → '.join((*seen, name_or_path))}")
    path = Path(name_or_path)
    try:
        if name_or_path.endswith(".toml"):
            text = path.read_text(encoding="utf-8")
        elif name_or_path in profile_names():
            text = (resources.files(__package__) / "profiles" / f"{name_or_path}.toml").read_text(encoding="utf-8")
        else:
            raise ProfileError(f"没有评分配置 no such profile: {name_or_path} "
                               f"（可用 available: {', '.join(profile_names())}，或 .toml 文件路径 or a .toml path）")
        data = tomllib.loads(text)
    except OSError as e:
        raise ProfileError(f"读不了评分配置 cannot read profile {name_or_path}: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ProfileError(f"评分配置不是合法的 TOML profile is not valid TOML: {name_or_path}: {e}") from None
    base = data.get("base")
    if base:
        return _merge(_raw(base, (*seen, name_or_path)), data)
    return data


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` on ``base``: tables merge key by key, anything else (lists included) replaces."""
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _num(d: dict[str, Any], key: str, default: float, where: str) -> float:
    v = d.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ProfileError(f"评分配置的 {where}.{key} 应为数字 must be a number, not {v!r}")
    return float(v)


def load_profile(name_or_path: str = "national") -> Profile:
    """A shipped profile by name (``national``, ``hubei`` …) or a TOML file by path."""
    d = _raw(name_or_path)
    budget, ind = d.get("budget", {}), d.get("indicators", {})
    try:
        bands = tuple(Band(str(b["name"]), float(b["low"]), float(b["high"]), tuple(map(str, b.get("words", []))))
                      for b in d.get("bands", []))
        grades = tuple(sorted(((str(g["name"]), float(g["min"])) for g in d.get("grades", [])),
                              key=lambda g: -g[1]))
        levels = {str(k): float(v) for k, v in d.get("levels", {}).items()}
    except (KeyError, TypeError, ValueError) as e:
        raise ProfileError(f"评分配置的档次或权重写错了 bad bands/grades/levels in {name_or_path}: {e}") from None
    return Profile(
        name=str(d.get("name", Path(name_or_path).stem)), title=str(d.get("title", name_or_path)),
        title_en=str(d.get("title_en", name_or_path)), source=str(d.get("source", "")),
        budget_weight=_num(budget, "weight", 10, "budget"), budget_cap=bool(budget.get("cap", True)),
        levels=levels, table_weights=bool(ind.get("table_weights", True)), cap=bool(ind.get("cap", True)),
        rubric=bool(ind.get("rubric", False)), coefficient_column=ind.get("coefficient_column"),
        bands=bands, grades=grades, raw=d,
    )
