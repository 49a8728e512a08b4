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


def _reference_cluster(sim, cannot, must, threshold, linkage="complete"):
    """The plain agglomeration `_cluster` must agree with: every group pair rescored at every merge."""
    n = sim.shape[0]
    groups = [[i] for i in range(n)]
    for i, j in must:
        gi = next(g for g in groups if i in g)
        gj = next(g for g in groups if j in g)
        if gi is not gj and not cannot[np.ix_(gi, gj)].any():
            gi.extend(gj)
            groups.remove(gj)
    while True:
        best, pair = -np.inf, None
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                block = sim[np.ix_(groups[a], groups[b])]
                if cannot[np.ix_(groups[a], groups[b])].any():
                    continue
                value = block.min() if linkage == "complete" else block.mean()
                if value > best:
                    best, pair = value, (a, b)
        if pair is None or best < threshold:
            return sorted(sorted(g) for g in groups)
        a, b = pair
        groups[a].extend(groups[b])
        del groups[b]


@pytest.mark.parametrize("seed", range(6))
def test_cluster_matches_a_plain_agglomeration(seed: int) -> None:
    from summarizer.summits import _cluster

    rng = np.random.default_rng(seed)
    n = 30
    points = rng.normal(size=(n, 5)) + np.repeat(rng.normal(scale=3, size=(6, 5)), 5, axis=0)
    unit = points / np.linalg.norm(points, axis=1, keepdims=True)
    sim = unit @ unit.T
    cannot = np.zeros((n, n), dtype=bool)
    for i, j in rng.integers(0, n, size=(8, 2)):
        if i != j:
            cannot[i, j] = cannot[j, i] = True
    must = sorted({(int(min(i, j)), int(max(i, j))) for i, j in rng.integers(0, n, size=(6, 2)) if i != j})
    for linkage in ("complete", "average"):
        got = sorted(_cluster(sim, cannot.copy(), must, 0.3, linkage))
        assert got == _reference_cluster(sim, cannot, must, 0.3, linkage)


def test_links_agree_with_pairwise_conflicts_and_must_links() -> None:
    from summarizer.summits import Signature, _links, _must_link

    day = dt.date(2025, 11, 27)
    sigs = [Signature(), Signature(month_day=(11, 27), place="Bishkek"), Signature(month_day=(11, 27), place="Bishkek"),
            Signature(month_day=(11, 23)), Signature(place="Astana"), Signature(virtual=True, month_day=(12, 2)),
            Signature(summit="Minsk 2023"), Signature(summit="Minsk 2023"), Signature(published=day),
            Signature(published=day + dt.timedelta(days=30)), Signature()]
    cannot, must = _links(sigs, 10)
    n = len(sigs)
    for i in range(n):
        assert not cannot[i, i]
        for j in range(i + 1, n):
            assert cannot[i, j] == cannot[j, i] == conflicts(sigs[i], sigs[j])
            assert ((i, j) in must) == (not conflicts(sigs[i], sigs[j]) and _must_link(sigs[i], sigs[j]))
    assert must == sorted(must) and (1, 2) in must and (6, 7) in must
