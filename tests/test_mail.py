"""Email delivery against a real SMTP server on 127.0.0.1 (aiosmtpd): once each, filtered, never lost."""

from __future__ import annotations

import email
import email.policy
import logging
import multiprocessing
import re
import smtplib
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from test_render import hostile_digest, sample_digest
from typer.testing import CliRunner

from flows.mail_tasks import credentials_from_settings, prefect_sender, send_folder
from summarizer.errors import ConfigError
from summarizer.service.mail import build_message, describe, is_permanent, send_digest, send_owed, smtp_sender, subject_for
from summarizer.digest.outputs import digest_id, write_digest
from summarizer.settings import Settings, load_settings
from summarizer.service.state import StateStore
from summarizer.models import Subscriber
from summarizer.service.subscribers import add_subscriber

PASSWORD = "pa55-W0rd-n0t-in-logs-7f3a"  # smtplib AUTH only takes ASCII passwords
SENDER = "nttr@example.org"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message; some addresses can be refused (code) per attempt."""

    def __init__(self, refuse: dict[str, list[str]] | None = None) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse = refuse or {}
        self.logins: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        replies = self.refuse.get(address)
        if replies:
            reply = replies.pop(0) if len(replies) > 1 else replies[0]
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted"

    def to(self) -> list[str]:
        return sorted(r for rcpts, _ in self.messages for r in rcpts)


def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.password.decode() == PASSWORD
    return AuthResult(success=ok)


class Server:
    """A running aiosmtpd server on 127.0.0.1 with a fixed port (so it can go down and come back)."""

    def __init__(self, port: int, inbox: Inbox, *, auth: bool = False) -> None:
        kwargs = {"authenticator": authenticate, "auth_require_tls": False} if auth else {}
        self.controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=10, **kwargs)
        self.inbox = inbox

    def __enter__(self) -> Inbox:
        self.controller.start()
        return self.inbox

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def settings(tmp_path: Path, port: int) -> Settings:
    return load_settings(
        data_dir=tmp_path / "data", output_dir=tmp_path / "outputs", smtp_host="127.0.0.1", smtp_port=port,
        smtp_security="none", email_from=SENDER,
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[StateStore]:
    with StateStore(settings.state_path) as s:
        yield s


@pytest.fixture
def digest_dir(settings: Settings) -> Path:
    folder = settings.output_dir / "2025-11-28"
    write_digest(sample_digest(), folder)
    return folder


@pytest.fixture
def three(store: StateStore) -> list[str]:
    add_subscriber(store, "ann@example.org", name="Ann")
    add_subscriber(store, "bob@example.org", themes=["nuclear"])
    add_subscriber(store, "cy@example.org", summits=["Yerevan"])
    return ["ann@example.org", "bob@example.org", "cy@example.org"]


def fast(folder: Path, settings: Settings, **kw):
    return send_folder(folder, settings, retries=kw.pop("retries", 1), backoff=0.0, timeout=kw.pop("timeout", 5), **kw)


def by_rcpt(inbox: Inbox) -> dict[str, EmailMessage]:
    return {rcpts[0]: msg for rcpts, msg in inbox.messages}


def test_three_subscribers_get_one_message_each_with_both_parts(digest_dir, settings, port, three):
    with Server(port, Inbox()) as inbox:
        report = fast(digest_dir, settings)
    assert inbox.to() == three and sorted(report.sent) == three
    for rcpts, msg in inbox.messages:
        assert msg.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
        assert msg["To"].addresses[0].addr_spec == rcpts[0]
        assert msg["From"].addresses[0].addr_spec == SENDER
        assert msg["Subject"].startswith("No time to read? 2025-11-28: ")
        assert msg["Message-ID"].startswith("<nttr.")


def test_a_message_names_summits_themes_sources_and_how_to_unsubscribe(digest_dir, settings, port, three):
    with Server(port, Inbox()) as inbox:
        fast(digest_dir, settings)
    ann = by_rcpt(inbox)["ann@example.org"]
    assert ann["Subject"] == "No time to read? 2025-11-28: 2 summits, 2 themes"
    text = ann.get_body(("plain",)).get_content()
    html = ann.get_body(("html",)).get_content()
    for body in (text, html):
        assert "CSTO summit, Yerevan, 2022-11-23" in body and "Nuclear deterrence" in body
        assert "He urged the bloc to pursue open, constructive dialogue." in body
        assert "The Astana Times: Tokayev on the peace formula" in body and "reported by 2 outlets" in body
        assert "Unsubscribe button, or write to nttr@example.org with the subject" in body
    assert ann["List-Unsubscribe"] == "<mailto:nttr@example.org?subject=unsubscribe>"
    assert ann["List-Unsubscribe-Post"] is None  # a mailbox is not one-click
    assert "reply" not in text.lower()  # nothing reads replies: the footer no longer promises it


def test_unsubscribe_setting_mailto_is_the_header_and_the_footer():
    msg = build_message(sample_digest(), Subscriber(email="ann@example.org"), sender=SENDER,
                        unsubscribe="mailto:leave@example.org")
    assert msg["List-Unsubscribe"] == "<mailto:leave@example.org?subject=unsubscribe>"
    assert "write to leave@example.org with the subject" in msg.get_body(("plain",)).get_content()


def test_unsubscribe_setting_url_is_one_click_for_that_address():
    msg = build_message(sample_digest(), Subscriber(email="ann+news@example.org"), sender=SENDER,
                        unsubscribe="https://example.org/leave?who={email}")
    url = "https://example.org/leave?who=ann%2Bnews@example.org"
    assert msg["List-Unsubscribe"] == f"<{url}>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"To unsubscribe, open {url}" in msg.get_body(("plain",)).get_content()


def test_unsubscribe_setting_must_be_mailto_or_a_url():
    with pytest.raises(ConfigError, match="NTTR_UNSUBSCRIBE"):
        load_settings(unsubscribe="leave@example.org")


def test_the_theme_follower_sees_only_their_theme(digest_dir, settings, port, three):
    with Server(port, Inbox()) as inbox:
        fast(digest_dir, settings)
    bob = by_rcpt(inbox)["bob@example.org"]
    assert bob["Subject"] == "No time to read? 2025-11-28: 0 summits, 1 theme"
    for body in (bob.get_body(("plain",)).get_content(), bob.get_body(("html",)).get_content()):
        assert "Nuclear deterrence" in body and "Nuclear blackmail has no place in diplomacy." in body
        assert "Armenia and Azerbaijan" not in body and "South Caucasus" not in body
        assert "He urged the bloc" not in body


def test_the_summit_follower_sees_that_summit_and_its_themes(digest_dir, settings, port, three):
    with Server(port, Inbox()) as inbox:
        fast(digest_dir, settings)
    body = by_rcpt(inbox)["cy@example.org"].get_body(("plain",)).get_content()
    assert "CSTO summit, Yerevan" in body and "Armenia and Azerbaijan" in body
    assert "unipolar order" not in body and "Nuclear deterrence" not in body


def test_a_second_send_delivers_nothing(digest_dir, settings, port, three):
    with Server(port, Inbox()) as inbox:
        fast(digest_dir, settings)
        again = fast(digest_dir, settings)
    assert len(inbox.messages) == 3
    assert again.sent == () and sorted(again.already_sent) == three


def test_server_down_then_up_delivers_exactly_one_copy_each(digest_dir, settings, port, three, store):
    down = fast(digest_dir, settings)  # nothing listens on the port
    assert down.sent == () and sorted(o.email for o in down.failed) == three
    did = digest_id(sample_digest())
    ledger = store.deliveries(did)
    assert [d.status for d in ledger] == ["failed"] * 3
    assert all(d.attempts == 2 and "Connection refused" in (d.last_error or "") for d in ledger)
    with Server(port, Inbox()) as inbox:
        up = fast(digest_dir, settings)
        fast(digest_dir, settings)
    assert inbox.to() == three and sorted(up.sent) == three
    assert [(d.status, d.attempts) for d in store.deliveries(did)] == [("sent", 3)] * 3


def test_a_rejected_recipient_does_not_stop_the_others_and_is_not_retried(digest_dir, settings, port, three, store):
    refuse = {"bob@example.org": ["550 5.1.1 <bob@example.org>: no such user"]}
    with Server(port, Inbox(refuse)) as inbox:
        report = fast(digest_dir, settings, retries=3)
    assert inbox.to() == ["ann@example.org", "cy@example.org"]
    [bob] = report.failed
    assert bob.email == "bob@example.org" and bob.permanent and "550" in (bob.error or "")
    entry = store.delivery(digest_id(sample_digest()), "bob@example.org")
    assert (entry.status, entry.attempts) == ("failed", 1) and "no such user" in entry.last_error


def test_a_transient_refusal_is_retried_with_backoff(digest_dir, settings, port, three, store):
    refuse = {"ann@example.org": ["451 4.3.0 try again later", "250 OK"]}
    waits: list[float] = []
    sender = prefect_sender(credentials_from_settings(settings))
    with Server(port, Inbox(refuse)) as inbox:
        report = send_digest(sample_digest(), "d1", store, settings, sender_fn=sender, retries=3, backoff=0.25,
                             sleep=waits.append)
    assert inbox.to() == three and report.failed == ()
    assert waits == [0.25]
    assert store.delivery("d1", "ann@example.org").attempts == 2


def test_retries_stop_after_the_limit(store: StateStore, settings: Settings, three):
    calls: list[str] = []

    def always_busy(msg: EmailMessage) -> None:
        calls.append(str(msg["To"]))
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    waits: list[float] = []
    report = send_digest(sample_digest(), "d1", store, settings, sender_fn=always_busy, retries=2, backoff=1.0,
                         sleep=waits.append)
    assert len(report.failed) == 3 and len(calls) == 9 and waits == [1.0, 2.0]


def test_library_smtp_sender_logs_in_and_delivers(store: StateStore, tmp_path: Path, port: int, three):
    settings = load_settings(data_dir=tmp_path / "d", smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                             smtp_username="nttr", smtp_password=PASSWORD, email_from=SENDER)
    with Server(port, Inbox(), auth=True) as inbox:
        report = send_digest(sample_digest(), "d1", store, settings, sender_fn=smtp_sender(settings, timeout=5),
                             retries=0)
    assert report.failed == () and inbox.to() == three


def test_starttls_against_a_server_without_tls_names_the_setting_to_change(store, tmp_path: Path, port: int, three):
    settings = load_settings(data_dir=tmp_path / "d", smtp_host="127.0.0.1", smtp_port=port,
                             smtp_security="starttls", email_from=SENDER)
    with Server(port, Inbox()) as inbox:
        report = send_digest(sample_digest(), "d1", store, settings, sender_fn=smtp_sender(settings, timeout=5),
                             retries=0)
    assert inbox.to() == [] and len(report.failed) == 3
    assert all("NTTR_SMTP_SECURITY=none" in o.error and o.permanent for o in report.failed)


def test_password_never_appears_in_logs_ledger_or_outputs(
    digest_dir, tmp_path, port, three, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture
):
    settings = load_settings(data_dir=tmp_path / "data", output_dir=tmp_path / "outputs", smtp_host="127.0.0.1",
                             smtp_port=port, smtp_security="none", smtp_username="nttr", smtp_password=PASSWORD,
                             email_from=SENDER)
    caplog.set_level(logging.DEBUG)
    fast(digest_dir, settings)  # server down: errors are logged and recorded
    with Server(port, Inbox(), auth=True) as inbox:
        report = fast(digest_dir, settings)
    assert len(inbox.messages) == 3 and report.failed == ()
    wrong = settings.model_copy(update={"smtp_password": settings.smtp_password.__class__("wrong-" + PASSWORD)})
    add_subscriber(StateStore(settings.state_path), "dee@example.org")
    with Server(port, Inbox(), auth=True):
        failed = fast(digest_dir, wrong, retries=0, timeout=1)  # authentication fails: recorded, not leaked
    assert [o.email for o in failed.failed] == ["dee@example.org"]
    out = capsys.readouterr()
    texts = [caplog.text, out.out, out.err, repr(settings), str(settings.model_dump()), repr(report)]
    texts += [msg.as_string() for _, msg in inbox.messages]
    assert not any(PASSWORD in t for t in texts)
    for path in [*tmp_path.rglob("*")]:
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
            assert PASSWORD.encode("utf-16-le") not in path.read_bytes(), path


def test_header_injection_through_names_and_titles_is_impossible():
    sub = Subscriber(email="ann@example.org", name="Ann\r\nBcc: victim@example.com")
    msg = build_message(hostile_digest(), sub, sender=SENDER, digest_id="d1")
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert [a.addr_spec for a in parsed["To"].addresses] == ["ann@example.org"]
    assert "\n" not in parsed["Subject"] and "\r" not in parsed["Subject"]


def test_an_invalid_sender_is_a_config_error():
    with pytest.raises(ConfigError, match="NTTR_EMAIL_FROM"):
        build_message(sample_digest(), Subscriber(email="a@example.org"), sender="nttr@x.org\r\nBcc: v@x.org")


def test_hostile_html_part_is_escaped_and_self_contained():
    msg = build_message(hostile_digest(), Subscriber(email="ann@example.org"), sender=SENDER, digest_id="d1")
    html = msg.get_body(("html",)).get_content()
    assert "<script" not in html.lower() and "<img" not in html.lower() and "<iframe" not in html.lower()
    assert "<link" not in html.lower() and not re.search(r"<[a-z]+[^>]*\ssrc=", html.lower())
    assert 'href="javascript' not in html.lower()
    assert "&lt;script&gt;document.title=" in html


def test_html_part_has_no_external_resources():
    msg = build_message(sample_digest(), Subscriber(email="ann@example.org"), sender=SENDER, digest_id="d1")
    html = msg.get_body(("html",)).get_content()
    assert "<img" not in html and "<script" not in html and "<link" not in html and "src=" not in html


def test_message_id_is_the_same_for_a_resent_copy():
    a = build_message(sample_digest(), Subscriber(email="ann@example.org"), sender=SENDER, digest_id="d1")
    b = build_message(sample_digest(), Subscriber(email="ann@example.org"), sender=SENDER, digest_id="d1")
    c = build_message(sample_digest(), Subscriber(email="bob@example.org"), sender=SENDER, digest_id="d1")
    assert a["Message-ID"] == b["Message-ID"] != c["Message-ID"]


def test_subject_counts_summits_and_themes():
    assert subject_for(sample_digest()) == "No time to read? 2025-11-28: 2 summits, 2 themes"


def test_subscriber_following_nothing_in_the_digest_gets_no_message(store, settings):
    add_subscriber(store, "zed@example.org", themes=["football"])
    sent: list[EmailMessage] = []
    report = send_digest(sample_digest(), "d1", store, settings, sender_fn=sent.append)
    assert sent == [] and report.nothing_followed == ("zed@example.org",)


@pytest.mark.parametrize(
    ("exc", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x.org": (550, b"no such user")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x.org": (450, b"mailbox busy")}), False),
        (smtplib.SMTPDataError(554, b"rejected"), True),
        (smtplib.SMTPDataError(421, b"closing"), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), True),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError(111, "Connection refused"), False),
        (TimeoutError("timed out"), False),
    ],
)
def test_permanent_and_transient_errors_are_told_apart(exc: BaseException, permanent: bool):
    assert is_permanent(exc) is permanent


def test_describe_is_one_line_and_blanks_the_secret():
    exc = smtplib.SMTPAuthenticationError(535, f"bad\r\npassword {PASSWORD}".encode())
    text = describe(exc, PASSWORD)
    assert "\n" not in text and PASSWORD not in text and "535" in text


# -- crash safety: a real process killed mid-send -------------------------------------------------------


def _send_then_die(state: str, port: int, die_before: str | None, die_after: str | None) -> None:
    """Child process: send with one worker; exit abruptly before/after a given recipient's SMTP send."""
    import os

    settings = load_settings(data_dir=Path(state), smtp_host="127.0.0.1", smtp_port=port, smtp_security="none",
                             email_from=SENDER)
    real = smtp_sender(settings, timeout=5)

    def sender(msg: EmailMessage) -> None:
        to = msg["To"].addresses[0].addr_spec
        if to == die_before:
            os._exit(9)
        real(msg)
        if to == die_after:
            os._exit(9)

    with StateStore(settings.state_path) as store:
        send_digest(sample_digest(), "d1", store, settings, sender_fn=sender, workers=1, retries=0)


