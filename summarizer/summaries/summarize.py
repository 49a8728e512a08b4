"""Extractive summaries of merged statements: verbatim sentences, with their sources, within a budget.

The chosen sentences are put in reading order: source date, then article, then position in the article
(`algorithms.coherence.reading_order`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from summarizer.models import MergedStatement, SummaryItem

if TYPE_CHECKING:
    from summarizer.summaries.algorithms import Algorithm


def choose(
    items: Sequence[MergedStatement],
    vectors: np.ndarray,
    *,
    algorithm: str | Algorithm = "nttr",
    budget_words: int = 100,
    max_similarity: float = 0.7,
) -> list[int]:
    """Indices of the items a summary by the named algorithm keeps, in reading order.

    Rows of `vectors` are the items' L2-normalised embeddings. The chosen sentences stay within
    `budget_words` words and no two have cosine similarity above `max_similarity`.
    """
    # Imported here: a rerun served from the summary cache never imports the algorithms (sumy, NLTK).
    from summarizer.summaries.algorithms import get_algorithm
    from summarizer.summaries.algorithms.coherence import reading_order

    chosen_algorithm = get_algorithm(algorithm) if isinstance(algorithm, str) else algorithm
    if len(items) == 0:
        return []
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.shape[0] != len(items):
        raise ValueError(f"summarize: {len(items)} items but {vectors.shape[0]} vectors")
    chosen = set(
        chosen_algorithm.select(items, vectors, budget_words=budget_words, max_similarity=max_similarity)
    )
    return [i for i in reading_order(items) if i in chosen]


def summary_of(items: Sequence[MergedStatement], chosen: Sequence[int]) -> list[SummaryItem]:
    """The summary made of the chosen items: their verbatim text, sources and outlet counts."""
    return [SummaryItem(text=items[i].text, sources=items[i].sources, outlets=items[i].outlets) for i in chosen]


def summarize(
    items: Sequence[MergedStatement],
    vectors: np.ndarray,
    *,
    algorithm: str = "nttr",
    budget_words: int = 100,
    max_similarity: float = 0.7,
) -> list[SummaryItem]:
    """A summary of `items` by the named algorithm: verbatim sentences in reading order (see `choose`)."""
    chosen = choose(items, vectors, algorithm=algorithm, budget_words=budget_words, max_similarity=max_similarity)
    return summary_of(items, chosen)
