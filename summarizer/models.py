"""The typed records that flow through the pipeline, from an article on disk to a digest."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator


class Record(BaseModel):
    """Base for every record: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


Format = Literal["txt", "md", "html", "jsonl", "feed"]


class Source(Record):
    """Where a piece of text came from: one article, as a reader would cite it."""

    article_id: str
    path: str
    source_id: str | None = None
    """The input's own id: a JSON line's `id`, a feed item's guid, a file's path relative to the input folder."""
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    published: dt.date | None = None
    """The article's publication date, when known (summaries read in date order)."""


class Span(Record):
    """A stretch of an article's text that only some of its sources carry (`Article.spans`)."""

    start: int
    end: int
    article_ids: tuple[str, ...]


class Article(Record):
    """One article after ingestion and cleaning; `text` is the cleaned body."""

    id: str
    path: str
    format: Format
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: dt.date | None = None
    summit: str | None = None
    language: str | None = None
    copies: tuple[Source, ...] = ()
    """Copies of this story from other files or outlets, collapsed into this article (see `copies.py`)."""
    spans: tuple[Span, ...] = ()
    """Stretches of `text` that only some of `sources` carry (a copy's own lede, a passage a copy cut);
    everything else is carried by every source."""
    feed_item: str | None = None
    """For an article read from a feed: the feed and the entry's id; a later version of the entry shares it."""
    source_id: str | None = None
    """The input's own id (a JSON line's `id`, a feed item's guid, a file's relative path), kept for the digest."""

    @property
    def source(self) -> Source:
        return Source(
            article_id=self.id,
            path=self.path,
            source_id=self.source_id,
            outlet=self.outlet,
            url=self.url,
            title=self.title,
            published=self.published,
        )

    @property
    def sources(self) -> tuple[Source, ...]:
        return (self.source, *self.copies)

    def sources_of(self, start: int, end: int) -> tuple[Source, ...]:
        """The sources that carry `text[start:end]`: those of the span it starts in, else all of them."""
        for span in self.spans:
            if span.start <= start < span.end:
                return tuple(s for s in self.sources if s.article_id in span.article_ids) or self.sources
        return self.sources


class Problem(Record):
    """Something skipped or degraded, and why; reported in the digest, never fatal for the rest."""

    path: str
    reason: str
    stage: str = "ingest"
    kind: Literal["skipped", "warning"] = "skipped"
    """`skipped`: the input (or record) was left out; `warning`: it was used, degraded (a guessed encoding...)."""


class Statement(Record):
    """A sentence of an article, with its place in the cleaned text (`text == article.text[start:end]`)."""

    id: str
    article_id: str
    text: str
    start: int
    end: int
    position: int
    """Index of the sentence within its article, from 0."""
    paragraph: int = 0

    @property
    def words(self) -> int:
        return len(self.text.split())


class MergedStatement(Record):
    """One thing said, after near-duplicates across articles are merged; keeps every source."""

    id: str
    text: str
    """The representative wording, verbatim from `statements[0]`."""
    statements: tuple[Statement, ...]
    sources: tuple[Source, ...]

    @property
    def representative(self) -> Statement:
        return self.statements[0]

    @property
    def outlets(self) -> int:
        """How many distinct outlets (or articles, where the outlet is unknown) reported it."""
        return len({s.outlet or s.article_id for s in self.sources})


class SummaryItem(Record):
    """A summary sentence: verbatim text and every source that reported it."""

    text: str
    sources: tuple[Source, ...]
    outlets: int = Field(1, description="How many distinct outlets reported this statement.")


class Summit(Record):
    """One event (a summit) and the articles about it."""

    id: str
    title: str
    date: dt.date | None = None
    place: str | None = None
    articles: tuple[str, ...]
    note: str | None = None
    """Said when the grouping is uncertain, e.g. no date or place found in the text."""
    date_evidence: str | None = None
    """Where the date comes from: "from the text of 4 pages", "inferred from publication dates only (...)"."""
    place_evidence: str | None = None
    """Where the place comes from: "from the text of 5 pages"."""
    summary: tuple[SummaryItem, ...] = ()


class Theme(Record):
    """A cluster of statements across summits, with a readable label."""

    id: str
    label: str
    """A noun phrase from the member statements, e.g. "Drug trafficking and terrorism"."""
    keywords: tuple[str, ...] = ()
    """The words and phrases that set this theme apart, best first (the label is chosen among them)."""
    summits: tuple[str, ...] = ()
    size: int = 0
    statements: tuple[str, ...] = ()
    """Ids of the merged statements in this theme (`Statement.id` of each representative), in input order."""
    summary: tuple[SummaryItem, ...] = ()


class ArticleInfo(Record):
    """What the digest lists about each article it used."""

    id: str
    path: str
    source_id: str | None = None
    """The input's own id (a JSON line's `id`, a feed item's guid, a file's relative path)."""
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: dt.date | None = None
    summit: str | None = None
    copies: tuple[Source, ...] = ()


class Stats(Record):
    """What the digest was made from. (Cache counters are reported by the run, not here, so that
    a rerun gives a byte-identical digest apart from `run.generated_at`.)"""

    articles: int = 0
    statements: int = 0
    merged_statements: int = 0


class RunInfo(Record):
    """How the digest was made: enough to reproduce it."""

    algorithm: str
    budget_words: int
    model: str
    dedup_threshold: float
    version: str
    generated_at: dt.datetime | None = None
    """The only timestamp in the digest."""
    new_only: bool = False
    since: dt.date | None = None
    until: dt.date | None = None
    as_of: dt.date | None = None
    """The day the digest is for: `nttr run --as-of`, else the day it was made in the settings' time zone."""


class Digest(Record):
    """The whole output of a run: what `digest.json` holds."""

    run: RunInfo
    stats: Stats = Stats()
    articles: tuple[ArticleInfo, ...] = ()
    summits: tuple[Summit, ...] = ()
    themes: tuple[Theme, ...] = ()
    unthemed: tuple[str, ...] = ()
    """Ids of the merged statements that fit no theme: counted, not summarized (BERTopic's outlier topic)."""
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()


class Subscriber(BaseModel):
    """One recipient; empty `themes` / `summits` mean "all of them"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email: EmailStr
    name: str | None = None
    themes: tuple[str, ...] = Field((), description="Theme names or keywords followed; empty = all.")
    summits: tuple[str, ...] = Field((), description="Summit ids, titles, places or years followed; empty = all.")
    active: bool = True
    created_at: dt.datetime | None = None

    @field_validator("email")
    @classmethod
    def _lower_domain(cls, value: str) -> str:
        local, _, domain = value.rpartition("@")
        return f"{local}@{domain.lower()}"

    @field_validator("name")
    @classmethod
    def _one_line_name(cls, value: str | None) -> str | None:
        value = " ".join((value or "").split())
        return value or None

    @field_validator("themes", "summits", mode="before")
    @classmethod
    def _words(cls, value: Any) -> tuple[str, ...]:
        if value is None or value == "":
            return ()
        if isinstance(value, str):
            value = value.replace(";", ",").split(",")
        cleaned = (" ".join(str(v).split()) for v in value)
        return tuple(dict.fromkeys(v for v in cleaned if v))
