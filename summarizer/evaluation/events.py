"""Event grouping measured against gold labels: B-cubed, ARI, the misgrouped pages and the copies found.

Two layouts are read: DUC 2004 (`docs/<topic>/`: the topic is the event) and a realnews folder
(`pages.jsonl` or `text/<id>.txt`, and `gold.tsv`: page id, event label, the id of the page it copies, url).
The pipeline's own ingest, cleaning, copy collapsing, splitting and grouping run on the pages; only this
scorer reads the gold labels. Every gold page is scored: a page the pipeline did not read (a language it
skips, a file it could not use) counts as an event of its own.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict
from sklearn.metrics import adjusted_rand_score

from summarizer.evaluation.corpus import read_corpus
from summarizer.statements.embed import Embedder, encode_cached
from summarizer.errors import InputError
from summarizer.models import Article, Source, Statement, Summit
from summarizer.events.grouping import group_summits


class Misgrouped(BaseModel):
    """One gold event whose pages are not exactly one found event."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    pages: int
    kept: tuple[str, ...]
    """The pages of the found event holding most of this label's pages."""
    split_off: tuple[str, ...]
    """Pages of this label found elsewhere, each as 'page (with ...)'."""
    merged_in: tuple[str, ...]
    """Pages of other labels in the same found event, as 'page [label]'."""


class EventScores(BaseModel):
    """How well the found events match the gold events (B-cubed over pages, adjusted Rand index), and copies."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    ari: float
    n_docs: int
    n_events_gold: int
    n_events_found: int
    not_read: tuple[str, ...] = ()
    misgrouped: tuple[Misgrouped, ...] = ()
    copy_pairs_gold: int = 0
    copy_pairs_found: int = 0
    copy_pairs_right: int = 0
    seconds: float = 0.0
    """Time taken by the grouping alone."""

    @property
    def copy_precision(self) -> float:
        return self.copy_pairs_right / self.copy_pairs_found if self.copy_pairs_found else 1.0

    @property
    def copy_recall(self) -> float:
        return self.copy_pairs_right / self.copy_pairs_gold if self.copy_pairs_gold else 1.0


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


def misgrouped(predicted: Mapping[str, str], gold: Mapping[str, str]) -> list[Misgrouped]:
    """Per gold label: the found event holding most of its pages, the pages found elsewhere, the pages let in."""
    members: dict[str, list[str]] = defaultdict(list)
    for page in sorted(predicted):
        members[predicted[page]].append(page)
    out: list[Misgrouped] = []
    for label in sorted(set(gold.values())):
        pages = sorted(p for p in gold if gold[p] == label)
        counts = Counter(predicted[p] for p in pages)
        main = sorted(counts, key=lambda e: (-counts[e], min(p for p in pages if predicted[p] == e)))[0]
        kept = tuple(p for p in pages if predicted[p] == main)
        split = []
        for page in pages:
            if predicted[page] != main:
                others = [q for q in members[predicted[page]] if q != page]
                split.append(f"{page} (with {', '.join(others)})" if others else f"{page} (alone)")
        merged = tuple(f"{q} [{gold[q]}]" for q in members[main] if gold[q] != label)
        if split or merged:
            out.append(Misgrouped(label=label, pages=len(pages), kept=kept, split_off=tuple(split), merged_in=merged))
    return out


def copy_pairs(groups: Sequence[Sequence[str]]) -> set[frozenset[str]]:
    """Every unordered pair of pages within one group of copies."""
    return {frozenset(pair) for group in groups for pair in combinations(sorted(set(group)), 2)}


def score_grouping(
    predicted: Mapping[str, str],
    gold: Mapping[str, str],
    *,
    copies_found: Sequence[Sequence[str]] = (),
    copies_gold: Sequence[Sequence[str]] = (),
    seconds: float = 0.0,
) -> EventScores:
    """Score found events (page -> event id) against gold labels; pages missing from `predicted` stand alone."""
    pages = sorted(gold)
    not_read = tuple(p for p in pages if p not in predicted)
    found = {p: predicted.get(p, f"not-read:{p}") for p in pages}
    pred = [found[p] for p in pages]
    truth = [gold[p] for p in pages]
    p, r, f = bcubed(pred, truth)
    right_found = copy_pairs([[q for q in g if q in gold] for g in copies_found])
    right_gold = copy_pairs(copies_gold)
    return EventScores(
        bcubed_precision=round(p, 4), bcubed_recall=round(r, 4), bcubed_f1=round(f, 4),
        ari=round(float(adjusted_rand_score(truth, pred)), 4), n_docs=len(pages),
        n_events_gold=len(set(truth)), n_events_found=len(set(pred)), not_read=not_read,
        misgrouped=tuple(misgrouped(found, gold)), copy_pairs_gold=len(right_gold),
        copy_pairs_found=len(right_found), copy_pairs_right=len(right_found & right_gold), seconds=round(seconds, 3),
    )


def _group(articles: Sequence[Article], statements: Sequence[Statement], embedder: Embedder,
           cache_dir: Path | None, **knobs: Any) -> tuple[list[Summit], float]:
    if cache_dir is None:
        from summarizer.settings import load_settings

        cache_dir = load_settings().cache_dir
    vectors = encode_cached(embedder, [s.text for s in statements], cache_dir).vectors
    start = time.perf_counter()
    summits = group_summits(articles, statements, np.asarray(vectors), **knobs)
    return summits, time.perf_counter() - start


def load_duc_pool(duc_path: Path) -> tuple[list[Article], list[Statement], dict[str, str]]:
    """Read, clean, collapse and split every DUC document as the pipeline does; gold topic of each file path."""
    docs = Path(duc_path) / "docs"
    topics = sorted(p for p in docs.iterdir() if p.is_dir()) if docs.is_dir() else []
    if not topics:
        raise InputError(str(duc_path), "no docs/<topic>/ folders found; expected the DUC 2004 layout")
    articles, statements = read_corpus(topics)
    gold: dict[str, str] = {}
    for topic in topics:
        for file in topic.rglob("*"):
            if file.is_file():
                gold[str(file)] = topic.name
    return articles, statements, gold


def evaluate_events(duc_path: Path, embedder: Embedder, *, cache_dir: Path | None = None, **knobs: Any) -> EventScores:
    """Group the pooled DUC documents into events with no topic information and score them against the topics."""
    articles, statements, gold = load_duc_pool(Path(duc_path))
    summits, seconds = _group(articles, statements, embedder, cache_dir, **knobs)
    event_of = {aid: s.id for s in summits for aid in s.articles}
    short = {path: f"{topic}/{Path(path).name}" for path, topic in gold.items()}  # readable in the mistakes
    predicted: dict[str, str] = {}
    for article in articles:
        for source in article.sources:
            key = source.path if source.path in gold else str(Path(source.path).resolve())
            if key in gold:
                predicted[short[key]] = event_of[article.id]
    return score_grouping(predicted, {short[p]: t for p, t in gold.items()}, seconds=seconds)


class RealnewsGold(BaseModel):
    """gold.tsv: the event label of every page, and which page each copy copies."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: dict[str, str]
    copies: list[list[str]]


