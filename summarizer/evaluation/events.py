"""Event grouping measured on DUC 2004: pool every topic's documents, group them, score against the topics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict
from sklearn.metrics import adjusted_rand_score

from summarizer.clean import clean_articles
from summarizer.dedup import merge_identical_articles
from summarizer.embed import Embedder, encode_cached
from summarizer.errors import InputError
from summarizer.ingest import read_inputs
from summarizer.models import Article, Statement
from summarizer.sentences import split_statements
from summarizer.summits import group_summits


class EventScores(BaseModel):
    """How well the found events match the gold topics (B-cubed over documents, and adjusted Rand index)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    ari: float
    n_docs: int
    n_events_gold: int
    n_events_found: int


def bcubed(predicted: Sequence[str], gold: Sequence[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering against gold labels (one label per item)."""
    n = len(gold)
    if n == 0 or len(predicted) != n:
        raise ValueError("bcubed needs as many predicted labels as gold labels, and at least one")
    pair = Counter(zip(predicted, gold))
    size_p, size_g = Counter(predicted), Counter(gold)
    precision = sum(pair[(p, g)] / size_p[p] for p, g in zip(predicted, gold)) / n
    recall = sum(pair[(p, g)] / size_g[g] for p, g in zip(predicted, gold)) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def load_duc_pool(duc_path: Path) -> tuple[list[Article], list[Statement], dict[str, str]]:
    """Read, clean, collapse and split every DUC document as the pipeline does; gold topic of each file path."""
    docs = Path(duc_path) / "docs"
    topics = sorted(p for p in docs.iterdir() if p.is_dir()) if docs.is_dir() else []
    if not topics:
        raise InputError(str(duc_path), "no docs/<topic>/ folders found; expected the DUC 2004 layout")
    ingested = read_inputs(topics)
    cleaned, _ = clean_articles(ingested.articles)
    articles = merge_identical_articles(cleaned)
    statements = [s for a in articles for s in split_statements(a)]
    gold: dict[str, str] = {}
    for topic in topics:
        for file in topic.rglob("*"):
            if file.is_file():
                gold[str(file)] = topic.name
    return articles, statements, gold


def evaluate_events(duc_path: Path, embedder: Embedder, *, cache_dir: Path | None = None, **knobs: Any) -> EventScores:
    """Group the pooled DUC documents into events with no topic information and score them against the topics."""
    articles, statements, gold = load_duc_pool(Path(duc_path))
    if cache_dir is None:
        from summarizer.settings import load_settings

        cache_dir = load_settings().cache_dir
    vectors = encode_cached(embedder, [s.text for s in statements], cache_dir).vectors
    summits = group_summits(articles, statements, np.asarray(vectors), **knobs)
    event_of = {aid: s.id for s in summits for aid in s.articles}
    predicted: list[str] = []
    truth: list[str] = []
    for article in articles:
        for source in article.sources:
            topic = gold.get(source.path) or gold.get(str(Path(source.path).resolve()))
            if topic is not None:
                predicted.append(event_of[article.id])
                truth.append(topic)
    p, r, f = bcubed(predicted, truth)
    return EventScores(
        bcubed_precision=round(p, 4), bcubed_recall=round(r, 4), bcubed_f1=round(f, 4),
        ari=round(float(adjusted_rand_score(truth, predicted)), 4), n_docs=len(truth),
        n_events_gold=len(set(truth)), n_events_found=len(set(predicted)),
    )
