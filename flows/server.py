"""A local Prefect server in the background: started once by `nttr run`, then reused by every run.

Prefect's temporary server costs 10-15 s per run to start; a server that stays up costs that once. So the
first `nttr run` without `PREFECT_API_URL` starts one (`python -m flows.server DATA_DIR`), bound to
127.0.0.1 on a free port, in its own session with its output in a log file (so it never holds a terminal,
a CI job's pipes or a test's process group), and records it in `DATA_DIR/server/server.json`. Later runs
read the record, check that the process is the one recorded (pid and start time, so a reused pid is not
mistaken for it) and that it answers, and use it. Every run is then a flow run the Prefect UI shows.

What can go wrong, and what happens:
- a stale record (the process is gone, or the pid now belongs to another process): removed, a new server
  is started;
- a server that died, or hangs (alive but not answering for `timeout` s): stopped by its pid, a new one
  is started;
- two runs at once: starting is serialized by a file lock next to the record, so one starts it and the
  other waits, then reuses it;
- a server that cannot start: `ServerError` naming its log; the CLI then runs on Prefect's temporary
  server, so the work is not lost.
The server stops itself after `idle_hours` without a request or an open connection (0: never); `nttr
server stop` stops it at once. It uses `PREFECT_HOME` when set, else `DATA_DIR/prefect`, so its database
is nttr's own and never shared with another Prefect server's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from summarizer.errors import NttrError

FOLDER = "server"
RECORD = "server.json"
LOG = "server.log"
DEFAULT_IDLE_HOURS = 1.0  # an idle server polls its loops: about 5-10% of a core; a worker counts as use
START_TIMEOUT = 180.0
"""Seconds a new server may take to answer: its first start migrates a new database (~15 s on a busy laptop)."""


IDLE_SERVICES = ("SCHEDULER", "LATE_RUNS", "FOREMAN", "REPOSSESSOR", "PAUSE_EXPIRATIONS", "CANCELLATION_CLEANUP")
"""Prefect services the background server does not run (they serve deployments and workers)."""


class ServerError(NttrError):
    """The background Prefect server cannot be started or stopped."""


class ServerRecord(BaseModel):
    """What `server.json` says about the background server."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    pid: int
    port: int
    api_url: str
    prefect_home: str
    started_at: str
    process_start: float
    """The process's start time (seconds since the epoch, as psutil gives it): tells it from a reused pid."""
    idle_hours: float
    log: str

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")


class Started(BaseModel):
    """The server a run uses, and whether this call started it."""

    model_config = ConfigDict(frozen=True)

    record: ServerRecord
    started: bool


def folder(data_dir: Path) -> Path:
    return Path(data_dir).expanduser() / FOLDER


