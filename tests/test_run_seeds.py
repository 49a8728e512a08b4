"""End to end, as a user runs it: `nttr run seeds` twice, then the digest is checked against the promises."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from flows.server import read_record, stop_server
from tests.conftest import ROOT

pytestmark = [pytest.mark.model, pytest.mark.slow]  # three whole CLI runs of the seeds; quick tier: test_flow

CHROME = ("No time to read", "Get a summary", "Previous Article", "Next Article", "Get The Astana Times", "[citation")


def nttr(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Run the seeds twice, into two folders, sharing one data folder (and so one background Prefect server)."""
    base = tmp_path_factory.mktemp("runs")
    env = {**os.environ, "NTTR_DATA_DIR": str(base / "data"), "PREFECT_HOME": str(base / "prefect")}
    env.pop("PREFECT_API_URL", None)
    env["NTTR_SUMMARY_WORKERS"] = "2"  # the seeds' 208 statements are too few to start workers unasked
    try:
        first = nttr("run", "seeds", "--out", str(base / "one"), env=env)
        assert first.returncode == 0, first.stderr
        server_after_first = read_record(base / "data")
        second = nttr("run", "seeds", "--out", str(base / "two"), "--explain-cleaning", env=env)
        assert second.returncode == 0, second.stderr
        assert read_record(base / "data") == server_after_first
        temporary = nttr("run", "seeds", "--out", str(base / "three"), env={**env, "NTTR_PREFECT_SERVER": "temporary"})
        assert temporary.returncode == 0, temporary.stderr
        yield base / "one", base / "two", first, second, server_after_first, base / "three"
    finally:
        stop_server(base / "data")


def load(folder: Path) -> dict:
    return json.loads((folder / "digest.json").read_text(encoding="utf-8"))


def all_items(digest: dict):
    for group in (*digest["summits"], *digest["themes"]):
        for item in group["summary"]:
            yield group, item


def test_run_writes_the_three_outputs(two_runs):
    one = two_runs[0]
    assert {p.name for p in one.iterdir()} >= {"digest.json", "digest.md", "index.html"}


def test_run_prints_no_traceback_or_error_log(two_runs):
    first = two_runs[2]
    assert "Traceback" not in first.stderr and "ERROR" not in first.stderr
    assert "5 summits" in first.stdout


def test_seeds_give_five_summits_each_with_a_summary(two_runs):
    digest = load(two_runs[0])
    assert len(digest["summits"]) == 5
    assert all(s["summary"] for s in digest["summits"])


def test_every_summary_sentence_is_verbatim_from_its_cited_seed(two_runs):
    digest = load(two_runs[0])
    for _, item in all_items(digest):
        assert item["sources"], item
        for source in item["sources"]:
            assert item["text"] in (ROOT / source["path"]).read_text(encoding="utf-8"), item["text"]


def test_no_summary_sentence_carries_site_chrome(two_runs):
    digest = load(two_runs[0])
    for _, item in all_items(digest):
        assert not any(c in item["text"] for c in CHROME), item["text"]


def test_no_two_sentences_of_a_summary_repeat_each_other(two_runs, real_embedder):
    digest = load(two_runs[0])
    for group in (*digest["summits"], *digest["themes"]):
        texts = [i["text"] for i in group["summary"]]
        if len(texts) < 2:
            continue
        v = real_embedder.encode(texts)
        sims = v @ v.T
        np.fill_diagonal(sims, 0)
        assert sims.max() <= 0.85, (group.get("title") or group.get("label"), texts)


def test_at_least_four_themes_with_readable_names(two_runs):
    themes = load(two_runs[0])["themes"]
    assert len(themes) >= 4
    for t in themes:
        assert re.search(r"[A-Za-z]{3}", t["label"]) and not re.fullmatch(r"[\W\d_]*(theme|topic)?[\W\d_]*", t["label"], re.I)
        assert t["summary"]


def test_second_run_is_identical_apart_from_the_timestamp(two_runs):
    one, two = two_runs[:2]
    a, b = load(one), load(two)
    stamp = a["run"].pop("generated_at")
    assert stamp and b["run"].pop("generated_at")
    raw_a = (one / "digest.json").read_text(encoding="utf-8").replace(stamp, "")
    assert a == b and raw_a.count("\n") > 10


def test_explain_cleaning_prints_each_removal_with_its_rule(two_runs):
    out = two_runs[3].stdout
    assert "caption: During the videoconference. Photo credit: Akorda press service" in out
    assert "notice: Get The Astana Times stories sent directly to you!" in out
    assert re.search(r"removed: .*boilerplate \d+.*; \d+ of 5 pages untouched", out), out


def test_second_run_encodes_nothing(two_runs):
    first, second = two_runs[2:4]
    assert re.search(r"; [1-9]\d* newly encoded\)", first.stdout), first.stdout
    assert "; 0 newly encoded)" in second.stdout, second.stdout


def test_first_run_writes_its_summaries_in_worker_processes_and_the_second_reads_them(two_runs):
    first, second = two_runs[2:4]
    assert "5 summaries: 0 remembered, 5 to write by 2 worker processes" in first.stderr, first.stderr
    assert "5 summaries: 5 remembered, 0 to write\n" in second.stderr, second.stderr


def test_summit_titles_name_the_places_and_dates_the_text_states(two_runs):
    titles = " | ".join(s["title"] for s in load(two_runs[0])["summits"])
    for stated in ("Bishkek", "Astana", "2025"):
        assert stated in titles, titles


def test_first_run_starts_a_background_server_and_the_second_reuses_it(two_runs):
    first, second, record = two_runs[2], two_runs[3], two_runs[4]
    assert record is not None and f"started a Prefect server in the background at {record.ui_url}" in first.stderr
    assert "started a Prefect server" not in second.stderr


def test_runs_on_the_background_server_give_the_digest_of_a_temporary_server(two_runs):
    reused, temporary = load(two_runs[1]), load(two_runs[5])
    for digest in (reused, temporary):
        assert digest["run"].pop("generated_at")
    assert reused == temporary


def test_the_shipped_sample_is_todays_digest_of_the_seeds(two_runs):
    """outputs/sample/ shows what `nttr run seeds` gives now: the same digest but for the run's stamp."""
    def unstamped(digest: dict) -> dict:
        return {**digest, "run": {k: v for k, v in digest["run"].items() if k not in ("generated_at", "as_of")}}

    shipped = json.loads((ROOT / "outputs" / "sample" / "digest.json").read_text(encoding="utf-8"))
    assert unstamped(load(two_runs[0])) == unstamped(shipped), "regenerate outputs/sample/ (nttr run seeds --out outputs/sample)"
