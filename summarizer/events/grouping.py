"""Events: which articles report the same event, and what it is called.

Two ways to decide, the rules by default:
- the rules: metadata (`Article.summit`), then each article's event signature (`events.signatures`:
  organisation, kind, date, venue, edition), whose conflicts cannot-link and whose agreements must-link two
  pages, then average- or complete-linkage of TF-IDF similarity, its threshold read from the corpus's
  different-edition pairs (docs/events.md, "How pages are grouped");
- the learned decision (`model=events.model.load_model()`): a logistic regression over general pairwise
  features (`events.pairs`: cosines, shared names and numbers, years and days named, publication dates,
  signature agreements and conflicts), fitted by `nttr train events` on the labelled sets; its probabilities
  are clustered by average link, with conflicting signatures kept apart. Measured held out by `nttr eval events`;
  not the default yet because it splits the seeds' CSTO pages less well and loses on DUC (docs/events.md).

An event is then titled from its pages: a meeting of a named body by its organisation, kind, venue and date; any
other event by the headline its pages share most, with the place and day most of them name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from summarizer.models import Article, Statement, Summit
from summarizer.stage_cache import Memo
from summarizer.events.dates import DateSpan
from summarizer.events.places import compatible, find_places, same_city
from summarizer.events.model import PairModel
from summarizer.events.pairs import FEATURES, Facts, article_facts, pair_features
from summarizer.events.signatures import (Signature, agree, conflicts, corpus_organisations, extract_signature, pieces,
                                          same_kind)


def _links(sigs: Sequence[Signature]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Cannot-link matrix and must-link pairs (in (i, j) order, i < j) of all article pairs.

    Only the signature's facts are read, so each pair of distinct facts is decided once (many articles share
    them: often no date, place or organisation at all).
    """
    keys = [s.key() for s in sigs]
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
            if conflicts(reps[x], reps[y]):
                cannot_u[x, y] = cannot_u[y, x] = True
            elif agree(reps[x], reps[y]):
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


def _vote(values: Sequence[object]) -> object | None:
    """The most frequent value (the first seen among equals), or None."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    counts = Counter(values)
    return sorted(counts, key=lambda v: (-counts[v], values.index(v)))[0]


def _pages(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''}"


def _summit_date(group: Sequence[Signature]) -> tuple[DateSpan | None, str | None]:
    """The days most pages name (a stated date over a resolved one), and where they come from."""
    spans = [s.date for s in group if s.date is not None and not s.announcement]
    if spans:
        support = [(sum(o.overlaps(sp) for o in spans), not sp.resolved and sp.year_known, sp.year_known,
                    -(sp.last - sp.first).days, -k, sp) for k, sp in enumerate(spans)]
        best = max(support, key=lambda t: t[:5])[-1]
        agreeing = [sp for sp in spans if sp.overlaps(best)]
        ranges = [sp for sp in agreeing if sp.year_known == best.year_known and 0 < (sp.last - sp.first).days <= 4
                  and sp.overlaps(best, tolerance=0)]
        if ranges:  # "22-24 October" says more than the one day most pages name
            best = max(ranges, key=lambda sp: ((sp.last - sp.first).days, not sp.resolved))
        if not best.year_known:
            year = _vote([sp.first.year for sp in agreeing if sp.year_known])
            if year is not None:
                best = DateSpan(best.first.replace(year=year), best.last.replace(year=year), resolved=True,
                                text=best.text)
        resolved = sum(1 for sp in agreeing if sp.resolved)
        evidence = f"from the text of {_pages(len(agreeing))}"
        if resolved:
            evidence += (", resolved against the publication date" if resolved == len(agreeing)
                         else f" ({resolved} resolved against the publication date)")
        if not best.year_known:
            evidence += "; the year is not stated"
        return best, evidence
    published = sorted(s.published for s in group if s.published is not None)
    if published:
        first, last = published[0], published[-1]
        when = first.strftime("%-d %B %Y") if first == last else f"{first:%-d %B %Y} to {last:%-d %B %Y}"
        return (DateSpan(first, first, resolved=True),
                f"inferred from publication dates only ({_pages(len(published))} published {when})")
    return None, None


def _summit_place(group: Sequence[Signature]) -> tuple[str | None, str | None]:
    """The city (else the country) most pages name, or "videoconference", and where it comes from."""
    places = [s.place for s in group if s.place is not None]
    virtual = sum(s.virtual for s in group)
    best = None
    if places:
        scored = [(sum(compatible(p, q) for q in places), p.city is not None, -k, p) for k, p in enumerate(places)]
        best = max(scored, key=lambda t: t[:3])[-1]
    named = sum(1 for p in places if best is not None and compatible(p, best))
    if virtual and virtual * 2 >= len(group) - named:
        where = f"videoconference, hosted from {best.label}" if best is not None else "videoconference"
        return where, f"videoconference from the text of {_pages(virtual)}" + (
            f"; host from the text of {_pages(named)}" if best is not None else "")
    if best is None:
        return None, None
    return best.label, f"from the text of {_pages(named)}"


_WORD = re.compile(r"[a-z][a-z'’-]+")
_VENUE_BEFORE = re.compile(r"\b(?:in|at|near|off|outside)\s+(?:the\s+)?$")
_STAMP = re.compile(r"\b\d{1,2}:\d{2}\b|(?i:\b(?:published|updated|posted)\b)")


def _short_headline(text: str, words: int = 16) -> str:
    """A sentence cut to a headline's length at a word boundary, without a closing full stop."""
    text = " ".join(text.split()).rstrip(" .")
    parts = text.split(" ")
    return text if len(parts) <= words else " ".join(parts[:words]).rstrip(",;:") + "…"


