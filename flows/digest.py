"""The digest flow: ingest -> statements -> embed -> dedup -> summits/themes -> summaries -> write."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from pathlib import Path

import numpy as np
from prefect import flow
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote
from pydantic import BaseModel

from flows import api_lost, daily, progress, tasks, workers
from flows.artifacts import publish_artifacts
from summarizer import __version__
from summarizer.text.counts import plural
from summarizer.statements import embed
from summarizer.service import novelty
from summarizer.digest import assemble, headings, sections
from summarizer.errors import NoUsableInput
from summarizer.models import Digest, MergedStatement, RunInfo, SummaryItem
from summarizer.settings import Settings, load_settings
from summarizer.service.state import run_lock

log = logging.getLogger("nttr")

class RunResult(BaseModel):
    """What a run did, beyond the digest itself: where it wrote, and what the model had to encode."""

    out_dir: str
    encoded: int
    cache_hits: int


LAST_RESULT: RunResult | None = None
"""The last run's result in this process, for the CLI when the flow's end could not be reported to Prefect."""

EMBED_BATCH = 512
"""Statements per embedding task: large enough to keep the model busy, small enough to spread over workers."""


def today_in(settings: Settings) -> dt.date:
    """Today in the configured time zone."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(settings.timezone)).date()


def default_out_dir(settings: Settings, today: dt.date | None = None) -> Path:
    """A dated folder under the output folder, dated in the configured time zone."""
    return settings.output_dir / (today or today_in(settings)).isoformat()


@flow(name="nttr", log_prints=False, validate_parameters=True)
def digest_flow(
    inputs: list[str] = ["seeds"],  # noqa: B006 - Prefect parameters are JSON; a list default is copied per run
    out: str | None = None,
    budget_words: int | None = None,
    algorithm: str | None = None,
    new_only: bool = False,
    since: dt.date | None = None,
    until: dt.date | None = None,
    send_email: bool = False,
    as_of: dt.date | None = None,
) -> RunResult:
    """Summarize the articles in `inputs` (only what is new since the last digest, with `new_only`).

    `as_of` is the day the digest is for (default today): it names the default output folder. A `new_only`
    digest already made for the output folder is not made again, only delivered (see flows/daily.py).
    """
    settings = load_settings(budget_words=budget_words, algorithm=algorithm)
    day = as_of or today_in(settings)
    out_dir = Path(out) if out else default_out_dir(settings, day)
    # Runs that read or write the state store hold the data folder's lock: a second one refuses at once.
    lock = run_lock(settings.data_dir, timeout=0) if (new_only or send_email) else contextlib.nullcontext()
    with lock:
        if new_only and daily.already_made(settings, out_dir):
            result = RunResult(out_dir=str(out_dir), encoded=0, cache_hits=0)
        else:
            try:
                result = summarize_into(settings, inputs, out_dir, new_only=new_only, since=since, until=until,
                                        as_of=day, email=send_email)
            finally:
                workers.stop()
        global LAST_RESULT
        LAST_RESULT = result
        if send_email:
            from flows.mail_tasks import send_digest_email

            send_digest_email(str(out_dir))
    return result


