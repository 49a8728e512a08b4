"""A set that grows page by page, its remembered work reused, gives what a full run gives over the same set."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.clean import copies, pages
from summarizer.clean.incremental import clean_remembered
from summarizer.events.grouping import group_summits
from summarizer.models import Article
from summarizer.stage_cache import Memo
from summarizer.text.sentences import split_statements
from tests.conftest import FakeEmbedder

SENTENCES = [
    "The city council approved a new budget for the repair of roads and bridges on Monday evening.",
    "Farmers in the northern valley said the late rain had ruined most of the wheat harvest this year.",
    "The company reported that its profits had fallen for the third quarter in a row.",
    "Hundreds of residents gathered outside the town hall to protest against the closure of the hospital.",
    "The minister said the government would present a new plan for public transport before the summer.",
    "Scientists found that the river water contained more salt than at any time in the last decade.",
    "The two teams will meet again in the final, which is to be played in the capital next month.",
    "Police closed the main road for several hours after a lorry overturned near the old railway station.",
]
CHROME = [
    "Home | World | Business | Sport",
    "Sign up for our newsletter and follow us on Twitter!",
    "Copyright 2024 The Daily Example. All rights reserved.",
    "Most read",
    "Share this article",
]
SITES = [("Daily Example", None), (None, "https://news.example.org/a"), (None, None), ("Weekly Sample", None)]

page = st.tuples(
    st.sampled_from(range(len(SITES))),
    st.lists(st.sampled_from(range(len(CHROME))), max_size=3),  # chrome at the top
    st.lists(st.sampled_from(range(len(SENTENCES))), min_size=1, max_size=4, unique=True),
    st.lists(st.sampled_from(range(len(CHROME))), max_size=2),  # and at the bottom
)


def build(k: int, spec: tuple[int, list[int], list[int], list[int]]) -> Article:
    site, top, body, bottom = spec
    outlet, url = SITES[site]
    lines = [CHROME[i] for i in top] + [SENTENCES[i] for i in body] + [CHROME[i] for i in bottom]
    return Article(id=f"p{k}", path=f"p{k:02d}.txt", format="txt", text="\n".join(lines), outlet=outlet,
                   url=url and f"{url}{k}")


def full(articles: list[Article]) -> tuple[list[Article], list]:
    cleaned, problems = pages.clean_articles(articles)
    return copies.merge_copies(cleaned), problems


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(page, min_size=2, max_size=6), data=st.data())
def test_pages_cleaned_as_they_arrive_match_a_full_run(specs, data) -> None:
    articles = [build(k, spec) for k, spec in enumerate(specs)]
    arrival = data.draw(st.permutations(range(len(articles))))
    with tempfile.TemporaryDirectory() as cache:
        for step in range(1, len(arrival) + 1):
            present = [articles[i] for i in sorted(arrival[:step])]  # a folder is read in path order
            memo = Memo(Path(cache), "clean-memo")  # each run reads what the runs before it remembered
            got = clean_remembered(present, memo)
            memo.save()
            assert got == full(present)


@pytest.mark.parametrize(("bottom", "finished"), [([], 1), ([2], 2)], ids=["no-new-repeat", "a-line-becomes-repeated"])
def test_a_new_page_cleans_again_only_the_pages_of_its_site_whose_repeated_lines_change(bottom, finished) -> None:
    ours = [build(k, (0, [0], [k], [])) for k in range(3)]  # Daily Example: the menu line on every page
    theirs = [build(3, (3, [1], [3], [2])), *(build(k, (3, [1], [k], [])) for k in (4, 5))]  # one with a copyright line
    first = Memo(None, "clean-memo")
    clean_remembered([*ours, *theirs], first)
    second = Memo(None, "clean-memo")
    second.entries = dict(first.used)  # the next run remembers the first one's work
    clean_remembered([*ours, *theirs, build(6, (3, [1], [6], bottom))], second)
    assert second.computed == {"clean-page": 1, "clean-finish": finished}


EVENT_PAGES = [
    ("The leaders of the alliance met in Geneva on 12 March 2024 for their annual summit on trade.",
     "They agreed to lower tariffs on farm goods and to meet again next year."),
    ("An earthquake of magnitude 6.1 struck the coastal town of Port Alder on Tuesday, 5 March 2024.",
     "Rescue teams searched collapsed houses for survivors through the night."),
    ("Heavy floods forced thousands of families from their homes along the river valley this week.",
     "The water rose faster than at any time since records began, officials said."),
    ("The central bank raised its interest rate by half a point to fight rising prices.",
     "Economists had expected a smaller increase after the weak figures for the winter."),
]


def event_article(k: int, spec: tuple[int, int, bool]) -> Article:
    story, variant, dated = spec
    lede, follow = EVENT_PAGES[story]
    extra = ["Officials gave more details later in the day.", "Reporters at the scene described the damage.",
             "The decision was welcomed by business groups."][variant]
    return Article(id=f"e{k}", path=f"e{k:02d}.txt", format="txt", text=f"{lede}\n\n{follow} {extra}",
                   published=dt.date(2024, 3, 6 + k % 3) if dated else None)


def grouped(articles: list[Article], memo: Memo | None) -> list:
    statements = [s for a in articles for s in split_statements(a)]
    vectors = FakeEmbedder().encode([s.text for s in statements])
    return group_summits(articles, statements, vectors, memo=memo)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(st.tuples(st.sampled_from(range(len(EVENT_PAGES))), st.sampled_from(range(3)), st.booleans()),
                      min_size=2, max_size=7), data=st.data())
def test_articles_grouped_as_they_arrive_match_a_full_run(specs, data) -> None:
    articles = [event_article(k, spec) for k, spec in enumerate(specs)]
    arrival = data.draw(st.permutations(range(len(articles))))
    with tempfile.TemporaryDirectory() as cache:
        for step in range(1, len(arrival) + 1):
            present = [articles[i] for i in sorted(arrival[:step])]
            memo = Memo(Path(cache), "events-memo")
            got = grouped(present, memo)
            memo.save()
            assert got == grouped(present, None)
