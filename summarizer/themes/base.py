"""Themes of a growing set of articles at the cost of what it adds: a canonical base is clustered, the rest assigned.

The rule, a function of the input alone (so a digest never depends on which runs came before):

1. Canonical order of the articles: undated ones first, then by publication date; ties by the path they were
   read from (the order ingest reads a folder in), then id. New coverage (a later date, or a file whose name
   sorts last) comes at the end.
2. Base: the longest prefix of that order whose merged statements number at most `base_target(n)`, where n
   counts all merged statements: n itself up to `min_base` (512: a small set is clustered whole), else the
   largest of min_base * growth^j (growth 1.25) not above n. So at least 4/5 of the statements are in the
   base, and the base stays the same while articles arrive at the end, until n passes the next step.
3. The base is clustered by `themes.cluster_statements` in input order (k-means depends on order; ingest's
   is the sorted paths, which an added file does not disturb), each statement seen through the base's
   articles only (a later article repeating it does not change the base), and named there with the event
   terms of its articles' summits that occur in its text (a new event's words do not change an old base).
   The caller remembers the result (`BaseThemes`, with its theme space) by the base's content.
4. Every other statement is assigned to the base's themes in the base's space by `themes.assign`, with the
   clustering's `fit` and `margin`: names and keywords stay the base's; members, size and summits grow.
5. Re-cluster rule: when the assigned statements that fit no theme exceed what the base's own outside share
   predicts by at least the base's mean theme size (room for a new theme of the usual size; at least
   `min_size`), the whole set is clustered instead, as its own base.

A set within `min_base` statements, and a re-clustered one, get exactly the themes of `cluster_statements`
over the input. One more article at the end thus costs an assignment (no clustering, no naming), and only themes that gain
statements need a new summary; a set whose new statements fit no theme is clustered whole, as before.
"""

from __future__ import annotations

import base64
import re
import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from summarizer.models import MergedStatement, Source, Theme
from summarizer.themes.words import STOP_WORDS, TOKEN
from summarizer.themes.clustering import ThemeCluster, ThemeSpace, assign, centroids_of, cluster_statements

MIN_BASE = 512
GROWTH = 1.25


@dataclass(frozen=True)
class BaseThemes:
    """The clustering of a base: its themes (members index the base), the space they live in, their centroids."""

    clusters: tuple[ThemeCluster, ...]
    space: ThemeSpace
    centroids: np.ndarray


@dataclass(frozen=True)
class GrownThemes:
    """Themes of a whole set (members index the set as given) and how they were reached."""

    clusters: tuple[ThemeCluster, ...]
    base: int
    """Merged statements in the base that was clustered."""
    assigned: int
    """Statements assigned to the base's themes (outside the base)."""
    misfits: int
    """Of those, the ones that fit no theme."""
    reclustered: bool
    """Whether the re-cluster rule made the whole set the base."""


BaseClusterer = Callable[[Sequence[MergedStatement], np.ndarray, tuple[str, ...]], BaseThemes]
"""Clusters a base (merged statements in input order, their vectors, event terms); may remember results."""


def base_target(n: int, *, min_base: int = MIN_BASE, growth: float = GROWTH) -> int:
    """The most merged statements a base of a set of n may hold: n up to `min_base`, else a step of the ladder."""
    if n <= min_base:
        return n
    size = min_base
    while True:
        step = max(size + 1, int(size * growth))
        if step > n:
            return size
        size = step


def _article_keys(merged: Sequence[MergedStatement]) -> dict[str, tuple]:
    """Each article's place in the canonical order: (dated, date, path, id)."""
    sources: dict[str, Source] = {}
    for m in merged:
        for s in m.sources:
            sources.setdefault(s.article_id, s)
    for m in merged:  # a statement's article may be named only by its statements
        for st in m.statements:
            sources.setdefault(st.article_id, Source(article_id=st.article_id, path=""))
    return {a: (s.published is not None, s.published or dt.date.min, s.path, a) for a, s in sources.items()}


