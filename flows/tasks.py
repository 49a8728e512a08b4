"""Thin Prefect tasks: each calls one library function; retries only where there is I/O to retry."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from prefect import task

from summarizer import clean, dedup, embed, ingest, outputs, sentences, summits, themes
from summarizer.algorithms import get_algorithm
from summarizer.models import Article, Digest, MergedStatement, Problem, Statement, Summit, Theme
from summarizer.summarize import summarize

log = logging.getLogger("nttr")


@functools.lru_cache(maxsize=4)
def embedder_for(model: str, batch_size: int) -> embed.Embedder:
    """One loaded model per process, shared by the tasks that run there."""
    return embed.load_embedder(model, batch_size=batch_size)


@task(name="ingest", retries=1, retry_delay_seconds=2, timeout_seconds=1800)
def read_inputs(paths: Sequence[str]) -> ingest.Ingested:
    got = ingest.read_inputs([Path(p) for p in paths])
    log.info("read %d articles (%d problems)", len(got.articles), len(got.problems))
    return got


@task(name="clean")
def clean_articles(articles: Sequence[Article]) -> tuple[list[Article], list[Problem]]:
    cleaned, problems = clean.clean_articles(articles)
    return dedup.merge_identical_articles(cleaned), problems


@task(name="statements")
def split_statements(articles: Sequence[Article]) -> list[Statement]:
    found = [s for a in articles for s in sentences.split_statements(a)]
    log.info("split %d articles into %d statements", len(articles), len(found))
    return found


@task(name="embed", retries=1, retry_delay_seconds=2, timeout_seconds=3600)
def embed_batch(texts: Sequence[str], model: str, batch_size: int, cache_dir: str) -> embed.Encoded:
    return embed.encode_cached(embedder_for(model, batch_size), list(texts), Path(cache_dir))


@task(name="merge-duplicates")
def merge_statements(
    statements: Sequence[Statement], vectors: np.ndarray, articles: Sequence[Article], threshold: float
) -> tuple[list[MergedStatement], np.ndarray]:
    return dedup.merge_statements(statements, vectors, articles, threshold=threshold)


@task(name="summits")
def group_summits(articles: Sequence[Article], statements: Sequence[Statement], vectors: np.ndarray) -> list[Summit]:
    return summits.group_summits(articles, statements, vectors)


@task(name="themes")
def cluster_themes(
    merged: Sequence[MergedStatement], vectors: np.ndarray, summit_of: dict[str, str]
) -> list[themes.ThemeCluster]:
    return themes.cluster_statements(merged, vectors, summit_of=summit_of)


@task(name="summaries")
def summarize_group(
    items: Sequence[MergedStatement], vectors: np.ndarray, algorithm: str, budget_words: int, max_similarity: float
):
    get_algorithm(algorithm)  # fail early with the list of valid names
    return summarize(items, vectors, algorithm=algorithm, budget_words=budget_words, max_similarity=max_similarity)


@task(name="write", retries=2, retry_delay_seconds=1)
def write_digest(digest: Digest, out_dir: str) -> list[Path]:
    return outputs.write_digest(digest, Path(out_dir))


__all__ = [
    "Theme",
    "cluster_themes",
    "clean_articles",
    "embed_batch",
    "embedder_for",
    "group_summits",
    "merge_statements",
    "read_inputs",
    "split_statements",
    "summarize_group",
    "write_digest",
]
