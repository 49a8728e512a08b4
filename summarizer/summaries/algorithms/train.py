"""Fit the sentence-quality model (`quality.py`) on topics with human summaries: what `nttr train` runs.

The only code that reads human summaries, and never at run time. Each sentence of a topic is one example; its target
is the mean of two shares: of its stemmed bigrams, and of its content words, the share of the topic's human
summaries using each, averaged (ROUGE-2 and ROUGE-1 in one number). A ridge regression (penalty `alpha`, not tuned)
is fitted on standardised features; the parameters are rounded so that the artifact is byte-identical run to run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from summarizer.summaries.algorithms.concepts import Concept, concepts
from summarizer.summaries.algorithms.fitness import FEATURES as FITNESS_FEATURES
from summarizer.summaries.algorithms.fitness import FitnessModel, plain_junk
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


# The fit-for-digest model (`fitness.py`): a logistic regression on labelled sentences of real digests.

FITNESS_C = 0.1
"""Inverse regularisation of the fit-for-digest model. Held out by set (average precision for junk on ecbplus-dev,
realnews-dev, realnews-dev2): C 1.0 0.61/0.19/0.25, 0.1 0.70/0.19/0.34; MiniLM embeddings beside the features,
0.73/0.11/0.43; random forest 0.44/0.12/0.44; gradient boosting 0.19/0.08/0.24 (December 2026, 687 sentences)."""
FITNESS_PRECISION = 0.8
"""The threshold is the lowest cut whose precision for junk, on the training sets' held-out probabilities, reaches
this: leaving a good sentence out costs a summary more than keeping one junk sentence."""


class Labelled(NamedTuple):
    """One labelled sentence: its set, article, place in the article, and category ("fine" or a kind of junk)."""

    set: str
    article_id: str
    position: int
    length: int
    category: str
    text: str


def read_labels(path: Path) -> list[Labelled]:
    """The labelled sentences of a TSV file (set, article, position, sentences in article, category, text)."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 6:
            raise ValueError(f"{path}:{number}: expected 6 tab-separated fields, found {len(parts)}")
        out.append(Labelled(parts[0], parts[1], int(parts[2]), int(parts[3]), parts[4], parts[5]))
    return out


def fitness_examples(labelled: Sequence[Labelled]) -> tuple[np.ndarray, np.ndarray]:
    """Features of each labelled sentence, and 1 where it is junk."""
    from summarizer.summaries.algorithms.fitness import text_features

    features = np.array([text_features(x.text, x.position, x.length) for x in labelled], dtype=np.float64)
    return features, np.array([0 if x.category == "fine" else 1 for x in labelled])


def fitness_threshold(probabilities: np.ndarray, junk: np.ndarray, *, precision: float = FITNESS_PRECISION) -> float:
    """The lowest probability cut whose precision for junk reaches `precision` (the highest recall that does),
    else the cut with the best F1; on the training sentences."""
    best, best_f1 = 0.5, -1.0
    for cut in sorted(set(np.round(probabilities, 4)), reverse=True):
        flagged = probabilities >= cut
        tp = int((flagged & (junk == 1)).sum())
        p = tp / max(1, int(flagged.sum()))
        r = tp / max(1, int(junk.sum()))
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if p >= precision:
            best, best_f1 = float(cut), 2.0 + r  # any cut meeting the precision beats any that does not
        elif f1 > best_f1 and best_f1 < 2.0:
            best, best_f1 = float(cut), f1
    return best


def fit_fitness(labelled: Sequence[Labelled], *, C: float = FITNESS_C) -> FitnessModel:
    """A class-balanced logistic regression of junk on the standardised features; its threshold is chosen on
    probabilities each set gets from a model fitted on the other sets (on all, when there is one set)."""
    model = _fit_fitness(labelled, C=C)
    sets = sorted({x.set for x in labelled})
    if len(sets) < 2:
        probabilities = model.junk_probability(fitness_examples(labelled)[0])
        junk = fitness_examples(labelled)[1]
    else:
        parts = []
        for name in sets:
            held = [x for x in labelled if x.set == name]
            parts.append(_fit_fitness([x for x in labelled if x.set != name], C=C).junk_probability(
                fitness_examples(held)[0]))
        ordered = [x for name in sets for x in labelled if x.set == name]
        probabilities, junk = np.concatenate(parts), fitness_examples(ordered)[1]
    return model.model_copy(update={"threshold": _round(fitness_threshold(probabilities, junk))})


def _fit_fitness(labelled: Sequence[Labelled], *, C: float) -> FitnessModel:
    from sklearn.linear_model import LogisticRegression

    features, junk = fitness_examples(labelled)
    mean = np.array([_round(m) for m in features.mean(axis=0)])
    scale = np.array([_round(s) if s > 0 else 1.0 for s in features.std(axis=0)])
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit((features - mean) / scale, junk)
    fitted = FitnessModel(
        features=list(FITNESS_FEATURES),
        mean=[float(m) for m in mean],
        scale=[float(s) for s in scale],
        coef=[_round(float(v)) for v in model.coef_[0]],
        intercept=_round(float(model.intercept_[0])),
        threshold=0.5,
        C=C,
        trained_on=sorted({x.set for x in labelled}),
    )
    return fitted


class HeldOut(NamedTuple):
    """Junk precision and recall on one labelled set, by a model fitted on the other sets."""

    set: str
    sentences: int
    junk: int
    precision: float
    recall: float


def cross_validate_fitness(labelled: Sequence[Labelled], *, C: float = FITNESS_C) -> list[HeldOut]:
    """Leave one set out: fit on the others, measure on it the precision and recall for junk of the whole decision
    (`fitness.is_junk`: the plain rules or the model)."""
    out = []
    for name in sorted({x.set for x in labelled}):
        test = [x for x in labelled if x.set == name]
        model = fit_fitness([x for x in labelled if x.set != name], C=C)
        features, junk = fitness_examples(test)
        plain = np.array([plain_junk(x.text) is not None for x in test], dtype=bool)
        flagged = (model.junk_probability(features) >= model.threshold) | plain
        tp = int((flagged & (junk == 1)).sum())
        out.append(
            HeldOut(name, len(test), int(junk.sum()), tp / max(1, int(flagged.sum())), tp / max(1, int(junk.sum())))
        )
    return out


def dumps_fitness(model: FitnessModel) -> str:
    """The fit-for-digest artifact's text: stable key order."""
    return json.dumps(model.model_dump(), indent=1, sort_keys=True) + "\n"
