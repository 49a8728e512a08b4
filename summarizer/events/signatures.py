"""What one article says about the event it reports: organisation, kind of meeting, date, place, format and
edition number, each with the sentence it came from.

News mentions many meetings besides its own (the previous and next ones, a treaty's signing, the foreign
ministers' meeting that prepared the summit), so every date and place is weighed: it counts more in the
headline and lead, in a sentence about a meeting, and near the publication date; it is dropped when the
words before it point elsewhere ("the next summit", "the previous meeting", "founded on"). A date more than
`PREVIEW_DAYS` after the publication date makes the article an announcement: its own event is then the
announcement, dated by publication, not the summit it announces.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from summarizer.events.dates import DateSpan, find_dates
from summarizer.models import Article
from summarizer.events.places import Place, capital_of, compatible, find_places, lookup, same_city

PREVIEW_DAYS = 10
"""A preview is published at most this many days before the event; earlier, it is an announcement."""
REPORT_DAYS = 30
"""Reports and analyses are published at most this many days after the event."""
LEAD = 3
"""The headline and the first sentences, where news states its own event."""

_EVENT = re.compile(
    r"(?i)\b(summits?|meetings?|session|council|conference|gathering|forum|games|ceremony|anniversary|"
    r"convene[sd]?|convening|gathered|met|kicked off|opened|hosted|hosts)\b"
)
EVENT_WORDS = _EVENT
"""Words that say a meeting is taking place; theme names read them as the event's, not a subject."""
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("joint meeting", re.compile(r"(?i:\bjoint\s+(?:\w+\s+){0,3}(?:summit|meeting|session))|\b[A-Z]{2,6}[-–/][A-Z]{2,6}\s+"
                                 r"(?i:summit|meeting|session)")),
    ("heads of government meeting", re.compile(r"(?i)\bheads of government\b|\bprime ministers[’']?\s+(?:meeting|council)")),
    ("ministers' meeting", re.compile(
        r"(?i)\b(?P<portfolio>foreign|defen[cs]e|finance|trade|econom\w*|energy|agricultur\w*|health|education|"
        r"transport|justice|interior|culture|tourism|sports?|security)(?:\s+affairs)?\s+ministers\b"
        r"|\bministers[’']?\s+(?:meeting|council|conference|session|gathering)"
        r"|\bcouncil of (?:(?P<portfolio2>\w+)\s+){0,2}ministers\b|\bministerial\b")),
    ("games", re.compile(r"\bGames\b|(?i:\bolympiad\b|\btournament\b)")),
    ("anniversary", re.compile(r"(?i)\banniversary\b")),
)
_LEADERS = re.compile(r"(?i)\b(?:summit|heads of states?|leaders|presidents)\b")
_SUMMIT = re.compile(r"(?i)\bsummit\b")
_OTHER = re.compile(
    r"(?i)\b(?:next|previous|last|prior|earlier|former|founded|founding|established|set up|anniversary|signed|since|"
    r"ago|until|effective|born|joined|first held)\b[^.;]*$"
)
_VIRTUAL = re.compile(
    r"(?i)\b(?:video\s?-?conferenc\w*|video link|virtual\w*|online|by video|via video|remotely)\b"
)
_PERSON_REMOTE = re.compile(
    r"(?i)\b(?:addressed|addressing|address|joined|joining|join|took part|takes part|taking part|participat\w+|"
    r"spoke|speaking|speak|attend\w*|represented|deliver\w*|appear\w*)\b[^.;]{0,60}$"
)
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
_STOP_ACRONYMS = frozenset({
    "US", "USA", "UK", "UN", "EU", "AP", "AFP", "TASS", "NYT", "GDP", "AI", "TV", "PM", "PTI", "ANI", "IANS", "UAE",
    "AM", "PM", "CEO", "MEA", "MFA", "LAC", "ICC", "IAEA", "COVID", "PPP", "DH", "RT", "CNN", "BBC", "II", "III", "IV",
})
_ORDINAL = re.compile(
    r"\b(?:(?P<n>\d{1,3})(?:st|nd|rd|th)|(?P<roman>[XVI]{1,7}))\s+(?:[\w’'-]+\s+){0,4}?"
    r"(?i:summit|meeting|session)\b"
)
_NEAR_EVENT = re.compile(
    r"(?i)\b(?:summits?|meetings?|session|council|conference|gathering|forum|games|ceremony|convene[sd]?|convening|"
    r"gathered|gathering|met|meet|kicked off|opened|opens|began|begins|hosted|hosts|held|hold|holding|"
    r"takes? place|took place|taking place|arrived|attend\w*|participat\w*|here)\b[^.;]*$"
)
_HOST_BY = re.compile(r"(?i)\b(?:hosted|organi[sz]ed|chaired|convened)\s+by\s+(?:the\s+)?$")
_HOSTED = re.compile(r"^\s*(?:hosted|hosts|will host|is hosting|played host|welcomed)\b")
_PLACE_BEFORE = re.compile(
    r"(?i)\b(?:in|at)\s+(?:the\s+)?(?:(?:[\w’'-]+\s+){0,3}(?:city|capital|town)\s+(?:of\s+)?)?(?:[A-Z][\w’'-]*\s+)?$"
)
_DATELINE_AFTER = re.compile(r"^\s*(?:\([^)]{2,30}\)|\[[^\]]{2,30}\])?\s*(?:[,:–—-]|\(\w)")
_STAMP = re.compile(r"\b\d{1,2}:\d{2}\b|(?i:\b(?:published|updated|posted|last modified)\b)")


