"""Themes measured against BERTopic: topic coherence (NPMI) and topic diversity, as in the BERTopic paper.

Both systems cluster the same merged statements with the same embeddings. BERTopic runs with its default
clustering (UMAP 15 neighbours / 5 dims / min_dist 0, cosine; HDBSCAN min_cluster_size 10, leaf "eom")
and a fixed UMAP seed. Topic words come from one representation for both: BERTopic's c-TF-IDF over the
same English-stop-word CountVectorizer, our clusters passed in as fixed labels (BERTopic's "manual topic
modeling"), so the scores compare the clusterings and nothing else. Statements left out of every theme
(BERTopic's topic -1, our outside) are counted and excluded from both scores.

- Coherence: gensim's `c_npmi` of each theme's top 10 words, with the statements as the reference corpus
  (each statement one co-occurrence window), averaged over themes. From -1 to 1; higher is better.
- Diversity: the share of unique words among the top 25 words of all themes. From 0 to 1; higher is better.

BERTopic, UMAP, HDBSCAN and gensim are evaluation-only dependencies (`pip install -e '.[eval]'`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from summarizer.statements.dedup import merge_statements
from summarizer.digest.assemble import event_terms, summit_of_articles
from summarizer.evaluation.corpus import read_corpus
from summarizer.statements.embed import Embedder, encode_cached
from summarizer.errors import ConfigError, InputError, NoUsableInput
from summarizer.models import MergedStatement
from summarizer.events.grouping import group_summits

SEED = 42
MIN_STATEMENTS = 30
"""Fewer statements than this, and UMAP's 15 neighbours and HDBSCAN's 10-statement topics say nothing."""
COHERENCE_WORDS = 10
DIVERSITY_WORDS = 25


class Corpus(BaseModel):
    """The merged statements of a path, as the pipeline makes them, with their vectors and summits."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    path: str
    articles: int
    merged: tuple[MergedStatement, ...]
    vectors: np.ndarray
    summit_of: dict[str, str]
    event_terms: tuple[str, ...] = ()


class SystemRow(BaseModel):
    """One row of the table: one system's themes on one corpus."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    system: str
    themes: int
    statements: int
    left_out: float
    """Share of statements in no theme."""
    coherence: float
    """Mean NPMI of the top 10 words of each theme."""
    diversity: float
    """Unique share of the top 25 words of all themes."""
    seconds: float
    top_words: list[list[str]]
    labels: list[str] = []


class ThemesReport(BaseModel):
    """Ours and BERTopic's side by side on one corpus."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    articles: int
    statements: int
    rows: list[SystemRow]


def need_eval_extra() -> None:
    """Fail with one line when the evaluation extra is not installed."""
    try:
        import bertopic  # noqa: F401
        import gensim  # noqa: F401
    except ImportError as err:
        raise ConfigError(
            f"nttr eval themes needs the evaluation extra ({err.name} is missing): pip install -e '.[eval]'"
        ) from None


def load_corpus(path: Path, embedder: Embedder, cache_dir: Path, *, dedup_threshold: float = 0.87) -> Corpus:
    """Read `path` as `nttr run` does, up to merged statements, their vectors and the summit of each article."""
    articles, statements = read_corpus([path])
    if not statements:
        raise NoUsableInput(str(path), "no statements to cluster (no usable article found)")
    vectors = np.asarray(encode_cached(embedder, [s.text for s in statements], cache_dir).vectors)
    summits = group_summits(articles, statements, vectors)
    summit_of = summit_of_articles(summits)
    # As the flow does: repeats merge within a summit only.
    merged, merged_vectors = merge_statements(statements, vectors, articles, threshold=dedup_threshold,
                                              event_of=summit_of)
    return Corpus(
        path=str(path),
        articles=len(articles),
        merged=tuple(merged),
        vectors=np.asarray(merged_vectors, dtype=np.float32),
        summit_of=summit_of,
        event_terms=tuple(sorted(event_terms(summits))),
    )


def _vectorizer():  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(stop_words="english")


def bertopic_labels(texts: Sequence[str], vectors: np.ndarray, *, seed: int = SEED) -> np.ndarray:
    """BERTopic's topic of each statement (-1: outlier), default clustering, UMAP seeded."""
    from bertopic import BERTopic
    from umap import UMAP

    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    model = BERTopic(umap_model=umap, vectorizer_model=_vectorizer(), top_n_words=DIVERSITY_WORDS)
    topics, _ = model.fit_transform(list(texts), embeddings=np.asarray(vectors))
    return np.asarray(topics, dtype=np.int64)


