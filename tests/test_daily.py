"""The daily digest as a service (flows/daily.py): made once per folder, resumed after a crash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flows.daily import already_made, pause_point
from summarizer.errors import StateError
from summarizer.models import Digest, RunInfo
from summarizer.outputs import write_digest
from summarizer.settings import load_settings
from summarizer.state import StateStore


def digest() -> Digest:
    return Digest(run=RunInfo(algorithm="nttr", budget_words=100, model="m", dedup_threshold=0.87, version="0",
                              new_only=True, as_of=dt.date(2025, 1, 2)))


def test_nothing_was_made_for_a_folder_of_a_fresh_data_folder(tmp_path: Path):
    assert already_made(load_settings(), tmp_path / "out") is None


def test_a_recorded_daily_digest_is_not_made_again(tmp_path: Path):
    settings = load_settings()
    out = tmp_path / "out"
    write_digest(digest(), out)
    with StateStore(settings.state_path) as store:
        store.record_digest("d1", out, day=dt.date(2025, 1, 2), json_path=out / "digest.json")
    assert already_made(settings, out) == out


def test_a_recorded_digest_whose_file_is_gone_is_one_clear_error(tmp_path: Path):
    settings = load_settings()
    with StateStore(settings.state_path) as store:
        store.record_digest("d1", tmp_path / "gone", day=dt.date(2025, 1, 2))
    with pytest.raises(StateError, match="digest.json is missing") as err:
        already_made(settings, tmp_path / "gone")
    assert "\n" not in str(err.value)


def test_pause_point_does_nothing_unless_asked(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("NTTR_TEST_PAUSE_AT", raising=False)
    pause_point("embedded")
    monkeypatch.setenv("NTTR_TEST_PAUSE_AT", "send:5")
    pause_point("embedded")  # another stage: goes on