def _general_headline(members: Sequence[int], articles: Sequence[Article]) -> str | None:
    """The headline (else first sentence) whose words the group's other leads share most."""
    candidates = []
    for i in members:
        title = (articles[i].title or "").strip()
        title = "" if _STAMP.search(title) else title
        first = next((p for p in pieces(articles[i]) if len(_WORD.findall(p.lower())) >= 4 and not _STAMP.search(p)), "")
        candidates.append(title if len(_WORD.findall(title.lower())) >= 3 else first)
    bags = [set(_WORD.findall(" ".join(pieces(articles[i])[:3]).lower())) for i in members]
    best: tuple[float, int, str] | None = None
    for k, text in enumerate(candidates):
        own = set(_WORD.findall(text.lower()))
        if not own:
            continue
        support = sum(len(own & bag) / len(own) for m, bag in enumerate(bags) if m != k)
        if best is None or support > best[0] + 1e-9:
            best = (support, k, text)
    return _short_headline(best[2]) if best else None


def _general_facts(members: Sequence[int], facts: Sequence[Facts]) -> tuple[DateSpan | None, int]:
    """The day most members' leads name (named by at least two), and by how many."""
    days = Counter(d for i in members for d in set(facts[i].days))
    if not days:
        return None, 0
    day, count = min(days.items(), key=lambda kv: (-kv[1], kv[0]))
    if count < 2:
        return None, 0  # one page's day is not yet the event's
    when = dt.date.fromordinal(day)
    return DateSpan(when, when), count


def _general_place(members: Sequence[int], articles: Sequence[Article]) -> tuple[str | None, int]:
    """The place most members' leads say something happened in ("in X", "at X", a dateline; named by at least
    two), and by how many."""
    counts: Counter[str] = Counter()
    for i in members:
        seen = set()
        for text in pieces(articles[i])[:3]:
            for start, end, place in find_places(text):
                after = text[end:end + 30]
                if re.match(r"\s+(?:of\s+(?:the\s+)?)?[A-Z][a-z]", after):
                    continue  # "Superior Court", "Bank of England": part of another name
                dateline = start == 0 and re.match(r"\s*(?:\([^)]{1,30}\))?\s*[,:–—-]", after)
                if dateline or (start > 0 and _VENUE_BEFORE.search(text[max(0, start - 12):start])):
                    seen.add(place.label)
        counts.update(seen)
    if not counts:
        return None, 0
    label, count = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return (label, count) if count >= 2 else (None, 0)


