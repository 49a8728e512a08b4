"""The learned "same event?" model: a regularised logistic regression over the pairwise features of
`events.pairs`, shipped as a small readable JSON file (`data/events.json`, refitted by `nttr train events`).

The file holds the feature names, one weight each, the intercept, and the probability at which average-link
clustering stops merging (chosen on the training sets, not on the set being scored).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from summarizer.errors import InputError
from summarizer.events.pairs import FEATURES

ARTIFACT = "events.json"


class PairModel(BaseModel):
    """Weights of the pairwise features; `threshold`: the linkage's stopping probability."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5
    c: float = 1.0
    """Inverse regularisation strength of the fit."""
    trained_on: tuple[str, ...] = ()
    pairs: int = 0

    def logits(self, features: np.ndarray) -> np.ndarray:
        """Log-odds of "same event" for feature rows (last axis: the features, in `self.features` order)."""
        return features @ np.asarray(self.coef) + self.intercept

    def probability(self, features: np.ndarray) -> np.ndarray:
        """Probability of "same event" for feature rows."""
        return 1.0 / (1.0 + np.exp(-self.logits(features)))


def fit_model(x: np.ndarray, y: np.ndarray, *, weights: np.ndarray | None = None, c: float = 1.0,
              threshold: float = 0.5, trained_on: tuple[str, ...] = ()) -> PairModel:
    """Fit the logistic regression on labelled pairs (rows of features, 1 = same event, optional weight per
    pair); deterministic."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=c, max_iter=3000, solver="lbfgs")
    lr.fit(x, y, sample_weight=weights)
    return PairModel(features=FEATURES, coef=tuple(round(float(v), 6) for v in lr.coef_[0]),
                     intercept=round(float(lr.intercept_[0]), 6), threshold=threshold, c=c, trained_on=trained_on,
                     pairs=int(len(y)))


def dump_model(model: PairModel) -> str:
    """The model as indented JSON, one weight per feature name (readable, diffable)."""
    data = model.model_dump()
    data["weights"] = dict(zip(model.features, model.coef))
    del data["coef"], data["features"]
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def load_model(path: str | Path | None = None) -> PairModel:
    """The shipped model, or one written by `nttr train events --out`."""
    if path is None:
        text = resources.files("summarizer.events").joinpath("data", ARTIFACT).read_text(encoding="utf-8")
        where = f"summarizer/events/data/{ARTIFACT}"
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(where, f"cannot read the events model ({exc.strerror}); run `nttr train events`") from None
    try:
        data = json.loads(text)
        weights = data.pop("weights")
        if set(weights) != set(FEATURES):
            raise InputError(where, "its features are not this version's; run `nttr train events` to refit it")
        return PairModel(features=FEATURES, coef=tuple(float(weights[f]) for f in FEATURES), **data)
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(where, f"not an events model ({exc}); run `nttr train events` to write one") from None
