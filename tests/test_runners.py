"""Task runners: threads by default, Dask (local cluster or a scheduler address) on request; same digest."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from prefect.task_runners import ThreadPoolTaskRunner

from flows.runners import local_cluster_kwargs, task_runner_for
from summarizer.errors import ConfigError
from summarizer.settings import load_settings

from tests.conftest import SEEDS


def test_default_setting_gives_the_thread_pool_runner():
    assert isinstance(task_runner_for(load_settings()), ThreadPoolTaskRunner)


def test_dask_setting_gives_a_local_cluster_of_single_threaded_worker_processes_on_localhost():
    from prefect_dask import DaskTaskRunner

    runner = task_runner_for(load_settings(task_runner="dask"))
    assert isinstance(runner, DaskTaskRunner) and runner.address is None
    assert runner.cluster_class == "distributed.LocalCluster"
    assert runner.cluster_kwargs == local_cluster_kwargs()
    assert runner.cluster_kwargs["processes"] is True and runner.cluster_kwargs["threads_per_worker"] == 1
    assert runner.cluster_kwargs["host"] == "127.0.0.1" and runner.cluster_kwargs["n_workers"] >= 1


def test_dask_address_connects_to_an_existing_scheduler_instead():
    runner = task_runner_for(load_settings(task_runner="dask", dask_address="tcp://10.0.0.5:8786"))
    assert runner.address == "tcp://10.0.0.5:8786" and runner.cluster_kwargs == {}


def test_a_dask_address_without_a_scheme_is_refused_in_one_line():
    with pytest.raises(ConfigError, match=r"NTTR_DASK_ADDRESS.*tcp://host:8786"):
        task_runner_for(load_settings(task_runner="dask", dask_address="10.0.0.5:8786"))


@pytest.mark.prefect
def test_tasks_run_in_separate_worker_processes_on_the_local_dask_cluster(prefect_harness):
    from prefect import flow, task

    @task
    def where(i: int) -> tuple[int, int]:
        import time

        time.sleep(0.5)  # long enough that one worker cannot take every task
        return i, os.getpid()

    runner = task_runner_for(load_settings(task_runner="dask"))

    @flow(task_runner=runner)
    def spread() -> list[tuple[int, int]]:
        return [f.result() for f in where.map(range(6))]

    results = spread()
    assert [i for i, _ in results] == list(range(6))
    pids = {pid for _, pid in results}
    assert os.getpid() not in pids and len(pids) == runner.cluster_kwargs["n_workers"] == min(2, os.cpu_count() or 1)


def digest_without_timestamp(out: Path) -> str:
    data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
    assert data["run"].pop("generated_at")
    return json.dumps(data, indent=2, sort_keys=True)


@pytest.mark.prefect
@pytest.mark.model
@pytest.mark.slow  # two whole runs, one on a local Dask cluster
def test_default_and_dask_runners_write_the_same_digest(
    prefect_harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Two seed files, the real model; each run has its own data folder, so both encode from scratch."""
    from flows.digest import digest_flow

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for seed in sorted(SEEDS.iterdir())[:2]:
        shutil.copy(seed, inbox / seed.name)

    outs = {}
    for name in ("default", "dask"):
        monkeypatch.setenv("NTTR_DATA_DIR", str(tmp_path / f"data-{name}"))
        settings = load_settings(task_runner=name)
        outs[name] = tmp_path / f"out-{name}"
        digest_flow.with_options(task_runner=task_runner_for(settings))(inputs=[str(inbox)], out=str(outs[name]))

    default, dask = (digest_without_timestamp(outs[n]) for n in ("default", "dask"))
    assert json.loads(default)["stats"]["articles"] == 2 and json.loads(default)["summits"]
    assert default == dask


def test_submitted_inputs_skip_prefects_walk_in_threads_but_not_under_dask(prefect_harness):
    """Prefect walks a submitted task's inputs for futures unless they are quoted; Dask unpacks the quote."""
    from prefect import flow
    from prefect.utilities.annotations import quote

    from flows.digest import submitted

    @flow
    def probe() -> bool:
        return isinstance(submitted(["a statement"]), quote)

    assert probe.with_options(task_runner=ThreadPoolTaskRunner(max_workers=1))()
    assert not probe.with_options(task_runner=task_runner_for(load_settings(task_runner="dask")))()
    assert submitted(["a statement"]) == ["a statement"]  # outside a flow: as it is
