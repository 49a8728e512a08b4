"""prefect.yaml end to end on a real local Prefect server: deploy, a worker, an on-demand run, an event run.

Slow (a server, a worker, two flow runs with the real model: about two minutes). Every process it starts
is stopped at the end, whatever happens.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flows import serve_demo as demo
from tests.conftest import ROOT, SEEDS

pytestmark = [pytest.mark.prefect, pytest.mark.model]

ZONE = "Asia/Bishkek"


def digest_of(out: Path) -> dict:
    return json.loads((out / "digest.json").read_text(encoding="utf-8"))


@pytest.mark.slow  # a server, a work pool, a worker and two flow runs
def test_deploy_all_then_a_worker_runs_on_demand_and_event_triggered_runs(tmp_path: Path):
    seeds = sorted(SEEDS.iterdir())
    batch, arrived = tmp_path / "batch", tmp_path / "arrived"
    batch.mkdir()
    arrived.mkdir()
    for seed in seeds[:2]:
        shutil.copy(seed, batch / seed.name)
    shutil.copy(seeds[2], arrived / seeds[2].name)

    exe = demo.prefect_exe()
    port = demo.free_port()
    home = tmp_path / "prefect-home"
    home.mkdir()
    env = demo.service_env(home, port, {"NTTR_TIMEZONE": ZONE, "PREFECT_LOGGING_LEVEL": "INFO"})
    url = env["PREFECT_API_URL"]
    server = worker = None
    try:
        # No scheduler: the daily schedule is stored and checked, but must not start runs during the test.
        server = demo.start(
            [exe, "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui", "--no-scheduler"],
            env, home / "server.log",
        )
        demo.wait_healthy(url, server, home / "server.log", timeout=180)
        demo.run([exe, "work-pool", "create", demo.POOL, "--type", "process"], env)
        demo.run([exe, "--no-prompt", "deploy", "--all"], env, timeout=600)

        daily = demo.deployment(url, "nttr/daily-digest")
        [schedule] = daily["schedules"]
        assert schedule["schedule"]["cron"] == "0 7 * * *" and schedule["schedule"]["timezone"] == ZONE
        assert schedule["active"] is True
        assert daily["parameters"]["new_only"] is True and daily["parameters"]["send_email"] is False
        assert daily["pull_steps"] == [
            {"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT.resolve())}}
        ]
        on_demand = demo.deployment(url, "nttr/on-demand")
        on_arrival = demo.deployment(url, "nttr/on-arrival")
        assert on_demand["schedules"] == [] and on_arrival["schedules"] == []
        automations = demo.api(url, "GET", f"/automations/related-to/prefect.deployment.{on_arrival['id']}")
        assert [a["trigger"]["expect"] for a in automations] == [[demo.EVENT]]

        worker = demo.start([exe, "worker", "start", "--pool", demo.POOL, "--limit", "1"], env, home / "worker.log")

        out1 = tmp_path / "out-on-demand"
        said = demo.run(
            [exe, "deployment", "run", "nttr/on-demand", "-p", f"inputs={json.dumps([str(batch)])}",
             "-p", f"out={out1}"],
            env,
        )
        run_id = said.split("flow-run/")[1].split()[0].strip()
        first = demo.wait_for_run(url, on_demand["id"], run_id=run_id, timeout=900, log=home / "worker.log")
        assert first["state_type"] == "COMPLETED", demo.tail(home / "worker.log")
        assert digest_of(out1)["stats"]["articles"] == 2
        artifacts = demo.api(url, "POST", "/artifacts/filter", {"flow_runs": {"id": {"any_": [run_id]}}})
        assert sorted(a["key"] for a in artifacts) == ["nttr-digest", "nttr-output", "nttr-summits-themes"]

        out2 = tmp_path / "out-on-arrival"
        payload = {"inputs": [str(arrived)], "out": str(out2), "budget_words": 60}
        demo.run(
            [exe, "event", "emit", demo.EVENT, "--resource-id", "nttr.test-inbox", "--payload", json.dumps(payload)],
            env,
        )
        second = demo.wait_for_run(url, on_arrival["id"], timeout=900, log=home / "worker.log")
        assert second["state_type"] == "COMPLETED", demo.tail(home / "worker.log")
        assert second["parameters"]["inputs"] == [str(arrived)] and second["parameters"]["budget_words"] == 60
        made = digest_of(out2)
        assert made["stats"]["articles"] == 1 and made["run"]["budget_words"] == 60
    finally:
        demo.stop(worker)
        demo.stop(server)
    assert worker is None or worker.poll() is not None
    assert server is None or server.poll() is not None


def test_waiting_for_a_run_outlasts_a_poll_the_busy_server_does_not_answer(monkeypatch: pytest.MonkeyPatch):
    import httpx

    answers = iter([httpx.ReadTimeout("timed out"), [{"id": "r1", "name": "run", "state_type": "RUNNING"}],
                    [{"id": "r1", "name": "run", "state_type": "COMPLETED"}]])

    def flow_runs(api_url: str, deployment_id: str) -> list[dict]:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(demo, "flow_runs", flow_runs)
    monkeypatch.setattr(demo.time, "sleep", lambda seconds: None)
    assert demo.wait_for_run("http://127.0.0.1:9", "d", timeout=60)["state_type"] == "COMPLETED"
