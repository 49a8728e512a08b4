"""Themes: cluster merged statements from every summit by topic and name each cluster by its keywords.

K-means (fixed seed) on the statement embeddings joined with a 64-dim LSA of their words; k is about
sqrt(n / 1.5) within [min_k, max_k] (k=0 picks it by silhouette on a sample instead). Memory stays
O(n * dim): no n x n matrix is built.
Clusters smaller than `min_size` are folded into their nearest larger cluster. Each theme is labelled by
its top class-based TF-IDF (c-TF-IDF) keywords, e.g. "Armenia, Azerbaijan & peace".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.metrics import silhouette_score

from summarizer.models import MergedStatement, Theme

_TOKEN = r"(?u)\b[A-Za-z][A-Za-z\-’']+[A-Za-z]\b"
_EXTRA_STOP = frozenset(
    "said says say told added noted stated according also would could should will may might one two new "
    "year years time like just us mr ms president leader leaders country countries asserted declared expressed "
    "emphasized emphasised stressed underscored highlighted pointed argued urged warned affirmed remarked "
    "explained recalled reiterated suggested called believe think way need needs".split()
)
_STOP = sorted(ENGLISH_STOP_WORDS | _EXTRA_STOP)


class ThemeCluster(BaseModel):
    """A theme and the indices (into the merged statements given) of its members, in input order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    theme: Theme
    members: tuple[int, ...]


def _fit(vectors: np.ndarray, k: int, random_state: int) -> np.ndarray:
    """Labels of k-means with k clusters: full KMeans up to 20k rows, MiniBatchKMeans beyond."""
    if vectors.shape[0] <= 20_000:
        model = KMeans(n_clusters=k, n_init=4, random_state=random_state)
    else:
        model = MiniBatchKMeans(n_clusters=k, n_init=3, random_state=random_state, batch_size=4096)
    return model.fit_predict(vectors)


