"""Retention: `nttr prune` forgets old digests, the vectors nothing kept needs, and stale summaries."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from summarizer.statements import embed
from summarizer.summaries import cache as summary_cache
from summarizer.errors import ConfigError
from summarizer import stage_cache
from summarizer.service.retention import parse_age, prune
from summarizer.service.state import StateStore
from tests.conftest import FakeEmbedder

TODAY = dt.date(2025, 6, 30)


@pytest.mark.parametrize(("text", "days"), [("90d", 90), ("90", 90), ("12w", 84), (" 7D ", 7)])
def test_parse_age_reads_days_and_weeks(text: str, days: int):
    assert parse_age(text) == days


@pytest.mark.parametrize("text", ["", "0d", "ten days", "3m", "-5d"])
def test_parse_age_refuses_anything_else_in_one_line(text: str):
    with pytest.raises(ConfigError, match="--older-than"):
        parse_age(text)


@pytest.fixture
def filled(tmp_path: Path) -> tuple[Path, Path]:
    state, cache = tmp_path / "state.sqlite3", tmp_path / "cache"
    fake = FakeEmbedder()
    fake.name = embed.model_name("all-MiniLM-L6-v2")
    with StateStore(state) as store:
        store.record_digest("old", "out/old", day=TODAY - dt.timedelta(days=120), statements=["Old statement."])
        store.record_digest("new", "out/new", day=TODAY - dt.timedelta(days=3), statements=["New statement."])
    embed.encode_cached(fake, ["Old statement.", "New statement.", "Never reported."], cache)
    summary_cache.save_choice(cache, "stale", [0])
    summary_cache.save_choice(cache, "fresh", [1])
    stale = cache / summary_cache.FOLDER / "stale.json"
    old = time.time() - 100 * 86400
    os.utime(stale, (old, old))
    for stage, name in (("themes", "unused"), ("themes", "used"), ("clean", "recent")):
        entry = cache / stage_cache.FOLDER / stage / f"{name}.json"
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_text("[]")
        if name != "recent":
            os.utime(entry, (old, old))
    return state, cache


def test_prune_forgets_the_old_digest_and_keeps_the_new(filled):
    state, cache = filled
    done = prune(state, cache, "all-MiniLM-L6-v2", days=90, today=TODAY)
    assert (done.state.digests, done.state.statements) == (1, 1)
    with StateStore(state) as store:
        assert [d.id for d in store.digests()] == ["new"]


def test_prune_keeps_only_the_vectors_of_reported_statements_kept_once_the_others_are_unused(filled):
    state, cache = filled
    done = prune(state, cache, "all-MiniLM-L6-v2", days=90, today=TODAY, now=time.time() + 100 * 86400)
    fake = FakeEmbedder()
    fake.name = embed.model_name("all-MiniLM-L6-v2")
    assert done.vectors == 2
    assert embed.encode_cached(fake, ["New statement."], cache).cache_hits == 1
    assert embed.encode_cached(fake, ["Old statement."], cache).encoded == 1


def test_prune_keeps_vectors_used_within_the_period(filled):
    state, cache = filled
    done = prune(state, cache, "all-MiniLM-L6-v2", days=90, today=TODAY)
    fake = FakeEmbedder()
    fake.name = embed.model_name("all-MiniLM-L6-v2")
    assert done.vectors == 0
    assert embed.encode_cached(fake, ["Never reported."], cache).cache_hits == 1


def test_reading_a_vector_marks_it_used_so_prune_keeps_it(filled):
    state, cache = filled
    fake = FakeEmbedder()
    fake.name = embed.model_name("all-MiniLM-L6-v2")
    later = time.time() + 100 * 86400
    conn = sqlite3.connect(cache / "embeddings.sqlite3")
    conn.execute("UPDATE vectors SET used = ?", (embed.today() - 100,))
    conn.commit()
    conn.close()
    embed.encode_cached(fake, ["Never reported."], cache)  # used today
    done = prune(state, cache, "all-MiniLM-L6-v2", days=90, today=TODAY, now=later - 95 * 86400)
    assert done.vectors == 1  # "Old statement.": unused for 100 days and no longer reported
    assert embed.encode_cached(fake, ["Never reported."], cache).cache_hits == 1


def test_prune_forgets_summaries_not_written_within_the_period(filled):
    state, cache = filled
    done = prune(state, cache, "all-MiniLM-L6-v2", days=90, today=TODAY)
    assert done.summaries == 1
    assert sorted(p.stem for p in (cache / summary_cache.FOLDER).glob("*.json")) == ["fresh"]


def test_reading_a_summary_marks_it_used_so_prune_keeps_it(filled):
    state, cache = filled
    assert summary_cache.load_choice(cache, "stale", 1) == [0]
    done = prune(state, cache, "all-MiniLM-L6-v2", days=90, today=TODAY)
    assert done.summaries == 0
    assert sorted(p.stem for p in (cache / summary_cache.FOLDER).glob("*.json")) == ["fresh", "stale"]


def test_prune_forgets_stage_results_unused_within_the_period(filled):
    state, cache = filled
    # An old entry that a run reads (through the cache's own path) is marked used and kept.
    key = stage_cache.stage_key("themes", ["input"])
    (cache / stage_cache.FOLDER / "themes" / "used.json").rename(cache / stage_cache.FOLDER / "themes" / f"{key}.json")
    got = stage_cache.remembered(cache, "themes", ["input"], lambda: ["computed"], dump=list, load=list)
    assert got == []  # read from the entry, not computed
    done = prune(state, cache, "all-MiniLM-L6-v2", days=90, today=TODAY)
    assert done.stages == 1
    left = sorted(p.relative_to(cache / stage_cache.FOLDER).as_posix() for p in (cache / stage_cache.FOLDER).rglob("*.json"))
    assert left == ["clean/recent.json", f"themes/{key}.json"]


def test_prune_says_what_it_did_in_one_line(filled):
    state, cache = filled
    line = prune(state, cache, "all-MiniLM-L6-v2", days=90, today=TODAY).line()
    assert "\n" not in line and line.startswith("forgot 1 digest dated before 2025-04-01")


def test_each_stage_keeps_only_its_most_recently_used_entries(tmp_path: Path):
    cache = tmp_path / "cache"
    for i in range(stage_cache.KEEP_PER_STAGE + 3):
        stage_cache.remembered(cache, "statements", [i], lambda i=i: [i], dump=list, load=list)
    stage_cache.remembered(cache, "clean", ["other stage"], lambda: [], dump=list, load=list)
    kept = {int(json.loads(p.read_text())[0]) for p in (cache / stage_cache.FOLDER / "statements").glob("*.json")}
    assert len(kept) == stage_cache.KEEP_PER_STAGE
    assert stage_cache.KEEP_PER_STAGE + 2 in kept  # the newest stays
    assert len(list((cache / stage_cache.FOLDER / "clean").glob("*.json"))) == 1


def test_a_per_article_stage_computes_only_the_articles_it_has_not_seen(tmp_path: Path):
    cache, computed = tmp_path / "cache", []

    def split(article: str) -> list[str]:
        computed.append(article)
        return article.split()

    def run(articles: list[str]) -> list[list[str]]:
        return stage_cache.remembered_each(cache, "statements-each", articles, split, dump=list, load=list)

    assert run(["a b", "c"]) == [["a", "b"], ["c"]]
    assert run(["a b", "c", "d e"]) == [["a", "b"], ["c"], ["d", "e"]]
    assert run(["d e", "a b"]) == [["d", "e"], ["a", "b"]]
    assert computed == ["a b", "c", "d e"]
    assert len(list((cache / stage_cache.FOLDER / "statements-each").glob("*.json"))) == 3


def test_a_cache_from_before_last_use_was_kept_counts_as_used_today(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    conn = sqlite3.connect(cache / "embeddings.sqlite3")
    conn.execute("CREATE TABLE vectors (key TEXT PRIMARY KEY, dim INTEGER NOT NULL, data BLOB NOT NULL)")
    conn.execute("INSERT INTO vectors VALUES ('k', 1, x'00000000')")
    conn.commit()
    conn.close()
    done = prune(tmp_path / "state.sqlite3", cache, "all-MiniLM-L6-v2", days=90, today=TODAY)
    assert done.vectors == 0
