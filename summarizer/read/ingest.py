"""Read articles from files, folders and feeds: decoded raw bodies plus whatever metadata is known."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from summarizer.read.decode import decode, looks_binary
from summarizer.models import Article, Format, Problem
from summarizer.read.pages import Ingested, guess_title, html_article, make_article_id, one_line, parse_date

TEXT_SUFFIXES: dict[str, Format] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
}
FEED_SUFFIXES = (".xml", ".rss", ".atom")
SUPPORTED = ", ".join([*TEXT_SUFFIXES, *FEED_SUFFIXES])
_FRONT_BLOCK = re.compile(r"\A---[ \t]*\n(.*?)(?:\n|\A)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)












def _norm_newlines(text: str) -> str:
    """Text with LF newlines only and no leading BOM character."""
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def _from_markdown(text: str, shown: str, key: str, problems: list[Problem]) -> Article | None:
    """Parse a Markdown file with optional YAML front matter; broken front matter keeps the body and notes it."""
    meta: Mapping[str, Any] = {}
    body = text
    if text.startswith("---"):
        match = _FRONT_BLOCK.match(text)
        try:
            if match is None:
                raise ValueError("no closing --- line")
            loaded = yaml.safe_load(match.group(1))
            if loaded is not None and not isinstance(loaded, Mapping):
                raise ValueError("not a mapping of keys to values")
            meta, body = loaded or {}, text[match.end() :]
        except (yaml.YAMLError, ValueError) as exc:
            reason = " ".join(str(exc).split())[:160] or type(exc).__name__
            problems.append(Problem(path=shown, kind="warning", reason=f"broken front matter ({reason}); metadata ignored, body kept"))
            body = text[match.end() :] if match else text
    if not body.strip():
        problems.append(Problem(path=shown, reason="no text after the front matter"))
        return None
    return _with_metadata(meta, body, key=key, shown=shown, format="md")


def _with_metadata(meta: Mapping[str, Any], body: str, *, key: str, shown: str, format: Format,
                   source_id: str | None = None) -> Article:
    """An article of `body` with the fields a front matter or a JSON line may give (title, outlet or source,
    url, published or date, summit)."""
    return Article(
        id=make_article_id(key, body),
        path=shown,
        format=format,
        text=body,
        title=one_line(meta.get("title")),
        outlet=one_line(meta.get("outlet", meta.get("source"))),
        url=one_line(meta.get("url")),
        published=parse_date(meta.get("published", meta.get("date"))),
        summit=one_line(meta.get("summit")),
        source_id=source_id,
    )




def _from_jsonl(text: str, shown: str, key: str, problems: list[Problem]) -> list[Article]:
    """One article per JSON line; a bad line is a Problem naming its line number, the rest are kept."""
    articles: list[Article] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(path=shown, reason=f"line {number}: invalid JSON ({exc.msg}); line skipped"))
            continue
        if not isinstance(record, dict):
            problems.append(Problem(path=shown, reason=f"line {number}: not a JSON object; line skipped"))
            continue
        body = next((record[k] for k in ("text", "body", "content") if isinstance(record.get(k), str)), None)
        if body is None or not body.strip():
            problems.append(Problem(path=shown, reason=f"line {number}: no text (fields text/body/content); skipped"))
            continue
        body = _norm_newlines(body)
        own = one_line(str(record["id"])) if record.get("id") not in (None, "") else None
        articles.append(_with_metadata(record, body, key=f"{key}#{number}", shown=shown, format="jsonl",
                                       source_id=own or f"{key}#{number}"))
    return articles


def read_file(
    path: Path, shown: str, key: str, *, max_bytes: int, fetch_timeout: float = 10.0, fetch_retries: int = 2
) -> Ingested:
    """Read one file of a supported type into articles and problems; never raises for bad content."""
    suffix = path.suffix.lower()
    if suffix in FEED_SUFFIXES:
        from summarizer.read.feeds import read_feed

        return read_feed(str(path), shown=shown, max_bytes=max_bytes, timeout=fetch_timeout, retries=fetch_retries)
    fmt = TEXT_SUFFIXES.get(suffix)
    if fmt is None:
        kind = f"file type {suffix}" if suffix else "file without a suffix"
        return Ingested(problems=[Problem(path=shown, reason=f"unsupported {kind} (supported: {SUPPORTED})")])
    problems: list[Problem] = []
    try:
        if not path.is_file():
            return Ingested(problems=[Problem(path=shown, reason="not a regular file")])
        size = path.stat().st_size
        if size > max_bytes:
            return Ingested(problems=[Problem(path=shown, reason=f"file too large ({size:,} bytes; limit {max_bytes:,})")])
        with path.open("rb") as handle:
            data = handle.read(min(size, max_bytes) + 1)  # read(n) allocates n bytes up front
    except OSError as exc:
        return Ingested(problems=[Problem(path=shown, reason=f"cannot read: {exc.strerror or exc}")])
    if len(data) > max_bytes:
        return Ingested(problems=[Problem(path=shown, reason=f"file too large (over {max_bytes:,} bytes)")])
    if not data:
        return Ingested(problems=[Problem(path=shown, reason="empty file")])
    if looks_binary(data):
        return Ingested(problems=[Problem(path=shown, reason="binary file (contains NUL bytes); skipped")])
    decoded = decode(data)
    text = _norm_newlines(decoded.text)
    if not text.strip():
        return Ingested(problems=[Problem(path=shown, reason="only whitespace; nothing to read")])
    if decoded.replaced > max(3, len(text) // 10):
        return Ingested(problems=[Problem(path=shown, reason="not readable text (too many undecodable bytes)")])
    if decoded.replaced:
        problems.append(
            Problem(path=shown, stage="decode", kind="warning",
                    reason=f"invalid {decoded.encoding}: {decoded.replaced} bytes replaced")
        )
    elif not decoded.is_utf8:
        problems.append(Problem(path=shown, stage="decode", kind="warning", reason=f"not UTF-8; decoded as {decoded.encoding}"))
    if fmt == "txt":
        articles = [Article(id=make_article_id(key, text), path=shown, format="txt", text=text, title=guess_title(text))]
    elif fmt == "md":
        article = _from_markdown(text, shown, key, problems)
        articles = [article] if article else []
    elif fmt == "html":
        result = html_article(text, shown, key)
        articles = [result] if isinstance(result, Article) else []
        if isinstance(result, str):
            problems.append(Problem(path=shown, reason=result))
    else:
        articles = _from_jsonl(text, shown, key, problems)
    articles = [a if a.source_id else a.model_copy(update={"source_id": key}) for a in articles]
    return Ingested(articles=articles, problems=problems)


def _within(path: Path, root: Path) -> bool:
    """True when `path` (resolved) lies inside `root` (resolved)."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _walk(root: Path, shown_root: str) -> list[tuple[Path, str, str] | Problem]:
    """Files under `root` sorted by relative path, as (path, shown path, key); symlinks leaving `root` as Problems."""
    found: list[tuple[str, tuple[Path, str, str] | Problem]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        rel_dir = base.relative_to(root)
        for name in dirnames:
            if (base / name).is_symlink() and not name.startswith("."):
                where = "outside the input folder" if not _within(base / name, root) else "to a folder"
                shown = os.path.normpath(os.path.join(shown_root, rel_dir, name))
                found.append(((rel_dir / name).as_posix(), Problem(path=shown, reason=f"symbolic link {where}; not followed")))
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not (base / d).is_symlink()]
        for name in filenames:
            if name.startswith("."):
                continue
            path = base / name
            key = (rel_dir / name).as_posix()
            shown = os.path.normpath(os.path.join(shown_root, rel_dir, name))
            if path.is_symlink() and not _within(path, root):
                found.append((key, Problem(path=shown, reason="symbolic link pointing outside the input folder; not followed")))
            else:
                found.append((key, (path, shown, key)))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def is_url(given: Path | str) -> bool:
    """Whether an input names an http(s) address rather than a file or folder."""
    return re.match(r"https?:/", str(given), re.IGNORECASE) is not None


