"""The `nttr` command: run the digest flow, evaluate, benchmark, manage subscribers and send."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
import threading
import time
from pathlib import Path
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from summarizer.errors import ConfigError, MissingInput, NttrError, StateError

if TYPE_CHECKING:
    from summarizer.settings import Settings

log = logging.getLogger("nttr")

app = typer.Typer(
    name="nttr",
    help='No time to read? Faithful, cited, extractive digests of news coverage.',
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def quiet_prefect() -> None:
    """Prefect logs every run at INFO; a user wants our short progress display instead."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TQDM_DISABLE", "1")
    # The temporary server can take over 20 s (Prefect's default) to start on a busy or cold laptop.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    home = os.environ.get("PREFECT_HOME")
    if home:  # Prefect does not create it, and then fails to open its database with a traceback
        Path(home).expanduser().mkdir(parents=True, exist_ok=True)


class HideUserErrors(logging.Filter):
    """Drop Prefect's log of a failed run when the failure is an NttrError (it logs it with a traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], NttrError))


def progress_logging(verbose: bool) -> None:
    """Print the library's progress lines (logger `nttr`) to stderr, one short line each."""
    start = time.monotonic()

    class Progress(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            print(f"  {time.monotonic() - start:6.1f}s  {record.getMessage()}", file=sys.stderr, flush=True)

    logger = logging.getLogger("nttr")
    logger.handlers[:] = [Progress()]
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


@app.command()
def run(
    inputs: Annotated[Optional[list[str]], typer.Argument(help="Folders, files or feed URLs (default: seeds/).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Output folder (default: outputs/<date>/).")] = None,
    budget: Annotated[Optional[int], typer.Option("--budget", help="Words per summary (default 100).")] = None,
    algorithm: Annotated[Optional[str], typer.Option("--algorithm", "-a", help="Summarizer (default nttr).")] = None,
    new: Annotated[bool, typer.Option("--new", help="Only what is new since the last --new digest.")] = False,
    since: Annotated[Optional[dt.datetime], typer.Option(formats=["%Y-%m-%d"], help="Articles published on or after.")] = None,
    until: Annotated[Optional[dt.datetime], typer.Option(formats=["%Y-%m-%d"], help="Articles published on or before.")] = None,
    send: Annotated[bool, typer.Option("--send", help="Email the digest to subscribers afterwards.")] = False,
    as_of: Annotated[
        Optional[dt.datetime], typer.Option("--as-of", formats=["%Y-%m-%d"], help="The day the digest is for (default today).")
    ] = None,
    explain_cleaning: Annotated[
        bool, typer.Option("--explain-cleaning", help="Also print, page by page, what cleaning removed and by which rule.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also print the smaller steps (debug lines).")
    ] = False,
) -> None:
    """Summarize articles into digest.json, digest.md and index.html."""
    quiet_prefect()
    progress_logging(verbose)
    from summarizer.settings import load_settings

    settings = load_settings(budget_words=budget, algorithm=algorithm)  # fail before Prefect starts
    check_algorithm(settings.algorithm)
    given = list(inputs or [])
    check_can_start(given or ["seeds"], out, settings, as_of=as_of.date() if as_of else None,
                    holds_state=new or send, default_inputs=not given)
    from flows.digest import digest_flow
    from flows.runners import task_runner_for

    for name in ("prefect.flow_runs", "prefect.task_runs"):  # our errors get one line from main(), not a traceback
        logging.getLogger(name).addFilter(HideUserErrors())

    from flows import api_lost
    from flows import digest as digest_module

    flow = digest_flow.with_options(task_runner=task_runner_for(settings))
    watch = api_lost.watch()
    digest_module.LAST_RESULT = None
    print(f"nttr: summarizing {describe_inputs(given or ['seeds'])} ...", file=sys.stderr)
    with prefect_api(settings):
        try:
            result = flow(
                inputs=list(inputs or ["seeds"]),
                out=str(out) if out else None,
                budget_words=budget,
                algorithm=algorithm,
                new_only=new,
                since=since.date() if since else None,
                until=until.date() if until else None,
                send_email=send,
                as_of=as_of.date() if as_of else None,
            )
        except Exception as exc:
            if not (watch.lost or api_lost.is_connection_error(exc)):
                raise
            watch.lost = True
            result = digest_module.LAST_RESULT
            if result is None:
                raise StateError("the Prefect server went away during the run, before the outputs were written; "
                                 "run again (it starts a new server)") from None
    report_written(Path(result.out_dir), result.encoded)
    if watch.lost:
        print("nttr: the Prefect server went away during the run: the outputs are complete, "
              "but this run was not recorded in Prefect", file=sys.stderr)
    if explain_cleaning:
        print_cleaning(list(inputs or ["seeds"]), settings.fetch_timeout, settings.fetch_retries)


def check_can_start(
    inputs: list[str], out: Path | None, settings: Settings, *, as_of: dt.date | None, holds_state: bool,
    default_inputs: bool = False,
) -> None:
    """What would make the run fail after minutes of work, checked before any (and before a server starts):
    inputs that do not exist, an output folder that cannot be written, the state store held by another run."""
    from summarizer.files import unwritable_folder
    from summarizer.read.ingest import missing_inputs

    missing = missing_inputs(inputs)
    if missing:
        hint = "; run nttr from its own folder, or name the folders, files or feed URLs to read" if default_inputs else ""
        raise MissingInput(missing, hint)
    if out is not None:
        why = unwritable_folder(out)
        if why:
            raise ConfigError(f"--out {out} {why}")
    else:
        from flows.digest import default_out_dir

        target = default_out_dir(settings, as_of)
        why = unwritable_folder(target)
        if why:
            raise ConfigError(f"the output folder {target} {why} (or set NTTR_OUTPUT_DIR)")
    if holds_state:
        from summarizer.service.state import run_lock

        with run_lock(settings.data_dir, timeout=0):
            pass


def describe_inputs(inputs: list[str], most: int = 3) -> str:
    """The inputs in a few words: each one named when few, else how many files under which folders."""
    if len(inputs) <= most:
        return ", ".join(inputs)
    folders = sorted({str(Path(p).parent) for p in inputs})
    where = f"under {folders[0]}" if len(folders) == 1 else f"in {len(folders)} folders"
    return f"{len(inputs):,} inputs {where}"


def print_cleaning(inputs: list[str], fetch_timeout: float, fetch_retries: int, width: int = 200) -> None:
    """Page by page, what cleaning removed and by which rule (the inputs read again; the digest is untouched)."""
    from collections import Counter

    from summarizer.clean.pages import explain_cleaning
    from summarizer.text.counts import plural
    from summarizer.read.ingest import read_inputs

    got = read_inputs(inputs, fetch_timeout=fetch_timeout, fetch_retries=fetch_retries)
    reports = explain_cleaning(got.articles)
    totals: Counter[str] = Counter()
    untouched = 0
    print("nttr: what cleaning removed, page by page (rule: text):")
    for page in reports:
        name = " · ".join(x for x in (page.path, page.outlet, page.url) if x)
        if page.skipped:
            print(f"  {name}: {page.skipped}")
            continue
        if not page.removed:
            untouched += 1
            continue
        print(f"  {name} (kept {page.kept} paragraphs)")
        for removal in page.removed:
            totals[removal.rule] += 1
            text = " ".join(removal.text.split())
            print(f"    {removal.rule}: {text if len(text) <= width else text[: width - 1] + '…'}")
    summary = ", ".join(f"{rule} {n}" for rule, n in totals.most_common()) or "nothing"
    print(f"  removed: {summary}; {untouched} of {plural(len(reports), 'page')} untouched")


def check_algorithm(name: str) -> None:
    """Fail before Prefect starts on an unknown summarizer. The default is known to exist, and loading the
    registry imports every summarizer (NLTK, SciPy: seconds) that a rerun served from the cache never needs."""
    from summarizer.settings import Settings

    if name != Settings.model_fields["algorithm"].default:
        from summarizer.summaries.algorithms import get_algorithm

        get_algorithm(name)


@contextlib.contextmanager
def prefect_api(settings: Settings) -> Iterator[None]:
    """The Prefect API this run reports to: `PREFECT_API_URL` when set; else nttr's background server,
    started by the first run and reused by the next (see flows/server.py); else Prefect's temporary server.

    While a server starts (seconds), the model loads in a thread, so the wait is not lost.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, get_current_settings, temporary_settings

    url = get_current_settings().api.url
    if url:
        from flows import server

        if not server.answers(url.rstrip("/")):
            raise ConfigError(
                f"the Prefect API at {url} (PREFECT_API_URL) does not answer; start that server, "
                "or unset PREFECT_API_URL to let nttr run its own"
            )
        yield
        return
    if settings.prefect_server == "background":
        from flows import server

        try:
            got = server.ensure_server(
                settings.data_dir,
                idle_hours=settings.prefect_server_idle_hours,
                on_start=lambda: load_model_in_background(settings),
            )
        except server.ServerError as exc:
            log.warning("%s; this run uses a temporary Prefect server instead", exc)
        else:
            if got.started:
                log.info("started a Prefect server in the background at %s (pid %d); `nttr server stop` stops it",
                         got.record.ui_url, got.record.pid)
            command = " ".join(["nttr", *sys.argv[1:]]) if sys.argv[1:] else "nttr run"
            # One retry, not five with backoff (minutes): a loopback server that refuses is gone, not busy.
            local = {PREFECT_API_URL: got.record.api_url, PREFECT_CLIENT_MAX_RETRIES: 1}
            with server.registered_run(settings.data_dir, command), temporary_settings(local):
                yield
            return
    with one_run_per_prefect_home():
        load_model_in_background(settings)
        yield


def load_model_in_background(settings: Settings) -> threading.Thread:
    """Load the embedding model in a thread while Prefect's temporary server starts in its own process.

    The run's embedding tasks share this model (one per process); if loading fails, they load it again
    and report the error themselves.
    """
    from flows.tasks import embedder_for

    def load() -> None:
        with contextlib.suppress(Exception):
            embedder_for(settings.model, settings.batch_size, settings.embed_precision).loaded()

    thread = threading.Thread(target=load, name="nttr-model-warm-up", daemon=True)
    thread.start()
    return thread


@contextlib.contextmanager
def one_run_per_prefect_home(timeout: float = 3600.0) -> Iterator[None]:
    """Queue runs that share a Prefect home: two temporary Prefect servers starting at once on a new
    home race on its database migrations (and one dies with a traceback)."""
    from filelock import FileLock, Timeout

    home = Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()
    home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(home / "nttr-run.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(f"nttr: waiting for another nttr run using {home} to finish ...", file=sys.stderr)
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise StateError(f"another nttr run has held {home} for {timeout:.0f} s; try again later") from None
    try:
        yield
    finally:
        lock.release()


def report_written(out_dir: Path, encoded: int) -> None:
    """The closing lines of a run: what was written, and what was skipped."""
    import json

    data = json.loads((out_dir / "digest.json").read_text(encoding="utf-8"))
    stats = data["stats"]
    from summarizer.text.counts import plural

    print(
        f"nttr: {plural(stats['articles'], 'article')}, {plural(stats['statements'], 'statement')} "
        f"({stats['merged_statements']:,} after merging repeats; {encoded:,} newly encoded) -> "
        f"{plural(len(data['summits']), 'summit')}, {plural(len(data['themes']), 'theme')}"
    )
    for name in ("digest.json", "digest.md", "index.html"):
        print(f"  wrote {out_dir / name}")
    skipped = [p for p in data["problems"] if p.get("kind", "skipped") == "skipped"]
    warned = [p for p in data["problems"] if p.get("kind", "skipped") == "warning"]
    for found, what in ((skipped, "skipped {}"), (warned, "used {} with a warning")):
        if found:
            print(f"  {what.format(plural(len(found), 'input'))}, listed under 'problems' in digest.json:")
            for p in found[:10]:
                print(f"    {p['path']}: {p['reason']}")
            if len(found) > 10:
                print(f"    ... and {len(found) - 10:,} more")


def register_subcommands() -> None:
    """Commands whose modules live beside this one: evaluation, benchmark, subscribers, sending."""
    import importlib.util

    from flows import cli_mail, cli_server

    if any(getattr(g, "name", None) == "subscribers" for g in app.registered_groups):
        return  # already registered (main() called again in one process)

    app.add_typer(cli_mail.subscribers_app, name="subscribers", help="Manage who gets the digest by email.")
    app.command("send", help="Email a digest to its subscribers, exactly once each.")(cli_mail.send)
    from flows import cli_ops

    app.command("prune", help="Forget digests older than the retention period, and stale cache entries.")(cli_ops.prune)
    app.add_typer(cli_server.server_app, name="server", help="The background Prefect server that runs report to.")
    if importlib.util.find_spec("flows.cli_eval") is not None:
        from flows import cli_eval

        app.add_typer(cli_eval.eval_app, name="eval", help="Measures: summaries (DUC 2004), readability, event grouping, themes.")
        app.command("bench", help="Print speed and memory figures.")(cli_eval.bench)
        app.command("train", help="Fit a learned model: sentence quality (DUC 2004 dev), junk (--fitness), events (`nttr train events`).")(cli_eval.train)


INTERRUPT_GRACE = 2.0
"""Seconds a run may take to wind down after Ctrl-C before it exits anyway (a model call cannot be cut)."""


def honour_interrupt(grace: float = INTERRUPT_GRACE) -> None:
    """Ctrl-C: one `nttr: interrupted` line, Prefect's crash reports silenced, and an exit within `grace` s
    (the work in task threads, such as encoding, would otherwise finish its batch first: ~20 s). Every file
    nttr keeps is written whole and the state store is transactional, so stopping anywhere loses no data."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        return

    def interrupted(signum: int, frame: object) -> None:
        from flows import api_lost

        print("nttr: interrupted", file=sys.stderr, flush=True)
        api_lost.WATCH.quiet = True
        if getattr(interrupted, "seen", False):
            os._exit(130)
        interrupted.seen = True  # type: ignore[attr-defined]
        timer = threading.Timer(grace, lambda: (sys.stderr.flush(), os._exit(130)))
        timer.daemon = True
        timer.start()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)


