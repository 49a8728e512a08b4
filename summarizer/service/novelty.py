"""What is new since the last digest: unseen articles, unreported statements, and a date range.

Pure functions over the pipeline's records; the state store (`summarizer.service.state.StateStore`) supplies what
earlier digests covered, and the caller records what this digest covers:

    store.unseen_contents({a.id: article_hash(a) for a in articles})  -> ids of new articles
    store.reported_statement_keys(), store.reported_statements()      -> what was already reported

An article is new when neither its id nor its cleaned body was covered before (a moved or renamed file is
not news). An article read from a feed is a version of a feed item (`Article.feed_item`, the entry's guid):
once a version was reported, a later one is news only when its text changed materially, that is when a
word-level diff against the reported version finds at least MATERIAL_WORDS (8) words added or replaced,
about one sentence of news (the summarizer's shortest). A spelling fix, a corrected figure, a new time
stamp or byline, or a deleted paragraph is the same article; the next material change is measured
against the version reported, so small edits that add up do count. Of a materially updated article only
the statements no digest reported before are news (below). A statement is new unless an earlier digest reported it: the same normalised text
(`summarizer.service.state.statement_key`), or a near-duplicate (cosine >= the dedup threshold against the
vectors of the reported statements). The same statement arriving again from a new outlet only adds a
source; it is not news.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from summarizer.errors import ConfigError
from summarizer.text.counts import plural
from summarizer.models import Article, MergedStatement
from summarizer.service.state import statement_key

__all__ = [
    "MATERIAL_WORDS",
    "NewStatements",
    "article_hash",
    "changed_words",
    "is_material_update",
    "new_articles",
    "new_statements",
    "reported_keys_of",
    "within",
]

MATERIAL_WORDS = 8
"""Words added or replaced for an update of a feed item to be news: one sentence's worth."""

ROW_CHUNK = 512
COL_CHUNK = 8192
"""Similarity is computed in blocks of ROW_CHUNK x COL_CHUNK (16 MB of float32): never an n x m matrix."""


def article_hash(article: Article) -> str:
    """Hash of an article's cleaned body (Unicode- and whitespace-normalised): the same text under another
    path or id has the same hash. This is the `content_hash` to record in the state store."""
    norm = " ".join(unicodedata.normalize("NFKC", article.text).split())
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=16).hexdigest()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


def changed_words(old: str, new: str) -> int:
    """How many words of `new` were added or replaced against `old` (case, spacing, punctuation ignored)."""
    matcher = difflib.SequenceMatcher(a=_words(old), b=_words(new), autojunk=False)
    return sum(j2 - j1 for tag, _, _, j1, j2 in matcher.get_opcodes() if tag in ("insert", "replace"))


def is_material_update(old: str, new: str, *, min_words: int = MATERIAL_WORDS) -> bool:
    """Whether a new version of a feed item is news: at least `min_words` words added or replaced."""
    return changed_words(old, new) >= min_words


def new_articles(
    articles: Sequence[Article], seen_ids: Collection[str], versions: Mapping[str, str] | None = None
) -> list[Article]:
    """The articles not covered by an earlier digest, in input order.

    `seen_ids` are ids an earlier digest covered (for example the complement of
    `StateStore.unseen_contents(...)`). An article collapsed with identical copies is seen when the article
    or any of its copies was seen. `versions` ({feed item: text reported}, `StateStore.item_versions`)
    makes an unseen version of a reported feed item new only when it is a material update.
    """
    seen = set(seen_ids)
    versions = versions or {}
    fresh = [a for a in articles if a.id not in seen and not any(c.article_id in seen for c in a.copies)]
    return [
        a for a in fresh
        if a.feed_item is None or a.feed_item not in versions or is_material_update(versions[a.feed_item], a.text)
    ]


