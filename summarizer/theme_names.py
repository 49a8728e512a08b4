"""Theme names an editor would write: a noun phrase from the theme's statements, picked by a documented score.

Clustering (`themes`) and naming are separate stages, as in BERTopic's representation models. For each
theme:

1. Candidates: noun phrases of the member statements, found by TextBlob's rule-based English tagger
   (Pattern's lexicon, context rules and suffix rules; it ships inside the `textblob` wheel, no data
   download) and the pattern `[possessor 's] (adjective|noun)* noun [and (adjective|noun)* noun]`, up to
   five words, plus every shorter phrase ending on the same noun ("the Afghan border" gives "Afghan border"
   and "border"). A candidate must occur in a member statement, and each of its words in at least two.
2. Event vocabulary is no name: a phrase found in at least half of the articles, or made only of words
   found in 60% of them ("summit", "CSTO members"), or naming the organisation (an acronym in a quarter of
   the articles, or a word of its spelled-out form: "SCO presidency", "Cooperation Organization"), or
   headed by such a word or a word of the summits' titles ("Kazan summit"), says what the whole coverage
   is about, not what sets a theme apart.
3. Score = relevance x distinctiveness x specificity (the 30 best by the last two are embedded):
   - relevance, as KeyBERT: cosine between the candidate's embedding and the theme's centroid, both taken
     relative to the corpus mean embedding (so what every statement shares does not count);
   - distinctiveness: share of member statements containing it x log of its lift over the whole corpus;
   - specificity, a general-English frequency prior (`wordfreq` Zipf scale): "rearmament" beats "situation".
4. The label is the best candidate of two to five words whose last word is a common noun (never a verb,
   an adverb or a bare personal name). A theme with no such candidate has no name of its own (its words
   are the event's, or too few), and `name_themes` returns None for it: it is not a theme.

Keywords are the best-scoring candidates, phrases and words, none inside another.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sklearn.preprocessing import normalize

from summarizer.models import MergedStatement
from summarizer.themes import STOP_WORDS

MAX_WORDS = 5
MIN_SUPPORT = 2
EVENT_SPREAD = 0.5
"""A phrase in at least this share of the articles is event vocabulary (with at least `EVENT_MIN_ARTICLES`)."""
EVENT_WORD_SPREAD = 0.6
"""So is a phrase whose every content word is in at least this share of the articles ("CSTO members")."""
EVENT_MIN_ARTICLES = 4
KEYWORDS = 8
CANDIDATES = 30
"""Candidates embedded per theme: the best by distinctiveness x specificity, as BERTopic's KeyBERTInspired."""
_NOUN = {"NN", "NNS", "NNP", "NNPS"}
_COMMON = {"NN", "NNS"}
_MODIFIER = {"JJ", "JJR", "JJS", "VBN", "VBG"} | _NOUN
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_TOKEN_OK = re.compile(r"^[A-Za-z][A-Za-z\-']*[A-Za-z]$")


@dataclass(frozen=True)
class ThemeName:
    """A theme's label and its keywords, best first."""

    label: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Phrase:
    """A candidate: its key (lower-case words), its words as written, and whether its head is a common noun."""

    key: tuple[str, ...]
    words: tuple[str, ...]
    common_head: bool


def tag(text: str) -> list[tuple[str, str]]:
    """(word, Penn tag) pairs of a sentence, by TextBlob's Pattern tagger; possessive 's kept as one token."""
    from textblob.en import tag as pattern_tag

    tagged = pattern_tag(text.translate(_APOSTROPHES))
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tagged):
        word, t = tagged[i]
        if word == "'" and i + 1 < len(tagged) and tagged[i + 1][0].lower() == "s" and out:
            out.append(("'s", "POS"))
            i += 2
            continue
        if word == "'" and t == "POS" and out and out[-1][0].lower().endswith("s"):
            out.append(("'", "POS"))  # plural possessive: "Belarus' participation"
        else:
            out.append((word, "POS" if word.lower() == "'s" else t))
        i += 1
    return out


