"""Statements as columns: ids, texts and offsets as arrays, one row per statement, for sets too large for a
model per statement.

A million `Statement` models cost about 1.8 GB before any work is done; a `StatementTable` of the same
million keeps their ids and texts as UTF-8 buffers with offsets (`Strings`) and their articles, positions
and character offsets as integer arrays (about 0.2 GB for a million 100-character statements). Vectors stay
a separate float32 array, as everywhere in the library. `merge_table` finds the same near-duplicate groups
as `dedup.merge_statements`, in the same order, as arrays (`MergedTable`); `MergedTable.records()` is a
read-only sequence of light records that themes can cluster (`themes.Clusterable`: id, text, the
statements' articles), made one at a time when read. Small sets keep the model API:
`StatementTable.of(statements, articles)` and `MergedTable.merged_statements(articles)` convert both ways.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, overload

import numpy as np

from summarizer.models import Article, MergedStatement, Source, Statement
from summarizer.statements.dedup import (
    DEFAULT_THRESHOLD,
    EXACT_LIMIT,
    _exact_owners,
    owners_from_pairs,
)

_BLOCK = 65_536


@dataclass(frozen=True, eq=False)
class Strings(Sequence[str]):
    """Many strings in one UTF-8 buffer: string i is `buffer[offsets[i]:offsets[i + 1]]`, decoded when read."""

    buffer: np.ndarray
    """uint8, the strings' UTF-8 bytes end to end."""
    offsets: np.ndarray
    """int64, one more than there are strings, from 0 to len(buffer)."""

    @classmethod
    def of(cls, strings: Iterable[str]) -> Strings:
        """The strings, encoded a block at a time (never a Python list of all of them)."""
        parts: list[np.ndarray] = []
        lengths: list[np.ndarray] = []
        block: list[bytes] = []

        def flush() -> None:
            parts.append(np.frombuffer(b"".join(block), dtype=np.uint8))
            lengths.append(np.fromiter((len(b) for b in block), dtype=np.int64, count=len(block)))
            block.clear()

        for s in strings:
            block.append(s.encode("utf-8"))
            if len(block) >= _BLOCK:
                flush()
        if block or not parts:
            flush()
        offsets = np.zeros(sum(len(x) for x in lengths) + 1, dtype=np.int64)
        np.cumsum(np.concatenate(lengths), out=offsets[1:])
        return cls(buffer=np.concatenate(parts), offsets=offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = _index(i, len(self))
        return self.buffer[self.offsets[i] : self.offsets[i + 1]].tobytes().decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self)):
            yield self[i]


@dataclass(frozen=True, eq=False)
class StatementTable:
    """Statements as columns, row i one statement (the fields of `Statement`, vectors kept apart)."""

    ids: Strings
    texts: Strings
    article_ids: tuple[str, ...]
    """The articles, in reading order (the order `merge_statements` is given them)."""
    article: np.ndarray
    """int32: each statement's article, an index into `article_ids`."""
    position: np.ndarray
    start: np.ndarray
    end: np.ndarray
    paragraph: np.ndarray
    read_articles: int = -1
    """How many of `article_ids` (the first ones) were in the articles given; the rest sort after them,
    as `merge_statements` sorts statements of articles it was not given. -1: all of them."""

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in ("texts", "article", "position", "start", "end", "paragraph"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{n} statement ids but {len(getattr(self, name))} {name}")

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, statements: Sequence[Statement], articles: Sequence[Article] = ()) -> StatementTable:
        """The table of these statements; `articles` (reading order) rank them as `merge_statements` does."""
        names = [a.id for a in articles]
        index = {a: i for i, a in enumerate(names)}
        read = len(names)
        for s in statements:
            if s.article_id not in index:
                index[s.article_id] = len(names)
                names.append(s.article_id)
        return cls(
            ids=Strings.of(s.id for s in statements),
            texts=Strings.of(s.text for s in statements),
            article_ids=tuple(names),
            article=np.fromiter((index[s.article_id] for s in statements), dtype=np.int32, count=len(statements)),
            position=np.fromiter((s.position for s in statements), dtype=np.int32, count=len(statements)),
            start=np.fromiter((s.start for s in statements), dtype=np.int64, count=len(statements)),
            end=np.fromiter((s.end for s in statements), dtype=np.int64, count=len(statements)),
            paragraph=np.fromiter((s.paragraph for s in statements), dtype=np.int32, count=len(statements)),
            read_articles=read,
        )

    def row(self, i: int) -> StatementRow:
        """Statement i as a light record."""
        return StatementRow(self.ids[i], self.article_ids[self.article[i]], self.texts[i], int(self.start[i]),
                            int(self.end[i]), int(self.position[i]), int(self.paragraph[i]))

    def statement(self, i: int) -> Statement:
        """Statement i as the model."""
        return Statement(**self.row(i)._asdict())

    def reading_order(self) -> np.ndarray:
        """Rows sorted as `merge_statements` sorts statements: by article, position, start, then row."""
        read = len(self.article_ids) if self.read_articles < 0 else self.read_articles
        rank = np.minimum(self.article, read)
        return np.lexsort((np.arange(len(self)), self.start, self.position, rank))


def _index(i: int, n: int) -> int:
    """A sequence index made non-negative, as a list reads it; IndexError outside 0..n-1."""
    j = i + n if i < 0 else i
    if not 0 <= j < n:
        raise IndexError(i)
    return j


