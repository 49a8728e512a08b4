"""Themes: cluster merged statements from every summit by topic, with an outside for what fits no theme.

Clustering and naming are separate stages, as in BERTopic: this module finds the clusters, `theme_names`
names them. The method:

1. Space (`ThemeSpace`): each statement's embedding minus the corpus mean (so what every statement shares,
   "this is about the CSTO summit", stops pulling statements together), joined with a 64-dim LSA of its
   words (so statements sharing topic words pull together). Unit vectors; cosine = dot product.
2. Spherical k-means with an outside (k-means--, Chawla & Gionis 2013): k is about 0.35 * sqrt(n), at least
   12; after a fixed-seed k-means, a statement joins its nearest centroid only if their cosine is at least
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
dev pooled and checked on the seeds and realnews-dev (README). Deterministic: fixed seeds, stable sorts.
Memory stays O(n * dim); above `sample_size` statements, k-means fits a fixed sample and the rest are
assigned by the same rule.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize

from summarizer.models import MergedStatement, Theme

_TOKEN = r"(?u)\b[A-Za-z][A-Za-z\-’']+[A-Za-z]\b"
_EXTRA_STOP = frozenset(
    "said says say told added noted stated according also would could should will may might one two new "
    "year years time like just us mr ms president leader leaders country countries asserted declared expressed "
    "emphasized emphasised stressed underscored highlighted pointed argued urged warned affirmed remarked "
    "explained recalled reiterated suggested called believe think way need needs".split()
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS | _EXTRA_STOP)


class ThemeCluster(BaseModel):
    """A theme and the indices (into the merged statements given) of its members, in input order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    theme: Theme
    members: tuple[int, ...]


