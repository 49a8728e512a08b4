"""Dates in news text: days and ranges ("22-24 October 2024"), partial dates ("23 November") and relative
ones ("on Thursday", "yesterday"), resolved against a base date (the publication date) with `dateparser`.

A partial or relative date is resolved only when there is a base date; its year follows the tense of the
sentence ("will be held on July 4" looks ahead of the base, "was held on July 4" behind it). Without a base,
a partial date keeps an unknown year and is compatible with the same day of any year.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_SEP = r"\s*(?:-|–|—|to|and|until|till|through)\s*"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern)) for name, pattern in (
        # one per shape, longest first; each names its parts d1 m1 d2 m2 y (d2/m2 only for ranges)
        ("dm-dm", rf"\b(?P<d1>{_DAY})\s+(?:of\s+)?(?P<m1>{_MONTH}){_SEP}(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m2>{_MONTH})"
                  rf"(?:,?\s+(?P<y>{_YEAR}))?\b"),
        ("md-md", rf"\b(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}){_SEP}(?P<m2>{_MONTH})\s+(?P<d2>{_DAY})\b(?:,?\s+(?P<y>{_YEAR})\b)?"),
        ("dd-m", rf"\b(?P<d1>{_DAY}){_SEP}(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m1>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?\b"),
        ("m-dd", rf"\b(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}){_SEP}(?P<d2>{_DAY})\b(?:,?\s+(?P<y>{_YEAR})\b)?"),
        ("iso", rf"\b(?P<y>{_YEAR})-(?P<m1>0[1-9]|1[0-2])-(?P<d1>[0-3]\d)\b"),
        ("d-mon-y", rf"\b(?P<d1>[0-3]?\d)-(?P<m1>{_MONTH})-(?P<y>{_YEAR})\b"),
        ("dotted", rf"\b(?P<d1>[0-3]?\d)\.(?P<m1>0?[1-9]|1[0-2])\.(?P<y>{_YEAR})\b"),
        ("dm", rf"\b(?P<d1>{_DAY})\s+(?:of\s+)?(?P<m1>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?\b"),
        ("md", rf"\b(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})\b(?:,?\s+(?P<y>{_YEAR})\b)?"),
        ("month", rf"\b(?P<m1>{_MONTH})\s+(?:of\s+)?(?P<y>{_YEAR})\b"),
        ("weekday", rf"\b(?P<rel>(?:(?:last|next|this|on|from)\s+)?{_WEEKDAY}{_PART})\b"),
        ("relative", r"(?i:\b(?P<rel>today|tonight|yesterday|tomorrow|(?:earlier |later )?this week|next week|last week)\b)"),
    )
)
_NUMBER = re.compile(r"\d+")
_ANY = re.compile(rf"\b{_MONTH}|{_WEEKDAY}|\d{{4}}-\d\d|\d\.\d\d?\.\d|(?i:today|tonight|yesterday|tomorrow|week)\b")


@dataclass(frozen=True)
class DateSpan:
    """A day or a range of days. With an unknown year, `first`/`last` carry the year 2000 (a leap year)."""

    first: dt.date
    last: dt.date
    year_known: bool = True
    resolved: bool = False
    """Completed or resolved against the base date (a partial, weekday or relative date)."""
    whole_month: bool = False
    text: str = ""

    def overlaps(self, other: DateSpan, tolerance: int = 1) -> bool:
        """True when the two spans can be the same days, `tolerance` days apart at most (any year if one lacks it)."""
        if self.year_known and other.year_known:
            return (other.first - self.last).days <= tolerance and (self.first - other.last).days <= tolerance
        known = self if self.year_known else other if other.year_known else None
        # the year-less span tried in the other's years (and either side of New Year), or in any year
        years = (known.first.year - 1, known.first.year, known.last.year) if known else (2000, 2001)
        return any(
            (o_first - s_last).days <= tolerance and (s_first - o_last).days <= tolerance
            for s_first, s_last in _in_years(self, years)
            for o_first, o_last in _in_years(other, years)
        )

    def describe(self) -> str:
        """'22-24 October 2024', '23 November' (unknown year), 'October 2024' (month only)."""
        if self.whole_month:
            return f"{self.first:%B %Y}"
        year = f" {self.first.year}" if self.year_known else ""
        if self.first == self.last:
            return f"{self.first.day} {self.first:%B}{year}"
        if self.first.month == self.last.month:
            return f"{self.first.day}-{self.last.day} {self.first:%B}{year}"
        return f"{self.first.day} {self.first:%B}-{self.last.day} {self.last:%B}{year}"


def _in_years(span: DateSpan, years: tuple[int, ...]) -> list[tuple[dt.date, dt.date]]:
    """The span placed in each of `years` (only its own year when known); a span crossing New Year moves whole."""
    if span.year_known:
        return [(span.first, span.last)]
    out = []
    for year in years:
        shift = year - span.first.year
        try:
            out.append((span.first.replace(year=span.first.year + shift), span.last.replace(year=span.last.year + shift)))
        except ValueError:  # 29 February
            continue
    return out


@functools.lru_cache(maxsize=4096)
def _parse(text: str, base: dt.date | None, prefer: str, order: str = "MDY") -> dt.date | None:
    """One date string through dateparser, relative to `base` when given."""
    import dateparser

    settings: dict[str, object] = {"PREFER_DATES_FROM": prefer, "PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": order,
                                   "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day, 12)
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


def _day(value: str) -> int:
    return int(_NUMBER.match(value).group()) if _NUMBER.match(value) else 0


def _month_number(name: str) -> int:
    if name.isdigit():
        return int(name)
    parsed = _parse(f"1 {name.rstrip('.')} 2000", None, "past", "DMY")
    return parsed.month if parsed else 0


def _relative(text: str, base: dt.date, future: bool) -> DateSpan | None:
    """'today', 'on Thursday', 'next week' against the base date; a weekday named on its own day is that day."""
    words = text.lower().split()
    if words[-1] in {"morning", "afternoon", "evening", "night"}:
        words = words[:-1]
    if words and words[0] in {"on", "from"}:
        words = words[1:]
    phrase = " ".join(words)
    if phrase.endswith("week"):
        monday = base - dt.timedelta(days=base.weekday())
        offset = {"next week": 7, "last week": -7}.get(phrase, 0)
        start = monday + dt.timedelta(days=offset)
        return DateSpan(start, start + dt.timedelta(days=6), resolved=True, text=text)
    if phrase == "tonight":
        phrase = "today"
    if len(words) == 1 and words[0].capitalize() in _WEEKDAYS and _WEEKDAYS.index(words[0].capitalize()) == base.weekday():
        day = base  # a report dated Thursday saying "on Thursday" means that day
    else:
        day = _parse(phrase, base, "future" if future else "past")
    return DateSpan(day, day, resolved=True, text=text) if day else None


_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _with_year(month: int, day: int, year: int | None, base: dt.date | None, future: bool) -> tuple[dt.date, bool, bool]:
    """The date, whether its year is known, whether it was completed from the base date."""
    if year:
        return dt.date(year, month, day), True, False
    if base is None:
        return dt.date(2000, month, day), False, False
    parsed = _parse(f"{day} {dt.date(2000, month, 1):%B}", base, "future" if future else "past", "DMY")
    if parsed is None:
        return dt.date(2000, month, day), False, False
    try:
        near = dt.date(base.year, month, day)
    except ValueError:
        near = None
    if near is not None and abs((near - base).days) <= 2:
        parsed = near  # a report's own days, whatever the tense (time zones, late stamps, "on the eve")
    return parsed, True, True


_FUTURE = re.compile(
    r"(?i)\b(?:will|shall|'ll|to be held|is to|are to|set to|scheduled|slated|due to|expected to|plans? to|"
    r"going to|upcoming|ahead of|next)\b"
)


def is_future(text: str) -> bool:
    """The text speaks of something still to come ("will be held", "is scheduled", "ahead of")."""
    return bool(_FUTURE.search(text))


def find_dates(sentence: str, base: dt.date | None = None, *, future: bool | None = None) -> list[tuple[int, int, DateSpan]]:
    """(start, end, span) of every date in a sentence; relative ones only when `base` is given.

    `future`: the tense for completing partial dates; by default read from the words just before each date.
    """
    if not _ANY.search(sentence):
        return []
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, DateSpan]] = []
    for name, pattern in _FORMS:
        for m in pattern.finditer(sentence):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            clause = re.split(r"[,;:]", sentence[:m.start()])[-1]  # "Xi will attend ..., the ministry said on Sunday"
            ahead = is_future(clause) if future is None else future
            span = _span(name, m, base, ahead)
            if span is not None:
                taken.append((m.start(), m.end()))
                found.append((m.start(), m.end(), span))
    return sorted(found, key=lambda f: f[0])


def _span(name: str, m: re.Match[str], base: dt.date | None, future: bool) -> DateSpan | None:
    parts = m.groupdict()
    text = m.group()
    if name in {"weekday", "relative"}:
        return _relative(parts["rel"], base, future) if base is not None else None
    year = int(parts["y"]) if parts.get("y") else None
    try:
        m1 = _month_number(parts["m1"])
        if name == "month":
            first = dt.date(year, m1, 1)
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            return DateSpan(first, last, whole_month=True, text=text)
        d1 = _day(parts["d1"])
        d2 = _day(parts["d2"]) if parts.get("d2") else d1
        m2 = _month_number(parts["m2"]) if parts.get("m2") else m1
        if not (m1 and m2 and 1 <= d1 <= 31 and 1 <= d2 <= 31):
            return None
        first, known, resolved = _with_year(m1, d1, year, base, future)
        last_year = first.year + (1 if (m2, d2) < (m1, d1) else 0)
        last = dt.date(last_year, m2, d2)
    except ValueError:
        return None
    if last < first or (last - first).days > 14:
        return None  # "1-30 June": not one event's days
    return DateSpan(first, last, year_known=known, resolved=resolved, text=text)


_YEAR_WORD = re.compile(rf"\b({_YEAR})\b")


def years_in(text: str) -> list[int]:
    """Four-digit years named in a text."""
    return [int(y) for y in _YEAR_WORD.findall(text)]
