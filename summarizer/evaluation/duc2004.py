"""DUC 2004 evaluation: our summarizers and the published systems, scored side by side in one run.

Each topic's documents go through the pipeline's own path (read_inputs -> clean_articles ->
merge_copies -> split_statements -> encode_cached -> merge_statements -> summarize) as one
summit, with a 100-word budget. Every summary, ours and the published systems' from `peers/`, is scored
with the same scorer (`summarizer.evaluation.rouge`: rouge-score tokens, Porter stemming, cut at 100 words, counts
pooled over the four human summaries as ROUGE-1.5.5 `-f A` does). Scores are averaged over topics.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from summarizer.summaries.algorithms import ALGORITHMS, Algorithm, get_algorithm
from summarizer.clean.pages import clean_articles
from summarizer.clean.copies import merge_copies
from summarizer.statements.dedup import merge_statements
from summarizer.statements.embed import Embedder, encode_cached
from summarizer.errors import InputError
from summarizer.read.ingest import read_inputs
from summarizer.models import MergedStatement
from summarizer.evaluation.readability import (
    PARAPHRASE_COSINE,
    Located,
    Readability,
    SummaryReadability,
    combine,
    measure_summary,
)
from summarizer.evaluation.rouge import rouge_n, truncate_words
from summarizer.text.sentences import split_sentences, split_statements
from summarizer.summaries.summarize import choose

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
    readability: Readability | None = None


class DucReport(BaseModel):
    """The whole evaluation: settings, the rows sorted by ROUGE-2 recall, and timings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    algorithm: str
    budget_words: int
    topics: list[str]
    rows: list[SystemScore]
    folds: int = 1
    fold_rows: list[list[SystemScore]] = []
    """With cross-validation, the rows of each fold (scored on its topics, learned on the others)."""
    prepare_seconds_per_topic: float
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


def fold_of(topics: Sequence[str], folds: int) -> dict[str, int]:
    """The fixed fold of each topic: topics sorted by name, dealt round-robin (the k-th topic to fold k mod K)."""
    return {t: k % folds for k, t in enumerate(sorted(topics))}


_TOKENS = re.compile(r"[a-z0-9]+")


def locate(sentences: Sequence[str], items: Sequence[MergedStatement]) -> list[Located]:
    """Each summary sentence with the article and position of the source sentence it copies (best token overlap,
    at least 0.7 of the words; unknown otherwise). Published systems' summaries carry no source, so this finds it."""
    sources = [(set(_TOKENS.findall(st.text.lower())), st) for item in items for st in item.statements]
    out = []
    for text in sentences:
        words = set(_TOKENS.findall(text.lower()))
        best, where = 0.0, None
        for toks, st in sources:
            if not toks or not words:
                continue
            overlap = len(words & toks) / max(len(words), len(toks))
            if overlap > best:
                best, where = overlap, st
        if where is not None and best >= 0.7:
            out.append(Located(text=text, article_id=where.article_id, position=where.position))
        else:
            out.append(Located(text=text))
    return out


def peer_sentences(text: str) -> list[str]:
    """The sentences of a published summary that the scorer reads (its first 100 words)."""
    cut = truncate_words(" ".join(text.split()), LIMIT_WORDS)
    return [cut[a:b] for a, b in split_sentences(cut)]


def _fold_algorithm(name: str, train_topics: Sequence[str], prepared: dict, path: Path, workdir: Path) -> Algorithm:
    """The algorithm `name`, its learned part (if any) fitted on `train_topics` only."""
    algorithm = get_algorithm(name)
    if not getattr(algorithm, "learned_prior", False):
        return algorithm
    from summarizer.summaries.algorithms.train import dumps, fit, topic_examples

    examples = [topic_examples(*prepared[t], references(path, t)) for t in train_topics]
    model_file = workdir / f"{name}-{abs(hash(tuple(train_topics)))}.json"
    model_file.write_text(dumps(fit(examples, topics=train_topics)), encoding="utf-8")
    return dataclasses.replace(algorithm, model_path=str(model_file))  # type: ignore[type-var]