@dataclass
class Signature:
    """What the text and metadata say about an article's event; `evidence` says where each part came from."""

    summit: str | None = None
    published: dt.date | None = None
    published_from: str | None = None
    org: str | None = None
    series: bool = False
    """The organisation is one the corpus covers (named with the meetings of several articles)."""
    kind: str | None = None
    date: DateSpan | None = None
    date_note: str | None = None
    announcement: bool = False
    place: Place | None = None
    place_note: str | None = None
    virtual: bool = False
    ordinal: int | None = None
    evidence: list[str] = field(default_factory=list)

    def key(self) -> tuple:
        """The facts that `conflicts` and `agree` read."""
        return (self.summit, self.published, self.org, self.series, self.kind, self.date, self.announcement, self.place,
                self.virtual, self.ordinal)

    def window(self) -> DateSpan | None:
        """The days this article's event can fall on: its own date, else around its publication date."""
        if self.date is not None and not self.announcement:
            return self.date
        if self.announcement and self.published is not None:  # the announcement itself: just before publication
            return DateSpan(self.published - dt.timedelta(days=2), self.published, resolved=True)
        if self.published is not None:
            first = self.published - dt.timedelta(days=REPORT_DAYS)
            return DateSpan(first, self.published + dt.timedelta(days=PREVIEW_DAYS), resolved=True)
        return None


def pieces(article: Article) -> list[str]:
    """The headline (when not already the first line) and the sentences of the text, in order."""
    out: list[str] = []
    if article.title and not article.text.lstrip().startswith(article.title):
        out.append(article.title)
    for line in article.text.splitlines():
        out.extend(p for p in re.split(r"(?<=[.!?])[\"'”’]?\s+(?=[A-Z\"“])", line) if p.strip())
    return out


def _roman(value: str) -> int | None:
    numerals = {"I": 1, "V": 5, "X": 10}
    total = 0
    for ch, nxt in zip(value, [*value[1:], ""]):
        v = numerals[ch]
        total += -v if nxt and numerals[nxt] > v else v
    return total if 0 < total < 100 else None


_DATELINE_BEFORE = re.compile(r"^\s*(?:[A-Z][\w’'.-]*\s*){1,3}(?:\([^)]{1,30}\)\s*|\[[^\]]{1,30}\]\s*)?,\s*$")


def text_publication_date(texts: list[str]) -> DateSpan | None:
    """A publication stamp in the first lines: a short date line ("4 July 2024 10:33"), a date with a time or
    "Updated"/"Published", or a dateline ("Beijing, 24 June 2022 (TDI):")."""
    for line in texts[:8]:
        line = line[:120]  # a stamp or dateline opens its line
        for start, end, span in find_dates(line):
            if not span.year_known or span.whole_month or span.first != span.last:
                continue
            dateline = _DATELINE_BEFORE.match(line[:start]) and re.match(r"\s*[(:./–—-]", line[end:])
            if len(line) - (end - start) <= 25 or _STAMP.search(line) or dateline:
                return span
    return None


