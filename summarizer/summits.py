"""Summits: which articles report the same event, found from metadata, dates and places in the text, and content.

Order of evidence:
1. metadata: `Article.summit` (same value -> same summit, different values -> different summits) and
   `Article.published` (more than `max_days_apart` apart -> different summits);
2. the text: the event's date ("held on November 23", "gathered Dec. 2", "date 2025-11-27", "27 November 2025")
   when it sits in a sentence about a meeting, its host city ("summit in X", "X hosted", "held in X", but not
   "the SCO summit in X": another organisation's event), and "videoconference"/"virtual meeting";
   conflicting dates or places forbid two articles from sharing a summit (cannot-link);
3. content: complete-linkage clustering of TF-IDF article vectors (whole text blended with the lead
   sentences; optionally mean statement embeddings). DUC 2004 dev, 250 docs pooled: B-cubed F1 0.940, ARI 0.908.
   Two clusters merge only when their similarity is above `min_similarity` AND above the similarity seen
   between articles known to be about different events in the same corpus (when there are such pairs):
   an article that is no closer to one event than different events are to each other stays on its own,
   with a note saying so, rather than being guessed into one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from summarizer.models import Article, Statement, Summit

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_MONTH = (r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DAY = r"([0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"((?:19|20)\d\d)"
_ISO = re.compile(rf"\b{_YEAR}-(0[1-9]|1[0-2])-([0-3]\d)\b")
_MONTH_DAY = re.compile(rf"\b{_MONTH}\.?\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?")
_DAY_MONTH = re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\.?(?:,?\s+{_YEAR}\b)?")
_DATE_LINE = re.compile(rf"(?im)^\s*(?:date|dated|published)\s*:?\s*{_YEAR}-(0[1-9]|1[0-2])-([0-3]\d)\b")
_EVENT_CUE = re.compile(
    r"(?i)\b(summit|meeting|session|gathered|gathering|convened|held|took place|takes place|talks|conference|"
    r"videoconference|council|forum|met)\b"
)
_VIRTUAL = re.compile(
    r"(?i)\b(video\s?-?conference|video link|virtual (?:meeting|summit|session|format)|"
    r"online (?:summit|meeting|session|format))"
)
_NAME = r"([A-Z][\w’'\-]*[a-z][\w’'\-]*(?:[ \-][A-Z][\w’'\-]*[a-z][\w’'\-]*){0,2})"
_EVENT_NOUN = r"(summit|meeting|session|gathering|conference|talks|forum|council|ceremony)"
_PLACE_PATTERNS = (
    # "the CSTO summit in Bishkek", "a summit held in Minsk": the word before the noun is checked later.
    re.compile(rf"(?i:(\S+)\s+{_EVENT_NOUN}(?:\s+(?:was|were|is|will be))?(?:\s+(?:held|hosted|convened))?)"
               rf"\s+in\s+(?:the\s+)?{_NAME}\b(?!\s+of\b)"),
    re.compile(rf"(?i:\b(?:held|hosted|convened|gathered|unfolded|took place|takes place|opened))\s+in\s+"
               rf"(?:the\s+(?i:\w+\s+)?(?i:capital|city)\s+(?:of\s+)?)?{_NAME}\b(?!\s+of\b)"),
    re.compile(rf"\b{_NAME}\s+(?:hosted|hosts|is hosting|will host|played host)\b"),
)
_NOT_PLACES = frozenset(
    "The This That These Those It Its Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February "
    "March April May June July August September October November December President Prime Minister Secretary "
    "Council Summit Parliament Congress Government State States Organization Union".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+")
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
_STOP_ACRONYMS = frozenset({"US", "USA", "UK", "UN", "EU", "AP", "AFP", "TASS", "NYT", "GDP", "AI", "TV", "PM"})


@dataclass
class Signature:
    """What the text says about the event an article reports."""

    month_day: tuple[int, int] | None = None
    year: int | None = None
    place: str | None = None
    virtual: bool = False
    summit: str | None = None
    published: dt.date | None = None
    org: str | None = None
    found: list[str] = field(default_factory=list)


def _month(name: str) -> int:
    return _MONTHS[name[:3].lower()]


def _sentences(text: str) -> list[str]:
    """Rough sentence and heading pieces of a text (lines, then sentence ends)."""
    pieces: list[str] = []
    for line in text.splitlines():
        pieces.extend(p for p in re.split(r"(?<=[.!?])[\"'”’]?\s+(?=[A-Z\"“])", line) if p.strip())
    return pieces


def _dates_in(sentence: str) -> list[tuple[int, int, int | None]]:
    out: list[tuple[int, int, int | None]] = []
    for m in _ISO.finditer(sentence):
        out.append((int(m.group(2)), int(m.group(3)), int(m.group(1))))
    for m in _MONTH_DAY.finditer(sentence):
        out.append((_month(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None))
    for m in _DAY_MONTH.finditer(sentence):
        out.append((_month(m.group(2)), int(m.group(1)), int(m.group(3)) if m.group(3) else None))
    return [(mo, d, y) for mo, d, y in out if 1 <= d <= 31]


def main_acronym(text: str) -> str | None:
    """The organisation acronym an article is about: the most frequent one seen at least twice."""
    counts = Counter(a for a in _ACRONYM.findall(text) if a not in _STOP_ACRONYMS)
    best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return best[0][0] if best and best[0][1] >= 2 else None


def _places_in(sentence: str, own: set[str]) -> list[str]:
    found: list[str] = []
    for i, pattern in enumerate(_PLACE_PATTERNS):
        for m in pattern.finditer(sentence):
            if i == 0:
                before, name = m.group(1).strip("“”\"'(,"), m.group(3)
                if before[:1].isupper() and before not in own and before.lower() not in {"the", "a", "an"}:
                    continue  # "the SCO summit in Samarkand", "States gathering in Astana": someone else's event
            else:
                name = m.group(1)
            name = name.strip("’'-")
            if name.split()[0] in _NOT_PLACES or name.isupper():
                continue
            found.append(name)
    return found


def corpus_organisation(articles: Sequence[Article], *, min_share: float = 0.5) -> str | None:
    """The organisation the corpus is about: an acronym that is the main one of at least `min_share` of articles."""
    mains = Counter(o for o in (main_acronym(a.text) for a in articles) if o)
    if not mains:
        return None
    org, count = sorted(mains.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return org if count >= 2 and count >= min_share * len(articles) else None


def extract_signature(article: Article, org: str | None = None) -> Signature:
    """Read the date, place and format of `org`'s event that an article reports, from metadata and text.

    Only sentences naming the organisation count (a news story mentions many other meetings);
    with no organisation, only metadata and a "date: YYYY-MM-DD" line are used.
    """
    sig = Signature(summit=article.summit, published=article.published, org=org)
    text = article.text
    own = {org} if org else set()
    dates: Counter[tuple[int, int]] = Counter()
    years: Counter[int] = Counter()
    first_seen: dict[tuple[int, int], int] = {}
    places: Counter[str] = Counter()
    place_first: dict[str, int] = {}
    for m in _DATE_LINE.finditer(text):
        key = (int(m.group(2)), int(m.group(3)))
        dates[key] += 2
        years[int(m.group(1))] += 2
        first_seen.setdefault(key, -1)
    for n, sentence in enumerate(_sentences(text)):
        if not org or not re.search(rf"\b{re.escape(org)}\b", sentence):
            continue
        if _EVENT_CUE.search(sentence):
            for mo, d, y in _dates_in(sentence):
                dates[(mo, d)] += 1
                first_seen.setdefault((mo, d), n)
                if y:
                    years[y] += 1
        for place in _places_in(sentence, own):
            places[place] += 1
            place_first.setdefault(place, n)
        if _VIRTUAL.search(sentence):
            sig.virtual = True
    if dates:
        sig.month_day = sorted(dates, key=lambda k: (-dates[k], first_seen[k]))[0]
        sig.found.append("date")
    if years:
        sig.year = sorted(years, key=lambda y: (-years[y], y))[0]
    elif sig.published and sig.month_day:
        sig.year = sig.published.year
    if places:
        sig.place = sorted(places, key=lambda p: (-places[p], place_first[p]))[0]
        sig.found.append("place")
    if sig.virtual:
        sig.found.append("virtual")
    return sig


def conflicts(a: Signature, b: Signature, *, max_days_apart: int = 10) -> bool:
    """True when two articles cannot report the same event (different summit, date, place or format)."""
    if a.summit and b.summit:
        return a.summit != b.summit
    if a.published and b.published and abs((a.published - b.published).days) > max_days_apart:
        return True
    if a.month_day and b.month_day:
        if a.year and b.year and a.year != b.year:
            return True
        year = a.year or b.year or 2001
        try:
            gap = abs((dt.date(year, *a.month_day) - dt.date(year, *b.month_day)).days)
        except ValueError:
            gap = 0 if a.month_day == b.month_day else 99
        if gap > 1:
            return True
    if a.place and b.place and a.place != b.place:
        return True
    return bool((a.virtual and b.place and not b.virtual) or (b.virtual and a.place and not a.virtual))


def _must_link(a: Signature, b: Signature) -> bool:
    if a.summit and b.summit:
        return a.summit == b.summit
    return bool(a.month_day and a.place and a.month_day == b.month_day and a.place == b.place
                and (not a.year or not b.year or a.year == b.year))


def _links(sigs: Sequence[Signature], max_days_apart: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Cannot-link matrix and must-link pairs (in (i, j) order, i < j) of all article pairs.

    Only what `conflicts` and `_must_link` read tells articles apart, so each pair of distinct such keys is
    decided once (most articles share a key: often no date, place or summit at all).
    """
    keys = [(s.summit, s.published, s.month_day, s.year, s.place, s.virtual) for s in sigs]
    first: dict[tuple, int] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    slot = {key: x for x, key in enumerate(first)}
    kind = np.array([slot[key] for key in keys])
    reps = [sigs[i] for i in first.values()]
    u = len(reps)
    cannot_u = np.zeros((u, u), dtype=bool)
    must_u = np.zeros((u, u), dtype=bool)
    for x in range(u):
        for y in range(x, u):
            if conflicts(reps[x], reps[y], max_days_apart=max_days_apart):
                cannot_u[x, y] = cannot_u[y, x] = True
            elif _must_link(reps[x], reps[y]):
                must_u[x, y] = must_u[y, x] = True
    cannot = cannot_u[np.ix_(kind, kind)]
    np.fill_diagonal(cannot, False)
    must = [(int(i), int(j)) for i, j in np.argwhere(np.triu(must_u[np.ix_(kind, kind)], 1))]
    return cannot, must


