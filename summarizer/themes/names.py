"""Theme names an editor would write: a noun phrase from the theme's statements, picked by a documented score.

Clustering (`themes`) and naming are separate stages, as in BERTopic's representation models. For each
theme:

1. Candidates: noun phrases of the member statements, found by TextBlob's rule-based English tagger
   (Pattern's lexicon, context rules and suffix rules; it ships inside the `textblob` wheel, no data
   download) and the pattern `[possessor 's] (adjective|noun)* noun [and (adjective|noun)* noun]`, up to
   five words, plus every shorter phrase ending on the same noun ("the Afghan border" gives "Afghan border"
   and "border"). A participle after a noun is a verb ("nations condemned attacks" is no phrase). Singular
   and plural are one candidate ("member state", "member states"). A candidate must occur in a member
   statement, and each of its words in at least two; a single word or a coordination ("A and B") must
   itself occur in two.
2. Corpus-wide vocabulary is no name. A word is corpus-wide when it is in at least 60% of the articles, or
   (with four summits or more) in half of the summits: "member states", "prime minister", "cooperation" on
   coverage of many meetings of one organisation. So are the organisation (an acronym in a quarter of the
   articles, and the words of its spelled-out form), the summits' places and title heads, and the words the
   event detector reads as a meeting taking place (`signatures.EVENT_WORDS`: summit, meeting, session,
   council, ceremony). A phrase found in half of the articles, made only of corpus-wide words, or headed by
   one ("Kazan summit", "Council meeting") says what the whole coverage is about, not what sets a theme
   apart. A role is no name either: a phrase followed by a personal name in most of its occurrences
   ("Prime Minister Narendra Modi", "Kazakh President Tokayev") is a title; so is a description of a
   name that follows it with "of" ("the Russian city of Kazan", "Uzbekistan's historic city of Samarkand").
   The final label (step 4) may also be one of the `BROAD` best phrases this rule drops for their words
   alone but not as a phrase (`Vocabulary.is_broad_event`): two words or more, made of corpus-wide words or
   headed by a meeting word ("member states", "international relations", "bilateral meetings"), and not
   themselves in half of the articles, nor the organisation's, a role, or a meeting of corpus-wide words.
3. Score = relevance x distinctiveness x specificity (the 30 best by the last two are embedded):
   - relevance, as KeyBERT: cosine between the candidate's embedding and the theme's centroid, both taken
     relative to the corpus mean embedding (so what every statement shares does not count);
   - distinctiveness: coverage (the mean of the share of members containing the phrase and the share
     containing each of its words) x log of its lift over the whole corpus (the theme's share of statements
     with the phrase against the corpus share, as c-TF-IDF weighs a class against the others);
   - specificity, a general-English frequency prior (`wordfreq` Zipf scale): "rearmament" beats "situation".
4. The label is the eligible candidate the name model (`name_model.py`) finds likeliest to be kept by an
   editor: a logistic regression over the score's parts and general features of the phrase (its head's
   derivational class, whether it acts as a subject, a possessive, its adjectives' subjectivity), fitted on
   a labelled list of good and bad names of our dev sets; a candidate the embedder places near "someone who
   does a job" (a person, a role, an office) is passed over while another is eligible. Eligible: two to five words ending on a common
   noun, or one lower-case common noun in two members and rarer than Zipf 4.8. A model with a threshold
   marks a name below it as not kept (`ThemeName.kept`), and the clustering drops that theme (the shipped
   model has none). A theme with no eligible candidate has no name of its own, and `name_themes` returns
   None for it: it is not a theme. The score alone
   (`learned=False`: the best phrase, or a dominant rare noun) is kept as the evaluation's baseline.

Keywords are the best-scoring candidates, phrases and words, none inside another (not the `BROAD` ones). The work is bounded: the
corpus statistics come from at most `CORPUS_SAMPLE` statements and each theme's from at most `THEME_SAMPLE`
members (evenly spaced, so deterministic), so naming costs the same at 5,000 statements and at a million.
Tagging is most of that cost: each statement's phrases and words are found once per process, and, given a
`stage_cache.Memo` (`memo=`), once per wording across runs (a rerun, one more article, the names of a second
theme), the same phrases either way.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from sklearn.preprocessing import normalize

from summarizer.events.signatures import EVENT_WORDS
from summarizer.stage_cache import Memo
from summarizer.themes.name_model import PERSON_PROTOTYPE, PERSON_SIMILARITY, Candidate, NameModel, shipped_model
from summarizer.themes.words import STOP_WORDS, Clusterable, specificity

MAX_WORDS = 5
MIN_SUPPORT = 2
EVENT_SPREAD = 0.5
"""A phrase in at least this share of the articles is event vocabulary (with at least `EVENT_MIN_ARTICLES`)."""
EVENT_WORD_SPREAD = 0.6
"""A word in at least this share of the articles is corpus-wide ("CSTO members")."""
SUMMIT_WORD_SPREAD = 0.5
"""So is a word in at least this share of the summits, when there are `EVENT_MIN_SUMMITS` or more."""
EVENT_MIN_ARTICLES = 4
EVENT_MIN_SUMMITS = 4
ROLE_SHARE = 0.5
"""A phrase followed by a personal name in at least this share of its occurrences is a title, not a topic."""
SINGLE_WORD_COVERAGE = 1 / 3
SINGLE_WORD_SPECIFICITY = 0.65
"""A one-word name must be rarer in general English than Zipf 4.4 ("negotiations", not "steps")."""
ELIGIBLE_SPECIFICITY = 0.55
"""A one-word candidate the name model may choose must be rarer in general English than Zipf 4.8."""
DOMINANT_WORD = 0.5
DOMINANT_OVER_PHRASE = 3
"""A one-word name in half of the members and in three times as many as the best phrase names the theme."""
KEYWORDS = 8
CANDIDATES = 30
"""Candidates embedded per theme: the best by distinctiveness x specificity, as BERTopic's KeyBERTInspired."""
BROAD = 5
"""More candidates the name model may pick from: the best phrases that rule 2 drops for their words alone
("member states", "international relations", "bilateral meetings"). 0, 3, 5 and 10 tried, one set left out;
5 named most themes well (docs/themes.md). The clusters are settled without them."""
CORPUS_SAMPLE = 5000
THEME_SAMPLE = 300
_NOUN = {"NN", "NNS", "NNP", "NNPS"}
_PROPER = {"NNP", "NNPS"}
_COMMON = {"NN", "NNS"}
_ACTS = {"VBD", "VBZ", "VBP", "MD"}
_MODIFIER = {"JJ", "JJR", "JJS", "VBN", "VBG"} | _NOUN
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_TOKEN_OK = re.compile(r"^[A-Za-z][A-Za-z\-']*[A-Za-z]$")


