"""Summits: dates, places and formats read from text; cannot-links; grouping by content; the seeds."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from summarizer.models import Article, Statement
from summarizer.summits import conflicts, corpus_organisation, extract_signature, group_summits
from tests.conftest import SEEDS


def art(aid: str, text: str, **kw) -> Article:
    return Article(id=aid, path=f"{aid}.txt", format="txt", text=text, **kw)


def statements_of(articles: list[Article]) -> list[Statement]:
    out = []
    for a in articles:
        start = 0
        for pos, piece in enumerate(a.text.split(". ")):
            i = a.text.index(piece, start)
            out.append(Statement(id=f"{a.id}:{i}", article_id=a.id, text=piece, start=i, end=i + len(piece),
                                 position=pos))
            start = i + len(piece)
    return out


def test_date_in_a_sentence_about_the_meeting_is_the_event_date() -> None:
    sig = extract_signature(art("a", "At a CSTO summit held on November 23, leaders spoke. The CSTO met."), "CSTO")
    assert sig.month_day == (11, 23) and sig.year is None


def test_iso_date_line_gives_year() -> None:
    sig = extract_signature(art("a", "date 2025-11-27\nThe CSTO summit opened in Bishkek. The CSTO met."), "CSTO")
    assert (sig.month_day, sig.year, sig.place) == ((11, 27), 2025, "Bishkek")


def test_another_organisations_gathering_is_not_the_host() -> None:
    text = ("The CSTO leaders recalled talks at the Commonwealth of Independent States gathering in Astana. "
            "The CSTO summit ended.")
    assert extract_signature(art("a", text), "CSTO").place is None


def test_city_that_hosted_is_the_place() -> None:
    sig = extract_signature(art("a", "Astana hosted a summit of the CSTO. The CSTO adopted a program."), "CSTO")
    assert sig.place == "Astana"


def test_videoconference_is_recognised() -> None:
    sig = extract_signature(art("a", "The CSTO Council meeting gathered Dec. 2 via videoconference. CSTO."), "CSTO")
    assert sig.virtual and sig.month_day == (12, 2)


def test_organisation_is_the_acronym_most_articles_are_about() -> None:
    arts = [art("a", "CSTO CSTO NATO"), art("b", "The CSTO and CSTO"), art("c", "No acronym here")]
    assert corpus_organisation(arts) == "CSTO"


def test_different_dates_conflict_but_adjacent_days_do_not() -> None:
    a = extract_signature(art("a", "The CSTO summit was held on November 23. CSTO."), "CSTO")
    b = extract_signature(art("b", "The CSTO summit was held on November 27. CSTO."), "CSTO")
    c = extract_signature(art("c", "The CSTO summit was held on November 24. CSTO."), "CSTO")
    assert conflicts(a, b) and not conflicts(a, c)


def test_metadata_summit_groups_articles_and_names_the_summit() -> None:
    arts = [art("a", "Leaders discussed drugs.", summit="Minsk 2023"), art("b", "Rain fell.", summit="Minsk 2023"),
            art("c", "Leaders discussed drugs.", summit="Astana 2024")]
    summits = group_summits(arts, statements_of(arts), np.zeros((3, 4), dtype=np.float32))
    assert [(s.title, s.articles) for s in summits] == [("Minsk 2023", ("a", "b")), ("Astana 2024", ("c",))]


def test_similar_articles_without_signatures_share_a_summit(fake_embedder) -> None:
    arts = [art("a", "Hun Sen and Ranariddh agreed to form a coalition government in Cambodia."),
            art("b", "Ranariddh and Hun Sen formed a Cambodia coalition government."),
            art("c", "The shuttle Endeavour docked with the Zarya module in orbit.")]
    sts = statements_of(arts)
    summits = group_summits(arts, sts, fake_embedder.encode([s.text for s in sts]))
    assert sorted(s.articles for s in summits) == [("a", "b"), ("c",)]


def test_summit_without_date_or_place_says_so(fake_embedder) -> None:
    arts = [art("a", "Leaders discussed drugs and terrorism at length.")]
    sts = statements_of(arts)
    (summit,) = group_summits(arts, sts, fake_embedder.encode([s.text for s in sts]))
    assert summit.note and "No date or place" in summit.note and summit.id.startswith("summit-")


@pytest.mark.model
def test_seeds_give_five_summits_with_the_stated_dates_and_places(real_embedder) -> None:
    from summarizer.clean import clean_articles
    from summarizer.ingest import read_inputs
    from summarizer.sentences import split_statements

    arts, _ = clean_articles(read_inputs([SEEDS]).articles)
    sts = [s for a in arts for s in split_statements(a)]
    summits = group_summits(arts, sts, real_embedder.encode([s.text for s in sts]))
    assert len(summits) == 5
    by_file = {a.path.split("/")[-1][:3]: s for s in summits for a in arts if a.id in s.articles}
    assert by_file["003"].date == dt.date(2025, 11, 27) and by_file["003"].place == "Bishkek"
    assert by_file["004"].place == "Astana"
    assert by_file["002"].place == "videoconference" and "2 December" in by_file["002"].title
    assert "23 November" in by_file["000"].title and by_file["000"].place is None
    assert by_file["001"].note and "No date or place" in by_file["001"].note