def _crash(tmp_path: Path, port: int, **where: str | None) -> int:
    ctx = multiprocessing.get_context("spawn")
    child = ctx.Process(target=_send_then_die, args=(str(tmp_path / "data"), port,
                                                     where.get("die_before"), where.get("die_after")))
    child.start()
    child.join(60)
    return child.exitcode


def test_a_crash_between_two_messages_loses_no_one_and_doubles_no_one(tmp_path, settings, port, three, store):
    with Server(port, Inbox()) as inbox:
        assert _crash(tmp_path, port, die_before="bob@example.org") == 9
        assert inbox.to() == ["ann@example.org"]
        assert store.delivery("d1", "bob@example.org").status == "sending"
        report = send_digest(sample_digest(), "d1", store, settings, retries=0)
    assert inbox.to() == three
    assert sorted(report.sent) == ["bob@example.org", "cy@example.org"]


def test_a_crash_after_the_server_accepted_resends_that_one_with_the_same_message_id(
    tmp_path, settings, port, three, store
):
    with Server(port, Inbox()) as inbox:
        _crash(tmp_path, port, die_after="bob@example.org")
        send_digest(sample_digest(), "d1", store, settings, retries=0)
    assert inbox.to() == ["ann@example.org", "bob@example.org", "bob@example.org", "cy@example.org"]
    first, second = [m["Message-ID"] for r, m in inbox.messages if r == ["bob@example.org"]]
    assert first == second


