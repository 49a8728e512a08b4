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


def test_a_day_with_nothing_new_sends_nothing(month: SoakReport):
    result = check(month, "a day with nothing new sends nothing")
    assert result.ok, result.detail


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


def test_never_a_traceback(month: SoakReport):
    result = check(month, "never a traceback")
    assert result.ok, result.detail


def test_state_and_caches_grow_linearly_with_the_articles_seen(month: SoakReport):
    result = check(month, "state and caches grow linearly")
    assert result.ok, result.detail


def test_prune_forgets_what_is_older_than_the_retention(month: SoakReport):
    result = check(month, "nttr prune --older-than")
    assert result.ok, result.detail


def test_the_daily_deployments_cron_fires_twice_on_a_server_with_a_worker(month: SoakReport):
    result = check(month, "the daily deployment's cron fires twice")
    assert result.ok, result.detail
