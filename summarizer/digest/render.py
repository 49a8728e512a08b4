"""Render a digest for people: Markdown and self-contained HTML, from Jinja2 templates."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from summarizer.text.counts import plural
from summarizer.models import ArticleInfo, Digest, Source, Summit, Theme

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|#!~])")


@dataclass(frozen=True)
class Cite:
    """How one source is shown: a label, a link when its URL is http(s), else its URL or path as text."""

    label: str
    href: str | None
    extra: str | None


def one_line(text: object) -> str:
    """Collapse control characters (CR, LF, NUL, ...) and runs of spaces into single spaces."""
    return " ".join(_CONTROL.sub(" ", "" if text is None else str(text)).split())


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL without control characters or spaces, else None."""
    if not url or _CONTROL.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def cite(source: Source) -> Cite:
    """Label a source as `outlet: title` (or whichever is known, else its address, else its path); link it
    when possible. Pages of one feed or JSON-lines file share a path, so an untitled page is named by its
    address, not by the file it came in."""
    outlet, title = one_line(source.outlet), one_line(source.title)
    href = safe_url(source.url)
    label = (": ".join(p for p in (outlet, title) if p) or (short_url(href) if href else "")
             or one_line(source.path) or source.article_id)
    extra = None
    if href is None and source.url:
        extra = one_line(source.url)
    elif href is None and label != one_line(source.path):
        extra = one_line(source.path)
    return Cite(label=label, href=href, extra=extra)


def mail_cite(source: Source) -> Cite:
    """A source as a subscriber sees it: outlet and title (or its address), linked when possible; never the
    path of a file on the machine that made the digest, which means nothing to the reader."""
    outlet, title = one_line(source.outlet), one_line(source.title)
    href = safe_url(source.url)
    label = ": ".join(p for p in (outlet, title) if p) or (short_url(href) if href else "") or "untitled article"
    return Cite(label=label, href=href, extra=None)


def short_url(url: str, limit: int = 70) -> str:
    """A web address as a reader scans it: no scheme, no "www.", no trailing slash, cut at `limit`."""
    parts = urlsplit(one_line(url))
    host = parts.netloc.removeprefix("www.").removeprefix("WWW.")
    text = (host + parts.path).rstrip("/") + (f"?{parts.query}" if parts.query else "")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def anchor(prefix: str, ident: str) -> str:
    """A stable, safe HTML id for a summit or theme: a readable slug plus a short hash."""
    slug = re.sub(r"[^a-z0-9]+", "-", ident.lower()).strip("-")[:40]
    digest = hashlib.blake2b(ident.encode("utf-8", "replace"), digest_size=3).hexdigest()
    return f"{prefix}-{slug}-{digest}" if slug else f"{prefix}-{digest}"


def md_text(text: object) -> str:
    """Markdown-escape text so markup in it shows literally, on one line."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))


def md_url(url: str) -> str:
    """Percent-encode characters that would end or break a Markdown link target."""
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


def digest_date(digest: Digest) -> str:
    """The digest's date: the day it is for, else the day it was generated, else its latest summit date."""
    if digest.run.as_of is not None:
        return digest.run.as_of.isoformat()
    if digest.run.generated_at is not None:
        return digest.run.generated_at.date().isoformat()
    dates = sorted(s.date for s in digest.summits if s.date)
    return dates[-1].isoformat() if dates else "undated"


def summit_titles(summits: Iterable[Summit]) -> dict[str, str]:
    """Map summit id to its title, for themes that list their summits."""
    return {s.id: one_line(s.title) for s in summits}


def article_source(article: ArticleInfo) -> Source:
    """An article listed in the digest, as a citable source (title and URL; outlet has its own column)."""
    return Source(article_id=article.id, path=article.path, url=article.url, title=article.title)


def _environment(*, autoescape: bool) -> Environment:
    """A Jinja2 environment over the package's templates, with the digest's filters and globals."""
    env = Environment(
        loader=PackageLoader("summarizer.digest", "templates"),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(one_line=one_line, cite=cite, mail_cite=mail_cite, md=md_text, md_url=md_url, plural=plural)
    env.globals.update(anchor=anchor, article_source=article_source, digest_date=digest_date, summit_titles=summit_titles, plural=plural)
    return env


@cache
def html_env() -> Environment:
    """The Jinja2 environment for HTML: autoescape on for every template."""
    return _environment(autoescape=True)


@cache
def text_env() -> Environment:
    """The Jinja2 environment for Markdown and plain text (values pass through `md` or `one_line`)."""
    return _environment(autoescape=False)


def _context(digest: Digest, themes: Iterable[Theme] | None = None) -> dict[str, object]:
    return {
        "digest": digest,
        "summits": digest.summits,
        "themes": tuple(digest.themes if themes is None else themes),
        "titles": summit_titles(digest.summits),
        "date": digest_date(digest),
    }


def render_markdown(digest: Digest) -> str:
    """The digest as Markdown: summits, themes, articles, problems, notes, run info."""
    return text_env().get_template("digest.md.j2").render(_context(digest))


def render_html(digest: Digest) -> str:
    """The digest as one self-contained HTML page (inline CSS, no scripts, no external resources)."""
    return html_env().get_template("digest.html.j2").render(_context(digest))
