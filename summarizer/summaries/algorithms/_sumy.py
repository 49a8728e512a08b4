"""Adapter that runs a sumy summarizer as a pure rater, on documents built with our tokenizer."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers._summarizer import AbstractSummarizer
from sumy.utils import get_stop_words

from summarizer.summaries.algorithms.base import RatingAlgorithm
from summarizer.models import MergedStatement

WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
LANGUAGE = "english"


class Tokenizer:
    """sumy's tokenizer protocol, backed by our sentence splitter and a word regex (no NLTK data)."""

    language = LANGUAGE

    def to_sentences(self, text: str) -> tuple[str, ...]:
        """Sentences of `text`, split by `summarizer.text.sentences.split_sentences`."""
        from summarizer.text.sentences import split_sentences

        return tuple(text[start:end] for start, end in split_sentences(text))

    def to_words(self, text: str) -> tuple[str, ...]:
        """Words of `text`: runs of letters and digits, inner apostrophes kept."""
        return tuple(WORD_RE.findall(text))


def build_document(texts: Sequence[str]) -> ObjectDocumentModel:
    """A sumy document with one sentence per text, in order."""
    tokenizer = Tokenizer()
    return ObjectDocumentModel([Paragraph([Sentence(text, tokenizer) for text in texts])])


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """sumy's English stop-word list (shipped with the package)."""
    return frozenset(get_stop_words(LANGUAGE))


def sumy_ratings(summarizer: AbstractSummarizer, texts: Sequence[str]) -> np.ndarray:
    """The rating sumy gives each text, captured where sumy would pick its best sentences."""
    captured: list[float] = []

    def capture(sentences: Sequence[Sentence], count: Any, rating: Any, *args: Any, **kwargs: Any) -> tuple[()]:
        rate = (lambda s: rating[s]) if isinstance(rating, dict) else (lambda s: rating(s, *args, **kwargs))
        captured.extend(float(rate(s)) for s in sentences)
        return ()

    document = build_document(texts)
    summarizer._get_best_sentences = capture  # type: ignore[method-assign]  # shadows sumy's selector
    summarizer(document, len(texts))
    return np.asarray(captured if captured else [0.0] * len(texts), dtype=np.float64)


class SumyAlgorithm(RatingAlgorithm):
    """One of sumy's summarizers, English stemming and stop words, rating our sentences."""

    def __init__(self, name: str, factory: Callable[[Stemmer], AbstractSummarizer]) -> None:
        self.name = name
        self._factory = factory

    def rate(self, items: Sequence[MergedStatement], vectors: np.ndarray) -> np.ndarray:
        """sumy's rating of each item's text."""
        summarizer = self._factory(Stemmer(LANGUAGE))
        summarizer.stop_words = stop_words()  # sumy's API: stop words are set after construction
        return sumy_ratings(summarizer, [item.text for item in items])
