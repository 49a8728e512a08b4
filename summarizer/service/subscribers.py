"""Subscribers: who gets the digest by email, and which themes and summits each one follows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from summarizer.errors import InputError
from summarizer.models import Digest, Subscriber, Summit, Theme

if TYPE_CHECKING:
    from summarizer.service.state import StateStore




def _matches(wanted: str, *fields: str | None) -> bool:
    """Case-insensitive: equal to a field, a word/phrase inside one, or words each found in some field
    ("drug trafficking" follows a theme whose keywords are "trafficking" and "drug")."""
    w = wanted.casefold()
    words: set[str] = set()
    for f in fields:
        if not f:
            continue
        f = f.casefold()
        if w == f or f" {' '.join(_tokens(w))} " in f" {' '.join(_tokens(f))} ":
            return True
        words.update(_tokens(f))
    wanted_words = set(_tokens(w))
    return bool(wanted_words) and wanted_words <= words


def _tokens(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in text).split()


def theme_matches(theme: Theme, wanted: str) -> bool:
    """Whether a followed name/keyword selects this theme (id, label words, or a keyword)."""
    return _matches(wanted, theme.id, theme.label, *theme.keywords)


def summit_matches(summit: Summit, wanted: str) -> bool:
    """Whether a followed name selects this summit (id, title words, place, or year/date)."""
    return _matches(wanted, summit.id, summit.title, summit.place, summit.date.isoformat() if summit.date else None)


def filter_digest(digest: Digest, subscriber: Subscriber) -> Digest:
    """The part of the digest a subscriber follows.

    Following nothing: everything. Following themes only: those themes, no summit summaries.
    Following summits only: those summits and the themes that draw on them. Both: those summits and themes.
    A summit or theme with no summary is never mailed: an email has no empty sections.
    """
    summits = tuple(s for s in digest.summits if s.summary)
    themes = tuple(t for t in digest.themes if t.summary)
    if subscriber.summits:
        summits = tuple(s for s in summits if any(summit_matches(s, w) for w in subscriber.summits))
    elif subscriber.themes:
        summits = ()
    if subscriber.themes:
        themes = tuple(t for t in themes if any(theme_matches(t, w) for w in subscriber.themes))
    elif subscriber.summits:
        kept = {s.id for s in summits}
        themes = tuple(t for t in themes if kept.intersection(t.summits))
    return digest.model_copy(update={"summits": summits, "themes": themes})


def make_subscriber(email: str, *, name: str | None = None, themes: Sequence[str] = (),
                    summits: Sequence[str] = (), where: str = "") -> Subscriber:
    """Validate one subscriber; a bad address raises InputError naming `where` (e.g. 'file.csv line 3')."""
    try:
        return Subscriber(email=(email or "").strip(), name=name, themes=themes, summits=summits)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "subscriber"
        msg = err["msg"].removeprefix("value is not a valid email address: ")
        if where:
            raise InputError(where, f"invalid {field} {email!r}: {msg}") from None
        raise InputError(repr(email), f"invalid {field}: {msg}") from None  # the address is named once


def read_subscribers(path: Path) -> list[Subscriber]:
    """Read subscribers from a CSV (header: email,name,themes,summits) or YAML list; all or nothing."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read it ({getattr(exc, 'strerror', None) or exc})") from None
    rows = _yaml_rows(path, raw) if path.suffix.lower() in (".yaml", ".yml") else _csv_rows(path, raw)
    out: dict[str, Subscriber] = {}
    for line, row in rows:
        where = f"{path} line {line}"
        if not isinstance(row, dict):
            raise InputError(where, "expected an entry with an email (and optional name, themes, summits)")
        unknown = set(row) - {"email", "name", "themes", "summits"}
        if unknown:
            raise InputError(where, f"unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        sub = make_subscriber(str(row.get("email") or ""), name=row.get("name") or None,
                              themes=row.get("themes") or (), summits=row.get("summits") or (), where=where)
        out[sub.email.casefold()] = sub
    return list(out.values())


def _csv_rows(path: Path, raw: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(raw))
    if not reader.fieldnames or "email" not in [f.strip().lower() for f in reader.fieldnames]:
        raise InputError(f"{path} line 1", "expected a CSV header with an 'email' column (name, themes, summits optional)")
    rows = []
    for row in reader:
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        if None in row:
            raise InputError(f"{path} line {reader.line_num}", "more fields than the header names")
        if any(clean.values()):
            rows.append((reader.line_num, clean))
    return rows


def _yaml_rows(path: Path, raw: str) -> list[tuple[int, Any]]:
    try:
        node = yaml.compose(raw, Loader=yaml.SafeLoader)
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise InputError(f"{path}{line}", f"not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if data is None:
        return []
    if isinstance(data, dict) and "subscribers" in data:
        data = data["subscribers"]
        node = next(v for k, v in node.value if k.value == "subscribers")
    if not isinstance(data, list):
        raise InputError(str(path), "expected a list of subscribers (or a 'subscribers:' key holding one)")
    return [(item_node.start_mark.line + 1, item) for item_node, item in zip(node.value, data, strict=True)]


def import_subscribers(store: StateStore, path: Path) -> list[Subscriber]:
    """Add (or update) every subscriber of a file; nothing is added when any line is bad."""
    subs = read_subscribers(path)
    store.add_subscribers(subs)
    return subs


def add_subscriber(store: StateStore, email: str, *, name: str | None = None,
                   themes: Iterable[str] = (), summits: Iterable[str] = ()) -> Subscriber:
    """Add a subscriber, or update one with the same address."""
    sub = make_subscriber(email, name=name, themes=tuple(themes), summits=tuple(summits))
    store.add_subscribers([sub])
    return sub


def remove_subscriber(store: StateStore, email: str) -> bool:
    """Remove a subscriber; False when no such address was subscribed."""
    return store.remove_subscriber(email)


def list_subscribers(store: StateStore, *, active_only: bool = False) -> list[Subscriber]:
    """Every subscriber, sorted by address."""
    return store.subscribers(active_only=active_only)
