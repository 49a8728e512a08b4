"""The state store: what earlier digests covered, subscribers, and the email delivery ledger (SQLite).

Schema changes are ordered migrations in `MIGRATIONS`; `PRAGMA user_version` is the number applied.
Each public method is one transaction. `run_lock` keeps two runs from sharing a data folder.

It grows with what was seen: one row per digest, per new article (and per version of a feed item, with
its text, to tell a later update from news), per reported statement, and per email sent. `prune` drops
the digests dated before a cutoff with everything recorded under them; subscribers are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from filelock import FileLock, Timeout
from pydantic import BaseModel, ConfigDict

from summarizer.errors import StateError
from summarizer.models import Subscriber

DeliveryStatus = Literal["sending", "sent", "failed"]

MIGRATIONS: list[str] = [
    # 1: the first schema.
    """
    CREATE TABLE digests (
        id          TEXT PRIMARY KEY,
        created_at  TEXT NOT NULL,
        out_dir     TEXT NOT NULL,
        json_path   TEXT
    );
    CREATE TABLE articles (
        id            TEXT PRIMARY KEY,
        content_hash  TEXT NOT NULL,
        path          TEXT NOT NULL,
        first_digest  TEXT NOT NULL REFERENCES digests(id)
    );
    CREATE INDEX articles_by_hash ON articles(content_hash);
    CREATE TABLE statements (
        key        TEXT PRIMARY KEY,
        text       TEXT NOT NULL,
        vector_id  TEXT,
        digest_id  TEXT NOT NULL REFERENCES digests(id)
    );
    CREATE TABLE subscribers (
        email       TEXT PRIMARY KEY COLLATE NOCASE,
        name        TEXT,
        themes      TEXT NOT NULL DEFAULT '[]',
        summits     TEXT NOT NULL DEFAULT '[]',
        created_at  TEXT NOT NULL,
        active      INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE deliveries (
        digest_id   TEXT NOT NULL REFERENCES digests(id),
        email       TEXT NOT NULL COLLATE NOCASE,
        status      TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT,
        updated_at  TEXT NOT NULL,
        UNIQUE (digest_id, email)
    );
    """,
    # 2: daily digests (their day; whether their email is requested, and done), versions of feed items,
    #    and indexes by digest for pruning.
    """
    ALTER TABLE digests ADD COLUMN day TEXT;
    ALTER TABLE digests ADD COLUMN mail_requested_at TEXT;
    ALTER TABLE digests ADD COLUMN mail_done_at TEXT;
    CREATE TABLE items (
        key           TEXT PRIMARY KEY,
        content_hash  TEXT NOT NULL,
        text          TEXT NOT NULL,
        digest_id     TEXT NOT NULL REFERENCES digests(id)
    );
    CREATE INDEX items_by_digest ON items(digest_id);
    CREATE INDEX articles_by_digest ON articles(first_digest);
    CREATE INDEX statements_by_digest ON statements(digest_id);
    """,
]

_DIGEST_COLUMNS = "id, created_at, out_dir, json_path, day, mail_requested_at, mail_done_at"


class DigestRecord(BaseModel):
    """A digest the store knows about."""

    model_config = ConfigDict(frozen=True)

    id: str
    created_at: dt.datetime
    out_dir: str
    json_path: str | None = None
    day: dt.date | None = None
    """The day a daily (`--new`) digest is for."""
    mail_requested_at: dt.datetime | None = None
    """When its emailing was first asked for; None when it is not to be emailed."""
    mail_done_at: dt.datetime | None = None
    """When every subscriber had it (or failed for good); None while deliveries are owed."""

    @property
    def date(self) -> dt.date:
        """Its day, else the day it was made (UTC)."""
        return self.day or self.created_at.date()


class PruneReport(BaseModel):
    """What `StateStore.prune` removed."""

    model_config = ConfigDict(frozen=True)

    before: dt.date
    digests: int = 0
    articles: int = 0
    items: int = 0
    statements: int = 0
    deliveries: int = 0


def _record(row: tuple) -> DigestRecord:
    return DigestRecord(
        id=row[0], created_at=row[1], out_dir=row[2], json_path=row[3], day=row[4],
        mail_requested_at=row[5], mail_done_at=row[6],
    )


class Delivery(BaseModel):
    """The ledger entry of one digest to one address."""

    model_config = ConfigDict(frozen=True)

    digest_id: str
    email: str
    status: DeliveryStatus
    attempts: int
    last_error: str | None = None
    updated_at: dt.datetime


def statement_key(text: str) -> str:
    """Key of a statement for "already reported?": hash of its text, case/space/punctuation-normalised."""
    norm = unicodedata.normalize("NFKC", text).casefold()
    norm = " ".join(re.sub(r"[^\w]+", " ", norm).split())
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=12).hexdigest()


def _now() -> str:
    # Microseconds: "subscribed before this digest was emailed" must hold within one second too.
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class StateStore:
    """SQLite state under the data folder: WAL journal, foreign keys, one transaction per method."""

    def __init__(self, path: Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"{self.path}: cannot open the state store ({exc}); check NTTR_DATA_DIR") from None
        try:
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StateError(
                f"{self.path}: not a usable nttr state store ({exc}); move it away or set NTTR_DATA_DIR"
            ) from None
        except StateError:
            self._db.close()
            raise

    # -- plumbing -----------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on any error)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @property
    def version(self) -> int:
        """The schema version of the file (PRAGMA user_version)."""
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.version
        if current > len(MIGRATIONS):
            raise StateError(
                f"{self.path}: written by a newer nttr (schema v{current}; this one knows up to v{len(MIGRATIONS)});"
                " upgrade nttr or set NTTR_DATA_DIR to another folder"
            )
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            with self._tx() as db:
                for statement in (s.strip() for s in script.split(";")):
                    if statement:
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    # -- what is new --------------------------------------------------------------------------------

    def unseen_articles(self, ids: Iterable[str]) -> set[str]:
        """The article ids no earlier digest covered."""
        wanted = sorted(set(ids))
        with self._lock:
            seen = {
                row[0]
                for chunk in _chunks(wanted)
                for row in self._db.execute(
                    f"SELECT id FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk
                )
            }
        return set(wanted) - seen

    def unseen_contents(self, hashes: Mapping[str, str]) -> set[str]:
        """Of {article id: content hash}, the ids whose id AND content are both new (a moved file is not new)."""
        unseen = self.unseen_articles(hashes)
        wanted = sorted({hashes[i] for i in unseen})
        with self._lock:
            known = {
                row[0]
                for chunk in _chunks(wanted)
                for row in self._db.execute(
                    f"SELECT content_hash FROM articles WHERE content_hash IN ({','.join('?' * len(chunk))})", chunk
                )
            }
        return {i for i in unseen if hashes[i] not in known}

    def reported_statement_keys(self) -> set[str]:
        """Keys (`statement_key`) of every statement an earlier digest reported."""
        with self._lock:
            return {row[0] for row in self._db.execute("SELECT key FROM statements")}

    def reported_statements(self) -> list[tuple[str, str]]:
        """(key, text) of every reported statement, oldest digest first (to re-embed for near-duplicates)."""
        with self._lock:
            return [
                (k, t)
                for k, t in self._db.execute(
                    "SELECT s.key, s.text FROM statements s JOIN digests d ON d.id = s.digest_id "
                    "ORDER BY d.created_at, s.rowid"
                )
            ]

    def record_digest(
        self,
        digest_id: str,
        out_dir: Path | str,
        *,
        articles: Mapping[str, tuple[str, str]] | None = None,
        statements: Iterable[str] = (),
        vector_ids: Mapping[str, str] | None = None,
        json_path: Path | str | None = None,
        day: dt.date | None = None,
        items: Mapping[str, tuple[str, str]] | None = None,
        mail_requested: bool = False,
    ) -> DigestRecord:
        """Record a written digest with the articles ({id: (content_hash, path)}) and statements it covered.

        `items` ({feed item: (content_hash, text)}) are the versions of feed items it reported: they replace
        earlier versions. `mail_requested` notes, in the same transaction, that it is to be emailed (so a crash
        before the emailing ends leaves it owed). Articles and statements already recorded keep their first
        digest; recording twice changes nothing.
        """
        created = _now()
        vector_ids = vector_ids or {}
        with self._tx() as db:
            db.execute(
                "INSERT INTO digests (id, created_at, out_dir, json_path, day) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET out_dir = excluded.out_dir, json_path = excluded.json_path, "
                "day = coalesce(excluded.day, day)",
                (digest_id, created, str(out_dir), None if json_path is None else str(json_path),
                 None if day is None else day.isoformat()),
            )
            if mail_requested:
                db.execute(
                    "UPDATE digests SET mail_requested_at = coalesce(mail_requested_at, ?) WHERE id = ?",
                    (created, digest_id),
                )
            db.executemany(
                "INSERT INTO items (key, content_hash, text, digest_id) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET content_hash = excluded.content_hash, text = excluded.text, "
                "digest_id = excluded.digest_id",
                [(key, h, text, digest_id) for key, (h, text) in sorted((items or {}).items())],
            )
            db.executemany(
                "INSERT OR IGNORE INTO articles (id, content_hash, path, first_digest) VALUES (?, ?, ?, ?)",
                [(aid, h, str(p), digest_id) for aid, (h, p) in sorted((articles or {}).items())],
            )
            db.executemany(
                "INSERT OR IGNORE INTO statements (key, text, vector_id, digest_id) VALUES (?, ?, ?, ?)",
                [(statement_key(t), t, vector_ids.get(t), digest_id) for t in statements],
            )
        record = self.digest(digest_id)
        assert record is not None
        return record

    def ensure_digest(self, digest_id: str, out_dir: Path | str, *, json_path: Path | str | None = None) -> DigestRecord:
        """Make sure a digest has a row (e.g. before emailing a digest that `--new` did not record)."""
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO digests (id, created_at, out_dir, json_path) VALUES (?, ?, ?, ?)",
                (digest_id, _now(), str(out_dir), None if json_path is None else str(json_path)),
            )
        record = self.digest(digest_id)
        assert record is not None
        return record

    def digest(self, digest_id: str) -> DigestRecord | None:
        """One digest's record, or None."""
        with self._lock:
            row = self._db.execute(f"SELECT {_DIGEST_COLUMNS} FROM digests WHERE id = ?", (digest_id,)).fetchone()
        return None if row is None else _record(row)

    def digests(self) -> list[DigestRecord]:
        """Every recorded digest, oldest first."""
        with self._lock:
            rows = self._db.execute(f"SELECT {_DIGEST_COLUMNS} FROM digests ORDER BY created_at, rowid").fetchall()
        return [_record(r) for r in rows]

    def daily_digest_in(self, out_dir: Path | str) -> DigestRecord | None:
        """The daily (`--new`) digest recorded as written into `out_dir` (compared as resolved paths), if any."""
        target = Path(out_dir).resolve()
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_DIGEST_COLUMNS} FROM digests WHERE day IS NOT NULL ORDER BY created_at DESC, rowid DESC"
            ).fetchall()
        return next((_record(r) for r in rows if Path(r[2]).resolve() == target), None)

    def item_versions(self, keys: Iterable[str]) -> dict[str, str]:
        """{feed item: text of its version last reported} for the items an earlier digest reported."""
        wanted = sorted(set(keys))
        with self._lock:
            return {
                key: text
                for chunk in _chunks(wanted)
                for key, text in self._db.execute(
                    f"SELECT key, text FROM items WHERE key IN ({','.join('?' * len(chunk))})", chunk
                )
            }

    # -- owed email ---------------------------------------------------------------------------------

    def request_mail(self, digest_id: str) -> DigestRecord:
        """Note that a digest is to be emailed (kept from the first request) and not yet done."""
        with self._tx() as db:
            db.execute(
                "UPDATE digests SET mail_requested_at = coalesce(mail_requested_at, ?), mail_done_at = NULL "
                "WHERE id = ?",
                (_now(), digest_id),
            )
        record = self.digest(digest_id)
        if record is None:
            raise StateError(f"{self.path}: no digest {digest_id} recorded; record it before emailing it")
        return record

    def finish_mail(self, digest_id: str) -> None:
        """Note that every subscriber owed a digest had it, or failed for good."""
        with self._tx() as db:
            db.execute("UPDATE digests SET mail_done_at = ? WHERE id = ?", (_now(), digest_id))

    def owed_mail(self) -> list[DigestRecord]:
        """Digests whose emailing was asked for and is not done (a refusing server, a crash), oldest first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_DIGEST_COLUMNS} FROM digests WHERE mail_requested_at IS NOT NULL AND mail_done_at IS NULL "
                "ORDER BY coalesce(day, created_at), created_at, rowid"
            ).fetchall()
        return [_record(r) for r in rows]

    # -- growth and retention -----------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Rows per table, and the database's size in bytes (`bytes`), for watching growth."""
        tables = ("digests", "articles", "items", "statements", "subscribers", "deliveries")
        with self._lock:
            out = {t: int(self._db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}
            pages = self._db.execute("PRAGMA page_count").fetchone()[0]
            free = self._db.execute("PRAGMA freelist_count").fetchone()[0]
            size = self._db.execute("PRAGMA page_size").fetchone()[0]
        out["bytes"] = int((pages - free) * size)
        return out

    def prune(self, before: dt.date) -> PruneReport:
        """Forget every digest dated before `before` and what was recorded under it; then compact the file.

        An article, statement or item version recorded only by a forgotten digest is forgotten with it: it
        would be news again if it came back, so keep more days than any feed keeps its items.
        """
        cutoff = before.isoformat()
        old = "SELECT id FROM digests WHERE coalesce(day, substr(created_at, 1, 10)) < ?"
        counts: dict[str, int] = {}
        with self._tx() as db:
            for table, column in (("deliveries", "digest_id"), ("items", "digest_id"),
                                  ("statements", "digest_id"), ("articles", "first_digest")):
                counts[table] = db.execute(f"DELETE FROM {table} WHERE {column} IN ({old})", (cutoff,)).rowcount
            counts["digests"] = db.execute(f"DELETE FROM digests WHERE id IN ({old})", (cutoff,)).rowcount
        if counts["digests"]:
            with self._lock:
                self._db.execute("VACUUM")  # give the space back to the file system
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return PruneReport(before=before, **counts)

    def last_digest(self) -> DigestRecord | None:
        """The most recently recorded digest, or None."""
        records = self.digests()
        return records[-1] if records else None

    # -- subscribers --------------------------------------------------------------------------------

    def add_subscribers(self, subscribers: Iterable[Subscriber]) -> None:
        """Insert or update subscribers (by address, case-insensitive), all in one transaction."""
        now = _now()
        with self._tx() as db:
            db.executemany(
                "INSERT INTO subscribers (email, name, themes, summits, created_at, active) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(email) DO UPDATE SET name = excluded.name, themes = excluded.themes, "
                "summits = excluded.summits, active = excluded.active",
                [
                    (s.email, s.name, json.dumps(list(s.themes)), json.dumps(list(s.summits)), now, int(s.active))
                    for s in subscribers
                ],
            )

    def remove_subscriber(self, email: str) -> bool:
        """Delete a subscriber (their delivery history stays); False if the address was unknown."""
        with self._tx() as db:
            return db.execute("DELETE FROM subscribers WHERE email = ?", (email.strip(),)).rowcount > 0

    def subscribers(self, *, active_only: bool = True, since_before: dt.datetime | None = None) -> list[Subscriber]:
        """Subscribers sorted by address (only active ones unless told otherwise; with `since_before`, only
        those who subscribed before that moment)."""
        sql = "SELECT email, name, themes, summits, created_at, active FROM subscribers"
        if active_only:
            sql += " WHERE active = 1"
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY email COLLATE NOCASE").fetchall()
        subs = [
            Subscriber(email=r[0], name=r[1], themes=json.loads(r[2]), summits=json.loads(r[3]),
                       created_at=r[4], active=bool(r[5]))
            for r in rows
        ]
        if since_before is not None:
            subs = [s for s in subs if s.created_at is None or _aware(s.created_at) <= _aware(since_before)]
        return subs

    # -- delivery ledger ----------------------------------------------------------------------------

    def deliveries(self, digest_id: str) -> list[Delivery]:
        """The ledger of one digest, by address."""
        with self._lock:
            rows = self._db.execute(
                "SELECT digest_id, email, status, attempts, last_error, updated_at FROM deliveries "
                "WHERE digest_id = ? ORDER BY email COLLATE NOCASE",
                (digest_id,),
            ).fetchall()
        return [
            Delivery(digest_id=r[0], email=r[1], status=r[2], attempts=r[3], last_error=r[4], updated_at=r[5])
            for r in rows
        ]

    def delivery(self, digest_id: str, email: str) -> Delivery | None:
        """One ledger entry, or None."""
        return next((d for d in self.deliveries(digest_id) if d.email.casefold() == email.casefold()), None)

    def start_delivery(self, digest_id: str, email: str) -> bool:
        """Mark one delivery 'sending' (one more attempt) unless it is already 'sent'; True if it may go."""
        with self._tx() as db:
            row = db.execute(
                "SELECT status FROM deliveries WHERE digest_id = ? AND email = ?", (digest_id, email)
            ).fetchone()
            if row is not None and row[0] == "sent":
                return False
            db.execute(
                "INSERT INTO deliveries (digest_id, email, status, attempts, last_error, updated_at) "
                "VALUES (?, ?, 'sending', 1, NULL, ?) ON CONFLICT(digest_id, email) DO UPDATE SET "
                "status = 'sending', attempts = attempts + 1, updated_at = excluded.updated_at",
                (digest_id, email, _now()),
            )
            return True

    def finish_delivery(self, digest_id: str, email: str, status: Literal["sent", "failed"],
                        error: str | None = None) -> Delivery:
        """Record the outcome of the attempt begun by `start_delivery`."""
        with self._tx() as db:
            db.execute(
                "UPDATE deliveries SET status = ?, last_error = ?, updated_at = ? WHERE digest_id = ? AND email = ?",
                (status, error if status == "failed" else None, _now(), digest_id, email),
            )
        entry = self.delivery(digest_id, email)
        assert entry is not None
        return entry


@contextmanager
def run_lock(data_dir: Path, timeout: float = 60.0) -> Iterator[Path]:
    """Hold the data folder's exclusive run lock; another holder makes this wait up to `timeout` s, then fail."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(data_dir / "nttr.lock"), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise StateError(
            f"another nttr run is using {data_dir}; wait for it or set NTTR_DATA_DIR to another folder"
        ) from None
    try:
        yield data_dir
    finally:
        lock.release()