def _kind_of(name: str, m: re.Match[str]) -> str:
    """The kind a cue names; a ministers' meeting says whose ministers when the text does."""
    if name != "ministers' meeting":
        return name
    portfolio = (m.group("portfolio") or m.group("portfolio2") or "").lower()
    portfolio = "defence" if portfolio.startswith("defen") else portfolio
    return f"{portfolio} ministers' meeting" if portfolio in {"foreign", "defence", "finance", "trade", "energy",
                                                            "health", "education", "transport", "justice",
                                                            "interior", "culture", "tourism"} else name


def _kind(text: str) -> str | None:
    """The kind of meeting a sentence names first among the non-leaders kinds, if any."""
    for name, pattern in _KINDS:
        m = pattern.search(text)
        if m:
            return _kind_of(name, m)
    return None


def _kind_before(text: str) -> str | None:
    """The kind of the meeting named last in `text` ("summit" for a leaders' meeting), if any."""
    best: tuple[int, str] | None = None
    for name, pattern in (*_KINDS, ("summit", _LEADERS)):
        for m in pattern.finditer(text):
            if best is None or m.end() > best[0]:
                best = (m.end(), _kind_of(name, m) if name != "summit" else name)
    return best[1] if best else None


def meeting_kind(texts: list[str]) -> str | None:
    """The kind of meeting the headline or lead names first ("summit" for leaders), or None when it names none."""
    for text in texts[:LEAD + 2]:
        cues = [(m.start(), _kind_of(name, m) if name != "summit" else name)
                for name, pattern in (*_KINDS, ("summit", _LEADERS)) for m in [pattern.search(text)] if m]
        if cues:
            kind = min(cues)[1]
            if kind == "anniversary" and _LEADERS.search(text) and not re.search(r"(?i)anniversary\s+(?:was|is)\b", text):
                return "summit"  # a summit marking an anniversary is a summit
            return kind
    summits = sum(1 for text in texts for _ in _SUMMIT.finditer(text))
    return "summit" if summits >= 2 else None  # named again and again further down


def same_kind(a: str | None, b: str | None) -> bool:
    """Two kinds can be one meeting: equal, unknown on one side, or a ministers' meeting whose ministers one
    side does not say."""
    if a is None or b is None:
        return True
    return a == b or (a.endswith("ministers' meeting") and b.endswith("ministers' meeting")
                      and "ministers' meeting" in (a, b))


_MEETING_AFTER = re.compile(
    r"\)?(?:[’']s?)?\s+(?:[\w’'-]+\s+){0,3}?(?i:summits?|meetings?|session|council|conference|gathering|forum|games|"
    r"leaders|heads of state|ministers)\b"
)
_MEETING_BEFORE = re.compile(
    r"(?i:summits?|meetings?|session|council|conference|gathering|forum|leaders|heads of state|ministers)\s+of\s+"
    r"(?:the\s+)?(?:[\w’'-]+\s+){0,4}?\(?$"
)


def _orgs_at_meetings(text: str) -> list[str]:
    """Acronyms named with a meeting: "the SCO summit", "a meeting of the (CSTO)"."""
    found = []
    for m in _ACRONYM.finditer(text):
        acronym = m.group()
        if acronym in _STOP_ACRONYMS or re.fullmatch(r"[IVXLC]+", acronym):  # "XIV BRICS Summit"
            continue
        if _MEETING_AFTER.match(text, m.end(), m.end() + 40) or _MEETING_BEFORE.search(text[max(0, m.start() - 80):m.start()]):
            found.append(acronym)
    return found


@functools.lru_cache(maxsize=8192)
def _main_organisation(texts: tuple[str, ...]) -> str | None:
    counts: Counter[str] = Counter()
    for n, text in enumerate(texts):
        for acronym in _orgs_at_meetings(text):
            counts[acronym] += 2 if n < LEAD else 1
    best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return best[0][0] if best and best[0][1] >= 2 else None


def main_organisation(texts: list[str]) -> str | None:
    """The acronym named with the article's meetings ("the SCO summit", "a meeting of the BRICS leaders"),
    the lead counting double."""
    return _main_organisation(tuple(texts))


def _ordinal(texts: list[str]) -> int | None:
    for text in texts:
        if not _EVENT.search(text):
            continue
        for m in _ORDINAL.finditer(text):
            if "anniversary" in m.group().lower():
                continue
            value = int(m.group("n")) if m.group("n") else _roman(m.group("roman"))
            if value and value < 100:
                return value
    return None


