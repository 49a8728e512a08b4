"""The algorithm registry, the sumy adapter (our tokenizer, no NLTK data) and nttr's concept coverage
(concept support, candidate pruning)."""

from __future__ import annotations

import numpy as np
import pytest

from summarizer.algorithms import ALGORITHMS, get_algorithm
from summarizer.algorithms._sumy import Tokenizer, build_document, sumy_ratings
from summarizer.algorithms.concepts import concept_weights, concepts
from summarizer.algorithms.nttr import ConceptCoverage
from summarizer.errors import ConfigError
from summarizer.models import MergedStatement, Source, Statement


def item(text: str, article: str, position: int = 0) -> MergedStatement:
    st = Statement(id=f"{article}:{position}", article_id=article, text=text, start=0, end=len(text), position=position)
    return MergedStatement(id=st.id, text=text, statements=(st,), sources=(Source(article_id=article, path=article),))


def test_registry_names() -> None:
    assert sorted(ALGORITHMS) == ["kl", "lexrank", "lsa", "luhn", "nttr", "sumbasic", "textrank"]


def test_registry_names_match_algorithm_names() -> None:
    assert all(alg.name == name for name, alg in ALGORITHMS.items())


def test_get_algorithm_unknown_name_lists_valid_ones() -> None:
    with pytest.raises(ConfigError, match="unknown algorithm 'x': choose one of kl, lexrank, lsa, luhn, nttr"):
        get_algorithm("x")


def test_tokenizer_words_keep_inner_apostrophes() -> None:
    assert Tokenizer().to_words("Hun Sen's party won 64 seats, U.S. said.") == (
        "Hun", "Sen's", "party", "won", "64", "seats", "U", "S", "said",
    )


def test_tokenizer_sentences_use_our_splitter() -> None:
    assert Tokenizer().to_sentences("The U.S. team won. Then it rained hard all day.") == (
        "The U.S. team won.",
        "Then it rained hard all day.",
    )


def test_sumy_document_has_one_sentence_per_text() -> None:
    doc = build_document(["One sentence here.", "Another one there."])
    assert [str(s) for s in doc.sentences] == ["One sentence here.", "Another one there."]


def test_sumy_ratings_one_per_text_even_for_repeated_text() -> None:
    from sumy.summarizers.lex_rank import LexRankSummarizer

    ratings = sumy_ratings(LexRankSummarizer(), ["Same words here.", "Same words here.", "Other words there."])
    assert ratings.shape == (3,)


@pytest.mark.parametrize("name", ["kl", "lexrank", "lsa", "luhn", "sumbasic", "textrank"])
def test_sumy_algorithms_rate_every_sentence(name: str) -> None:
    items = [item(t, "a") for t in ["Leaders met in Minsk.", "Leaders met again in Minsk today.", "Rain fell."]]
    ratings = ALGORITHMS[name].rate(items, np.eye(3, dtype=np.float32))  # type: ignore[attr-defined]
    assert ratings.shape == (3,) and np.all(np.isfinite(ratings))


def test_concepts_are_stemmed_bigrams_and_content_words() -> None:
    assert concepts("The leaders met") == {("the", "leader"), ("leader", "met"), ("leader",), ("met",)}


def test_concept_needs_support_of_two_articles() -> None:
    items = [item("border security talks", "a"), item("border security deal", "b"), item("security talks", "a")]
    _, weights = concept_weights(items, min_support=2, power=1.0, unigram_weight=1.0)
    assert weights[("border", "secur")] == 2.0
    assert ("secur", "talk") not in weights


def test_concept_weight_is_support_squared() -> None:
    items = [item("border security", a) for a in "abc"]
    _, weights = concept_weights(items, power=2.0)
    assert weights[("border", "secur")] == 9.0


def test_single_article_counts_sentences() -> None:
    items = [item("border security talks", "a", 0), item("border security deal", "a", 1)]
    _, weights = concept_weights(items, power=1.0)
    assert weights[("border", "secur")] == 2.0


def test_nttr_prefers_sentence_covering_shared_concepts() -> None:
    items = [
        item("The weather stayed cold and grey in the capital for the whole week.", "a", 0),
        item("Leaders agreed on border security at the summit in the capital on Friday.", "a", 1),
        item("Border security was agreed by the leaders at the summit, officials said.", "b", 0),
        item("The border security deal was the main result of the summit of leaders.", "c", 0),
    ]
    chosen = ConceptCoverage().select(items, np.eye(4, dtype=np.float32), budget_words=14, max_similarity=0.85)
    assert len(chosen) == 1 and chosen[0] != 0


def test_nttr_drops_short_fragments_when_longer_sentences_exist() -> None:
    items = [item("Border security summit.", a, 0) for a in "ab"] + [
        item("Leaders agreed on border security at the summit on Friday in the capital.", "c", 0)
    ]
    vectors = np.eye(3, dtype=np.float32)
    assert ConceptCoverage().select(items, vectors, budget_words=100, max_similarity=0.85) == [2]


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