@dataclass(frozen=True)
class ThemeName:
    """A theme's label and its keywords, best first."""

    label: str
    keywords: tuple[str, ...]
    kept: bool = True
    """Whether an editor would keep the name (the name model's threshold): a theme named otherwise is dropped."""

    @property
    def key(self) -> tuple[str, ...]:
        """The label as a candidate key: lower case, possessives off, the last word singular."""
        return phrase_key(self.label.split())


@dataclass(frozen=True, slots=True)
class Phrase:
    """A candidate: its key (lower-case words, head singular), its words as written, whether its head is a
    common noun, and whether a personal name follows it here (as after a title: "President Tokayev")."""

    key: tuple[str, ...]
    words: tuple[str, ...]
    common_head: bool
    titled: bool = False
    acts: bool = False
    """A verb follows it here, as after a subject ("the official said"): people and offices act, topics rarely."""


def singular(word: str) -> str:
    """A crude singular for matching only ("states" -> "state"; "crisis", "news" and "'s" are left alone)."""
    word = word.lower().removesuffix("'s").removesuffix("'")
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ws")):
        return word[:-1]
    return word


def phrase_key(words: Sequence[str]) -> tuple[str, ...]:
    """Key of a phrase: lower-case words, the head singular, so "member states" and "member state" are one."""
    low = [w.lower() for w in words]
    return tuple(low[:-1] + [singular(low[-1])]) if low else ()


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
        verb = False
        while j < n:
            word, t = tagged[j]
            if t in ("VBN", "VBD") and j > i and tagged[j - 1][1] in _NOUN:
                verb = True  # a participle after a noun is its verb: "nations condemned attacks"
                break
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
        i = max(j + verb, i + 1)
    return spans


