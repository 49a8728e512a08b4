"""Run nttr as a service on one machine, step by step: the demo the README and docs/operations.md name.

    .venv/bin/python flows/serve_demo.py            # the whole sequence, then stops everything
    .venv/bin/python flows/serve_demo.py --keep     # leaves the server (with its UI) and the worker running

It runs, and prints, the same commands you would type:

    PREFECT_HOME=<tmp> prefect server start --host 127.0.0.1 --port <port>
    export PREFECT_API_URL=http://127.0.0.1:<port>/api
    prefect work-pool create nttr-local --type process
    prefect --no-prompt deploy --all                                  # prefect.yaml: 3 deployments
    prefect worker start --pool nttr-local
    prefect deployment run 'nttr/on-demand' -p inputs='["seeds"]' -p out=outputs/demo/on-demand
    prefect event emit nttr.articles.arrived --resource-id nttr.demo \
        --payload '{"inputs": ["seeds/000_....txt"], "out": "outputs/demo/on-arrival"}'

and waits until both flow runs have completed and written their digest.json. The server's database
lives in a temporary PREFECT_HOME (printed), so the demo never touches your own Prefect profile.
tests/test_deployments.py drives the same functions.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
POOL = "nttr-local"
EVENT = "nttr.articles.arrived"
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def prefect_exe() -> str:
    """The `prefect` next to this Python (the venv's), else the one on PATH."""
    here = Path(sys.executable).parent / "prefect"
    found = str(here) if here.exists() else shutil.which("prefect")
    if not found:
        sys.exit("serve_demo: prefect is not installed in this environment (pip install -e .)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def service_env(home: Path, port: int, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for every child: its own PREFECT_HOME, the local API, no analytics, offline model."""
    env = dict(os.environ)
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_API_URL=f"http://127.0.0.1:{port}/api",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
    )
    env.pop("PREFECT_PROFILE", None)
    env.update(extra or {})
    return env


def say(args: Sequence[str]) -> None:
    print("$ " + " ".join(shlex.quote(a) if a != "prefect" else a for a in args), flush=True)


def start(args: Sequence[str], env: Mapping[str, str], log: Path, *, cwd: Path = ROOT) -> subprocess.Popen[bytes]:
    """Start a long-running child in its own process group, output to `log`."""
    say(["prefect", *args[1:]])
    with open(log, "ab") as out:
        return subprocess.Popen(
            list(args), env=dict(env), cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(proc: subprocess.Popen[bytes] | None, timeout: float = 10.0) -> None:
    """Stop a child and everything it started: SIGINT, then SIGTERM, then SIGKILL, each with a deadline."""
    if proc is None or proc.poll() is not None:
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=timeout)
            break
        except subprocess.TimeoutExpired:
            continue
    try:  # also whatever the child left behind in its group (e.g. a flow-run subprocess)
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:  # pragma: no cover - a process that survives SIGKILL
        pass


def run(args: Sequence[str], env: Mapping[str, str], *, timeout: float = 300, cwd: Path = ROOT) -> str:
    """Run a prefect command to completion; its output, or an error naming the command and its output."""
    say(["prefect", *args[1:]])
    done = subprocess.run(
        list(args), env=dict(env), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"`{' '.join(args[1:])}` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def wait_healthy(api_url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited ({proc.returncode}):\n{tail(log)}")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"prefect server not healthy after {timeout:.0f} s:\n{tail(log)}")


def api(api_url: str, method: str, path: str, body: Any = None) -> Any:
    response = httpx.request(method, f"{api_url}{path}", json=body, timeout=30)
    response.raise_for_status()
    return response.json()


def deployment(api_url: str, name: str) -> dict[str, Any]:
    """A deployment by 'flow/deployment' name, as the API returns it."""
    return api(api_url, "GET", f"/deployments/name/{name}")


def flow_runs(api_url: str, deployment_id: str) -> list[dict[str, Any]]:
    return api(
        api_url,
        "POST",
        "/flow_runs/filter",
        {"deployments": {"id": {"any_": [deployment_id]}}, "sort": "EXPECTED_START_TIME_ASC", "limit": 50},
    )


