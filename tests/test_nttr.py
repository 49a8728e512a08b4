"""nttr's candidate pruning: only the sentences with the most concept weight per word enter the ILP."""

from __future__ import annotations

import numpy as np

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