# -- the command line -------------------------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, settings: Settings):
    import typer

    from flows.cli_mail import send, subscribers_app

    for key, value in {"NTTR_DATA_DIR": settings.data_dir, "NTTR_OUTPUT_DIR": settings.output_dir,
                       "NTTR_SMTP_HOST": "127.0.0.1", "NTTR_SMTP_PORT": settings.smtp_port,
                       "NTTR_SMTP_SECURITY": "none", "NTTR_EMAIL_FROM": SENDER}.items():
        monkeypatch.setenv(key, str(value))
    app = typer.Typer()
    app.add_typer(subscribers_app, name="subscribers")
    app.command("send")(send)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


def test_cli_send_delivers_three_then_none(cli, digest_dir, port):
    for args in (["ann@example.org"], ["bob@example.org", "--theme", "nuclear"], ["cy@example.org"]):
        assert cli("subscribers", "add", *args).exit_code == 0
    with Server(port, Inbox()) as inbox:
        first = cli("send")
        second = cli("send", digest_dir)
    assert first.exit_code == 0 and "sent 3" in first.output
    assert second.exit_code == 0 and "sent 0, already sent 3" in second.output
    assert len(inbox.messages) == 3


def test_cli_send_with_the_server_down_exits_non_zero_and_status_shows_the_failure(cli, digest_dir):
    cli("subscribers", "add", "ann@example.org")
    result = cli("send", "--retries", "0")
    assert result.exit_code == 1 and "not delivered to ann@example.org" in result.output
    status = cli("send", "--status")
    assert status.exit_code == 0 and "failed" in status.output and "Connection refused" in status.output
    assert "owed     digest" in status.output and "not every subscriber has it yet" in status.output


