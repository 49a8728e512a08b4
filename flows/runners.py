"""The task runner a run uses: threads on this machine, or Dask (a local cluster or an existing scheduler).

    digest_flow.with_options(task_runner=task_runner_for(settings))

`NTTR_TASK_RUNNER=default` (the default): Prefect's ThreadPoolTaskRunner, tasks in threads of this process
(one per core).
`NTTR_TASK_RUNNER=dask`: prefect-dask's DaskTaskRunner. With `NTTR_DASK_ADDRESS` unset it starts a local
cluster for the run (worker processes on this machine, one thread each; closed when the run ends); with
`NTTR_DASK_ADDRESS=tcp://scheduler:8786` it connects to that scheduler, whose workers must have nttr
installed (same version) and see the same input paths and `NTTR_DATA_DIR` (for the embedding cache).
The results do not depend on the runner: tasks are pure and the flow gathers their results in order.
"""

from __future__ import annotations

import os
from pathlib import Path

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from summarizer.errors import ConfigError
from summarizer.settings import Settings, load_settings

DEFAULT_DASK_WORKERS = 2


def local_cluster_kwargs(n_workers: int | None = None) -> dict[str, object]:
    """Arguments of the local `distributed.LocalCluster`: worker processes bound to 127.0.0.1, no dashboard.

    One thread per worker: the embedding model already uses several cores through torch, and processes
    keep the GIL-bound stages (splitting, clustering) truly parallel.
    """
    workers = n_workers or min(DEFAULT_DASK_WORKERS, os.cpu_count() or 1)
    return {
        "n_workers": workers,
        "threads_per_worker": 1,
        "processes": True,
        "host": "127.0.0.1",
        "dashboard_address": None,
    }


def task_runner_for(settings: Settings, *, n_workers: int | None = None) -> TaskRunner:
    """The task runner named by `settings.task_runner` ("default" or "dask")."""
    if settings.task_runner == "default":
        # One thread per core: the summaries' solver is CPU-bound, and more threads only contend.
        return ThreadPoolTaskRunner(max_workers=max(2, os.cpu_count() or 1))
    if settings.task_runner == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError:  # pragma: no cover - prefect-dask is a dependency
            raise ConfigError("setting task_runner (NTTR_TASK_RUNNER): dask needs prefect-dask; pip install prefect-dask")
        if settings.dask_address:
            address = settings.dask_address.strip()
            if "://" not in address:
                raise ConfigError(
                    f"setting dask_address (NTTR_DASK_ADDRESS): {address!r} is not a scheduler address "
                    "(expected e.g. tcp://host:8786)"
                )
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs=local_cluster_kwargs(n_workers))
    raise ConfigError(f"setting task_runner (NTTR_TASK_RUNNER): unknown runner {settings.task_runner!r}; use default or dask")


def deploy_values() -> dict[str, str]:
    """A `prefect deploy` build step (see prefect.yaml): the values templated into the deployments.

    timezone: the daily schedule's zone, from nttr's settings (NTTR_TIMEZONE or the NTTR_CONFIG file;
    default UTC), validated like every setting. repo: the folder `prefect deploy` runs in, where a
    process worker on this machine starts each flow run.
    """
    settings = load_settings()
    return {"timezone": settings.timezone, "repo": str(Path.cwd().resolve())}