def canonical_articles(merged: Sequence[MergedStatement]) -> list[str]:
    """Ids of the articles behind these statements in canonical order (undated first, then by date, path, id)."""
    keys = _article_keys(merged)
    return sorted(keys, key=lambda a: keys[a])


def split_base(
    merged: Sequence[MergedStatement], *, min_base: int = MIN_BASE, growth: float = GROWTH
) -> tuple[list[int], list[MergedStatement], list[int]]:
    """The base (indices into `merged`, and each statement seen through the base's articles only) and the rest;
    both in input order."""
    order = canonical_articles(merged)
    rank = {a: i for i, a in enumerate(order)}
    # Each merged statement enters the base with the first of its articles in canonical order.
    first = [min(rank[s.article_id] for s in m.statements) if m.statements else len(order) for m in merged]
    per_article = np.bincount(np.asarray(first, dtype=np.int64), minlength=len(order) + 1)[: len(order)]
    cumulative = np.cumsum(per_article)
    target = base_target(len(merged), min_base=min_base, growth=growth)
    # The longest article prefix within the target; at least one article, so a base is never empty.
    cut = max(1, int(np.searchsorted(cumulative, target, side="right"))) if len(order) else 0
    inside = set(order[:cut])

    # Clustered in the order the statements came in (ingest reads folders in sorted order), as themes always
    # were: k-means depends on it, and an article added elsewhere leaves the others' relative order alone.
    base = [i for i in range(len(merged)) if first[i] < cut]
    rest = [i for i in range(len(merged)) if first[i] >= cut]
    views = [_seen_through(merged[i], inside) for i in base]
    return base, views, rest


def _seen_through(m: MergedStatement, articles: Collection[str]) -> MergedStatement:
    """The merged statement as the given articles report it (statements and sources of others dropped)."""
    if all(s.article_id in articles for s in m.statements) and all(s.article_id in articles for s in m.sources):
        return m
    return m.model_copy(update={
        "statements": tuple(s for s in m.statements if s.article_id in articles),
        "sources": tuple(s for s in m.sources if s.article_id in articles),
    })


def terms_in(merged: Sequence[MergedStatement], terms: Collection[str]) -> tuple[str, ...]:
    """The event terms that can affect these statements' themes, sorted: those that occur in their text, less
    the stop words no word of the text reduces to (`_inert`). A base's result is remembered by these terms, so
    a term that cannot change it must not change its key: an event whose heading gains "about" when an article
    joins it would otherwise have the whole base clustered and named again (issue 27)."""
    text = "\n".join(m.text for m in merged).lower()
    return tuple(sorted({t for t in terms if t.lower() in text and not _inert(t.lower(), text)}))


def _inert(term: str, text: str) -> bool:
    """Whether an event term changes nothing the clustering does with event terms, for this (lower-case) text.

    Clustering uses them twice: as stop words of the theme space (a stop word already is one), and as
    corpus-wide words that no name may consist of, compared with the singular (`names.singular`) of a
    name's non-stop words. A stop word that is its own singular can equal such a singular only for a word
    that is the term followed by "s" or an apostrophe; where the text holds no such string, the term is inert.
    """
    from summarizer.themes.names import singular

    return term in STOP_WORDS and singular(term) == term and re.search(re.escape(term) + "[s'’]", text) is None