def _np_spans(tagged: Sequence[tuple[str, str]]) -> list[tuple[int, int]]:
    """Maximal noun-phrase spans [start, end) in a tagged sentence (possessor, modifiers, 'and', head)."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(tagged)
    while i < n:
        if tagged[i][1] not in _MODIFIER or not _TOKEN_OK.match(tagged[i][0]):
            i += 1
            continue
        j = i
        last_noun = -1
        while j < n:
            word, t = tagged[j]
            if t in _MODIFIER and _TOKEN_OK.match(word):
                if t in _NOUN:
                    last_noun = j
                j += 1
            elif t == "POS" and last_noun == j - 1:
                j += 1
            elif word.lower() == "and" and last_noun == j - 1 and j + 1 < n and tagged[j + 1][1] in _MODIFIER:
                j += 1
            else:
                break
        if last_noun >= i:
            spans.append((i, last_noun + 1))
        i = max(j, i + 1)
    return spans


def phrases(text: str) -> list[Phrase]:
    """Candidate noun phrases of one statement: each maximal phrase and its shorter tails, up to five words."""
    tagged = tag(text)
    found: dict[tuple[str, ...], Phrase] = {}
    for start, end in _np_spans(tagged):
        for s in range(start, end):
            word, t = tagged[s]
            if t == "POS" or word in ("'s", "'") or word.lower() in STOP_WORDS or word.lower() == "and":
                continue
            for e in range(s + 1, end + 1):
                last_word, last_tag = tagged[e - 1]
                if last_tag not in _NOUN or last_word.lower() in STOP_WORDS:
                    continue
                words = _join_possessive([w for w, _ in tagged[s:e]])
                if len(words) > MAX_WORDS:
                    break
                key = tuple(w.lower() for w in words)
                if all(w in STOP_WORDS or w == "and" for w in key):
                    continue
                found.setdefault(key, Phrase(key=key, words=tuple(words), common_head=last_tag in _COMMON))
    return list(found.values())


def _join_possessive(words: Sequence[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        if w in ("'s", "'") and out:
            out[-1] += w
        else:
            out.append(w)
    return out


@lru_cache(maxsize=65536)
def specificity(word: str) -> float:
    """General-English rarity prior of a word, from 0.25 (very common) to 1 (rare), by `wordfreq`'s Zipf scale."""
    from wordfreq import zipf_frequency

    zipf = zipf_frequency(word.replace("'s", ""), "en")
    return float(min(1.0, max(0.25, (7.0 - zipf) / 4.0)))


_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")


def organisation_words(merged: Sequence[MergedStatement], articles: int) -> set[str]:
    """Lower-case acronyms found in at least a quarter of the articles ("csto", "sco"), and the words of
    their spelled-out forms found in the text ("Collective Security Treaty Organization (CSTO)")."""
    seen: dict[str, set[str]] = defaultdict(set)
    for m in merged:
        for acronym in set(_ACRONYM.findall(m.text)):
            seen[acronym].update(s.article_id for s in m.statements)
    frequent = {a for a, arts in seen.items() if len(arts) >= 0.25 * articles}
    words = {a.lower() for a in frequent}
    for m in merged:
        tokens = re.findall(r"[A-Za-z][\w\-]*", m.text)
        capitals = [t for t in tokens if t[:1].isupper() or t.lower() in STOP_WORDS]
        for acronym in frequent:
            size = len(acronym)
            for i in range(len(tokens) - size + 1):
                span = [t for t in tokens[i : i + size + 2] if t.lower() not in STOP_WORDS][:size]
                if len(span) == size and all(t[:1].isupper() for t in span) and \
                        "".join(t[0] for t in span).upper() == acronym and span[0] in capitals:
                    words.update(t.lower() for t in span)
    return words


def _content(key: tuple[str, ...]) -> list[str]:
    return [w for w in key if w not in STOP_WORDS and w != "and"] or list(key)


def _phrase_specificity(key: tuple[str, ...]) -> float:
    content = [w for w in key if w not in STOP_WORDS and w != "and"]
    return float(np.mean([specificity(w) for w in content])) if content else 0.25


def display(words_seen: Counter[tuple[str, ...]]) -> str:
    """The most common way a phrase is written in the statements (ties: alphabetical)."""
    return " ".join(sorted(words_seen.items(), key=lambda kv: (-kv[1], kv[0]))[0][0])


def label_case(text: str) -> str:
    """Capitalize the first letter only: 'drug trafficking and terrorism' -> 'Drug trafficking and terrorism'."""
    return text[:1].upper() + text[1:]


