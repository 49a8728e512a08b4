"""The words themes are made of: the token pattern, the stop words, and what a clusterable record offers."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS


TOKEN = r"(?u)\b[A-Za-z][A-Za-z\-’']+[A-Za-z]\b"
_EXTRA_STOP = frozenset(
    "said says say told added noted stated according also would could should will may might one two new "
    "year years time like just us mr ms president leader leaders country countries asserted declared expressed "
    "emphasized emphasised stressed underscored highlighted pointed argued urged warned affirmed remarked "
    "explained recalled reiterated suggested called believe think way need needs".split()
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS | _EXTRA_STOP)


@lru_cache(maxsize=65536)
def specificity(word: str) -> float:
    """General-English rarity prior of a word, from 0.25 (very common) to 1 (rare), by `wordfreq`'s Zipf scale."""
    from wordfreq import zipf_frequency

    zipf = zipf_frequency(word.replace("'s", ""), "en")
    return float(min(1.0, max(0.25, (7.0 - zipf) / 4.0)))


class Reported(Protocol):
    """What themes read of a statement: the article it is from."""

    @property
    def article_id(self) -> str: ...


class Clusterable(Protocol):
    """What themes read of a merged statement: its id, its text and the statements (articles) behind it.

    A `MergedStatement` is one; at a million statements a plain record with these fields costs a tenth of a
    model's memory (`nttr bench` clusters such records).
    """

    @property
    def id(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def statements(self) -> Sequence[Reported]: ...