def missing_inputs(paths: Sequence[Path | str]) -> list[str]:
    """The given files and folders that do not exist (addresses are not checked: that needs the network)."""
    return [str(p) for p in paths if not is_url(p) and not Path(p).exists() and not Path(p).is_symlink()]


def read_inputs(
    paths: Sequence[Path | str], *, max_bytes: int = 20_000_000, fetch_timeout: float = 10.0, fetch_retries: int = 2
) -> Ingested:
    """Read files, folders (recursively, sorted), feed files and http(s) feed URLs into articles and problems.

    `fetch_timeout` (seconds) and `fetch_retries` apply to every feed and linked page fetched over HTTP.
    """
    fetch = {"fetch_timeout": fetch_timeout, "fetch_retries": fetch_retries}
    articles: list[Article] = []
    problems: list[Problem] = []

    def add(result: Ingested) -> None:
        articles.extend(result.articles)
        problems.extend(result.problems)

    for given in paths:
        shown = str(given)
        if isinstance(given, Path) and re.match(r"https?:/(?!/)", shown, re.IGNORECASE):
            shown = shown.replace(":/", "://", 1)  # Path("http://x") collapsed the double slash
        if re.match(r"https?://", shown, re.IGNORECASE):
            from summarizer.read.feeds import read_feed

            add(read_feed(shown, max_bytes=max_bytes, timeout=fetch_timeout, retries=fetch_retries))
            continue
        path = Path(given)
        if path.is_dir():
            for item in _walk(path, shown):
                if isinstance(item, Problem):
                    problems.append(item)
                else:
                    add(read_file(item[0], item[1], item[2], max_bytes=max_bytes, **fetch))
        elif path.exists():
            add(read_file(path, shown, path.name, max_bytes=max_bytes, **fetch))
        elif path.is_symlink():
            problems.append(Problem(path=shown, reason="broken symbolic link"))
        else:
            problems.append(Problem(path=shown, reason="no such file or folder"))
    return Ingested(articles=articles, problems=problems)