def default_k(n: int, *, min_k: int = 4, max_k: int = 20, min_size: int = 3) -> int:
    """The number of themes for n statements: about sqrt(n / 1.5), within [min_k, max_k] and n / min_size."""
    if n < 2 * min_size:
        return 1
    return int(max(1, min(max_k, n // max(min_size, 1), max(min_k, round(np.sqrt(n / 1.5))))))


def choose_k(vectors: np.ndarray, *, min_k: int, max_k: int, sample_size: int, random_state: int) -> int:
    """The k with the best silhouette (cosine) of k-means on a fixed random sample of rows."""
    n = vectors.shape[0]
    rng = np.random.default_rng(random_state)
    sample = vectors if n <= sample_size else vectors[np.sort(rng.choice(n, sample_size, replace=False))]
    best_k, best = min_k, -2.0
    for k in range(min_k, max_k + 1):
        if k >= sample.shape[0]:
            break
        labels = KMeans(n_clusters=k, n_init=4, random_state=random_state).fit_predict(sample)
        if len(set(labels.tolist())) < 2:
            continue
        score = float(silhouette_score(sample, labels, metric="cosine"))
        if score > best + 1e-9:
            best_k, best = k, score
    return best_k


def _features(vectors: np.ndarray, texts: Sequence[str], lexical_weight: float, random_state: int) -> np.ndarray:
    """Embeddings joined with a low-rank TF-IDF (LSA) of the words, so shared topic words pull together."""
    if lexical_weight <= 0 or len(texts) < 3:
        return vectors
    try:
        x = TfidfVectorizer(token_pattern=_TOKEN, stop_words=_STOP, sublinear_tf=True, min_df=1).fit_transform(texts)
    except ValueError:
        return vectors
    dims = min(64, x.shape[1] - 1, len(texts) - 1)
    if dims < 2:
        return vectors
    lsa = normalize(TruncatedSVD(n_components=dims, random_state=random_state).fit_transform(x))
    joined = np.hstack([vectors * np.sqrt(1 - lexical_weight), lsa * np.sqrt(lexical_weight)])
    return joined.astype(np.float32)


def _fold_small(vectors: np.ndarray, labels: np.ndarray, min_size: int) -> np.ndarray:
    """Move members of clusters smaller than `min_size` to the nearest centroid of a larger cluster."""
    counts = Counter(labels.tolist())
    big = sorted(c for c, m in counts.items() if m >= min_size)
    if not big or len(big) == len(counts):
        return labels
    centroids = np.stack([vectors[labels == c].mean(axis=0) for c in big])
    out = labels.copy()
    small = np.flatnonzero(~np.isin(labels, big))
    out[small] = np.asarray(big)[np.argmax(vectors[small] @ centroids.T, axis=1)]
    return out


def _display(term: str, texts: Sequence[str]) -> str:
    """A keyword as it is usually written in the texts (keeps 'Armenia', 'NATO'; lowers 'Peace')."""
    pattern = re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)
    forms = Counter(m.group(0) for t in texts for m in pattern.finditer(t))
    if not forms:
        return term
    lower = forms.get(term.lower(), 0)
    best, count = sorted(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    if lower * 2 >= sum(forms.values()):
        return term.lower()
    return best if not best[:1].isupper() or count > lower else term.lower()


def keywords_per_cluster(texts_per_cluster: Sequence[Sequence[str]], *, top: int = 6) -> list[list[str]]:
    """Top c-TF-IDF terms (unigrams and bigrams) of each cluster, written as in the texts."""
    docs = [" ".join(texts) for texts in texts_per_cluster]
    vec = CountVectorizer(token_pattern=_TOKEN, stop_words=_STOP, ngram_range=(1, 2), lowercase=True, min_df=1)
    try:
        counts = vec.fit_transform(docs).astype(np.float64)
    except ValueError:
        return [[] for _ in docs]
    terms = vec.get_feature_names_out()
    tf = counts.multiply(1.0 / np.maximum(counts.sum(axis=1), 1.0)).tocsr()
    freq = np.asarray(counts.sum(axis=0)).ravel()
    avg = float(counts.sum()) / max(len(docs), 1)
    idf = np.log1p(avg / np.maximum(freq, 1.0))
    out: list[list[str]] = []
    for c in range(len(docs)):
        row = tf.getrow(c)
        scored = sorted(zip(row.indices.tolist(), (row.data * idf[row.indices]).tolist()),
                        key=lambda p: (-p[1], str(terms[p[0]])))
        chosen: list[str] = []
        head = [(str(terms[i]), sc) for i, sc in scored[:40]]
        for index, score in scored:
            term = str(terms[index])
            if " " not in term:  # prefer "drug trafficking" to "drug" when the pair scores nearly as well
                pairs = [t for t, sc in head if sc >= 0.6 * score and term in t.split() and " " in t]
                term = pairs[0] if pairs else term
            words = term.split()
            if any(set(words) & set(c2.split()) for c2 in chosen):
                continue
            chosen.append(term)
            if len(chosen) >= top:
                break
        out.append([_display(t, texts_per_cluster[c]) for t in chosen])
    return out


def label_from_keywords(keywords: Sequence[str], *, words: int = 3) -> str:
    """A readable label from keywords: "Armenia, Azerbaijan & peace talks"."""
    picked = [k for k in keywords[:words] if k]
    if not picked:
        return "Other statements"
    if len(picked) == 1:
        return picked[0][:1].upper() + picked[0][1:]
    label = ", ".join(picked[:-1]) + " & " + picked[-1]
    return label[:1].upper() + label[1:]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "theme"


def cluster_statements(
    merged: Sequence[MergedStatement],
    vectors: np.ndarray,
    *,
    summit_of: Mapping[str, str],
    k: int | None = None,
    min_k: int = 4,
    max_k: int = 20,
    min_size: int = 3,
    sample_size: int = 3000,
    lexical_weight: float = 0.5,
    random_state: int = 0,
) -> list[ThemeCluster]:
    """Cluster merged statements into themes; each comes with its member indices. Largest theme first."""
    n = len(merged)
    if n == 0:
        return []
    v = np.asarray(vectors, dtype=np.float32)
    if v.shape[0] != n:
        raise ValueError(f"{n} merged statements but {v.shape[0]} vectors")
    v = _features(v, [m.text for m in merged], lexical_weight, random_state)
    if k is None:
        k = default_k(n, min_k=min_k, max_k=max_k, min_size=min_size)
    elif k == 0:
        upper = min(max_k, max(1, n // max(min_size, 1)))
        k = 1 if upper < 2 else choose_k(v, min_k=min(min_k, upper), max_k=upper, sample_size=sample_size,
                                         random_state=random_state)
    k = max(1, min(k, n))
    labels = np.zeros(n, dtype=np.int64) if k == 1 else _fit(v, k, random_state)
    labels = _fold_small(v, labels, min_size)
    clusters = [np.flatnonzero(labels == c).tolist() for c in sorted(set(labels.tolist()))]
    clusters.sort(key=lambda members: (-len(members), members[0]))
    texts = [[merged[i].text for i in members] for members in clusters]
    keywords = keywords_per_cluster(texts)
    out: list[ThemeCluster] = []
    used: Counter[str] = Counter()
    for members, words in zip(clusters, keywords):
        label = label_from_keywords(words)
        slug = _slug(label)
        used[slug] += 1
        tid = slug if used[slug] == 1 else f"{slug}-{used[slug]}"
        summits = sorted({summit_of[s.article_id] for i in members for s in merged[i].statements
                          if s.article_id in summit_of})
        theme = Theme(id=tid, label=label, keywords=tuple(words), summits=tuple(summits), size=len(members))
        out.append(ThemeCluster(theme=theme, members=tuple(members)))
    return out


def cluster_themes(
    merged: Sequence[MergedStatement], vectors: np.ndarray, *, summit_of: Mapping[str, str], **knobs: object
) -> list[Theme]:
    """The themes of `cluster_statements`, without their member lists."""
    return [c.theme for c in cluster_statements(merged, vectors, summit_of=summit_of, **knobs)]  # type: ignore[arg-type]