def _describe(members: Sequence[int], sigs: Sequence[Signature], articles: Sequence[Article],
              facts: Sequence[Facts], lonely: bool) -> dict[str, object]:
    """Id, title, date, place, evidence and note of one event from what its articles say."""
    group = [sigs[i] for i in members]
    label = _vote([s.summit for s in group])
    span, date_evidence = _summit_date(group)
    where, place_evidence = _summit_place(group)
    org = _vote(sorted((s.org for s in group if s.org), key=lambda o: -sum(t.org == o for t in group)))
    kind = _vote([s.kind for s in group]) or "meeting"
    stated = date_evidence is not None and not date_evidence.startswith("inferred")
    if not org and not label:  # any news event: what happened, where and when, from the pages
        day, day_support = _general_facts(members, facts)
        venue, venue_support = _general_place(members, articles)
        if day is not None:
            span, date_evidence, stated = day, f"from the text of {_pages(day_support)}", True
        if venue is not None:
            where, place_evidence = venue, f"from the text of {_pages(venue_support)}"
    when = span.describe() if span is not None and stated else None
    parts = [p for p in (where, when) if p]
    noun = "summit" if kind == "summit" else kind
    if label:
        title = str(label)
    elif org and parts:
        title = f"{org} {noun}, {', '.join(parts)}"
    else:  # a headline says what happened; keywords do not
        headline = _general_headline(members, articles) or "Untitled event"
        extra = [p for p in parts if p.lower() not in headline.lower()]
        title = f"{headline} ({', '.join(extra)})" if extra else headline
    notes = []
    if not label:
        if not stated and not where:
            notes.append("No date or place found in the text; grouped by content")
            if lonely:
                notes.append("it could not be matched to another event with confidence")
        elif not where:
            notes.append("No place found in the text")
        elif not stated:
            notes.append("No date found in the text")
        if date_evidence and date_evidence.startswith("inferred"):
            notes.append(f"date {date_evidence}")
    note = "; ".join(notes) + "." if notes else None
    key = str(label) if label else (f"{org or ''}-{when or ''}-{where or ''}" if parts else "")
    digest = hashlib.blake2b("\n".join(sorted(articles[i].id for i in members)).encode(), digest_size=4).hexdigest()
    sid = f"summit-{_slug(key)}" if key and _slug(key) else f"summit-{digest}"
    return {"id": sid, "title": title, "date": span.first if span is not None and span.year_known else None,
            "place": where, "note": note, "date_evidence": date_evidence if span is not None else None,
            "place_evidence": place_evidence}


def shared_facts(sigs: Sequence[Signature], cannot: np.ndarray) -> np.ndarray:
    """How many distinguishing facts each compatible pair shares: the same city, the same days (half when a
    year is missing), the same edition number, both held by videoconference."""
    n = len(sigs)
    facts = np.zeros((n, n), dtype=np.float64)
    for i in range(n):
        a = sigs[i]
        for j in range(i + 1, n):
            if cannot[i, j]:
                continue
            b = sigs[j]
            count = 0.0
            if a.place and b.place and same_city(a.place, b.place):
                count += 1
            if a.date and b.date and not a.announcement and not b.announcement and a.date.overlaps(b.date):
                count += 1 if a.date.year_known and b.date.year_known else 0.5
            if a.ordinal and a.ordinal == b.ordinal:
                count += 1
            if a.virtual and b.virtual:
                count += 0.5
            facts[i, j] = facts[j, i] = count
    return facts


MIN_SERIES_SHARE = 0.5
"""The threshold is read from a series' different-edition pairs only when most articles are in such a pair: the
corpus is coverage of that series. Two CSTO seeds added to DUC 2004's 207 articles (topics of no series) would
otherwise raise the threshold from 0.045 to 0.245 for all of them and split 26 summits into 100."""


def calibrated_threshold(sim: np.ndarray, cannot: np.ndarray, sigs: Sequence[Signature], *, floor: float,
                         quantile: float) -> float:
    """The similarity above which two groups may merge: at least `floor`, and above the `quantile` of the
    similarity between articles of one series (same organisation and kind) known to report different events,
    when most articles are in such a pair (`MIN_SERIES_SHARE`)."""
    n = len(sigs)
    same_series = np.array([[bool(a.org) and a.org == b.org and same_kind(a.kind, b.kind) for b in sigs] for a in sigs])
    pairs = cannot & same_series & ~np.eye(n, dtype=bool) if n else cannot
    if not pairs.any() or pairs.any(axis=1).mean() < MIN_SERIES_SHARE:
        return floor
    return max(floor, float(np.quantile(sim[np.triu(pairs, 1)], quantile)))


FLOOR_SIZE = 207
"""The corpus size the rules' similarity floor was chosen at (DUC 2004 dev, 207 articles)."""


