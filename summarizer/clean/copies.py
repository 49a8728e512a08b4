"""Copies across outlets: a story republished by several sites becomes one article that credits every outlet.

Two texts are copies when most of the shorter one is found verbatim in the other: the share of its word
5-shingles (lower-cased word 5-grams, Broder's w-shingling) that the other text also has, its *containment*,
is at least `THRESHOLD`. Containment of the smaller text, not Jaccard, because republished copies are cut
short, gain a standfirst or a byline, or open with a new lede. Headers, line breaks, punctuation and merged
paragraphs do not change the shingles.

THRESHOLD = 0.33 sits in an empty gap seen on both dev corpora (`nttr` issue 12):
- realnews-dev (63 pages): the five marked copies have containment 0.41 (a new lede, four paragraphs verbatim),
  0.92, 1.0, 1.0 and 1.0; every other pair is at most 0.20 (pages carrying the same wire reporting in other
  words, sharing a quote or a background sentence).
- DUC 2004 dev (250 AP/NYT/Xinhua documents, 25 topics): 518 same-topic pairs are at most 0.24 (separately
  written reports of one event); the next pair is at 0.43. The 64 pairs at 0.43 to 1.0 are one agency's
  versions of one story (re-sent, or updated "write-throughs" that keep whole paragraphs verbatim).
So distinct reports of one event are never collapsed; versions of one wire story are, exactly like a site
that republishes the story with a new lede.

Copies are grouped transitively (a chain of versions is one story). The longest member is the primary;
the merged article keeps its text and metadata (a missing date filled from a copy; outlet, URL and title
only from a copy with the very same words) and lists every other member in `copies`. Nothing a copy says is lost: its own sentences (those whose shingles are mostly
not in the merged text: a new lede, a later paragraph) are appended to the merged text, and `spans` credits
them to the copies that carry them only. Likewise a sentence of the primary that a copy cut is credited
to the members that carry it, so no outlet is cited for what it did not publish.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Sequence, Sized
from typing import NamedTuple

import numpy as np

from summarizer.models import Article, Source, Span

SHINGLE = 5
THRESHOLD = 0.33
MIN_SHARED = 20
"""Shingles two texts must share at least (about two sentences), so two short texts sharing one sentence
are not copies (the smallest realnews-dev copy shares 79; identical texts are copies however short)."""
SENTENCE_COVERED = 0.5
"""A sentence is carried by a text when at least this share of its shingles is in that text."""
MAX_POSTINGS = 500
"""A shingle found in more texts than this is a stock phrase of the corpus; it is not counted (bounds the work)."""
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """Lower-cased word tokens: what shingles are made of (punctuation, case and line breaks ignored)."""
    return _WORD.findall(text.lower())


def shingles(tokens: Sequence[str], k: int = SHINGLE) -> set[str]:
    """The set of k-word shingles of a token list; a text shorter than k words is one shingle."""
    if len(tokens) < k:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}


_PRIME = np.uint64(1_099_511_628_211)


@functools.lru_cache(maxsize=200_000)
def _word_key(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


class Shingled(NamedTuple):
    """A text as copy detection sees it: its distinct shingles as stable 64-bit keys, and a key of its words
    (texts with the very same words are one story however short). Stable across processes, so it can be
    remembered with the page (`clean.incremental`)."""

    words: int
    keys: np.ndarray


def shingled(text: str, k: int = SHINGLE) -> Shingled:
    """The text's shingle keys: each word's key, then each run of k words combined (a text shorter than k
    words is one shingle, as in `shingles`)."""
    tokens = words(text)
    word_keys = np.fromiter((_word_key(w) for w in tokens), dtype=np.uint64, count=len(tokens))
    with np.errstate(over="ignore"):
        whole = np.uint64(len(tokens))
        for key in word_keys:
            whole = whole * _PRIME + key
        if len(tokens) < k:
            keys = np.array([whole] if tokens else [], dtype=np.uint64)
        else:
            keys = np.zeros(len(tokens) - k + 1, dtype=np.uint64) + np.uint64(k)
            for offset in range(k):
                keys = keys * _PRIME + word_keys[offset : len(tokens) - k + 1 + offset]
    return Shingled(words=int(whole), keys=np.unique(keys).view(np.int64))


def shared_counts(keys: Sequence[np.ndarray]) -> dict[tuple[int, int], int]:
    """Shingles shared by each pair of texts that share any (each text's distinct shingle keys): a sparse
    texts x shingles product, no all-pairs loop."""
    from scipy import sparse

    if len(keys) < 2:
        return {}
    rows = np.repeat(np.arange(len(keys)), [len(k) for k in keys])
    _, cols, df = np.unique(np.concatenate(keys), return_inverse=True, return_counts=True)
    keep = (df[cols] > 1) & (df[cols] <= MAX_POSTINGS)
    if not keep.any():
        return {}
    matrix = sparse.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int32), (rows[keep], cols[keep])), shape=(len(keys), len(df))
    )
    product = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    return {(int(i), int(j)): int(n) for i, j, n in zip(product.row, product.col, product.data) if n}


def containment(shared: int, a: Sized, b: Sized) -> float:
    """Share of the smaller set's shingles that the other set also has."""
    smaller = min(len(a), len(b))
    return shared / smaller if smaller else 0.0


def copy_pairs(texts: Sequence[str], *, threshold: float = THRESHOLD) -> list[tuple[int, int, float]]:
    """Pairs (i, j, containment) of texts that are copies of each other, i < j, sorted."""
    return copy_pairs_of([shingled(t) for t in texts], threshold=threshold)


def copy_pairs_of(found: Sequence[Shingled], *, threshold: float = THRESHOLD) -> list[tuple[int, int, float]]:
    """`copy_pairs` of texts already shingled."""
    pairs = []
    for (i, j), shared in sorted(shared_counts([f.keys for f in found]).items()):
        value = containment(shared, found[i].keys, found[j].keys)
        if shared >= MIN_SHARED and value >= threshold:
            pairs.append((i, j, value))
    return pairs


def copy_groups(texts: Sequence[str], *, threshold: float = THRESHOLD) -> list[list[int]]:
    """Partition of the texts into copy groups (singletons too), each sorted, ordered by first member."""
    return copy_groups_of([shingled(t) for t in texts], threshold=threshold)


def copy_groups_of(found: Sequence[Shingled], *, threshold: float = THRESHOLD) -> list[list[int]]:
    """`copy_groups` of texts already shingled (`shingled`)."""
    parent = list(range(len(found)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first: dict[int, int] = {}
    for i, f in enumerate(found):  # the same words, however short, are always one story
        join(first.setdefault(f.words, i), i)
    for i, j, _ in copy_pairs_of(found, threshold=threshold):
        join(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(found)):
        groups[root(i)].append(i)
    return [groups[r] for r in sorted(groups)]


def _carried(tokens: list[str], found: set[str], joined: str) -> bool:
    """Whether a sentence (its tokens) is carried by a text (its shingle set, and its tokens joined)."""
    if len(tokens) < SHINGLE:
        return f" {' '.join(tokens)} " in joined
    own = shingles(tokens)
    return len(own & found) >= SENTENCE_COVERED * len(own)


def merge_group(members: list[Article]) -> Article:
    """One article for a copy group: the primary's text and metadata, the copies' own sentences, credits."""
    from summarizer.text.sentences import split_statements

    order = sorted(range(len(members)), key=lambda i: (-len(words(members[i].text)), members[i].path, members[i].id, i))
    primary = members[order[0]]
    others = [members[i] for i in order[1:]]
    sets = {m.id: shingles(words(m.text)) for m in members}
    joined = {m.id: f" {' '.join(words(m.text))} " for m in members}

    def carriers(text: str) -> tuple[str, ...]:
        tokens = words(text)
        return tuple(m.id for m in members if _carried(tokens, sets[m.id], joined[m.id]))

    every = tuple(m.id for m in members)
    spans: list[Span] = []
    for st in split_statements(primary):
        ids = tuple(dict.fromkeys((primary.id, *carriers(st.text))))
        if set(ids) != set(every):
            spans.append(Span(start=st.start, end=st.end, article_ids=ids))
    text = primary.text
    merged_set = set(sets[primary.id])
    merged_joined = joined[primary.id]
    for other in others:
        runs: list[tuple[int, int]] = []
        last_paragraph = -1
        for st in split_statements(other):
            tokens = words(st.text)
            if _carried(tokens, merged_set, merged_joined):
                last_paragraph = -1
                continue
            if runs and st.paragraph == last_paragraph:
                runs[-1] = (runs[-1][0], st.end)
            else:
                runs.append((st.start, st.end))
            last_paragraph = st.paragraph
        for start, end in runs:
            piece = other.text[start:end]
            text += "\n\n"
            ids = tuple(dict.fromkeys((other.id, *(i for i in carriers(piece) if i != primary.id))))
            spans.append(Span(start=len(text), end=len(text) + len(piece), article_ids=ids))
            text += piece
        merged_set |= sets[other.id]
        merged_joined += joined[other.id]
    update: dict[str, object] = {}
    for other in others:
        # What the story is (date, summit, language) may come from any copy; who published it and under which
        # headline only from a copy with the very same words (the same file twice), never from another outlet.
        same = joined[other.id] == joined[primary.id]
        fields = ("title", "outlet", "url", "published", "summit", "language") if same else ("published", "summit", "language")
        for field in fields:
            if getattr(primary, field) is None and field not in update and getattr(other, field) is not None:
                update[field] = getattr(other, field)
    copies: list[Source] = list(primary.copies)
    for other in others:
        copies.extend(other.sources)
    unique = tuple({s.article_id: s for s in reversed(copies) if s.article_id != primary.id}.values())[::-1]
    return primary.model_copy(update={**update, "text": text, "copies": unique, "spans": tuple(spans)})


def merge_copies(
    articles: Sequence[Article],
    *,
    threshold: float = THRESHOLD,
    found: Sequence[Shingled] | None = None,
    merger: Callable[[list[Article]], Article] | None = None,
) -> list[Article]:
    """Collapse each group of copies into one article that credits every member; order of first members kept.

    `found`: the articles' texts already shingled; `merger`: `merge_group` remembered (clean.incremental).
    """
    found = [shingled(a.text) for a in articles] if found is None else found
    merged: list[Article] = []
    for group in copy_groups_of(found, threshold=threshold):
        members = [articles[i] for i in group]
        merged.append(members[0] if len(members) == 1 else (merger or merge_group)(members))
    return merged
