"""The algorithm registry, the sumy adapter (our tokenizer, no NLTK data) and nttr's concept coverage
(concept support, candidate pruning)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from summarizer.summaries.algorithms import ALGORITHMS, get_algorithm
from summarizer.summaries.algorithms._sumy import Tokenizer, build_document, sumy_ratings
from summarizer.summaries.algorithms.coherence import dependencies, opener, quotation_spans, quote_state, reading_order
from summarizer.summaries.algorithms.concepts import concept_weights, concepts
from summarizer.summaries.algorithms.quality import FEATURES, sentence_features
from summarizer.summaries.algorithms.train import dumps, fit, reference_shares, sentence_targets, topic_examples
from summarizer.summaries.algorithms.nttr import ConceptCoverage, fold_concepts, greedy_choice, unpromising
from summarizer.errors import ConfigError
from summarizer.models import MergedStatement, Source, Statement


def item(text: str, article: str, position: int = 0, published: dt.date | None = None) -> MergedStatement:
    st = Statement(id=f"{article}:{position}", article_id=article, text=text, start=0, end=len(text), position=position)
    source = Source(article_id=article, path=article, published=published)
    return MergedStatement(id=st.id, text=text, statements=(st,), sources=(source,))


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


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("He said the talks would go on.", "person"),
        ("“His remarks were clear,” a diplomat said.", "person"),
        ("But the talks failed on Friday.", "context"),
        ("In addition, the leaders signed a pact.", "context"),
        ("This is a historic agreement.", "context"),
        ("This year the summit met in Minsk.", None),
        ("The leaders met in Minsk on Friday.", None),
    ],
)
def test_opener_kinds(text: str, kind: str | None) -> None:
    assert opener(text) == kind


def test_quote_state_reads_directional_and_straight_marks() -> None:
    assert quote_state("“We will win,” he said.").balanced
    assert quote_state('He said: "We will win.').leaves_open
    assert quote_state("We never give up,'' he said.").closes_earlier
    assert quote_state("``We go on.", inside=True).leaves_open  # a new paragraph of the same quotation


def test_quotation_spans_group_a_multi_sentence_quote_and_reject_an_unclosed_one() -> None:
    texts = ["He said: “We will win.", "We will fight.", "We never give up,” he said.", "Talks end.", "“Bad."]
    assert quotation_spans(texts) == [(0, 1, 2), (0, 1, 2), (0, 1, 2), (), None]


def test_reading_order_is_date_then_article_then_position() -> None:
    items = [
        item("Later news from the second day of the talks.", "b", 1, dt.date(2024, 5, 2)),
        item("Undated commentary on the talks in general.", "c", 0),
        item("Early news from the first day of the talks.", "a", 3, dt.date(2024, 5, 1)),
        item("Opening of the second day of the talks.", "b", 0, dt.date(2024, 5, 2)),
    ]
    assert reading_order(items) == [2, 3, 0, 1]


QUOTE_ITEMS = [
    item("The leaders of the bloc met in the capital on Friday for border security talks.", "a", 0),
    item("The president said: “Border security is the first task of the bloc at this summit.", "a", 1),
    item("We will not give up on border security talks with our neighbours,” he said.", "a", 2),
    item("Border security talks between the neighbours made progress, the bloc said later.", "b", 0),
    item("But border security talks at the summit stalled over the question of funding.", "c", 3),
]


def test_nttr_takes_a_multi_sentence_quotation_whole_or_not_at_all() -> None:
    vectors = np.eye(len(QUOTE_ITEMS), dtype=np.float32)
    for budget in (15, 20, 35, 60):
        chosen = set(ConceptCoverage().select(QUOTE_ITEMS, vectors, budget_words=budget, max_similarity=0.85))
        assert (1 in chosen) == (2 in chosen)


def test_nttr_never_opens_with_a_context_word_without_its_source_predecessor() -> None:
    vectors = np.eye(len(QUOTE_ITEMS), dtype=np.float32)
    chosen = ConceptCoverage().select(QUOTE_ITEMS, vectors, budget_words=100, max_similarity=0.85)
    assert 4 not in chosen  # "But ..." comes from position 3 of an article whose position 2 the group lacks
    unconstrained = ConceptCoverage(readable=False).select(QUOTE_ITEMS, vectors, budget_words=100, max_similarity=0.85)
    assert 4 in unconstrained


PRONOUN_ITEMS = [
    item("Tokayev opened the border security talks at the summit on Friday.", "c", 0),
    item("He said border security talks at the summit would go on next year.", "a", 5),
    item("The border security talks at the summit went on for many hours.", "b", 0),
]


def test_nttr_can_take_a_person_pronoun_after_another_articles_name_when_not_strict() -> None:
    vectors = np.eye(3, dtype=np.float32)
    lenient = ConceptCoverage(own_antecedent=False)
    assert lenient.select(PRONOUN_ITEMS[1:], vectors[1:], budget_words=100, max_similarity=0.85) == [1]
    assert 1 in lenient.select(PRONOUN_ITEMS, vectors, budget_words=100, max_similarity=0.85)


def test_nttr_takes_a_person_pronoun_only_right_after_its_own_articles_sentence() -> None:
    vectors = np.eye(3, dtype=np.float32)
    assert 1 not in ConceptCoverage().select(PRONOUN_ITEMS, vectors, budget_words=100, max_similarity=0.85)


def test_dependencies_find_predecessors_by_article_and_position() -> None:
    deps = dependencies(QUOTE_ITEMS)
    assert deps.predecessor == [None, 0, 1, None, None]
    assert deps.quotation[1] == deps.quotation[2] == (1, 2)


def test_sentence_features_have_one_row_per_item() -> None:
    features = sentence_features(QUOTE_ITEMS, np.eye(len(QUOTE_ITEMS), dtype=np.float32))
    assert features.shape == (len(QUOTE_ITEMS), len(FEATURES))
    lead = FEATURES.index("lead")
    assert list(features[:, lead]) == [1.0, 0.0, 0.0, 1.0, 0.0]


def test_reference_shares_count_summaries_not_occurrences() -> None:
    shares = reference_shares(["Border security talks. Border security again.", "Trade talks."])
    assert shares[("border", "secur")] == 0.5 and shares[("talk",)] == 1.0


def test_sentence_targets_are_higher_for_sentences_the_summaries_echo() -> None:
    targets = sentence_targets(QUOTE_ITEMS, ["Border security talks made progress, the bloc said."])
    assert targets[3] == max(targets) and targets[3] > targets[1]


def test_training_is_byte_identical_and_learns_that_widely_reported_words_matter() -> None:
    vectors = np.eye(len(QUOTE_ITEMS), dtype=np.float32)
    example = topic_examples(QUOTE_ITEMS, vectors, ["Border security talks made progress at the summit."])
    assert dumps(fit([example, example])) == dumps(fit([example, example]))
    model = fit([example], alpha=0.1)
    assert model.coef[FEATURES.index("bigram_support_mean")] > 0


def test_nttr_uses_the_given_quality_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    vectors = np.eye(len(QUOTE_ITEMS), dtype=np.float32)
    example = topic_examples(QUOTE_ITEMS, vectors, ["Border security talks made progress at the summit."])
    path = tmp_path / "quality.json"
    path.write_text(dumps(fit([example])), encoding="utf-8")
    prior = ConceptCoverage(model_path=str(path)).prior(QUOTE_ITEMS, vectors)
    assert prior.max() == 1.0 and prior.min() >= 0.0


def test_straight_quotes_inside_markup_pair_up() -> None:
    assert quote_state('Delegates saw <img src=x onerror="document.title=\'pwned\'"> on screens.').balanced


def test_nttr_writes_no_summary_from_junk_alone() -> None:
    items = [
        item("Farmers stand in a field near the river in Riverton, Kansas, Sunday, Oct. 20, 2024.", "a", 0),
        item("Police stand guard in front of the town hall in Riverton, Kansas, Saturday, Oct. 19, 2024.", "b", 0),
    ]
    assert ConceptCoverage().select(items, np.eye(2, dtype=np.float32), budget_words=100, max_similarity=0.85) == []


def test_fold_concepts_moves_a_concept_one_candidate_holds_into_its_reward() -> None:
    reward, covers, weight = fold_concepts([frozenset({("a",), ("b",)}), frozenset({("b",)})], {("a",): 3.0, ("b",): 5.0})
    assert reward.tolist() == [3.0, 0.0] and covers == [(0, 1)] and weight.tolist() == [5.0]


def test_fold_concepts_merges_concepts_held_by_the_same_candidates() -> None:
    grams = [frozenset({("a",), ("b",), ("c",)}), frozenset({("a",), ("b",)}), frozenset({("c",)})]
    _, covers, weight = fold_concepts(grams, {("a",): 1.0, ("b",): 2.0, ("c",): 4.0})
    assert dict(zip(covers, weight.tolist())) == {(0, 1): 3.0, (0, 2): 4.0}


def greedy(lengths, reward, covers, weight, *, similar=None, units=None, budget=10, **kw):  # type: ignore[no-untyped-def]
    n = len(lengths)
    return greedy_choice(
        np.array(lengths), np.array(reward, dtype=float), covers, np.array(weight, dtype=float),
        np.eye(n, dtype=bool) if similar is None else similar, units or [(j,) for j in range(n)], budget, **kw,
    )


def test_greedy_adds_what_covers_most_per_word_within_the_budget() -> None:
    # 0 and 1 cover the same heavy concept; 2 covers another: two sentences saying different things win.
    assert greedy([5, 5, 5], [0, 0, 0], [(0, 1), (2,)], [10, 6], budget=10) == [0, 2]


def test_greedy_keeps_the_best_single_unit_when_it_beats_the_ratio_rule() -> None:
    # 0 has the best ratio but then nothing else fits; 1 alone is worth more (Khuller et al.'s fix).
    assert greedy([2, 10], [4, 15], [], [], budget=10) == [1]


def test_greedy_never_takes_two_sentences_above_the_similarity_cap() -> None:
    similar = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1]], dtype=bool)
    assert greedy([3, 3, 3], [9, 8, 1], [], [], similar=similar) == [0, 2]


def test_greedy_takes_a_sentence_only_with_what_it_needs() -> None:
    units = [(0,), (0, 1), None]  # 1 refers back to 0; 2 can never read well
    assert greedy([8, 4, 2], [1, 9, 50], [], [], units=units, budget=10) == [0]  # 0 and 1 together do not fit
    assert greedy([5, 4, 2], [1, 9, 50], [], [], units=units, budget=10) == [0, 1]


def test_greedy_swaps_a_sentence_when_that_covers_more() -> None:
    # The ratio rule takes 0 (cheap) and then only 2 fits; dropping 0 lets 1 in, and 1 with 2 covers more.
    got = greedy([2, 6, 4], [0, 0, 0], [(0,), (1,), (2,)], [5, 20, 8], budget=10)
    assert got == [1, 2]


@pytest.mark.parametrize("solver", ["greedy", "ilp"])
def test_both_solvers_keep_a_quotation_whole_and_context_openers_with_their_predecessor(solver: str) -> None:
    vectors = np.eye(len(QUOTE_ITEMS), dtype=np.float32)
    for budget in (15, 20, 35, 60, 100):
        chosen = set(ConceptCoverage(solver=solver).select(QUOTE_ITEMS, vectors, budget_words=budget, max_similarity=0.85))  # type: ignore[arg-type]
        assert (1 in chosen) == (2 in chosen) and 4 not in chosen


def test_unpromising_fixes_what_cannot_beat_the_incumbent() -> None:
    from scipy.sparse import csr_matrix

    budget = csr_matrix(np.array([[2.0, 2.0, 2.0]]))  # three 2-word sentences, 3 words allowed
    cost = np.array([-10.0, -9.5, -1.0])  # relaxation: all of 0, half of 1 (-14.75); taking 2 caps it at -6.25
    fixed = unpromising(cost, budget, np.array([-np.inf]), np.array([3.0]), 3, incumbent=-10.0)
    assert fixed.tolist() == [0.0, 0.0, 1.0]


def test_unpromising_keeps_what_could_beat_the_incumbent() -> None:
    from scipy.sparse import csr_matrix

    budget = csr_matrix(np.array([[2.0, 2.0, 2.0]]))
    cost = np.array([-10.0, -9.5, -1.0])
    assert unpromising(cost, budget, np.array([-np.inf]), np.array([3.0]), 3, incumbent=-5.0).tolist() == [0.0, 0.0, 0.0]
