"""The lead says what happened: an event's summary opens with a sentence that reports the event.

A sentence *reports* the event when it is in the past tense, does not open with a quotation, is not a preview (no
future marker: "will", "is expected to", "ahead of", ...; `events.dates.is_future`) and names the event by its own particulars: its
place, its date, or two of the words of its title; a sentence dating what it tells only more than a week from
the event's day tells of another event. Its score counts those particulars (place 2, date 2, title
words 1 each, up to 2) and prefers a lead sentence of its article (+1 at position 0).

`lead_first` applies the rule once summaries are chosen: for an event that has happened (its date on or before
the reference date, or no date known), a summary whose first sentence does not report the event opens instead
with the summary's best reporting sentence, else with the group's best reporting sentence that is fit for a
digest (the summary then gives up sentences from its end to stay within its words). A preview leads only for an
event still to come, or when no source reports the event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from summarizer.events.dates import DateSpan, find_dates, is_future
from summarizer.models import MergedStatement, SummaryItem, Summit
from summarizer.summaries.algorithms.coherence import opener

REPORTS = 2.0
"""The least score of a sentence that reports the event (its place, its date, or two of its title's words)."""

_PAST = re.compile(
    r"\b(?:was|were|had|did|has been|have been|met|held|took|said|told|gave|made|came|went|began|spoke|sent|"
    r"won|lost|became)\b|(?<!\bis )(?<!\bare )(?<!\bbe )(?<!\bnot )(?<!\bbeing )\b[a-z]{3,}ed\b"
)
"""A past-tense auxiliary or verb; an "-ed" word after "is", "are", "be", "being" or "not" is a present passive."""
_WORD = re.compile(r"[A-Za-z][A-Za-z-]+")
_TITLE_STOP = frozenset("event the of and in on at for a an to with from by".split())


def is_preview(text: str) -> bool:
    """The sentence speaks of what is still to come (a future marker)."""
    return is_future(text)


def opens_quote(text: str) -> bool:
    """The sentence opens with a quotation: someone's words, not the report of what happened."""
    return text.lstrip()[:1] in {'"', "“", "‘", "'", "«"}


def is_past(text: str) -> bool:
    """The sentence tells something done: a past-tense verb or auxiliary."""
    return bool(_PAST.search(text))


def title_words(summit: Summit) -> set[str]:
    """The title's own words (lower-case), without its place, date and function words."""
    title = summit.title
    for _, _, span in find_dates(title):
        title = title.replace(span.text, " ")
    if summit.place:
        title = title.replace(summit.place, " ")
    return {w.lower() for w in _WORD.findall(title) if w.lower() not in _TITLE_STOP and not w.isdigit()}


def names_date(text: str, date: dt.date | None, base: dt.date | None = None) -> bool:
    """The sentence names the event's day (any year when the sentence gives none)."""
    if date is None:
        return False
    day = DateSpan(date, date)
    return any(span.overlaps(day, tolerance=0) for _, _, span in find_dates(text, base))


OTHER_DAYS = 7
"""A sentence whose every dated day lies further than this from the event's (in any year when it gives none)
speaks of another event."""


def other_day(text: str, date: dt.date | None, base: dt.date | None = None) -> bool:
    """The sentence dates what it tells, and never within a week of the event's day."""
    if date is None:
        return False
    day = DateSpan(date, date)
    spans = [span for _, _, span in find_dates(text, base) if not span.whole_month]
    return bool(spans) and not any(span.overlaps(day, tolerance=OTHER_DAYS) for span in spans)


def report_score(text: str, summit: Summit, *, position: int = 1, base: dt.date | None = None) -> float:
    """How well the sentence reports the event (0: a preview or not in the past tense)."""
    if is_preview(text) or not is_past(text) or other_day(text, summit.date, base) or opens_quote(text):
        return 0.0
    score = 0.0
    if summit.place and summit.place.lower() in text.lower():
        score += 2
    if names_date(text, summit.date, base):
        score += 2
    words = {w.lower() for w in _WORD.findall(text)}
    score += min(2, len(title_words(summit) & words))
    if score and position == 0:
        score += 1
    return score


def happened(summit: Summit, reference: dt.date | None) -> bool:
    """The event is over by the reference date (an event without a date is taken as reported)."""
    return summit.date is None or reference is None or summit.date <= reference


def _published(sources: Sequence) -> dt.date | None:
    dates = [s.published for s in sources if s.published]
    return max(dates) if dates else None


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def lead_first(
    summary: Sequence[SummaryItem],
    members: Sequence[MergedStatement],
    summit: Summit,
    reference: dt.date | None,
    *,
    unfit: set[int] = frozenset(),  # type: ignore[assignment]
    repeats: set[int] = frozenset(),  # type: ignore[assignment]
) -> list[SummaryItem]:
    """The summary opening with a sentence that reports the event (see the module's docstring).

    `members`: the event's statements (candidates for the lead); `unfit`: indices of members not fit for a digest;
    `repeats`: indices of members that say again what a summary sentence says (by embedding).
    """
    summary = list(summary)
    if not summary or not happened(summit, reference):
        return summary
    position = {m.text: m.representative.position for m in members}

    def score(text: str, sources: Sequence) -> float:
        return report_score(text, summit, position=position.get(text, 1), base=_published(sources))

    if score(summary[0].text, summary[0].sources) >= REPORTS:
        return summary
    # the best reporting sentence of the summary, with the sentences after it that lean on it
    best, best_score = None, REPORTS
    for k, item in enumerate(summary[1:], start=1):
        s = score(item.text, item.sources)
        if opener(item.text) is None and (s > best_score or (best is None and s >= best_score)):
            best, best_score = k, s
    if best is not None:
        end = best + 1
        while end < len(summary) and opener(summary[end].text) is not None:
            end += 1
        return [*summary[best:end], *summary[:best], *summary[end:]]
    # else the group's best reporting sentence, fit for a digest and not already said
    said = [_words(s.text) for s in summary]
    choice, choice_key = None, None
    for i, m in enumerate(members):
        if i in unfit or i in repeats or opener(m.text) is not None or any(
            len(_words(m.text) & w) >= 0.6 * max(1, min(len(w), len(_words(m.text)))) for w in said
        ):
            continue
        s = score(m.text, m.sources)
        if s < REPORTS:
            continue
        key = (-s, m.representative.position, m.id)
        if choice_key is None or key < choice_key:
            choice, choice_key = m, key
    if choice is None:
        return summary
    budget = sum(len(s.text.split()) for s in summary)
    out = [SummaryItem(text=choice.text, sources=choice.sources, outlets=choice.outlets), *summary]
    while len(out) > 2 and sum(len(s.text.split()) for s in out) > budget:
        out.pop()
    return out