def test_cli_status_lists_pending_subscribers(cli, digest_dir):
    cli("subscribers", "add", "ann@example.org")
    assert "pending  ann@example.org" in cli("send", "--status").output


def test_cli_send_without_a_digest_is_one_line(cli):
    result = cli("send")
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "no digest folder" in result.output
    assert "Traceback" not in result.output


def test_cli_subscribers_add_list_remove(cli):
    assert cli("subscribers", "add", "ann@example.org", "--name", "Ann", "--theme", "nuclear").exit_code == 0
    listed = cli("subscribers", "list")
    assert "ann@example.org (Ann)  themes: nuclear" in listed.output
    assert cli("subscribers", "remove", "ann@example.org").exit_code == 0
    assert cli("subscribers", "remove", "ann@example.org").exit_code == 1


def test_cli_bad_address_is_one_line_without_traceback(cli):
    result = cli("subscribers", "add", "not-an-address")
    assert result.exit_code == 1 and "not-an-address" in result.output and "Traceback" not in result.output


def test_cli_import_names_the_bad_line(cli, tmp_path):
    path = tmp_path / "subs.csv"
    path.write_text("email,name\nann@example.org,Ann\nbroken,B\n")
    result = cli("subscribers", "import", path)
    assert result.exit_code == 1 and "subs.csv line 3" in result.output
    assert "ann@example.org" not in cli("subscribers", "list").output


