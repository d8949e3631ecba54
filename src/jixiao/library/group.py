"""Which indicator names measure the same thing: the rule, and grouping by it.

Measured on the labelled pairs in ``tests/data/library/pairs.json``
(``python benchmarks/library_grouping.py`` prints every method tried, its
precision and recall). What won, and why each part is here:

- **measure keys**: the name's key (:func:`normalize.name_key`) with a short
  list of synonyms made one (满意率 → 满意度, 通过率 → 合格率, 运作/运转 →
  运行, 参训 → 培训, 人次 → 人数, 按期/按计划/按时完成率 and 完成及时率 →
  按时完成率 …) and a leading word that only names the project itself
  (项目, 工程, 建设项目, 竣工 …) left out. Without them, recall on the pairs
  fell from 0.78 to 0.59 at the same precision.
- **satisfaction**: under 服务对象满意度 every 满意度 is one measure, whoever
  is asked (用户, 学生、家长, 游客 …): the guidance defines the 二级 as the
  service objects' satisfaction, and the figures (≥90%, ≥95%) compare.
- **similarity**: Indel similarity of the measure keys (rapidfuzz
  ``fuzz.ratio``), at least :data:`THRESHOLD`. Jaro-Winkler did as well at
  its best threshold but no better; token-set and longest-common-subsequence
  scores, which forgive a missing qualifier, merged 设备验收合格率 with
  验收合格率 and 重大安全事故 with 安全事故, and never reached 0.95
  precision. Precision is what matters: a merge puts different measures'
  figures side by side as peers; a miss only leaves a group smaller.

Groups are made by leaders (the most common spelling first): a name joins the
leader it is most similar to, if that one passes the rule, so one chain of
small steps cannot walk 培训人数 over to 培训天数.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from .normalize import Bucket, name_key

__all__ = ["THRESHOLD", "Grouper", "group_keys", "measure_key", "same_measure", "similarity"]

#: Indel similarity (0–100) at which two measure keys in one 一级/二级 are the same measure
THRESHOLD = 90.0

# Longest first where one contains another (参加培训 before 参训 is not needed: both become 培训).
_SYNONYMS = (
    ("满意程度", "满意度"), ("满意率", "满意度"), ("通过率", "合格率"), ("运转", "运行"), ("运作", "运行"),
    ("时限", "时间"), ("及时性", "及时率"), ("稳定性", "稳定率"), ("采购", "购置"), ("经费", "资金"),
    ("支出", "支付"), ("个数", "数"), ("数量", "数"), ("次数", "数"), ("人次", "人数"),
    ("参加培训", "培训"), ("参训", "培训"),
    ("按期完成率", "按时完成率"), ("按计划完成率", "按时完成率"), ("进度完成及时率", "按时完成率"),
    ("完成及时率", "按时完成率"),
)
_PROJECT_ITSELF = re.compile(r"^(?:本项目|建设项目|项目|重点建设工程|建设工程|工程|竣工)")
_SATISFACTION_L2 = "服务对象满意度"


def measure_key(name: str | None) -> str:
    """What a name measures, as a string two spellings of one measure are likely to share."""
    k = name_key(name)
    for a, b in _SYNONYMS:
        if a in k:
            k = k.replace(a, b)
    return _PROJECT_ITSELF.sub("", k) or k


def _satisfaction(bucket: Bucket, key: str) -> bool:
    return bucket[1] == _SATISFACTION_L2 and "满意" in key


def similarity(bucket: Bucket, a: str, b: str) -> float:
    """0–100: how alike two measure keys of one bucket are (100 for one measure by rule)."""
    if a == b or (_satisfaction(bucket, a) and _satisfaction(bucket, b)):
        return 100.0
    return fuzz.ratio(a, b)


def same_measure(bucket: Bucket, a: str, b: str, threshold: float = THRESHOLD) -> bool:
    """Whether two measure keys of one bucket are taken as one indicator."""
    return bool(a) and bool(b) and similarity(bucket, a, b) >= threshold


class Grouper:
    """Assigns measure keys to groups, bucket by bucket; each group is known by its leader's key.

    Feed the most common keys first (:meth:`assign` in that order): they lead.
    Groups can be seeded with the leaders already stored (:meth:`add_leader`),
    so an import extends the library instead of remaking it.
    """

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._leaders: dict[Bucket, list[str]] = {}
        self._ids: dict[Bucket, list[object]] = {}
        self._satisfaction: dict[Bucket, object] = {}

    def add_leader(self, bucket: Bucket, key: str, group: object) -> None:
        self._leaders.setdefault(bucket, []).append(key)
        self._ids.setdefault(bucket, []).append(group)
        if _satisfaction(bucket, key):
            self._satisfaction.setdefault(bucket, group)

    def find(self, bucket: Bucket, key: str) -> object | None:
        """The group ``key`` belongs to, or None when it leads a new one."""
        if _satisfaction(bucket, key) and bucket in self._satisfaction:
            return self._satisfaction[bucket]
        leaders = self._leaders.get(bucket)
        if not leaders:
            return None
        hit = process.extractOne(key, leaders, scorer=fuzz.ratio, score_cutoff=self.threshold)
        return None if hit is None else self._ids[bucket][hit[2]]

    def assign(self, bucket: Bucket, key: str, new_group: object) -> object:
        """The group of ``key``: an existing one, else ``new_group``, which ``key`` then leads."""
        group = self.find(bucket, key)
        if group is None:
            self.add_leader(bucket, key, new_group)
            group = new_group
        return group


def group_keys(items: Iterable[tuple[Bucket, str]], threshold: float = THRESHOLD) -> dict[tuple[Bucket, str], int]:
    """(bucket, measure key) → group number, for keys given most common first."""
    g = Grouper(threshold)
    out: dict[tuple[Bucket, str], int] = {}
    n = 0
    for b, k in items:
        if (b, k) not in out:
            group = g.assign(b, k, n)
            n += group == n
            out[(b, k)] = group  # type: ignore[assignment]
    return out
