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

A digest whose emailing was asked for stays owed (`StateStore.owed_mail`) until every subscriber had it
or failed for good; `send_owed` delivers what is owed, so a day the mail server refused everything is
delivered by the next run, to those who had subscribed by then (never twice: the ledger decides).

Unsubscribing: each message carries a List-Unsubscribe header (RFC 2369) and a footer that say the same
thing: the `unsubscribe` setting (a mailto: address the operator reads, or an https:// URL that
unsubscribes, then also List-Unsubscribe-Post for one-click, RFC 8058), else mailto: the From address.
The operator removes each requester with `nttr subscribers remove ADDRESS`.
"""

from __future__ import annotations

import contextvars
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
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict
from pydantic.networks import validate_email
from pydantic_core import PydanticCustomError

from filelock import FileLock, Timeout

from summarizer.errors import ConfigError, NttrError, StateError

from summarizer.models import Digest
from summarizer.digest.outputs import read_digest
from summarizer.digest.render import digest_date, html_env, one_line, safe_url, text_env
from summarizer.text.counts import plural
from summarizer.settings import Settings
from summarizer.service.state import StateStore
from summarizer.models import Subscriber
from summarizer.service.subscribers import filter_digest

log = logging.getLogger("nttr.mail")

SenderFn = Callable[[EmailMessage], None]
"""Sends one message; raises smtplib / OSError exceptions on failure."""



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


def unsubscribe_for(target: str | None, sender: str, email: str) -> tuple[str, bool, str]:
    """(List-Unsubscribe value, whether it is one-click, footer sentence) for one subscriber.

    `target` is the `unsubscribe` setting: mailto:ADDRESS, or an http(s) URL where {email} stands for the
    subscriber's address; None means mailto: the From address.
    """
    target = header_text(target or f"mailto:{sender}")
    if target.lower().startswith("mailto:"):
        mailbox = target[len("mailto:"):].split("?")[0]
        return (
            f"<mailto:{mailbox}?subject=unsubscribe>",
            False,
            f"use your mail program's Unsubscribe button, or write to {mailbox} with the subject \"unsubscribe\".",
        )
    url = target.replace("{email}", quote(email, safe="@"))
    return f"<{url}>", url.lower().startswith("https://"), f"open {url}"  # RFC 8058: one-click is https only


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
    unsubscribe: str | None = None,
) -> EmailMessage:
    """One subscriber's email: plain text + HTML alternatives of the summits and themes they follow.

    `unsubscribe` is the `unsubscribe` setting (see `unsubscribe_for`).
    """
    sender = valid_sender(sender)
    list_unsubscribe, one_click, how = unsubscribe_for(unsubscribe, sender, subscriber.email)
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
        "unsubscribe": how,
    }
    msg = _headers(digest, subscriber, sender, digest_id, subject_for(mine), list_unsubscribe, one_click)
    msg.set_content(text_env().get_template("email.txt.j2").render(context))
    msg.add_alternative(html_env().get_template("email.html.j2").render(context), subtype="html")
    return msg


def build_nothing_new(
    digest: Digest, subscriber: Subscriber, *, sender: str, digest_id: str | None = None, unsubscribe: str | None = None
) -> EmailMessage:
    """The one-line email of a day with nothing new for this subscriber (setting `email_nothing_new`)."""
    sender = valid_sender(sender)
    list_unsubscribe, one_click, how = unsubscribe_for(unsubscribe, sender, subscriber.email)
    subject = header_text(f"No time to read? {digest_date(digest)}: nothing new")
    msg = _headers(digest, subscriber, sender, digest_id, subject, list_unsubscribe, one_click)
    what = "in what you follow " if subscriber.themes or subscriber.summits else ""
    msg.set_content(
        f"Nothing new {what}since the last digest.\n\n-- \n"
        f"You get this because {subscriber.email} subscribed to \"No time to read?\".\nTo unsubscribe, {how}\n"
    )
    return msg


def _headers(
    digest: Digest, subscriber: Subscriber, sender: str, digest_id: str | None, subject: str,
    list_unsubscribe: str, one_click: bool,
) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = _address(sender, "No time to read?")
    msg["To"] = _address(subscriber.email, subscriber.name)
    when = digest.run.generated_at or dt.datetime.now(dt.timezone.utc)
    msg["Date"] = format_datetime(when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc))
    msg["Message-ID"] = message_id(digest_id or digest_date(digest), subscriber.email, sender)
    msg["List-Unsubscribe"] = list_unsubscribe
    if one_click:
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
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
    if isinstance(exc, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(exc):
        text += " (the server offers no TLS: set NTTR_SMTP_SECURITY=none for a local relay, or ssl for port 465)"
    elif isinstance(exc, ssl.SSLError):
        text += " (check NTTR_SMTP_SECURITY: ssl is for port 465, starttls for 587)"
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
    since_before: dt.datetime | None = None,
    before_each: Callable[[], None] | None = None,
) -> DeliveryReport:
    """Send the digest to every active subscriber not yet 'sent' for it, recording each result at once.

    `since_before`: only to those subscribed before then (a late delivery goes to whom it was owed).
    `before_each` is called before each message is started (a test hook). When no transient failure is
    left, the digest is no longer owed. Two sends over one state store never overlap (a file lock next to
    it): the second waits, then refuses.
    """
    lock = FileLock(str(store.path.parent / "nttr-send.lock"), timeout=lock_timeout)
    try:
        lock.acquire()
    except Timeout:
        raise StateError(f"another nttr send is delivering from {store.path.parent}; wait for it to finish") from None
    try:
        return _send(digest, digest_id, store, settings, sender_fn=sender_fn, out_dir=out_dir,
                     digest_url=digest_url, retries=retries, backoff=backoff, workers=workers, sleep=sleep,
                     since_before=since_before, before_each=before_each)
    finally:
        lock.release()


def send_owed(
    store: StateStore,
    settings: Settings,
    *,
    sender_fn: SenderFn | None = None,
    skip: Sequence[str] = (),
    **options: object,
) -> list[DeliveryReport]:
    """Deliver every digest still owed to subscribers (oldest first), except those in `skip`.

    Each goes only to whoever had subscribed when its emailing was asked for and has not had it. An owed
    digest whose digest.json is gone cannot be sent: that is logged and it is no longer owed.
    """
    reports = []
    for record in store.owed_mail():
        if record.id in skip:
            continue
        try:
            digest = read_digest(Path(record.json_path).parent if record.json_path else Path(record.out_dir))
        except NttrError as exc:
            log.warning("digest %s of %s cannot be delivered late: %s", record.id, record.date, exc)
            store.finish_mail(record.id)
            continue
        log.info("delivering the digest of %s (%s) owed since %s", record.date, record.id,
                 record.mail_requested_at.isoformat(timespec="seconds") if record.mail_requested_at else "?")
        reports.append(
            send_digest(digest, record.id, store, settings, sender_fn=sender_fn, out_dir=record.out_dir,
                        since_before=record.mail_requested_at, **options)  # type: ignore[arg-type]
        )
    return reports


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
    since_before: dt.datetime | None,
    before_each: Callable[[], None] | None,
) -> DeliveryReport:
    send = sender_fn or smtp_sender(settings)
    secret = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    sender = valid_sender(settings.email_from)
    store.ensure_digest(digest_id, out_dir)
    store.request_mail(digest_id)
    sent_to = {d.email.casefold() for d in store.deliveries(digest_id) if d.status == "sent"}
    already, nothing, pending = [], [], []
    for sub in store.subscribers(active_only=True, since_before=since_before):
        if sub.email.casefold() in sent_to:
            already.append(sub.email)
            continue
        mine = filter_digest(digest, sub)
        common = {"sender": sender, "digest_id": digest_id, "unsubscribe": settings.unsubscribe}
        if not mine.summits and not mine.themes:
            nothing.append(sub.email)
            if settings.email_nothing_new:
                pending.append((sub.email, build_nothing_new(digest, sub, **common)))
            continue
        pending.append((sub.email, build_message(digest, sub, digest_url=digest_url, **common)))

    def attempt(item: tuple[str, EmailMessage]) -> Outcome:
        email, msg = item
        if before_each is not None:
            before_each()
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
            # Each attempt runs in a copy of the caller's context, so whatever the caller's logging relies on
            # (a Prefect run's log handler) still knows which run a line belongs to.
            futures = [pool.submit(contextvars.copy_context().run, attempt, item) for item in pending]
            outcomes = [f.result() for f in futures]
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
    if all(o.permanent for o in failed):
        store.finish_mail(digest_id)
    if sent or failed:
        log.info(
            "digest %s: sent %d, failed %d%s", digest_id, len(sent), len(failed),
            " (will retry at the next run)" if any(not o.permanent for o in failed) else "",
        )
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
