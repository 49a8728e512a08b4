"""read_feed against a real local HTTP server: good pages, a broken page, a 500, a timeout, invalid XML."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from summarizer.feeds import USER_AGENT, read_feed
from tests.localhttp import reply
from summarizer.ingest import read_inputs

PARAGRAPH = "The leaders of the Collective Security Treaty Organization met in Astana on Thursday. " * 5


def page(title: str, body: str) -> bytes:
    return (
        f"<html><head><title>{title}</title></head><body><nav>Home | Sign up</nav>"
        f"<article><h1>{title}</h1><p>{body}</p><p>The summit adopted a border programme for the region.</p></article>"
        "</body></html>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}
    agents: list[str] = []

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        Handler.agents.append(self.headers.get("User-Agent", ""))
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        routes = {
            "/feed.xml": (200, "application/rss+xml", rss(base).encode()),
            "/bad.xml": (200, "application/rss+xml", b"<rss><channel><item><title>cut"),
            "/good1": (200, "text/html", page("Astana summit opens", PARAGRAPH)),
            "/good2": (200, "text/html", page("Leaders sign border deal", PARAGRAPH.replace("Astana", "Minsk"))),
            "/garbage": (200, "text/html", b"\x00\x01<<<>>>not html at all"),
            "/empty": (200, "text/html", b""),
            "/error": (500, "text/plain", b"boom"),
            "/flaky": (500 if Handler.hits[self.path] == 1 else 200, "text/html", page("Flaky but fine", PARAGRAPH)),
        }
        if self.path == "/slow":
            time.sleep(1.5)
            routes["/slow"] = (200, "text/html", page("Too slow", PARAGRAPH))
        status, kind, body = routes.get(self.path, (404, "text/plain", b"not found"))
        reply(self, status, kind, body)


def rss(base: str) -> str:
    items = "".join(
        f"<item><title>{name}</title><link>{base}/{name}</link><pubDate>Thu, 28 Nov 2024 10:00:00 +0000</pubDate></item>"
        for name in ["good1", "good2", "garbage", "empty", "error", "slow", "flaky", "missing"]
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test Times</title>{items}</channel></rss>'


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def result(server: str):  # type: ignore[no-untyped-def]
    Handler.hits.clear()
    return read_feed(f"{server}/feed.xml", timeout=0.5, retries=1)


def test_good_pages_become_articles_with_feed_metadata(result, server: str) -> None:  # type: ignore[no-untyped-def]
    titles = [a.title for a in result.articles]
    assert titles == ["good1", "good2", "flaky"]  # the feed's entry titles
    first = result.articles[0]
    assert first.format == "feed" and first.outlet == "Test Times" and first.url == f"{server}/good1"
    assert first.published is not None and str(first.published) == "2024-11-28"
    assert "border programme" in first.text and "Sign up" not in first.text


@pytest.mark.parametrize(("name", "reason"), [("garbage", "not text"), ("empty", "empty"), ("error", "HTTP 500"), ("slow", "timed out"), ("missing", "HTTP 404")])
def test_each_failed_page_is_a_problem_naming_its_url(result, server: str, name: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    matching = [p for p in result.problems if p.path == f"{server}/{name}"]
    assert len(matching) == 1 and reason in matching[0].reason


def test_server_errors_are_retried_but_404_is_not(result) -> None:  # type: ignore[no-untyped-def]
    assert Handler.hits["/error"] == 2 and Handler.hits["/flaky"] == 2 and Handler.hits["/missing"] == 1


def test_requests_carry_the_user_agent(result) -> None:  # type: ignore[no-untyped-def]
    assert Handler.agents and all(agent == USER_AGENT for agent in Handler.agents)


def test_invalid_feed_xml_is_a_problem(server: str) -> None:
    outcome = read_feed(f"{server}/bad.xml", timeout=0.5, retries=0)
    assert not outcome.articles and outcome.problems[0].path == f"{server}/bad.xml"


def test_unreachable_feed_is_a_problem() -> None:
    outcome = read_feed("http://127.0.0.1:9/feed.xml", timeout=0.5, retries=0)
    assert "could not be read" in outcome.problems[0].reason


def test_feed_file_is_read_by_read_inputs(tmp_path: Path, server: str) -> None:
    (tmp_path / "news.rss").write_text(rss(server))
    outcome = read_inputs([tmp_path])
    assert "good1" in [a.title for a in outcome.articles]
    assert any(p.path == f"{server}/error" for p in outcome.problems)


def test_invalid_feed_file_is_a_problem_with_its_path(tmp_path: Path) -> None:
    (tmp_path / "bad.atom").write_text("<feed><entry><title>cut")
    outcome = read_inputs([tmp_path])
    assert not outcome.articles and outcome.problems[0].path.endswith("bad.atom")


def test_feed_url_is_accepted_by_read_inputs(server: str) -> None:
    outcome = read_inputs([f"{server}/bad.xml"])
    assert outcome.problems[0].path == f"{server}/bad.xml"


def test_article_url_given_instead_of_a_feed_is_read_as_one_page(server: str) -> None:
    outcome = read_inputs([f"{server}/good2"])
    assert [a.title for a in outcome.articles] == ["Leaders sign border deal"] and not outcome.problems


def test_feed_url_wrapped_in_a_path_still_works(server: str) -> None:
    outcome = read_inputs([Path(f"{server}/bad.xml")])
    assert outcome.problems[0].path == f"{server}/bad.xml"