def wait_for_run(
    api_url: str,
    deployment_id: str,
    *,
    run_id: str | None = None,
    exclude: Sequence[str] = (),
    timeout: float = 900,
    log: Path | None = None,
) -> dict[str, Any]:
    """Wait until a flow run of the deployment (`run_id`, else the first not in `exclude`) reaches a final state.

    A poll the server does not answer in time (it is busy: on two cores, the runs it schedules compete with it)
    is not the answer: polling goes on until `timeout`.
    """
    deadline = time.monotonic() + timeout
    last = "no flow run yet"
    while time.monotonic() < deadline:
        try:
            found = flow_runs(api_url, deployment_id)
        except httpx.TransportError as exc:
            last = f"the server did not answer a poll ({type(exc).__name__})"
            time.sleep(2)
            continue
        runs = [r for r in found if (run_id is None or r["id"] == run_id) and r["id"] not in exclude]
        if runs:
            state = runs[0]["state_type"]
            last = f"{runs[0]['name']} is {state}"
            if state in TERMINAL:
                return runs[0]
        time.sleep(2)
    raise TimeoutError(f"no finished flow run after {timeout:.0f} s ({last})" + (f":\n{tail(log)}" if log else ""))


def tail(log: Path | None, lines: int = 40) -> str:
    if log is None or not log.exists():
        return ""
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="Server port (default: a free one).")
    parser.add_argument("--home", type=Path, help="PREFECT_HOME of the demo server (default: a new temp dir).")
    parser.add_argument("--out", type=Path, default=Path("outputs/demo"), help="Where the two digests go.")
    parser.add_argument("--keep", action="store_true", help="Leave the server and the worker running.")
    parser.add_argument("--no-ui", action="store_true", help="Start the server without its web UI.")
    args = parser.parse_args(argv)

    exe = prefect_exe()
    port = args.port or free_port()
    home = args.home or Path(tempfile.mkdtemp(prefix="nttr-prefect-"))
    home.mkdir(parents=True, exist_ok=True)
    env = service_env(home, port)
    api_url = env["PREFECT_API_URL"]
    out = (ROOT / args.out).resolve() if not args.out.is_absolute() else args.out
    seeds = sorted((ROOT / "seeds").iterdir())
    server = worker = None
    print(f"# PREFECT_HOME={home}  (server database and logs)")
    try:
        server = start(
            [exe, "server", "start", "--host", "127.0.0.1", "--port", str(port), *(["--no-ui"] if args.no_ui else [])],
            env, home / "server.log",
        )
        wait_healthy(api_url, server, home / "server.log")
        print(f"$ export PREFECT_API_URL={api_url}")
        pools = run([exe, "work-pool", "ls"], env)
        if POOL not in pools:
            run([exe, "work-pool", "create", POOL, "--type", "process"], env)
        run([exe, "--no-prompt", "deploy", "--all"], env, timeout=600)
        daily = deployment(api_url, "nttr/daily-digest")["schedules"][0]["schedule"]
        print(f"# nttr/daily-digest runs at cron {daily['cron']!r} in {daily['timezone']}")
        worker = start([exe, "worker", "start", "--pool", POOL, "--limit", "1"], env, home / "worker.log")

        on_demand = deployment(api_url, "nttr/on-demand")["id"]
        said = run(
            [exe, "deployment", "run", "nttr/on-demand", "-p", 'inputs=["seeds"]', "-p", f"out={out / 'on-demand'}"],
            env,
        )
        run_id = re.search(r"flow-run/([0-9a-f-]{36})", said)
        done = wait_for_run(api_url, on_demand, run_id=run_id and run_id.group(1), log=home / "worker.log")
        print(f"# on-demand run {done['name']}: {done['state_type']} -> {out / 'on-demand' / 'digest.json'}")

        on_arrival = deployment(api_url, "nttr/on-arrival")["id"]
        payload = {"inputs": [str(seeds[0].relative_to(ROOT))], "out": str(out / "on-arrival")}
        before = [r["id"] for r in flow_runs(api_url, on_arrival)]
        run([exe, "event", "emit", EVENT, "--resource-id", "nttr.demo", "--payload", json.dumps(payload)], env)
        done = wait_for_run(api_url, on_arrival, exclude=before, log=home / "worker.log")
        print(f"# on-arrival run {done['name']}: {done['state_type']} -> {out / 'on-arrival' / 'digest.json'}")
        if args.keep:
            print(f"# left running: server pid {server.pid} (UI/API on http://127.0.0.1:{port}), worker pid "
                  f"{worker.pid}.\n# Stop them with: kill -INT -{worker.pid} -{server.pid}")
            server = worker = None
        return 0
    except (RuntimeError, TimeoutError, httpx.HTTPError, subprocess.TimeoutExpired) as exc:
        print(f"serve_demo: {exc}", file=sys.stderr)
        return 1
    finally:
        stop(worker)
        stop(server)


if __name__ == "__main__":
    sys.exit(main())