def name_themes(
    merged: Sequence[MergedStatement],
    vectors: np.ndarray,
    groups: Sequence[Sequence[int]],
    *,
    embedder: object | None = None,
    event_terms: Collection[str] = (),
) -> list[ThemeName | None]:
    """A name for each group of merged statements (indices), or None where the group has no name of its own.

    `embedder` (anything with `encode(list[str]) -> array`) embeds candidates; without it a candidate's vector
    is the mean vector of the statements containing it.
    """
    n = len(merged)
    if not groups:
        return []
    per_statement = [phrases(m.text) for m in merged]
    df: Counter[tuple[str, ...]] = Counter()
    articles_of: dict[tuple[str, ...], set[str]] = defaultdict(set)
    forms: dict[tuple[str, ...], Counter[tuple[str, ...]]] = defaultdict(Counter)
    common: dict[tuple[str, ...], bool] = {}
    containing: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, (m, found) in enumerate(zip(merged, per_statement)):
        for p in found:
            df[p.key] += 1
            containing[p.key].append(i)
            articles_of[p.key].update(s.article_id for s in m.statements)
            forms[p.key][p.words] += 1
            common[p.key] = common.get(p.key, False) or p.common_head
    words_of = [{w.lower().removesuffix("'s") for w, _ in tag(m.text)} for m in merged]
    all_articles = {s.article_id for m in merged for s in m.statements}
    event: set[tuple[str, ...]] = set()
    if len(all_articles) >= EVENT_MIN_ARTICLES:
        total = len(all_articles)
        event = {k for k, arts in articles_of.items() if len(arts) >= EVENT_SPREAD * total}
        word_articles: dict[str, set[str]] = defaultdict(set)
        for k, arts in articles_of.items():
            for w in k:
                word_articles[w.removesuffix("'s")].update(arts)
        common_words = {w for w, arts in word_articles.items() if len(arts) >= EVENT_WORD_SPREAD * total}
        common_words |= organisation_words(merged, total) | {w.lower() for w in event_terms}
        event |= {k for k in articles_of
                  if all(w.removesuffix("'s") in common_words for w in k if w not in STOP_WORDS and w != "and")}
        # A phrase naming the organisation by its acronym ("SCO presidency") is about the organisation.
        event |= {k for k in articles_of if any(w.removesuffix("'s").lower() in common_words
                                                 and w.removesuffix("'s").isupper()
                                                 for w in forms[k].most_common(1)[0][0])}
        # "Kazan summit", "SCO summit": a phrase whose head is an event word names an event, not a theme.
        event |= {k for k in articles_of if k[-1].removesuffix("'s") in common_words and len(k) > 1}

    v = normalize(np.asarray(vectors, dtype=np.float64))
    mean = v.mean(axis=0)
    names: list[ThemeName | None] = []
    for members in groups:
        m = len(members)
        if m == 0:
            names.append(None)
            continue
        inside: Counter[tuple[str, ...]] = Counter(p.key for i in members for p in per_statement[i])
        words_in: Counter[str] = Counter(w for i in members for w in words_of[i])
        support = {k: min(c if len(k) == 1 else words_in[w.removesuffix("'s")] for w in _content(k))
                   for k, c in inside.items()}
        keys = sorted(k for k, c in support.items() if c >= MIN_SUPPORT and k not in event)
        if not keys:
            names.append(None)
            continue
        centroid = v[list(members)].mean(axis=0) - mean
        centroid /= np.linalg.norm(centroid) or 1.0
        prior: dict[tuple[str, ...], float] = {}
        for k in keys:
            lift = (inside[k] / m) / (df[k] / n)
            if lift > 1.0:
                prior[k] = support[k] / m * np.log(lift) * _phrase_specificity(k)
        # As KeyBERTInspired: only the best candidates by word statistics are embedded.
        keys = sorted(sorted(prior, key=lambda k: (-prior[k], k))[:CANDIDATES])
        if not keys:
            names.append(None)
            continue
        texts = [display(forms[k]) for k in keys]
        if embedder is not None:
            cand = normalize(np.asarray(embedder.encode(texts), dtype=np.float64))  # type: ignore[attr-defined]
        else:
            cand = normalize(np.stack([v[containing[k]].mean(axis=0) for k in keys]))
        relevance = normalize(cand - mean) @ centroid
        scores: dict[tuple[str, ...], float] = {}
        for k, rel in zip(keys, relevance.tolist()):
            if rel > 0:
                scores[k] = rel * prior[k]
        ranked = sorted(scores, key=lambda k: (-scores[k], k))
        label = next((k for k in ranked if 2 <= len(k) <= MAX_WORDS and common[k]), None)
        if label is None:
            names.append(None)
            continue
        label_text = display(forms[label])
        keywords: list[str] = []
        chosen: list[tuple[str, ...]] = []
        for k in ranked:
            if any(_inside(k, c) or _inside(c, k) for c in chosen):
                continue
            chosen.append(k)
            keywords.append(display(forms[k]))
            if len(keywords) >= KEYWORDS:
                break
        names.append(ThemeName(label=label_case(label_text), keywords=tuple(keywords)))
    return names


def _inside(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether phrase a occurs as consecutive words of phrase b."""
    return len(a) <= len(b) and any(b[i : i + len(a)] == a for i in range(len(b) - len(a) + 1))
