"""Linking self-evaluation and monitoring forms to the target tables they report on (issue 16).

A target is published in spring (项目支出绩效目标表), monitored in summer
(绩效监控表) and evaluated after the year (绩效自评表). :mod:`.match` says,
without a database, how alike two projects and two indicators are;
:mod:`.store` finds the candidates in the store, keeps the links current on
every import and takes a person's corrections, which no later import undoes.
"""

from __future__ import annotations

from .match import department_key, indicator_pairs, project_key, project_score

__all__ = ["department_key", "indicator_pairs", "project_key", "project_score"]
