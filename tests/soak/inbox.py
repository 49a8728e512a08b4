"""The soak's mail server: aiosmtpd on 127.0.0.1, keeping every message, refusing or dropping on given days.

On a refusing day every MAIL FROM gets "421 4.3.2 service not available" (a transient refusal: senders
try again later). On a dropping day the connection is cut, without a reply, at the DATA of the
DROP_AT-th message of the day, once (mid-batch). Every accepted message is kept with the simulated day
it arrived on.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

DROP_AT = 10


@dataclass(frozen=True)
class Received:
    """One accepted message."""

    day: int
    to: str
    message_id: str
    subject: str
    text: str


@dataclass
class Inbox:
    """An aiosmtpd handler: what arrived, and the faults of each day."""

    refuse_days: frozenset[int] = frozenset()
    drop_days: frozenset[int] = frozenset()
    month: int = 30
    day: int = 0
    received: list[Received] = field(default_factory=list)
    refused: int = 0
    dropped: int = 0
    _today: dict[int, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if self.day % self.month in self.refuse_days:
            with self._lock:
                self.refused += 1
            return "421 4.3.2 Service not available, try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self._lock:
            count = self._today[self.day] = self._today.get(self.day, 0) + 1
            drop = self.day % self.month in self.drop_days and count == DROP_AT
            if drop:
                self.dropped += 1
        if drop:
            server.transport.abort()  # the connection goes away mid-conversation, no reply
            return "421 4.4.2 connection dropped"
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        body = msg.get_body(("plain",))
        with self._lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append(
                    Received(day=self.day, to=rcpt.lower(), message_id=str(msg["Message-ID"]),
                             subject=str(msg["Subject"]), text=body.get_content() if body else "")
                )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server(inbox: Inbox) -> Iterator[int]:
    """Run an SMTP server for `inbox` on 127.0.0.1 until the block ends; yields its port."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:  # pragma: no cover - a dev dependency
        raise SystemExit("nttr soak needs aiosmtpd: pip install -e '.[dev]'") from None
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=30)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