def run_duc2004(
    path: Path,
    *,
    embedder: Embedder,
    cache_dir: Path,
    algorithm: str = "nttr",
    budget_words: int = 100,
    max_similarity: float = 0.7,
    dedup_threshold: float = 0.87,
    save_summaries: Path | None = None,
    topics: Sequence[str] | None = None,
    folds: int = 1,
    systems: Sequence[str] | None = None,
) -> DucReport:
    """Summarize every topic with every registered algorithm (or only `systems`), score them and the published peers.

    With `folds` K > 1, the topics are split into K fixed folds (`fold_of`); for each fold, whatever an algorithm
    learns is fitted on the other folds only, and every system, ours and published, is also scored fold by fold.
    """
    path = Path(path)
    get_algorithm(algorithm)
    ours = _systems(systems, algorithm)
    all_topics = duc_topics(path)
    chosen_topics = list(topics) if topics is not None else all_topics
    unknown = [t for t in chosen_topics if t not in all_topics]
    if unknown:
        raise InputError(str(path / "docs" / unknown[0]), "no such topic")
    if folds < 1 or folds > len(chosen_topics):
        raise InputError(str(path), f"--folds must be between 1 and the number of topics ({len(chosen_topics)})")
    if save_summaries is not None:
        save_summaries.mkdir(parents=True, exist_ok=True)
    prepared: dict[str, tuple[list[MergedStatement], np.ndarray]] = {}
    prepare = 0.0
    for topic in chosen_topics:
        start = time.perf_counter()
        prepared[topic] = topic_items(path / "docs" / topic, embedder, cache_dir, dedup_threshold=dedup_threshold)
        prepare += time.perf_counter() - start
    fold = fold_of(chosen_topics, folds)
    records: list[tuple[str, str, str, tuple[float, ...], SummaryReadability]] = []  # system, kind, topic, ...
    seconds: dict[str, float] = dict.fromkeys(ours, 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(folds):
            test = [t for t in chosen_topics if fold[t] == k]
            train = [t for t in chosen_topics if fold[t] != k] if folds > 1 else chosen_topics
            algorithms = {name: _fold_algorithm(name, train, prepared, path, Path(tmp)) if folds > 1
                          else get_algorithm(name) for name in ours}
            for topic in test:
                refs = references(path, topic)
                items, vectors = prepared[topic]
                for name, algo in algorithms.items():
                    start = time.perf_counter()
                    chosen = choose(items, vectors, algorithm=algo, budget_words=budget_words, max_similarity=max_similarity)
                    seconds[name] += time.perf_counter() - start
                    summary = [items[i].text for i in chosen]
                    located = [
                        Located(text=items[i].text, article_id=items[i].representative.article_id,
                                position=items[i].representative.position)
                        for i in chosen
                    ]
                    read = measure_summary(located, vectors[chosen] if chosen else np.zeros((0, 1)))
                    kind = "ours" if name.startswith("nttr") else "sumy"
                    records.append((name, kind, topic, score(" ".join(summary), refs), read))
                    if name == algorithm and save_summaries is not None:
                        (save_summaries / f"{topic}.txt").write_text("".join(t + "\n" for t in summary), encoding="utf-8")
                for system, text in peer_summaries(path, topic).items():
                    sentences = peer_sentences(text)
                    located = locate(sentences, items)
                    vecs = np.asarray(encode_cached(embedder, sentences, cache_dir).vectors) if sentences else np.zeros((0, 1))
                    records.append((system, "peer", topic, score(text, refs), measure_summary(located, vecs)))
    rows = _rows(records, seconds)
    fold_rows = [_rows([r for r in records if fold[r[2]] == k], None) for k in range(folds)] if folds > 1 else []
    return DucReport(
        path=str(path),
        algorithm=algorithm,
        budget_words=budget_words,
        topics=chosen_topics,
        rows=rows,
        folds=folds,
        fold_rows=fold_rows,
        prepare_seconds_per_topic=round(prepare / max(len(chosen_topics), 1), 4),
    )


def _systems(systems: Sequence[str] | None, algorithm: str) -> list[str]:
    """Our and sumy's algorithms to run: the named ones (the marked `algorithm` always among them), else all."""
    if not systems:
        return list(ALGORITHMS)
    for name in systems:
        get_algorithm(name)  # ConfigError listing the valid names
    return list(dict.fromkeys([*systems, algorithm]))


def _rows(records: list, seconds: dict[str, float] | None) -> list[SystemScore]:
    """One row per system over the given per-topic records, sorted by ROUGE-2 recall."""
    by: dict[str, list] = {}
    for rec in records:
        by.setdefault(rec[0], []).append(rec)
    rows = []
    for system, recs in by.items():
        row = _row(system, recs[0][1], [r[3] for r in recs], None if seconds is None or recs[0][1] == "peer" else seconds[system])
        read = combine([r[4] for r in recs])
        rows.append(row.model_copy(update={"readability": read}))
    rows.sort(key=lambda r: (-r.rouge2_recall, -r.rouge1_recall, r.system))
    return rows


def _spread(report: DucReport, system: str) -> tuple[float, float, float, float]:
    """Mean and standard deviation over the folds of a system's R-1 and R-2 recall."""
    r1 = [next(r.rouge1_recall for r in rows if r.system == system) for rows in report.fold_rows]
    r2 = [next(r.rouge2_recall for r in rows if r.system == system) for rows in report.fold_rows]
    return float(np.mean(r1)), float(np.std(r1)), float(np.mean(r2)), float(np.std(r2))


def format_table(report: DucReport) -> str:
    """The report as a plain-text table, sorted by ROUGE-2 recall, scores in percent, readability in percent."""
    read_head = f"{'dangl%':>7} {'quote%':>7} {'rep%':>6}"
    lines = [f"DUC 2004: {len(report.topics)} topics, {report.budget_words}-word summaries; {report.scorer}"]
    if report.folds > 1:
        lines.append(
            f"{report.folds}-fold cross-validation (topics sorted by name, dealt round-robin); learned parts fitted "
            "on the other folds; mean and standard deviation over the folds, then each fold's R-1/R-2"
        )
        fold_head = " ".join(f"{'fold ' + str(k + 1):>11}" for k in range(report.folds))
        lines.append(
            f"{'system':<13} {'kind':<5} {'R-1 mean±sd':>12} {'R-2 mean±sd':>12} {fold_head} {'s/topic':>7} {read_head}"
        )
        for r in sorted(report.rows, key=lambda r: -_spread(report, r.system)[2]):
            m1, s1, m2, s2 = _spread(report, r.system)
            per = " ".join(
                f"{100 * next(x.rouge1_recall for x in rows if x.system == r.system):5.2f}/"
                f"{100 * next(x.rouge2_recall for x in rows if x.system == r.system):5.2f}"
                for rows in report.fold_rows
            )
            mark = "*" if r.system == report.algorithm else " "
            secs = f"{r.seconds_per_topic:7.2f}" if r.seconds_per_topic is not None else f"{'-':>7}"
            lines.append(
                f"{r.system + mark:<13} {r.kind:<5} {100 * m1:6.2f}±{100 * s1:4.2f} {100 * m2:6.2f}±{100 * s2:4.2f} "
                f"{per} {secs} {_read(r)}"
            )
    else:
        lines.append(
            f"{'system':<13} {'kind':<5} {'R-1 R':>6} {'R-1 F':>6} {'R-2 R':>6} {'R-2 F':>6} {'s/topic':>8} {read_head}"
        )
        for r in report.rows:
            mark = "*" if r.system == report.algorithm else " "
            secs = f"{r.seconds_per_topic:8.2f}" if r.seconds_per_topic is not None else f"{'-':>8}"
            lines.append(
                f"{r.system + mark:<13} {r.kind:<5} {100 * r.rouge1_recall:6.2f} {100 * r.rouge1_f:6.2f} "
                f"{100 * r.rouge2_recall:6.2f} {100 * r.rouge2_f:6.2f} {secs} {_read(r)}"
            )
    lines.append(
        f"* = --algorithm; dangl% = sentences opening with a word whose antecedent the summary lacks; quote% = "
        f"sentences in a quotation the summary does not open and close; rep% = summaries saying one point twice "
        f"(cosine >= {PARAPHRASE_COSINE}). Ingest+split+encode+merge: {report.prepare_seconds_per_topic:.2f} s/topic"
    )
    return "\n".join(lines)


def _read(row: SystemScore) -> str:
    r = row.readability
    if r is None:
        return ""
    return f"{100 * r.dangling_share:7.1f} {100 * r.unbalanced_share:7.1f} {100 * r.repeated_share:6.1f}"


def train_quality(path: Path, *, embedder: Embedder, cache_dir: Path, dedup_threshold: float = 0.87) -> str:
    """The sentence-quality artifact fitted on every topic under `path` (what `nttr train` writes)."""
    from summarizer.summaries.algorithms.train import dumps, fit, topic_examples

    topics = duc_topics(Path(path))
    examples = []
    for topic in topics:
        items, vectors = topic_items(Path(path) / "docs" / topic, embedder, cache_dir, dedup_threshold=dedup_threshold)
        examples.append(topic_examples(items, vectors, references(Path(path), topic)))
    return dumps(fit(examples, topics=topics))
