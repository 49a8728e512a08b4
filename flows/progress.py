"""Progress of the long steps: a bar on stderr (rich) when it is a terminal, else a line every few seconds.

The library reports progress through a plain callback (`progress(n)`: n more done); this module draws it.
A task running in this process finds the run's bar in `CURRENT` (a callable cannot be a task parameter:
Prefect would hash it for the cache key).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator

log = logging.getLogger("nttr")

CURRENT: dict[str, Callable[[int], None]] = {}
"""The bars open now, by step name ("encoding"), for tasks that run in this process."""


@contextlib.contextmanager
def bar(step: str, total: int, *, every: float = 5.0) -> Iterator[Callable[[int], None]]:
    """A progress display for `total` units of `step`; yields `advance(n)` (thread-safe)."""
    lock = threading.Lock()
    done = 0
    live = None
    if sys.stderr.isatty() and total > 0:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        live = Progress(TextColumn(f"  {step}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=Console(stderr=True), transient=True)
        task = live.add_task(step, total=total)
        live.start()
    last = time.monotonic()

    def advance(n: int) -> None:
        nonlocal done, last
        with lock:
            done += n
            if live is not None:
                live.update(task, completed=done)
            elif time.monotonic() - last >= every:
                last = time.monotonic()
                log.info("%s: %s of %s", step, f"{done:,}", f"{total:,}")

    CURRENT[step] = advance
    try:
        yield advance
    finally:
        CURRENT.pop(step, None)
        if live is not None:
            live.stop()


@contextlib.contextmanager
def working(step: str) -> Iterator[None]:
    """A step whose length is not known in advance: a spinner with the time elapsed on a terminal, else a line
    when it starts and one when it ends (with the time it took)."""
    start = time.monotonic()
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with Progress(SpinnerColumn(), TextColumn(f"nttr: {step}"), TimeElapsedColumn(),
                      console=Console(stderr=True), transient=True) as live:
            live.add_task(step, total=None)
            yield
    else:
        print(f"nttr: {step} ...", file=sys.stderr, flush=True)
        yield
    print(f"nttr: {step}: done in {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)