def article_similarity(
    articles: Sequence[Article],
    statements: Sequence[Statement],
    vectors: np.ndarray,
    *,
    lead_sentences: int = 5,
    lead_weight: float = 0.3,
    embedding_weight: float = 0.0,
) -> np.ndarray:
    """Article-by-article cosine of TF-IDF vectors (whole text blended with its lead sentences, where news
    states its event), optionally blended with the cosine of mean statement embeddings."""
    n = len(articles)
    by_article: dict[str, list[int]] = {}
    for k, st in enumerate(statements):
        by_article.setdefault(st.article_id, []).append(k)
    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", token_pattern=r"(?u)\b[A-Za-z][A-Za-z\-]+\b")
    try:
        whole = normalize(tfidf.fit_transform([a.text for a in articles]))
    except ValueError:  # no words at all
        return np.eye(n)
    if lead_weight > 0:
        leads = [" ".join(statements[k].text for k in by_article.get(a.id, [])[:lead_sentences]) for a in articles]
        whole = normalize(whole * (1 - lead_weight) + normalize(tfidf.transform(leads)) * lead_weight)
    lexical = np.asarray((whole @ whole.T).todense())
    if embedding_weight <= 0 or len(statements) == 0:
        return lexical
    sums = np.zeros((n, np.asarray(vectors).shape[1]), dtype=np.float64)
    for i, a in enumerate(articles):
        rows = by_article.get(a.id, [])
        if rows:
            sums[i] = np.asarray(vectors)[rows].sum(axis=0)
    means = normalize(sums)
    return (1 - embedding_weight) * lexical + embedding_weight * (means @ means.T)


