"""Extractive summaries of merged statements: verbatim sentences, with their sources, within a budget."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from summarizer.algorithms import get_algorithm
from summarizer.models import MergedStatement, SummaryItem


def reading_order(items: Sequence[MergedStatement]) -> list[int]:
    """Indices of `items` by (order of first appearance of the representative's article, its position)."""
    article_rank: dict[str, int] = {}
    for item in items:
        article_rank.setdefault(item.representative.article_id, len(article_rank))
    return sorted(
        range(len(items)),
        key=lambda i: (article_rank[items[i].representative.article_id], items[i].representative.position, i),
    )


def summarize(
    items: Sequence[MergedStatement],
    vectors: np.ndarray,
    *,
    algorithm: str = "nttr",
    budget_words: int = 100,
    max_similarity: float = 0.85,
) -> list[SummaryItem]:
    """A summary of `items` (rows of `vectors` are their L2-normalised embeddings) by the named algorithm.

    Sentences are verbatim `item.text`, in reading order; the total stays within `budget_words` words and no
    two chosen sentences have cosine similarity above `max_similarity`.
    """
    chosen_algorithm = get_algorithm(algorithm)
    if len(items) == 0:
        return []
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.shape[0] != len(items):
        raise ValueError(f"summarize: {len(items)} items but {vectors.shape[0]} vectors")
    chosen = set(
        chosen_algorithm.select(items, vectors, budget_words=budget_words, max_similarity=max_similarity)
    )
    order = reading_order(items)
    return [
        SummaryItem(text=items[i].text, sources=items[i].sources, outlets=items[i].outlets)
        for i in order
        if i in chosen
    ]
