"""The registry of summarization algorithms, chosen by name."""

from __future__ import annotations

from summarizer.summaries.algorithms import kl, lexrank, lsa, luhn, nttr, sumbasic, textrank
from summarizer.summaries.algorithms.base import Algorithm, RatingAlgorithm
from summarizer.errors import ConfigError

__all__ = ["ALGORITHMS", "Algorithm", "RatingAlgorithm", "get_algorithm"]

ALGORITHMS: dict[str, Algorithm] = {
    module.ALGORITHM.name: module.ALGORITHM
    for module in sorted((kl, lexrank, lsa, luhn, nttr, sumbasic, textrank), key=lambda m: m.ALGORITHM.name)
}


def get_algorithm(name: str) -> Algorithm:
    """The algorithm registered as `name`; ConfigError listing the valid names otherwise."""
    try:
        return ALGORITHMS[name]
    except KeyError:
        valid = ", ".join(sorted(ALGORITHMS))
        raise ConfigError(f"unknown algorithm {name!r}: choose one of {valid}") from None
