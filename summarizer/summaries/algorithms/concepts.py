"""Concepts for coverage-based selection: stemmed bigrams and words, weighted by how often the articles use them."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

from nltk.stem.porter import PorterStemmer

from summarizer.summaries.algorithms._sumy import stop_words
from summarizer.models import MergedStatement

TOKEN_RE = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def _stemmer() -> PorterStemmer:
    return PorterStemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Porter stem of a lower-case word (no NLTK data needed)."""
    return _stemmer().stem(word) if len(word) > 3 else word


def tokens(text: str) -> list[tuple[str, bool]]:
    """Stemmed tokens of `text`, each with whether it is a stop word."""
    stops = stop_words()
    return [(stem(w), w in stops) for w in TOKEN_RE.findall(text.lower())]


def article_ids(item: MergedStatement) -> tuple[str, ...]:
    """Every article that said `item`, in first-seen order."""
    return tuple(dict.fromkeys(s.article_id for s in item.statements))


Concept = tuple[str, ...]


@lru_cache(maxsize=100_000)
def concepts(text: str) -> frozenset[Concept]:
    """Concepts of `text`: stemmed bigrams (not both stop words) and stemmed content words."""
    toks = tokens(text)
    grams: set[Concept] = {(a, b) for (a, sa), (b, sb) in zip(toks, toks[1:]) if not (sa and sb)}
    return frozenset(grams | {(w,) for w, s in toks if not s})


def concept_weights(
    items: Sequence[MergedStatement],
    *,
    min_support: int = 2,
    power: float = 2.0,
    unigram_weight: float = 0.1,
    support: Literal["articles", "sentences"] = "articles",
) -> tuple[list[frozenset[Concept]], dict[Concept, float]]:
    """Concepts of each item, and the weight of those kept.

    Support is the number of articles using a concept (the number of sentences when there is a single
    article), or with `support="sentences"` the number of source sentences using it (every sentence a merged
    item stands for counts, so a point repeated within an article, or by several articles, counts each time);
    concepts with less than `min_support` are dropped. Weight = support ** `power`, times `unigram_weight` for
    single words: bigrams carry the content, words fill in what bigrams miss.
    """
    grams = [concepts(item.text) for item in items]
    by_sentences = support == "sentences" or len({a for item in items for a in article_ids(item)}) < 2
    counts: dict[Concept, float] = defaultdict(float)
    if by_sentences:  # no article sets needed (the costly part)
        for item, gs in zip(items, grams):
            said = float(len(item.statements))
            for g in gs:
                counts[g] += said
    else:
        articles: dict[Concept, set[str]] = defaultdict(set)
        for item, gs in zip(items, grams):
            ids = article_ids(item)
            for g in gs:
                articles[g].update(ids)
        counts.update((g, float(len(a))) for g, a in articles.items())
    weights = {
        g: n**power * (unigram_weight if len(g) == 1 else 1.0) for g, n in counts.items() if n >= min_support
    }
    return grams, weights
