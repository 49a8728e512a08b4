"""Near-identical statements merge and keep every source (copies of whole articles: `copies.py`).

Near-duplicate threshold (cosine, all-MiniLM-L6-v2, L2-normalised vectors): 0.87 by default, chosen by
reading sentence pairs of DUC 2004 dev (6,040 sentences of 239 distinct AP/NYT/XIE documents):
- >= 0.90 (69 pairs in 0.90-0.95): the same wire sentence with a clause added or dropped ("raised from dlrs 6
  to dlrs 8.50" / "... (7 reals to 10 reals)");
- 0.87-0.90 (56 pairs): the same fact re-worded ("Xu spent 12 years in jail, much of it in solitary" /
  "Xu spent 12 years in prison");
- 0.84-0.87 (59 pairs): mostly still the same fact ("Wang was a student leader in ... Tiananmen Square in 1989"
  / "Wang was a leader of student demonstrations ... and served two years in prison"), but the second
  sentence often adds a fact, so merging would hide it;
- 0.80-0.84 (134 pairs): related but different statements (two different survey figures) mixed with repeats.
0.87 keeps merges safe (a merged statement never hides a different fact); 0.84 would merge more repeats.
Checked on realnews-dev (multi-outlet web pages on two recurring summit series), every pair of statements
from different articles read: >= 0.87, 18 pairs, 14 the same statement, 4 different facts (3 from different
editions of the series); 0.85-0.87, 11 pairs, about half the same; 0.82-0.85, 28 pairs, a third the same.
A series repeats its sentence templates with each edition's facts, so web copy does not call for a lower
threshold; repeats that are copies of a whole story are merged before this (`copies.py`).
Grouping is "leader" clustering: every member is at least `threshold` similar to its group's first
member, so chains A~B~C never join two dissimilar statements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from summarizer.models import Article, MergedStatement, Source, Statement

DEFAULT_THRESHOLD = 0.87
EXACT_LIMIT = 20_000
"""Rows up to which near-duplicates are found by exact search. Above it the approximate index pays: on
synthetic statements (CPU time, approximate / exact) 1.15-1.33 at 10k, 0.58-0.66 at 20k, 0.30-0.32 at 40k."""
_ROW_BLOCK = 512
_EPS = 1e-6


def near_duplicate_groups(vectors: np.ndarray, *, threshold: float = DEFAULT_THRESHOLD) -> list[list[int]]:
    """Partition rows into groups whose members are >= threshold cosine to the group's first row.

    Rows are taken in order; an unassigned row leads a new group and claims every later unassigned row
    similar enough to it. Up to `EXACT_LIMIT` rows, similarities are computed in blocks of 512 rows
    against the later rows (memory O(512 * n), never n x n); above it, the similar pairs come from an
    approximate index, each checked exactly (`neighbours.approximate_pairs`). Returns every group
    (singletons too), each sorted, ordered by leader.
    """
    v = np.ascontiguousarray(vectors, dtype=np.float32)
    owner = _exact_owners(v, threshold) if v.shape[0] <= EXACT_LIMIT else _approximate_owners(v, threshold)
    if owner.size == 0:
        return []
    order = np.argsort(owner, kind="stable")  # by leader, members in row order
    bounds = np.flatnonzero(np.diff(owner[order])) + 1
    return [g.tolist() for g in np.split(order, bounds)]


def _grouped(order: list[int], vecs: np.ndarray, threshold: float, events: list[str] | None) -> list[list[int]]:
    """Near-duplicate groups of the rows `order` (positions into it), within each event when `events` is given."""
    if not order:
        return []
    if events is None:
        return near_duplicate_groups(vecs[order], threshold=threshold)
    parts: dict[str, list[int]] = {}
    for pos, event in enumerate(events):
        parts.setdefault(event, []).append(pos)
    groups = [[part[g] for g in group] for part in parts.values()
              for group in near_duplicate_groups(vecs[[order[p] for p in part]], threshold=threshold)]
    return sorted(groups, key=lambda g: g[0])


def _approximate_owners(v: np.ndarray, threshold: float) -> np.ndarray:
    """The leader of each row, as `_exact_owners` finds it, over the pairs an approximate index finds."""
    from summarizer.statements.neighbours import approximate_pairs

    return owners_from_pairs(v.shape[0], *approximate_pairs(v, threshold))


def owners_from_pairs(n: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The leader of each of n rows, given every similar pair (rows[k] < cols[k], sorted by row then column)."""
    owner = np.full(n, -1, dtype=np.int64)
    starts = np.searchsorted(rows, np.arange(n + 1))
    for i in np.unique(rows).tolist():  # rows without a later neighbour only ever lead themselves
        if owner[i] >= 0:
            continue
        owner[i] = i
        later = cols[starts[i] : starts[i + 1]]
        later = later[owner[later] < 0]
        owner[later] = i
    alone = owner < 0
    owner[alone] = np.flatnonzero(alone)
    return owner


