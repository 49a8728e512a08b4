"""One page becomes one article: ids, metadata lines and dates, headlines, and the main text of an HTML page."""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import logging
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from summarizer.models import Article, Problem

_TITLE_END = re.compile(r"[.!?;,:]\s*$")
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # its parse errors become our Problems instead


class Ingested(BaseModel):
    """What reading the inputs gave: usable articles, and problems for everything skipped or degraded."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    articles: list[Article] = []
    problems: list[Problem] = []


def make_article_id(key: str, text: str) -> str:
    """A stable id: a readable slug of the file name plus a hash of path key and content."""
    stem = re.sub(r"[^a-z0-9]+", "-", Path(key.split("#")[0]).stem.lower()).strip("-")[:24] or "article"
    digest = hashlib.blake2b(f"{key}\0{text}".encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()
    return f"{stem}-{digest}"


def one_line(value: Any) -> str | None:
    """A metadata value as one clean line (no CR/LF), or None when empty."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text[:500] or None


def parse_date(value: Any) -> dt.date | None:
    """A date from YAML/JSON/HTML metadata: date, datetime, ISO string or RFC 822 string; else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            return None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date() if parsed else None


def guess_title(text: str) -> str | None:
    """The first line of a plain text when it looks like a headline (short, no final punctuation)."""
    lines = text.lstrip("\n").split("\n", 2)
    first = lines[0].strip() if lines else ""
    words = first.split()
    if not (1 <= len(words) <= 25) or len(first) > 200 or _TITLE_END.search(first):
        return None
    if not first[0].isupper() and not first[0].isdigit() and first[0] not in "\"'“‘«":
        return None
    following = lines[1] if len(lines) > 1 else ""
    if following.strip() and len(lines[0]) >= 40 and len(following) <= 100 and len(lines[0]) <= 100:
        return None  # a hard-wrapped first line, not a headline
    return one_line(first)


def html_article(html: str, shown: str, key: str, *, url: str | None = None) -> Article | str:
    """Main text and metadata of an HTML page via trafilatura; a reason string when nothing is found."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura/lxml raise many kinds on broken markup
        return f"HTML could not be parsed ({type(exc).__name__})"
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        return "no main text found in the HTML page"
    title = one_line(getattr(doc, "title", None))
    if title and text.startswith(title + "\n"):
        text = text[len(title) + 1 :]
    return Article(
        id=make_article_id(key, text),
        path=shown,
        format="html",
        text=text,
        title=title,
        outlet=one_line(getattr(doc, "sitename", None)),
        url=one_line(getattr(doc, "url", None)) or url,
        published=parse_date(getattr(doc, "date", None)),
    )
