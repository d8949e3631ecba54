"""Review settings: which rules run, at what severity, with which thresholds and word lists.

Read from TOML, either a file given with ``--config`` or the
``[tool.jixiao.review]`` table of a ``pyproject.toml`` in the current
directory. A ``--config`` file holds a ``[review]`` table (or is itself a
pyproject.toml with ``[tool.jixiao.review]``)::

    [review]
    disable = ["R19", "R35"]          # switch rules off

    [review.rules.R34]
    min_indicators = 4                # a setting of the rule
    severity = "error"                # every way the rule fires

    [review.rules.R17]
    severities = { over_100 = "warning" }   # one way it fires (a variant)

    [review.rules.R14]
    enabled = false

Anything unknown (a rule id, a setting, a variant, a severity, a value of the
wrong type) is a :class:`~jixiao.errors.ConfigError`: one line, exit code 2.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..errors import ConfigError
from ..model import Severity
from .registry import RULES, SEVERITIES, Rule

__all__ = ["CompiledRule", "ReviewConfig", "RuleConfig", "load_config"]


@dataclass(frozen=True)
class RuleConfig:
    enabled: bool = True
    severity: Severity | None = None
    severities: dict[str, Severity] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CompiledRule:
    """A rule ready to run: its prepared settings and the severity of each variant."""

    rule: Rule
    settings: Any
    severities: dict[str, Severity]
    #: the number in the id (R14 → 14): findings on the same spot are listed in this order
    number: int = 0


@dataclass
class ReviewConfig:
    """Per-rule overrides; a rule not named runs with its registered defaults."""

    rules: dict[str, RuleConfig] = field(default_factory=dict)
    #: where the configuration came from (for messages)
    origin: str | None = None
    _compiled: dict[str, list[CompiledRule]] | None = field(default=None, repr=False, compare=False)
    #: per distinct printed texts of an indicator: their facts and the pure indicator rules' hits
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    # -- building -------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str | None = None) -> ReviewConfig:
        """Validate a ``[review]`` table. Raises :class:`ConfigError` on anything unknown."""
        where = f"（{origin}）" if origin else ""

        def fail(zh: str, en: str) -> ConfigError:
            return ConfigError(f"配置错误{where}：{zh} / config error: {en}", code="config")

        if not isinstance(data, dict):
            raise fail("review 必须是表", "review must be a table")
        unknown = set(data) - {"disable", "rules"}
        if unknown:
            key = sorted(unknown)[0]
            raise fail(f"未知的键 {key!r}（可用：disable, rules）", f"unknown key {key!r} (known: disable, rules)")
        rules: dict[str, dict[str, Any]] = {}
        disable = data.get("disable", [])
        if not isinstance(disable, list) or not all(isinstance(x, str) for x in disable):
            raise fail("disable 必须是规则编号列表", "disable must be a list of rule ids")
        for rid in disable:
            _known_rule(rid, fail)
            rules.setdefault(rid, {})["enabled"] = False
        table = data.get("rules", {})
        if not isinstance(table, dict):
            raise fail("rules 必须是表", "rules must be a table")
        out: dict[str, RuleConfig] = {}
        for rid, body in table.items():
            r = _known_rule(rid, fail)
            if not isinstance(body, dict):
                raise fail(f"rules.{rid} 必须是表", f"rules.{rid} must be a table")
            merged = {**body, **rules.pop(rid, {})}
            out[rid] = _rule_config(r, merged, fail)
        for rid, body in rules.items():
            out[rid] = RuleConfig(enabled=body.get("enabled", True))
        return cls(rules=out, origin=origin)

    # -- running --------------------------------------------------------------------------

    def compiled(self) -> dict[str, list[CompiledRule]]:
        """The enabled rules by scope, settings prepared once and kept."""
        if self._compiled is None:
            by_scope: dict[str, list[CompiledRule]] = {"indicator": [], "project": [], "document": [],
                                                       "indicator_pure": [], "indicator_context": []}
            for rid, r in RULES.items():
                rc = self.rules.get(rid, RuleConfig())
                if not rc.enabled:
                    continue
                ns = SimpleNamespace(**{**r.settings, **rc.settings})
                prepared = r.prepare(ns) if r.prepare else ns
                sev = {k: rc.severities.get(k, rc.severity or v.severity) for k, v in r.variants.items()}
                cr = CompiledRule(r, prepared, sev, int(rid[1:]) if rid[1:].isdigit() else 0)
                by_scope[r.scope].append(cr)
                if r.scope == "indicator":
                    by_scope["indicator_pure" if r.pure else "indicator_context"].append(cr)
            self._compiled = by_scope
            self._memo = {}
        return self._compiled

    def is_enabled(self, rid: str) -> bool:
        return self.rules.get(rid, RuleConfig()).enabled


def _known_rule(rid: Any, fail: Any) -> Rule:
    _ensure_rules()
    if not isinstance(rid, str) or rid not in RULES:
        raise fail(f"未知规则 {rid}（规则编号为 R01–R40）", f"unknown rule {rid} (ids are R01–R40)")
    return RULES[rid]


def _severity(value: Any, what: str, fail: Any) -> Severity:
    if value not in SEVERITIES:
        raise fail(f"{what} 的严重程度 {value!r} 无效（error/warning/info）",
                   f"{what}: severity {value!r} is not one of error, warning, info")
    return value  # type: ignore[no-any-return]


def _rule_config(r: Rule, body: dict[str, Any], fail: Any) -> RuleConfig:
    enabled = body.pop("enabled", True)
    if not isinstance(enabled, bool):
        raise fail(f"rules.{r.id}.enabled 必须是 true/false", f"rules.{r.id}.enabled must be true or false")
    severity = body.pop("severity", None)
    if severity is not None:
        severity = _severity(severity, f"rules.{r.id}", fail)
    severities = body.pop("severities", {})
    if not isinstance(severities, dict):
        raise fail(f"rules.{r.id}.severities 必须是表", f"rules.{r.id}.severities must be a table")
    for variant, sev in severities.items():
        if variant not in r.variants:
            known = ", ".join(r.variants)
            raise fail(f"规则 {r.id} 没有 {variant!r} 这一情形（可用：{known}）",
                       f"rule {r.id} has no variant {variant!r} (known: {known})")
        _severity(sev, f"rules.{r.id}.severities.{variant}", fail)
    settings: dict[str, Any] = {}
    for key, value in body.items():
        if key not in r.settings:
            known = ", ".join(r.settings) or "无 none"
            raise fail(f"规则 {r.id} 没有设置 {key!r}（可用：{known}）",
                       f"rule {r.id} has no setting {key!r} (known: {known})")
        settings[key] = _typed(r.id, key, value, r.settings[key], fail)
    return RuleConfig(enabled=enabled, severity=severity, severities=dict(severities), settings=settings)


def _typed(rid: str, key: str, value: Any, default: Any, fail: Any) -> Any:
    """``value`` if it has the type of the default (an int is accepted for a float)."""
    ok: bool
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, (int, float)):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok and isinstance(default, int) and not isinstance(default, bool):
            ok = isinstance(value, int) or float(value).is_integer()
            value = int(value) if ok else value
    elif isinstance(default, list):
        ok = isinstance(value, list) and all(isinstance(x, str) for x in value)
    else:
        ok = isinstance(value, type(default))
    if not ok:
        kind = {bool: "true/false", int: "整数 integer", float: "数 number", list: "字符串列表 list of strings",
                str: "字符串 string"}.get(type(default), type(default).__name__)
        raise fail(f"rules.{rid}.{key} 应为 {kind}，得到 {value!r}", f"rules.{rid}.{key} must be {kind}, got {value!r}")
    if isinstance(default, (int, float)) and not isinstance(default, bool) and value < 0:
        raise fail(f"rules.{rid}.{key} 不能为负数", f"rules.{rid}.{key} must not be negative")
    return value


def _ensure_rules() -> None:
    from . import rules  # noqa: F401  (registers every rule)


def load_config(path: str | Path | None = None, *, cwd: str | Path | None = None) -> ReviewConfig:
    """The configuration in ``path``, else ``[tool.jixiao.review]`` of ``cwd``/pyproject.toml, else defaults."""
    _ensure_rules()
    if path is not None:
        p = Path(path)
        data = _read_toml(p)
        if "review" in data:
            return ReviewConfig.from_dict(data["review"], str(p))
        section = data.get("tool", {}).get("jixiao", {}).get("review")
        if section is None:
            raise ConfigError(f"配置错误（{p}）：没有 [review] 或 [tool.jixiao.review] 表 / "
                              f"config error: no [review] or [tool.jixiao.review] table", code="config")
        return ReviewConfig.from_dict(section, str(p))
    pyproject = Path(cwd or ".") / "pyproject.toml"
    if pyproject.is_file():
        section = _read_toml(pyproject).get("tool", {}).get("jixiao", {}).get("review")
        if section is not None:
            return ReviewConfig.from_dict(section, str(pyproject))
    return ReviewConfig()


def _read_toml(p: Path) -> dict[str, Any]:
    try:
        with p.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"配置文件不存在：{p} / config file not found", code="config") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"无法读取配置文件 {p}：{e} / cannot read config file", code="config") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"配置文件 {p} 不是有效的 TOML：{e} / not valid TOML", code="config") from None
