"""`nttr server start|stop|status`: the background Prefect server that `nttr run` starts and reuses."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

server_app = typer.Typer(no_args_is_help=True)


@server_app.command("start")
def start(
    idle_hours: Annotated[
        Optional[float],
        typer.Option("--idle-hours", min=0, help="Stop after this many hours unused; 0: never (default 1)."),
    ] = None,
) -> None:
    """Start the background Prefect server now (`nttr run` starts it when needed anyway)."""
    from flows import server
    from summarizer.settings import load_settings

    settings = load_settings(**({"prefect_server_idle_hours": idle_hours} if idle_hours is not None else {}))
    got = server.ensure_server(settings.data_dir, idle_hours=settings.prefect_server_idle_hours)
    print(f"nttr: Prefect server {'started' if got.started else 'already'} {server.describe(got.record)}")
    note_api_url()


@server_app.command("status")
def status() -> None:
    """Say whether the background Prefect server runs, where, and since when (exit 3 if it does not)."""
    from flows import server
    from summarizer.settings import load_settings

    data_dir = load_settings().data_dir
    note_api_url()
    record = server.read_record(data_dir)
    if record is not None and server.is_running(record):
        if server.answers(record.api_url):
            print(f"nttr: Prefect server {server.describe(record)}")
            return
        print(f"nttr: Prefect server pid {record.pid} runs but does not answer at {record.api_url}; see {record.log}")
        raise typer.Exit(1)
    if record is not None:  # the process is gone: the record is stale
        server.remove_record(data_dir, record.pid)
    print("nttr: no Prefect server runs in the background (the next `nttr run` starts one)")
    raise typer.Exit(3)


@server_app.command("stop")
def stop(
    force: Annotated[bool, typer.Option("--force", help="Stop it even while runs use it (they finish unrecorded).")] = False,
) -> None:
    """Stop the background Prefect server (the next `nttr run` starts it again)."""
    from flows import server
    from summarizer.settings import load_settings
    from summarizer.text.counts import plural

    data_dir = load_settings().data_dir
    runs = server.runs_using(data_dir) if server.read_record(data_dir) is not None else []
    if runs and not force:
        using = "; ".join(f"pid {r.pid} `{r.command}` since {r.started_at}" for r in runs)
        print(f"nttr: the Prefect server is in use by {plural(len(runs), 'run')} ({using}); "
              "wait for it to finish, or `nttr server stop --force`", file=sys.stderr)
        raise typer.Exit(1)
    record = server.stop_server(data_dir)
    if record is None:
        print("nttr: no Prefect server runs in the background")
    else:
        print(f"nttr: stopped the Prefect server at {record.ui_url} (pid {record.pid})")


def note_api_url() -> None:
    """Runs report to PREFECT_API_URL when it is set, whatever the background server does: say so."""
    url = os.environ.get("PREFECT_API_URL")
    if url:
        print(f"nttr: PREFECT_API_URL is set: runs report to {url}, not to the background server")


