"""What a sentence needs from the sentences before it to read well: antecedents of its opening word, open quotes.

Two kinds of dependence, used by the selector (as constraints) and by `evaluation/readability.py` (as measures):

- **Openings.** A sentence whose first word refers back needs its antecedent in the summary. A *person pronoun*
  (he, she, his, her, him) is satisfied by any earlier summary sentence that names someone (`names_someone`).
  Every other *context opener* (they, them, their, it, its; this, these, that, those, such; but, also, however,
  and, so, yet, still, meanwhile, ... and phrases such as "in addition", "as a result", "at the same time")
  is satisfied only by the sentence that came just before it in its source. "This year", "this week" and the
  like are deictic, not anaphoric, and are not openers.
- **Quotations.** Quotation marks are read in order (`“ ” `` ''` are directional; a straight `"` opens after a
  space or at the start, else closes). A sentence that ends inside a quotation opens a multi-sentence quotation;
  one that closes a quotation it did not open continues one. News style reopens a quotation at each new
  paragraph of the same speech (`“...` without a close, then `“...”`): an opening mark inside an open quotation
  is a continuation. A straight quote that neither follows a space nor precedes one (`x="y">`) closes an open
  straight quote, else opens one. Single quotes are ignored (they are mostly apostrophes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from summarizer.models import MergedStatement

PERSON_PRONOUNS = frozenset("he she his her him hers".split())
CONTEXT_WORDS = frozenset(
    "they them their theirs it its this these that those such both another "
    "but also however and so yet still meanwhile moreover furthermore thus therefore hence instead nevertheless "
    "nonetheless besides otherwise then likewise similarly accordingly consequently additionally further "
    "finally later afterward afterwards nor or".split()
)
CONTEXT_PHRASES = (
    "in addition",
    "as a result",
    "on the other",
    "at the same time",
    "for example",
    "for instance",
    "in turn",
    "even so",
    "by contrast",
    "in contrast",
    "in response",
    "as well",
    "the other",
    "the same",
    "the latter",
    "the former",
    "other than that",
)
DEICTIC_TIME = frozenset(
    "year week month morning afternoon evening night weekend time season spring summer autumn fall winter "
    "decade century quarter day".split()
)
"""After 'this'/'that', these nouns make a date relative to the article, not a reference back."""

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_LEAD = re.compile(r"^[\s\"“”‘’'`(\[«»—–-]*")

Opener = Literal["person", "context"]


def opening_words(text: str, n: int = 4) -> list[str]:
    """The first `n` words of `text`, lower-case, leading quotes and punctuation skipped."""
    return [w.lower() for w in _WORD.findall(_LEAD.sub("", text)[:200])[:n]]


def opener(text: str) -> Opener | None:
    """Whether `text` opens with a word needing an antecedent: a person pronoun, another context word, or none."""
    words = opening_words(text)
    if not words:
        return None
    head = " ".join(words)
    if any(head == p or head.startswith(p + " ") for p in CONTEXT_PHRASES):
        return "context"
    first = words[0]
    if first in PERSON_PRONOUNS:
        return "person"
    if first in ("this", "that", "these", "those") and len(words) > 1 and words[1] in DEICTIC_TIME:
        return None
    if first in CONTEXT_WORDS:
        return "context"
    return None


_NAME = re.compile(r"\b[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*\b")
_CALENDAR = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december".split()
)


@lru_cache(maxsize=50_000)
def _common(word: str) -> bool:
    """Whether a lower-case word is common English (so a capitalised one at a sentence start is not a name)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= 4.0


REPORTING = frozenset(
    "said says told added spoke urged noted stressed emphasized emphasised highlighted warned called argued insisted "
    "announced met opened visited rejected accepted praised proposed recalled reaffirmed expressed".split()
)
"""After a sentence's first word, these verbs make it the name of whoever speaks or acts ("Putin said")."""


def names_someone(text: str) -> bool:
    """Whether `text` names someone: a capitalised word past its first (not a calendar word), or a first word that is
    rare in general English, possessive, or followed by a reporting verb ("Putin said").

    An approximation (places and organisations count too): enough to tell "He said..." after "Putin spoke..."
    from "He said..." after "The talks ended...".
    """
    stripped = _LEAD.sub("", text)
    for match in _NAME.finditer(stripped):
        word = match.group().lower()
        if word in _CALENDAR or word in PERSON_PRONOUNS or word in CONTEXT_WORDS:
            continue
        if match.start() == 0:
            rest = stripped[match.end() :]
            following = rest.split(maxsplit=1)[0].lower() if rest.split() else ""
            base = re.split(r"[-'’]", word)[0]
            if not (rest.startswith(("'s", "’s")) or following in REPORTING or not _common(base)):
                continue
        return True
    return False


_QUOTE = re.compile(r"``|''|[“”\"]")


@dataclass(frozen=True)
class QuoteState:
    """How a sentence stands towards quotations: it closes one opened before it, or leaves one open."""

    closes_earlier: bool
    """It has a closing mark with no opening mark before it in the sentence (continues an earlier quotation)."""
    leaves_open: bool
    """It ends inside a quotation (the quotation goes on in a later sentence)."""

    @property
    def balanced(self) -> bool:
        return not self.closes_earlier and not self.leaves_open