def summarize_into(
    settings: Settings,
    inputs: list[str],
    out_dir: Path,
    *,
    new_only: bool,
    since: dt.date | None,
    until: dt.date | None,
    as_of: dt.date | None = None,
    email: bool = False,
) -> RunResult:
    """The pipeline: ingest -> statements -> embed -> merge -> summits, themes -> summaries -> write."""
    settings_json = settings.model_dump_json()  # tasks get settings as JSON: plain, picklable, password masked
    got = tasks.read_inputs(inputs, settings.fetch_timeout, settings.fetch_retries)
    articles, clean_problems = tasks.clean_articles(quote(got.articles), not new_only, str(settings.cache_dir))
    problems = [*got.problems, *clean_problems]
    skipped = {p.path for p in problems if p.kind == "skipped"}  # a warning about an input then skipped says nothing more
    problems = [p for p in problems if p.kind == "skipped" or p.path not in skipped]
    if not articles:
        first = assemble.sorted_problems(problems)[:1]
        why = f": {first[0].path}: {first[0].reason}{', ...' if len(problems) > 1 else ''}" if first else ""
        raise NoUsableInput(", ".join(inputs), f"no usable article ({plural(len(problems), 'input')} skipped{why})")
    articles, notes = novelty.within(articles, since, until)
    fresh = articles
    if new_only:  # each source is new or not on its own (a copy of a story seen yesterday is seen), then merged
        fresh = tasks.select_new_articles(quote(articles), str(settings.state_path))
        articles = tasks.merge_copies(quote(fresh))
        if not articles:
            notes.append(nothing_new_note(settings))

    statements = tasks.split_statements(quote(articles), str(settings.cache_dir))
    texts = [s.text for s in statements]
    # With Dask, the model loads in the workers, not here.
    uncached = 0
    if settings.task_runner == "default":
        uncached = embed.count_uncached(tasks.embedder_for(*embedder_args(settings)).name, texts, settings.cache_dir)
    if uncached:
        prepare_in_background(settings, uncached)
    with progress.bar("encoding", uncached):
        vectors, encoded, hits = embed_all(texts, settings)
    daily.pause_point("embedded")
    cache = str(settings.cache_dir)
    summits = tasks.group_summits(quote(articles), quote(statements), quote(vectors), cache) if articles else []
    summit_of = assemble.summit_of_articles(summits)
    # Repeats merge within a summit only: an edition's report is not credited to another edition's outlets.
    merged, merged_vectors = tasks.merge_statements(
        quote(statements), quote(vectors), quote(articles), settings.dedup_threshold, quote(summit_of)
    )
    if new_only and merged:
        merged, merged_vectors = tasks.select_new_statements(quote(merged), quote(merged_vectors), settings_json)

    # Summit summaries start now and run while the themes are clustered.
    summit_members = assemble.members_of_summits(merged, summits)
    summit_summaries = submit_summaries(summit_members, merged,
                                        merged_vectors, settings_json)
    clusters = (
        tasks.cluster_themes(quote(merged), quote(merged_vectors), quote(summit_of), settings_json,
                             {s.id: sorted(assemble.event_terms([s])) for s in summits})
        if merged
        else []
    )
    # A theme summary speaks of its theme and does not say again what the summits' summaries said (issue 26):
    # its candidates wait for those summaries.
    summit_done = gather(summit_summaries)
    where = sections.positions(merged)
    said = [i for summary in summit_done for i in sections.indices_of(merged, summary, where)]
    theme_members = [
        sections.said_before(m, merged_vectors, merged_vectors[said])
        for m in sections.on_theme([list(members) for _, members in clusters], merged_vectors)
    ] if clusters else []
    theme_summaries = submit_summaries(theme_members, merged, merged_vectors, settings_json)
    theme_done = gather(theme_summaries)
    # What several sections would repeat is said once, in the first of them.
    once = sections.said_once(
        [*summit_done, *theme_done],
        [merged_vectors[sections.indices_of(merged, s, where)] for s in [*summit_done, *theme_done]],
    )
    summits = assemble.with_summaries(summits, once[: len(summits)])
    # Each event's lead says what happened, and its heading agrees with its sentences (issue 26).
    summits = headings.told_truly(summits, merged, articles, as_of or today_in(settings), merged_vectors,
                                  members=summit_members)
    themes = assemble.with_summaries([theme for theme, _ in clusters], once[len(summits) :])

    digest = Digest(
        run=assemble.stamp(run_info(settings, new_only=new_only, since=since, until=until, as_of=as_of)),
        stats=assemble.count_stats(articles, len(statements), merged),
        articles=tuple(assemble.article_infos(articles, summit_of)),
        summits=tuple(summits),
        themes=tuple(themes),
        unthemed=assemble.left_out(merged, [members for _, members in clusters]),
        problems=assemble.sorted_problems(problems),
        notes=tuple([*notes, *assemble.grouping_notes(summits)]),
    )
    tasks.write_digest(quote(digest), str(out_dir))
    if new_only:
        tasks.record_digest(
            quote(digest), str(out_dir), quote(fresh), quote(merged), str(settings.state_path), email
        )
    if api_lost.api_answers():
        try:
            publish_artifacts(digest, out_dir)
        except Exception as exc:  # the server went away: the outputs are written, only the UI misses them
            if not api_lost.is_connection_error(exc):
                raise
            api_lost.WATCH.lost = True
    log.info("wrote %s", out_dir)
    return RunResult(out_dir=str(out_dir), encoded=encoded, cache_hits=hits)


def nothing_new_note(settings: Settings) -> str:
    """The note of a `--new` digest with nothing new: since when (the last `--new` digest's day)."""
    from summarizer.service.state import StateStore

    with StateStore(settings.state_path) as store:
        days = [d.day or d.created_at.date() for d in store.digests()]
    return f"Nothing new since {max(days).isoformat()}." if days else "Nothing new since the last digest."


def embedder_args(settings: Settings) -> tuple[str, int, str]:
    return settings.model, settings.batch_size, settings.embed_precision


