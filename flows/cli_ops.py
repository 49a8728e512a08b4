"""`nttr prune`: keep a long-running service small."""

from __future__ import annotations

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

    from summarizer.service.retention import parse_age, prune as prune_all
    from summarizer.settings import load_settings
    from summarizer.service.state import run_lock

    with one_line_errors():
        settings = load_settings()
        days = parse_age(older_than) if older_than is not None else settings.retention_days
        with run_lock(settings.data_dir):
            done = prune_all(settings.state_path, settings.cache_dir, settings.model, days=days,
                             today=dt.datetime.now(ZoneInfo(settings.timezone)).date())
    typer.echo(f"nttr: {done.line()}")
