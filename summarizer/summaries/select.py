"""The shared selector: best-rated sentences within a word budget, no two near-repeats.

Budget semantics (measured on DUC 2004, see `evaluation/duc2004.py`): the total stays within `budget_words`
(strict); a sentence that does not fit is skipped and the next best one is tried.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def word_count(text: str) -> int:
    """Words as a reader counts them: whitespace-separated tokens."""
    return len(text.split())


def too_similar(vectors: np.ndarray, chosen: Sequence[int], candidate: int, max_similarity: float) -> bool:
    """Whether `candidate` has cosine similarity above `max_similarity` to any chosen row (rows L2-normalised)."""
    if not chosen:
        return False
    sims = vectors[list(chosen)] @ vectors[candidate]
    return bool(np.max(sims) > max_similarity)


def select_by_rating(
    ratings: Sequence[float] | np.ndarray,
    lengths: Sequence[int],
    vectors: np.ndarray,
    *,
    budget_words: int = 100,
    max_similarity: float = 0.7,
) -> list[int]:
    """Indices of the best-rated sentences that fit the budget together, in index order.

    Ties in rating go to the earlier index, so the result is deterministic.
    """
    order = sorted(range(len(lengths)), key=lambda i: (-float(ratings[i]), i))
    chosen: list[int] = []
    used = 0
    for i in order:
        if lengths[i] <= 0 or used + lengths[i] > budget_words:
            continue
        if too_similar(vectors, chosen, i, max_similarity):
            continue
        chosen.append(i)
        used += lengths[i]
    return sorted(chosen)