def _cluster(sim: np.ndarray, cannot: np.ndarray, must: list[tuple[int, int]], threshold: float,
             linkage: str = "complete") -> list[list[int]]:
    """Complete- (or average-) linkage agglomeration; must-links merged first, cannot-links never merged.

    Group-level matrices come from one sort and `reduceat` per axis, and each merge updates only the merged
    group's row and column (the best pair is still the first maximum of the whole matrix).
    """
    n = sim.shape[0]
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Root-to-root cannot-links, kept exact while must-links merge groups (the rest of `cannot` is not read).
    joined = cannot.copy() if must else cannot
    for i, j in must:
        ri, rj = find(i), find(j)
        if ri != rj and not joined[ri, rj]:
            lo, hi = min(ri, rj), max(ri, rj)
            parent[hi] = lo
            joined[lo] |= joined[hi]
            joined[:, lo] = joined[lo]
    root = np.array([find(i) for i in range(n)])
    roots, label = np.unique(root, return_inverse=True)
    k = len(roots)
    order = np.argsort(label, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(label[order]) != 0])
    groups = [order[starts[g]:(starts[g + 1] if g + 1 < k else n)].tolist() for g in range(k)]
    if linkage == "complete":
        block = sim[np.ix_(order, order)]
        total = np.minimum.reduceat(np.minimum.reduceat(block, starts, axis=0), starts, axis=1).astype(np.float64)
    else:  # sums in the same order as a plain sum over each block
        total = np.array([[float(np.sum(sim[np.ix_(groups[a], groups[b])])) for b in range(k)] for a in range(k)])
    forbid = np.maximum.reduceat(np.maximum.reduceat(cannot[np.ix_(order, order)].astype(np.uint8), starts, axis=0),
                                 starts, axis=1).astype(bool)
    size = np.diff(np.r_[starts, n]).astype(np.float64)
    alive = np.ones(k, dtype=bool)

    def row(a: int) -> np.ndarray:
        r = total[a] / (size[a] * size) if linkage != "complete" else total[a].copy()
        r[forbid[a] | ~alive] = -np.inf
        r[a] = -np.inf
        return r

    score = total / np.outer(size, size) if linkage != "complete" else total.copy()
    score[forbid] = -np.inf
    np.fill_diagonal(score, -np.inf)
    while k > 1:
        flat = int(np.argmax(score))
        a, b = divmod(flat, k)
        if not np.isfinite(score[a, b]) or score[a, b] < threshold:
            break
        a, b = min(a, b), max(a, b)
        groups[a].extend(groups[b])
        groups[b] = []
        total[a] = np.minimum(total[a], total[b]) if linkage == "complete" else total[a] + total[b]
        total[:, a] = total[a]
        size[a] += size[b]
        forbid[a] |= forbid[b]
        forbid[:, a] = forbid[a]
        alive[b] = False
        total[a, a] = 0.0
        score[b, :] = -np.inf
        score[:, b] = -np.inf
        score[a] = row(a)
        score[:, a] = score[a]
    return [sorted(g) for g in groups if g]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Keywords:
    """Top TF-IDF terms of a group of texts against the whole corpus (the corpus is fitted once, when needed)."""

    def __init__(self, corpus: Sequence[str]) -> None:
        self.corpus = list(corpus)
        self.vec: TfidfVectorizer | None = None
        self.terms: np.ndarray | None = None

    def top(self, texts: Sequence[str], k: int = 3) -> list[str]:
        if self.terms is None:
            self.vec = TfidfVectorizer(sublinear_tf=True, stop_words="english",
                                       token_pattern=r"(?u)\b[A-Za-z][A-Za-z\-]{2,}\b")
            try:
                self.vec.fit(self.corpus)
            except ValueError:
                self.terms = np.array([], dtype=object)
                return []
            self.terms = self.vec.get_feature_names_out()
        if not len(self.terms):
            return []
        row = self.vec.transform([" ".join(texts)])
        scored = [(-float(v), str(self.terms[i])) for i, v in zip(row.indices, row.data) if v > 0]
        return [term for _, term in sorted(scored)[:k]]


