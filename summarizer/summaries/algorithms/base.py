"""What every summarization algorithm offers: pick sentences within a budget."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from summarizer.models import MergedStatement
from summarizer.summaries.select import select_by_rating, word_count


class Algorithm(Protocol):
    """A summarizer: chooses sentence indices within `budget_words`, none two above `max_similarity`."""

    name: str

    def select(
        self, items: Sequence[MergedStatement], vectors: np.ndarray, *, budget_words: int, max_similarity: float
    ) -> list[int]: ...


class RatingAlgorithm(ABC):
    """An algorithm that only rates sentences; the shared selector does the rest."""

    name: str = ""

    @abstractmethod
    def rate(self, items: Sequence[MergedStatement], vectors: np.ndarray) -> np.ndarray:
        """One score per item; higher is better."""

    def select(
        self, items: Sequence[MergedStatement], vectors: np.ndarray, *, budget_words: int, max_similarity: float
    ) -> list[int]:
        """Best-rated items within the budget, via the shared selector."""
        if not items:
            return []
        ratings = self.rate(items, vectors)
        lengths = [word_count(item.text) for item in items]
        return select_by_rating(ratings, lengths, vectors, budget_words=budget_words, max_similarity=max_similarity)