# -- owed digests, nothing new, a hook per message ------------------------------------------------------------------


def collect() -> tuple[list[EmailMessage], object]:
    sent: list[EmailMessage] = []
    return sent, sent.append


def recipients(sent: list[EmailMessage]) -> list[str]:
    return sorted(m["To"].addresses[0].addr_spec for m in sent)


def test_a_digest_the_server_refused_is_delivered_by_the_next_send_to_those_subscribed_then(store, settings, three):
    def refuse(msg: EmailMessage) -> None:
        raise smtplib.SMTPSenderRefused(421, b"4.3.2 try later", SENDER)

    folder = settings.output_dir / "d1"
    write_digest(sample_digest(), folder)
    store.record_digest("d1", folder, json_path=folder / "digest.json")
    send_digest(sample_digest(), "d1", store, settings, sender_fn=refuse, retries=0, out_dir=folder)
    add_subscriber(store, "late@example.org")
    assert [d.id for d in store.owed_mail()] == ["d1"]
    sent, sender = collect()
    [report] = send_owed(store, settings, sender_fn=sender, retries=0)
    assert sorted(report.sent) == three and recipients(sent) == three
    assert store.owed_mail() == []


def test_an_owed_digest_is_not_sent_twice_nor_to_whom_it_was_not_owed(store, settings, three):
    folder = settings.output_dir / "d1"
    write_digest(sample_digest(), folder)
    store.record_digest("d1", folder, json_path=folder / "digest.json", mail_requested=True)
    sent, sender = collect()
    send_owed(store, settings, sender_fn=sender, retries=0)
    send_owed(store, settings, sender_fn=sender, retries=0)
    assert recipients(sent) == three


