"""Thin Prefect tasks: each calls one library function; retries only where there is I/O to retry.

No Prefect result caching (every task here is made with `cache_policy=NO_CACHE`): nttr caches vectors and
summaries itself, and hashing every task's large inputs cost seconds per run. For the same reason the flow
passes large inputs to called (not submitted) tasks wrapped in `quote`; submitted tasks get theirs plain,
since Dask workers receive a quoted value as a bare tuple.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import prefect
from prefect.cache_policies import NO_CACHE

from flows import workers
from summarizer.text.counts import plural
from summarizer import stage_cache
from summarizer.clean import copies
from summarizer.clean import incremental as incremental_clean
from summarizer.statements import dedup
from summarizer.statements import embed
from summarizer.read import ingest
from summarizer.digest import outputs
from summarizer.text import sentences
from summarizer.summaries import summarize
from summarizer.summaries import cache as summary_cache
from summarizer.models import Article, Digest, MergedStatement, Problem, Statement, Summit, SummaryItem, Theme
from summarizer.settings import Settings

# Summit grouping, themes and the summarizers import scikit-learn, SciPy and NLTK (seconds of imports):
# they are imported where they run, so a rerun whose results are all cached never loads them.

log = logging.getLogger("nttr")
task = functools.partial(prefect.task, cache_policy=NO_CACHE)


@functools.lru_cache(maxsize=4)
def embedder_for(model: str, batch_size: int, precision: embed.Precision = "auto") -> embed.Embedder:
    """One model per process, shared by the tasks that run there, loaded only if something needs encoding."""
    return embed.LazyEmbedder(model, batch_size=batch_size, precision=precision)


@task(name="ingest", retries=1, retry_delay_seconds=2)
def read_inputs(paths: Sequence[str], fetch_timeout: float = 10.0, fetch_retries: int = 2) -> ingest.Ingested:
    # Strings, not Paths: a feed URL must keep its "//".
    got = ingest.read_inputs(list(paths), fetch_timeout=fetch_timeout, fetch_retries=fetch_retries)
    skipped = sum(p.kind == "skipped" for p in got.problems)
    log.info("read %s (%s, %s)", plural(len(got.articles), "article"), plural(skipped, "input skipped", "inputs skipped"),
             plural(len(got.problems) - skipped, "warning"))
    return got


@task(name="clean")
def clean_articles(articles: Sequence[Article], merge: bool, cache_dir: str) -> tuple[list[Article], list[Problem]]:
    """Cleaned articles (copies collapsed unless `merge` is off) and what was dropped; remembered by content.

    Cleaning compares the pages of one site, so it is a function of the whole set: a warm rerun over the same
    pages reads the result instead of cleaning again, and a set with a new page cleans again only what the new
    page changes (`clean.incremental`).
    """
    # A --new run passes merge=False: what is new is decided per source first, then copies are collapsed.

    def compute() -> tuple[list[Article], list[Problem]]:
        # A set seen before but for a page or two: each page's work is remembered (clean.incremental).
        memo = stage_cache.Memo(Path(cache_dir), "clean-memo")
        found = incremental_clean.clean_remembered(articles, memo, merge=merge)
        memo.save()
        log.info("cleaning: %s", memo.report())
        return found

    kept, problems = stage_cache.remembered(
        Path(cache_dir), "clean", (list(articles), merge), compute,
        dump=lambda found: {"articles": [a.model_dump(mode="json") for a in found[0]],
                            "problems": [p.model_dump(mode="json") for p in found[1]]},
        load=lambda data: ([Article.model_validate(a) for a in data["articles"]],
                           [Problem.model_validate(p) for p in data["problems"]]),
    )
    if problems:  # with the read line's, these add up to the closing lines' counts
        skipped = sum(p.kind == "skipped" for p in problems)
        log.info("cleaning: %s skipped, %s", plural(skipped, "article"), plural(len(problems) - skipped, "warning"))
    return kept, problems


@task(name="merge-copies")
def merge_copies(articles: Sequence[Article]) -> list[Article]:
    return copies.merge_copies(articles)


@task(name="statements")
def split_statements(articles: Sequence[Article], cache_dir: str) -> list[Statement]:
    """Every article's statements, in order; each article's remembered by its content, so one new article
    is the only one split."""
    each = stage_cache.remembered_each(
        Path(cache_dir), "statements-each", articles, sentences.split_statements,
        dump=lambda found: [s.model_dump(mode="json") for s in found],
        load=lambda data: [Statement.model_validate(s) for s in data],
    )
    found = [s for statements in each for s in statements]
    log.info("split %s into %s", plural(len(articles), "article"), plural(len(found), "statement"))
    return found


@task(name="embed", retries=1, retry_delay_seconds=2)
def embed_batch(
    texts: Sequence[str], model: str, batch_size: int, cache_dir: str, precision: embed.Precision = "auto"
) -> embed.Encoded:
    from flows.progress import CURRENT

    return embed.encode_cached(embedder_for(model, batch_size, precision), list(texts), Path(cache_dir),
                               progress=CURRENT.get("encoding"))


@task(name="merge-duplicates")
def merge_statements(
    statements: Sequence[Statement], vectors: np.ndarray, articles: Sequence[Article], threshold: float,
    summit_of: dict[str, str] | None = None,
) -> tuple[list[MergedStatement], np.ndarray]:
    return dedup.merge_statements(statements, vectors, articles, threshold=threshold, event_of=summit_of)


@task(name="summits")
def group_summits(
    articles: Sequence[Article], statements: Sequence[Statement], vectors: np.ndarray, cache_dir: str
) -> list[Summit]:
    """Summits of these articles; remembered by content, so the same articles are grouped once, and a set with
    one more article reads that article's text only (`events.incremental`)."""

    def compute() -> list[Summit]:
        from summarizer.events import places
        from summarizer.events import grouping as summits

        places.load(Path(cache_dir))  # read, not built, when an earlier run built it
        # A set seen before but for an article or two: each article's and event's work is remembered.
        memo = stage_cache.Memo(Path(cache_dir), "events-memo")
        found = summits.group_summits(articles, statements, vectors, memo=memo)
        memo.save()
        log.info("summits: %s", memo.report())
        return found

    return stage_cache.remembered_models(
        Path(cache_dir), "summits", (list(articles), list(statements), vectors), compute, Summit
    )


