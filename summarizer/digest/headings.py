"""Headings true to their sentences: once a summit's summary is chosen, its title's date and place agree with it.

- **Date**: when the summary's sentences that name the event (its place or a word of its title) state a day for
  it, and none of them states the title's day, the title takes the day they state (the latest day they agree
  on when several; relative dates are read against the sentence's publication date). The sentences are the
  reader's evidence: a title saying 23 November over "the meeting is on 24 November" is wrong.
- **Year**: a title day without its year takes the year the pages give: a full date in an article's text on
  that day and month, else the year all the articles were published in.
- **Place**: a title place that no sentence of the summary names gives way to the one city the summary's
  sentences that name the event do name.

`true_heading(summit, articles)` returns the summit with its title, date and place agreed (unchanged when the
sentences say nothing of them). The title is edited in place: its date text and its place are replaced, the
rest of it (however the events stage wrote it) is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from summarizer.events.dates import DateSpan, find_dates
from summarizer.events.places import find_places, lookup
from summarizer.digest.assemble import members_of_summits
from summarizer.digest.sections import indices_of, positions
from summarizer.digest.leads import lead_first, title_words
from summarizer.models import Article, MergedStatement, Summit

_WORD = re.compile(r"[A-Za-z][A-Za-z-]+")
REPEAT_COSINE = 0.7
"""A statement this close (cosine) to a summary sentence would say its point again: it does not join as the lead
(the selector's own similarity cap)."""


def _title_span(summit: Summit) -> DateSpan | None:
    """The day the title states, as written in it."""
    found = [span for _, _, span in find_dates(summit.title) if not span.whole_month]
    return found[-1] if found else None


def _names_event(text: str, summit: Summit, words: set[str]) -> bool:
    if summit.place and summit.place.lower() in text.lower():
        return True
    return bool(words & {w.lower() for w in _WORD.findall(text)})


def stated_days(summit: Summit) -> list[DateSpan]:
    """The single days the summary's sentences that name the event state (no ranges, no months)."""
    words = title_words(summit)
    days = []
    for item in summit.summary:
        if not _names_event(item.text, summit, words):
            continue
        published = [s.published for s in item.sources if s.published]
        base = max(published) if published else None
        days += [span for _, _, span in find_dates(item.text, base) if span.first == span.last and not span.whole_month]
    return days


NEAR_DAYS = 7
"""A day the sentences state is for the titled event only this close to the title's day (a founding date is not)."""


def _near(day: DateSpan, title: DateSpan) -> bool:
    if day.year_known and title.year_known:
        return abs((day.first - title.first).days) <= NEAR_DAYS
    try:
        moved = day.first.replace(year=title.first.year)
    except ValueError:
        return False
    return min(abs((moved - title.first).days), 365 - abs((moved - title.first).days)) <= NEAR_DAYS


def _with_span(summit: Summit, old: DateSpan | None, new: DateSpan) -> Summit:
    title = summit.title.replace(old.text, new.describe()) if old and old.text in summit.title else summit.title
    if title == summit.title and old is None:
        return summit
    return summit.model_copy(update={"title": title, "date": new.first if new.year_known else summit.date})


def agree_date(summit: Summit) -> Summit:
    """The title's day replaced by the day the sentences state for the event, when they never state the title's."""
    old = _title_span(summit)
    if old is None:
        return summit
    days = [d for d in stated_days(summit) if _near(d, old)]
    if not days or any(d.overlaps(old, tolerance=0) for d in days):
        return summit
    counts = Counter((d.first.month, d.first.day) for d in days)
    (month, day), n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    if n < len(days) / 2:
        return summit  # the sentences disagree among themselves
    same = [d for d in days if (d.first.month, d.first.day) == (month, day)]
    known = [d for d in same if d.year_known]
    pick = known[0] if known else same[0]
    if old.year_known and not pick.year_known:
        pick = DateSpan(dt.date(old.first.year, month, day), dt.date(old.first.year, month, day), True, text=pick.text)
    return _with_span(summit, old, pick)


def year_of(summit: Summit, articles: Sequence[Article]) -> int | None:
    """The year the pages give for the title's day: a full date on that day in their text, else the one year
    all of them were published in."""
    old = _title_span(summit)
    if old is None:
        return None
    years = Counter()
    for a in articles:
        for _, _, span in find_dates(a.text):
            if span.year_known and (span.first.month, span.first.day) == (old.first.month, old.first.day):
                years[span.first.year] += 1
    if years:
        return max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]
    published = {a.published.year for a in articles if a.published}
    return published.pop() if len(published) == 1 and all(a.published for a in articles) else None


