"""Summits: dates, places and formats read from text; cannot-links; grouping by content; the seeds."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from summarizer.models import Article, Statement
from summarizer.events.signatures import Signature, conflicts
from summarizer.events.grouping import group_summits
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


def test_editions_of_one_series_are_told_apart_by_date_and_place() -> None:
    arts = [art("a", "The CSTO summit was held in Minsk on 23 November 2023. The CSTO adopted a declaration."),
            art("b", "Leaders met at the CSTO summit in Minsk on Thursday. The CSTO adopted a declaration.",
                published=dt.date(2023, 11, 24)),
            art("c", "The CSTO summit was held in Astana on 28 November 2024. The CSTO adopted a declaration."),
            art("d", "Leaders met at the CSTO summit in Astana. The CSTO adopted a declaration.")]
    summits = group_summits(arts, statements_of(arts), np.zeros((8, 4), dtype=np.float32))
    assert sorted(s.articles for s in summits) == [("a", "b"), ("c", "d")]


def test_summit_shows_where_its_date_and_place_come_from() -> None:
    arts = [art("a", "The CSTO summit was held in Minsk on 23 November 2023. The CSTO adopted a declaration."),
            art("b", "The CSTO summit was held in Minsk. The CSTO adopted a declaration.", published=dt.date(2023, 11, 24))]
    (summit,) = group_summits(arts, statements_of(arts), np.zeros((4, 4), dtype=np.float32))
    assert summit.title == "CSTO summit, Minsk, 23 November 2023" and summit.date == dt.date(2023, 11, 23)
    assert summit.date_evidence == "from the text of 1 page" and summit.place_evidence == "from the text of 2 pages"


def test_date_from_publication_dates_only_is_marked_as_inferred() -> None:
    arts = [art("a", "The CSTO summit was held in Minsk. The CSTO adopted a declaration.", published=dt.date(2023, 11, 24))]
    (summit,) = group_summits(arts, statements_of(arts), np.zeros((2, 4), dtype=np.float32))
    assert summit.date_evidence.startswith("inferred from publication dates only") and "inferred" in summit.note


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


def test_summits_come_newest_first_and_undated_last() -> None:
    arts = [art("a", "The CSTO summit opened in Astana on 28 November 2024. The CSTO adopted a declaration."),
            art("b", "Leaders discussed drugs and terrorism at length."),
            art("c", "The CSTO summit opened in Bishkek on 27 November 2025. The CSTO adopted a declaration."),
            art("d", "The CSTO summit opened in Minsk on 23 November 2023. The CSTO adopted a declaration.")]
    sts = statements_of(arts)
    summits = group_summits(arts, sts, np.zeros((len(sts), 3)))
    assert [s.articles for s in summits] == [("c",), ("a",), ("d",), ("b",)]


def test_summit_without_date_or_place_is_titled_by_its_headline(fake_embedder) -> None:
    arts = [art("a", "Leaders discussed drugs and terrorism at length.", title="Leaders Urge Calm on Security")]
    sts = statements_of(arts)
    (summit,) = group_summits(arts, sts, fake_embedder.encode([s.text for s in sts]))
    assert summit.title == "Leaders Urge Calm on Security"


@pytest.mark.model
def test_seeds_give_five_summits_with_the_stated_dates_and_places(real_embedder) -> None:
    from summarizer.clean.pages import clean_articles
    from summarizer.read.ingest import read_inputs
    from summarizer.text.sentences import split_statements

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


@pytest.mark.model
def test_the_learned_model_keeps_the_seeds_five_summits(real_embedder) -> None:
    from summarizer.clean.pages import clean_articles
    from summarizer.events.model import load_model
    from summarizer.read.ingest import read_inputs
    from summarizer.text.sentences import split_statements

    arts, _ = clean_articles(read_inputs([SEEDS]).articles)
    sts = [s for a in arts for s in split_statements(a)]
    assert len(group_summits(arts, sts, real_embedder.encode([s.text for s in sts]), model=load_model())) == 5


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
    from summarizer.events.grouping import _cluster

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


def test_links_agree_with_pairwise_conflicts_and_agreements() -> None:
    from summarizer.events.dates import DateSpan
    from summarizer.events.places import lookup
    from summarizer.events.signatures import agree
    from summarizer.events.grouping import _links

    day = dt.date(2025, 11, 27)
    span = DateSpan(day, day)
    bishkek = lookup("Bishkek")
    sigs = [Signature(), Signature(org="CSTO", kind="summit", date=span, place=bishkek),
            Signature(org="CSTO", kind="summit", date=span, place=bishkek),
            Signature(date=DateSpan(dt.date(2000, 11, 23), dt.date(2000, 11, 23), year_known=False)),
            Signature(place=lookup("Astana")), Signature(virtual=True), Signature(summit="Minsk 2023"),
            Signature(summit="Minsk 2023"), Signature(published=day), Signature(published=day + dt.timedelta(days=60)),
            Signature(org="CIS", series=True, kind="summit"), Signature()]
    cannot, must = _links(sigs)
    n = len(sigs)
    for i in range(n):
        assert not cannot[i, i]
        for j in range(i + 1, n):
            assert cannot[i, j] == cannot[j, i] == conflicts(sigs[i], sigs[j])
            assert ((i, j) in must) == (not conflicts(sigs[i], sigs[j]) and agree(sigs[i], sigs[j]))
    assert must == sorted(must) and (1, 2) in must and (6, 7) in must and cannot[8, 9] and cannot[1, 10]


def test_threshold_is_read_from_a_series_only_when_most_articles_belong_to_it() -> None:
    from summarizer.events.grouping import calibrated_threshold

    # Two articles of one series about different editions (cannot-linked), similarity 0.3 between them.
    def case(others: int) -> float:
        n = 2 + others
        sigs = [Signature(org="CSTO", kind="summit"), Signature(org="CSTO", kind="summit")] + [Signature()] * others
        cannot = np.zeros((n, n), dtype=bool)
        cannot[0, 1] = cannot[1, 0] = True
        sim = np.full((n, n), 0.3)
        return calibrated_threshold(sim, cannot, sigs, floor=0.05, quantile=0.9)

    assert case(0) == pytest.approx(0.3)  # coverage of the series: its editions set the bar
    assert case(1) == pytest.approx(0.3)  # two of three articles are in a pair
    assert case(3) == 0.05  # two of five: a corpus of other topics keeps the floor


def test_similarity_floor_is_raised_for_a_few_articles_only() -> None:
    from summarizer.events.grouping import similarity_floor

    floors = [similarity_floor(n, 0.045, 207) for n in (2, 5, 12, 100, 207, 5000)]
    assert floors == sorted(floors, reverse=True)
    assert floors[0] > 0.08 and floors[-2:] == [0.045, 0.045]


def test_two_unrelated_pages_sharing_common_words_stay_apart() -> None:
    # Among two pages every shared word weighs nearly as much as a rare one (TF-IDF cosine about 0.06, above the
    # floor chosen on 207 articles): the floor of a two-page run keeps them apart.
    arts = [art("a", "Heavy rain flooded valley roads and farmers lost their wheat harvest. Rescuers evacuated "
                     "villages near the swollen river. Officials promised relief on Monday."),
            art("b", "The bank reported record quarterly profits as lending grew. Investors cheered and shares "
                     "climbed on the stock exchange. Officials welcomed the results on Monday.")]
    statements = statements_of(arts)
    summits = group_summits(arts, statements, np.zeros((len(statements), 4), dtype=np.float32))
    assert sorted(s.articles for s in summits) == [("a",), ("b",)]