class CachedEmbedder:
    """The run's model behind the vector cache: theme-name candidates are encoded once, then reused."""

    def __init__(self, model: str, batch_size: int, cache_dir: str) -> None:
        self.model, self.batch_size, self.cache_dir = model, batch_size, Path(cache_dir)

    def encode(self, texts: list[str]) -> np.ndarray:
        return embed.encode_cached(embedder_for(self.model, self.batch_size), texts, self.cache_dir).vectors


@task(name="themes")
def cluster_themes(
    merged: Sequence[MergedStatement], vectors: np.ndarray, summit_of: dict[str, str], settings_json: str,
    event_terms: dict[str, list[str]] | None = None,
) -> list[tuple[Theme, tuple[int, ...]]]:
    """Themes and their members (indices into `merged`): a base clustered once, the rest assigned (theme_base).

    `event_terms`: the words naming each summit's event, by summit id."""
    s = Settings.model_validate_json(settings_json)
    namer = CachedEmbedder(s.model, s.batch_size, str(s.cache_dir))
    with workers.one_thread_beside():
        return remembered_themes(merged, vectors, summit_of, event_terms or {}, Path(s.cache_dir), s.model,
                                 namer)


def remembered_themes(
    merged: Sequence[MergedStatement], vectors: np.ndarray, summit_of: dict[str, str],
    event_terms: dict[str, list[str]], cache_dir: Path, model: str, namer: object,
) -> list[tuple[Theme, tuple[int, ...]]]:
    """Themes of the whole set remembered by its content (a warm rerun); within, the base by the base's content
    (one more article reuses it): both are functions of their inputs, so no earlier run changes a result."""

    def compute() -> list[tuple[Theme, tuple[int, ...]]]:
        from summarizer.themes import base as theme_base

        def cluster(base: Sequence[MergedStatement], base_vectors: np.ndarray, terms: tuple[str, ...]):
            return stage_cache.remembered(
                cache_dir, "theme-base", (list(base), base_vectors, list(terms), model),
                lambda: theme_base.fit_base(base, base_vectors, terms, embedder=namer),
                dump=theme_base.dump_base, load=theme_base.load_base,
            )

        grown = theme_base.grow_themes(merged, vectors, summit_of=summit_of, event_terms=event_terms, cluster=cluster)
        log.info("themes: base of %d statements, %d assigned (%d fit none)%s", grown.base, grown.assigned,
                 grown.misfits, "; re-clustered whole, by the rule" if grown.reclustered else "")
        return [(c.theme, c.members) for c in grown.clusters]

    return stage_cache.remembered(
        cache_dir, "themes", (list(merged), vectors, dict(summit_of), dict(event_terms), model), compute,
        dump=lambda found: [{"theme": t.model_dump(mode="json"), "members": list(m)} for t, m in found],
        load=lambda data: [(Theme.model_validate(c["theme"]), tuple(int(i) for i in c["members"])) for c in data],
    )


