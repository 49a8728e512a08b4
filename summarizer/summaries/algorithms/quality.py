"""Learned sentence quality: how much of a sentence a human summary of its group would say, from what the articles
show.

After RegSum (Hong and Nenkova, 2014), which learns what matters from earlier years' human summaries, but at the
level of the sentence: each sentence gets features that need no human summary (its position and relative position
in its article, its embedding centrality, its length, how widely its bigrams and words are reported, how many outlets
said it, how common its words are in general English (`wordfreq`), capitalisation, quotation marks, digits, an
opening word that refers back), and a ridge regression predicts the share of its bigrams and words that the human
summaries use. The model is fitted by `nttr train` on DUC 2004 dev (`train.py`) and shipped as a small JSON file
(`data/quality.json`); nttr uses the prediction as the prior that rewards each chosen word (`nttr.py`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from summarizer.summaries.algorithms._sumy import stop_words
from summarizer.summaries.algorithms.coherence import opener, quote_marks
from summarizer.summaries.algorithms.concepts import concept_weights
from summarizer.linear import StandardisedLinear, load_linear
from summarizer.models import MergedStatement

FEATURES = (
    "first_position",
    "relative_position",
    "lead",
    "centrality",
    "log_words",
    "bigram_support_mean",
    "bigram_support_max",
    "word_support_mean",
    "word_support_max",
    "log_reports",
    "capitalised",
    "word_commonness",
    "refers_back",
    "unbalanced_quote",
    "quoted",
    "digits",
)
ARTIFACT = "quality.json"

_WORD = re.compile(r"[A-Za-z0-9]+")


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """General-English frequency of a lower-case word on the Zipf scale (0 to about 8), from wordfreq."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def sentence_features(items: Sequence[MergedStatement], vectors: np.ndarray) -> np.ndarray:
    """One row of `FEATURES` per item; support is counted over all the items of the group."""
    if len(items) == 0:
        return np.zeros((0, len(FEATURES)))
    centroid = vectors.mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    central = np.clip(vectors @ (centroid / norm), 0.0, 1.0) if norm else np.zeros(len(items))
    grams, support = concept_weights(items, min_support=1, power=1.0, unigram_weight=1.0, support="sentences")
    length: dict[str, int] = {}
    for item in items:
        for st in item.statements:
            length[st.article_id] = max(length.get(st.article_id, 0), st.position + 1)
    rows = []
    for i, item in enumerate(items):
        first = min(st.position for st in item.statements)
        relative = min(st.position / length[st.article_id] for st in item.statements)
        bigrams = [math.log1p(support.get(c, 0.0)) for c in grams[i] if len(c) == 2]
        words = [math.log1p(support.get(c, 0.0)) for c in grams[i] if len(c) == 1]
        log_words, capitalised, commonness, refers_back, unbalanced, quoted, digits = text_features(item.text)
        rows.append(
            [
                1.0 / (1.0 + first),
                relative,
                1.0 if first == 0 else 0.0,
                float(central[i]),
                log_words,
                float(np.mean(bigrams)) if bigrams else 0.0,
                max(bigrams, default=0.0),
                float(np.mean(words)) if words else 0.0,
                max(words, default=0.0),
                math.log1p(len(item.statements)),
                capitalised,
                commonness,
                refers_back,
                unbalanced,
                quoted,
                digits,
            ]
        )
    return np.array(rows, dtype=np.float64)


@lru_cache(maxsize=100_000)
def text_features(text: str) -> tuple[float, float, float, float, float, float, float]:
    """The features that depend on a sentence's wording alone (log_words, capitalised, word_commonness,
    refers_back, unbalanced_quote, quoted, digits), computed once per wording: a statement is summarized in its
    event's summary and its theme's, and in every fold of a cross-validation."""
    tokens = _WORD.findall(text)
    stops = stop_words()
    content = [t.lower() for t in tokens if t.lower() not in stops]
    marks = quote_marks(text)
    return (
        math.log(len(text.split()) + 1),
        sum(t[0].isupper() for t in tokens[1:]) / max(1, len(tokens)),
        float(np.mean([zipf(w) for w in content])) / 8.0 if content else 0.5,
        1.0 if opener(text) is not None else 0.0,
        1.0 if marks.count(True) != marks.count(False) else 0.0,
        1.0 if marks else 0.0,
        sum(c.isdigit() for c in text) / max(1, len(text)),
    )


class QualityModel(StandardisedLinear):
    """A ridge regression over standardised sentence features (what `nttr train` writes)."""

    alpha: float
    """Ridge penalty it was fitted with."""
    trained_on: list[str] = []
    """The topics it was fitted on (names only)."""

    def predict(self, features: np.ndarray) -> np.ndarray:
        """Predicted share of each sentence's bigrams and words that a human summary uses."""
        return self.linear(features)


@lru_cache(maxsize=8)
def load_model(path: str | None = None) -> QualityModel:
    """The shipped model, or the one at `path` (cross-validation fits one per fold)."""
    return load_linear(QualityModel, "summarizer.summaries.algorithms", ARTIFACT, FEATURES, path)


def quality(items: Sequence[MergedStatement], vectors: np.ndarray, *, model_path: str | None = None) -> np.ndarray:
    """Each item's predicted quality, scaled to [0, 1] within the group (the best sentence gets 1)."""
    predicted = np.clip(load_model(model_path).predict(sentence_features(items, vectors)), 0.0, None)
    top = float(predicted.max()) if len(predicted) else 0.0
    return predicted / top if top > 0 else predicted