def prepare_in_background(settings: Settings, uncached: int) -> None:
    """`uncached` statements need encoding: load the model now, and meanwhile import what the stages after it
    need, and start the summary workers (flows/workers.py) when encoding lasts long enough to hide their start.

    Loading the model keeps about one core busy; the imports of summit grouping, themes and (unless workers
    write the summaries) the summarizers, scikit-learn, SciPy and NLTK, and the places gazetteer (seconds
    together) use the other, instead of waiting until encoding ends.
    """
    if workers.wanted(settings.summary_workers, uncached):
        workers.start(settings.summary_workers)
    embedder = tasks.embedder_for(*embedder_args(settings))

    def load() -> None:
        with contextlib.suppress(Exception):  # the embedding task loads it again and reports the error itself
            embedder.loaded()

    def imports() -> None:
        with contextlib.suppress(Exception):
            if not workers.running():  # else the workers write the summaries
                import summarizer.summaries.algorithms  # noqa: F401
            import summarizer.events.grouping  # noqa: F401
            import summarizer.themes.clustering  # noqa: F401
            from summarizer.events import places

            places.load(settings.cache_dir)  # summit grouping's gazetteer

    for target in (load, imports):
        threading.Thread(target=target, name=f"nttr-{target.__name__}", daemon=True).start()


def submitted(value: object) -> object:
    """A submitted task's input, wrapped so that Prefect does not walk it looking for futures (a CPU-second
    per run over thousands of statements) when tasks run in threads; as it is under another task runner
    (Dask's client unpacks the wrapper)."""
    context = FlowRunContext.get()
    return quote(value) if context is not None and isinstance(context.task_runner, ThreadPoolTaskRunner) else value


def embed_all(texts: list[str], settings: Settings) -> tuple[np.ndarray, int, int]:
    """Encode in batches spread over the task runner; the cache makes known statements free.

    Each distinct text is encoded once, and the texts go to the model longest first, so each batch holds
    texts of about one length (little padding), as if all were encoded in one call.
    """
    if not texts:  # nothing to encode: no task, and no model to load (seconds)
        log.info("embedded 0 statements")
        return np.zeros((0, 384), np.float32), 0, 0
    distinct = sorted(dict.fromkeys(texts), key=lambda t: (-len(t), t))
    batches = [distinct[i : i + EMBED_BATCH] for i in range(0, len(distinct), EMBED_BATCH)] or [[]]
    futures = [
        tasks.embed_batch.submit(submitted(b), settings.model, settings.batch_size, str(settings.cache_dir),
                                 settings.embed_precision)
        for b in batches
    ]
    results = [f.result() for f in futures]
    found = np.concatenate([r.vectors for r in results if len(r.vectors)] or [np.zeros((0, 384), np.float32)])
    row = {text: i for i, text in enumerate(distinct)}
    vectors = found[[row[t] for t in texts]] if texts else found
    encoded = sum(r.encoded for r in results)
    hits = sum(r.cache_hits for r in results)
    log.info("embedded %s (%d encoded, %d from cache)", plural(len(texts), "statement"), encoded, hits)
    return vectors, encoded, hits


def submit_summaries(
    groups: list[list[int]], merged: list[MergedStatement], vectors: np.ndarray, settings_json: str
) -> list[PrefectFuture | list[SummaryItem]]:
    """One summary per group of merged statements: remembered ones read at once (a task run each would cost
    more than the reading), the others submitted together so they run side by side."""
    settings = Settings.model_validate_json(settings_json)
    out: list[PrefectFuture | list[SummaryItem]] = []
    for idx in groups:
        items = [merged[i] for i in idx]
        known = tasks.remembered_summary(items, settings) if idx else []
        out.append(known if known is not None else
                   tasks.summarize_group.submit(submitted(items), submitted(vectors[idx]), settings_json))
    computed = sum(not isinstance(f, list) for f in out)
    where = f" by {workers.running()} worker processes" if computed and workers.running() else ""
    log.info("%s: %d remembered, %d to write%s", plural(len(out), "summary", "summaries"), len(out) - computed, computed, where)
    return out


def gather(futures: list[PrefectFuture | list[SummaryItem]]) -> list[list[SummaryItem]]:
    """The summaries, in the order of their groups."""
    return [f if isinstance(f, list) else f.result() for f in futures]


def run_info(settings: Settings, **scope: object) -> RunInfo:
    """What the digest says about how it was made."""
    return RunInfo(
        algorithm=settings.algorithm,
        budget_words=settings.budget_words,
        model=settings.model,
        dedup_threshold=settings.dedup_threshold,
        version=__version__,
        **scope,
    )


if __name__ == "__main__":
    digest_flow(inputs=["seeds"])