def read_record(data_dir: Path) -> ServerRecord | None:
    """The recorded server, or None when there is no record or it cannot be read."""
    try:
        return ServerRecord.model_validate_json((folder(data_dir) / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_record(data_dir: Path, record: ServerRecord) -> None:
    """Write the record atomically: a reader sees the old one or the new one, never half of it."""
    path = folder(data_dir) / RECORD
    tmp = path.with_name(f".{RECORD}.{os.getpid()}.tmp")
    tmp.write_text(record.model_dump_json(indent=2), encoding="utf-8")
    os.replace(tmp, path)


def remove_record(data_dir: Path, pid: int | None = None) -> None:
    """Remove the record (only if it still names `pid`, when given)."""
    path = folder(data_dir) / RECORD
    if pid is not None:
        current = read_record(data_dir)
        if current is not None and current.pid != pid:
            return
    path.unlink(missing_ok=True)


class RunRecord(BaseModel):
    """A run using the background server (`server/runs/PID.json`), so `nttr server stop` can say who it is."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    pid: int
    process_start: float
    command: str
    started_at: str


def runs_folder(data_dir: Path) -> Path:
    return folder(data_dir) / "runs"


@contextlib.contextmanager
def registered_run(data_dir: Path, command: str) -> Iterator[RunRecord]:
    """Record this process as a run using the server while the block runs."""
    import psutil

    record = RunRecord(
        pid=os.getpid(),
        process_start=float(psutil.Process().create_time()),
        command=command,
        started_at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    )
    path = runs_folder(data_dir) / f"{record.pid}.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(record.model_dump_json(), encoding="utf-8")
    except OSError:
        pass  # unrecorded, `stop` cannot warn about this run; the run itself is unaffected
    try:
        yield record
    finally:
        path.unlink(missing_ok=True)


def runs_using(data_dir: Path) -> list[RunRecord]:
    """The runs that use the background server now; records of runs that are gone are removed."""
    found: list[RunRecord] = []
    for path in sorted(runs_folder(data_dir).glob("*.json")):
        try:
            record = RunRecord.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        started = process_start(record.pid)
        if started is not None and abs(started - record.process_start) < 1.0:
            found.append(record)
        else:
            path.unlink(missing_ok=True)
    return found


def process_start(pid: int) -> float | None:
    """When process `pid` started, or None if there is no such process."""
    import psutil

    try:
        proc = psutil.Process(pid)
        return None if proc.status() == psutil.STATUS_ZOMBIE else float(proc.create_time())
    except (psutil.NoSuchProcess, psutil.AccessDenied, ValueError):
        return None


def is_running(record: ServerRecord) -> bool:
    """Whether the recorded process still runs: same pid and same start time (not a reused pid)."""
    started = process_start(record.pid)
    return started is not None and abs(started - record.process_start) < 1.0


def answers(api_url: str, timeout: float = 2.0) -> bool:
    """Whether a Prefect API answers its health check at `api_url`."""
    import httpx

    try:
        return httpx.get(f"{api_url}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def prefect_home_for(data_dir: Path, environ: dict[str, str] | None = None) -> Path:
    """The server's Prefect home: `PREFECT_HOME` when set, else nttr's own under the data folder."""
    env = os.environ if environ is None else environ
    home = env.get("PREFECT_HOME")
    return Path(home).expanduser() if home else Path(data_dir).expanduser() / "prefect"


def server_command(data_dir: Path, idle_hours: float) -> list[str]:
    """The command that runs the background server (this module's `serve`)."""
    return [sys.executable, "-m", "flows.server", str(Path(data_dir).expanduser().resolve()), "--idle-hours", str(idle_hours)]


def running_server(data_dir: Path) -> ServerRecord | None:
    """The recorded server if it runs and answers; a record of a process that is gone is removed."""
    record = read_record(data_dir)
    if record is None:
        return None
    if not is_running(record):
        remove_record(data_dir, record.pid)
        return None
    return record if answers(record.api_url) else None


def ensure_server(
    data_dir: Path,
    *,
    idle_hours: float = DEFAULT_IDLE_HOURS,
    timeout: float = START_TIMEOUT,
    patience: float = 20.0,
    on_start: Callable[[], None] | None = None,
    command: Sequence[str] | None = None,
) -> Started:
    """The background server for `data_dir`: the recorded one when it runs and answers, else a new one.

    A new server may take `timeout` s to answer; a recorded one that runs but does not answer gets
    `patience` s before it is stopped and replaced. `on_start` is called just before a new server is
    launched (the caller can use the wait); `command` replaces the server's command (tests use a
    stand-in that writes the same record).
    """
    from filelock import FileLock, Timeout

    base = folder(data_dir)
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ServerError(f"cannot create {base} for the Prefect server ({exc.strerror}); check NTTR_DATA_DIR") from None
    lock = FileLock(str(base / "start.lock"))
    try:
        lock.acquire(timeout=timeout + 30)
    except Timeout:
        raise ServerError(f"another nttr has been starting the Prefect server for over {timeout:.0f} s; see {base / LOG}") from None
    try:
        record = read_record(data_dir)
        if record is not None:
            if not is_running(record):
                remove_record(data_dir)
            elif answers(record.api_url) or wait_until_answering(record, timeout=patience):
                return Started(record=record, started=False)
            else:  # alive but deaf: a hung server is no use to anyone
                terminate(record.pid)
                remove_record(data_dir)
        if on_start is not None:
            on_start()
        return Started(record=launch(data_dir, idle_hours, timeout, command), started=True)
    finally:
        lock.release()


def wait_until_answering(record: ServerRecord, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_running(record):
            return False
        if answers(record.api_url):
            return True
        time.sleep(0.5)
    return False


def launch(data_dir: Path, idle_hours: float, timeout: float, command: Sequence[str] | None) -> ServerRecord:
    """Start the server in its own session, detached from our terminal and pipes; wait until it answers."""
    base = folder(data_dir)
    log_path = base / LOG
    env = {**os.environ, "PREFECT_HOME": str(prefect_home_for(data_dir))}
    # The server runs in the data folder, not the caller's: make sure it can import nttr from a source tree too.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(Path(__file__).resolve().parents[1]), env.get("PYTHONPATH")) if p)
    env.pop("PREFECT_API_URL", None)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("DO_NOT_TRACK", "1")
    env["PYTHONUNBUFFERED"] = "1"
    cmd = list(command) if command is not None else server_command(data_dir, idle_hours)
    with open(log_path, "ab") as log:
        log.write(f"\n--- {dt.datetime.now().isoformat(timespec='seconds')} starting: {' '.join(cmd)}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(base),
            start_new_session=True,
            close_fds=True,
        )
    deadline = time.monotonic() + timeout
    while True:
        record = read_record(data_dir)
        if record is not None and record.pid == proc.pid and answers(record.api_url, timeout=1.0):
            # Reap the server should it exit while this process runs: else it stays a zombie until we exit.
            threading.Thread(target=proc.wait, name="nttr-server-reaper", daemon=True).start()
            return record
        code = proc.poll()
        if code is not None:
            raise ServerError(f"the Prefect server stopped as it started (exit {code}); see {last_line(log_path)}")
        if time.monotonic() > deadline:
            terminate(proc.pid)
            raise ServerError(f"the Prefect server did not answer within {timeout:.0f} s; see {last_line(log_path)}")
        time.sleep(0.25)


def last_line(log_path: Path) -> str:
    """`LOG` plus its last line, for a one-line error message."""
    try:
        lines = [line for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    except OSError:
        lines = []
    return f"{log_path} ({lines[-1].strip()[:200]})" if lines else str(log_path)


def terminate(pid: int, timeout: float = 30.0) -> None:
    """SIGTERM `pid` (it shuts down cleanly), then SIGKILL if it is still there after `timeout` s.

    A process that has exited but that its parent (the run that started it) has not reaped yet is a zombie:
    it is gone for our purpose, though psutil's wait would wait for it to disappear.
    """
    import psutil

    try:
        proc = psutil.Process(pid)
        proc.terminate()
        if not wait_gone(proc, timeout):
            proc.kill()
            wait_gone(proc, 10)
    except psutil.NoSuchProcess:
        pass


def wait_gone(proc: object, timeout: float) -> bool:
    """Whether psutil process `proc` exited (or is a zombie) within `timeout` s."""
    import psutil

    deadline = time.monotonic() + timeout
    while True:
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:  # type: ignore[attr-defined]
                with contextlib.suppress(ChildProcessError, psutil.Error):
                    proc.wait(timeout=0)  # type: ignore[attr-defined]  # reaps it when it is our child
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def stop_server(data_dir: Path, timeout: float = 30.0) -> ServerRecord | None:
    """Stop the recorded server (only the process recorded: same pid, same start time); None if none ran."""
    record = read_record(data_dir)
    if record is None:
        return None
    running = is_running(record)
    if running:
        terminate(record.pid, timeout)
    remove_record(data_dir, record.pid)
    return record if running else None


# -- the server process itself ---------------------------------------------------------------------------------


class Activity:
    """ASGI middleware that knows when the server last served a request, and how many are open now."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.open = 0
        self.last = time.monotonic()

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001 - the ASGI signature
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)  # type: ignore[operator]
            return
        self.open += 1
        self.last = time.monotonic()
        try:
            await self.app(scope, receive, send)  # type: ignore[operator]
        finally:
            self.open -= 1
            self.last = time.monotonic()

    def idle_for(self) -> float:
        return 0.0 if self.open else time.monotonic() - self.last


def serve(
    data_dir: Path, idle_hours: float = DEFAULT_IDLE_HOURS, *, check_every: float = 30.0, app: object = None
) -> None:
    """Run Prefect's API and UI (or `app`) on 127.0.0.1, a free port, until stopped or idle for `idle_hours`."""
    import psutil

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # bound here, so no other process can take the port between choosing and using it
    port = sock.getsockname()[1]
    api_url = f"http://127.0.0.1:{port}/api"
    # Prefect reads these when the app is made: the UI must call this API, and nothing phones home.
    os.environ.update(
        PREFECT_UI_API_URL=api_url,
        PREFECT_SERVER_API_HOST="127.0.0.1",
        PREFECT_SERVER_API_PORT=str(port),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
    )
    os.environ.pop("PREFECT_API_URL", None)
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    # The loops that serve deployments, schedules and workers poll every 5-20 s: an idle server that runs
    # them all costs ~2% of a core. nttr's runs need only the API, the UI and the services that record
    # events and task runs. (For deployments, run `prefect server start`: see "Run it as a service".)
    for service in IDLE_SERVICES:
        os.environ.setdefault(f"PREFECT_SERVER_SERVICES_{service}_ENABLED", "false")
    import uvicorn
    from prefect.settings import PREFECT_HOME

    if app is None:
        from prefect.server.api.server import create_app

        app = create_app(final=True)
    watched = Activity(app)
    server = uvicorn.Server(uvicorn.Config(watched, log_level="warning", lifespan="auto", timeout_keep_alive=5))
    record = ServerRecord(
        pid=os.getpid(),
        port=port,
        api_url=api_url,
        prefect_home=str(PREFECT_HOME.value()),
        started_at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        process_start=float(psutil.Process().create_time()),
        idle_hours=idle_hours,
        log=str(folder(data_dir) / LOG),
    )

    def watch() -> None:
        while not server.should_exit:
            time.sleep(check_every)
            if idle_hours > 0 and watched.idle_for() > idle_hours * 3600:
                print(f"{dt.datetime.now().isoformat(timespec='seconds')} idle for {idle_hours} h: stopping", flush=True)
                server.should_exit = True

    folder(data_dir).mkdir(parents=True, exist_ok=True)
    write_record(data_dir, record)
    threading.Thread(target=watch, name="nttr-idle-watch", daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        remove_record(data_dir, os.getpid())


def describe(record: ServerRecord) -> str:
    """One line for `nttr server status`: where, which process, since when, and when it stops by itself."""
    idle = "never stops by itself" if record.idle_hours <= 0 else f"stops after {record.idle_hours:g} h unused"
    return (
        f"running at {record.ui_url} (pid {record.pid}, since {record.started_at}; {idle}); "
        f"Prefect home {record.prefect_home}; log {record.log}"
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m flows.server DATA_DIR [--idle-hours H]`: the background server's own entry point."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m flows.server", description=main.__doc__)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--idle-hours", type=float, default=DEFAULT_IDLE_HOURS)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # a closed terminal is no reason to stop
    serve(args.data_dir, args.idle_hours)
    return 0


if __name__ == "__main__":
    sys.exit(main())