@dataclass(frozen=True)
class ThemeSpace:
    """Where themes live: centered embeddings joined with an LSA of the words; reusable on new statements."""

    mean: np.ndarray
    vectorizer: TfidfVectorizer | None
    svd: TruncatedSVD | None
    lexical_weight: float

    @classmethod
    def fit(cls, texts: Sequence[str], vectors: np.ndarray, *, lexical_weight: float = 0.5,
            random_state: int = 0) -> ThemeSpace:
        """Learn the corpus mean and the word basis from these statements."""
        v = normalize(np.asarray(vectors, dtype=np.float64))
        mean = v.mean(axis=0) if len(v) else np.zeros(v.shape[1])
        vectorizer = svd = None
        if lexical_weight > 0 and len(texts) >= 3:
            vec = TfidfVectorizer(token_pattern=_TOKEN, stop_words=sorted(STOP_WORDS), sublinear_tf=True)
            try:
                x = vec.fit_transform(texts)
            except ValueError:  # no words at all
                x = None
            if x is not None and min(64, x.shape[1] - 1, len(texts) - 1) >= 2:
                vectorizer = vec
                svd = TruncatedSVD(n_components=min(64, x.shape[1] - 1, len(texts) - 1), random_state=random_state)
                svd.fit(x)
        return cls(mean=mean, vectorizer=vectorizer, svd=svd, lexical_weight=lexical_weight if svd else 0.0)

    def generality(self, vectors: np.ndarray) -> np.ndarray:
        """How close each statement is to the corpus mean (1 - distance): high for what all coverage says."""
        return 1.0 - np.linalg.norm(normalize(np.asarray(vectors, dtype=np.float64)) - self.mean, axis=1)

    def transform(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """Unit vectors of these statements in this space (float32)."""
        v = normalize(normalize(np.asarray(vectors, dtype=np.float64)) - self.mean)
        if self.svd is None or self.vectorizer is None:
            return v.astype(np.float32)
        lsa = normalize(self.svd.transform(self.vectorizer.transform(texts)))
        w = self.lexical_weight
        return normalize(np.hstack([v * np.sqrt(1 - w), lsa * np.sqrt(w)])).astype(np.float32)


def default_k(n: int, *, per_sqrt: float = 0.35, min_k: int = 12, max_k: int = 40) -> int:
    """How many clusters k-means starts from for n statements: about per_sqrt * sqrt(n), within bounds."""
    return int(min(max_k, max(min_k, round(per_sqrt * np.sqrt(max(n, 1))))))


def centroids_of(x: np.ndarray, labels: np.ndarray, ids: Sequence[int]) -> np.ndarray:
    """Unit centroid of each cluster id (rows in the order of `ids`)."""
    if not len(ids):
        return np.zeros((0, x.shape[1]), dtype=x.dtype)
    return normalize(np.stack([x[labels == c].mean(axis=0) for c in ids])).astype(x.dtype)


def assign(x: np.ndarray, centroids: np.ndarray, fit: float, margin: float = 0.0) -> np.ndarray:
    """Index of each row's nearest centroid, or -1 (the outside) where its cosine to it is below `fit`, or
    exceeds its cosine to the second nearest by less than `margin` (it is no closer to one theme than another)."""
    if centroids.shape[0] == 0:
        return np.full(x.shape[0], -1, dtype=np.int64)
    sims = x @ centroids.T
    rows = np.arange(sims.shape[0])
    best = np.argmax(sims, axis=1)
    top = sims[rows, best]
    second = np.partition(sims, -2, axis=1)[:, -2] if sims.shape[1] > 1 else np.full(len(rows), -1.0)
    return np.where((top >= fit) & (top - second >= margin), best, -1).astype(np.int64)


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
    seed_labels = KMeans(n_clusters=k, n_init=4, random_state=random_state).fit_predict(x[rows])
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
    merged: Sequence[MergedStatement],
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
    random_state: int = 0,
) -> list[ThemeCluster]:
    """Cluster merged statements into named themes (largest first); statements in none stay outside.

    `embedder` embeds the name candidates (KeyBERT-style scoring); without one, candidates are scored by the
    mean vector of the statements that contain them. `event_terms` (lower-case words naming the events, such
    as the summits' places) cannot make a theme's name on their own.
    """
    from summarizer.theme_names import name_themes

    n = len(merged)
    if n == 0:
        return []
    v = np.asarray(vectors, dtype=np.float32)
    if v.shape[0] != n:
        raise ValueError(f"{n} merged statements but {v.shape[0]} vectors")
    texts = [m.text for m in merged]
    space = ThemeSpace.fit(texts, v, lexical_weight=lexical_weight, random_state=random_state)
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
    names = name_themes(merged, v, groups, embedder=embedder, event_terms=event_terms)
    kept = [g for g, name in zip(groups, names) if name is not None]
    if len(kept) < len(groups):
        # Boilerplate themes dissolve; their statements may still fit a named theme.
        ids = list(range(len(kept)))
        relabel = np.full(n, -1, dtype=np.int64)
        for i, g in enumerate(kept):
            relabel[g] = i
        outside = np.array([i for g, name in zip(groups, names) if name is None for i in g], dtype=np.int64)
        back = assign(x[outside], centroids_of(x, relabel, ids), fit, margin)
        relabel[outside[back >= 0]] = back[back >= 0]
        groups = [np.flatnonzero(relabel == i).tolist() for i in ids]
        names = name_themes(merged, v, groups, embedder=embedder, event_terms=event_terms)
    out: list[ThemeCluster] = []
    order = sorted(range(len(groups)), key=lambda i: (-len(groups[i]), groups[i][0] if groups[i] else 0))
    used: Counter[str] = Counter()
    for i in order:
        members, name = groups[i], names[i]
        if name is None or len(members) < min_size:
            continue
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


def left_out(merged: Sequence[MergedStatement], clusters: Sequence[ThemeCluster]) -> tuple[str, ...]:
    """Ids of the merged statements in no theme, in input order."""
    inside = {i for c in clusters for i in c.members}
    return tuple(m.id for i, m in enumerate(merged) if i not in inside)


def cluster_themes(
    merged: Sequence[MergedStatement], vectors: np.ndarray, *, summit_of: Mapping[str, str], **knobs: object
) -> list[Theme]:
    """The themes of `cluster_statements`, without their member lists."""
    return [c.theme for c in cluster_statements(merged, vectors, summit_of=summit_of, **knobs)]  # type: ignore[arg-type]
