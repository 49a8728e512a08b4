"""`nttr prune` and `nttr soak`: keep a long-running service small, and play a month of it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from flows.cli_mail import one_line_errors


def prune(
    older_than: Annotated[
        Optional[str], typer.Option("--older-than", help="Age such as 90d or 12w (default: NTTR_RETENTION_DAYS).")
    ] = None,
) -> None:
    """Forget digests older than the retention period, and cache entries nothing kept needs."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from summarizer.retention import parse_age, prune as prune_all
    from summarizer.settings import load_settings
    from summarizer.state import run_lock

    with one_line_errors():
        settings = load_settings()
        days = parse_age(older_than) if older_than is not None else settings.retention_days
        with run_lock(settings.data_dir):
            done = prune_all(settings.state_path, settings.cache_dir, settings.model, days=days,
                             today=dt.datetime.now(ZoneInfo(settings.timezone)).date())
    typer.echo(f"nttr: {done.line()}")


def soak(
    days: Annotated[int, typer.Option("--days", min=1, max=3650, help="Simulated days (faults repeat every 30).")] = 30,
    subscribers: Annotated[int, typer.Option("--subscribers", min=2, max=10_000)] = 50,
    workdir: Annotated[
        Optional[Path], typer.Option("--dir", help="Keep everything (state, digests, logs) in this folder.")
    ] = None,
    cron: Annotated[bool, typer.Option("--cron/--no-cron", help="Also let the daily deployment's cron fire twice.")] = True,
    kills: Annotated[bool, typer.Option("--kills/--no-kills", help="SIGKILL the run on two days of each month.")] = True,
) -> None:
    """Play days of daily digests from loopback feeds, through faults; print the figures and the checks."""
    from flows.soak.month import run_soak

    report = run_soak(days, workdir=workdir, subscribers=subscribers, cron=cron, kills=kills,
                      say=lambda line: typer.echo(line, err=True))
    for line in report.lines():
        typer.echo(line)
    if not report.ok:
        raise typer.Exit(1)
