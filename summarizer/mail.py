"""Email the digest: one multipart message per subscriber, and a delivery ledger so each gets one copy.

Delivery protocol (per digest and address, in the state store):
  1. `start_delivery` commits 'sending' (attempts + 1) before the SMTP conversation;
  2. the outcome is committed at once: 'sent', or 'failed' with the error.
A rerun skips 'sent' and retries 'failed' and 'sending' (an interrupted attempt). So a crash between two
messages loses no one and doubles no one. A crash inside the tiny window after the server accepted a message
and before 'sent' was committed can resend that one message (at-least-once, never lost); the copy carries
the same deterministic Message-ID, so mail systems that de-duplicate by Message-ID show it once.
Transient errors (connection refused, timeouts, 4xx) are retried in rounds with backoff, so one broken
address never holds up the others; permanent ones (5xx, e.g. unknown recipient) are recorded, not retried.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict
from pydantic.networks import validate_email
from pydantic_core import PydanticCustomError

from filelock import FileLock, Timeout

from summarizer.errors import ConfigError, StateError

from summarizer.models import Digest
from summarizer.render import digest_date, html_env, one_line, plural, safe_url, text_env
from summarizer.settings import Settings
from summarizer.state import StateStore
from summarizer.subscribers import Subscriber, filter_digest

log = logging.getLogger("nttr.mail")

SenderFn = Callable[[EmailMessage], None]
"""Sends one message; raises smtplib / OSError exceptions on failure."""

UNSUBSCRIBE = "reply 'unsubscribe' or run: nttr subscribers remove {email}"


class Outcome(BaseModel):
    """What happened to one address in one send."""

    model_config = ConfigDict(frozen=True)

    email: str
    status: Literal["sent", "failed", "skipped"]
    attempts: int = 0
    error: str | None = None
    permanent: bool = False


class DeliveryReport(BaseModel):
    """The result of `send_digest`: who got it now, who already had it, who failed and why."""

    model_config = ConfigDict(frozen=True)

    digest_id: str
    sent: tuple[str, ...] = ()
    already_sent: tuple[str, ...] = ()
    failed: tuple[Outcome, ...] = ()
    nothing_followed: tuple[str, ...] = ()
    """Subscribers who follow nothing that is in this digest (no message)."""

    @property
    def ok(self) -> bool:
        return not self.failed


def header_text(value: object) -> str:
    """A header-safe value: control characters (CR, LF, ...) collapsed to spaces."""
    return one_line(value)


def subject_for(digest: Digest) -> str:
    """'No time to read? <date>: N summits, M themes' for the (already filtered) digest."""
    return header_text(
        f"No time to read? {digest_date(digest)}: "
        f"{plural(len(digest.summits), 'summit')}, {plural(len(digest.themes), 'theme')}"
    )


def message_id(digest_id: str, email: str, sender: str) -> str:
    """A deterministic Message-ID for (digest, address): a resent copy is recognisably the same message."""
    domain = sender.rpartition("@")[2] or "nttr.invalid"
    domain = "".join(c for c in domain if c.isalnum() or c in ".-") or "nttr.invalid"
    tag = hashlib.blake2b(f"{digest_id}\0{email.casefold()}".encode(), digest_size=10).hexdigest()
    did = "".join(c for c in digest_id if c.isalnum() or c in ".-_")[:40] or "digest"
    return f"<nttr.{did}.{tag}@{domain}>"


def valid_sender(sender: str | None) -> str:
    """The From address, validated: a ConfigError naming NTTR_EMAIL_FROM when it is unset or not an address."""
    if not sender:
        raise ConfigError("setting email_from (NTTR_EMAIL_FROM) is not set: set it to the address digests come from")
    try:
        return validate_email(sender)[1]
    except (PydanticCustomError, ValueError):
        raise ConfigError(f"setting email_from (NTTR_EMAIL_FROM): {header_text(sender)!r} is not an email address") from None


def _address(email: str, name: str | None = None) -> Address:
    local, _, domain = header_text(email).rpartition("@")
    return Address(display_name=header_text(name or ""), username=local, domain=domain)


def build_message(
    digest: Digest,
    subscriber: Subscriber,
    *,
    sender: str,
    digest_url: str | None = None,
    digest_id: str | None = None,
) -> EmailMessage:
    """One subscriber's email: plain text + HTML alternatives of the summits and themes they follow."""
    sender = valid_sender(sender)
    mine = filter_digest(digest, subscriber)
    context = {
        "digest": mine,
        "summits": mine.summits,
        "themes": mine.themes,
        "titles": {s.id: one_line(s.title) for s in digest.summits},
        "date": digest_date(digest),
        "subscriber": subscriber,
        "follows": bool(subscriber.themes or subscriber.summits),
        "digest_url": safe_url(digest_url),
        "unsubscribe": UNSUBSCRIBE.format(email=subscriber.email),
    }
    msg = EmailMessage()
    msg["Subject"] = subject_for(mine)
    msg["From"] = _address(sender, "No time to read?")
    msg["To"] = _address(subscriber.email, subscriber.name)
    when = digest.run.generated_at or dt.datetime.now(dt.timezone.utc)
    msg["Date"] = format_datetime(when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc))
    msg["Message-ID"] = message_id(digest_id or digest_date(digest), subscriber.email, sender)
    msg["List-Unsubscribe"] = f"<mailto:{header_text(sender)}?subject=unsubscribe>"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text_env().get_template("email.txt.j2").render(context))
    msg.add_alternative(html_env().get_template("email.html.j2").render(context), subtype="html")
    return msg