def topic_words(texts: Sequence[str], labels: np.ndarray, *, top: int = DIVERSITY_WORDS) -> dict[int, list[str]]:
    """The top c-TF-IDF words of each theme (not the outside), by BERTopic's representation."""
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction

    labels = np.asarray(labels, dtype=np.int64)
    if not (labels >= 0).any():
        return {}
    model = BERTopic(
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=BaseCluster(),
        vectorizer_model=_vectorizer(),
        top_n_words=top,
    )
    model.fit(list(texts), embeddings=np.zeros((len(texts), 1)), y=labels)
    topics = model.get_topics()
    # BERTopic renumbers topics by size: map each of our labels through the topic of its first member.
    renamed = {int(label): int(model.topics_[int(np.flatnonzero(labels == label)[0])]) for label in set(labels.tolist())}
    return {label: [w for w, _ in topics[topic] if w] for label, topic in sorted(renamed.items()) if label >= 0}


def tokenized(texts: Sequence[str]) -> list[list[str]]:
    """The statements as the vectorizer sees them: lower case, English stop words removed."""
    analyze = _vectorizer().build_analyzer()
    return [analyze(t) for t in texts]


def coherence(words: Sequence[Sequence[str]], texts: Sequence[Sequence[str]], *, top: int = COHERENCE_WORDS) -> float:
    """Mean NPMI (gensim `c_npmi`) of each theme's top words, each statement one co-occurrence window."""
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    topics = [list(w[:top]) for w in words if len(w) >= 2]
    if not topics:
        return 0.0
    docs = [list(t) for t in texts if t]
    window = max(len(d) for d in docs)
    model = CoherenceModel(
        topics=topics, texts=docs, dictionary=Dictionary(docs), coherence="c_npmi", topn=top,
        window_size=window, processes=1,
    )
    return float(model.get_coherence())


def diversity(words: Sequence[Sequence[str]], *, top: int = DIVERSITY_WORDS) -> float:
    """Unique share of the top words of all themes (1: no word shared by two themes)."""
    tops = [list(w[:top]) for w in words]
    total = sum(len(w) for w in tops)
    return len({x for w in tops for x in w}) / total if total else 0.0


def score(system: str, texts: Sequence[str], labels: np.ndarray, seconds: float, names: Sequence[str] = ()) -> SystemRow:
    """One system's row from its labels (-1: left out)."""
    labels = np.asarray(labels, dtype=np.int64)
    words = topic_words(texts, labels)
    ordered = [words[t] for t in sorted(words)]
    return SystemRow(
        system=system,
        themes=len(ordered),
        statements=len(labels),
        left_out=round(float((labels < 0).mean()) if len(labels) else 0.0, 4),
        coherence=round(coherence(ordered, tokenized(texts)), 4),
        diversity=round(diversity(ordered), 4),
        seconds=round(seconds, 2),
        top_words=[w[:COHERENCE_WORDS] for w in ordered],
        labels=list(names),
    )


def evaluate_themes(corpus: Corpus, *, embedder: Embedder | None = None) -> ThemesReport:
    """Cluster the corpus with ours and with BERTopic and score both the same way."""
    import time

    from summarizer.themes.clustering import cluster_statements

    need_eval_extra()
    texts = [m.text for m in corpus.merged]
    if len(texts) < MIN_STATEMENTS:
        raise InputError(corpus.path, f"{len(texts)} statements; BERTopic's defaults need at least {MIN_STATEMENTS}")
    start = time.perf_counter()
    clusters = cluster_statements(corpus.merged, corpus.vectors, summit_of=corpus.summit_of, embedder=embedder,
                                  event_terms=corpus.event_terms)
    ours_seconds = time.perf_counter() - start
    ours = np.full(len(texts), -1, dtype=np.int64)
    for index, cluster in enumerate(clusters):
        ours[list(cluster.members)] = index
    start = time.perf_counter()
    theirs = bertopic_labels(texts, corpus.vectors)
    their_seconds = time.perf_counter() - start
    rows = [
        score("nttr", texts, ours, ours_seconds, [c.theme.label for c in clusters]),
        score("BERTopic", texts, theirs, their_seconds),
    ]
    return ThemesReport(path=corpus.path, articles=corpus.articles, statements=len(texts), rows=rows)


def format_report(report: ThemesReport) -> str:
    """The two rows as a plain-text table, then our theme names."""
    lines = [
        f"{report.path}: {report.articles} articles, {report.statements} statements after merging repeats",
        f"{'system':<10} {'themes':>6} {'left out':>9} {'coherence (NPMI)':>17} {'diversity':>10} {'seconds':>8}",
    ]
    for r in report.rows:
        lines.append(
            f"{r.system:<10} {r.themes:>6} {r.left_out:>8.1%} {r.coherence:>17.3f} {r.diversity:>10.3f} {r.seconds:>8.1f}"
        )
    ours = report.rows[0]
    if ours.labels:
        lines.append("")
        lines.append("nttr themes: " + "; ".join(ours.labels))
    return "\n".join(lines)
