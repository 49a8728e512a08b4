"""Pairwise "same event?" features of articles: what two articles share (words, names, numbers, dates, places,
meaning) and where their facts disagree, one column per feature, as the learned model (`events.model`) reads them.

Every feature is general: cosines of TF-IDF and embedding vectors, names and numbers weighted by how rare they
are in the corpus at hand, years and days named in the text, publication dates and outlets from the metadata,
and the agreements and conflicts of the event signatures (`events.signatures`). No word of any one corpus.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from summarizer.events.dates import find_dates
from summarizer.events.places import same_city
from summarizer.events.signatures import Signature, agree, conflicts, pieces
from summarizer.models import Article, Statement

FEATURES: tuple[str, ...] = (
    "tfidf",            # TF-IDF cosine of the whole text, blended with its lead
    "tfidf_lead",       # TF-IDF cosine of the headline and first sentences
    "embed",            # cosine of the mean statement embeddings
    "embed_lead",       # cosine of the mean embeddings of the first statements
    "names",            # rare-weighted share of capitalised names (people, bodies, places)
    "numbers",          # rare-weighted share of numbers (tolls, magnitudes, prices, scores), years apart
    "years_shared",     # share of the years named
    "year_clash",       # each names a main year, and they differ
    "days_shared",      # a day named in one lead is named (within a day) in the other's
    "days_far",         # the days named in the two leads are all more than 30 days apart
    "published_gap",    # publication dates' gap, log-scaled to 1 at a year (0 when either is unknown)
    "published_known",  # both publication dates known
    "same_outlet",      # the same outlet (both known)
    "signature_conflict",  # the two event signatures cannot be one event (other days, city, body, kind, edition)
    "signature_agree",  # the same days and the same city of one kind
    "same_place",       # the same venue city in both signatures
    "same_body",        # the same organisation in both signatures
    "tfidf_rel",        # "tfidf" against each article's best match elsewhere (geometric mean of both sides)
    "tfidf_lead_rel",   # the same for "tfidf_lead"
    "embed_rel",        # the same for "embed"
    "embed_lead_rel",   # the same for "embed_lead"
    "names_rel",        # the same for "names"
)
RELATIVE: dict[str, str] = {f"{name}_rel": name for name in ("tfidf", "tfidf_lead", "embed", "embed_lead", "names")}
"""Features read relative to each article's nearest neighbour, and the feature each is read from."""
LEAD = 3
"""Headline and first sentences, where news states its event."""
_NAME = re.compile(r"\b[A-Z][A-Za-z’'\-]+(?:\s+[A-Z][A-Za-z’'\-]+)*")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
_YEAR = re.compile(r"\b(?:19[5-9]\d|20\d\d)\b")


@dataclass(frozen=True)
class Facts:
    """What one article offers the pairwise features, read once."""

    lead: str
    names: frozenset[str]
    numbers: frozenset[str]
    years: tuple[int, ...]
    main_year: int | None
    days: tuple[int, ...]
    """Ordinals of the days (year known) named in the lead."""


def _names(sentences: Sequence[str]) -> frozenset[str]:
    """Capitalised words and runs of them, not opening a sentence (a name, not a first word)."""
    out: set[str] = set()
    for text in sentences:
        for m in _NAME.finditer(text):
            words = m.group().split()
            if m.start() == 0 or re.search(r"[.!?:\"“]\s*$", text[:m.start()]):
                words = words[1:]  # the sentence's first word is capitalised anyway
            for w in words:
                if len(w) > 1:
                    out.add(w.lower())
            if len(words) > 1:
                out.add(" ".join(words).lower())
    return frozenset(out)


def _numbers(text: str) -> frozenset[str]:
    out = set()
    for m in _NUMBER.finditer(text):
        value = m.group().replace(",", "")
        if _YEAR.fullmatch(value):
            continue  # years are their own features
        out.add(value)
    return frozenset(out)


