"""The month simulation as one command: `python -m tests.soak --days 30` (or `make soak`), from the repository.

It plays days of daily digests from loopback feeds and a local SMTP inbox, through faults, and prints the
figures and checks that tests/test_month.py asserts (`pytest -m slow tests/test_month.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(add_completion=False)


@app.command()
def soak(
    days: Annotated[int, typer.Option("--days", min=1, max=3650, help="Simulated days (faults repeat every 30).")] = 30,
    subscribers: Annotated[int, typer.Option("--subscribers", min=2, max=10_000, help="Subscribers to mail each day.")] = 50,
    workdir: Annotated[
        Optional[Path], typer.Option("--dir", help="Keep everything (state, digests, logs) in this folder.")
    ] = None,
    cron: Annotated[bool, typer.Option("--cron/--no-cron", help="Also let the daily deployment's cron fire twice.")] = True,
    kills: Annotated[bool, typer.Option("--kills/--no-kills", help="SIGKILL the run on two days of each month.")] = True,
) -> None:
    """Play days of daily digests from loopback feeds, through faults; print the figures and the checks."""
    from tests.soak.month import run_soak

    report = run_soak(days, workdir=workdir, subscribers=subscribers, cron=cron, kills=kills,
                      say=lambda line: typer.echo(line, err=True))
    for line in report.lines():
        typer.echo(line)
    if not report.ok:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
