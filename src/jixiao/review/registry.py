"""The rule registry: every review rule, registered under its stable id.

A rule is a small function plus what a reader needs to trust it: severity,
a Chinese and an English message, the reasoning, the source it rests on, the
settings (thresholds, word lists) a configuration may change, and a bad and
a good example. ``@rule(...)`` registers one; :data:`RULES` holds them in id
order once :mod:`jixiao.review.rules` is imported.

Scopes, i.e. what the check function is given:

* ``indicator`` — ``check(v, s)`` once per indicator; ``v`` is the engine's
  :class:`~jixiao.review.engine.IndicatorView` (reused, never kept). A
  *pure* indicator rule (the default) reads only the indicator's texts —
  ``v.cat``, ``v.name``, ``v.annual``, ``v.period`` and the printed
  level/name/value fields of ``v.ind`` — so the engine may reuse its hits for
  every indicator with the same texts; a rule that reads the project, the
  document or ``v.ind.seq`` declares ``pure=False``, and may add
  ``needs=`` — a test ``needs(v, s)`` on the indicator's texts alone that
  is true whenever the rule could fire; the engine evaluates it once per
  distinct texts and skips the rule on every indicator where it is false
  (most of them: R12 needs an empty value, R23 an amount of money);
* ``project`` — ``check(p, s)`` once per project (a ``ProjectView``);
* ``document`` — ``check(d, s)`` once per document (a ``DocumentView``).

``s`` is the rule's prepared settings (``prepare(settings)`` when the rule has
one, else a namespace of the settings). A check returns ``None``, one
:class:`Hit` or a list of them; it never raises on bad data and does no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Literal, NamedTuple

from ..model import Severity, Span

__all__ = ["RULES", "SEVERITIES", "Hit", "Rule", "Variant", "hit", "rule"]

Scope = Literal["indicator", "project", "document"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


class Hit(NamedTuple):
    """One thing a check found; the engine turns it into a :class:`~jixiao.model.Finding`.

    ``indicator``/``project`` are indices (``None``: the current one for an
    indicator rule, none for a document rule); ``span`` overrides the span the
    engine would look up for ``field``.
    """

    field: str | None
    #: the message's ``{name}`` values as (name, value) pairs: hashable, so equal hits format once
    params: tuple[tuple[str, Any], ...]
    variant: str = "default"
    indicator: int | None = None
    project: int | None = None
    span: Span | None = None


def hit(field: str | None, variant: str = "default", *, indicator: int | None = None,
        project: int | None = None, span: Span | None = None, **params: Any) -> Hit:
    return Hit(field, tuple(params.items()), variant, indicator, project, span)


@dataclass(frozen=True)
class Variant:
    """One way a rule can fire: its own severity and message (``{name}`` fields come from the hit)."""

    severity: Severity
    message: str
    message_en: str


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    group: str
    scope: Scope
    title: str
    title_en: str
    variants: dict[str, Variant]
    reasoning: str
    source: str
    inferred: bool
    settings: dict[str, Any]
    bad: str
    good: str
    check: Callable[..., Any]
    prepare: Callable[[SimpleNamespace], Any] | None = None
    #: rules whose findings on the same indicator this rule's finding makes redundant
    supersedes: tuple[str, ...] = ()
    settings_doc: dict[str, str] = field(default_factory=dict)
    #: an indicator rule whose hits depend only on the indicator's texts (see the module docstring)
    pure: bool = True
    #: for a rule with ``pure=False``: ``needs(v, s)`` is false only where the rule cannot fire,
    #: and reads only the indicator's texts (see the module docstring)
    needs: Callable[[Any, Any], bool] | None = None

    @property
    def severity(self) -> Severity:
        """The default severity (of the ``default`` variant)."""
        return self.variants["default"].severity


RULES: dict[str, Rule] = {}


def rule(id: str, *, name: str, group: str, scope: Scope, title: str, title_en: str,
         severity: Severity, message: str, message_en: str, reasoning: str, source: str,
         inferred: bool = False, variants: Mapping[str, tuple[Severity, str, str]] | None = None,
         settings: Mapping[str, Any] | None = None, settings_doc: Mapping[str, str] | None = None,
         bad: str = "", good: str = "", prepare: Callable[[SimpleNamespace], Any] | None = None,
         supersedes: tuple[str, ...] = (), pure: bool = True,
         needs: Callable[[Any, Any], bool] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated check function as rule ``id``."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if id in RULES:
            raise ValueError(f"rule {id} registered twice")
        if needs is not None and (pure or scope != "indicator"):
            raise ValueError(f"rule {id}: needs= is for indicator rules with pure=False")
        vs = {"default": Variant(severity, message, message_en)}
        for key, (sev, zh, en) in (variants or {}).items():
            vs[key] = Variant(sev, zh, en)
        RULES[id] = Rule(
            id=id, name=name, group=group, scope=scope, title=title, title_en=title_en, variants=vs,
            reasoning=reasoning, source=source, inferred=inferred, settings=dict(settings or {}),
            settings_doc=dict(settings_doc or {}), bad=bad, good=good, check=fn, prepare=prepare,
            supersedes=supersedes, pure=pure, needs=needs,
        )
        return fn

    return register
