"""RSS/Atom feeds: parse with feedparser, fetch each linked page with httpx, extract its main text.

Each article read from a feed carries `feed_item`, the feed and the entry's id (RSS guid, Atom id, else its
link): a later version of the same entry has the same `feed_item`, so `summarizer.service.novelty` can tell an
update from a new article. Every problem is also logged, one line each, on the `nttr.feeds` logger.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from summarizer.read.decode import decode, looks_binary
from summarizer.read.pages import Ingested, html_article, one_line
from summarizer.models import Article, Problem

USER_AGENT = "nttr/0.1 (+https://example.invalid/nttr)"
RETRY_STATUS = frozenset({500, 502, 503, 504, 429})
SLOW_FACTOR = 4
"""A response still arriving after SLOW_FACTOR x the timeout is given up: a server that sends a byte now and
then never trips the per-read timeout, and would otherwise hold the run for ever."""
_FEED_PATH = re.compile(r"(\.(xml|rss|atom|rdf)$)|(^|/)(feeds?|rss|atom)(/|$|\.)", re.IGNORECASE)

log = logging.getLogger("nttr.feeds")


class FetchError(Exception):
    """A page or feed could not be fetched; the message says why."""


def fetch(
    client: httpx.Client,
    url: str,
    *,
    retries: int = 2,
    backoff: float = 0.25,
    max_bytes: int = 20_000_000,
    max_seconds: float | None = None,
) -> bytes:
    """GET a URL, retrying on 5xx/429, timeouts and connection errors only; body bounded by max_bytes.

    `max_seconds` bounds each attempt as a whole (the client's timeout only bounds each read). The size
    limit counts decoded bytes (a gzip-encoded body is limited after decoding) and a declared
    Content-Length over the limit is refused before reading.
    """
    last = "no attempt"
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        started = time.monotonic()
        try:
            with client.stream("GET", url) as response:
                if response.status_code in RETRY_STATUS:
                    last = f"HTTP {response.status_code}"
                    continue
                if response.status_code >= 400:
                    raise FetchError(f"HTTP {response.status_code}")
                declared = response.headers.get("Content-Length", "")
                encoded = response.headers.get("Content-Encoding", "identity").strip().lower()
                if declared.isdigit() and encoded in ("", "identity") and int(declared) > max_bytes:
                    raise FetchError(f"response larger than {max_bytes:,} bytes ({int(declared):,} declared)")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(f"response larger than {max_bytes:,} bytes")
                    if max_seconds is not None and time.monotonic() - started > max_seconds:
                        raise httpx.ReadTimeout(f"still arriving after {max_seconds:g} s")
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.TimeoutException:
            last = "timed out"
        except httpx.TransportError as exc:
            last = f"connection failed ({type(exc).__name__})"
        except httpx.HTTPError as exc:  # invalid URL and the like: not worth retrying
            raise FetchError(f"request failed ({type(exc).__name__})") from None
    raise FetchError(f"{last} after {retries + 1} attempts")


def _entry_date(entry: dict) -> dt.date | None:
    """The published/updated date of a feed entry, if feedparser parsed one."""
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            try:
                return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
            except (ValueError, AttributeError):
                continue
    return None


def looks_like_feed_url(url: str) -> bool:
    """Whether a URL names a feed (path ending in .xml/.rss/.atom/.rdf, or a feed/rss/atom segment)."""
    return bool(_FEED_PATH.search(urlsplit(url).path))


def _entry_key(source: str, entry: dict) -> str | None:
    """The feed item an entry is a version of: the feed, then the entry's id (guid), else its link."""
    ident = one_line(entry.get("id")) or one_line(entry.get("link"))
    return f"{source} {ident}" if ident else None


def read_feed(
    source: str,
    *,
    client: httpx.Client | None = None,
    timeout: float = 10.0,
    retries: int = 2,
    max_bytes: int = 20_000_000,
    shown: str | None = None,
) -> Ingested:
    """Read an RSS/Atom feed (URL or file) and the article page of each entry; failures become Problems.

    A URL that serves an HTML page instead of a feed is read as one article, unless the URL names a feed
    (`looks_like_feed_url`): then the feed is broken (a maintenance or login page) and that is a problem.
    """
    got = _read_feed(source, client=client, timeout=timeout, retries=retries, max_bytes=max_bytes, shown=shown)
    for problem in got.problems:
        log.warning("%s: %s", problem.path, problem.reason)
    return got


def _read_feed(
    source: str, *, client: httpx.Client | None, timeout: float, retries: int, max_bytes: int, shown: str | None
) -> Ingested:
    import feedparser

    shown = shown or source
    own = client is None
    if client is None:
        client = httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT})
    limits = {"retries": retries, "max_bytes": max_bytes, "max_seconds": SLOW_FACTOR * timeout}
    articles: list[Article] = []
    problems: list[Problem] = []
    try:
        try:
            if re.match(r"https?://", source, re.IGNORECASE):
                data = fetch(client, source, **limits)
            else:
                path = Path(source)
                if path.stat().st_size > max_bytes:
                    return Ingested(problems=[Problem(path=shown, reason=f"feed file too large (limit {max_bytes:,})")])
                data = path.read_bytes()
        except (FetchError, OSError) as exc:
            return Ingested(problems=[Problem(path=shown, reason=f"feed could not be read: {exc}")])
        parsed = feedparser.parse(data)
        entries = list(parsed.get("entries", []))
        if not entries and source.lower().startswith(("http://", "https://")) and b"<html" in data[:4096].lower():
            if looks_like_feed_url(source):
                return Ingested(problems=[Problem(path=shown, reason="served an HTML page, not a feed; skipped")])
            page = html_article(decode(data).text, source, source, url=source)  # an article URL, not a feed
            if isinstance(page, str):
                return Ingested(problems=[Problem(path=shown, reason=page)])
            return Ingested(articles=[page.model_copy(update={"url": source})])
        if not entries and parsed.get("version") and not parsed.get("bozo"):
            log.info("%s: the feed lists no entries today", shown)  # a quiet feed, not a broken one
            return Ingested()
        if not entries:
            why = f"invalid feed XML ({parsed.get('bozo_exception')})" if parsed.get("bozo") else "feed has no entries"
            return Ingested(problems=[Problem(path=shown, reason=" ".join(why.split())[:300])])
        outlet = one_line(parsed.get("feed", {}).get("title"))
        for number, entry in enumerate(entries, start=1):
            link = entry.get("link")
            if not link or not re.match(r"https?://", link, re.IGNORECASE):
                title = one_line(entry.get("title"))
                which = f"{title!r}" if title else f"{number} (untitled; the feed may be truncated)"
                problems.append(Problem(path=shown, reason=f"feed entry {which} has no web link"))
                continue
            try:
                page = fetch(client, link, **limits)
            except FetchError as exc:
                problems.append(Problem(path=link, reason=f"page could not be fetched: {exc}"))
                continue
            if not page.strip() or looks_binary(page):
                problems.append(Problem(path=link, reason="page is empty or not text"))
                continue
            result = html_article(decode(page).text, link, link, url=link)
            if isinstance(result, str):
                problems.append(Problem(path=link, reason=result))
                continue
            articles.append(
                result.model_copy(
                    update={
                        "format": "feed",
                        "title": one_line(entry.get("title")) or result.title,
                        "outlet": outlet or result.outlet,
                        "published": _entry_date(entry) or result.published,
                        "url": link,
                        "feed_item": _entry_key(source, entry),
                        "source_id": one_line(entry.get("id")) or link,
                    }
                )
            )
    finally:
        if own:
            client.close()
    return Ingested(articles=articles, problems=problems)