def article_facts(article: Article, published: dt.date | None = None) -> Facts:
    """Lead, names, numbers, years and lead days of one article (`published`: the base for relative dates)."""
    sentences = pieces(article)
    lead = " ".join(sentences[:LEAD])
    years = [int(y) for y in _YEAR.findall(article.text)]
    base = published or article.published
    counts: dict[int, int] = {}
    for y in years:
        counts[y] = counts.get(y, 0) + 1
    main = max(counts, key=lambda y: (counts[y], -abs((base.year if base else y) - y))) if counts else None
    if main is None and base is not None:
        main = base.year
    days: set[int] = set()
    for text in sentences[:LEAD + 2]:
        for _, _, span in find_dates(text, base):
            if span.year_known and not span.whole_month and (span.last - span.first).days <= 7:
                days.update(range(span.first.toordinal(), span.last.toordinal() + 1))
    return Facts(lead=lead, names=_names(sentences), numbers=_numbers(article.text), years=tuple(sorted(set(years))),
                 main_year=main, days=tuple(sorted(days)))


def _weighted_overlap(sets: Sequence[frozenset[str]], *, min_df: int = 1) -> np.ndarray:
    """Pairwise share of items, each weighted by its inverse document frequency: shared weight / union weight."""
    n = len(sets)
    if n == 0:
        return np.zeros((0, 0))
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, items in enumerate(sets):
        for item in sorted(items):
            rows.append(i)
            cols.append(vocab.setdefault(item, len(vocab)))
    if not vocab:
        return np.zeros((n, n))
    x = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(vocab)))
    df = np.asarray(x.sum(axis=0)).ravel()
    idf = np.log((n + 1) / (df + 1))  # an item in every article weighs nothing
    idf[df < min_df] = 0.0
    xw = x @ sparse.diags(idf)
    inter = np.asarray((xw @ x.T).todense())
    own = np.asarray(xw.sum(axis=1)).ravel()
    union = own[:, None] + own[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(union > 0, inter / union, 0.0)
    return out


def _days_within(facts: Sequence[Facts], tolerance: int) -> np.ndarray:
    """Pairs with a day in one article's lead within `tolerance` days of a day in the other's."""
    n = len(facts)
    days = sorted({d for f in facts for d in f.days})
    if not days:
        return np.zeros((n, n), dtype=bool)
    first = days[0] - tolerance
    width = days[-1] + tolerance - first + 1
    rows, cols, near_rows, near_cols = [], [], [], []
    for i, f in enumerate(facts):
        for d in f.days:
            rows.append(i)
            cols.append(d - first)
        for d in sorted({d + k for d in f.days for k in range(-tolerance, tolerance + 1)}):
            near_rows.append(i)
            near_cols.append(d - first)
    exact = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, width))
    near = sparse.csr_matrix((np.ones(len(near_rows)), (near_rows, near_cols)), shape=(n, width))
    return np.asarray((exact @ near.T).todense()) > 0


def relative(similarity: np.ndarray) -> np.ndarray:
    """Each pair's similarity as a share of each article's highest similarity to any other article (capped at
    1.5), the geometric mean of the two articles' shares: a corpus's own scale, so that pages of one event stand
    out from their look-alikes in a set of similar events, and a broad story's pages from other stories."""
    n = similarity.shape[0]
    if n < 2:
        return np.zeros_like(similarity)
    others = np.where(np.eye(n, dtype=bool), -np.inf, similarity)
    best = np.maximum(others.max(axis=1), 1e-6)
    share = np.clip(np.where(np.eye(n, dtype=bool), 0.0, similarity) / best[:, None], 0.0, 1.5)
    return np.sqrt(share * share.T)


def _cosine(rows: np.ndarray | sparse.spmatrix) -> np.ndarray:
    m = normalize(rows)
    prod = m @ m.T
    return np.asarray(prod.todense()) if sparse.issparse(prod) else np.asarray(prod)


def _mean_vectors(articles: Sequence[Article], statements: Sequence[Statement], vectors: np.ndarray,
                  first: int | None = None) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    dim = vectors.shape[1] if vectors.ndim == 2 and len(vectors) else 1
    by_article: dict[str, list[int]] = {}
    for k, st in enumerate(statements):
        by_article.setdefault(st.article_id, []).append(k)
    out = np.zeros((len(articles), dim))
    for i, a in enumerate(articles):
        rows = by_article.get(a.id, [])[:first] if first else by_article.get(a.id, [])
        if rows and len(vectors):
            out[i] = vectors[rows].sum(axis=0)
    return out


