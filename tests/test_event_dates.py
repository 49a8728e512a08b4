"""Dates in news text: ranges, partial dates and relative dates resolved against the publication date."""

from __future__ import annotations

import datetime as dt

from summarizer.events.dates import DateSpan, find_dates

FRIDAY = dt.date(2023, 8, 25)


def spans(text: str, base: dt.date | None = None) -> list[str]:
    return [span.describe() for _, _, span in find_dates(text, base)]


def test_weekday_resolves_to_the_day_before_publication() -> None:
    assert spans("South Africa's president said on Thursday.", FRIDAY) == ["24 August 2023"]


def test_weekday_named_on_its_own_day_is_that_day() -> None:
    assert spans("The summit opened on Friday.", FRIDAY) == ["25 August 2023"]


def test_yesterday_and_today_resolve_against_publication() -> None:
    assert spans("Talks began yesterday and end today.", FRIDAY) == ["24 August 2023", "25 August 2023"]


def test_relative_dates_need_a_publication_date() -> None:
    assert spans("The summit opened on Thursday.") == []


def test_partial_date_takes_the_year_of_a_preview_ahead() -> None:
    (span,) = [s for _, _, s in find_dates("The summit will be held on 4 July.", dt.date(2023, 5, 30))]
    assert span.first == dt.date(2023, 7, 4) and span.resolved


def test_partial_date_in_a_report_looks_back_across_new_year() -> None:
    (span,) = [s for _, _, s in find_dates("The summit was held on 23 November.", dt.date(2024, 1, 5))]
    assert span.first == dt.date(2023, 11, 23)


def test_day_range_and_cross_month_range() -> None:
    assert spans("It is held in Kazan on October 22-24, 2024.") == ["22-24 October 2024"]
    assert spans("from 31 August to 1 September 2025") == ["31 August-1 September 2025"]


def test_partial_date_without_publication_keeps_an_unknown_year() -> None:
    (span,) = [s for _, _, s in find_dates("Leaders met on 23 November.")]
    assert not span.year_known and span.describe() == "23 November"


def test_partial_date_is_compatible_with_the_same_day_of_a_given_year_only() -> None:
    partial = DateSpan(dt.date(2000, 11, 23), dt.date(2000, 11, 23), year_known=False)
    assert partial.overlaps(DateSpan(dt.date(2023, 11, 23), dt.date(2023, 11, 23)))
    assert not partial.overlaps(DateSpan(dt.date(2023, 11, 27), dt.date(2023, 11, 27)))
