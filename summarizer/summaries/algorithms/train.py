"""Fit the sentence-quality model (`quality.py`) on topics with human summaries: what `nttr train` runs.

The only code that reads human summaries, and never at run time. Each sentence of a topic is one example; its target
is the mean of two shares: of its stemmed bigrams, and of its content words, the share of the topic's human
summaries using each, averaged (ROUGE-2 and ROUGE-1 in one number). A ridge regression (penalty `alpha`, not tuned)
is fitted on standardised features; the parameters are rounded so that the artifact is byte-identical run to run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from summarizer.summaries.algorithms.concepts import Concept, concepts
from summarizer.summaries.algorithms.quality import FEATURES, QualityModel, sentence_features
from summarizer.models import MergedStatement

DIGITS = 6
ALPHA = 10.0


def reference_shares(references: Sequence[str]) -> dict[Concept, float]:
    """For each concept of the human summaries, the share of them that use it."""
    counts: dict[Concept, int] = {}
    for ref in references:
        for c in concepts(ref):
            counts[c] = counts.get(c, 0) + 1
    return {c: n / len(references) for c, n in counts.items()}


def sentence_targets(items: Sequence[MergedStatement], references: Sequence[str]) -> np.ndarray:
    """Per item: the mean of its bigrams' and its words' shares of the human summaries using them."""
    shares = reference_shares(references)
    out = []
    for item in items:
        cs = concepts(item.text)
        bigrams = [shares.get(c, 0.0) for c in cs if len(c) == 2]
        words = [shares.get(c, 0.0) for c in cs if len(c) == 1]
        out.append(0.5 * (float(np.mean(bigrams)) if bigrams else 0.0) + 0.5 * (float(np.mean(words)) if words else 0.0))
    return np.array(out)


def topic_examples(
    items: Sequence[MergedStatement], vectors: np.ndarray, references: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Features and targets of each sentence of one topic."""
    return sentence_features(items, vectors), sentence_targets(items, references)


def _round(x: float) -> float:
    return float(f"{x:.{DIGITS}g}")


def fit(
    examples: Sequence[tuple[np.ndarray, np.ndarray]], *, alpha: float = ALPHA, topics: Sequence[str] = ()
) -> QualityModel:
    """A ridge regression of the targets on the standardised features, pooled over topics."""
    from sklearn.linear_model import Ridge

    features = np.vstack([f for f, _ in examples])
    targets = np.concatenate([t for _, t in examples])
    mean = np.array([_round(m) for m in features.mean(axis=0)])
    scale = features.std(axis=0)
    scale = np.array([_round(s) if s > 0 else 1.0 for s in scale])
    model = Ridge(alpha=alpha).fit((features - mean) / scale, targets)
    return QualityModel(
        features=list(FEATURES),
        mean=[float(m) for m in mean],
        scale=[float(s) for s in scale],
        coef=[_round(float(v)) for v in model.coef_],
        intercept=_round(float(model.intercept_)),
        alpha=alpha,
        trained_on=list(topics),
    )


def dumps(model: QualityModel) -> str:
    """The artifact's text: stable key order."""
    return json.dumps(model.model_dump(), indent=1, sort_keys=True) + "\n"