def phrases(text: str, tagged: Sequence[tuple[str, str]] | None = None) -> list[Phrase]:
    """Candidate noun phrases of one statement: each maximal phrase and its shorter tails, up to five words."""
    tagged = tag(text) if tagged is None else tagged
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
                key = phrase_key(words)
                if all(w in STOP_WORDS or w == "and" for w in key):
                    continue
                titled = e < len(tagged) and ((tagged[e][1] in _PROPER and last_word[:1].isupper())
                                               or _describes_a_name(tagged, e))
                acts = e < len(tagged) and (tagged[e][1] in _ACTS or (
                    tagged[e][1] in ("RB", "RBR") and e + 1 < len(tagged) and tagged[e + 1][1] in _ACTS))
                old = found.get(key)
                if old is None or (titled and not old.titled) or (acts and not old.acts):
                    # Words interned: the cache of analysed statements holds each distinct word once.
                    found[key] = Phrase(key=tuple(map(sys.intern, key)), words=tuple(map(sys.intern, words)),
                                        common_head=last_tag in _COMMON, titled=titled or bool(old and old.titled),
                                        acts=acts or bool(old and old.acts))
    return list(found.values())


def _describes_a_name(tagged: Sequence[tuple[str, str]], end: int) -> bool:
    """Whether the phrase ending before `end` describes the proper name after 'of' ("the Russian city of Kazan")."""
    return end + 1 < len(tagged) and tagged[end][0].lower() == "of" and tagged[end + 1][1] in _PROPER


