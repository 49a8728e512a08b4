"""Which candidate names a theme as an editor would: a logistic regression over general features of a candidate.

The namer (`names.py`) finds a theme's candidates and scores them by relevance x distinctiveness x specificity.
That score alone picks names an editor would not keep: a time of day, a generic phrase ("Formal
interaction"), an office or a role ("Foreign ministry official"), a picture ("Photo courtesy"), a neighbour
of the topic ("Brazil's neighbour"). Here each candidate gets features that say what kind of phrase it is,
none of them a list of our sets' words:

- the parts of the namer's score: relevance to the theme (KeyBERT-style cosine), coverage of the members,
  log lift over the corpus, general-English specificity (`wordfreq`) of the phrase and of its head;
- its shape and support: one word or several, a possessive ("Brazil's"), a capitalised first word, the
  number of members that say it (a name two statements use is seldom what twenty are about);
- its head's derivational class, from English morphology: an abstract noun ("-tion", "-ment", "-ism",
  "-ship", ...: what a topic usually is) or an agent noun ("-er", "-or", "-ist", "-ian": who acts);
- how the statements use it: the share of its occurrences followed by a verb, as a subject ("the official
  said"; people and offices act, topics are acted on), and the subjectivity of its adjectives in TextBlob's
  adjective lexicon (evaluative words: "beautiful planet", "final declaration").

Before it, a zero-shot class from the embedder already loaded: a candidate whose embedding is close to the
description "someone who does a job" (`PERSON_PROTOTYPE`, cosine at least `PERSON_SIMILARITY`) is a person, a
role or an office ("Microsoft executives", "head coach", "federal agencies"), and is no label while the theme
has another eligible candidate. The description is general English, one class, not words of our sets; as a
feature of the regression it helped less than as this filter (docs/themes.md).

A regularised logistic regression learns their weights from a labelled list of good and bad names
(`tests/data/theme_names.tsv`, candidates of our dev sets' themes; `nttr eval themes --names` reports the
share of good names left one set out) and is shipped as `data/names.json`. A theme's label is its eligible
candidate with the highest probability of being good. The model can also leave a theme unnamed (dropped) when
no candidate reaches a threshold; the shipped model has none, as dropping the themes with no good candidate
lowered realnews-dev's coherence below BERTopic's (docs/themes.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

from dataclasses import dataclass

import numpy as np

from summarizer.linear import StandardisedLinear, load_linear, standardisation
from summarizer.themes.words import specificity

FEATURES = (
    "relevance",
    "coverage",
    "log_lift",
    "specificity",
    "head_specificity",
    "one_word",
    "log_words",
    "possessive",
    "capitalised",
    "abstract_head",
    "agent_head",
    "acting",
    "subjectivity",
    "member_share",
    "log_members",
)
ARTIFACT = "names.json"
PERSON_PROTOTYPE = "someone who does a job"
"""A zero-shot class: a candidate the embedder places near this description is a person, a role or an office."""
PERSON_SIMILARITY = 0.25
"""Cosine to `PERSON_PROTOTYPE` from which a candidate is a person, not a topic (0.2 to 0.4 tried, leave one set
out: every one of them raised the held-out share of good names; 0.25 best on all five sets, docs/themes.md)."""
_ABSTRACT = re.compile(r"(tion|sion|ment|ism|ity|ance|ence|ship|ing|age|ure|acy|ness|ency|ancy|ery|logy|ics?)$")
_AGENT = re.compile(r"(er|or|ist|ian|ee|ant)$")


@dataclass(frozen=True)
class Candidate:
    """A name candidate of one theme with the parts of its score (rule 3 of the module docstring)."""

    key: tuple[str, ...]
    text: str
    """As most often written in the statements."""
    relevance: float
    """Cosine to the theme's centroid, both relative to the corpus mean."""
    coverage: float
    """Share of members with the phrase and with each of its words (their mean)."""
    lift: float
    """Theme share of statements with the phrase over the corpus share."""
    specificity: float
    members: int
    """Members containing the phrase."""
    theme_size: int
    common_head: bool
    acting: float = 0.0
    """Share of its occurrences in the theme followed by a verb, as a subject."""
    person: float = 0.0
    """Cosine of its embedding to `PERSON_PROTOTYPE` (0 when candidates are not embedded)."""
    broad: bool = False
    """One of the phrases rule 2 drops for their words alone (`names.BROAD`): a label, never a keyword."""


    @property
    def score(self) -> float:
        """Relevance x distinctiveness x specificity."""
        return self.relevance * self.coverage * float(np.log(self.lift)) * self.specificity


@lru_cache(maxsize=65536)
def subjectivity(text: str) -> float:
    """Subjectivity of a phrase's adjectives, from TextBlob's adjective lexicon (0: none or objective)."""
    from textblob.en import sentiment

    return float(sentiment(text)[1])


def features(c: Candidate) -> list[float]:
    """One row of `FEATURES` for a candidate."""
    head = c.key[-1].removesuffix("'s").removesuffix("'")
    return [
        c.relevance,
        c.coverage,
        math.log(c.lift),
        c.specificity,
        specificity(head),
        1.0 if len(c.key) == 1 else 0.0,
        math.log(len(c.key)),
        1.0 if any(w.endswith(("'s", "'")) for w in c.key[:-1]) else 0.0,
        1.0 if c.text[:1].isupper() else 0.0,
        1.0 if _ABSTRACT.search(head) else 0.0,
        1.0 if _AGENT.search(head) and not _ABSTRACT.search(head) else 0.0,
        c.acting,
        subjectivity(c.text),
        c.members / max(1, c.theme_size),
        math.log(max(1, c.members)),
    ]


class NameModel(StandardisedLinear):
    """A logistic regression over standardised candidate features: the log-odds that a candidate is a good name."""

    c: float
    """Inverse regularisation strength it was fitted with."""
    threshold: float | None = None
    """Log-odds below which no candidate names the theme (None: the best candidate always does)."""
    trained_on: list[str] = []
    """The sets it was fitted on (names only) and how many labelled candidates."""

    def goodness(self, candidates: Sequence[Candidate]) -> np.ndarray:
        """Log-odds that each candidate is a good name."""
        return self.linear(np.array([features(c) for c in candidates]).reshape(len(candidates), len(self.features)))


def fit_name_model(candidates: Sequence[Candidate], good: Sequence[bool], *, c: float = 1.0,
                   threshold: float | None = None,
                   trained_on: Sequence[str] = ()) -> NameModel:
    """Fit the model on labelled candidates (balanced classes, L2 penalty)."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([features(k) for k in candidates], dtype=np.float64)
    y = np.array(good, dtype=bool)
    if len(set(y.tolist())) < 2:
        raise ValueError("fitting a name model needs good and bad names")
    mean, scale = standardisation(x)
    lr = LogisticRegression(C=c, class_weight="balanced", max_iter=1000).fit((x - mean) / scale, y)
    return NameModel(features=list(FEATURES), mean=mean.tolist(), scale=scale.tolist(), coef=lr.coef_[0].tolist(),
                     intercept=float(lr.intercept_[0]), c=c, threshold=threshold, trained_on=list(trained_on))


@lru_cache(maxsize=1)
def shipped_model() -> NameModel:
    """The model fitted on all labelled sets, shipped with the package."""
    return load_linear(NameModel, "summarizer.themes", ARTIFACT, FEATURES)
