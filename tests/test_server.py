"""The background Prefect server: started once, reused, replaced when stale, dead or deaf; one for two runs.

These tests run the real start/record/reuse machinery of flows/server.py with a stand-in ASGI app in place
of Prefect's (it answers /api/health at once), so each start costs a second, not Prefect's 15 s. The real
Prefect server is started by `nttr run` in tests/test_run_seeds.py. Every test stops what it starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from flows import server
from flows.cli import main

STANDIN = """
import sys
from pathlib import Path
from flows.server import serve

async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"true"})

serve(Path(sys.argv[1]), float(sys.argv[2]), check_every=0.2, app=app)
"""


def standin(data_dir: Path, idle_hours: float = 1.0) -> list[str]:
    return [sys.executable, "-c", STANDIN, str(data_dir), str(idle_hours)]


@pytest.fixture
def data_dir(tmp_path: Path):
    """A data folder whose background server, if any, is stopped after the test."""
    yield tmp_path
    server.stop_server(tmp_path, timeout=10)


def ensure(data_dir: Path, **kw) -> server.Started:
    return server.ensure_server(data_dir, command=standin(data_dir), timeout=60, **kw)


def finished_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def fake_record(pid: int, port: int = 9, process_start: float = 0.0) -> server.ServerRecord:
    return server.ServerRecord(
        pid=pid, port=port, api_url=f"http://127.0.0.1:{port}/api", prefect_home="/nowhere",
        started_at="2026-01-01T00:00:00", process_start=process_start, idle_hours=1.0, log="/nowhere/server.log",
    )


def test_first_call_starts_a_server_that_answers_on_loopback(data_dir):
    got = ensure(data_dir)
    assert got.started
    assert got.record.api_url.startswith("http://127.0.0.1:") and server.answers(got.record.api_url)
    assert server.read_record(data_dir) == got.record


def test_second_call_reuses_the_running_server(data_dir):
    first = ensure(data_dir)
    second = ensure(data_dir)
    assert not second.started and second.record == first.record


def test_started_server_is_detached_in_its_own_session(data_dir):
    pid = ensure(data_dir).record.pid
    assert os.getsid(pid) == pid != os.getsid(0)


def test_stale_record_of_an_exited_process_is_replaced(data_dir):
    server.folder(data_dir).mkdir(parents=True)
    server.write_record(data_dir, fake_record(finished_pid()))
    got = ensure(data_dir)
    assert got.started and server.answers(got.record.api_url)


def test_record_whose_pid_now_belongs_to_another_process_is_not_trusted(data_dir):
    server.folder(data_dir).mkdir(parents=True)
    server.write_record(data_dir, fake_record(os.getpid(), process_start=1.0))  # our pid, another start time
    got = ensure(data_dir)
    assert got.started and got.record.pid != os.getpid()


def test_server_that_died_is_restarted(data_dir):
    first = ensure(data_dir).record
    victim = psutil.Process(first.pid)
    victim.kill()
    victim.wait(10)
    got = ensure(data_dir)
    assert got.started and got.record.pid != first.pid and server.answers(got.record.api_url)


def test_server_that_runs_but_does_not_answer_is_stopped_and_replaced(data_dir):
    deaf = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True)
    try:
        server.folder(data_dir).mkdir(parents=True)
        server.write_record(data_dir, fake_record(deaf.pid, process_start=psutil.Process(deaf.pid).create_time()))
        got = server.ensure_server(data_dir, command=standin(data_dir), timeout=60, patience=2)
        assert got.started and got.record.pid != deaf.pid
        assert deaf.wait(timeout=30) is not None
    finally:
        if deaf.poll() is None:
            deaf.kill()


def test_two_runs_at_once_start_one_server(data_dir):
    code = (
        "import json, sys; from pathlib import Path; from flows.server import ensure_server; "
        "got = ensure_server(Path(sys.argv[1]), command=json.loads(sys.argv[2]), timeout=60); "
        "print(json.dumps([got.started, got.record.pid]))"
    )
    cmd = [sys.executable, "-c", code, str(data_dir), json.dumps(standin(data_dir))]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    results = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    assert sorted(started for started, _ in results) == [False, True]
    assert results[0][1] == results[1][1] == server.read_record(data_dir).pid


def test_stop_ends_the_process_and_removes_the_record(data_dir):
    pid = ensure(data_dir).record.pid
    stopped = server.stop_server(data_dir)
    assert stopped is not None and stopped.pid == pid
    assert server.process_start(pid) is None
    assert server.read_record(data_dir) is None


def test_stop_with_a_stale_record_kills_nothing_and_clears_it(data_dir):
    server.folder(data_dir).mkdir(parents=True)
    server.write_record(data_dir, fake_record(os.getpid(), process_start=1.0))
    assert server.stop_server(data_dir) is None
    assert server.read_record(data_dir) is None


def test_idle_server_stops_by_itself_and_clears_its_record(data_dir):
    record = server.ensure_server(data_dir, command=standin(data_dir, idle_hours=5 / 3600), timeout=60).record
    deadline = time.monotonic() + 30
    while server.read_record(data_dir) is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert server.read_record(data_dir) is None
    psutil.Process(record.pid).wait(timeout=30)


def test_server_that_cannot_start_is_one_error_naming_its_log(data_dir):
    with pytest.raises(server.ServerError, match=r"stopped as it started \(exit 3\); see .*server\.log \(boom\)"):
        server.ensure_server(data_dir, command=[sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"])


def test_server_status_says_when_none_runs(capsys):
    assert main(["server", "status"]) == 3
    assert "no Prefect server runs in the background" in capsys.readouterr().out


def test_server_status_and_stop_name_the_running_server(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("NTTR_DATA_DIR", str(data_dir))
    record = ensure(data_dir).record
    assert main(["server", "status"]) == 0
    assert f"running at {record.ui_url} (pid {record.pid}" in capsys.readouterr().out
    assert main(["server", "stop"]) == 0
    assert f"stopped the Prefect server at {record.ui_url} (pid {record.pid})" in capsys.readouterr().out
    assert not server.is_running(record)


def test_prefect_api_url_wins_over_the_background_server(data_dir):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.cli import prefect_api
    from summarizer.settings import load_settings

    from summarizer.errors import ConfigError

    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        with pytest.raises(ConfigError, match="does not answer"), prefect_api(load_settings(data_dir=data_dir)):
            pass
    assert server.read_record(data_dir) is None and not server.folder(data_dir).exists()


def test_stop_refuses_while_a_run_uses_the_server_and_names_the_run(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("NTTR_DATA_DIR", str(data_dir))
    record = ensure(data_dir).record
    with server.registered_run(data_dir, "nttr run seeds"):
        assert main(["server", "stop"]) == 1
        err = capsys.readouterr().err
        assert f"in use by 1 run (pid {os.getpid()} `nttr run seeds` since " in err
        assert "`nttr server stop --force`" in err
        assert server.is_running(record)


def test_stop_force_stops_a_server_in_use(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("NTTR_DATA_DIR", str(data_dir))
    record = ensure(data_dir).record
    with server.registered_run(data_dir, "nttr run seeds"):
        assert main(["server", "stop", "--force"]) == 0
    assert not server.is_running(record)


def test_record_of_a_run_that_is_gone_does_not_hold_the_server(data_dir):
    ensure(data_dir)
    server.runs_folder(data_dir).mkdir(parents=True, exist_ok=True)
    gone = server.RunRecord(pid=finished_pid(), process_start=1.0, command="nttr run", started_at="2026-01-01")
    (server.runs_folder(data_dir) / f"{gone.pid}.json").write_text(gone.model_dump_json())
    assert server.runs_using(data_dir) == []


STARTER = """
import sys, time
from pathlib import Path
from flows import server
got = server.ensure_server(Path(sys.argv[1]), command=sys.argv[2:], timeout=60)
print(got.record.pid, flush=True)
time.sleep(120)
"""


def test_stop_ends_a_server_whose_starting_run_still_runs_and_that_run_reaps_it(data_dir):
    starter = subprocess.Popen([sys.executable, "-c", STARTER, str(data_dir), *standin(data_dir)], stdout=subprocess.PIPE, text=True)
    try:
        pid = int(starter.stdout.readline())
        assert server.stop_server(data_dir, timeout=10) is not None  # no TimeoutExpired on the starter's zombie
        deadline = time.monotonic() + 10
        while psutil.pid_exists(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not psutil.pid_exists(pid)
    finally:
        starter.kill()
        starter.wait()
