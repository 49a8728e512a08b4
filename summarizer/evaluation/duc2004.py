"""DUC 2004 evaluation: our summarizers and the published systems, scored side by side in one run.

Each topic's documents go through the pipeline's own path (read_inputs -> clean_articles ->
merge_copies -> split_statements -> encode_cached -> merge_statements -> summarize) as one
summit, with a 100-word budget. Every summary, ours and the published systems' from `peers/`, is scored
with the same scorer (`summarizer.evaluation.rouge`: rouge-score tokens, Porter stemming, cut at 100 words, counts
pooled over the four human summaries as ROUGE-1.5.5 `-f A` does). Scores are averaged over topics.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from summarizer.algorithms import ALGORITHMS, get_algorithm
from summarizer.clean import clean_articles
from summarizer.copies import merge_copies
from summarizer.dedup import merge_statements
from summarizer.embed import Embedder, encode_cached
from summarizer.errors import InputError
from summarizer.ingest import read_inputs
from summarizer.models import MergedStatement
from summarizer.evaluation.rouge import rouge_n
from summarizer.sentences import split_statements
from summarizer.summarize import summarize

LIMIT_WORDS = 100


class SystemScore(BaseModel):
    """One row of the table: a system's ROUGE averaged over the topics."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    system: str
    kind: Literal["ours", "sumy", "peer"]
    rouge1_recall: float
    rouge1_f: float
    rouge2_recall: float
    rouge2_f: float
    topics: int
    seconds_per_topic: float | None = None
    """Time to summarize one topic (after the shared ingest and encoding); None for published systems."""


class DucReport(BaseModel):
    """The whole evaluation: settings, the rows sorted by ROUGE-2 recall, and timings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    algorithm: str
    budget_words: int
    topics: list[str]
    rows: list[SystemScore]
    prepare_seconds_per_topic: float
    scorer: str = "rouge-score 0.1.2 tokens, Porter stemming, cut at 100 words, counts pooled over the references (-f A)"
    """Ingest, clean, split, encode (cached) and merge one topic: shared by all our algorithms."""
    scorer: str = "rouge-score tokens + Porter stemming, cut at 100 words, counts pooled over references (-f A)"


def duc_topics(path: Path) -> list[str]:
    """Topic names under `path`, checking the DUC layout (docs/<topic>/ and models/<topic>/)."""
    docs, models = path / "docs", path / "models"
    if not path.exists():
        raise InputError(str(path), "does not exist; give the DUC 2004 folder (with docs/ and models/)")
    if not docs.is_dir() or not models.is_dir():
        raise InputError(str(path), "expected the DUC 2004 layout: docs/<topic>/D*.txt and models/<topic>/*")
    topics = sorted(p.name for p in docs.iterdir() if p.is_dir())
    if not topics:
        raise InputError(str(docs), "no topic folders found")
    missing = [t for t in topics if not (models / t).is_dir() or not any((models / t).iterdir())]
    if missing:
        raise InputError(str(models / missing[0]), "no human summaries for this topic")
    return topics


def read_text(path: Path) -> str:
    """A summary file as text (DUC files are ASCII; bytes outside it are replaced)."""
    return path.read_bytes().decode("utf-8", errors="replace")


def references(path: Path, topic: str) -> list[str]:
    """The human summaries of `topic`."""
    return [read_text(p) for p in sorted((path / "models" / topic).iterdir()) if p.is_file()]


def peer_summaries(path: Path, topic: str) -> dict[str, str]:
    """Published systems' summaries of `topic`, by system name (empty when there is no peers/ folder)."""
    folder = path / "peers" / topic
    if not folder.is_dir():
        return {}
    return {p.stem: read_text(p) for p in sorted(folder.iterdir()) if p.is_file()}


def topic_items(
    folder: Path, embedder: Embedder, cache_dir: Path, *, dedup_threshold: float = 0.87
) -> tuple[list[MergedStatement], np.ndarray]:
    """One topic's documents through the pipeline, up to the merged statements and their vectors."""
    ingested = read_inputs([folder])
    cleaned, _ = clean_articles(ingested.articles)
    articles = merge_copies(cleaned)
    statements = [s for article in articles for s in split_statements(article)]
    if not statements:
        return [], np.zeros((0, 1), dtype=np.float32)
    vectors = np.asarray(encode_cached(embedder, [s.text for s in statements], cache_dir).vectors)
    merged, merged_vectors = merge_statements(statements, vectors, articles, threshold=dedup_threshold)
    return merged, np.asarray(merged_vectors, dtype=np.float32)


