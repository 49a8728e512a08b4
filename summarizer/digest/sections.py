"""What each section of a digest may say: a theme's summary speaks of its theme, and a point is said once.

- **On the theme**: a theme summary draws only on the theme's statements that lie closer to the theme's centre
  than to any other theme's (`on_theme`); the seeds' "Nuclear power" no longer takes sentences about terrorism.
- **Said once**: a sentence that says again (cosine at or above `SAID_COSINE`) what a section before it said
  is not said again (`said_before` keeps it out of a theme's candidates; `said_once` drops it from a finished
  summary, and with it any sentence whose opening word now has nothing before it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from summarizer.models import MergedStatement, SummaryItem
from summarizer.summaries.algorithms.coherence import opener

SAID_COSINE = 0.8
"""Cosine (all-MiniLM-L6-v2) at which a sentence says what another section said (issue 26's measure)."""


def on_theme(members: Sequence[Sequence[int]], vectors: np.ndarray) -> list[list[int]]:
    """Each theme's members (indices into `vectors`, L2-normalised rows) closer to its own centre than to any
    other theme's; a theme keeps all its members when none would be left."""
    vectors = np.asarray(vectors, dtype=np.float32)
    centres = []
    for m in members:
        c = vectors[list(m)].mean(axis=0) if len(m) else np.zeros(vectors.shape[1], dtype=np.float32)
        norm = float(np.linalg.norm(c))
        centres.append(c / norm if norm else c)
    if len(centres) < 2:
        return [list(m) for m in members]
    centre = np.vstack(centres)
    out = []
    for t, m in enumerate(members):
        if not len(m):
            out.append([])
            continue
        nearest = np.argmax(vectors[list(m)] @ centre.T, axis=1)
        kept = [i for i, n in zip(m, nearest) if n == t]
        out.append(kept or list(m))
    return out


def said_before(
    candidates: Sequence[int], vectors: np.ndarray, said: np.ndarray, *, threshold: float = SAID_COSINE
) -> list[int]:
    """The candidates (indices into `vectors`) that do not say again what the rows of `said` say."""
    said = np.asarray(said, dtype=np.float32)
    if not len(candidates) or not len(said):
        return list(candidates)
    sims = np.asarray(vectors, dtype=np.float32)[list(candidates)] @ said.T
    return [i for i, s in zip(candidates, sims.max(axis=1)) if s < threshold]


def said_once(
    summaries: Sequence[Sequence[SummaryItem]], vectors: Sequence[np.ndarray], *, threshold: float = SAID_COSINE
) -> list[list[SummaryItem]]:
    """The summaries, in digest order, without the sentences an earlier section said (`vectors`: each summary's
    sentence embeddings); a sentence whose opening word refers back goes too when what came before it went."""
    out: list[list[SummaryItem]] = []
    kept_vectors: list[np.ndarray] = []
    for summary, rows in zip(summaries, vectors, strict=True):
        rows = np.asarray(rows, dtype=np.float32)
        earlier = np.vstack(kept_vectors) if kept_vectors else np.zeros((0, rows.shape[1] if rows.ndim == 2 else 1))
        keep: list[int] = []
        for k, item in enumerate(summary):
            if len(earlier) and float((earlier @ rows[k]).max()) >= threshold:
                continue
            if opener(item.text) is not None and (not keep or keep[-1] != k - 1):
                continue
            keep.append(k)
        out.append([summary[k] for k in keep])
        if keep:
            kept_vectors.append(rows[keep])
    return out


def positions(items: Sequence[MergedStatement]) -> dict[str, int]:
    """Each wording's index in `items` (the first item with it)."""
    where: dict[str, int] = {}
    for i, item in enumerate(items):
        where.setdefault(item.text, i)
    return where


def indices_of(items: Sequence[MergedStatement], summary: Sequence[SummaryItem],
               where: Mapping[str, int] | None = None) -> list[int]:
    """The indices in `items` of a summary's sentences (by wording; the first item with it); `where`:
    `positions(items)`, when several summaries are looked up in the same items."""
    where = positions(items) if where is None else where
    return [where[s.text] for s in summary if s.text in where]
