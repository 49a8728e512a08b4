"""The digest flow: ingest -> statements -> embed -> dedup -> summits/themes -> summaries -> write."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import numpy as np
from prefect import flow
from pydantic import BaseModel

from flows import tasks
from summarizer import __version__
from summarizer import digest as assemble
from summarizer.errors import NoUsableInput
from summarizer.models import Digest, RunInfo
from summarizer.settings import Settings, load_settings

log = logging.getLogger("nttr")

class RunResult(BaseModel):
    """What a run did, beyond the digest itself: where it wrote, and what the model had to encode."""

    out_dir: str
    encoded: int
    cache_hits: int


EMBED_BATCH = 512
"""Statements per embedding task: large enough to keep the model busy, small enough to spread over workers."""


def default_out_dir(settings: Settings, today: dt.date | None = None) -> Path:
    """A dated folder under the output folder, dated in the configured time zone."""
    from zoneinfo import ZoneInfo

    today = today or dt.datetime.now(ZoneInfo(settings.timezone)).date()
    return settings.output_dir / today.isoformat()


@flow(name="nttr", log_prints=False, validate_parameters=True)
def digest_flow(
    inputs: list[str] = ["seeds"],  # noqa: B006 - Prefect parameters are JSON; a list default is copied per run
    out: str | None = None,
    budget_words: int | None = None,
    algorithm: str | None = None,
) -> RunResult:
    """Summarize every article in `inputs` into a digest folder."""
    settings = load_settings(budget_words=budget_words, algorithm=algorithm)
    out_dir = Path(out) if out else default_out_dir(settings)

    got = tasks.read_inputs(inputs)
    articles, clean_problems = tasks.clean_articles(got.articles)
    problems = [*got.problems, *clean_problems]
    if not articles:
        raise NoUsableInput(", ".join(inputs), f"no usable article ({len(problems)} inputs skipped; see above)")

    statements = tasks.split_statements(articles)
    vectors, encoded, hits = embed_all([s.text for s in statements], settings)
    merged, merged_vectors = tasks.merge_statements(statements, vectors, articles, settings.dedup_threshold)

    summits = tasks.group_summits(articles, statements, vectors)
    summit_of = assemble.summit_of_articles(summits)
    clusters = tasks.cluster_themes(merged, merged_vectors, summit_of)

    def summarize(items, vecs):
        return tasks.summarize_group(items, vecs, settings.algorithm, settings.budget_words, settings.max_similarity)

    summits = assemble.summarize_summits(summits, merged, merged_vectors, summarize)
    themes = assemble.summarize_themes(
        [c.theme for c in clusters], [c.members for c in clusters], merged, merged_vectors, summarize
    )

    digest = Digest(
        run=assemble.stamp(run_info(settings)),
        stats=assemble.count_stats(articles, len(statements), merged),
        articles=tuple(assemble.article_infos(articles, summit_of)),
        summits=tuple(summits),
        themes=tuple(themes),
        problems=assemble.sorted_problems(problems),
        notes=tuple(assemble.grouping_notes(summits)),
    )
    tasks.write_digest(digest, str(out_dir))
    log.info("wrote %s", out_dir)
    return RunResult(out_dir=str(out_dir), encoded=encoded, cache_hits=hits)


def embed_all(texts: list[str], settings: Settings) -> tuple[np.ndarray, int, int]:
    """Encode in batches spread over the task runner; the cache makes known statements free."""
    batches = [texts[i : i + EMBED_BATCH] for i in range(0, len(texts), EMBED_BATCH)] or [[]]
    futures = [
        tasks.embed_batch.submit(b, settings.model, settings.batch_size, str(settings.cache_dir)) for b in batches
    ]
    results = [f.result() for f in futures]
    vectors = np.concatenate([r.vectors for r in results if len(r.vectors)] or [np.zeros((0, 384), np.float32)])
    encoded = sum(r.encoded for r in results)
    hits = sum(r.cache_hits for r in results)
    log.info("embedded %d statements (%d encoded, %d from cache)", len(texts), encoded, hits)
    return vectors, encoded, hits


def run_info(settings: Settings) -> RunInfo:
    """What the digest says about how it was made."""
    return RunInfo(
        algorithm=settings.algorithm,
        budget_words=settings.budget_words,
        model=settings.model,
        dedup_threshold=settings.dedup_threshold,
        version=__version__,
    )


if __name__ == "__main__":
    digest_flow(inputs=["seeds"])