FLOOR_POWER = 0.75
"""How strongly the floor follows the highest inverse document frequency (`similarity_floor`): of 0.5, 0.75 and 1,
chosen by mean F1 of random and mixed small runs of the other labelled sets, 1 wins for three sets held out and 0.75
for realnews-dev2; 0.75 is kept because 1 loses 0.03 on mixed DUC runs (a broad topic's pages left apart)."""


def similarity_floor(n: int, floor: float, size: int = FLOOR_SIZE) -> float:
    """The similarity floor for a corpus of `n` articles: `floor` (chosen on `size` articles), raised for fewer.

    TF-IDF weights are read from the corpus at hand, and a few articles give flat weights: every word is rare
    or common among three pages, so unrelated pages share more weight than they would among two hundred
    (their median cosine is 1.2 to 1.4 times higher in runs of 2-12 articles than in the whole labelled set,
    on every set). The floor is raised as the highest inverse document frequency falls, by the ratio to the power
    `FLOOR_POWER` (1.66 times at 12 articles, 2.8 at 2), so that a daily run of a few new pages merges fewer
    unrelated pages (docs/events.md, "Small runs"). Never lowered for bigger corpora."""
    if n >= size or n < 2:
        return floor
    top = lambda m: np.log((1 + m) / 2) + 1  # noqa: E731 - smooth IDF of a word in one of m articles
    return float(floor * (top(size) / top(n)) ** FLOOR_POWER)


def event_signatures(articles: Sequence[Article]) -> list[Signature]:
    """Each article's event signature, the series of the corpus at hand recognised first."""
    series = corpus_organisations(articles)
    return [extract_signature(a, series) for a in articles]


CANNOT = -10.0
"""What a pair whose signatures conflict (other days, venue, body, kind or edition of a meeting) counts for in a
group's mean probability: a cannot-link that no group of ordinary size outvotes. Kept because it raises the
held-out F1 on realnews-dev and realnews-dev2 (docs/events.md)."""


def link_probabilities(model: PairModel, features: np.ndarray) -> np.ndarray:
    """The model's "same event" probability of every pair, `CANNOT` where the signatures conflict."""
    probability = model.probability(features)
    conflict = features[..., FEATURES.index("signature_conflict")] > 0
    return np.where(conflict, CANNOT, probability)


SERIES_QUANTILE = 0.5
"""Which quantile of one series' different-edition pairs' probabilities a corpus's stopping probability is raised to."""


def stopping_probability(model: PairModel, features: np.ndarray, threshold: float) -> float:
    """The probability at which this corpus's clustering stops: `threshold`, raised to the median probability the
    model gives (their conflict set aside) to pairs of one body's pages whose signatures conflict, i.e. different
    editions of one series, where such pairs cover at least half the pages. A corpus of one series' editions
    then keeps apart editions that nothing tells apart but their similarity, which is no higher than that of
    editions known to differ (the rules' calibrated threshold, learned side). Kept because it holds every
    held-out figure and keeps the seeds' five summits apart (docs/events.md)."""
    n = features.shape[0]
    conflict = (features[..., FEATURES.index("signature_conflict")] > 0) & (features[..., FEATURES.index("same_body")] > 0)
    np.fill_diagonal(conflict, False)
    if not conflict.any() or conflict.any(axis=1).sum() < 0.5 * n:
        return threshold
    rows = features[conflict].copy()
    rows[:, FEATURES.index("signature_conflict")] = 0.0
    return max(threshold, float(np.quantile(model.probability(rows), SERIES_QUANTILE)))