def test_a_digest_with_only_permanent_failures_is_no_longer_owed(store, settings, three):
    def unknown(msg: EmailMessage) -> None:
        raise smtplib.SMTPRecipientsRefused({str(msg["To"]): (550, b"no such user")})

    send_digest(sample_digest(), "d1", store, settings, sender_fn=unknown, retries=0)
    assert store.owed_mail() == []


def test_an_owed_digest_whose_folder_is_gone_is_logged_and_given_up(store, settings, caplog):
    store.record_digest("d1", settings.output_dir / "gone", json_path=settings.output_dir / "gone" / "digest.json",
                        mail_requested=True)
    with caplog.at_level("WARNING", logger="nttr.mail"):
        assert send_owed(store, settings, sender_fn=lambda m: None) == []
    assert store.owed_mail() == [] and "cannot be delivered late" in caplog.text


def test_nothing_new_sends_nothing_by_default(store, settings):
    add_subscriber(store, "dan@example.org", themes=["no such theme"])
    sent, sender = collect()
    report = send_digest(sample_digest(), "d1", store, settings, sender_fn=sender, retries=0)
    assert sent == [] and report.nothing_followed == ("dan@example.org",)


def test_nothing_new_is_one_line_when_the_setting_asks_for_it(store, settings):
    add_subscriber(store, "dan@example.org", themes=["no such theme"])
    sent, sender = collect()
    quiet = settings.model_copy(update={"email_nothing_new": True})
    send_digest(sample_digest(), "d1", store, quiet, sender_fn=sender, retries=0)
    [msg] = sent
    assert msg["Subject"] == "No time to read? 2025-11-28: nothing new"
    assert msg.get_content().splitlines()[0] == "Nothing new in what you follow since the last digest."
    assert msg["List-Unsubscribe"] == f"<mailto:{SENDER}?subject=unsubscribe>"


def test_before_each_is_called_once_per_message(store, settings, three):
    calls: list[int] = []
    sent, sender = collect()
    send_digest(sample_digest(), "d1", store, settings, sender_fn=sender, retries=0, before_each=lambda: calls.append(1))
    assert len(calls) == len(sent) == 3


def test_cli_status_says_a_subscriber_follows_nothing_in_the_digest(cli, digest_dir):
    cli("subscribers", "add", "zed@example.org", "--theme", "weather")
    assert "nothing  zed@example.org  follows nothing in this digest" in cli("send", "--status").output


def test_cli_send_refuses_a_url_that_is_not_a_web_address(cli, digest_dir):
    result = cli("send", "--url", "not a url")
    assert result.exit_code == 1 and "--url 'not a url': expected the web address" in result.output


def test_cli_add_again_says_updated(cli):
    assert "subscribed ann@example.org" in cli("subscribers", "add", "ann@example.org").output
    assert "updated ann@example.org  themes: nuclear" in cli("subscribers", "add", "ann@example.org", "--theme", "nuclear").output


def test_cli_bad_address_is_named_once(cli):
    result = cli("subscribers", "add", "a@b")
    assert result.output.count("a@b") == 1


def test_emails_cite_outlet_and_title_never_a_local_path(digest_dir, settings, port, three):
    with Server(port, Inbox()) as inbox:
        fast(digest_dir, settings)
    ann = by_rcpt(inbox)["ann@example.org"]
    for body in (ann.get_body(("plain",)).get_content(), ann.get_body(("html",)).get_content()):
        assert "seeds/00" not in body and "untitled article" in body
