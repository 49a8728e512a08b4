"""The shared selector: rating order, strict budget, redundancy, index order."""

from __future__ import annotations

import numpy as np

from summarizer.summaries.select import select_by_rating, word_count

E = np.eye(4, dtype=np.float32)


def test_picks_best_rated_within_budget() -> None:
    assert select_by_rating([0.1, 0.9, 0.5, 0.7], [10, 10, 10, 10], E, budget_words=20) == [1, 3]


def test_skips_a_sentence_that_does_not_fit_and_tries_the_next() -> None:
    assert select_by_rating([0.9, 0.8, 0.1], [15, 10, 5], E[:3], budget_words=20) == [0, 2]


def test_budget_is_strict() -> None:
    chosen = select_by_rating([1.0, 0.9, 0.8, 0.7], [7, 7, 7, 7], E, budget_words=20)
    assert sum(7 for _ in chosen) <= 20


def test_skips_sentence_too_similar_to_a_chosen_one() -> None:
    v = np.array([[1, 0], [0.99, 0.141], [0, 1]], dtype=np.float32)
    assert select_by_rating([0.9, 0.8, 0.1], [5, 5, 5], v, budget_words=100, max_similarity=0.85) == [0, 2]


def test_ties_go_to_earlier_index() -> None:
    assert select_by_rating([0.5, 0.5, 0.5], [10, 10, 10], E[:3], budget_words=10) == [0]


def test_empty_input() -> None:
    assert select_by_rating([], [], np.zeros((0, 4), dtype=np.float32)) == []


def test_word_count_counts_whitespace_tokens() -> None:
    assert word_count("  The U.S. summit,\nin Minsk. ") == 5
