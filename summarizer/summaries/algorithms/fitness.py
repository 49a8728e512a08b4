"""Fit for a digest: whether a sentence is one an editor would keep, or junk (a caption, credit, embed, byline,
teaser, bare question, procedural filler or fragment), from general features of its text and its place.

After jusText (boilerplate told from general features: length, stop-word density, link density, the classes of
neighbours), not from lists of site phrases: each sentence gets the features below, and a logistic regression
(`train.fit_fitness`) fitted on sentences labelled from real digests (`tests/data/fitness_labels.tsv`) gives the
probability that it is junk. The model ships as a small JSON file (`data/fitness.json`); `nttr` leaves a sentence
out when that probability reaches the model's `threshold` (chosen on the labels for precision first).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from summarizer.summaries.algorithms._sumy import stop_words
from summarizer.summaries.algorithms.coherence import quote_marks
from summarizer.linear import StandardisedLinear, load_linear, logistic
from summarizer.models import MergedStatement

FEATURES = (
    "log_words",
    "short",
    "ends_terminal",
    "question",
    "starts_lower",
    "upper_lead",
    "early_separator",
    "link",
    "capitalised",
    "stop_density",
    "digits",
    "date_at_end",
    "full_date_at_end",
    "present_verb",
    "short_parentheses",
    "bar",
    "first_second_person",
    "unbalanced_quote",
    "relative_position",
    "first",
    "last",
    "word_commonness",
    "caption_verb",
    "photo_credit",
    "byline",
    "side_mark",
    "ing_caption",
    "plural_present",
    "future_be",
    "phone",
    "call_to_action",
    "second_person",
    "exclamation",
    "comma_date_end",
    "caption_scene",
)
ARTIFACT = "fitness.json"

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d+")
_LINK = re.compile(r"https?://|www\.|\b\w+\.(?:com|org|net|ru|in|cn|co)\b|(?:^|\s)@\w|#\w", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s[–—-]{1,2}\s|:\s|\(\w+\)\s|^\S+\s\[\w")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_FULL_DATE_END = re.compile(r"\b\d{1,2},? (?:19|20)\d\d\W*$|\b(?:19|20)\d\d-\d\d-\d\d\W*$")
_PRESENT = re.compile(r"^[^.]{0,80}?(?:[A-Z][\w'’.-]*|,)\s+(?!is\b|has\b|was\b|this\b|us\b)[a-z]{2,}[^s'’\s]s\b")
_SHORT_PARENS = re.compile(r"\([A-Z]{1,3}\)|\(\w{1,3}\)")
_CAPTION_VERB = re.compile(r"^[A-Z][^,.;:]{0,90}?\s(?!says\b|is\b|has\b|was\b|this\b|us\b)[a-z]{3,}[^s'’\s]s\b")
_PAST = re.compile(
    r"\b(?:was|were|had|did|said|went|met|took|held|gave|came|made|told|began|spoke|became)\b"
    r"|(?<!\bis )(?<!\bare )(?<!\bbe )\b[a-z]{3,}ed\b"
)
_CREDIT = re.compile(r"\b(?:Photos?|Photograph|Picture|Image|Credit|Courtesy|Getty)\b|\bvia [A-Z]|\w/[A-Z]{2,}\b")
_BYLINE = re.compile(r"^By [A-Z][\w'’.-]+ [A-Z]|^[A-Z][\w'’.-]+ [A-Z][\w'’.-]+ \||(?i:\b(?:reporting|editing|writing) by\b)")
_SIDE = re.compile(r"\((?:\d-)?[LRC]\b|, (?:left|right|centre|center),")
_PERSON = frozenset("i we us our ours my me you your".split())
_FINITE = r"(?:is|are|was|were|has|have|had|will|would|can|could|said|says|did|does|do|may|might|must|should)"
_ING_CAPTION = re.compile(r"^(?:[A-Z][\w'’.-]*\s?)+(?:\([^)]{1,12}\)\s)?(?:and [A-Z][\w'’.-]*\s)?[a-z]{2,}ing\b")
"""A capitalised subject and an -ing verb, with no finite verb anywhere: "PM Modi hugging African Union President"."""
_PLURAL_PRESENT = re.compile(
    r"^(?:[A-Z][\w'’-]*\s|[a-z][\w'’-]*\s){0,5}?(?:(?i:people|police|women|men|children)|[a-z]{2,}[^s'’\s]s|[A-Z][a-z]+s)\s"
    r"(?!" + _FINITE + r"\b|say\b|were\b|(?:the|and|of|in|on|at|to|for|with|from|by|that|this|their|its|his|her)\b)"
    r"[a-z]{3,}(?<!s)(?<!ed)\b"
)
"""A plural subject and a verb in its base form, as captions have: "Police stand guard ...", "Farmers stand in ..."
(people, police, women, men, children: English's plurals without -s)."""
_FUTURE_BE = re.compile(r"\bwill (?:also |then |not |soon )?be (?:\w+ )?\w+(?: on \w+)?\W*$")
"""A press release's logistics line ends on "will (also) be ...", as in "Other spokespeople will also be present."""
_PHONE = re.compile(r"\b\d{3,4}[-\s.]\d{3,4}[-\s.]?\d{0,4}\b|\b\d{3}-[A-Z]{3,}")
_CALL_TO_ACTION = re.compile(
    r"^(?:Follow|Share|Click|Visit|Read|See|Subscribe|Sign|Register|Download|Call|Contact|Join|Watch|Listen|Stay|Get"
    r"|Check|Find|Thank)\b"
)
"""A sentence opening with an imperative a page asks its reader with (follow, share, click, subscribe, ...)."""
_YOU = re.compile(r"\b(?:you|your)\b", re.IGNORECASE)
_COMMA_DATE_END = re.compile(
    r",\s(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s)?(?:on\s)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"[a-z]*\.?\s\d{1,2},?\s(?:19|20)\d\d\W*$"
)
"""A caption's tail: a place, then a comma and the day ("..., in Cali, Colombia, Sunday, Oct. 20, 2024.")."""
_SCENE = re.compile(
    r"\b(?:during|near|in front of|outside|ahead of|on the sidelines of|at the (?:start|opening|end)|before|as they|after)\b"
)
"""Where and when a picture was taken: the prepositions a caption places its scene with."""
_REPORTED = re.compile(r"\b(?:said|says|say|will|would|could|should|can|may|might|must)\b")
_QUOTE = re.compile(r"[\"“”]")
_FIRST_SECOND = re.compile(r"\b(?:I|we|you|our|my)\b", re.IGNORECASE)


def _caption_grammar(text: str) -> bool:
    """A present-tense (or bare -ing) verb after the subject, no past tense, no quotation, no modal or reporting
    verb, no first or second person: how a caption describes a picture."""
    present = (
        _CAPTION_VERB.search(text)
        or _PLURAL_PRESENT.search(text)
        or (_ING_CAPTION.search(text) and not re.search(r"\b" + _FINITE + r"\b", text))
    )
    return bool(present) and not (
        _PAST.search(text) or _QUOTE.search(text) or _REPORTED.search(text) or _FIRST_SECOND.search(text)
    )


@lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def text_features(text: str, position: int, length: int) -> list[float]:
    """`FEATURES` of one sentence: its text, its position in its article and the article's sentence count."""
    before, after = _wording_features(text.strip())
    return [*before, position / max(1, length), 1.0 if position == 0 else 0.0, 1.0 if position == length - 1 else 0.0,
            *after]


@lru_cache(maxsize=100_000)
def _wording_features(text: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The features of `text_features` that depend on the wording alone, those before the position's and those
    after: computed once per wording, as a statement enters many summaries (the group's, its theme's)."""
    tokens = _TOKEN.findall(text)
    words = [t.lower() for t in tokens]
    n = max(1, len(words))
    stops = stop_words()
    lead = []
    for t in tokens[:6]:
        if t.isupper() and len(t) > 1:
            lead.append(t)
        else:
            break
    tail = text[-int(len(text) * 0.3) - 1 :]
    marks = quote_marks(text)
    letters = [c for c in text if c.isalpha()]
    content = [w for w in words if w not in stops and not w.isdigit()]
    past = bool(_PAST.search(text))
    return (
        math.log(len(text.split()) + 1),
        1.0 if len(text.split()) < 6 else 0.0,
        1.0 if re.search(r"[.!?][\"'”’)\]]*$", text) else 0.0,
        1.0 if re.search(r"\?[\"'”’)\]]*$", text) else 0.0,
        1.0 if letters and letters[0].islower() else 0.0,
        len(lead) / 6.0,
        1.0 if _SEPARATOR.search(text[:45]) else 0.0,
        1.0 if _LINK.search(text) else 0.0,
        sum(t[0].isupper() for t in tokens[1:]) / n,
        sum(w in stops for w in words) / n,
        sum(c.isdigit() for c in text) / max(1, len(text)),
        1.0 if _YEAR.search(tail) else 0.0,
        1.0 if _FULL_DATE_END.search(text) else 0.0,
        1.0 if _PRESENT.search(text) else 0.0,
        1.0 if _SHORT_PARENS.search(text) else 0.0,
        1.0 if re.search(r"[|•·]", text) else 0.0,
        sum(w in _PERSON for w in words) / n,
        1.0 if marks.count(True) != marks.count(False) else 0.0,
    ), (
        float(np.mean([_zipf(w) for w in content])) / 8.0 if content else 0.5,
        1.0 if _CAPTION_VERB.search(text) and not _PAST.search(text) else 0.0,
        1.0 if _CREDIT.search(text) else 0.0,
        1.0 if _BYLINE.search(text) else 0.0,
        1.0 if _SIDE.search(text) else 0.0,
        1.0 if _ING_CAPTION.search(text) and not re.search(r"\b" + _FINITE + r"\b", text) and not past else 0.0,
        1.0 if _PLURAL_PRESENT.search(text) and not past and not re.search(r"\b(?:said|says|say)\b", text) else 0.0,
        1.0 if _FUTURE_BE.search(text) else 0.0,
        1.0 if _PHONE.search(text) else 0.0,
        1.0 if _CALL_TO_ACTION.search(text) else 0.0,
        1.0 if _YOU.search(text) else 0.0,
        1.0 if text.rstrip("”\"' ").endswith("!") else 0.0,
        1.0 if _COMMA_DATE_END.search(text) else 0.0,
        1.0 if _caption_grammar(text) and _SCENE.search(text) else 0.0,
    )


def sentence_features(items: Sequence[MergedStatement]) -> np.ndarray:
    """One row of `FEATURES` per item (place: its first statement's, article lengths counted over the items)."""
    if len(items) == 0:
        return np.zeros((0, len(FEATURES)))
    length: dict[str, int] = {}
    for item in items:
        for st in item.statements:
            length[st.article_id] = max(length.get(st.article_id, 0), st.position + 1)
    rows = []
    for item in items:
        first = min(item.statements, key=lambda s: s.position)
        rows.append(text_features(item.text, first.position, length[first.article_id]))
    return np.array(rows, dtype=np.float64)


class FitnessModel(StandardisedLinear):
    """A logistic regression over standardised features: the probability that a sentence is junk."""

    threshold: float
    """Probability of junk at which a sentence is left out."""
    C: float
    """Inverse regularisation strength it was fitted with."""
    trained_on: list[str] = []
    """The labelled sets it was fitted on (names only)."""

    def junk_probability(self, features: np.ndarray) -> np.ndarray:
        return logistic(self.linear(features))


@lru_cache(maxsize=8)
def load_model(path: str | None = None) -> FitnessModel:
    """The shipped model, or the one at `path`."""
    return load_linear(FitnessModel, "summarizer.summaries.algorithms", ARTIFACT, FEATURES, path)


def junk_probability(items: Sequence[MergedStatement], *, model_path: str | None = None) -> np.ndarray:
    """Each item's probability of being junk."""
    return load_model(model_path).junk_probability(sentence_features(items))


MIN_WORDS = 6
"""A sentence of fewer words is a fragment for a digest."""


def plain_junk(text: str) -> str | None:
    """The kind of junk `text` plainly is by its form, or None: a link or handle ("link"), a bare question
    ("question"), no sentence-final punctuation, like a headline or a cut-off line ("unfinished"), or fewer than
    `MIN_WORDS` words ("fragment")."""
    text = text.strip()
    if _LINK.search(text):
        return "link"
    if re.search(r"\?[\"'”’)\]]*$", text):
        return "question"
    if len(text.split()) < MIN_WORDS:
        return "fragment"
    if not re.search(r"[.!?…][\"'”’)\]]*$|[\"”]$", text):
        return "unfinished"
    return None


def is_junk(text: str, position: int = 1, length: int = 3, *, model_path: str | None = None) -> bool:
    """Whether one sentence (at `position` of an article of `length` sentences) is junk for a digest: plainly by
    its form, or by the learned model."""
    if plain_junk(text):
        return True
    model = load_model(model_path)
    p = model.junk_probability(np.array([text_features(text, position, length)]))
    return bool(p[0] >= model.threshold)


def unfit(items: Sequence[MergedStatement], *, model_path: str | None = None) -> set[int]:
    """Indices of the items a digest should not use (`is_junk`)."""
    p = junk_probability(items, model_path=model_path)
    return {i for i in range(len(items)) if p[i] >= load_model(model_path).threshold or plain_junk(items[i].text)}
