"""The daily digest as a service (flows/daily.py): made once per folder, resumed after a crash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flows.daily import already_made, pause_point
from summarizer.errors import StateError
from summarizer.models import Digest, RunInfo
from summarizer.digest.outputs import write_digest
from summarizer.settings import load_settings
from summarizer.service.state import StateStore


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


WIRE = [
    "The ministers met in Nairobi on Monday to discuss the regional water programme for the dry north.",
    "They agreed to share river gauge data every five days from the start of next month.",
    "Engineers will repair four hundred kilometres of leaking pipes before the rainy season begins.",
    "A fund of ninety million dollars will pay for new wells and solar pumps in forty villages.",
    "Farmers said the drought had cut their maize harvest by a third over the past year.",
]


@pytest.mark.prefect
@pytest.mark.model
def test_a_copy_merged_into_yesterdays_story_is_not_news_when_it_comes_alone(prefect_harness, tmp_path: Path):
    from flows.digest import digest_flow
    from summarizer.digest.outputs import read_digest

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "agency.txt").write_text("\n\n".join(WIRE) + "\n", encoding="utf-8")
    lede = "Water officials from six countries gathered in Nairobi this week for talks on the drought."
    (inbox / "reprint.txt").write_text("\n\n".join([lede, *WIRE[1:4]]) + "\n", encoding="utf-8")
    digest_flow(inputs=[str(inbox)], out=str(tmp_path / "day1"), new_only=True)
    [story] = read_digest(tmp_path / "day1").articles
    assert [Path(c.path).name for c in story.copies] == ["reprint.txt"]  # precondition: merged as a copy

    (inbox / "agency.txt").unlink()  # the next day only the reprint is still there
    digest_flow(inputs=[str(inbox)], out=str(tmp_path / "day2"), new_only=True)
    assert read_digest(tmp_path / "day2").articles == ()
