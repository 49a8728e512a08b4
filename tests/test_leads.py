"""The lead says what happened: an event's summary opens with a sentence reporting the event."""

from __future__ import annotations

import datetime as dt

from summarizer.digest.leads import is_preview, lead_first, report_score
from summarizer.models import MergedStatement, Source, Statement, Summit, SummaryItem

SRC = (Source(article_id="a", path="a", published=dt.date(2025, 3, 6)),)
SUMMIT = Summit(id="s", title="Harbour forum, Lisbon, 5 March 2025", date=dt.date(2025, 3, 5), place="Lisbon",
                articles=("a",))
PREVIEW = "Maria Costa is the favourite to become the forum's next chair when delegates meet."
REPORT = "Delegates of the harbour forum met in Lisbon on 5 March and elected Maria Costa as chair."
ASIDE = "The statement was published on the ministry's website."


def said(text: str) -> SummaryItem:
    return SummaryItem(text=text, sources=SRC)


def member(text: str, position: int = 3) -> MergedStatement:
    st = Statement(id=text[:8], article_id="a", text=text, start=0, end=len(text), position=position)
    return MergedStatement(id=text[:8], text=text, statements=(st,), sources=SRC)


def test_a_future_marker_makes_a_preview() -> None:
    assert is_preview(PREVIEW.replace("when delegates meet", "when delegates will meet"))
    assert not is_preview(REPORT)


def test_a_past_sentence_naming_the_place_and_day_reports_the_event() -> None:
    assert report_score(REPORT, SUMMIT) >= 4
    assert report_score(ASIDE, SUMMIT) < 2


def test_a_reporting_sentence_of_the_summary_moves_first_for_an_event_that_happened() -> None:
    out = lead_first([said(PREVIEW), said(ASIDE), said(REPORT)], [], SUMMIT, dt.date(2025, 3, 7))
    assert [s.text for s in out] == [REPORT, PREVIEW, ASIDE]


def test_a_preview_keeps_the_lead_of_an_event_still_to_come() -> None:
    out = lead_first([said(PREVIEW), said(REPORT)], [], SUMMIT, dt.date(2025, 3, 1))
    assert out[0].text == PREVIEW


def test_the_groups_reporting_sentence_leads_when_the_summary_has_none() -> None:
    out = lead_first([said(PREVIEW), said(ASIDE)], [member(ASIDE), member(REPORT, 0)], SUMMIT, dt.date(2025, 3, 7))
    assert [s.text for s in out] == [REPORT, PREVIEW]  # the last sentence gives way to keep the words


def test_a_sentence_leaning_on_the_one_before_moves_with_it() -> None:
    follow = "It also adopted a budget."
    out = lead_first([said(PREVIEW), said(REPORT), said(follow)], [], SUMMIT, dt.date(2025, 3, 7))
    assert [s.text for s in out] == [REPORT, follow, PREVIEW]


def test_an_unfit_member_never_leads() -> None:
    out = lead_first([said(PREVIEW)], [member(REPORT, 0)], SUMMIT, dt.date(2025, 3, 7), unfit={0})
    assert out[0].text == PREVIEW


def test_a_sentence_dated_a_year_away_reports_another_event() -> None:
    earlier = "Delegates of the harbour forum met in Lisbon on 5 March 2024 and elected a chair."
    assert report_score(earlier, SUMMIT) == 0
    assert report_score(earlier.replace("2024", "2025"), SUMMIT) >= 4


def test_a_sentence_dated_months_away_without_a_year_reports_another_event() -> None:
    assert report_score("Delegates of the harbour forum met in Lisbon on 8 July.", SUMMIT) == 0


def test_a_present_passive_is_not_the_past() -> None:
    from summarizer.digest.leads import is_past

    assert not is_past("Ministers meet in the capital this week, hoping that debt is not overlooked.")
    assert is_past("Ministers met in the capital and debt was discussed.")


def test_a_quotation_does_not_report_the_event() -> None:
    quote = "“Let us finish this work,” the chair said at the harbour forum in Lisbon on 5 March."
    assert report_score(quote, SUMMIT) == 0
    out = lead_first([said(quote), said(REPORT)], [], SUMMIT, dt.date(2025, 3, 7))
    assert out[0].text == REPORT


def test_a_group_sentence_repeating_the_summary_never_leads() -> None:
    out = lead_first([said(PREVIEW)], [member(REPORT, 0)], SUMMIT, dt.date(2025, 3, 7), repeats={0})
    assert [s.text for s in out] == [PREVIEW]
