"""When the Prefect server goes away during a run (`nttr server stop --force`, a crash): finish, say it once.

A run's tasks report to Prefect through events and log records sent in the background, and the flow's
states and artifacts through API calls. Without a server each of these fails on its own: kilobytes of
`EventsWorker failed to process item`, a `ConnectError` traceback from the first API call, and minutes of
`Still processing items` at exit while the queued events retry. The work itself needs no server.

So: `watch()` puts a filter on the handlers Prefect logs through that drops those records and notes that
the API is gone; `is_connection_error(exc)` tells such a failure from a real one; the CLI then reports the
outputs, says in one line that the run was not recorded in Prefect, and exits without draining the queues.
"""

from __future__ import annotations

import logging

_NOISE = ("Unable to connect to", "failed to process item", "Error logging to API")


class ApiWatch(logging.Filter):
    """Drops Prefect's records about an unreachable API, and remembers that there were some."""

    def __init__(self) -> None:
        super().__init__()
        self.lost = False
        self.quiet = False
        """Set on Ctrl-C: Prefect's crash reports would bury the one `nttr: interrupted` line."""

    def reset(self) -> None:
        """Forget an earlier run's lost server and interruption (one process may run several commands)."""
        self.lost = False
        self.quiet = False
        logging.raiseExceptions = True

    def filter(self, record: logging.LogRecord) -> bool:
        # Prefect's queue services log under their class names (EventsWorker, APILogWorker), not under prefect.
        if not (record.name.startswith("prefect") or record.name.endswith("Worker")):
            return True
        if self.quiet:
            return False
        if "Still processing items" in record.getMessage():
            return False  # at exit, while the last events are sent: nothing a user can act on
        exc = record.exc_info[1] if record.exc_info else None
        if (exc is not None and is_connection_error(exc)) or any(n in record.getMessage() for n in _NOISE):
            self.lost = True
            logging.raiseExceptions = False  # Prefect's API log handler then stops printing its own failures
            return False
        return not self.lost or record.levelno >= logging.CRITICAL


WATCH = ApiWatch()


def watch() -> ApiWatch:
    """Filter every handler Prefect logs through (call after Prefect configured logging); idempotent."""
    loggers = [logging.getLogger()]
    loggers += [v for k, v in logging.Logger.manager.loggerDict.items() if k.startswith("prefect") and isinstance(v, logging.Logger)]
    for logger in loggers:
        for handler in logger.handlers:
            if WATCH not in handler.filters:
                handler.addFilter(WATCH)
    return WATCH


def is_connection_error(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) is a failure to reach a server."""
    import httpx

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (httpx.TransportError, ConnectionError)):
            return True
        if isinstance(current, RuntimeError) and "Failed to reach API" in str(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def api_answers() -> bool:
    """Whether the Prefect API this run reports to answers now (noting when it does not)."""
    import httpx
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if not url:
        return True  # Prefect's temporary server, in this process's care
    try:
        httpx.get(f"{url.rstrip('/')}/health", timeout=5.0)
    except httpx.TransportError:
        WATCH.lost = True
        return False
    return True
