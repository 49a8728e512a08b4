"""Summary workers (flows/workers.py): the same summaries as in this process; a dead worker loses nothing."""

from __future__ import annotations

import logging
import os
import signal

import psutil
import pytest

from flows import workers
from summarizer.errors import ConfigError
from summarizer.summaries.summarize import choose
from tests.test_summarize import CORPUS, vectors_for


@pytest.fixture
def started():  # type: ignore[no-untyped-def]
    workers.start(2)
    yield
    workers.stop()


def worker_pids() -> list[int]:
    """This process's live loky workers."""
    pids = []
    for p in psutil.Process().children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE and "loky.backend.popen_loky" in " ".join(p.cmdline()):
                pids.append(p.pid)
        except psutil.Error:  # gone meanwhile
            pass
    return pids


def test_a_summary_made_by_a_worker_is_the_one_made_here(started, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    vectors = vectors_for(CORPUS, fake_embedder)
    assert workers.running()
    for budget in (20, 40, 100):
        assert workers.choose(CORPUS, vectors, budget_words=budget) == choose(CORPUS, vectors, budget_words=budget)
    assert worker_pids(), "the summaries were made in worker processes"


def test_an_error_of_the_summary_itself_reaches_the_caller(started, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="unknown algorithm 'magic'"):
        workers.choose(CORPUS, vectors_for(CORPUS, fake_embedder), algorithm="magic")
    assert workers.running(), "a summary's own error does not stop the workers"


def test_when_the_workers_die_the_summary_is_made_here(started, fake_embedder, caplog) -> None:  # type: ignore[no-untyped-def]
    vectors = vectors_for(CORPUS, fake_embedder)
    workers.choose(CORPUS, vectors)  # the workers are up
    for pid in worker_pids():
        os.kill(pid, signal.SIGKILL)
    with caplog.at_level(logging.WARNING, logger="nttr"):
        got = workers.choose(CORPUS, vectors)
    assert got == choose(CORPUS, vectors)
    assert "summary workers stopped" in caplog.text
    assert not workers.running()


def test_without_workers_summaries_are_made_in_this_process(fake_embedder) -> None:  # type: ignore[no-untyped-def]
    vectors = vectors_for(CORPUS, fake_embedder)
    assert not workers.running()
    assert workers.choose(CORPUS, vectors) == choose(CORPUS, vectors)
    assert not worker_pids()


def test_workers_start_unasked_only_when_encoding_is_long_enough_to_hide_their_start() -> None:
    assert not workers.wanted(None, 0)
    assert not workers.wanted(None, workers.WORTH_FROM - 1)  # one more article: its few summaries, here
    assert workers.wanted(None, workers.WORTH_FROM)
    assert workers.wanted(2, 1) and not workers.wanted(2, 0)  # a number: whenever the run encodes
    assert not workers.wanted(0, 10 * workers.WORTH_FROM)
