"""The daily digest as a service: one digest per output folder, resumed (not made again) after a crash.

A `--new` digest, once recorded in the state store, is final: a run into the same folder (the default
folder is `outputs/<day>`, so a second run the same day, or a restart after a crash) does not summarize
again. It re-reads the digest it wrote and goes on delivering it to whoever has not had it. A run killed
before the digest was recorded leaves nothing behind but whole files, and its rerun makes the digest
again, the same one for the same input.

`NTTR_TEST_PAUSE_AT=STAGE[:N]` makes a run stop for good at a named stage (the N+1-th time it gets there),
so tests can SIGKILL it at a known point: `embedded` (after embedding, before anything is recorded) or
`send` (before each email; `send:20` once 20 were started). `NTTR_TEST_STOP_SERVER_AT=STAGE` stops the
background Prefect server there instead, as `nttr server stop --force` from another shell would.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from summarizer.errors import StateError
from summarizer.digest.outputs import read_digest
from summarizer.settings import Settings
from summarizer.service.state import StateStore

log = logging.getLogger("nttr")
PAUSE_ENV = "NTTR_TEST_PAUSE_AT"
STOP_SERVER_ENV = "NTTR_TEST_STOP_SERVER_AT"

_reached: Counter[str] = Counter()
_reached_lock = threading.Lock()


def pause_point(stage: str) -> None:
    """Stop here for good when NTTR_TEST_PAUSE_AT names this stage (a test then kills the process); stop the
    background Prefect server here when NTTR_TEST_STOP_SERVER_AT names it (the run then goes on without it)."""
    if os.environ.get(STOP_SERVER_ENV) == stage:
        from flows import server
        from summarizer.settings import load_settings

        server.stop_server(load_settings().data_dir)
    wanted = os.environ.get(PAUSE_ENV, "")
    if not wanted:
        return
    name, _, count = wanted.partition(":")
    if name != stage:
        return
    with _reached_lock:
        _reached[stage] += 1
        seen = _reached[stage]
    if seen <= (int(count) if count.isdigit() else 0):
        return
    print(f"nttr: paused at {stage} ({PAUSE_ENV}); waiting to be killed", file=sys.stderr, flush=True)
    while True:
        time.sleep(3600)


def already_made(settings: Settings, out_dir: Path) -> Path | None:
    """The folder of the daily digest already recorded for `out_dir`, or None when there is none yet.

    Raises StateError when it was recorded but its digest.json is gone (it cannot be delivered or redone).
    """
    if not settings.state_path.exists():
        return None
    with StateStore(settings.state_path) as store:
        record = store.daily_digest_in(out_dir)
    if record is None:
        return None
    folder = Path(record.out_dir)
    try:
        read_digest(folder)
    except Exception:  # noqa: BLE001 - any unreadable digest gets the same one line
        raise StateError(
            f"{folder}: the digest of {record.date} was made (id {record.id}) but its digest.json is missing or"
            " damaged; restore it, or write today's digest elsewhere with --out"
        ) from None
    log.info("the digest for %s was already made (%s); not made again", folder, record.id)
    return folder