def _describe(members: Sequence[int], sigs: Sequence[Signature], articles: Sequence[Article],
              keywords: _Keywords, lonely: bool) -> tuple[str, str, dt.date | None, str | None, str | None]:
    """Id, title, date, place and note of one summit from what its articles say."""
    group = [sigs[i] for i in members]

    def vote(values: list) -> object:
        values = [v for v in values if v]
        if not values:
            return None
        counts = Counter(values)
        return sorted(counts, key=lambda v: (-counts[v], values.index(v)))[0]

    label = vote([s.summit for s in group])
    month_day = vote([s.month_day for s in group])
    year = vote([s.year for s in group if s.month_day == month_day]) if month_day else None
    place = vote([s.place for s in group])
    virtual = sum(s.virtual for s in group) * 2 >= len(group) and not place
    orgs = Counter(s.org for s in group if s.org)
    org = sorted(orgs, key=lambda o: (-orgs[o], o))[0] if orgs else None
    date = None
    if month_day and year:
        try:
            date = dt.date(year, *month_day)
        except ValueError:
            date = None
    when = None
    if month_day:
        day_month = f"{month_day[1]} {dt.date(2000, month_day[0], 1):%B}"
        when = date.strftime("%-d %B %Y") if date else day_month
    where = place or ("videoconference" if virtual else None)
    parts = [p for p in (where, when) if p]
    if label:
        title = label
    elif parts:
        title = f"{org + ' summit' if org else 'Summit'}, {', '.join(parts)}"
    else:
        words = keywords.top([articles[i].text for i in members])
        title = f"{org} summit: {', '.join(words)}" if org and words else f"Event: {', '.join(words) or 'untitled'}"
    notes = []
    if not label:
        if not month_day and not where:
            notes.append("No date or place found in the text; grouped by content")
            if lonely:
                notes.append("it could not be matched to another event with confidence")
        elif not where:
            notes.append("No place found in the text")
        elif not month_day:
            notes.append("No date found in the text")
        elif not date:
            notes.append("The year is not stated in the text")
    note = "; ".join(notes) + "." if notes else None
    key = label or (f"{when or ''}-{where or ''}" if parts else "")
    digest = hashlib.blake2b("\n".join(sorted(articles[i].id for i in members)).encode(), digest_size=4).hexdigest()
    sid = f"summit-{_slug(key)}" if key and _slug(key) else f"summit-{digest}"
    return sid, title, date, where, note


