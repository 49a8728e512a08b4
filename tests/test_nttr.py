"""nttr: candidate pruning (only the sentences with the most concept weight per word enter the ILP), concept support."""

from __future__ import annotations

import numpy as np

from summarizer.algorithms.concepts import concept_weights
from summarizer.algorithms.nttr import ConceptCoverage
from summarizer.models import MergedStatement, Source, Statement


def item(text: str, article: str, position: int = 0) -> MergedStatement:
    st = Statement(id=f"{article}:{position}", article_id=article, text=text, start=0, end=len(text), position=position)
    return MergedStatement(id=st.id, text=text, statements=(st,), sources=(Source(article_id=article, path=article),))


ITEMS = [
    item("The weather stayed cold and grey in the capital for the whole of the long week.", "a", 0),
    item("Leaders agreed on border security at the summit in the capital on Friday.", "a", 1),
    item("Border security was agreed by the leaders at the summit, officials said.", "b", 0),
    item("The border security deal was the main result of the summit of leaders.", "c", 0),
    item("Fans in the capital watched the football match on a large outdoor screen.", "d", 0),
]
VECTORS = np.eye(len(ITEMS), dtype=np.float32)


def test_pruned_candidates_are_the_densest_and_the_choice_is_deterministic() -> None:
    full = ConceptCoverage(candidates=1000).select(ITEMS, VECTORS, budget_words=14, max_similarity=0.85)
    pruned = [
        ConceptCoverage(candidates=2).select(ITEMS, VECTORS, budget_words=14, max_similarity=0.85) for _ in range(3)
    ]
    assert pruned[0] == pruned[1] == pruned[2]
    assert len(full) == 1 and full[0] in (1, 2, 3)
    assert len(pruned[0]) == 1 and pruned[0][0] in (1, 2, 3)


def test_a_single_candidate_is_chosen_when_it_fits() -> None:
    chosen = ConceptCoverage(candidates=1).select(ITEMS, VECTORS, budget_words=100, max_similarity=0.85)
    assert len(chosen) == 1 and chosen[0] in (1, 2, 3)


def test_support_counts_sentences_so_a_point_repeated_within_an_article_counts() -> None:
    items = [
        item("The nuclear plant was closed after the leak on Monday.", "a", 0),
        item("Inspectors found the nuclear plant leaking again on Friday.", "a", 1),
        item("Hundreds of workers left the nuclear plant in buses.", "a", 2),
        item("The trade deal was signed by both ministers on Monday.", "b", 0),
        item("Critics in both countries said the trade deal came too late.", "c", 0),
    ]
    _, weights = concept_weights(items, power=1.0, support="sentences")
    assert weights[("nuclear", "plant")] == 3.0 and weights[("trade", "deal")] == 2.0
    _, weights = concept_weights(items, power=1.0)
    assert ("nuclear", "plant") not in weights and weights[("trade", "deal")] == 2.0
    vectors = np.eye(len(items), dtype=np.float32)
    by_sentences = ConceptCoverage().select(items, vectors, budget_words=12, max_similarity=0.85)
    by_articles = ConceptCoverage(support="articles").select(items, vectors, budget_words=12, max_similarity=0.85)
    assert [items[i].text for i in by_sentences] == ["The nuclear plant was closed after the leak on Monday."]
    assert [items[i].text for i in by_articles] == ["The trade deal was signed by both ministers on Monday."]
