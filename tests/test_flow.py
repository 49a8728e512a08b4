"""The digest flow under Prefect's test harness: daily digests of what is new, and feeds over HTTP."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from summarizer.digest.outputs import read_digest
from tests.conftest import SEEDS
from tests.localhttp import reply, serve

pytestmark = [pytest.mark.prefect, pytest.mark.model]


@pytest.fixture
def flow(prefect_harness):
    from flows.digest import digest_flow

    return digest_flow


def summary_texts(digest) -> set[str]:
    return {i.text for group in (*digest.summits, *digest.themes) for i in group.summary}


def test_second_daily_digest_covers_only_what_arrived_in_between(flow, tmp_path):
    seeds = sorted(SEEDS.glob("*.txt"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for p in seeds[:2]:
        shutil.copy(p, inbox)
    flow(inputs=[str(inbox)], out=str(tmp_path / "day1"), new_only=True)

    # Three articles arrive; one of them repeats, word for word, a statement of day 1 and adds one new one.
    repeated = "He asserted that nuclear blackmail has no place in contemporary diplomacy."
    assert repeated in seeds[0].read_text(encoding="utf-8")
    fresh = "Observers in Dushanbe said the border programme would need funding well beyond its first year."
    (inbox / "wire.txt").write_text(f"Wire report\n{repeated} {fresh}\n", encoding="utf-8")
    for p in seeds[2:4]:
        shutil.copy(p, inbox)
    flow(inputs=[str(inbox)], out=str(tmp_path / "day2"), new_only=True)

    day1, day2 = read_digest(tmp_path / "day1"), read_digest(tmp_path / "day2")
    assert sorted(Path(a.path).name for a in day1.articles) == [p.name for p in seeds[:2]]
    assert sorted(Path(a.path).name for a in day2.articles) == sorted([p.name for p in seeds[2:4]] + ["wire.txt"])
    assert day2.run.new_only
    texts2 = summary_texts(day2)
    assert fresh in texts2  # the wire's new statement is news (its summit has nothing else to say)
    assert repeated not in texts2 and not (summary_texts(day1) & texts2)


def test_third_daily_digest_with_nothing_new_says_so(flow, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], inbox)
    flow(inputs=[str(inbox)], out=str(tmp_path / "a"), new_only=True, as_of=dt.date(2026, 1, 5))
    flow(inputs=[str(inbox)], out=str(tmp_path / "b"), new_only=True, as_of=dt.date(2026, 1, 6))
    again = read_digest(tmp_path / "b")
    assert not again.articles and not again.summits
    assert "Nothing new since 2026-01-05." in again.notes


def test_digest_with_nothing_new_lists_no_empty_summits_or_themes(flow, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], inbox)
    flow(inputs=[str(inbox)], out=str(tmp_path / "a"), new_only=True)
    flow(inputs=[str(inbox)], out=str(tmp_path / "b"), new_only=True)
    contents = next(line for line in (tmp_path / "b" / "digest.md").read_text().splitlines() if "Contents" in line)
    assert "Summits (" not in contents and "Themes (" not in contents


def test_nothing_to_embed_touches_no_model():
    from flows.digest import embed_all
    from summarizer.settings import load_settings

    vectors, encoded, hits = embed_all([], load_settings(model="no-such-model"))  # loading it would fail
    assert vectors.shape == (0, 384) and (encoded, hits) == (0, 0)


# --- a feed served over HTTP on loopback -----------------------------------------------------------------

PAGES = {
    "/good-1": SEEDS / "003_65736b0f4ebd7b58.txt",
    "/good-2": SEEDS / "004_241f5efcc046127f.txt",
}


def html_page(path: Path) -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return f"<html><head><title>{path.stem}</title></head><body><article>{paragraphs}</article></body></html>".encode()


class FeedHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/feed.xml":
            items = "".join(
                f"<item><title>{name}</title><link>{base}/{name}</link></item>"
                for name in ("good-1", "good-2", "broken", "error", "slow")
            )
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'
            self.reply(200, body.encode(), "application/rss+xml")
        elif self.path in PAGES:
            self.reply(200, html_page(PAGES[self.path]), "text/html")
        elif self.path == "/broken":
            self.reply(200, b"\x00\x01\x02 not html at all \xff\xfe", "text/html")
        elif self.path == "/error":
            self.reply(500, b"internal error", "text/plain")
        elif self.path == "/slow":
            time.sleep(1.5)
            self.reply(200, html_page(PAGES["/good-1"]), "text/html")
        else:
            self.reply(404, b"not found", "text/plain")

    def reply(self, status: int, body: bytes, kind: str) -> None:
        reply(self, status, kind, body)


@pytest.fixture
def feed_url() -> Iterator[str]:
    with serve(FeedHandler) as port:
        yield f"http://127.0.0.1:{port}/feed.xml"


def test_feed_good_pages_are_summarized_and_each_failure_is_a_problem(flow, tmp_path, feed_url, monkeypatch):
    monkeypatch.setenv("NTTR_FETCH_TIMEOUT", "0.5")
    monkeypatch.setenv("NTTR_FETCH_RETRIES", "1")
    flow(inputs=[feed_url], out=str(tmp_path / "feed"))
    digest = read_digest(tmp_path / "feed")
    base = feed_url.removesuffix("/feed.xml")
    assert sorted(a.url for a in digest.articles) == [f"{base}/good-1", f"{base}/good-2"]
    assert all(s.summary for s in digest.summits)
    failed = {p.path: p.reason for p in digest.problems}
    for name in ("broken", "error", "slow"):
        assert any(name in path for path in failed), (name, failed)


def test_a_garbage_file_is_one_skipped_problem_and_no_summit(flow, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], inbox)
    (inbox / "junk.txt").write_bytes(bytes([0x29, 0xC1, 0xF9, 0xAD, 0x76, 0xE0, 0x29, 0x30, 0x32, 0xBF, 0xA9, 0x65, 0xE4, 0x3A]))
    flow(inputs=[str(inbox)], out=str(tmp_path / "out"))
    digest = read_digest(tmp_path / "out")
    assert [(Path(p.path).name, p.kind) for p in digest.problems] == [("junk.txt", "skipped")]
    assert all(Path(a.path).name != "junk.txt" for a in digest.articles)
