"""The SQLite state store: migrations, what is new, subscribers, the delivery ledger, the run lock."""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer.errors import StateError
from summarizer.service.state import MIGRATIONS, StateStore, run_lock, statement_key
from summarizer.models import Subscriber


@pytest.fixture
def store(tmp_path: Path):
    with StateStore(tmp_path / "state.sqlite3") as s:
        yield s


def test_new_store_is_at_the_latest_schema_version(store: StateStore):
    assert store.version == len(MIGRATIONS) >= 1


def test_store_uses_wal_and_foreign_keys(store: StateStore):
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(sqlite3.IntegrityError), store._tx() as tx:
        tx.execute("INSERT INTO articles VALUES ('a', 'h', 'p', 'no-such-digest')")


def test_reopening_does_not_migrate_again(tmp_path: Path):
    StateStore(tmp_path / "s.db").record_digest("d1", "out")
    with StateStore(tmp_path / "s.db") as again:
        assert [d.id for d in again.digests()] == ["d1"]


def test_older_schema_is_migrated_on_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "s.db"
    StateStore(path).close()
    monkeypatch.setattr("summarizer.service.state.MIGRATIONS", [*MIGRATIONS, "CREATE TABLE extra (x INTEGER)"])
    with StateStore(path) as store:
        assert store.version == len(MIGRATIONS) + 1
        store._db.execute("SELECT x FROM extra")