def cluster_events(probability: np.ndarray, threshold: float = 0.5) -> list[list[int]]:
    """Average-link clustering of pairwise "same event" probabilities (`CANNOT` for a conflict), merging while a
    merged group's mean probability is at least `threshold`; groups in order of their first member (deterministic)."""
    n = probability.shape[0]
    if n <= 1:
        return [[i] for i in range(n)]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distance = 1.0 - np.minimum((probability + probability.T) / 2.0, 1.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def group_summits(
    articles: Sequence[Article],
    statements: Sequence[Statement],
    vectors: np.ndarray,
    *,
    model: PairModel | None = None,
    threshold: float | None = None,
    min_similarity: float = 0.045,
    floor_size: int = FLOOR_SIZE,
    linkage: str = "auto",
    quantile: float = 0.9,
    fact_weight: float = 1.0,
    max_facts: float = 2.0,
    lead_sentences: int = 5,
    lead_weight: float = 0.3,
    embedding_weight: float = 0.0,
    calibrate: bool = True,
    memo: Memo | None = None,
) -> list[Summit]:
    """Group articles into events (newest first): metadata, then each article's event signature, then content
    similarity (the rules); or, given `model` (`events.model.load_model()`), the learned pairwise decision.

    `memo`: each article's and each event's own work remembered there (`events.incremental`); same result."""
    if not articles:
        return []
    if memo is None:
        sigs = event_signatures(articles)
    else:
        from summarizer.events.incremental import remembered_signatures

        sigs = remembered_signatures(articles, memo)
    facts = _LazyFacts(articles, sigs, memo)  # the rules read them only to title events of no named body
    n = len(articles)
    if model is not None:
        groups = _learned_groups(articles, statements, vectors, sigs, facts, model, threshold)
    else:
        cannot, must = _links(sigs)
        sim = article_similarity(articles, statements, vectors, lead_sentences=lead_sentences, lead_weight=lead_weight,
                                 embedding_weight=embedding_weight)
        floor = similarity_floor(n, min_similarity, floor_size)
        cut = floor
        if calibrate:
            cut = calibrated_threshold(sim, cannot, sigs, floor=floor, quantile=quantile)
        if linkage == "auto":
            # A threshold read from this corpus's own different-edition pairs bounds a group's average similarity;
            # without one, every pair of a group must clear the floor (complete linkage, chosen on DUC 2004).
            linkage = "average" if cut > floor else "complete"
        if fact_weight > 0:
            sim = sim + fact_weight * cut * np.minimum(shared_facts(sigs, cannot), max_facts)
        groups = _cluster(sim, cannot, must, cut, linkage)
    summits: list[Summit] = []
    used: Counter[str] = Counter()
    for members in sorted(groups, key=lambda g: g[0]):
        lonely = len(members) == 1 and n > 1
        if memo is None:
            info = _describe(members, sigs, articles, facts, lonely=lonely)
        else:  # a function of its members (articles, signatures, facts): described again only when they change
            info = dict(memo.get("event-description", [[articles[i] for i in members],
                                                      [repr(sigs[i]) for i in members], lonely],
                                 lambda m=members, lonely=lonely: _describe(m, sigs, articles, facts, lonely=lonely)))
        sid = str(info.pop("id"))
        used[sid] += 1
        if used[sid] > 1:
            sid = f"{sid}-{used[sid]}"
        summits.append(Summit(id=sid, articles=tuple(articles[i].id for i in members), **info))
    # Newest first, as a news digest reads; undated summits after, in the order their articles came.
    return sorted(summits, key=lambda s: (s.date is None, -(s.date.toordinal() if s.date else 0)))


class _LazyFacts(Sequence[Facts]):
    """`article_facts` of each article, read when first asked for."""

    def __init__(self, articles: Sequence[Article], sigs: Sequence[Signature], memo: Memo | None = None) -> None:
        self.articles, self.sigs, self.memo = articles, sigs, memo
        self.done: dict[int, Facts] = {}

    def __getitem__(self, i):  # type: ignore[no-untyped-def, override]
        if i not in self.done:
            article, published = self.articles[i], self.sigs[i].published
            self.done[i] = (article_facts(article, published) if self.memo is None else
                            self.memo.get("event-facts", [article, published], lambda: article_facts(article, published)))
        return self.done[i]

    def __len__(self) -> int:
        return len(self.articles)


def _learned_groups(articles: Sequence[Article], statements: Sequence[Statement], vectors: np.ndarray,
                    sigs: Sequence[Signature], facts: Sequence[Facts], model: PairModel,
                    threshold: float | None) -> list[list[int]]:
    """Groups under the learned model; a summit given in the metadata links its pages and parts them from others."""
    features = pair_features(articles, statements, vectors, sigs, facts=list(facts))
    probability = link_probabilities(model, features)
    labels = [a.summit for a in articles]
    if any(labels):
        given = np.array([x or "" for x in labels], dtype=object)
        both = (given[:, None] != "") & (given[None, :] != "")
        probability = np.where(both, np.where(given[:, None] == given[None, :], 1.0, CANNOT), probability)
    return cluster_events(probability, stopping_probability(model, features,
                                                           model.threshold if threshold is None else threshold))