class StatementRow(NamedTuple):
    """A statement read from a table: the fields of `Statement`, without a model."""

    id: str
    article_id: str
    text: str
    start: int
    end: int
    position: int
    paragraph: int


class MergedRow(NamedTuple):
    """A merged statement read from a `MergedTable` (what themes read: `themes.Clusterable`)."""

    id: str
    text: str
    statements: tuple[StatementRow, ...]


@dataclass(frozen=True, eq=False)
class MergedTable:
    """Near-duplicate groups of a `StatementTable` as arrays: merged statement k is represented by statement
    `rows[k]` and carries statements `members[bounds[k]:bounds[k + 1]]` (reading order, representative first)."""

    statements: StatementTable
    rows: np.ndarray
    members: np.ndarray
    bounds: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)

    def members_of(self, k: int) -> np.ndarray:
        return self.members[self.bounds[k] : self.bounds[k + 1]]

    def records(self) -> MergedRecords:
        """The merged statements as a sequence of light records, made when read."""
        return MergedRecords(self)

    def merged_statements(self, articles: Sequence[Article]) -> list[MergedStatement]:
        """The models `merge_statements` returns for the same input (for small sets: one model each)."""
        by_id = {a.id: a for a in articles}
        out: list[MergedStatement] = []
        for k in range(len(self)):
            members = [self.statements.statement(int(i)) for i in self.members_of(k)]
            sources: dict[str, Source] = {}
            for st in members:
                article = by_id.get(st.article_id)
                for src in article.sources_of(st.start, st.end) if article else (Source(article_id=st.article_id, path=""),):
                    sources.setdefault(src.article_id, src)
            out.append(MergedStatement(id=members[0].id, text=members[0].text, statements=tuple(members),
                                       sources=tuple(sources.values())))
        return out


class MergedRecords(Sequence[MergedRow]):
    """Read-only view of a `MergedTable`: item k is merged statement k as a `MergedRow`."""

    def __init__(self, table: MergedTable) -> None:
        self.table = table

    def __len__(self) -> int:
        return len(self.table)

    @overload
    def __getitem__(self, k: int) -> MergedRow: ...
    @overload
    def __getitem__(self, k: slice) -> list[MergedRow]: ...
    def __getitem__(self, k: int | slice) -> MergedRow | list[MergedRow]:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        k = _index(k, len(self))
        st = self.table.statements
        rows = self.table.members_of(k).tolist()
        statements = tuple(st.row(i) for i in rows)
        return MergedRow(statements[0].id, statements[0].text, statements)

    def __iter__(self) -> Iterator[MergedRow]:
        for k in range(len(self)):
            yield self[k]


def merge_table(
    table: StatementTable,
    vectors: np.ndarray,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    event_of: Mapping[str, str] | None = None,
) -> tuple[MergedTable, np.ndarray]:
    """`dedup.merge_statements` over a table: the same groups, in the same order, as arrays; and the merged
    statements' vectors (each its representative's). Memory: the vectors once more for the merged ones;
    without `event_of`, above `EXACT_LIMIT` rows the statements' vectors are searched where they are, not
    copied into reading order. The caller may drop `vectors` afterwards."""
    n = len(table)
    if n != len(vectors):
        raise ValueError(f"{n} statements but {len(vectors)} vectors")
    vecs = np.asarray(vectors, dtype=np.float32)
    order = table.reading_order()
    leader = np.empty(n, dtype=np.int64)  # per position in reading order: its group's first position
    if event_of:
        events = np.array([event_of.get(a, a) for a in table.article_ids], dtype=object)
        _, code = np.unique(events, return_inverse=True)
        of_position = code[table.article[order]]
        for e in np.unique(of_position).tolist():
            positions = np.flatnonzero(of_position == e)
            leader[positions] = positions[_owners(vecs, order[positions], threshold)]
    else:
        leader[:] = _owners(vecs, order, threshold)
    by_group = np.argsort(leader, kind="stable")  # groups by their first position, members in reading order
    firsts = leader[by_group]
    bounds = np.concatenate([[0], np.flatnonzero(np.diff(firsts)) + 1, [n]]).astype(np.int64) if n else np.zeros(1, np.int64)
    members = order[by_group]
    rows = members[bounds[:-1]]
    merged_vectors = np.empty((len(rows), vecs.shape[1] if vecs.ndim == 2 else 0), dtype=np.float32)
    for a in range(0, len(rows), _BLOCK):
        merged_vectors[a : a + _BLOCK] = vecs[rows[a : a + _BLOCK]]
    return MergedTable(statements=table, rows=rows, members=members, bounds=bounds), merged_vectors


def _owners(vecs: np.ndarray, rows: np.ndarray, threshold: float) -> np.ndarray:
    """The leader of each of `rows` (taken in that order), as positions into `rows`."""
    if len(rows) <= EXACT_LIMIT:
        return _exact_owners(np.ascontiguousarray(vecs[rows]), threshold)
    from summarizer.statements.neighbours import approximate_pairs

    if len(rows) == len(vecs):  # every row: search them where they are, then renumber by reading order
        position = np.empty(len(rows), dtype=np.int64)
        position[rows] = np.arange(len(rows))
        a, b = approximate_pairs(vecs, threshold)
        a, b = position[a], position[b]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        order = np.lexsort((hi, lo))
        return owners_from_pairs(len(rows), lo[order], hi[order])
    return owners_from_pairs(len(rows), *approximate_pairs(np.ascontiguousarray(vecs[rows]), threshold))
