"""A run whose background Prefect server goes away (`nttr server stop --force` from another shell) finishes
its outputs, says once that it was not recorded in Prefect, and exits: no traceback, no minutes of retries."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from flows.server import stop_server
from tests.conftest import ROOT, SEEDS


@pytest.mark.model
@pytest.mark.slow  # a real Prefect server and the model: ~90 s; the quick tests below cover flows/api_lost.py
def test_run_whose_server_is_stopped_writes_its_outputs_and_says_so_in_one_line(tmp_path):
    given = tmp_path / "in"
    given.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:2]:
        shutil.copy(path, given)
    env = {**os.environ, "NTTR_DATA_DIR": str(tmp_path / "data"), "PREFECT_HOME": str(tmp_path / "prefect"),
           "NTTR_TEST_STOP_SERVER_AT": "embedded"}
    env.pop("PREFECT_API_URL", None)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "flows.cli", "run", str(given), "--out", str(tmp_path / "out")],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,  # Prefect's retries took 4 min
        )
    finally:
        stop_server(tmp_path / "data")
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "out" / "digest.json").is_file()
    assert f"wrote {tmp_path / 'out' / 'digest.json'}" in done.stdout
    assert "the outputs are complete, but this run was not recorded in Prefect" in done.stderr
    assert "Traceback" not in done.stderr and "EventsWorker" not in done.stderr


def test_prefect_records_about_an_unreachable_api_are_dropped_and_noted():
    import logging

    from flows.api_lost import ApiWatch

    watch = ApiWatch()
    record = logging.LogRecord("prefect._internal.concurrency", logging.ERROR, __file__, 1,
                               "Service 'EventsWorker' failed to process item Event(...)", None, None)
    assert watch.filter(record) is False and watch.lost


def test_other_records_pass_while_the_api_answers():
    import logging

    from flows.api_lost import ApiWatch

    record = logging.LogRecord("prefect.flow_runs", logging.WARNING, __file__, 1, "something else", None, None)
    assert ApiWatch().filter(record) is True


def test_connection_error_is_told_apart_through_its_causes():
    import httpx

    from flows.api_lost import is_connection_error

    try:
        try:
            raise httpx.ConnectError("refused")
        except httpx.ConnectError as exc:
            raise RuntimeError("wrapped") from exc
    except RuntimeError as outer:
        assert is_connection_error(outer)
    assert not is_connection_error(ValueError("bad"))


def test_prefect_still_processing_line_at_exit_is_dropped_without_calling_the_api_lost():
    import logging

    from flows.api_lost import ApiWatch

    watch = ApiWatch()
    record = logging.LogRecord("EventsWorker", logging.WARNING, __file__, 1,
                               "Still processing items: 1 items remaining...", None, None)
    assert watch.filter(record) is False and not watch.lost