def _is_virtual(texts: list[str], base: dt.date | None, date: DateSpan | None) -> bool:
    """The meeting itself was held online (not one leader joining by video, not another year's meeting)."""
    for text in texts:
        if not _EVENT.search(text):
            continue
        if date is not None and date.year_known:
            years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", text)]
            if years and date.first.year not in years:
                continue
        for m in _VIRTUAL.finditer(text):
            before = text[max(0, m.start() - 80):m.start()]
            if not (_PERSON_REMOTE.search(before) or _OTHER.search(before)):
                return True
    return False


def _short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _date_candidates(texts: list[str], base: dt.date | None, kind: str | None,
                     org: str | None) -> list[tuple[float, DateSpan, int]]:
    """Every date with a weight: more in the lead, in a sentence about a meeting of this article's kind and
    organisation, and on a dateline; none when the words before point to another meeting."""
    out: list[tuple[float, DateSpan, int]] = []
    for n, text in enumerate(texts):
        event = bool(_EVENT.search(text))
        if not event and n >= LEAD:
            continue  # a date outside the lead and away from any meeting says little
        named = bool(org and re.search(rf"\b{re.escape(org)}\b", text))
        for start, end, span in find_dates(text, base):
            before = text[max(0, start - 70):start]
            if _OTHER.search(before):
                continue
            dateline = n < LEAD and _DATELINE_BEFORE.match(text[:start])
            short = len(text) - (end - start) <= 25 and not event  # "23 November 2023, 14:05", not "Leaders met on ..."
            if n < 8 and not dateline and (short or _STAMP.search(text) or re.match(r"By\s", text)):
                continue  # the page's own time stamp or byline: when it was published, not when the meeting was
            other_kind = _kind_before(before)
            if other_kind and not same_kind(other_kind, kind):
                continue  # "the foreign ministers met on May 21" in a summit's report, or the reverse
            weight = 1.0 + (1.0 if n < LEAD else 0.0) + (1.0 if event else -0.7)
            weight += (0.5 if named else 0.0) + (0.5 if other_kind else 0.0)
            if dateline:
                weight = 1.6  # "BEIJING, July 14. /TASS/.": the day of the report
            if span.resolved:
                weight *= 0.7
            if span.whole_month:
                weight *= 0.4
            if base is not None and span.year_known:
                if (span.last - base).days < -REPORT_DAYS:
                    weight *= 0.1  # long before publication: another, earlier event
            out.append((weight, span, n))
    return out


def _best_date(cands: list[tuple[float, DateSpan, int]]) -> tuple[DateSpan | None, float, int]:
    """The best-supported span: candidates that can be the same days vote together; among equals, the exact
    and the narrowest ("July 3-4" over "this week")."""
    if not cands:
        return None, 0.0, -1
    scored = []
    for weight, span, n in cands:
        support = sum(w for w, other, _ in cands if other.overlaps(span))
        exact = 0 if span.resolved or span.whole_month else 1
        narrow = (span.last - span.first).days <= 3
        scored.append((narrow, support, exact, -(span.last - span.first).days, weight, -n, span))
    *_, neg_n, span = max(scored, key=lambda s: s[:6])
    support = max(s[1] for s in scored if s[-1] == span)
    return span, support, -neg_n


_NAMED_MEETING = re.compile(
    r"((?:[A-Z][\w’'-]*\s+(?:of\s+(?:the\s+)?)?){1,5})(?i:summit|meeting|session|gathering|conference|forum)\s+"
    r"(?:(?:was|is|will be)\s+)?(?:(?:held|hosted)\s+)?(?:in|at)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}$"
)


def _foreign_event(before: str, org: str | None) -> bool:
    """The place belongs to another body's meeting: "the Shanghai Cooperation Organization summit in X" or
    "the CIS gathering in X" in an article about another organisation."""
    m = _NAMED_MEETING.search(before)
    if not m:
        return False
    words = [w for w in re.findall(r"[A-Z][\w’'-]*", m.group(1)) if w not in {"The", "A", "An", "This", "That"}]
    if not words or (org and (org in words or "".join(w[0] for w in words) == org)):
        return False
    if all(lookup(w) is not None or re.fullmatch(r"[IVXLC]+|\d+\w*", w) for w in words):
        return False  # "the Samarkand Summit", "the XIV Summit": a place or a number, not another body
    return True


