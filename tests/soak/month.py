"""Play N days of daily digests against the loopback world, with its faults, and check what must hold.

Day by day (day 0 is `days` days before today, so the last simulated day is yesterday):

- the daily flow runs in this process against a real Prefect server: `digest_flow(new_only=True,
  send_email=True, as_of=<day>)`, the feeds over HTTP, the emails over SMTP, the real embedding model;
- on two days the run is a child `nttr run --new --send --as-of DAY` that is SIGKILLed at a known point
  (after embedding; after 8 emails) and run again; a reference run of the same day on a copy of the
  state says what an uninterrupted run would have made and sent;
- meanwhile, on the same server, the `daily-digest` deployment of prefect.yaml is deployed with a
  one-minute cron and a process worker runs what the scheduler starts (its own data folder), until two
  scheduled runs have finished;
- after the last day, `nttr prune --older-than 10d` and one more day (today) through the pruned state.

The checks are listed in `check_*` below; `SoakReport.lines()` prints them with the figures.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from tests.soak.inbox import Inbox, smtp_server
from tests.soak.world import FEED_FAULTS, MONTH, QUIET_DAY, World, feed_urls, serving

ROOT = Path(__file__).resolve().parents[2]
SENDER = "digest@example.org"
UNSUBSCRIBE = "mailto:unsubscribe@example.org"
REFUSE_DAY, DROP_DAY = 17, 22
KILLS = {12: "embedded", 25: "send:8"}
"""Day of the month -> where the run is killed (NTTR_TEST_PAUSE_AT)."""
JOIN_DAY, LEAVE_DAY = 10, 15
THEMES = ("water", "energy", "trade", "health", "security", "climate", "solar", "vaccination")
PLACES = ("Nairobi", "Oslo", "Geneva", "Vienna", "Manila", "Lima", "Hanoi", "Accra", "Dhaka", "Quito", "Tbilisi")
CRON_SUBSCRIBERS = ("cron-a@example.org", "cron-b@example.org", "cron-c@example.org")


class Check(BaseModel):
    """One invariant: whether it held, and the evidence."""

    name: str
    ok: bool
    detail: str


class DayFigures(BaseModel):
    """What one simulated day did."""

    day: int
    date: dt.date
    how: str
    seconds: float
    articles: int
    problems: int
    emails: int
    articles_seen: int
    state_bytes: int
    cache_bytes: int


class SoakReport(BaseModel):
    """Figures and checks of a soak."""

    days: int
    start: dt.date
    seconds: float
    feeds: int
    subscribers: int
    articles_appeared: int = 0
    articles_in_digests: int = 0
    digests: int = 0
    emails: int = 0
    faults: list[str] = []
    figures: list[DayFigures] = []
    checks: list[Check] = []
    notes: list[str] = []

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def lines(self) -> list[str]:
        out = [
            f"soak: {self.days} days from {self.start} ({self.feeds} feeds, {self.subscribers} subscribers) "
            f"in {self.seconds / 60:.1f} min",
            f"  {self.articles_appeared} articles appeared in the feeds, {self.articles_in_digests} reported in "
            f"{self.digests} daily digests, {self.emails} emails delivered",
            f"  faults survived ({len(self.faults)}): " + ("; ".join(self.faults) or "none"),
        ]
        month = [f for f in self.figures if f.day < self.days]
        if month:
            last = month[-1]
            out.append(
                f"  state {last.state_bytes / 1e6:.2f} MB + caches {last.cache_bytes / 1e6:.2f} MB after "
                f"{last.articles_seen} articles; a day takes {median([f.seconds for f in month]):.1f} s (median)"
            )
        out += [f"  note: {n}" for n in self.notes]
        out += [f"  [{'ok' if c.ok else 'FAIL'}] {c.name}: {c.detail}" for c in self.checks]
        return out


def median(values: list[float]) -> float:
    """The median (of an even count, the mean of the middle two: two days are not their slower day)."""
    import statistics

    return statistics.median(values) if values else 0.0


# -- plumbing ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, for None, unset) environment variables for the block."""
    saved = {k: os.environ.get(k) for k in values}
    try:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class Captured(logging.Handler):
    """Every log record of a day: nttr's at INFO and up, everyone else's at WARNING and up."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.attached: list[logging.Logger] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("nttr") and record.levelno >= logging.INFO or record.levelno >= logging.WARNING:
            if not any(r is record for r in self.records[-50:]):  # reached by more than one logger
                self.records.append(record)

    def __enter__(self) -> Captured:
        for name in ("", "nttr", "prefect"):
            logger = logging.getLogger(name)
            logger.addHandler(self)
            self.attached.append(logger)
        return self

    def __exit__(self, *exc: object) -> None:
        for logger in self.attached:
            logger.removeHandler(self)

    def lines(self) -> list[str]:
        return [r.getMessage() for r in self.records]

    def tracebacks(self) -> list[str]:
        return [f"{r.name}: {r.getMessage()[:200]}" for r in self.records
                if r.exc_info or "Traceback" in r.getMessage()]


def sqlite_bytes(path: Path) -> int:
    """The live size of an SQLite file (pages in use), read-only; 0 when absent."""
    if not path.exists():
        return 0
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        pages, free, size = (con.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "freelist_count", "page_size"))
        return int((pages - free) * size)
    finally:
        con.close()


def cache_bytes(cache_dir: Path) -> int:
    summaries = sum(p.stat().st_size for p in (cache_dir / "summaries").glob("*.json")) if cache_dir.exists() else 0
    return sqlite_bytes(cache_dir / "embeddings.sqlite3") + summaries


def load_digest(folder: Path) -> dict:
    return json.loads((folder / "digest.json").read_text(encoding="utf-8"))


def without_stamp(digest: dict) -> dict:
    digest = json.loads(json.dumps(digest))
    digest["run"].pop("generated_at", None)
    return digest


# -- the soak -----------------------------------------------------------------------------------------------


@dataclass
class Sub:
    email: str
    name: str
    themes: tuple[str, ...] = ()
    summits: tuple[str, ...] = ()
    joins: int = 0
    leaves: int | None = None

    def active_on(self, day: int) -> bool:
        return self.joins <= day and (self.leaves is None or day < self.leaves)


def make_subscribers(count: int) -> list[Sub]:
    """`count` subscribers: a third follow everything, the others themes, summits, or both; one joins late
    (day 10) and one leaves (day 15) by `nttr subscribers remove`."""
    subs: list[Sub] = []
    for i in range(count):
        email, name = f"reader{i + 1:02d}@example.org", f"Reader {i + 1}"
        kind = i % 6
        if kind in (0, 1):
            subs.append(Sub(email, name))
        elif kind in (2, 3):
            subs.append(Sub(email, name, themes=(THEMES[i % len(THEMES)], THEMES[(i * 3 + 1) % len(THEMES)])))
        elif kind == 4:
            subs.append(Sub(email, name, summits=(PLACES[i % len(PLACES)],)))
        else:
            subs.append(Sub(email, name, themes=(THEMES[i % len(THEMES)],), summits=(PLACES[(i * 5) % len(PLACES)],)))
    if count >= 2:
        subs[-1].joins = JOIN_DAY
        subs[0].leaves = LEAVE_DAY
    return subs


@dataclass
class Soak:
    """One soak run: its folders, servers and records."""

    days: int
    workdir: Path
    subscribers: int = 50
    cron: bool = True
    kills: bool = True
    prune_days: int = 10
    say: Callable[[str], None] = print
    world: World = field(init=False)
    inbox: Inbox = field(init=False)
    subs: list[Sub] = field(init=False)
    figures: list[DayFigures] = field(default_factory=list)
    logs: dict[int, list[str]] = field(default_factory=dict)
    tracebacks: list[str] = field(default_factory=list)
    kill_records: dict[int, dict] = field(default_factory=dict)
    cron_result: dict = field(default_factory=dict)
    prune_result: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        today = dt.datetime.now(dt.timezone.utc).date()
        self.world = World(start=today - dt.timedelta(days=self.days), days=self.days + 1)
        self.inbox = Inbox(refuse_days=frozenset({REFUSE_DAY}), drop_days=frozenset({DROP_DAY}))
        self.subs = make_subscribers(self.subscribers)
        self.data = self.workdir / "data"
        self.outputs = self.workdir / "outputs"

    # -- environment ------------------------------------------------------------------------------------

    def nttr_env(self, smtp_port: int, data: Path | None = None, outputs: Path | None = None) -> dict[str, str]:
        return {
            "NTTR_DATA_DIR": str(data or self.data),
            "NTTR_OUTPUT_DIR": str(outputs or self.outputs),
            "NTTR_SMTP_HOST": "127.0.0.1",
            "NTTR_SMTP_PORT": str(smtp_port),
            "NTTR_SMTP_SECURITY": "none",
            "NTTR_EMAIL_FROM": SENDER,
            "NTTR_UNSUBSCRIBE": UNSUBSCRIBE,
            "NTTR_FETCH_TIMEOUT": "1",
            "NTTR_FETCH_RETRIES": "1",
            "NTTR_TIMEZONE": "UTC",
            "NTTR_CONFIG": None,  # type: ignore[dict-item]
            "NTTR_TEST_PAUSE_AT": None,  # type: ignore[dict-item]
        }

    # -- the run --------------------------------------------------------------------------------------------

    def run(self) -> SoakReport:
        started = time.monotonic()
        self.workdir.mkdir(parents=True, exist_ok=True)
        from flows import serve_demo as demo

        home = self.workdir / "prefect"
        home.mkdir(exist_ok=True)
        port = demo.free_port()
        penv = demo.service_env(home, port, {
            "PREFECT_LOGGING_LEVEL": "WARNING",
            "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS": "2",
            "PREFECT_WORKER_QUERY_SECONDS": "3",
            "PREFECT_WORKER_PREFETCH_SECONDS": "5",
        })
        server = None
        with serving(self.world) as base, smtp_server(self.inbox) as smtp_port:
            self.base, self.smtp_port = base, smtp_port
            try:
                self.say(f"soak: Prefect server on port {port} (PREFECT_HOME={home})")
                server = demo.start([demo.prefect_exe(), "server", "start", "--host", "127.0.0.1", "--port",
                                     str(port), "--no-ui"], penv, home / "server.log")
                demo.wait_healthy(penv["PREFECT_API_URL"], server, home / "server.log", timeout=240)
                self.penv = penv
                cron_thread = None
                if self.cron:
                    cron_thread = threading.Thread(target=self.cron_part, name="soak-cron", daemon=True)
                    cron_thread.start()
                self.month(penv)
                if cron_thread is not None:
                    cron_thread.join(timeout=900)
                    if cron_thread.is_alive():
                        self.cron_result.setdefault("error", "the scheduled runs did not finish in 15 min")
                self.prune_and_one_more_day(penv)
            finally:
                demo.stop(self.cron_result.pop("_worker", None))
                demo.stop(server)
        return self.report(time.monotonic() - started)

    def prefect_settings(self, penv: Mapping[str, str]):
        from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

        return temporary_settings(updates={PREFECT_API_URL: penv["PREFECT_API_URL"], PREFECT_HOME: penv["PREFECT_HOME"]})

    def month(self, penv: Mapping[str, str]) -> None:
        from flows.cli import main as nttr

        env = self.nttr_env(self.smtp_port)
        with environment({**env, "PREFECT_API_URL": penv["PREFECT_API_URL"]}):
            self.import_subscribers(nttr)
        for day in range(self.days):
            self.one_day(day, penv)

    def import_subscribers(self, nttr: Callable[[list[str]], int]) -> None:
        sheet = self.workdir / "subscribers.csv"
        rows = ["email,name,themes,summits"] + [
            f"{s.email},{s.name},{';'.join(s.themes)},{';'.join(s.summits)}" for s in self.subs if s.joins == 0
        ]
        sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
        rc = nttr(["subscribers", "import", str(sheet)])
        assert rc == 0, "nttr subscribers import failed"

    def one_day(self, day: int, penv: Mapping[str, str]) -> None:
        from flows.cli import main as nttr

        self.world.day = self.inbox.day = day
        date = self.world.date(day)
        env = self.nttr_env(self.smtp_port)
        with environment({**env, "PREFECT_API_URL": penv["PREFECT_API_URL"]}):
            for sub in self.subs:  # subscribers come and go by the commands an operator uses
                if sub.joins == day and day > 0:
                    args = ["subscribers", "add", sub.email, "--name", sub.name,
                            *[a for t in sub.themes for a in ("--theme", t)],
                            *[a for s in sub.summits for a in ("--summit", s)]]
                    assert nttr(args) == 0
                if sub.leaves == day:
                    assert nttr(["subscribers", "remove", sub.email]) == 0
        before = len(self.inbox.received)
        started = time.monotonic()
        kill = KILLS.get(day % MONTH) if self.kills else None
        if kill:
            how = f"killed at {kill}, rerun"
            self.killed_day(day, kill, penv)
        else:
            how = "in-process"
            self.in_process_day(day, penv, env)
        seconds = time.monotonic() - started
        folder = self.outputs / date.isoformat()
        digest = load_digest(folder) if (folder / "digest.json").exists() else {"articles": [], "problems": []}
        from summarizer.service.state import StateStore

        with StateStore(self.data / "state.sqlite3") as store:
            counts = store.counts()
        self.figures.append(DayFigures(
            day=day, date=date, how=how, seconds=round(seconds, 2), articles=len(digest["articles"]),
            problems=len(digest["problems"]), emails=len(self.inbox.received) - before,
            articles_seen=counts["articles"], state_bytes=counts["bytes"], cache_bytes=cache_bytes(self.data / "cache"),
        ))
        self.say(f"soak: day {day:2d} {date} {how}: {len(digest['articles'])} new articles, "
                 f"{len(digest['problems'])} problems, {len(self.inbox.received) - before} emails, {seconds:.1f} s")

    def in_process_day(self, day: int, penv: Mapping[str, str], env: Mapping[str, str],
                       *, send: bool = True, out: Path | None = None) -> None:
        from flows.digest import digest_flow

        nttr_logger = logging.getLogger("nttr")
        old_level, old_propagate = nttr_logger.level, nttr_logger.propagate
        nttr_logger.setLevel(logging.INFO)
        nttr_logger.propagate = False  # kept for the checks, not printed: fifty "sent" lines a day
        try:
            with Captured() as capture, environment({**env, "PREFECT_API_URL": penv["PREFECT_API_URL"]}), \
                    self.prefect_settings(penv):
                digest_flow(inputs=feed_urls(self.base), new_only=True, send_email=send,
                            as_of=self.world.date(day), out=str(out) if out else None)
        finally:
            nttr_logger.setLevel(old_level)
            nttr_logger.propagate = old_propagate
        if out is None:
            self.logs[day] = capture.lines()
            self.tracebacks += [f"day {day}: {t}" for t in capture.tracebacks()]

    def killed_day(self, day: int, stage: str, penv: Mapping[str, str]) -> None:
        """A reference run on a copy of the state, then a child run SIGKILLed at `stage`, then its rerun."""
        date = self.world.date(day)
        ref = self.workdir / f"reference-{date}"
        shutil.copytree(self.data, ref / "data")
        ref_env = self.nttr_env(self.smtp_port, data=ref / "data", outputs=ref / "outputs")
        self.in_process_day(day, penv, ref_env, send=False, out=ref / "outputs" / date.isoformat())

        env = {k: v for k, v in os.environ.items() if not k.startswith(("NTTR_", "PREFECT_"))}
        env.update({k: v for k, v in self.nttr_env(self.smtp_port).items() if v is not None})
        env.update(PREFECT_API_URL=penv["PREFECT_API_URL"], PREFECT_HOME=str(self.workdir / "prefect-cli"),
                   PREFECT_SERVER_ANALYTICS_ENABLED="false", PYTHONUNBUFFERED="1", HF_HUB_OFFLINE="1",
                   TRANSFORMERS_OFFLINE="1")
        cmd = [sys.executable, "-m", "flows.cli", "run", *feed_urls(self.base), "--new", "--send",
               "--as-of", date.isoformat()]
        victim = subprocess.Popen(cmd, cwd=self.workdir, env={**env, "NTTR_TEST_PAUSE_AT": stage},
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        seen: list[str] = []
        paused, ended = threading.Event(), threading.Event()

        def watch() -> None:
            assert victim.stderr is not None
            for line in victim.stderr:
                seen.append(line)
                if "paused at" in line:
                    paused.set()
            ended.set()  # the run ended without pausing: the check says so

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        threading.Thread(target=lambda: victim.stdout and victim.stdout.read(), daemon=True).start()
        deadline = time.monotonic() + 600
        while not (paused.is_set() or ended.is_set()) and time.monotonic() < deadline:
            time.sleep(0.2)
        hit = paused.is_set()
        if stage.startswith("send"):
            self.wait_no_sending()
        for kill in (lambda: os.killpg(victim.pid, signal.SIGKILL), lambda: victim.kill()):
            with contextlib.suppress(ProcessLookupError):
                kill()
        victim.wait(timeout=60)
        watcher.join(timeout=10)
        after_kill = self.ledger_and_record(date)

        rerun = subprocess.run(cmd, cwd=self.workdir, env=env, capture_output=True, text=True, timeout=900)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(victim.pid, signal.SIGKILL)
        self.logs[day] = [*seen, *rerun.stderr.splitlines()]
        for name, text in (("killed run", "".join(seen)), ("rerun", rerun.stderr)):
            if "Traceback" in text:
                self.tracebacks.append(f"day {day} {name}: {text[text.index('Traceback'):][:600]}")
        self.kill_records[day] = {
            "stage": stage, "paused": hit, "returncode": victim.returncode, "after_kill": after_kill,
            "rerun_rc": rerun.returncode, "rerun_stderr": rerun.stderr[-3000:], "reference": str(ref),
        }

    def wait_no_sending(self, timeout: float = 60) -> None:
        """Until no email of the paused run is half-way (the kill must land between two messages)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            con = sqlite3.connect(f"file:{self.data / 'state.sqlite3'}?mode=ro", uri=True, timeout=30)
            try:
                busy = con.execute("SELECT count(*) FROM deliveries WHERE status = 'sending'").fetchone()[0]
            finally:
                con.close()
            if not busy:
                time.sleep(0.5)
                return
            time.sleep(0.2)

    def ledger_and_record(self, date: dt.date) -> dict:
        from summarizer.service.state import StateStore

        with StateStore(self.data / "state.sqlite3") as store:
            record = store.daily_digest_in(self.outputs / date.isoformat())
            sent = [d.email for d in store.deliveries(record.id) if d.status == "sent"] if record else []
        return {"recorded": record is not None, "sent": len(sent)}

    # -- the scheduled runs ---------------------------------------------------------------------------------

    def cron_part(self) -> None:
        """Deploy daily-digest with a one-minute cron; a worker runs what the scheduler starts, twice."""
        from flows import serve_demo as demo
        from summarizer.service.state import StateStore
        from summarizer.models import Subscriber

        result = self.cron_result
        try:
            exe = demo.prefect_exe()
            cron_dir = self.workdir / "cron"
            env = {**self.penv, **{k: v for k, v in self.nttr_env(self.smtp_port, data=cron_dir / "data",
                                                                   outputs=cron_dir / "outputs").items() if v}}
            env.pop("NTTR_CONFIG", None)
            env.pop("NTTR_TEST_PAUSE_AT", None)
            with StateStore(cron_dir / "data" / "state.sqlite3") as store:
                store.add_subscribers([Subscriber(email=e) for e in CRON_SUBSCRIBERS])
            url = self.penv["PREFECT_API_URL"]
            demo.run([exe, "work-pool", "create", demo.POOL, "--type", "process"], env)
            # One more feed that is always missing: its one-line reason must reach the run's logs in Prefect.
            inputs = [*feed_urls(self.base, prefix="/c"), f"{self.base}/c/missing/feed.xml"]
            params = {"inputs": inputs, "new_only": True, "send_email": True,
                      "budget_words": 100, "algorithm": "nttr", "out": None}
            demo.run([exe, "--no-prompt", "deploy", "-n", "daily-digest", "--cron", "* * * * *",
                      "--params", json.dumps(params)], env, timeout=600)
            deployment = demo.deployment(url, "nttr/daily-digest")
            result["schedule"] = [s["schedule"].get("cron") for s in deployment["schedules"]]
            log = self.workdir / "prefect" / "worker.log"
            result["_worker"] = demo.start([exe, "worker", "start", "--pool", demo.POOL, "--limit", "1"], env, log)
            finished: list[dict] = []
            deadline = time.monotonic() + 720
            while len(finished) < 2 and time.monotonic() < deadline:
                done = demo.wait_for_run(url, deployment["id"], exclude=[r["id"] for r in finished],
                                         timeout=max(1.0, deadline - time.monotonic()), log=log)
                finished.append(done)
                self.say(f"soak: scheduled run {done['name']} {done['state_type']} at "
                         f"{done.get('start_time') or done.get('expected_start_time')}")
            with contextlib.suppress(Exception):  # no more runs: the scheduler would start one a minute
                import httpx

                httpx.patch(f"{url}/deployments/{deployment['id']}", json={"paused": True}, timeout=30)
            demo.stop(result.pop("_worker", None))
            result["runs"] = [
                {"name": r["name"], "state": r["state_type"], "auto_scheduled": r.get("auto_scheduled"),
                 "start": r.get("start_time"), "expected": r.get("expected_start_time"),
                 "logs": [entry["message"] for entry in demo.api(url, "POST", "/logs/filter", {
                     "logs": {"flow_run_id": {"any_": [r["id"]]}}, "limit": 200})]}
                for r in finished
            ]
            text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
            result["worker_tracebacks"] = text.count("Traceback")
            result["worker_log_tail"] = demo.tail(log, 30)
            result["digests"] = sorted(str(p.parent) for p in (cron_dir / "outputs").glob("*/digest.json"))
        except Exception as exc:  # noqa: BLE001 - the report says what went wrong; the month goes on
            result["error"] = f"{type(exc).__name__}: {str(exc)[:2000]}"

    # -- after the month ----------------------------------------------------------------------------------

    def prune_and_one_more_day(self, penv: Mapping[str, str]) -> None:
        """`nttr prune --older-than Nd`, then today's digest through the pruned state."""
        from flows.cli import main as nttr
        from summarizer.service.state import StateStore

        state = self.data / "state.sqlite3"
        with StateStore(state) as store:
            before = {"rows": store.counts(), "cache": cache_bytes(self.data / "cache"),
                      "days": sorted(d.date.isoformat() for d in store.digests())}
        env = self.nttr_env(self.smtp_port)
        with environment(env):
            rc = nttr(["prune", "--older-than", f"{self.prune_days}d"])
        with StateStore(state) as store:
            after = {"rows": store.counts(), "cache": cache_bytes(self.data / "cache"),
                     "days": sorted(d.date.isoformat() for d in store.digests())}
        self.prune_result = {"rc": rc, "before": before, "after": after,
                             "cutoff": (dt.datetime.now(dt.timezone.utc).date()
                                        - dt.timedelta(days=self.prune_days)).isoformat()}
        self.one_day(self.days, penv)  # today, through the pruned state

    # -- the checks -----------------------------------------------------------------------------------------

    def month_digests(self) -> dict[int, dict]:
        found = {}
        for day in range(self.days + 1):
            folder = self.outputs / self.world.date(day).isoformat()
            if (folder / "digest.json").exists():
                found[day] = load_digest(folder)
        return found

    def report(self, seconds: float) -> SoakReport:
        digests = self.month_digests()
        report = SoakReport(days=self.days, start=self.world.start, seconds=round(seconds, 1),
                            feeds=len(feed_urls("")), subscribers=len(self.subs), figures=self.figures,
                            digests=len(digests), emails=len(self.inbox.received))
        report.articles_appeared = len({self.world.items[k].story for k in self.world.appeared})
        report.articles_in_digests = sum(len(d["articles"]) for d in digests.values())
        checks = [
            self.check_articles(digests),
            self.check_emails(digests),
            self.check_quiet_day(digests),
            *self.check_kills(digests),
            self.check_faults(digests, report),
            self.check_no_tracebacks(),
            self.check_growth(),
            self.check_prune(digests),
            self.check_cron(),
        ]
        report.checks = [c for c in checks if c is not None]
        report.notes.append(
            "mail faults are in the run's log and the delivery ledger (nttr send --status), not in the digest's "
            "problems: the digest is written before it is sent"
        )
        return report

    def story_of_url(self) -> dict[str, str]:
        out = {}
        for item in self.world.items.values():
            out[f"{self.base}{item.page}"] = item.story
        return out

    def check_articles(self, digests: dict[int, dict]) -> Check:
        """Every story that appeared is in exactly one digest per material version, or a problem; never two."""
        story_of = self.story_of_url()
        expected: dict[str, int] = defaultdict(int)
        versions: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for key, seen in self.world.appeared.items():
            item = self.world.items[key]
            for v in seen:
                material = [i for i in range(v + 1) if item.versions[i].material]
                versions[item.story].add(item.versions[material[-1]].sentences)
        for story, texts in versions.items():
            expected[story] = len(texts)
        in_digests: dict[str, list[int]] = defaultdict(list)
        strays = []
        for day, digest in digests.items():
            stories = set()
            for art in digest["articles"]:
                for url in [art.get("url"), *(c.get("url") for c in art.get("copies", []))]:
                    if url in story_of:
                        stories.add(story_of[url])
                    elif url:
                        strays.append(url)
            for story in stories:
                in_digests[story].append(day)
        problem_urls = {p["path"] for d in digests.values() for p in d["problems"]}
        wrong = []
        for story, want in expected.items():
            got = in_digests.get(story, [])
            if len(got) == want:
                continue
            urls = [f"{self.base}{i.page}" for i in self.world.items.values() if i.story == story]
            if not got and any(u in problem_urls for u in urls):
                continue
            wrong.append(f"{story}: in digests of days {got}, expected {want}")
        never = [s for s in in_digests if s not in expected]
        ok = not wrong and not never and not strays
        material = sum(1 for s, n in expected.items() if n > 1)
        as_problem = sum(1 for s in expected if not in_digests.get(s))
        detail = (f"{len(expected)} stories appeared; {sum(len(v) for v in in_digests.values())} digest entries; "
                  f"{material} updated materially (two entries), {as_problem} only as problems")
        if not ok:
            detail += f"; WRONG: {(wrong + never + strays)[:8]}"
        return Check(name="every article in exactly one digest (or a problem), never two", ok=ok, detail=detail)

    def check_emails(self, digests: dict[int, dict]) -> Check:
        """Each subscriber gets each day's digest once (on the day, or the day after a refusal), never twice."""
        from summarizer.service.mail import build_message, message_id
        from summarizer.models import Digest
        from summarizer.digest.outputs import digest_id
        from summarizer.models import Subscriber
        from summarizer.service.subscribers import filter_digest

        by_id: dict[str, list] = defaultdict(list)
        for msg in self.inbox.received:
            by_id[msg.message_id].append(msg)
        known: set[str] = set()
        wrong: list[str] = []
        expected_total = 0
        for day, raw in digests.items():
            digest = Digest.model_validate(raw)
            did = digest_id(digest)
            for sub in self.subs:
                mid = message_id(did, sub.email, SENDER)
                known.add(mid)
                subscriber = Subscriber(email=sub.email, name=sub.name, themes=sub.themes, summits=sub.summits)
                mine = filter_digest(digest, subscriber)
                want = sub.active_on(day) and bool(mine.summits or mine.themes)
                got = by_id.get(mid, [])
                if len(got) != int(want):
                    wrong.append(f"day {day} {sub.email}: {len(got)} copies, expected {int(want)}")
                    continue
                if not want:
                    continue
                expected_total += 1
                late_ok = {day, day + 1} if day % MONTH == REFUSE_DAY else {day}
                if got[0].day not in late_ok:
                    wrong.append(f"day {day} {sub.email}: arrived on day {got[0].day}")
                text = build_message(digest, subscriber, sender=SENDER, digest_id=did,
                                     unsubscribe=UNSUBSCRIBE).get_body(("plain",)).get_content()
                if got[0].text.replace("\r\n", "\n") != text.replace("\r\n", "\n"):
                    wrong.append(f"day {day} {sub.email}: the text differs from what the digest says")
        month_mail = [m for m in self.inbox.received if not m.to.startswith("cron-")]
        strays = [m.message_id for m in month_mail if m.message_id not in known]
        ok = not wrong and not strays
        per_day = Counter(m.day for m in month_mail)
        kind = {s.email: "both" if s.themes and s.summits else "themes" if s.themes else "summits" if s.summits
                else "everything" for s in self.subs}
        readers = Counter(kind.values())
        per_kind = Counter(kind.get(m.to, "?") for m in month_mail)
        detail = (f"{len(month_mail)} emails = {expected_total} expected (digest, subscriber) pairs; busiest day "
                  f"{max(per_day.values()) if per_day else 0}; per subscriber following " + ", ".join(
                      f"{k} {per_kind[k] / readers[k]:.1f}" for k in ("everything", "themes", "summits", "both")
                      if readers[k]))
        if not ok:
            detail += f"; WRONG: {(wrong + strays)[:8]}"
        return Check(name="each subscriber gets each day's digest exactly once, late only after an outage",
                     ok=ok, detail=detail)

    def check_quiet_day(self, digests: dict[int, dict]) -> Check | None:
        quiet = [d for d in digests if d % MONTH == QUIET_DAY]
        if not quiet:
            return None
        from summarizer.models import Digest
        from summarizer.digest.outputs import digest_id

        wrong = []
        for day in quiet:
            did = digest_id(Digest.model_validate(digests[day]))
            mails = [m for m in self.inbox.received if f".{did}." in m.message_id]
            if digests[day]["articles"] or mails:
                wrong.append(f"day {day}: {len(digests[day]['articles'])} articles, {len(mails)} emails")
        return Check(name="a day with nothing new sends nothing", ok=not wrong,
                     detail="; ".join(wrong) or f"days {quiet}: no articles, no email")

    def check_kills(self, digests: dict[int, dict]) -> list[Check]:
        checks = []
        for day, rec in self.kill_records.items():
            date = self.world.date(day)
            ref = Path(rec["reference"]) / "outputs" / date.isoformat()
            problems = []
            if not rec["paused"]:
                problems.append("the run never reached its pause point")
            if rec["returncode"] != -signal.SIGKILL:
                problems.append(f"the run ended with {rec['returncode']}, not SIGKILL")
            if rec["rerun_rc"] != 0:
                problems.append(f"the rerun failed ({rec['rerun_rc']}): {rec['rerun_stderr'][-500:]}")
            after = rec["after_kill"]
            if rec["stage"] == "embedded" and after["recorded"]:
                problems.append("the killed run had recorded its digest: the kill came too late")
            sent_before = int(rec["stage"].partition(":")[2] or 0)
            if rec["stage"].startswith("send") and not (after["recorded"] and after["sent"] == sent_before):
                problems.append(f"after the kill: {after} (expected the digest recorded and {sent_before} emails sent)")
            same = day in digests and (ref / "digest.json").exists() and \
                without_stamp(digests[day]) == without_stamp(load_digest(ref))
            if not same:
                problems.append("the rerun's digest differs from the uninterrupted reference run's")
            problems += self.reference_sends(day, digests, ref)
            checks.append(Check(
                name=f"day {day} killed at {rec['stage']} and rerun = an uninterrupted run",
                ok=not problems,
                detail="; ".join(problems) or
                f"killed (SIGKILL) with {after['sent']} emails sent and the digest "
                f"{'recorded' if after['recorded'] else 'not yet recorded'}; the rerun's digest equals the reference "
                f"(minus generated_at) and its emails are the reference's, each once",
            ))
        return checks

    def reference_sends(self, day: int, digests: dict[int, dict], ref: Path) -> list[str]:
        """The emails of the killed day are those the reference digest makes for the same subscribers."""
        from summarizer.service.mail import build_message
        from summarizer.models import Digest
        from summarizer.digest.outputs import digest_id
        from summarizer.models import Subscriber
        from summarizer.service.subscribers import filter_digest

        if day not in digests or not (ref / "digest.json").exists():
            return ["no digest to compare"]
        actual = Digest.model_validate(digests[day])
        reference = Digest.model_validate(load_digest(ref))
        did = digest_id(actual)
        want = {}
        for sub in self.subs:
            s = Subscriber(email=sub.email, name=sub.name, themes=sub.themes, summits=sub.summits)
            mine = filter_digest(reference, s)
            if sub.active_on(day) and (mine.summits or mine.themes):
                want[sub.email] = build_message(reference, s, sender=SENDER, unsubscribe=UNSUBSCRIBE) \
                    .get_body(("plain",)).get_content().replace("\r\n", "\n")
        got = defaultdict(list)
        for m in self.inbox.received:
            if f".{did}." in m.message_id or m.message_id.startswith(f"<nttr.{did}."):
                got[m.to].append(m.text.replace("\r\n", "\n"))
        problems = []
        if sorted(got) != sorted(want):
            problems.append(f"recipients differ: {len(got)} got it, {len(want)} expected")
        if any(len(v) != 1 for v in got.values()):
            problems.append("someone got it twice")
        if any(got[e][0] != want[e] for e in want if got.get(e)):
            problems.append("an email's text differs from the reference")
        return problems

    def check_faults(self, digests: dict[int, dict], report: SoakReport) -> Check:
        """Every fault leaves a one-line reason in the day's log and (feed faults) in the digest's problems."""
        base = self.base
        wanted: list[tuple[int, str, str, str]] = []  # (day, what, url or "", text in the reason and log)
        for day in range(self.days):
            d = day % MONTH
            for feed, faults in FEED_FAULTS.items():
                kind = faults.get(d)
                if kind:
                    text = {"http500": "HTTP 500", "stall": "timed out", "html": "HTML page"}[kind]
                    wanted.append((day, f"{feed} feed {kind}", f"{base}/{feed}/feed.xml", text))
            for item in self.world.items.values():
                if item.big and item.listed_on(day) and day < self.days:
                    wanted.append((day, "page over the size limit", f"{base}{item.page}", "larger than"))
        missing = []
        for day, what, url, text in wanted:
            problems = [p for p in digests.get(day, {}).get("problems", []) if p["path"] == url]
            if not any(text in p["reason"] and "\n" not in p["reason"] for p in problems):
                missing.append(f"day {day} {what}: not in the digest's problems")
            if not any(url in line and text in line for line in self.logs.get(day, [])):
                missing.append(f"day {day} {what}: not in the run's log")
        faults = sorted({f"{what} (day {day})" for day, what, _, _ in wanted})
        for day in range(self.days):
            logs = self.logs.get(day, [])
            if day % MONTH == REFUSE_DAY:
                faults.append(f"mail server refusing all mail (day {day})")
                if not any("not delivered (transient" in line and "421" in line for line in logs):
                    missing.append(f"day {day} refusals: not in the run's log")
                if day + 1 <= self.days and not any("owed since" in line for line in self.logs.get(day + 1, [])):
                    missing.append(f"day {day + 1}: the late delivery is not in the run's log")
            if day % MONTH == DROP_DAY:
                faults.append(f"mail connection dropped mid-batch (day {day})")
                if not any("SMTPServerDisconnected" in line for line in logs):
                    missing.append(f"day {day} dropped connection: not in the run's log")
        for day, rec in self.kill_records.items():
            faults.append(f"run SIGKILLed at {rec['stage']} (day {day})")
            if not any("already made" in line for line in self.logs.get(day, [])) and rec["stage"].startswith("send"):
                missing.append(f"day {day}: the rerun does not say it resumed")
        report.faults = faults
        one_line = all("\n" not in p["reason"] for d in digests.values() for p in d["problems"])
        ok = not missing and one_line
        return Check(name="every fault leaves a one-line reason in the log and the digest's problems", ok=ok,
                     detail=f"{len(faults)} faults; " + ("; ".join(missing[:8]) if missing else "all accounted for"))

    def check_no_tracebacks(self) -> Check:
        found = list(self.tracebacks)
        if self.cron_result.get("worker_tracebacks"):
            found.append(f"worker log: {self.cron_result['worker_tracebacks']} traceback(s)")
        return Check(name="never a traceback", ok=not found,
                     detail="; ".join(found[:5]) or f"none in {len(self.logs)} days of logs and child runs")

    def check_growth(self) -> Check | None:
        """Bytes per article stay flat: the second half of the month adds no more per article than the first."""
        figs = [f for f in self.figures if f.day < self.days]
        if len(figs) < 10:
            return None
        first, mid, last = figs[2], figs[len(figs) // 2], figs[-1]

        def slope(a: DayFigures, b: DayFigures) -> float:
            return ((b.state_bytes + b.cache_bytes) - (a.state_bytes + a.cache_bytes)) / max(1, b.articles_seen - a.articles_seen)

        s1, s2 = slope(first, mid), slope(mid, last)
        ok = s2 <= 1.5 * s1 + 2048
        return Check(
            name="state and caches grow linearly with the articles seen", ok=ok,
            detail=(f"{last.articles_seen} articles: state {last.state_bytes / 1e6:.2f} MB, caches "
                    f"{last.cache_bytes / 1e6:.2f} MB; {s1 / 1e3:.1f} kB per article in the first half, "
                    f"{s2 / 1e3:.1f} kB in the second"),
        )

    def check_prune(self, digests: dict[int, dict]) -> Check | None:
        res = self.prune_result
        if not res:
            return None
        before, after, cutoff = res["before"], res["after"], res["cutoff"]
        problems = []
        if res["rc"] != 0:
            problems.append(f"nttr prune exited {res['rc']}")
        if any(day < cutoff for day in after["days"]):
            problems.append(f"digests before {cutoff} remain")
        kept = [d for d in before["days"] if d >= cutoff]
        if [d for d in after["days"] if d in before["days"]] != kept:
            problems.append("prune removed digests it should have kept")
        # The state forgets by the digests' days; the caches forget what was last used before the period in real
        # time (vectors, summaries and stage results alike), and a simulated month runs in minutes: they must
        # not grow, but keep what this run used.
        if len(kept) < len(before["days"]) and not after["rows"]["bytes"] < before["rows"]["bytes"]:
            problems.append("the state did not shrink")
        if after["cache"] > before["cache"]:
            problems.append("the cache grew")
        today = digests.get(self.days)
        if today is None:
            problems.append("no digest for the day after the prune")
        else:
            story_of = self.story_of_url()
            old = [a["url"] for a in today["articles"] if self.world.first_day(story_of.get(a["url"], "")) < self.days]
            if old:
                problems.append(f"after the prune, old articles came back: {old[:3]}")
        return Check(
            name=f"nttr prune --older-than {self.prune_days}d forgets what is older, and nothing comes back",
            ok=not problems,
            detail="; ".join(problems) or (
                f"{len(before['days'])} -> {len(after['days'])} digests, articles {before['rows']['articles']} -> "
                f"{after['rows']['articles']}, state {before['rows']['bytes'] / 1e6:.2f} -> "
                f"{after['rows']['bytes'] / 1e6:.2f} MB, caches {before['cache'] / 1e6:.2f} -> {after['cache'] / 1e6:.2f} MB; "
                f"the next day reports {len(today['articles']) if today else 0} new articles, none old"),
        )

    def check_cron(self) -> Check | None:
        if not self.cron:
            return None
        res = self.cron_result
        runs = res.get("runs", [])
        problems = []
        if res.get("error"):
            problems.append(res["error"][:600])
        if "* * * * *" not in (res.get("schedule") or []):  # `deploy --cron` adds it to prefect.yaml's 07:00
            problems.append(f"schedules {res.get('schedule')}")
        completed = [r for r in runs if r["state"] == "COMPLETED" and r.get("auto_scheduled")]
        if len(completed) < 2:
            problems.append(f"{len(completed)} scheduled runs completed: {runs}; {res.get('worker_log_tail', '')[-800:]}")
        cron_mail = [m for m in self.inbox.received if m.to.startswith("cron-")]
        per = Counter((m.to, m.message_id) for m in cron_mail)
        if any(n > 1 for n in per.values()):
            problems.append("a scheduled run's email arrived twice")
        if not res.get("digests"):
            problems.append("the scheduled runs wrote no digest")
        missing = "/c/missing/feed.xml: feed could not be read: HTTP 404"
        if runs and not any(missing in line for line in runs[0].get("logs", [])):
            problems.append(f"the missing feed is not in the first scheduled run's logs: {runs[0].get('logs', [])[:5]}")
        elif {m.to for m in cron_mail} != set(CRON_SUBSCRIBERS):
            problems.append(f"the scheduled runs' subscribers got {len(cron_mail)} emails")
        return Check(
            name="the daily deployment's cron fires twice on a Prefect server with a worker", ok=not problems,
            detail="; ".join(problems) or (
                f"{len(completed)} scheduled runs completed ({', '.join(r['name'] for r in completed)}), "
                f"{len(res['digests'])} digest(s), {len(cron_mail)} emails to {len(CRON_SUBSCRIBERS)} subscribers; "
                f"a missing feed is one line in the run's logs in Prefect"),
        )


def run_soak(days: int = MONTH, *, workdir: Path | None = None, keep: bool = False, **options: object) -> SoakReport:
    """Play `days` days (see the module docstring) in `workdir` (default: a temporary folder)."""
    folder = workdir or Path(tempfile.mkdtemp(prefix="nttr-soak-"))
    try:
        return Soak(days=days, workdir=folder, **options).run()  # type: ignore[arg-type]
    finally:
        if workdir is None and not keep:
            shutil.rmtree(folder, ignore_errors=True)
