"""Themes: cluster merged statements from every summit by topic, with an outside for what fits no theme.

Clustering and naming are separate stages, as in BERTopic: this module finds the clusters, `theme_names`
names them. The method:

1. Space (`ThemeSpace`): each statement's embedding minus the corpus mean (so what every statement shares,
   "this is about the CSTO summit", stops pulling statements together), joined with a 64-dim LSA of its
   words (so statements sharing topic words pull together), without the words every theme shares (the
   events' places, the organisation's acronym and name: "CSTO" must not make a theme, as c-TF-IDF
   discounts words common to all classes). Unit vectors; cosine = dot product.
2. Spherical k-means with an outside (k-means--, Chawla & Gionis 2013): k is about 0.35 * sqrt(n), at least
   20; after a fixed-seed k-means, a statement joins its nearest centroid only if their cosine is at least
   `fit` and beats its cosine to the second nearest by `margin`, else it stays outside; centroids are
   recomputed from members only, until nothing moves. Themes under `min_size` members dissolve.
3. Event boilerplate goes outside: a theme whose statements are, by their median, among the `general_share`
   of statements closest to the corpus mean embedding ("The summit brought together the heads of the
   member states") is what all the coverage says, not a theme; so is a theme the namer cannot name without
   the event's own vocabulary (the organisation, "summit", the host city). A dissolved theme's statements
   may still join a remaining theme they fit.

A theme is thus defined by its centroid in a stored space, and a statement fits it when the rule of step 2
holds: a later run can assign new statements to existing themes by the same rule (`ThemeSpace.transform`,
then `assign`). Knobs (`per_sqrt` 0.35, `fit` 0.3, `margin` 0.1, `general_share` 0.3) were chosen on DUC 2004
dev pooled and checked on the seeds and realnews-dev (docs/themes.md). Deterministic: fixed seeds, stable sorts.
Memory stays O(n * dim); above `sample_size` statements, k-means fits a fixed sample and the rest are
assigned by the same rule.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from summarizer.models import Theme
from summarizer.stage_cache import Memo
from summarizer.themes.words import STOP_WORDS, TOKEN, Clusterable







class ThemeCluster(BaseModel):
    """A theme and the indices (into the merged statements given) of its members, in input order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    theme: Theme
    members: tuple[int, ...]


CHUNK = 16384
"""Rows handled at once where a whole corpus would not fit in memory twice (a million statements)."""
COMPACT_ABOVE = 200_000
"""Above this many statements the theme space is stored as float16 (half the memory; cosines to 1e-3)."""


def _chunks(n: int, size: int = CHUNK) -> list[slice]:
    return [slice(i, min(n, i + size)) for i in range(0, n, size)]


def _unit(v: np.ndarray) -> np.ndarray:
    return normalize(np.asarray(v, dtype=np.float32))


