"""Review configuration: rules off, severities, settings; every mistake is a one-line ConfigError."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.errors import ConfigError
from jixiao.review import ReviewConfig, load_config, review
from review_helpers import document

VAGUE = {"indicators": [{"level1": "产出指标", "name": "服务质量", "annual": "良好以上"},
                        {"level1": "产出指标", "name": "培训人数", "annual": "≥200人"}]}


def rules_of(doc_case: dict, cfg: ReviewConfig | None = None) -> list[str]:
    return [f.rule for f in review(document(doc_case), cfg)]


def test_disable_switches_a_rule_off() -> None:
    assert "R14" in rules_of(VAGUE)
    assert "R14" not in rules_of(VAGUE, ReviewConfig.from_dict({"disable": ["R14"]}))
    assert "R14" not in rules_of(VAGUE, ReviewConfig.from_dict({"rules": {"R14": {"enabled": False}}}))


def test_severity_for_the_whole_rule_and_for_one_variant() -> None:
    cfg = ReviewConfig.from_dict({"rules": {"R14": {"severity": "error"}}})
    assert {f.severity for f in review(document(VAGUE), cfg) if f.rule == "R14"} == {"error"}
    case = {"indicators": [{"level1": "产出指标", "name": "任务完成率", "annual": "120%"}]}
    cfg = ReviewConfig.from_dict({"rules": {"R17": {"severities": {"over_100": "info"}}}})
    assert {f.severity for f in review(document(case), cfg) if f.rule == "R17"} == {"info"}


def test_thresholds_and_word_lists_are_settings() -> None:
    assert "R34" in rules_of(VAGUE)  # 2 < 3
    assert "R34" not in rules_of(VAGUE, ReviewConfig.from_dict({"rules": {"R34": {"min_indicators": 2}}}))
    cfg = ReviewConfig.from_dict({"rules": {"R14": {"words": ["提高"]}}})
    assert "R14" not in rules_of(VAGUE, cfg)  # 良好 no longer on the list


@pytest.mark.parametrize("data, needle", [
    ({"disable": ["R99"]}, "R99"),
    ({"rules": {"R77": {}}}, "R77"),
    ({"rules": {"R34": {"min_indicatorz": 4}}}, "min_indicatorz"),
    ({"rules": {"R34": {"min_indicators": "four"}}}, "min_indicators"),
    ({"rules": {"R34": {"min_indicators": -1}}}, "min_indicators"),
    ({"rules": {"R14": {"severity": "fatal"}}}, "fatal"),
    ({"rules": {"R17": {"severities": {"over_200": "info"}}}}, "over_200"),
    ({"rules": {"R14": {"words": [1, 2]}}}, "words"),
    ({"rules": {"R14": {"enabled": "no"}}}, "enabled"),
    ({"colour": "red"}, "colour"),
])
def test_bad_config_is_one_clear_error(data: dict, needle: str) -> None:
    with pytest.raises(ConfigError) as e:
        ReviewConfig.from_dict(data)
    assert needle in e.value.message and "\n" not in e.value.message and e.value.exit_code == 2


def test_config_file_and_pyproject(tmp_path: Path) -> None:
    f = tmp_path / "jixiao.toml"
    f.write_text('[review]\ndisable = ["R19"]\n', encoding="utf-8")
    assert not load_config(f).is_enabled("R19")
    (tmp_path / "pyproject.toml").write_text('[tool.jixiao.review]\ndisable = ["R35"]\n', encoding="utf-8")
    assert not load_config(cwd=tmp_path).is_enabled("R35")
    assert not load_config(tmp_path / "pyproject.toml").is_enabled("R35")  # --config may name a pyproject
    assert load_config(cwd=tmp_path / "nowhere").is_enabled("R35")


@pytest.mark.parametrize("text", ["[review\n", "[other]\nx = 1\n"])
def test_bad_config_file(tmp_path: Path, text: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(f)
    with pytest.raises(ConfigError):
        load_config(tmp_path / "missing.toml")