@task(name="summaries")
def summarize_group(
    items: Sequence[MergedStatement], vectors: np.ndarray, settings_json: str
) -> list[SummaryItem]:
    """One summary; its choice is remembered, so an unchanged group is not summarized again."""
    s = Settings.model_validate_json(settings_json)
    knobs = {"algorithm": s.algorithm, "budget_words": s.budget_words, "max_similarity": s.max_similarity}
    key = summary_cache.group_key(items, model=s.model, **knobs)
    chosen = summary_cache.load_choice(s.cache_dir, key, len(items))  # a known key implies a valid algorithm
    if chosen is None:
        chosen = workers.choose(items, vectors, **knobs)  # an unknown algorithm fails here, naming the valid ones
        summary_cache.save_choice(s.cache_dir, key, chosen)
    return summarize.summary_of(items, chosen)


def remembered_summary(items: Sequence[MergedStatement], settings: Settings) -> list[SummaryItem] | None:
    """The summary of `items` when its choice is remembered, else None (then `summarize_group` makes it)."""
    key = summary_cache.group_key(items, model=settings.model, algorithm=settings.algorithm,
                                  budget_words=settings.budget_words, max_similarity=settings.max_similarity)
    chosen = summary_cache.load_choice(settings.cache_dir, key, len(items))
    return None if chosen is None else summarize.summary_of(items, chosen)


@task(name="write", retries=2, retry_delay_seconds=1)
def write_digest(digest: Digest, out_dir: str) -> list[Path]:
    return outputs.write_digest(digest, Path(out_dir))



@task(name="select-new-articles", retries=2, retry_delay_seconds=1)
def select_new_articles(articles: Sequence[Article], state_path: str) -> list[Article]:
    """Keep the articles no earlier digest covered (by id and by content; a feed item only when updated materially)."""
    from summarizer.service import novelty
    from summarizer.service.state import StateStore

    hashes = {a.id: novelty.article_hash(a) for a in articles}
    with StateStore(Path(state_path)) as store:
        unseen = store.unseen_contents(hashes)
        versions = store.item_versions(a.feed_item for a in articles if a.feed_item)
    fresh = novelty.new_articles(articles, set(hashes) - unseen, versions)
    log.info("%d of %s new since the last digest", len(fresh), plural(len(articles), "article is", "articles are"))
    return fresh


@task(name="select-new-statements", retries=2, retry_delay_seconds=1)
def select_new_statements(
    merged: Sequence[MergedStatement], vectors: np.ndarray, settings_json: str
) -> tuple[list[MergedStatement], np.ndarray]:
    """Drop the statements an earlier digest already reported (same text, or a near-duplicate of it)."""
    from summarizer.service import novelty
    from summarizer.service.state import StateStore

    settings = Settings.model_validate_json(settings_json)
    with StateStore(settings.state_path) as store:
        keys = store.reported_statement_keys()
        reported = store.reported_statements()
    reported_vectors = None
    if reported:
        embedder = embedder_for(settings.model, settings.batch_size, settings.embed_precision)
        reported_vectors = embed.encode_cached(embedder, [t for _, t in reported], settings.cache_dir).vectors
    split = novelty.new_statements(
        merged,
        keys,
        vectors=vectors,
        reported=[k for k, _ in reported],
        reported_vectors=reported_vectors,
        threshold=settings.dedup_threshold,
    )
    log.info("%d of %d statements are new (%d already reported)", len(split.new), len(merged), len(split.repeated))
    return split.new, split.vectors


@task(name="record-digest", retries=2, retry_delay_seconds=1)
def record_digest(
    digest: Digest,
    out_dir: str,
    articles: Sequence[Article],
    merged: Sequence[MergedStatement],
    state_path: str,
    email: bool = False,
) -> str:
    """Remember what this digest covered, so the next `--new` digest covers only what came after (and,
    with `email`, that it is owed to the subscribers until every one has it)."""
    from summarizer.service import novelty
    from summarizer.digest.outputs import digest_id
    from summarizer.service.state import StateStore

    ident = digest_id(digest)
    wordings = [t for m in merged for t in dict.fromkeys([m.text, *(s.text for s in m.statements)])]
    with StateStore(Path(state_path)) as store:
        store.record_digest(
            ident,
            out_dir,
            articles={a.id: (novelty.article_hash(a), a.path) for a in articles},
            statements=wordings,
            json_path=str(Path(out_dir) / "digest.json"),
            day=digest.run.as_of,
            items={a.feed_item: (novelty.article_hash(a), a.text) for a in articles if a.feed_item},
            mail_requested=email,
        )
    return ident