def fit_base(
    merged: Sequence[MergedStatement],
    vectors: np.ndarray,
    event_terms: Collection[str] = (),
    *,
    embedder: object | None = None,
    lexical_weight: float = 0.5,
    random_state: int = 0,
    **knobs: object,
) -> BaseThemes:
    """Cluster a base with `themes.cluster_statements`; keep the space and centroids to assign statements later."""
    v = np.asarray(vectors, dtype=np.float32)
    clusters = cluster_statements(merged, v, summit_of={}, embedder=embedder, event_terms=event_terms,
                                  lexical_weight=lexical_weight, random_state=random_state, **knobs)  # type: ignore[arg-type]
    texts = [m.text for m in merged]
    # The space cluster_statements fitted (same inputs, same seed), rebuilt from its parts as a cache would.
    space = _space_from(_space_parts(ThemeSpace.fit(texts, v, lexical_weight=lexical_weight, random_state=random_state)))
    labels = np.full(len(merged), -1, dtype=np.int64)
    for i, c in enumerate(clusters):
        labels[list(c.members)] = i
    centroids = centroids_of(space.transform(texts, v), labels, list(range(len(clusters))))
    return BaseThemes(clusters=tuple(clusters), space=space, centroids=centroids)


def grow_themes(
    merged: Sequence[MergedStatement],
    vectors: np.ndarray,
    *,
    summit_of: Mapping[str, str],
    event_terms: Mapping[str, Collection[str]] | Collection[str] = (),
    cluster: BaseClusterer | None = None,
    min_base: int = MIN_BASE,
    growth: float = GROWTH,
    fit: float = 0.3,
    margin: float = 0.1,
    min_size: int = 4,
) -> GrownThemes:
    """Themes of the whole set by the rule above: cluster its base (through `cluster`), assign the rest.

    `event_terms`: the words naming the events, by summit id (a base takes those of its articles' summits,
    so a new event does not change an old base), or one collection for all. `cluster` defaults to
    `fit_base` with the same `fit`, `margin` and `min_size` and no embedder.
    """
    if cluster is None:
        def cluster(m: Sequence[MergedStatement], v: np.ndarray, terms: tuple[str, ...]) -> BaseThemes:
            return fit_base(m, v, terms, fit=fit, margin=margin, min_size=min_size)

    if not merged:
        return GrownThemes(clusters=(), base=0, assigned=0, misfits=0, reclustered=False)
    v = np.asarray(vectors, dtype=np.float32)
    base, views, rest = split_base(merged, min_base=min_base, growth=growth)
    found = cluster(views, v[base], terms_in(views, _terms_of(views, event_terms, summit_of)))
    extra: dict[int, list[int]] = {}
    misfits = 0
    if rest:
        x = found.space.transform([merged[i].text for i in rest], v[rest])
        to = assign(x, found.centroids, fit, margin)
        misfits = int(np.sum(to < 0))
        members = sum(len(c.members) for c in found.clusters)
        if should_recluster(misfits, len(rest), base_outside=1 - members / len(base),
                            themes=len(found.clusters), members=members, min_size=min_size):
            everything, views, _ = split_base(merged, min_base=len(merged))
            found = cluster(views, v[everything], terms_in(views, _terms_of(views, event_terms, summit_of)))
            return GrownThemes(clusters=_mapped(merged, everything, found, {}, summit_of), base=len(merged),
                               assigned=len(rest), misfits=misfits, reclustered=True)
        for row, t in zip(rest, to.tolist()):
            if t >= 0:
                extra.setdefault(t, []).append(row)
    return GrownThemes(clusters=_mapped(merged, base, found, extra, summit_of), base=len(base), assigned=len(rest),
                       misfits=misfits, reclustered=False)


def _terms_of(merged: Sequence[MergedStatement], event_terms: Mapping[str, Collection[str]] | Collection[str],
              summit_of: Mapping[str, str]) -> set[str]:
    """The event terms that concern these statements: those of their articles' summits."""
    if not isinstance(event_terms, Mapping):
        return set(event_terms)
    summits = {summit_of[s.article_id] for m in merged for s in m.statements if s.article_id in summit_of}
    return {t for sid in summits for t in event_terms.get(sid, ())}