def add_year(summit: Summit, articles: Sequence[Article]) -> Summit:
    """A title day without its year given the year its pages give."""
    old = _title_span(summit)
    if old is None or old.year_known:
        return summit
    year = year_of(summit, articles)
    if year is None:
        return summit
    try:
        first = old.first.replace(year=year)
        last = old.last.replace(year=year + (old.last.year - old.first.year))
    except ValueError:  # 29 February in a year without it
        return summit
    return _with_span(summit, old, DateSpan(first, last, True, text=old.text))


def agree_place(summit: Summit) -> Summit:
    """A title place no summary sentence names replaced by the one city the event's sentences name."""
    if not summit.place or not summit.summary or lookup(summit.place) is None:
        return summit
    if any(summit.place.lower() in item.text.lower() for item in summit.summary):
        return summit
    words = title_words(summit)
    cities = {
        place.city
        for item in summit.summary
        if _names_event(item.text, summit, words)
        for _, _, place in find_places(item.text)
        if place.city
    }
    if len(cities) != 1:
        return summit
    city = cities.pop()
    if summit.place not in summit.title:
        return summit
    return summit.model_copy(update={"title": summit.title.replace(summit.place, city), "place": city})


def true_heading(summit: Summit, articles: Sequence[Article]) -> Summit:
    """The summit with its title's date and place agreeing with its summary, and its year when the pages give it."""
    return add_year(agree_date(agree_place(summit)), articles)


def told_truly(
    summits: Sequence[Summit],
    merged: Sequence[MergedStatement],
    articles: Sequence[Article],
    reference: dt.date | None,
    vectors: np.ndarray | None = None,
    *,
    similar: float = REPEAT_COSINE,
    members: Sequence[Sequence[int]] | None = None,
) -> list[Summit]:
    """Each summit with its lead reporting the event (`leads.lead_first`, drawing on its own statements fit for a
    digest, not said by another section and, given `vectors` (rows of `merged`), not close to a summary sentence) and its heading agreeing with its summary (`true_heading`). `members`: each summit's statements
    (`assemble.members_of_summits`), when the caller has them."""
    from summarizer.summaries.algorithms.fitness import unfit

    by_id = {a.id: a for a in articles}
    members = members_of_summits(merged, summits) if members is None else members
    where = positions(merged)
    said_in = Counter(text for s in summits for text in {item.text for item in s.summary})
    vectors = None if vectors is None else np.asarray(vectors)
    out = []
    for s, own in zip(summits, members, strict=True):
        mine = {item.text for item in s.summary}
        idx = [i for i in own if said_in[merged[i].text] <= (merged[i].text in mine)]  # not said by another summit
        group = [merged[i] for i in idx]
        repeats: set[int] = set()
        if vectors is not None and idx and s.summary:
            said = vectors[indices_of(merged, s.summary, where)]
            if len(said):
                close = (vectors[idx] @ said.T).max(axis=1)
                repeats = {k for k, c in enumerate(close) if c >= similar}
        lead = lead_first(s.summary, group, s, reference, unfit=unfit(group) if group else set(), repeats=repeats)
        s = s.model_copy(update={"summary": tuple(lead)})
        out.append(true_heading(s, [by_id[a] for a in s.articles if a in by_id]))
    return out