def _join_possessive(words: Sequence[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        if w in ("'s", "'") and out:
            out[-1] += w
        else:
            out.append(w)
    return out


_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")


def organisation_words(merged: Sequence[Clusterable], articles: int) -> set[str]:
    """Lower-case acronyms found in at least a quarter of the articles ("csto", "sco"), and the words of
    their spelled-out forms found in the text ("Collective Security Treaty Organization (CSTO)")."""
    seen: dict[str, set[str]] = defaultdict(set)
    for m in merged:
        for acronym in set(_ACRONYM.findall(m.text)):
            seen[acronym].update(s.article_id for s in m.statements)
    frequent = {a for a, arts in seen.items() if len(arts) >= 0.25 * articles}
    words = {a.lower() for a in frequent}
    for m in merged:
        if not any(a[0] in m.text for a in frequent):
            continue
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


def evenly(indices: Sequence[int], limit: int) -> list[int]:
    """At most `limit` of these indices, evenly spaced (all of them when there are few): deterministic."""
    if len(indices) <= limit:
        return list(indices)
    picks = np.linspace(0, len(indices) - 1, limit).round().astype(int)
    return [indices[i] for i in picks]


@dataclass
class Vocabulary:
    """Corpus statistics of candidate phrases, from a sample of the statements (all of them when few)."""

    sample: list[int]
    df: Counter[tuple[str, ...]] = field(default_factory=Counter)
    forms: dict[tuple[str, ...], Counter[tuple[str, ...]]] = field(default_factory=lambda: defaultdict(Counter))
    titled: Counter[tuple[str, ...]] = field(default_factory=Counter)
    articles_of: dict[tuple[str, ...], set[str]] = field(default_factory=lambda: defaultdict(set))
    articles: int = 0
    corpus_wide: set[str] = field(default_factory=set)
    organisation: set[str] = field(default_factory=set)
    _event: dict[tuple[str, ...], bool] = field(default_factory=dict)
    _broad: dict[tuple[str, ...], bool] = field(default_factory=dict)

    def is_event(self, k: tuple[str, ...]) -> bool:
        """Whether a phrase is the event's or the corpus's vocabulary, or a role (rule 2), not a theme's."""
        if k not in self._event:
            content = [singular(w) for w in k if w not in STOP_WORDS and w != "and"]
            self._event[k] = (
                any(w.removesuffix("'s").removesuffix("'") in self.organisation for w in k)  # "SCO presidency"
                or all(w in self.corpus_wide for w in content)
                or k[-1] in self.corpus_wide
                or bool(EVENT_WORDS.fullmatch(k[-1]) or EVENT_WORDS.fullmatch(k[-1] + "s"))
                or (self.df[k] > 0 and self.titled[k] >= ROLE_SHARE * self.df[k])
                or (self.articles >= EVENT_MIN_ARTICLES and len(self.articles_of.get(k, ())) >= EVENT_SPREAD * self.articles)
            )
        return self._event[k]

    def is_broad_event(self, k: tuple[str, ...]) -> bool:
        """Rule 2 at the phrase level only: whether a phrase is the event's even when its words may be the
        corpus's. A phrase of two words or more made of corpus-wide words ("member states", "international
        relations") or headed by a meeting word ("bilateral meeting") names a theme if the phrase itself is not
        everywhere; the organisation, roles, phrases in half of the articles, and a meeting word after words
        that are all the corpus's ("Kazan summit") stay the event's."""
        if k not in self._broad:
            content = [singular(w) for w in k if w not in STOP_WORDS and w != "and"]
            head_event = bool(EVENT_WORDS.fullmatch(k[-1]) or EVENT_WORDS.fullmatch(k[-1] + "s"))
            self._broad[k] = self.is_event(k) and (
                len(content) < 2
                or any({w.removesuffix("'s").removesuffix("'"), w + "s"} & self.organisation for w in k)  # "BRICS"
                or (head_event and all(w in self.corpus_wide for w in content[:-1]))
                or (self.df[k] > 0 and self.titled[k] >= ROLE_SHARE * self.df[k])
                or (self.articles >= EVENT_MIN_ARTICLES and len(self.articles_of.get(k, ())) >= EVENT_SPREAD * self.articles)
            )
        return self._broad[k]


@lru_cache(maxsize=16384)
def _analysed(text: str) -> tuple[tuple[Phrase, ...], frozenset[str]]:
    """Phrases and (singular, lower-case) words of one statement, tagged once per process."""
    tagged = tag(text)
    return tuple(phrases(text, tagged)), frozenset(sys.intern(singular(w)) for w, _ in tagged)


ANALYSIS = "names-analysis"
"""The kind of a statement's phrases and words in a `Memo` (keyed by the statement's text)."""


class _Tags:
    """Phrases and words of each statement by index: from `memo` when given (kept between runs by the
    statement's text), else tagged once per process."""

    def __init__(self, merged: Sequence[Clusterable], memo: Memo | None = None) -> None:
        self.merged = merged
        self.memo = memo
        self.found: dict[int, tuple[tuple[Phrase, ...], frozenset[str]]] = {}

    def _of(self, i: int) -> tuple[tuple[Phrase, ...], frozenset[str]]:
        found = self.found.get(i)
        if found is None:
            text = self.merged[i].text
            found = self.found[i] = (_analysed(text) if self.memo is None
                                     else self.memo.get(ANALYSIS, [text], lambda: _analysed(text)))
        return found

    def phrases(self, i: int) -> tuple[Phrase, ...]:
        return self._of(i)[0]

    def words(self, i: int) -> frozenset[str]:
        return self._of(i)[1]


def corpus_vocabulary(
    merged: Sequence[Clusterable],
    *,
    summit_of: Mapping[str, str] | None = None,
    event_terms: Collection[str] = (),
    memo: Memo | None = None,
) -> Vocabulary:
    """Document frequencies, written forms, and the event vocabulary (rule 2 of the module docstring).

    `memo`: where each statement's phrases and words are remembered by its text (tagging is most of naming's
    cost), so a rerun, a run with one more article and every later naming of the same statements reuse them."""
    tags = _Tags(merged, memo)
    vocab = Vocabulary(sample=evenly(range(len(merged)), CORPUS_SAMPLE))
    word_articles: dict[str, set[str]] = defaultdict(set)
    all_articles: set[str] = set()
    for i in vocab.sample:
        arts = {s.article_id for s in merged[i].statements}
        all_articles |= arts
        for w in tags.words(i):
            word_articles[w] |= arts
        for p in tags.phrases(i):
            vocab.df[p.key] += 1
            vocab.articles_of[p.key] |= arts
            vocab.forms[p.key][p.words] += 1
            vocab.titled[p.key] += p.titled
    total = vocab.articles = len(all_articles)
    summit_of = summit_of or {}
    summits = {summit_of[a] for a in all_articles if a in summit_of}
    wide: set[str] = {singular(w) for w in event_terms}
    if total >= EVENT_MIN_ARTICLES:
        sampled = [merged[i] for i in vocab.sample]
        acronyms = {a for m in sampled for a in _ACRONYM.findall(m.text)}
        found = organisation_words(sampled, total)
        vocab.organisation = {w for w in found if w.upper() in acronyms}
        wide |= {w for w, arts in word_articles.items() if len(arts) >= EVENT_WORD_SPREAD * total}
        wide |= {singular(w) for w in found}
    if len(summits) >= EVENT_MIN_SUMMITS:
        wide |= {w for w, arts in word_articles.items()
                 if len({summit_of[a] for a in arts if a in summit_of}) >= SUMMIT_WORD_SPREAD * len(summits)}
    vocab.corpus_wide = wide
    return vocab


def theme_candidates(
    merged: Sequence[Clusterable],
    vectors: np.ndarray,
    groups: Sequence[Sequence[int]],
    *,
    embedder: object | None = None,
    event_terms: Collection[str] = (),
    summit_of: Mapping[str, str] | None = None,
    vocabulary: Vocabulary | None = None,
    limit: int = CANDIDATES,
    broad: int = 0,
    memo: Memo | None = None,
) -> list[list[Candidate]]:
    """Each group's scored candidates, best first (arguments as `name_themes`).

    `broad`: this many more candidates, the best of those that rule 2 drops for their words alone but not at the
    phrase level (`Vocabulary.is_broad_event`: "member states" on coverage of one organisation's meetings).
    `memo`: as `corpus_vocabulary`'s.
    """
    if not groups:
        return []
    tags = _Tags(merged, memo)
    vocab = vocabulary or corpus_vocabulary(merged, summit_of=summit_of, event_terms=event_terms, memo=memo)
    n_sample = len(vocab.sample)
    vectors = np.asarray(vectors)

    def unit(rows: Sequence[int]) -> np.ndarray:
        return normalize(vectors[list(rows)].astype(np.float64))

    mean = unit(vocab.sample).mean(axis=0)
    out: list[list[Candidate]] = []
    for group in groups:
        members = evenly(list(group), THEME_SAMPLE)
        m = len(members)
        if m == 0:
            out.append([])
            continue
        inside: Counter[tuple[str, ...]] = Counter()
        forms: dict[tuple[str, ...], Counter[tuple[str, ...]]] = defaultdict(Counter)
        containing: dict[tuple[str, ...], list[int]] = defaultdict(list)
        common: dict[tuple[str, ...], bool] = {}
        acting: Counter[tuple[str, ...]] = Counter()
        for i in members:
            for p in tags.phrases(i):
                inside[p.key] += 1
                acting[p.key] += p.acts
                common[p.key] = common.get(p.key, False) or p.common_head
                forms[p.key][p.words] += 1
                containing[p.key].append(i)
        words_in: Counter[str] = Counter(w for i in members for w in tags.words(i))
        # Coverage: members with the phrase, and with its every content word ("Afghan" and "border").
        word_cover = {k: min(words_in[singular(w)] for w in _content(k)) for k in inside
                      if not (vocab.is_broad_event(k) if broad else vocab.is_event(k))}
        # A word, or a coordination ("drug trafficking and terrorism"), must itself be in two members: a
        # coordination seen once may join a noun and a verb ("defeat the pandemic and act responsibly").
        keys = sorted(k for k, c in word_cover.items()
                      if min(c, inside[k] if len(k) == 1 or "and" in k else c) >= MIN_SUPPORT)
        support = {k: (inside[k] + word_cover[k]) / 2 for k in keys}
        centroid = unit(members).mean(axis=0) - mean
        centroid /= np.linalg.norm(centroid) or 1.0
        lifts: dict[tuple[str, ...], float] = {}
        prior: dict[tuple[str, ...], float] = {}
        for k in keys:
            corpus_share = max(vocab.df.get(k, 0), 1) / n_sample
            lift = (inside[k] / m) / corpus_share
            if lift > 1.0:
                lifts[k] = lift
                prior[k] = support[k] / m * np.log(lift) * _phrase_specificity(k)
        # As KeyBERTInspired: only the best candidates by word statistics are embedded.
        ranked_keys = sorted(prior, key=lambda k: (-prior[k], k))
        strict = [k for k in ranked_keys if not broad or not vocab.is_event(k)]
        keys = sorted(strict[:limit] + [k for k in ranked_keys if broad and vocab.is_event(k)][:broad])
        if not keys:
            out.append([])
            continue
        texts = [display(vocab.forms.get(k) or forms[k]) for k in keys]
        if embedder is not None:
            encoded = normalize(np.asarray(embedder.encode([*texts, PERSON_PROTOTYPE]), dtype=np.float64))  # type: ignore[attr-defined]
            cand, person = encoded[:-1], encoded[:-1] @ encoded[-1]
        else:
            cand = normalize(np.stack([unit(containing[k]).mean(axis=0) for k in keys]))
            person = np.zeros(len(keys))
        relevance = normalize(cand - mean) @ centroid
        found = [Candidate(key=k, text=t, relevance=float(rel), coverage=support[k] / m, lift=lifts[k],
                           specificity=_phrase_specificity(k), members=inside[k], theme_size=m, common_head=common[k],
                           acting=acting[k] / inside[k], person=float(who), broad=bool(broad) and vocab.is_event(k))
                 for k, t, rel, who in zip(keys, texts, relevance.tolist(), person.tolist()) if rel > 0]
        out.append(sorted(found, key=lambda c: (-c.score, c.key)))
    return out


def eligible(c: Candidate) -> bool:
    """Whether a candidate may be a label: two to five words ending on a common noun, or one lower-case common
    noun in two members or more and rarer than Zipf 4.8 ("border", not "people", nor "Anwar")."""
    if not c.common_head:
        return False
    if len(c.key) >= 2:
        return len(c.key) <= MAX_WORDS
    return c.text.islower() and c.members >= MIN_SUPPORT and specificity(c.text) >= ELIGIBLE_SPECIFICITY


def choose_label(ranked: Sequence[Candidate], model: NameModel | None = None, *, abstain: bool = True) -> Candidate | None:
    """The label among a theme's ranked candidates: the eligible one `model` finds likeliest good, or None.

    With `abstain`, None also when that one is below the model's threshold. Without a model, rule 4 of the
    module docstring (the score alone), kept as the baseline of the evaluation.
    """
    if model is not None:
        pool = [c for c in ranked if eligible(c)]
        if not pool:
            return None
        # A person, a role or an office is no label while the theme has another candidate.
        pool = [c for c in pool if c.person < PERSON_SIMILARITY] or pool
        good = model.goodness(pool)
        best = int(np.argmax(good))  # ties: the better score, as ranked
        # No candidate an editor would keep: the theme has no name of its own.
        return pool[best] if model.threshold is None or good[best] >= model.threshold or not abstain else None
    label = next((c for c in ranked if 2 <= len(c.key) <= MAX_WORDS and c.common_head), None)
    if label is not None:
        # A word that is what the theme is about beats a phrase found in few members.
        label = next((c for c in ranked if len(c.key) == 1 and c.common_head and c.members >= DOMINANT_WORD * c.theme_size
                      and c.members >= DOMINANT_OVER_PHRASE * label.members
                      and c.text.islower()  # "negotiations", not "Anwar"
                      and specificity(c.text) >= SINGLE_WORD_SPECIFICITY),
                     label)
    if label is None:
        label = next((c for c in ranked if len(c.key) == 1 and c.common_head
                      and c.members >= SINGLE_WORD_COVERAGE * c.theme_size
                      and specificity(c.text) >= SINGLE_WORD_SPECIFICITY), None)
    return label


def name_themes(
    merged: Sequence[Clusterable],
    vectors: np.ndarray,
    groups: Sequence[Sequence[int]],
    *,
    embedder: object | None = None,
    event_terms: Collection[str] = (),
    summit_of: Mapping[str, str] | None = None,
    vocabulary: Vocabulary | None = None,
    learned: bool = True,
    memo: Memo | None = None,
) -> list[ThemeName | None]:
    """A name for each group of merged statements (indices), or None where the group has no name of its own.

    `embedder` (anything with `encode(list[str]) -> array`) embeds candidates; without it a candidate's vector
    is the mean vector of the statements containing it. `summit_of` maps article ids to summits (for the
    spread of words across summits). `vocabulary`: these statements' `corpus_vocabulary`, when a caller
    names several sets of groups of the same statements (computed here otherwise). `learned`: the label is
    the shipped name model's choice (`name_model.py`) among the candidates and `BROAD` more (rule 2 at the
    phrase level); else the best-scoring candidate (the baseline). `memo`: as `corpus_vocabulary`'s.
    """
    model = shipped_model() if learned else None
    names: list[ThemeName | None] = []
    for ranked in theme_candidates(merged, vectors, groups, embedder=embedder, event_terms=event_terms,
                                   summit_of=summit_of, vocabulary=vocabulary, broad=BROAD if learned else 0,
                                   memo=memo):
        label = choose_label(ranked, model, abstain=False)
        if label is None:
            names.append(None)
            continue
        kept = model is None or model.threshold is None or bool(model.goodness([label])[0] >= model.threshold)
        keywords: list[str] = []
        chosen: list[tuple[str, ...]] = []
        for c in ranked:
            if c.broad or any(_inside(c.key, k) or _inside(k, c.key) for k in chosen):
                continue
            chosen.append(c.key)
            keywords.append(c.text)
            if len(keywords) >= KEYWORDS:
                break
        names.append(ThemeName(label=label_case(label.text), keywords=tuple(keywords), kept=kept))
    return names


def _inside(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether phrase a occurs as consecutive words of phrase b."""
    return len(a) <= len(b) and any(b[i : i + len(a)] == a for i in range(len(b) - len(a) + 1))