def _row(system: str, kind: Literal["ours", "sumy", "peer"], scores: list[tuple[float, ...]], secs: float | None) -> SystemScore:
    mean = np.mean(np.array(scores), axis=0)
    return SystemScore(
        system=system,
        kind=kind,
        rouge1_recall=round(float(mean[0]), 5),
        rouge1_f=round(float(mean[1]), 5),
        rouge2_recall=round(float(mean[2]), 5),
        rouge2_f=round(float(mean[3]), 5),
        topics=len(scores),
        seconds_per_topic=None if secs is None else round(secs / len(scores), 4),
    )


def score(summary: str, refs: Sequence[str]) -> tuple[float, float, float, float]:
    """(R-1 recall, R-1 F, R-2 recall, R-2 F) of one summary."""
    r1, r2 = rouge_n(summary, refs, 1, limit_words=LIMIT_WORDS), rouge_n(summary, refs, 2, limit_words=LIMIT_WORDS)
    return r1.recall, r1.f, r2.recall, r2.f


def run_duc2004(
    path: Path,
    *,
    embedder: Embedder,
    cache_dir: Path,
    algorithm: str = "nttr",
    budget_words: int = 100,
    max_similarity: float = 0.85,
    dedup_threshold: float = 0.87,
    save_summaries: Path | None = None,
    topics: Sequence[str] | None = None,
) -> DucReport:
    """Summarize every topic with every registered algorithm, score them and the published peers."""
    path = Path(path)
    get_algorithm(algorithm)
    all_topics = duc_topics(path)
    chosen_topics = list(topics) if topics is not None else all_topics
    unknown = [t for t in chosen_topics if t not in all_topics]
    if unknown:
        raise InputError(str(path / "docs" / unknown[0]), "no such topic")
    if save_summaries is not None:
        save_summaries.mkdir(parents=True, exist_ok=True)
    ours: dict[str, list[tuple[float, ...]]] = {name: [] for name in ALGORITHMS}
    seconds: dict[str, float] = dict.fromkeys(ALGORITHMS, 0.0)
    peers: dict[str, list[tuple[float, ...]]] = {}
    prepare = 0.0
    for topic in chosen_topics:
        refs = references(path, topic)
        start = time.perf_counter()
        items, vectors = topic_items(path / "docs" / topic, embedder, cache_dir, dedup_threshold=dedup_threshold)
        prepare += time.perf_counter() - start
        for name in ALGORITHMS:
            start = time.perf_counter()
            summary = summarize(items, vectors, algorithm=name, budget_words=budget_words, max_similarity=max_similarity)
            seconds[name] += time.perf_counter() - start
            ours[name].append(score(" ".join(s.text for s in summary), refs))
            if name == algorithm and save_summaries is not None:
                (save_summaries / f"{topic}.txt").write_text("".join(s.text + "\n" for s in summary), encoding="utf-8")
        for system, text in peer_summaries(path, topic).items():
            peers.setdefault(system, []).append(score(text, refs))
    rows = [_row(n, "ours" if n == "nttr" else "sumy", s, seconds[n]) for n, s in ours.items()]
    rows += [_row(system, "peer", s, None) for system, s in sorted(peers.items())]
    rows.sort(key=lambda r: (-r.rouge2_recall, -r.rouge1_recall, r.system))
    return DucReport(
        path=str(path),
        algorithm=algorithm,
        budget_words=budget_words,
        topics=chosen_topics,
        rows=rows,
        prepare_seconds_per_topic=round(prepare / max(len(chosen_topics), 1), 4),
    )


def format_table(report: DucReport) -> str:
    """The report as a plain-text table, sorted by ROUGE-2 recall, scores in percent."""
    lines = [
        f"DUC 2004: {len(report.topics)} topics, {report.budget_words}-word summaries; {report.scorer}",
        f"{'system':<12} {'kind':<5} {'R-1 R':>6} {'R-1 F':>6} {'R-2 R':>6} {'R-2 F':>6} {'s/topic':>8}",
    ]
    for r in report.rows:
        mark = "*" if r.system == report.algorithm else " "
        secs = f"{r.seconds_per_topic:8.2f}" if r.seconds_per_topic is not None else f"{'-':>8}"
        lines.append(
            f"{r.system + mark:<12} {r.kind:<5} {100 * r.rouge1_recall:6.2f} {100 * r.rouge1_f:6.2f} "
            f"{100 * r.rouge2_recall:6.2f} {100 * r.rouge2_f:6.2f} {secs}"
        )
    lines.append(
        f"* = --algorithm; s/topic = summarizing only; ingest+split+encode+merge: "
        f"{report.prepare_seconds_per_topic:.2f} s/topic (cache-dependent)"
    )
    return "\n".join(lines)
