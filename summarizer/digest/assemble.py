"""Assemble the digest: which statements belong to which summit, and the final `Digest` record."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import TypeVar

from summarizer.models import (
    Article,
    ArticleInfo,
    MergedStatement,
    Problem,
    RunInfo,
    Stats,
    Summit,
    SummaryItem,
    Theme,
)


def summit_of_articles(summits: Sequence[Summit]) -> dict[str, str]:
    """Map each article id to the id of its summit."""
    return {article_id: summit.id for summit in summits for article_id in summit.articles}


def event_terms(summits: Sequence[Summit]) -> set[str]:
    """Lower-case words that name the events themselves: each summit's place and the head of its title
    ("CSTO summit" of "CSTO summit, Bishkek, 27 November 2025"). Theme names avoid them."""
    words: set[str] = set()
    for s in summits:
        head = re.split(r"[,:;(]", s.title, maxsplit=1)[0]
        words.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z\-]+", f"{head} {s.place or ''}"))
    return words


def members_of_summit(merged: Sequence[MergedStatement], summit: Summit) -> list[int]:
    """Indices of the merged statements that any article of this summit reported."""
    return members_of_summits(merged, [summit])[0]


def members_of_summits(merged: Sequence[MergedStatement], summits: Sequence[Summit]) -> list[list[int]]:
    """`members_of_summit` of each summit, in one pass over the statements."""
    summit_of = {a: k for k, s in enumerate(summits) for a in s.articles}
    members: list[list[int]] = [[] for _ in summits]
    for i, m in enumerate(merged):
        for k in sorted({summit_of[s.article_id] for s in m.statements if s.article_id in summit_of}):
            members[k].append(i)
    return members


Summarized = TypeVar("Summarized", Summit, Theme)


def left_out(merged: Sequence[MergedStatement], members: Sequence[Sequence[int]]) -> tuple[str, ...]:
    """Ids of the merged statements in no theme (`members`: each theme's indices into `merged`), in input order."""
    inside = {i for m in members for i in m}
    return tuple(m.id for i, m in enumerate(merged) if i not in inside)


def with_summaries(records: Sequence[Summarized], summaries: Sequence[Sequence[SummaryItem]]) -> list[Summarized]:
    """Each summit or theme with its "No time to read?" summary (given in the same order)."""
    return [r.model_copy(update={"summary": tuple(s)}) for r, s in zip(records, summaries, strict=True)]


def article_infos(articles: Sequence[Article], summit_of: Mapping[str, str]) -> list[ArticleInfo]:
    """What the digest lists about each article, in input order."""
    return [
        ArticleInfo(
            id=a.id,
            path=a.path,
            source_id=a.source_id,
            title=a.title,
            outlet=a.outlet,
            url=a.url,
            published=a.published,
            summit=summit_of.get(a.id),
            copies=a.copies,
        )
        for a in articles
    ]


def grouping_notes(summits: Sequence[Summit]) -> list[str]:
    """Say plainly where summits could not be told apart or placed from the text alone."""
    return [f"{s.title}: {s.note}" for s in summits if s.note]


def stamp(run: RunInfo, now: dt.datetime | None = None) -> RunInfo:
    """Set the digest's one timestamp (UTC, whole seconds)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return run.model_copy(update={"generated_at": now.replace(microsecond=0)})


def count_stats(articles: Sequence[Article], statements: int, merged: Sequence[MergedStatement]) -> Stats:
    """What the digest was made from."""
    return Stats(articles=len(articles), statements=statements, merged_statements=len(merged))


def sorted_problems(problems: Sequence[Problem]) -> tuple[Problem, ...]:
    """Problems in a stable order (by path, then stage), duplicates removed."""
    return tuple(sorted(set(problems), key=lambda p: (p.path, p.stage, p.reason)))
