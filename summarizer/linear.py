"""Learned linear models as the library ships them: feature names, their standardisation and one weight each,
in a small readable JSON file beside the code that computes the features (`nttr train` writes them).

The sentence-quality model (a ridge regression), the fit-for-digest model and the theme-name model (logistic
regressions) are all `StandardisedLinear`; each adds what it was fitted with and what it decides.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict

M = TypeVar("M", bound="StandardisedLinear")


class StandardisedLinear(BaseModel):
    """Weights over standardised features: `coef · (x - mean) / scale + intercept`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float

    def linear(self, x: np.ndarray) -> np.ndarray:
        """One value per row of `x` (its columns in `features` order); none for no rows."""
        if x.shape[0] == 0:
            return np.zeros(0)
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.coef) + self.intercept


def logistic(z: np.ndarray) -> np.ndarray:
    """Log-odds to probabilities."""
    return 1.0 / (1.0 + np.exp(-z))


def standardisation(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's mean and standard deviation (1 where a column is constant)."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    return mean, scale


def load_linear(kind: type[M], package: str, artifact: str, features: Sequence[str], path: str | None = None) -> M:
    """The model shipped as `package`'s data/`artifact`, or the one at `path`; ValueError when its features are
    not the ones this version computes (the file must be refitted)."""
    if path:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = resources.files(package).joinpath("data", artifact).read_text(encoding="utf-8")
    model = kind.model_validate(json.loads(text))
    if tuple(model.features) != tuple(features):
        raise ValueError(f"{path or artifact} has features {model.features}, this version needs {list(features)}: refit it")
    return model
