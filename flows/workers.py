"""Summary workers: processes that write a run's summaries while the flow clusters its themes.

A summary is mostly Python (sentence features, concept counts, the integer program's set-up) around a solver
that holds the GIL part of the time, so in threads the summaries and the themes take turns on one core. In
worker processes they use every core (docs/speed.md says what this saves on DUC 2004 dev).

The pool is loky's (joblib's process pool): fresh processes that do not re-run this program's `__main__`, so a
script that calls the flow without a main guard is safe. A run starts them while the model encodes, when it has
at least `WORTH_FROM` statements to encode: then encoding hides the workers' start (their imports, about 2 CPU-s
each), and there are many summaries to write. A run with less to encode (one more article: a few summaries)
writes its summaries in its own threads, which cost less than starting processes. A summary is the same wherever
it is computed; if a worker dies, that summary and the rest are computed in this process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import BrokenExecutor
from typing import TYPE_CHECKING

import numpy as np

from summarizer.summaries import summarize
from summarizer.models import MergedStatement

if TYPE_CHECKING:
    from loky.reusable_executor import _ReusablePoolExecutor

log = logging.getLogger("nttr")

WORTH_FROM = 1_000
"""Statements to encode from which a run starts workers: about 5 s of encoding on 2 cores (DUC 2004 dev's 5,360
take 28 to 40 s), longer than the workers take to start beside it."""

MAX_WORKERS = 4
"""At most this many workers (one per core below it): each holds the summarizers' imports, about 190 MB (RSS;
130 MB its own)."""

ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
"""A worker is one core's worth of work: more BLAS/OpenMP threads only spin beside the other workers (the 26 summit
summaries of DUC 2004 dev in one process: 6.0 s either way, but 8.1 CPU-s with the default threads against 6.0)."""

WORKER_NICENESS = 5
"""Workers yield to the run's process while both want a core (they come first again once it waits for them)."""

_lock = threading.Lock()
_pool: _ReusablePoolExecutor | None = None
_size = 0


def wanted(setting: int | None, uncached: int) -> bool:
    """Whether a run that encodes `uncached` statements starts workers, by the `summary_workers` setting
    (None: when it encodes at least `WORTH_FROM`; a number: whenever it encodes; 0: never)."""
    if setting is not None:
        return setting > 0 and uncached > 0
    return uncached >= WORTH_FROM


def _warm() -> None:
    """A worker's initializer: import the summarizers before the first summary arrives, at a lower priority
    than the run's own process, whose stages (cleaning, encoding, grouping) come first."""
    os.nice(WORKER_NICENESS)
    import summarizer.summaries.algorithms  # noqa: F401


def start(workers: int | None = None) -> None:
    """Start `workers` processes (None: one per core, at most `MAX_WORKERS`, none on one core; 0: none), unless
    they run; they import the summarizers in the background."""
    global _pool, _size
    from loky import get_reusable_executor

    with _lock:
        if _pool is not None:
            return
        n = min(MAX_WORKERS, os.cpu_count() or 1) if workers is None else workers
        if n < 1 or (workers is None and n < 2):
            return  # none asked for; or one core, where a worker would only take turns with this process
        try:
            pool = get_reusable_executor(max_workers=n, timeout=600, initializer=_warm, env=ONE_THREAD)
            pool.submit(os.getpid)  # the pool forks its workers on the first call: now, not at the first summary
            _pool, _size = pool, n
        except Exception as e:  # noqa: BLE001 - no workers: the summaries are computed here, as without them
            log.warning("summary workers did not start (%s); summarizing in this process", e)


def running() -> int:
    """How many workers run (0: summaries are made in this process)."""
    return _size if _pool is not None else 0


def one_thread_beside() -> contextlib.AbstractContextManager[object]:
    """While workers run, one BLAS/OpenMP thread for this process too (the themes beside the summaries):
    scikit-learn's k-means on DUC 2004 dev takes 1.0 s of wall time either way, but 2.0 CPU-s with two threads
    against 1.0 with one, and a second thread only spins while the workers want the cores."""
    if not running():
        return contextlib.nullcontext()
    import threadpoolctl

    return threadpoolctl.threadpool_limits(1)


def stop() -> None:
    """Stop the workers (idle at the end of a run, so this is quick)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, kill_workers=True)


def choose(items: Sequence[MergedStatement], vectors: np.ndarray, **knobs: object) -> list[int]:
    """`summarize.choose` in a worker when they run, else here; here too if the workers have died."""
    global _pool
    pool = _pool
    if pool is not None:
        try:
            return pool.submit(summarize.choose, list(items), np.asarray(vectors), **knobs).result()
        except BrokenExecutor as e:  # a worker died (killed, out of memory)
            reason = (str(e).splitlines() or [type(e).__name__])[0]
            log.warning("summary workers stopped (%s); summarizing in this process", reason)
            with _lock:
                if _pool is pool:
                    _pool = None
            pool.shutdown(wait=False, kill_workers=True)
        except RuntimeError:  # the pool was stopped meanwhile, or the summary itself failed
            if pool is _pool:
                raise
    return summarize.choose(items, vectors, **knobs)
