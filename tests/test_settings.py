"""Settings: environment, config file, and one clear line for a wrong value."""

from __future__ import annotations

import pytest

from summarizer.errors import ConfigError
from summarizer.settings import load_settings


def test_defaults_put_state_under_the_data_dir(isolated_dirs):
    s = load_settings()
    assert s.cache_dir.parent == isolated_dirs
    assert s.state_path.parent == isolated_dirs


def test_environment_overrides_default(monkeypatch):
    monkeypatch.setenv("NTTR_BUDGET_WORDS", "60")
    assert load_settings().budget_words == 60


def test_explicit_override_beats_environment(monkeypatch):
    monkeypatch.setenv("NTTR_BUDGET_WORDS", "60")
    assert load_settings(budget_words=80).budget_words == 80


def test_invalid_value_names_the_setting(monkeypatch):
    monkeypatch.setenv("NTTR_BUDGET_WORDS", "lots")
    with pytest.raises(ConfigError, match=r"^setting budget_words \(NTTR_BUDGET_WORDS\): "):
        load_settings()


def test_unknown_time_zone_is_refused(monkeypatch):
    monkeypatch.setenv("NTTR_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ConfigError, match="unknown time zone 'Mars/Olympus'"):
        load_settings()


def test_config_file_is_read_and_environment_wins(tmp_path, monkeypatch):
    cfg = tmp_path / "nttr.toml"
    cfg.write_text('budget_words = 70\nalgorithm = "lexrank"\n')
    monkeypatch.setenv("NTTR_CONFIG", str(cfg))
    monkeypatch.setenv("NTTR_ALGORITHM", "lsa")
    s = load_settings()
    assert (s.budget_words, s.algorithm) == (70, "lsa")


def test_unknown_key_in_config_file_is_refused(tmp_path, monkeypatch):
    cfg = tmp_path / "nttr.yaml"
    cfg.write_text("budget_wrods: 70\n")
    monkeypatch.setenv("NTTR_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match="budget_wrods.*unknown setting"):
        load_settings()


def test_missing_config_file_names_the_path(tmp_path, monkeypatch):
    monkeypatch.setenv("NTTR_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(ConfigError, match="nope.toml: cannot read it"):
        load_settings()


def test_password_is_never_shown_in_repr(monkeypatch):
    monkeypatch.setenv("NTTR_SMTP_PASSWORD", "hunter2")
    s = load_settings()
    assert "hunter2" not in repr(s) and "hunter2" not in s.model_dump_json()


def test_the_background_server_stops_after_an_hour_unused_by_default(monkeypatch):
    from flows.server import DEFAULT_IDLE_HOURS

    monkeypatch.delenv("NTTR_PREFECT_SERVER_IDLE_HOURS", raising=False)
    assert load_settings().prefect_server_idle_hours == 1.0 == DEFAULT_IDLE_HOURS
    monkeypatch.setenv("NTTR_PREFECT_SERVER_IDLE_HOURS", "12")
    assert load_settings().prefect_server_idle_hours == 12.0