def _place_candidates(texts: list[str], base: dt.date | None, date: DateSpan | None,
                      virtual: bool = False, org: str | None = None) -> list[tuple[float, Place, int]]:
    """Places named where a meeting is: "in X", "at X", "X hosted", a dateline; not those of other meetings
    (the words before point elsewhere, or the sentence's dates are other days), nor words that the article
    also writes in lower case ("Summit" is a town, "summit" a word)."""
    words = set(re.findall(r"\b[a-z][a-z’'-]+\b", " ".join(texts)))
    out: list[tuple[float, Place, int]] = []
    for n, text in enumerate(texts):
        event = bool(_EVENT.search(text))
        if not event and n >= LEAD + 2:
            continue
        found = find_places(text)
        if not found:
            continue
        if date is not None:
            days = [d for _, _, d in find_dates(text, base) if d.year_known and not d.whole_month]
            if days and not any(d.overlaps(date, tolerance=3) for d in days):
                continue  # "at the Samarkand Summit on September 16, 2022": another meeting's place
        for start, end, place in found:
            if text[start:end].lower() in words:
                continue
            before, after = text[max(0, start - 70):start], text[end:end + 40]
            dateline = start <= 2 and n < LEAD + 2 and bool(_DATELINE_AFTER.match(after))
            if not dateline and (re.match(r"^\s+(?:of\s+(?:the\s+)?)?[A-Z][a-z]", after) or not event):
                continue  # "Shanghai Cooperation", "Independence Palace": part of another name
            capital = re.match(r"^[’']s\s+capital\b", after) or re.search(r"(?i)\bcapital\s+of\s+(?:the\s+)?$", before)
            if capital and place.city is None:
                place = capital_of(place.country) or place
            if _foreign_event(before, org):
                continue
            near = _NEAR_EVENT.search(before[-100:]) or _EVENT.match(after.strip())
            host = _HOST_BY.search(before) or re.match(r"^-hosted\b", after)  # "chaired by India", "India-hosted"
            context = dateline or (near and (_PLACE_BEFORE.search(before) or capital)) or _HOSTED.match(after) or host
            if not context or _OTHER.search(before):
                continue
            years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", after[:20] + " " + before[-25:])]
            if date is not None and date.year_known and years and date.first.year not in years:
                continue  # "in Bali, Indonesia in 2022": another year's meeting
            weight = 1.0 + (1.0 if n < LEAD else 0.0) + (0.5 if _HOSTED.match(after) else 0)
            if dateline:
                if virtual:
                    continue  # a videoconference's dateline is where one participant sat
                weight = 1.0  # where the reporter is, most often the venue
            out.append((weight, place, n))
    return out


def _best_place(cands: list[tuple[float, Place, int]]) -> tuple[Place | None, int]:
    """The best-supported country, then its best-supported city (when a city is named in it)."""
    if not cands:
        return None, -1
    by_country: defaultdict[str, float] = defaultdict(float)
    first: dict[str, int] = {}
    for weight, place, n in cands:
        by_country[place.country] += weight
        first.setdefault(place.country, n)
    country = max(by_country, key=lambda c: (by_country[c], -first[c]))
    cities = [(w, p, n) for w, p, n in cands if p.country == country and p.city]
    if not cities:
        return Place(country=country), first[country]
    scored = [(sum(w for w, q, _ in cities if same_city(p, q)), -n, p) for w, p, n in cities]
    _, neg_n, city = max(scored, key=lambda s: s[:2])
    return city, -neg_n


def corpus_organisations(articles: list[Article] | tuple[Article, ...]) -> frozenset[str]:
    """Organisations named with the meetings of at least two articles: the series a corpus covers."""
    return series_of([main_organisation(pieces(a)) for a in articles])


def series_of(organisations: Sequence[str | None]) -> frozenset[str]:
    """`corpus_organisations` from each article's main organisation (`main_organisation`)."""
    counts = Counter(organisations)
    return frozenset(org for org, count in counts.items() if org and count >= 2)


def _house_style(text: str, series: frozenset[str]) -> str:
    """The series' acronyms as acronyms where an outlet's house style writes them as words ("Brics", "Nato")."""
    return re.sub(r"\b(" + "|".join(sorted(a.capitalize() for a in series)) + r")\b", lambda m: m.group().upper(), text)