def _signature_matrices(sigs: Sequence[Signature]) -> tuple[np.ndarray, ...]:
    """Conflict, agreement, same city and same body of every pair, each pair of distinct signatures decided once."""
    keys = [s.key() for s in sigs]
    first: dict[tuple, int] = {}
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    index = {key: x for x, key in enumerate(first)}
    slot = np.array([index[k] for k in keys], dtype=int)
    reps = [sigs[i] for i in first.values()]
    u = len(reps)
    out = np.zeros((4, u, u))
    for x in range(u):
        for y in range(x, u):
            a, b = reps[x], reps[y]
            values = (conflicts(a, b), agree(a, b), bool(a.place and b.place and same_city(a.place, b.place)),
                      bool(a.org and a.org == b.org))
            for k, v in enumerate(values):
                out[k, x, y] = out[k, y, x] = float(v)
    return tuple(m[np.ix_(slot, slot)] for m in out)


def pair_features(
    articles: Sequence[Article],
    statements: Sequence[Statement],
    vectors: np.ndarray,
    sigs: Sequence[Signature],
    *,
    facts: Sequence[Facts] | None = None,
) -> np.ndarray:
    """Every pair's features, as an (n, n, len(FEATURES)) array (the diagonal is not meaningful)."""
    n = len(articles)
    out = np.zeros((n, n, len(FEATURES)), dtype=np.float64)
    if n == 0:
        return out
    if facts is None:
        facts = [article_facts(a, s.published) for a, s in zip(articles, sigs)]
    col = {name: k for k, name in enumerate(FEATURES)}
    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", token_pattern=r"(?u)\b[A-Za-z][A-Za-z\-]+\b")
    try:
        whole = normalize(tfidf.fit_transform([a.text for a in articles]))
        leads = normalize(tfidf.transform([f.lead for f in facts]))
        out[..., col["tfidf"]] = _cosine(whole * 0.7 + leads * 0.3)
        out[..., col["tfidf_lead"]] = _cosine(leads)
    except ValueError:  # no words at all
        pass
    out[..., col["embed"]] = _cosine(_mean_vectors(articles, statements, vectors))
    out[..., col["embed_lead"]] = _cosine(_mean_vectors(articles, statements, vectors, first=LEAD))
    out[..., col["names"]] = _weighted_overlap([f.names for f in facts])
    out[..., col["numbers"]] = _weighted_overlap([f.numbers for f in facts])
    out[..., col["years_shared"]] = _weighted_overlap([frozenset(map(str, f.years)) for f in facts])
    main = np.array([f.main_year or 0 for f in facts])
    out[..., col["year_clash"]] = ((main[:, None] != main[None, :]) & (main[:, None] > 0) & (main[None, :] > 0))
    has_days = np.array([bool(f.days) for f in facts])
    both = has_days[:, None] & has_days[None, :]
    out[..., col["days_shared"]] = both & _days_within(facts, 1)
    out[..., col["days_far"]] = both & ~_days_within(facts, 30)
    pub = np.array([s.published.toordinal() if s.published else 0 for s in sigs], dtype=np.float64)
    known = (pub[:, None] > 0) & (pub[None, :] > 0)
    gap = np.abs(pub[:, None] - pub[None, :])
    out[..., col["published_gap"]] = np.where(known, np.minimum(np.log1p(gap) / math.log1p(365), 1.5), 0.0)
    out[..., col["published_known"]] = known
    outlets = [a.outlet or "" for a in articles]
    codes = {o: k for k, o in enumerate(sorted(set(outlets)))}
    oc = np.array([codes[o] if o else -1 for o in outlets])
    out[..., col["same_outlet"]] = (oc[:, None] == oc[None, :]) & (oc[:, None] >= 0)
    conflict, agreement, place, body = _signature_matrices(sigs)
    out[..., col["signature_conflict"]] = conflict
    out[..., col["signature_agree"]] = agreement
    out[..., col["same_place"]] = place
    out[..., col["same_body"]] = body
    for name, source in RELATIVE.items():
        out[..., col[name]] = relative(out[..., col[source]])
    return out
