"""A month of daily digests from live feeds, through faults: nothing lost, nothing twice (tests/soak).

One soak for the module (several minutes): 30 simulated days of a dozen loopback RSS/Atom feeds and 50
subscribers on a loopback SMTP server, with the real embedding model and a real Prefect server; two runs
SIGKILLed and restarted; the daily deployment's one-minute cron firing twice for a worker; then
`nttr prune`. `nttr soak --days N` runs the same thing for longer. Each test below reads one of the
soak's checks (tests/soak/month.py says how each is made) and fails with its evidence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.soak.month import Check, SoakReport, run_soak

pytestmark = [pytest.mark.slow, pytest.mark.model, pytest.mark.prefect]


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> SoakReport:
    folder: Path = tmp_path_factory.mktemp("soak")
    report = run_soak(30, workdir=folder, subscribers=50, say=print)
    print("\n".join(report.lines()))
    return report


def check(report: SoakReport, starts: str) -> Check:
    found = [c for c in report.checks if c.name.startswith(starts)]
    assert found, f"no check named {starts!r}: {[c.name for c in report.checks]}"
    return found[0]


def test_every_article_is_in_exactly_one_digest_or_listed_as_a_problem(month: SoakReport):
    result = check(month, "every article in exactly one digest")
    assert result.ok, result.detail
    assert "1 updated materially" in result.detail and "1 only as problems" in result.detail, result.detail


def test_every_subscriber_gets_each_days_digest_exactly_once(month: SoakReport):
    result = check(month, "each subscriber gets each day's digest exactly once")
    assert result.ok, result.detail
    assert month.emails > 500


@pytest.mark.parametrize("stage", ["embedded", "send:8"])
def test_a_killed_day_rerun_makes_and_sends_what_an_uninterrupted_run_would(month: SoakReport, stage: str):
    [result] = [c for c in month.checks if c.name.endswith(f"killed at {stage} and rerun = an uninterrupted run")]
    assert result.ok, result.detail


def test_every_fault_leaves_a_one_line_reason(month: SoakReport):
    result = check(month, "every fault leaves a one-line reason")
    assert result.ok, result.detail
    kinds = ("http500", "stall", "html", "page over the size limit", "refusing all mail", "dropped mid-batch",
             "SIGKILLed at embedded", "SIGKILLed at send")
    for kind in kinds:
        assert any(kind in fault for fault in month.faults), (kind, month.faults)


@pytest.mark.parametrize("starts", [
    "a day with nothing new sends nothing",
    "never a traceback",
    "state and caches grow linearly",  # with the articles seen
    "nttr prune --older-than",  # forgets what is older than the retention
    "the daily deployment's cron fires twice",  # on a server with a worker
])
def test_the_soak_check_holds(month: SoakReport, starts: str):
    result = check(month, starts)
    assert result.ok, result.detail


def test_median_of_two_days_is_their_mean():
    from tests.soak.month import median

    assert median([30.0, 4.0]) == 17.0