def should_recluster(misfits: int, assigned: int, *, base_outside: float, themes: int, members: int,
                     min_size: int = 4) -> bool:
    """Whether the assigned statements that fit no theme leave room for a new theme (rule 5)."""
    if themes == 0:
        return False  # a base without themes: the rest has nothing to miss
    excess = misfits - base_outside * assigned
    return excess >= max(min_size, members / themes)


def _mapped(
    merged: Sequence[MergedStatement], rows: Sequence[int], found: BaseThemes, extra: Mapping[int, list[int]],
    summit_of: Mapping[str, str],
) -> tuple[ThemeCluster, ...]:
    """The base's themes over the whole set: members as indices into `merged` (input order), sizes, summits."""
    out = []
    for t, c in enumerate(found.clusters):
        members = sorted([rows[i] for i in c.members] + extra.get(t, []))
        summits = sorted({summit_of[s.article_id] for j in members for s in merged[j].statements if s.article_id in summit_of})
        theme: Theme = c.theme.model_copy(update={
            "summits": tuple(summits), "size": len(members), "statements": tuple(merged[j].id for j in members),
        })
        out.append((t, ThemeCluster(theme=theme, members=tuple(members))))
    out.sort(key=lambda pair: (-len(pair[1].members), pair[0]))
    return tuple(c for _, c in out)


# Serialising a base, so that a remembered base and a fresh one assign exactly alike (float64 kept bit for bit).

def _b64(array: np.ndarray) -> dict:
    a = np.ascontiguousarray(array)
    return {"dtype": a.dtype.str, "shape": list(a.shape), "data": base64.b64encode(a.tobytes()).decode()}


def _array(data: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(data["data"]), dtype=np.dtype(data["dtype"])).reshape(data["shape"]).copy()


def _space_parts(space: ThemeSpace) -> dict:
    parts: dict = {"mean": _b64(np.asarray(space.mean, dtype=np.float64)), "lexical_weight": space.lexical_weight}
    if space.vectorizer is not None and space.svd is not None:
        vocabulary = sorted(space.vectorizer.vocabulary_, key=space.vectorizer.vocabulary_.__getitem__)
        parts.update(vocabulary=vocabulary, idf=_b64(space.vectorizer.idf_),
                     components=_b64(np.asarray(space.svd.components_, dtype=np.float64)))
    return parts


class _Projection:
    """The fitted LSA's projection (what TruncatedSVD.transform computes), from its stored components."""

    def __init__(self, components: np.ndarray) -> None:
        self.components_ = components
        self.n_components = components.shape[0]

    def transform(self, x: object) -> np.ndarray:
        return np.asarray(x @ self.components_.T)  # type: ignore[operator]


def _space_from(parts: dict) -> ThemeSpace:
    vectorizer = svd = None
    if "vocabulary" in parts:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(token_pattern=TOKEN, stop_words=sorted(STOP_WORDS), sublinear_tf=True,
                                     vocabulary={w: i for i, w in enumerate(parts["vocabulary"])})
        vectorizer.idf_ = _array(parts["idf"])
        svd = _Projection(_array(parts["components"]))
    return ThemeSpace(mean=_array(parts["mean"]), vectorizer=vectorizer, svd=svd,  # type: ignore[arg-type]
                      lexical_weight=float(parts["lexical_weight"]))


def dump_base(found: BaseThemes) -> dict:
    """A base as JSON-ready data (`load_base` reads it back exactly)."""
    return {
        "clusters": [{"theme": c.theme.model_dump(mode="json"), "members": list(c.members)} for c in found.clusters],
        "space": _space_parts(found.space),
        "centroids": _b64(found.centroids),
    }


def load_base(data: dict) -> BaseThemes:
    """A base from `dump_base`'s data."""
    clusters = tuple(ThemeCluster(theme=Theme.model_validate(c["theme"]), members=tuple(int(i) for i in c["members"]))
                     for c in data["clusters"])
    return BaseThemes(clusters=clusters, space=_space_from(data["space"]), centroids=_array(data["centroids"]))