def read_gold(folder: Path) -> RealnewsGold:
    """Read `folder/gold.tsv` (id, label, copied page id or empty, url); copies are grouped transitively."""
    path = Path(folder) / "gold.tsv"
    if not path.is_file():
        raise InputError(str(folder), "no gold.tsv here; expected pages.jsonl, text/ and gold.tsv")
    label: dict[str, str] = {}
    parent: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) < 2:
            raise InputError(f"{path}:{number}", "expected id<TAB>label[<TAB>copied id<TAB>url]")
        label[cells[0]] = cells[1]
        if len(cells) > 2 and cells[2].strip():
            parent[cells[0]] = cells[2].strip()

    def root(page: str) -> str:
        while page in parent:
            page = parent[page]
        return page

    groups: dict[str, list[str]] = defaultdict(list)
    for page in label:
        groups[root(page)].append(page)
    return RealnewsGold(label=label, copies=[sorted(g) for g in groups.values() if len(g) > 1])


def page_ids_by_url(folder: Path, text: bool) -> dict[str, str]:
    """Page id of each jsonl url, for sources read before source ids were kept (jsonl: by url)."""
    if text:
        return {}
    ids: dict[str, str] = {}
    for line in (folder / "pages.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if record.get("url"):
                ids[record["url"]] = record["id"]
    return ids


def source_page(source: Source, text: bool, by_url: Mapping[str, str]) -> str:
    """The gold id of a source: its JSON line's id, or its text file's name without .txt (else by url)."""
    if source.source_id:
        return Path(source.source_id).stem if text else source.source_id
    return by_url.get(source.url or "", "")


def evaluate_realnews(folder: Path, embedder: Embedder, *, text: bool = False, cache_dir: Path | None = None,
                      **knobs: Any) -> EventScores:
    """Run the pipeline's grouping on a realnews folder (pages.jsonl, or text/ with `text`) and score it."""
    folder = Path(folder)
    source = folder / ("text" if text else "pages.jsonl")
    if not source.exists():
        raise InputError(str(source), "not found; expected pages.jsonl, text/ and gold.tsv")
    gold = read_gold(folder)
    articles, statements = read_corpus([source])
    summits, seconds = _group(articles, statements, embedder, cache_dir, **knobs)
    event_of = {aid: s.id for s in summits for aid in s.articles}
    ids = page_ids_by_url(folder, text)
    predicted: dict[str, str] = {}
    found_copies: list[list[str]] = []
    for article in articles:
        pages = [source_page(s, text, ids) for s in article.sources]
        pages = [p for p in pages if p]
        for page in pages:
            predicted[page] = event_of[article.id]
        if len(pages) > 1:
            found_copies.append(pages)
    return score_grouping(predicted, gold.label, copies_found=found_copies, copies_gold=gold.copies, seconds=seconds)


def format_scores(scores: EventScores, what: str, *, copies: bool = True) -> str:
    """The scores and the mistakes, as lines a person reads."""
    lines = [
        f"{what}: {scores.n_docs} pages, {scores.n_events_gold} events in gold, {scores.n_events_found} found"
        f" (grouping took {scores.seconds:.2f} s)",
        f"B-cubed precision {scores.bcubed_precision:.3f}  recall {scores.bcubed_recall:.3f}  "
        f"F1 {scores.bcubed_f1:.3f}  adjusted Rand index {scores.ari:.3f}",
    ]
    if scores.not_read:
        lines.append(f"not read by the pipeline (scored as events of their own): {', '.join(scores.not_read)}")
    if copies:
        lines.append(
            f"copies: precision {scores.copy_precision:.2f} ({scores.copy_pairs_right}/{scores.copy_pairs_found} pairs "
            f"found are right)  recall {scores.copy_recall:.2f} ({scores.copy_pairs_right}/{scores.copy_pairs_gold} "
            f"gold pairs found)"
        )
    if scores.misgrouped:
        lines.append("misgrouped:")
    for m in scores.misgrouped:
        lines.append(f"  {m.label} ({m.pages} pages; {len(m.kept)} together: {', '.join(m.kept)})")
        if m.split_off:
            lines.append(f"    split off: {'; '.join(m.split_off)}")
        if m.merged_in:
            lines.append(f"    merged in: {'; '.join(m.merged_in)}")
    return "\n".join(lines)
