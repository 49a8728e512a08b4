"""Headings true to their sentences: a summit's title date, year and place agree with its summary."""

from __future__ import annotations

import datetime as dt

from summarizer.digest.headings import add_year, agree_date, agree_place
from summarizer.models import Article, Source, Summit, SummaryItem


def summit(title: str, *sentences: str, date: dt.date | None = None, place: str | None = "Lisbon") -> Summit:
    summary = tuple(SummaryItem(text=t, sources=(Source(article_id="a", path="a"),)) for t in sentences)
    return Summit(id="s", title=title, date=date, place=place, articles=("a",), summary=summary)


def article(text: str, published: dt.date | None = None) -> Article:
    return Article(id="a", path="a", format="txt", text=text, published=published)


def test_the_title_takes_the_day_its_sentences_state_for_the_event() -> None:
    s = summit("Harbour forum, Lisbon, 23 November 2025",
               "The harbour forum meets in Lisbon on 24 November to elect a chair.", date=dt.date(2025, 11, 23))
    out = agree_date(s)
    assert out.title == "Harbour forum, Lisbon, 24 November 2025"
    assert out.date == dt.date(2025, 11, 24)


def test_a_title_day_one_sentence_states_is_kept() -> None:
    s = summit("Harbour forum, Lisbon, 23 November 2025", "The harbour forum met in Lisbon on 23 November.",
               "The forum meets again on 24 November.", date=dt.date(2025, 11, 23))
    assert agree_date(s).title == s.title


def test_a_far_date_in_the_sentences_is_not_the_events() -> None:
    s = summit("Harbour forum, Lisbon, 23 November 2025", "The harbour forum was founded on 15 May 1992.",
               date=dt.date(2025, 11, 23))
    assert agree_date(s).title == s.title


def test_a_title_without_its_year_takes_the_year_its_pages_state() -> None:
    s = summit("Harbour forum, 23 November", "The forum met.")
    out = add_year(s, [article("Delegates gathered on November 23, 2024 in the old port.")])
    assert out.title == "Harbour forum, 23 November 2024"
    assert out.date == dt.date(2024, 11, 23)


def test_a_title_without_its_year_takes_the_pages_publication_year() -> None:
    out = add_year(summit("Harbour forum, 23 November", "The forum met."),
                   [article("Delegates met.", dt.date(2023, 11, 24))])
    assert out.title == "Harbour forum, 23 November 2023"


def test_no_year_is_made_up_when_the_pages_give_none() -> None:
    s = summit("Harbour forum, 23 November", "The forum met.")
    assert add_year(s, [article("Delegates met on 23 November.")]).title == s.title


def test_a_title_place_no_sentence_names_gives_way_to_the_city_they_name() -> None:
    s = summit("Harbour forum, Lisbon, 23 November 2025", "The harbour forum opened in Porto on Monday.",
               date=dt.date(2025, 11, 23))
    out = agree_place(s)
    assert out.title == "Harbour forum, Porto, 23 November 2025"
    assert out.place == "Porto"


def test_a_title_place_a_sentence_names_is_kept() -> None:
    s = summit("Harbour forum, Lisbon, 23 November 2025", "The harbour forum opened in Porto, near Lisbon.",
               date=dt.date(2025, 11, 23))
    assert agree_place(s).title == s.title