def extract_signature(article: Article, series: frozenset[str] = frozenset()) -> Signature:
    """Read the organisation, kind, date, place, format and edition number of the event an article reports.

    `series`: organisations the corpus covers; an article that names one of them without naming it with a
    meeting is taken to be about that organisation's meeting.
    """
    texts = [_house_style(t, series) for t in pieces(article)] if series else pieces(article)
    sig = Signature(summit=article.summit, published=article.published,
                    published_from="metadata" if article.published else None)
    if sig.published is None:
        stamp = text_publication_date(texts)
        if stamp is not None:
            sig.published, sig.published_from = stamp.first, "text"
    org = main_organisation(texts)
    if org is None and series:
        named = Counter(a for t in texts for a in _ACRONYM.findall(t) if a in series)
        org = min(named, key=lambda a: (-named[a], a)) if named else None
    kind = meeting_kind(texts)
    if kind is None and org is not None and any(org in _orgs_at_meetings(t) for t in texts[:LEAD]):
        kind = "summit"  # the organisation's meeting, with no other kind named: its leaders'
    if org is None or kind is None:
        return sig  # not a meeting of a named organisation: its dates and places say little about one event
    sig.org, sig.kind, sig.series = org, kind, org in series
    sig.ordinal = _ordinal(texts)

    base = sig.published
    date, support, where = _best_date(_date_candidates(texts, base, sig.kind, sig.org))
    if date is not None and support >= 1.5:
        sig.date = date
        sig.date_note = "from the text" + (", resolved against the publication date" if date.resolved else "")
        sig.evidence.append(f"date {date.describe()} {sig.date_note}: “{_short(texts[where])}”")
        if base is not None and date.year_known and (date.first - base).days > PREVIEW_DAYS:
            sig.announcement = True
            sig.kind = "announcement"  # of a meeting weeks ahead: its own event, not that meeting's coverage
            sig.evidence.append(f"published {base.isoformat()}, {(date.first - base).days} days ahead: an announcement")
    sig.virtual = _is_virtual(texts, base, sig.date)
    place, where = _best_place(_place_candidates(texts, base, sig.date, sig.virtual, sig.org))
    if place is not None:
        sig.place = place
        sig.place_note = "from the text"
        sig.evidence.append(f"place {place.label} from the text: “{_short(texts[where])}”")
    return sig


def conflicts(a: Signature, b: Signature) -> bool:
    """True when two articles cannot report the same event."""
    if a.summit and b.summit:
        return a.summit != b.summit
    if a.org and b.org and a.org != b.org and (a.series or b.series):
        return True  # a series' meeting is not another body's; two one-off acronyms may name one story's actors
    if not same_kind(a.kind, b.kind):
        return True
    if a.ordinal and b.ordinal and abs(a.ordinal - b.ordinal) >= 2:
        return True  # sources disagree by one edition now and then; two apart is another edition
    wa, wb = a.window(), b.window()
    if wa is not None and wb is not None and not wa.overlaps(wb, tolerance=2 if wa.resolved or wb.resolved else 1):
        return True  # a day resolved from "on Wednesday" may be the eve or the morning after
    for x, y in ((a, b), (b, a)):
        # published well before the other's event: an announcement of it, not coverage
        if x.published and y.date is not None and not y.announcement and y.date.year_known:
            if (y.date.first - x.published).days > PREVIEW_DAYS or (x.published - y.date.last).days > REPORT_DAYS:
                return True
    if a.place and b.place and not compatible(a.place, b.place):
        return True
    for x, y in ((a, b), (b, a)):
        # a videoconference is not a meeting held in a city, unless both are dated to the same days
        if x.virtual and not y.virtual and y.place and y.place.city and not (x.place and compatible(x.place, y.place)):
            if wa is None or wb is None:
                return True
    return False


def agree(a: Signature, b: Signature) -> bool:
    """True when two articles name the same days and the same city (or both a virtual meeting) of one kind."""
    if a.summit and b.summit:
        return a.summit == b.summit
    if a.date is None or b.date is None or a.announcement or b.announcement:
        return False
    if not (a.date.year_known and b.date.year_known and a.date.overlaps(b.date)):
        return False
    same_place = bool(a.place and b.place and same_city(a.place, b.place)) or (a.virtual and b.virtual)
    return same_place and not conflicts(a, b)
