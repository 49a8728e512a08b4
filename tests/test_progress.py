"""Long steps show progress, and Ctrl-C is honoured within seconds with one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from summarizer.statements import embed
from tests.conftest import ROOT, FakeEmbedder


def test_encoding_reports_progress_step_by_step(tmp_path):
    seen: list[int] = []
    texts = [f"Statement number {i} about the summit." for i in range(300)]
    embed.encode_cached(FakeEmbedder(), texts, tmp_path, progress=seen.append)
    assert seen == [128, 128, 44]


def test_cached_texts_report_no_progress(tmp_path):
    embed.encode_cached(FakeEmbedder(), ["One statement."], tmp_path)
    seen: list[int] = []
    embed.encode_cached(FakeEmbedder(), ["One statement."], tmp_path, progress=seen.append)
    assert seen == []


def test_progress_without_a_terminal_is_a_line_every_few_seconds(caplog):
    from flows.progress import CURRENT, bar

    with caplog.at_level("INFO", logger="nttr"), bar("encoding", 10, every=0.0) as advance:
        assert CURRENT["encoding"] is advance
        advance(4)
    assert "encoding: 4 of 10" in caplog.text and "encoding" not in CURRENT


BUSY = """
import time
from concurrent.futures import ThreadPoolExecutor
from flows.cli import honour_interrupt
honour_interrupt()
pool = ThreadPoolExecutor(1)  # a task runner's thread, in a model call that cannot be cut
future = pool.submit(time.sleep, 60)
try:
    print("working", flush=True)
    future.result()
except KeyboardInterrupt:  # as nttr's main() does, once the task runner let go
    pool.shutdown(wait=True)  # what the task runner does on the way out: wait for its threads
    raise SystemExit(130)
"""


def test_ctrl_c_during_work_in_a_thread_exits_within_seconds_with_one_line():
    proc = subprocess.Popen([sys.executable, "-c", BUSY], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.readline().strip() == "working"
    proc.send_signal(signal.SIGINT)
    try:
        err = proc.communicate(timeout=20)[1]  # without the handler: 60 s
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err.strip() == "nttr: interrupted"


def test_a_step_of_unknown_length_says_when_it_starts_and_ends(capsys):
    from flows.progress import working

    with working("scoring 1 topic"):
        pass
    assert capsys.readouterr().err.splitlines() == ["nttr: scoring 1 topic ...", "nttr: scoring 1 topic: done in 0 s"]