@dataclass(frozen=True)
class ThemeSpace:
    """Where themes live: centered embeddings joined with an LSA of the words; reusable on new statements."""

    mean: np.ndarray
    vectorizer: TfidfVectorizer | None
    svd: TruncatedSVD | None
    lexical_weight: float

    @classmethod
    def fit(cls, texts: Sequence[str], vectors: np.ndarray, *, lexical_weight: float = 0.5,
            random_state: int = 0, sample_size: int = 20_000, event_words: Collection[str] = ()) -> ThemeSpace:
        """Learn the corpus mean and the word basis from these statements (the basis from at most
        `sample_size` of them, evenly spaced); `event_words` (lower case) are left out of the basis."""
        n = len(texts)
        dim = np.asarray(vectors).shape[1]
        mean = np.zeros(dim)
        for part in _chunks(n):
            mean += _unit(vectors[part]).sum(axis=0, dtype=np.float64)
        mean = mean / max(n, 1)
        vectorizer = svd = None
        if lexical_weight > 0 and n >= 3:
            rows = np.linspace(0, n - 1, min(n, sample_size)).round().astype(int) if n > sample_size else range(n)
            sample = [texts[i] for i in rows]
            vec = TfidfVectorizer(token_pattern=TOKEN, stop_words=sorted(STOP_WORDS | set(event_words)), sublinear_tf=True)
            try:
                x = vec.fit_transform(sample)
            except ValueError:  # no words at all
                x = None
            if x is not None and min(64, x.shape[1] - 1, len(sample) - 1) >= 2:
                vectorizer = vec
                svd = TruncatedSVD(n_components=min(64, x.shape[1] - 1, len(sample) - 1), random_state=random_state)
                svd.fit(x)
        return cls(mean=mean, vectorizer=vectorizer, svd=svd, lexical_weight=lexical_weight if svd else 0.0)

    def generality(self, vectors: np.ndarray) -> np.ndarray:
        """How close each statement is to the corpus mean (1 - distance): high for what all coverage says."""
        mean = self.mean.astype(np.float32)
        return np.concatenate([1.0 - np.linalg.norm(_unit(vectors[p]) - mean, axis=1) for p in _chunks(len(vectors))]
                              or [np.zeros(0, np.float32)])

    def transform(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """Unit vectors of these statements in this space (float32; float16 above `COMPACT_ABOVE` rows)."""
        n = len(texts)
        mean = self.mean.astype(np.float32)
        lexical = self.svd is not None and self.vectorizer is not None
        dim = np.asarray(vectors).shape[1] + (self.svd.n_components if lexical else 0)  # type: ignore[union-attr]
        out = np.zeros((n, dim), dtype=np.float16 if n > COMPACT_ABOVE else np.float32)
        w = self.lexical_weight
        for part in _chunks(n):
            v = normalize(_unit(vectors[part]) - mean)
            if lexical:
                lsa = normalize(self.svd.transform(self.vectorizer.transform(texts[part])))  # type: ignore[union-attr]
                v = normalize(np.hstack([v * np.sqrt(1 - w), lsa * np.sqrt(w)]))
            out[part] = v
        return out


def default_k(n: int, *, per_sqrt: float = 0.35, min_k: int = 20, max_k: int = 40, per_cluster: int = 10) -> int:
    """How many clusters k-means starts from for n statements: about per_sqrt * sqrt(n), at least `min_k`,
    at most one per `per_cluster` statements and at most `max_k`."""
    k = max(min_k, round(per_sqrt * np.sqrt(max(n, 1))))
    return int(max(1, min(max_k, k, n // per_cluster)))


def centroids_of(x: np.ndarray, labels: np.ndarray, ids: Sequence[int]) -> np.ndarray:
    """Unit centroid of each cluster id (rows in the order of `ids`)."""
    if not len(ids):
        return np.zeros((0, x.shape[1]), dtype=np.float32)
    index = {c: i for i, c in enumerate(ids)}
    row_of = np.array([index.get(int(c), -1) for c in range(int(max(labels.max(initial=-1), max(ids))) + 1)] + [-1])
    sums = np.zeros((len(ids), x.shape[1]), dtype=np.float64)
    for part in _chunks(len(x)):
        rows = row_of[labels[part]]
        keep = np.flatnonzero(rows >= 0)
        if len(keep):
            member = sparse.csr_matrix((np.ones(len(keep), np.float32), (rows[keep], keep)),
                                       shape=(len(ids), part.stop - part.start))
            sums += member @ x[part].astype(np.float32)
    return normalize(sums).astype(np.float32)


def assign(x: np.ndarray, centroids: np.ndarray, fit: float, margin: float = 0.0) -> np.ndarray:
    """Index of each row's nearest centroid, or -1 (the outside) where its cosine to it is below `fit`, or
    exceeds its cosine to the second nearest by less than `margin` (it is no closer to one theme than another)."""
    if centroids.shape[0] == 0:
        return np.full(x.shape[0], -1, dtype=np.int64)
    out = np.empty(x.shape[0], dtype=np.int64)
    c = np.asarray(centroids, dtype=np.float32).T
    for part in _chunks(x.shape[0]):
        sims = x[part].astype(np.float32) @ c
        rows = np.arange(sims.shape[0])
        best = np.argmax(sims, axis=1)
        top = sims[rows, best]
        second = np.partition(sims, -2, axis=1)[:, -2] if sims.shape[1] > 1 else np.full(len(rows), -1.0)
        out[part] = np.where((top >= fit) & (top - second >= margin), best, -1)
    return out


def kmeans_with_outside(x: np.ndarray, k: int, *, fit: float, min_size: int, margin: float = 0.0, random_state: int = 0,
                        sample_size: int = 20_000, max_iter: int = 20) -> np.ndarray:
    """Cluster labels (-1: outside) by k-means, then k-means-- with the `fit` threshold until stable."""
    n = x.shape[0]
    if n < min_size or k < 1:
        return np.full(n, -1, dtype=np.int64)
    rows = np.arange(n)
    if n > sample_size:
        rows = np.sort(np.random.default_rng(random_state).choice(n, sample_size, replace=False))
    k = min(k, len(rows))
    # Four restarts where they are cheap; one on large samples, where k-means++ seeding dominates the cost.
    # One everywhere was measured (docs/themes.md): a lower score on each of the three corpora, 0.6 CPU-s saved.
    n_init = 4 if len(rows) <= 10_000 else 1
    seed_labels = KMeans(n_clusters=k, n_init=n_init, random_state=random_state).fit_predict(x[rows].astype(np.float32))
    labels = np.full(n, -1, dtype=np.int64)
    labels[rows] = seed_labels
    for _ in range(max_iter):
        counts = Counter(labels[labels >= 0].tolist())
        ids = sorted(c for c, m in counts.items() if m >= min_size)
        new = assign(x, centroids_of(x, labels, ids), fit, margin)
        new = np.where(new >= 0, np.asarray(ids + [-1])[new], -1)
        if np.array_equal(new, labels):
            break
        labels = new
    counts = Counter(labels[labels >= 0].tolist())
    return np.where(np.isin(labels, [c for c, m in counts.items() if m >= min_size]), labels, -1)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "theme"


def cluster_statements(
    merged: Sequence[Clusterable],
    vectors: np.ndarray,
    *,
    summit_of: Mapping[str, str],
    embedder: object | None = None,
    event_terms: Collection[str] = (),
    k: int | None = None,
    per_sqrt: float = 0.35,
    fit: float = 0.3,
    margin: float = 0.1,
    general_share: float = 0.3,
    min_size: int = 4,
    lexical_weight: float = 0.5,
    anchor: bool = True,
    random_state: int = 0,
    learned_names: bool = True,
    memo: Memo | None = None,
) -> list[ThemeCluster]:
    """Cluster merged statements into named themes (largest first); statements in none stay outside.

    `embedder` embeds the name candidates (KeyBERT-style scoring); without one, candidates are scored by the
    mean vector of the statements that contain them. `event_terms` (lower-case words naming the events, such
    as the summits' places) cannot make a theme's name on their own. `learned_names`: the final labels by the shipped
    name model, a theme dropped where it finds no name an editor would keep (else by the namer's score alone;
    the clusters are the same either way). `memo`: where naming remembers each statement's tagged phrases
    by its text between runs (`names.corpus_vocabulary`); the themes are the same with or without it.
    """
    from summarizer.themes.names import corpus_vocabulary, name_themes

    n = len(merged)
    if n == 0:
        return []
    v = np.asarray(vectors, dtype=np.float32)
    if v.shape[0] != n:
        raise ValueError(f"{n} merged statements but {v.shape[0]} vectors")
    texts = [m.text for m in merged]
    space = ThemeSpace.fit(texts, v, lexical_weight=lexical_weight, random_state=random_state,
                           event_words=_event_words(merged, event_terms))
    x = space.transform(texts, v)
    labels = kmeans_with_outside(x, k or default_k(n, per_sqrt=per_sqrt), fit=fit, min_size=min_size,
                                 margin=margin, random_state=random_state)
    if general_share > 0:
        general = space.generality(v)
        cut = np.quantile(general, 1 - general_share)
        for c in sorted(set(labels.tolist()) - {-1}):
            if np.median(general[labels == c]) >= cut:
                labels[labels == c] = -1
    groups = [np.flatnonzero(labels == c).tolist() for c in sorted(set(labels.tolist()) - {-1})]
    named_before: dict[tuple[int, ...], object] = {}
    # The corpus's statistics, computed once for every naming (and not at all when nothing is named).
    vocabulary = functools.cache(lambda: corpus_vocabulary(merged, summit_of=summit_of, event_terms=event_terms,
                                                            memo=memo))

    def namer(groups: Sequence[Sequence[int]]) -> list:  # type: ignore[type-arg]
        # A group named before keeps its name: the name is a function of the members and the corpus.
        todo = [list(g) for g in groups if tuple(g) not in named_before]
        for g, nm in zip(todo, name_themes(merged, v, todo, embedder=embedder, event_terms=event_terms,
                                           summit_of=summit_of, vocabulary=vocabulary(),
                                           learned=False, memo=memo) if todo else []):
            named_before[tuple(g)] = nm
        return [named_before[tuple(g)] for g in groups]

    names = namer(groups)
    kept = _same_names_merged(groups, names)
    if len(kept) < len(groups):
        # Boilerplate themes dissolve; their statements may still fit a named theme.
        relabel = np.full(n, -1, dtype=np.int64)
        for i, g in enumerate(kept):
            relabel[g] = i
        outside = np.array(sorted({i for g in groups for i in g} - {i for g in kept for i in g}), dtype=np.int64)
        back = assign(x[outside], centroids_of(x, relabel, list(range(len(kept)))), fit, margin)
        relabel[outside[back >= 0]] = back[back >= 0]
        groups = [np.flatnonzero(relabel == i).tolist() for i in range(len(kept))]
        names = namer(groups)
    if anchor:
        groups = anchored(merged, x, groups, names)
        names = namer(groups)
    for _ in range(3):  # grown or renamed groups may now share a name: they are one theme too
        joined = _same_names_merged(groups, names)
        if len(joined) == len([nm for nm in names if nm is not None]):
            break
        groups, names = joined, namer(joined)
    if learned_names:
        # The clusters are settled by the score's names; the label an editor would keep is chosen last, so
        # the names evaluation (`evaluation/theme_names.py`) sees exactly these clusters.
        names = [None if nm is None else learned for nm, learned in zip(names, name_themes(
            merged, v, groups, embedder=embedder, event_terms=event_terms, summit_of=summit_of,
            vocabulary=vocabulary(), learned=True, memo=memo))]
    out: list[ThemeCluster] = []
    order = sorted(range(len(groups)), key=lambda i: (-len(groups[i]), groups[i][0] if groups[i] else 0))
    used: Counter[str] = Counter()
    for i in order:
        members, name = groups[i], names[i]
        if name is None or not name.kept or len(members) < min_size:
            continue  # no name of its own, none an editor would keep, or too small: not a theme
        slug = _slug(name.label)
        used[slug] += 1
        tid = slug if used[slug] == 1 else f"{slug}-{used[slug]}"
        summits = sorted({summit_of[s.article_id] for j in members for s in merged[j].statements
                          if s.article_id in summit_of})
        theme = Theme(
            id=tid, label=name.label, keywords=tuple(name.keywords), summits=tuple(summits), size=len(members),
            statements=tuple(merged[j].id for j in members),
        )
        out.append(ThemeCluster(theme=theme, members=tuple(members)))
    return out


def _same_names_merged(groups: Sequence[Sequence[int]], names: Sequence[object]) -> list[list[int]]:
    """The named groups, those the namer gives one name joined into one ("Member states", "Member state")."""
    by_key: dict[tuple[str, ...], list[int]] = {}
    for g, nm in zip(groups, names):
        if nm is not None:
            by_key.setdefault(nm.key, []).extend(g)  # type: ignore[attr-defined]
    return [sorted(g) for g in by_key.values()]


def _event_words(merged: Sequence[Clusterable], event_terms: Collection[str]) -> set[str]:
    """Words every theme shares, so they must not pull statements together: the events' terms and the
    organisation's acronym and spelled-out name (from an evenly spaced sample of the statements)."""
    from summarizer.themes.names import CORPUS_SAMPLE, evenly, organisation_words

    sample = [merged[i] for i in evenly(range(len(merged)), CORPUS_SAMPLE)]
    articles = len({s.article_id for m in sample for s in m.statements})
    words = {w.lower() for w in event_terms}
    return words | (organisation_words(sample, articles) if articles >= 4 else set())


def anchored(merged: Sequence[Clusterable], x: np.ndarray, groups: Sequence[Sequence[int]],
             names: Sequence[object]) -> list[list[int]]:
    """Groups grown by the statements outside every group that contain a group's name ("drug trafficking");
    one that contains several names joins the group whose centroid is nearest."""
    patterns = {c: _name_pattern(nm.label) for c, nm in enumerate(names) if nm is not None}  # type: ignore[attr-defined]
    compiled = {c: re.compile(p, re.IGNORECASE) for c, p in patterns.items() if p}
    if not compiled:
        return [list(g) for g in groups]
    # A name is looked for only in texts holding its first word as written (cheap), then by its pattern.
    firsts = {c: _first_word(names[c].label) for c in compiled}  # type: ignore[attr-defined]
    labels = np.full(len(merged), -1, dtype=np.int64)
    for c, g in enumerate(groups):
        labels[list(g)] = c
    cents = centroids_of(x, labels, list(range(len(groups))))
    grown = [list(g) for g in groups]
    for i in np.flatnonzero(labels < 0).tolist():
        text = merged[i].text
        lowered = text.lower().translate(_FOLDS)
        hits = [c for c, p in compiled.items() if firsts[c] in lowered and p.search(text)]
        if hits:
            row = x[i].astype(np.float32)
            grown[max(hits, key=lambda c: (float(row @ cents[c]), -c))].append(i)
    return [sorted(g) for g in grown]


_FOLDS = str.maketrans("ſı", "si")
"""Letters that `re.IGNORECASE` matches to an ASCII letter but `str.lower` leaves apart (the Kelvin sign and
dotted capital I lower to ASCII already)."""


def _first_word(label: str) -> str:
    """Lower-case text every match of `_name_pattern(label)` contains (its first word up to an apostrophe,
    a lone word without its plural s), or "" where that cannot be said simply (non-ASCII letters)."""
    words = label.split()
    first = re.split("['’]", words[0])[0] if words else ""
    if not first.isascii():
        return ""
    return (first.removesuffix("s") if len(words) == 1 else first).lower()


def _name_pattern(label: str) -> str:
    """The label as a pattern over statement text: the last word singular or plural, any apostrophe."""
    words = [re.escape(w).replace("'", "['’]") for w in label.split()]
    if not words:
        return ""
    head = words[-1].removesuffix("s")
    return r"\b" + r"\s+".join(words[:-1] + [head + r"(?:s|es)?"]) + r"\b"


def left_out(merged: Sequence[Clusterable], clusters: Sequence[ThemeCluster]) -> tuple[str, ...]:
    """Ids of the merged statements in no theme, in input order."""
    inside = {i for c in clusters for i in c.members}
    return tuple(m.id for i, m in enumerate(merged) if i not in inside)


def cluster_themes(
    merged: Sequence[Clusterable], vectors: np.ndarray, *, summit_of: Mapping[str, str], **knobs: object
) -> list[Theme]:
    """The themes of `cluster_statements`, without their member lists."""
    return [c.theme for c in cluster_statements(merged, vectors, summit_of=summit_of, **knobs)]  # type: ignore[arg-type]