def test_newer_schema_is_refused(tmp_path: Path):
    path = tmp_path / "s.db"
    StateStore(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    db.close()
    with pytest.raises(StateError, match="newer nttr"):
        StateStore(path)


def test_a_file_that_is_not_a_database_is_refused_in_one_line(tmp_path: Path):
    path = tmp_path / "s.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StateError, match="not a usable nttr state store") as err:
        StateStore(path)
    assert "\n" not in str(err.value)


def test_failed_migration_leaves_the_previous_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "s.db"
    StateStore(path).close()
    monkeypatch.setattr("summarizer.service.state.MIGRATIONS", [*MIGRATIONS, "CREATE TABLE ok (x); CREATE TABLE ok (x)"])
    with pytest.raises(StateError):
        StateStore(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ok'").fetchone()[0] == 0


def test_unseen_articles_are_those_no_digest_covered(store: StateStore):
    store.record_digest("d1", "out/1", articles={"a": ("ha", "a.txt"), "b": ("hb", "b.txt")})
    assert store.unseen_articles(["a", "b", "c"]) == {"c"}


def test_a_moved_file_with_known_content_is_not_new(store: StateStore):
    store.record_digest("d1", "out/1", articles={"a": ("ha", "a.txt")})
    assert store.unseen_contents({"a2": "ha", "c": "hc"}) == {"c"}


def test_reported_statement_keys_ignore_case_space_and_punctuation(store: StateStore):
    store.record_digest("d1", "out/1", statements=["Leaders met in Minsk."])
    assert statement_key("leaders  met in Minsk") in store.reported_statement_keys()
    assert statement_key("Leaders met in Astana.") not in store.reported_statement_keys()


def test_reported_statements_keep_their_text_oldest_first(store: StateStore):
    store.record_digest("d1", "out/1", statements=["First."])
    store.record_digest("d2", "out/2", statements=["Second.", "First."])
    assert [t for _, t in store.reported_statements()] == ["First.", "Second."]


def test_recording_a_digest_twice_changes_nothing(store: StateStore):
    store.record_digest("d1", "out/1", articles={"a": ("ha", "a.txt")}, statements=["S."])
    store.record_digest("d1", "out/1", articles={"a": ("ha", "a.txt")}, statements=["S."])
    assert len(store.digests()) == 1 and len(store.reported_statements()) == 1


def test_last_digest_is_the_latest_recorded(store: StateStore):
    store.record_digest("d1", "out/1")
    store.record_digest("d2", "out/2")
    assert store.last_digest().id == "d2"


def test_record_digest_is_all_or_nothing(store: StateStore):
    with pytest.raises(TypeError):
        store.record_digest("d1", "out/1", articles={"a": ("ha", "a.txt")}, statements=[None])  # type: ignore[list-item]
    assert store.digests() == [] and store.unseen_articles(["a"]) == {"a"}


def test_subscribers_are_added_updated_and_removed_by_address(store: StateStore):
    store.add_subscribers([Subscriber(email="ann@example.org", themes=("nuclear",))])
    store.add_subscribers([Subscriber(email="ann@EXAMPLE.org", name="Ann")])
    [ann] = store.subscribers()
    assert (ann.email, ann.name, ann.themes) == ("ann@example.org", "Ann", ())
    assert store.remove_subscriber("ANN@example.org") is True
    assert store.subscribers() == [] and store.remove_subscriber("ann@example.org") is False


def test_inactive_subscribers_are_listed_only_when_asked(store: StateStore):
    store.add_subscribers([Subscriber(email="a@example.org", active=False), Subscriber(email="b@example.org")])
    assert [s.email for s in store.subscribers()] == ["b@example.org"]
    assert len(store.subscribers(active_only=False)) == 2


def test_delivery_ledger_counts_attempts_and_keeps_the_error(store: StateStore):
    store.ensure_digest("d1", "out/1")
    assert store.start_delivery("d1", "a@example.org")
    store.finish_delivery("d1", "a@example.org", "failed", "421 try later")
    assert store.start_delivery("d1", "a@example.org")
    entry = store.finish_delivery("d1", "a@example.org", "sent")
    assert (entry.status, entry.attempts, entry.last_error) == ("sent", 2, None)


def test_a_sent_delivery_is_never_started_again(store: StateStore):
    store.ensure_digest("d1", "out/1")
    store.start_delivery("d1", "a@example.org")
    store.finish_delivery("d1", "a@example.org", "sent")
    assert store.start_delivery("d1", "a@example.org") is False


def test_a_delivery_needs_a_known_digest(store: StateStore):
    with pytest.raises(sqlite3.IntegrityError):
        store.start_delivery("unknown", "a@example.org")


def test_two_stores_on_one_file_see_each_others_commits(tmp_path: Path):
    one, two = StateStore(tmp_path / "s.db"), StateStore(tmp_path / "s.db")
    one.record_digest("d1", "out/1", articles={"a": ("h", "a.txt")})
    assert two.unseen_articles(["a"]) == set()


def test_store_is_usable_from_several_threads(store: StateStore):
    store.ensure_digest("d", "out")
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            store.start_delivery("d", f"u{i}@example.org")
            store.finish_delivery("d", f"u{i}@example.org", "sent")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(store.deliveries("d")) == 20


def _hold_lock(data_dir: str, held: multiprocessing.Event, release: multiprocessing.Event) -> None:
    with run_lock(Path(data_dir)):
        held.set()
        release.wait(10)


@contextlib.contextmanager
def held_elsewhere(data_dir: Path) -> Iterator[threading.Event]:
    """The run lock of `data_dir` held by another process until the yielded event (or the block's end) lets go."""
    ctx = multiprocessing.get_context("spawn")
    held, release = ctx.Event(), ctx.Event()
    other = ctx.Process(target=_hold_lock, args=(str(data_dir), held, release))
    other.start()
    try:
        assert held.wait(30)
        yield release
    finally:
        release.set()
        other.join(10)


def test_a_second_run_on_the_same_data_folder_is_refused_after_the_timeout(tmp_path: Path):
    with held_elsewhere(tmp_path):
        started = time.monotonic()
        with pytest.raises(StateError, match=f"another nttr run is using {tmp_path}"), run_lock(tmp_path, timeout=0.5):
            pass
        assert time.monotonic() - started >= 0.4


def test_a_second_run_waits_for_the_first_to_finish(tmp_path: Path):
    with held_elsewhere(tmp_path) as release:
        threading.Timer(0.3, release.set).start()
        with run_lock(tmp_path, timeout=20) as folder:
            assert folder == tmp_path


# -- version 2: daily digests, owed email, feed item versions, retention ---------------------------------------


def test_a_version_1_store_is_migrated_with_its_digests_kept(tmp_path: Path):
    path = tmp_path / "v1.db"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute("INSERT INTO digests (id, created_at, out_dir) VALUES ('d1', '2025-01-01T07:00:00+00:00', 'out/1')")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with StateStore(path) as store:
        [record] = store.digests()
        assert store.version == len(MIGRATIONS) and (record.id, record.day, record.mail_requested_at) == ("d1", None, None)


def test_the_daily_digest_of_a_folder_is_found_by_its_resolved_path(store: StateStore, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store.record_digest("d1", "outputs/2025-01-02", day=dt.date(2025, 1, 2))
    store.record_digest("other", "outputs/2025-01-03")  # not a daily digest: no day
    assert store.daily_digest_in(tmp_path / "outputs" / "2025-01-02").id == "d1"
    assert store.daily_digest_in(tmp_path / "outputs" / "2025-01-03") is None


def test_a_later_version_of_a_feed_item_replaces_the_reported_one(store: StateStore):
    store.record_digest("d1", "out/1", items={"feed guid-1": ("h1", "First version.")})
    store.record_digest("d2", "out/2", items={"feed guid-1": ("h2", "Second version.")})
    assert store.item_versions(["feed guid-1", "feed guid-2"]) == {"feed guid-1": "Second version."}


def test_a_digest_recorded_for_email_is_owed_until_finished(store: StateStore):
    store.record_digest("d1", "out/1", mail_requested=True)
    store.record_digest("d2", "out/2")
    assert [d.id for d in store.owed_mail()] == ["d1"]
    store.finish_mail("d1")
    assert store.owed_mail() == []


def test_requesting_email_again_makes_a_finished_digest_owed_again(store: StateStore):
    store.record_digest("d1", "out/1", mail_requested=True)
    first = store.digest("d1").mail_requested_at
    store.finish_mail("d1")
    assert store.request_mail("d1").mail_requested_at == first and [d.id for d in store.owed_mail()] == ["d1"]


def test_subscribers_since_before_leaves_out_later_ones(store: StateStore):
    store.add_subscribers([Subscriber(email="early@example.org")])
    store.record_digest("d1", "out/1", mail_requested=True)
    store.add_subscribers([Subscriber(email="late@example.org")])
    asked = store.digest("d1").mail_requested_at
    assert [s.email for s in store.subscribers(since_before=asked)] == ["early@example.org"]


def test_prune_forgets_old_digests_with_what_they_recorded_and_keeps_the_rest(store: StateStore):
    store.add_subscribers([Subscriber(email="a@example.org")])
    store.record_digest("old", "out/old", day=dt.date(2025, 1, 1), articles={"a1": ("h1", "p1")},
                        statements=["Old news."], items={"f i1": ("h1", "Old news.")}, mail_requested=True)
    store.start_delivery("old", "a@example.org")
    store.finish_delivery("old", "a@example.org", "sent")
    store.record_digest("new", "out/new", day=dt.date(2025, 3, 1), articles={"a2": ("h2", "p2")},
                        statements=["New news."])
    done = store.prune(dt.date(2025, 2, 1))
    assert (done.digests, done.articles, done.statements, done.items, done.deliveries) == (1, 1, 1, 1, 1)
    assert [d.id for d in store.digests()] == ["new"] and store.unseen_articles(["a1", "a2"]) == {"a1"}
    assert [t for _, t in store.reported_statements()] == ["New news."] and len(store.subscribers()) == 1


def test_prune_gives_the_space_back(store: StateStore):
    store.record_digest("old", "out/old", day=dt.date(2025, 1, 1), statements=[f"Statement {i} " * 20 for i in range(2000)])
    big = store.counts()["bytes"]
    store.prune(dt.date(2025, 2, 1))
    assert store.counts()["bytes"] < big / 5 and store.counts()["statements"] == 0