def quote_marks(text: str) -> list[bool]:
    """The double quotation marks of `text` in order: True for an opening mark, False for a closing one."""
    marks: list[bool] = []
    straight_open = False
    for m in _QUOTE.finditer(text):
        q = m.group()
        if q in ("``", "“"):
            marks.append(True)
        elif q in ("''", "”"):
            marks.append(False)
        else:
            before = text[m.start() - 1] if m.start() > 0 else " "
            after = text[m.end()] if m.end() < len(text) else " "
            opens = before.isspace() or before in "([{—–-"
            closes = after.isspace() or after in ".,;:!?)]}—–-"
            if opens == closes:  # no side is clear (e.g. x="y"z): a straight quote toggles
                opens = not straight_open
            straight_open = opens
            marks.append(opens)
    return marks


def quote_state(text: str, *, inside: bool = False) -> QuoteState:
    """Where `text` stands towards quotations, read after a text that ended inside one when `inside`."""
    closes_earlier = False
    depth = 1 if inside else 0
    opened_here = False
    for is_open in quote_marks(text):
        if is_open:
            if depth == 0:
                depth, opened_here = 1, True
            # An opening mark inside an open quotation: a new paragraph of the same quotation.
        elif depth:
            depth = 0
            if not opened_here:
                closes_earlier = True
            opened_here = False
        else:
            closes_earlier = True
    return QuoteState(closes_earlier=closes_earlier, leaves_open=depth > 0)


def quotation_spans(texts: Sequence[str], *, max_span: int = 8) -> list[tuple[int, ...] | None]:
    """For each sentence of one article (in order), the sentences of the multi-sentence quotation it is part of.

    `()` for a sentence that stands alone; a tuple of indices when it belongs to a quotation spread over several
    sentences; None when it belongs to one that never closes within `max_span` sentences, or closes without
    opening (it cannot be taken whole).
    """
    out: list[tuple[int, ...] | None] = [() for _ in texts]
    i = 0
    while i < len(texts):
        state = quote_state(texts[i])
        if state.closes_earlier:
            out[i] = None
        if not state.leaves_open:
            i += 1
            continue
        span = [i]
        j = i + 1
        closed = False
        while j < len(texts) and j - i < max_span:
            span.append(j)
            nxt = quote_state(texts[j], inside=True)
            if not nxt.leaves_open:
                closed = True
                break
            j += 1
        members: tuple[int, ...] | None = tuple(span) if closed and not state.closes_earlier else None
        for k in span:
            out[k] = members
        i = span[-1] + 1
    return out


def source_date(item: MergedStatement) -> dt.date | None:
    """Publication date of the article the item's wording comes from, when known."""
    rep = item.representative
    for source in item.sources:
        if source.article_id == rep.article_id:
            return source.published
    return None


def reading_order(items: Sequence[MergedStatement]) -> list[int]:
    """Indices of `items` by source date (undated last), then article (first appearance), then position in it.

    Sentences of one article stay together and in their order, so a sentence and its source predecessor, when both
    are chosen, stand side by side.
    """
    article_rank: dict[str, int] = {}
    for item in items:
        article_rank.setdefault(item.representative.article_id, len(article_rank))

    def key(i: int) -> tuple[bool, dt.date, int, int, int]:
        date = source_date(items[i])
        rep = items[i].representative
        return (date is None, date or dt.date.min, article_rank[rep.article_id], rep.position, i)

    return sorted(range(len(items)), key=key)


@dataclass(frozen=True)
class Dependencies:
    """What each item needs from the others to read well in a summary (indices into the items)."""

    predecessor: list[int | None]
    """The item whose wording is the sentence just before this one's in the same article, if any."""
    opener: list[Opener | None]
    names: list[bool]
    """Whether the item names someone (a person pronoun after it has an antecedent)."""
    quotation: list[tuple[int, ...] | None]
    """Items of the multi-sentence quotation the item belongs to: () for none, None when it cannot be taken whole."""
    rank: list[int]
    """Place of each item in reading order."""


def dependencies(items: Sequence[MergedStatement]) -> Dependencies:
    """Predecessors, openers, names, quotations and reading ranks of `items`."""
    at: dict[tuple[str, int], int] = {}
    for i, item in enumerate(items):
        rep = item.representative
        at.setdefault((rep.article_id, rep.position), i)
    predecessor = [at.get((it.representative.article_id, it.representative.position - 1)) for it in items]
    by_article: dict[str, list[int]] = {}
    for (article, _), i in sorted(at.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        by_article.setdefault(article, []).append(i)
    quotation: list[tuple[int, ...] | None] = [() for _ in items]
    for members in by_article.values():
        # Runs of consecutive positions: a quotation cannot be followed across a sentence the group lacks.
        runs: list[list[int]] = []
        for i in members:
            if runs and items[i].representative.position == items[runs[-1][-1]].representative.position + 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        for run in runs:
            spans = quotation_spans([items[i].text for i in run])
            for k, span in enumerate(spans):
                quotation[run[k]] = None if span is None else tuple(run[j] for j in span)
    for i, item in enumerate(items):
        if at.get((item.representative.article_id, item.representative.position)) != i:
            # A second item with the same wording source: it stands alone (its quotation state is its own).
            quotation[i] = () if quote_state(item.text).balanced else None
    order = reading_order(items)
    rank = [0] * len(items)
    for r, i in enumerate(order):
        rank[i] = r
    return Dependencies(
        predecessor=predecessor,
        opener=[opener(it.text) for it in items],
        names=[names_someone(it.text) for it in items],
        quotation=quotation,
        rank=rank,
    )