def smtp_sender(settings: Settings, *, timeout: float = 30.0) -> SenderFn:
    """A plain smtplib sender for the settings' server (one connection per message, with a timeout)."""

    def send(msg: EmailMessage) -> None:
        context = ssl.create_default_context()
        server: smtplib.SMTP
        if settings.smtp_security == "ssl":
            server = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout, context=context)
        else:
            server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        with server:
            if settings.smtp_security == "starttls":
                server.starttls(context=context)
            if settings.smtp_username:
                password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
                server.login(settings.smtp_username, password)
            server.send_message(msg)

    return send


def is_permanent(exc: BaseException) -> bool:
    """5xx replies, bad configuration and TLS failures are permanent; refusals 4xx, timeouts, resets are not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(500 <= c < 600 for c in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    if isinstance(exc, (smtplib.SMTPNotSupportedError, ssl.SSLError, ValueError, TypeError)):
        return True
    return False


def describe(exc: BaseException, secret: str | None = None) -> str:
    """One line about an SMTP failure (the password, if ever echoed, is blanked)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        text = "; ".join(
            f"{addr}: {code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in exc.recipients.items()
        )
        text = f"recipient refused ({text})"
    elif isinstance(exc, smtplib.SMTPResponseException):
        err = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        text = f"{type(exc).__name__}: {exc.smtp_code} {err}"
    elif isinstance(exc, OSError) and exc.strerror:
        text = f"{type(exc).__name__}: {exc.strerror}"
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    text = one_line(text)[:500]
    return text.replace(secret, "***") if secret else text


def send_digest(
    digest: Digest,
    digest_id: str,
    store: StateStore,
    settings: Settings,
    *,
    sender_fn: SenderFn | None = None,
    out_dir: Path | str = "",
    digest_url: str | None = None,
    retries: int = 3,
    backoff: float = 1.0,
    workers: int = 4,
    sleep: Callable[[float], None] = time.sleep,
    lock_timeout: float = 60.0,
) -> DeliveryReport:
    """Send the digest to every active subscriber not yet 'sent' for it, recording each result at once.

    Two sends over one state store never overlap (a file lock next to it): the second waits, then refuses.
    """
    lock = FileLock(str(store.path.parent / "nttr-send.lock"), timeout=lock_timeout)
    try:
        lock.acquire()
    except Timeout:
        raise StateError(f"another nttr send is delivering from {store.path.parent}; wait for it to finish") from None
    try:
        return _send(digest, digest_id, store, settings, sender_fn=sender_fn, out_dir=out_dir,
                     digest_url=digest_url, retries=retries, backoff=backoff, workers=workers, sleep=sleep)
    finally:
        lock.release()


def _send(
    digest: Digest,
    digest_id: str,
    store: StateStore,
    settings: Settings,
    *,
    sender_fn: SenderFn | None,
    out_dir: Path | str,
    digest_url: str | None,
    retries: int,
    backoff: float,
    workers: int,
    sleep: Callable[[float], None],
) -> DeliveryReport:
    send = sender_fn or smtp_sender(settings)
    secret = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    sender = valid_sender(settings.email_from)
    store.ensure_digest(digest_id, out_dir)
    already, nothing, pending = [], [], []
    for sub in store.subscribers(active_only=True):
        entry = store.delivery(digest_id, sub.email)
        if entry is not None and entry.status == "sent":
            already.append(sub.email)
            continue
        mine = filter_digest(digest, sub)
        if not mine.summits and not mine.themes:
            nothing.append(sub.email)
            continue
        msg = build_message(digest, sub, sender=sender, digest_url=digest_url, digest_id=digest_id)
        pending.append((sub.email, msg))

    def attempt(item: tuple[str, EmailMessage]) -> Outcome:
        email, msg = item
        if not store.start_delivery(digest_id, email):
            return Outcome(email=email, status="skipped")
        try:
            send(msg)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded, none stops the others
            error = describe(exc, secret)
            entry = store.finish_delivery(digest_id, email, "failed", error)
            kind = "permanent" if is_permanent(exc) else "transient"
            log.warning("%s: not delivered (%s, attempt %d): %s", email, kind, entry.attempts, error)
            return Outcome(email=email, status="failed", attempts=entry.attempts, error=error,
                           permanent=kind == "permanent")
        entry = store.finish_delivery(digest_id, email, "sent")
        log.info("%s: sent", email)
        return Outcome(email=email, status="sent", attempts=entry.attempts)

    sent: list[str] = []
    final: dict[str, Outcome] = {}
    messages = dict(pending)
    for round_no in range(retries + 1):
        if not pending:
            break
        if round_no:
            sleep(backoff * 2 ** (round_no - 1))
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            outcomes = list(pool.map(attempt, pending))
        pending = []
        for out in outcomes:
            if out.status == "sent":
                sent.append(out.email)
                final.pop(out.email, None)
            elif out.status == "skipped":
                already.append(out.email)
            else:
                final[out.email] = out
                if not out.permanent:
                    pending.append((out.email, messages[out.email]))
    failed = tuple(sorted(final.values(), key=lambda o: o.email.casefold()))
    return DeliveryReport(
        digest_id=digest_id,
        sent=tuple(sorted(sent, key=str.casefold)),
        already_sent=tuple(sorted(already, key=str.casefold)),
        failed=failed,
        nothing_followed=tuple(sorted(nothing, key=str.casefold)),
    )


def ledger_lines(store: StateStore, digest_id: str) -> Sequence[str]:
    """The delivery ledger of one digest, one line per address (for `nttr send --status`)."""
    return [
        f"{d.status:8} {d.email}  attempts={d.attempts}  {d.updated_at.isoformat()}"
        + (f"  error: {d.last_error}" if d.last_error and d.status != "sent" else "")
        for d in store.deliveries(digest_id)
    ]
