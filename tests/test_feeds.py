"""read_feed against a real local HTTP server: good pages, a broken page, a 500, a timeout, invalid XML."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from summarizer.read.feeds import USER_AGENT, read_feed
from tests.localhttp import reply
from summarizer.read.ingest import read_inputs

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


def test_a_valid_feed_with_no_entries_is_not_a_problem(tmp_path: Path) -> None:
    (tmp_path / "quiet.rss").write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    outcome = read_inputs([tmp_path])
    assert outcome.articles == [] and outcome.problems == []


# -- feed items, broken feeds, big and slow responses -------------------------------------------------------------

ATOM = (
    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Times</title>'
    '<entry><id>urn:story:7</id><title>good1</title><link href="{base}/good1"/><updated>2024-11-28T10:00:00Z</updated></entry>'
    "</feed>"
)


class Edge(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        import gzip

        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/atom.xml":
            return reply(self, 200, "application/atom+xml", ATOM.format(base=base).encode())
        if self.path == "/gz/feed.xml":
            body = gzip.compress(rss(base).encode())
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None
        if self.path in ("/news/feed.xml", "/maintenance"):
            return reply(self, 200, "text/html", page("Down for maintenance", PARAGRAPH))
        if self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Length", str(50_000_000))
            self.end_headers()
            return None  # declares 50 MB and sends nothing: only the header can refuse it in time
        if self.path == "/drip":
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(100):  # a byte every 0.1 s: no single read ever times out
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        if self.path in ("/good1", "/good2"):
            return reply(self, 200, "text/html", page("Good", PARAGRAPH))
        return reply(self, 404, "text/plain", b"not found")


@pytest.fixture(scope="module")
def edge() -> Iterator[str]:
    from tests.localhttp import serve

    with serve(Edge) as port:
        yield f"http://127.0.0.1:{port}"


def test_each_feed_article_names_its_feed_item_by_guid(edge: str) -> None:
    [article] = read_feed(f"{edge}/atom.xml").articles
    assert article.feed_item == f"{edge}/atom.xml urn:story:7"


def test_an_entry_without_a_guid_is_named_by_its_link(result, server: str) -> None:  # type: ignore[no-untyped-def]
    assert result.articles[0].feed_item == f"{server}/feed.xml {server}/good1"


def test_a_gzip_encoded_feed_is_read(edge: str) -> None:
    assert [a.title for a in read_feed(f"{edge}/gz/feed.xml", timeout=0.5, retries=0).articles][:2] == ["good1", "good2"]


def test_a_feed_url_serving_html_is_a_problem_not_an_article(edge: str) -> None:
    outcome = read_feed(f"{edge}/news/feed.xml")
    assert outcome.articles == [] and outcome.problems[0].reason == "served an HTML page, not a feed; skipped"


def test_a_page_url_serving_html_is_still_one_article(edge: str) -> None:
    assert [a.title for a in read_feed(f"{edge}/maintenance").articles] == ["Down for maintenance"]


def test_a_declared_length_over_the_limit_is_refused_before_reading(edge: str) -> None:
    import httpx

    from summarizer.read.feeds import FetchError, fetch

    with httpx.Client(timeout=5) as client, pytest.raises(FetchError, match="50,000,000 declared"):
        fetch(client, f"{edge}/huge", retries=0, max_bytes=1_000_000)


def test_a_response_that_keeps_dripping_is_given_up_after_the_total_limit(edge: str) -> None:
    import httpx

    from summarizer.read.feeds import FetchError, fetch

    started = time.monotonic()
    with httpx.Client(timeout=1.0) as client, pytest.raises(FetchError, match="timed out"):
        fetch(client, f"{edge}/drip", retries=0, max_seconds=1.0)
    assert time.monotonic() - started < 3


def test_every_feed_problem_is_logged_on_one_line(edge: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="nttr.feeds"):
        read_feed(f"{edge}/news/feed.xml")
    assert [r.getMessage() for r in caplog.records] == [f"{edge}/news/feed.xml: served an HTML page, not a feed; skipped"]


def test_an_untitled_entry_without_a_link_is_named_by_its_place(tmp_path: Path) -> None:
    feed = tmp_path / "cut.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
                    "<item><description>cut off</description></item></channel></rss>")
    outcome = read_inputs([feed])
    assert [p.reason for p in outcome.problems] == ["feed entry 1 (untitled; the feed may be truncated) has no web link"]