def group_summits(
    articles: Sequence[Article],
    statements: Sequence[Statement],
    vectors: np.ndarray,
    *,
    min_similarity: float = 0.045,
    linkage: str = "complete",
    lead_sentences: int = 5,
    lead_weight: float = 0.3,
    embedding_weight: float = 0.0,
    max_days_apart: int = 10,
    calibrate: bool = True,
) -> list[Summit]:
    """Group articles into summits: metadata first, then dates/places in the text, then content similarity."""
    if not articles:
        return []
    org = corpus_organisation(articles)
    sigs = [extract_signature(a, org) for a in articles]
    n = len(articles)
    cannot, must = _links(sigs, max_days_apart)
    sim = article_similarity(articles, statements, vectors, lead_sentences=lead_sentences, lead_weight=lead_weight,
                             embedding_weight=embedding_weight)
    threshold = min_similarity
    if calibrate and cannot.any():
        threshold = max(threshold, float(sim[cannot].max()))
    groups = _cluster(sim, cannot, must, threshold, linkage)
    keywords = _Keywords([a.text for a in articles])
    summits: list[Summit] = []
    used: Counter[str] = Counter()
    for members in sorted(groups, key=lambda g: g[0]):
        sid, title, date, place, note = _describe(members, sigs, articles, keywords, lonely=len(members) == 1 and n > 1)
        used[sid] += 1
        if used[sid] > 1:
            sid = f"{sid}-{used[sid]}"
        summits.append(Summit(id=sid, title=title, date=date, place=place, articles=tuple(articles[i].id for i in members),
                              note=note))
    return summits