class NewStatements(BaseModel):
    """The merged statements of a run split into what is news and what an earlier digest already reported."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    new: list[MergedStatement]
    vectors: np.ndarray
    """Rows of the `vectors` given to `new_statements`, for the new statements only (same order)."""
    new_rows: list[int]
    """Indices of the new statements in the input."""
    repeated: list[MergedStatement]
    """Already reported (same text, or a near-duplicate); a repeat from another outlet only adds a source."""
    repeated_rows: list[int]
    matched: dict[str, str]
    """For each repeated statement (by id): the key of the reported statement it repeats."""


def reported_keys_of(item: MergedStatement) -> list[str]:
    """The statement keys of every wording merged into `item` (representative first, no duplicates)."""
    keys = [statement_key(item.text), *(statement_key(s.text) for s in item.statements)]
    return list(dict.fromkeys(keys))


def _best_match(vectors: np.ndarray, reported: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of `vectors`: (highest cosine against `reported`, index of that reported row); blockwise."""
    n = len(vectors)
    best = np.full(n, -np.inf, dtype=np.float32)
    arg = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(reported) == 0:
        return best, arg
    for r0 in range(0, n, ROW_CHUNK):
        rows = vectors[r0 : r0 + ROW_CHUNK]
        for c0 in range(0, len(reported), COL_CHUNK):
            sims = rows @ reported[c0 : c0 + COL_CHUNK].T
            col = sims.argmax(axis=1)
            top = sims[np.arange(len(rows)), col]
            better = top > best[r0 : r0 + len(rows)]  # strict: the earliest reported statement wins ties
            best[r0 : r0 + len(rows)][better] = top[better]
            arg[r0 : r0 + len(rows)][better] = col[better] + c0
    return best, arg


def new_statements(
    merged: Sequence[MergedStatement],
    reported_keys: Collection[str],
    *,
    vectors: np.ndarray | None = None,
    reported: Sequence[str] = (),
    reported_vectors: np.ndarray | None = None,
    threshold: float = 0.87,
) -> NewStatements:
    """Split merged statements into new ones and ones an earlier digest already reported.

    A statement is already reported when one of its wordings has a key in `reported_keys`
    (`summarizer.service.state.statement_key`), or, when `vectors` (one row per merged statement) and
    `reported_vectors` (one row per key in `reported`, same order) are given, when its vector has
    cosine >= `threshold` with a reported statement's vector. Vectors are L2-normalised rows.
    Order is kept; the result is deterministic.
    """
    keys = set(reported_keys)
    n = len(merged)
    if vectors is not None and len(vectors) != n:
        raise ValueError(f"{n} merged statements but {len(vectors)} vectors")
    rep_vecs = None if reported_vectors is None else np.asarray(reported_vectors, dtype=np.float32)
    if rep_vecs is not None and len(rep_vecs) != len(reported):
        raise ValueError(f"{len(reported)} reported keys but {len(rep_vecs)} reported vectors")
    vecs = None if vectors is None else np.asarray(vectors, dtype=np.float32)

    matched: dict[str, str] = {}
    for item in merged:
        hit = next((k for k in reported_keys_of(item) if k in keys), None)
        if hit is not None:
            matched[item.id] = hit
    if vecs is not None and rep_vecs is not None and len(rep_vecs):
        todo = [i for i, item in enumerate(merged) if item.id not in matched]
        best, arg = _best_match(vecs[todo], rep_vecs) if todo else (np.zeros(0), np.zeros(0, dtype=np.int64))
        for j, i in enumerate(todo):
            if best[j] >= threshold:
                matched[merged[i].id] = reported[int(arg[j])]

    new_rows = [i for i, item in enumerate(merged) if item.id not in matched]
    repeated_rows = [i for i, item in enumerate(merged) if item.id in matched]
    dim = vecs.shape[1] if vecs is not None and vecs.ndim == 2 else 0
    return NewStatements(
        new=[merged[i] for i in new_rows],
        vectors=vecs[new_rows] if vecs is not None else np.zeros((len(new_rows), dim), dtype=np.float32),
        new_rows=new_rows,
        repeated=[merged[i] for i in repeated_rows],
        repeated_rows=repeated_rows,
        matched=matched,
    )


def within(
    articles: Sequence[Article], since: dt.date | None = None, until: dt.date | None = None
) -> tuple[list[Article], list[str]]:
    """The articles published in [since, until] (both inclusive; either may be open), in input order.

    Articles with no known publication date are kept (dropping them silently would lose news) and
    named in a note, which the caller adds to the digest's notes. No range: everything, no note.
    """
    if since is not None and until is not None and since > until:
        raise ConfigError(f"--since {since.isoformat()} is after --until {until.isoformat()}; swap them")
    if since is None and until is None:
        return list(articles), []
    kept: list[Article] = []
    undated: list[Article] = []
    for a in articles:
        if a.published is None:
            undated.append(a)
            kept.append(a)
        elif (since is None or a.published >= since) and (until is None or a.published <= until):
            kept.append(a)
    notes: list[str] = []
    if undated:
        span = f"{since.isoformat() if since else '…'} to {until.isoformat() if until else '…'}"
        names = ", ".join(a.path for a in undated[:5]) + (f" and {len(undated) - 5} more" if len(undated) > 5 else "")
        notes.append(
            f"{plural(len(undated), 'article has', 'articles have')} no publication date, so the range {span} could not be checked; "
            f"they are included: {names}"
        )
    return kept, notes