def _exact_owners(v: np.ndarray, threshold: float) -> np.ndarray:
    """The leader of each row: blockwise exact similarities against the later rows."""
    n = v.shape[0]
    owner = np.full(n, -1, dtype=np.int64)
    cut = threshold - _EPS
    for start in range(0, n, _ROW_BLOCK):
        stop = min(start + _ROW_BLOCK, n)
        rows = np.flatnonzero(owner[start:stop] < 0) + start
        if rows.size == 0:
            continue
        sims = v[rows] @ v[start:].T
        for local, i in enumerate(rows):
            if owner[i] >= 0:
                continue
            owner[i] = i
            later = sims[local, i - start + 1 :]
            hits = np.flatnonzero(later >= cut) + i + 1
            if hits.size:
                hits = hits[owner[hits] < 0]
                owner[hits] = i
    return owner


def merge_statements(
    statements: Sequence[Statement],
    vectors: np.ndarray,
    articles: Sequence[Article],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    event_of: Mapping[str, str] | None = None,
) -> tuple[list[MergedStatement], np.ndarray]:
    """Merge near-duplicate statements; each keeps the sources of every article (and copy) that carries it.

    With `event_of` (article id -> event id, e.g. its summit), statements merge only within one event:
    a series repeats its sentences every edition ("Iran joined at the Dushanbe summit"), and a statement
    merged across editions would credit one edition's outlets to another's report. Articles it does not
    map are each their own event.

    Statements are ordered by (article order, position); the representative of a group is its earliest
    statement, and the merged vector is the representative's own vector (so later similarity checks
    are made on the exact text that is shown). Merged statements come back in representative order.
    """
    if len(statements) != len(vectors):
        raise ValueError(f"{len(statements)} statements but {len(vectors)} vectors")
    rank = {a.id: i for i, a in enumerate(articles)}
    by_id = {a.id: a for a in articles}
    order = sorted(range(len(statements)), key=lambda i: (rank.get(statements[i].article_id, len(rank)),
                                                          statements[i].position, statements[i].start, i))
    vecs = np.asarray(vectors, dtype=np.float32)
    groups = _grouped(order, vecs, threshold, [event_of.get(statements[i].article_id, statements[i].article_id)
                                               for i in order] if event_of else None)
    merged: list[MergedStatement] = []
    rows: list[int] = []
    for group in groups:
        members = [statements[order[g]] for g in group]
        sources: dict[str, Source] = {}
        for st in members:
            article = by_id.get(st.article_id)
            for src in article.sources_of(st.start, st.end) if article else (Source(article_id=st.article_id, path=""),):
                sources.setdefault(src.article_id, src)
        rep = members[0]
        merged.append(MergedStatement(id=rep.id, text=rep.text, statements=tuple(members),
                                      sources=tuple(sources.values())))
        rows.append(order[group[0]])
    dim = vecs.shape[1] if vecs.ndim == 2 else 0
    return merged, (vecs[rows] if rows else np.zeros((0, dim), dtype=np.float32))