def main(argv: list[str] | None = None) -> int:
    """The command line, callable in-process: expected failures become one line on stderr and a non-zero
    code, never a traceback. It neither takes over Ctrl-C nor exits the process (`entry` does both)."""
    from flows import api_lost

    api_lost.WATCH.reset()  # a run whose server went away says so; the next run in this process starts afresh
    quiet_prefect()
    register_subcommands()
    try:
        rc = app(args=argv, standalone_mode=False)  # typer.Exit(n) comes back as n in this mode
    except NttrError as exc:
        print(f"nttr: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        from flows import api_lost

        if not api_lost.WATCH.quiet:  # else the signal handler said it
            print("nttr: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:
        return int(exc.code or 0)
    except Exception as exc:  # usage errors arrive here in non-standalone mode
        # typer vendors its own click, so its exceptions are recognised by what they can do, not by class.
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            return code
        if type(exc).__name__ == "Abort":
            return 1
        raise
    return rc if isinstance(rc, int) else 0


def entry() -> None:
    """The `nttr` program: `main`, with Ctrl-C honoured within seconds, and an exit at once when the Prefect
    server went away during the run or Ctrl-C was pressed (Prefect would otherwise spend minutes at exit
    retrying to send the run's events to a server that is gone). Only the program may end its process like
    this: `main` is also called in-process (tests, the soak), where a hard exit would end the caller."""
    from flows import api_lost

    honour_interrupt()
    code = main()
    if api_lost.WATCH.lost or api_lost.WATCH.quiet:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()
