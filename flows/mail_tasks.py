"""Send a digest by email through prefect-email's EmailServerCredentials, as a Prefect task."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

from prefect import task
from prefect_email import EmailServerCredentials
from pydantic import SecretStr

from summarizer.service.mail import DeliveryReport, SenderFn, send_digest, send_owed
from summarizer.digest.outputs import digest_id, read_digest
from summarizer.settings import Settings, load_settings
from summarizer.service.state import StateStore

SMTP_TYPES = {"ssl": "SSL", "starttls": "STARTTLS", "none": "INSECURE"}


def credentials_from_settings(settings: Settings) -> EmailServerCredentials:
    """EmailServerCredentials from NTTR_SMTP_* settings (the password stays a SecretStr)."""
    return EmailServerCredentials(
        smtp_server=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_type=SMTP_TYPES[settings.smtp_security],
        username=settings.smtp_username,
        password=settings.smtp_password or SecretStr(""),
    )


def load_credentials(settings: Settings, block: str | None = None) -> EmailServerCredentials:
    """A saved EmailServerCredentials block when named, else credentials from the settings."""
    return EmailServerCredentials.load(block) if block else credentials_from_settings(settings)


def prefect_sender(credentials: EmailServerCredentials) -> SenderFn:
    """Send each message over its own connection from `credentials.get_server()`."""

    def send(msg: EmailMessage) -> None:
        with credentials.get_server() as server:
            server.send_message(msg)

    return send


@contextmanager
def socket_timeout(seconds: float) -> Iterator[None]:
    """get_server() opens sockets without a timeout: give them one for the duration of a send."""
    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(old)


def send_folder(
    digest_dir: Path,
    settings: Settings,
    *,
    block: str | None = None,
    digest_url: str | None = None,
    timeout: float = 30.0,
    retries: int = 3,
    backoff: float = 1.0,
    owed: bool = False,
) -> DeliveryReport:
    """Email the digest written in digest_dir to its subscribers, via prefect-email.

    With `owed`, first deliver the earlier digests still owed (a day the mail server refused, a crash).
    """
    from flows.daily import pause_point

    digest = read_digest(digest_dir)
    did = digest_id(digest)
    sender = prefect_sender(load_credentials(settings, block))
    options = {"retries": retries, "backoff": backoff, "before_each": lambda: pause_point("send")}
    with StateStore(settings.state_path) as store, socket_timeout(timeout):
        if owed:
            send_owed(store, settings, sender_fn=sender, skip=[did], **options)
        return send_digest(
            digest, did, store, settings, sender_fn=sender, out_dir=digest_dir, digest_url=digest_url, **options
        )


@task(name="send-digest-email", retries=0)
def send_digest_email(digest_dir: str, block: str | None = None, digest_url: str | None = None) -> DeliveryReport:
    """Prefect task: email the earlier digests still owed, then this one; the delivery ledger (not task
    retries) makes each exactly-once."""
    return send_folder(Path(digest_dir), load_settings(), block=block, digest_url=digest_url, owed=True)
