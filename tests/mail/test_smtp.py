"""Sending to a real aiosmtpd server on 127.0.0.1 with AUTH and verified TLS."""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
import trustme

from creditdesk.domain.errors import ValidationError
from creditdesk.mail.message import message_bytes
from creditdesk.mail.smtp import (
    AuthenticationFailed,
    BatchSummary,
    ConnectionFailed,
    Outcome,
    Security,
    SenderRefused,
    SendError,
    SendStatus,
    Severity,
    SmtpConfig,
    SmtpSession,
    config_problems,
    send_batch,
    send_test,
    verified_context,
)
from tests.mail.smtp_server import (
    FROM_ADDRESS,
    HOST,
    PASSWORD,
    PDF_BYTES,
    USERNAME,
    Handler,
    Server,
    client_context,
    reminder,
    smtp_server,
)

WRONG_PASSWORD = "Wrong-Horse-Battery-99"


@dataclass
class Run:
    summary: BatchSummary
    outcomes: dict[int, Outcome]
    sleeps: list[float] = field(default_factory=list)

    def status(self, key: int) -> SendStatus:
        return self.outcomes[key].status


def run_batch(
    config: SmtpConfig,
    context: ssl.SSLContext,
    messages: list[tuple[int, EmailMessage]],
    *,
    password: str = PASSWORD,
    **options: Any,
) -> Run:
    outcomes: dict[int, Outcome] = {}
    sleeps: list[float] = []

    def record(key: int, outcome: Outcome) -> None:
        assert key not in outcomes, f"message {key} reported twice"
        outcomes[key] = outcome

    summary = send_batch(
        config, password, messages, record, sleep=sleeps.append, ssl_context=context, **options
    )
    assert list(outcomes) == [key for key, _ in messages], "every message gets one outcome, in order"
    assert summary.total == len(messages)
    return Run(summary, outcomes, sleeps)


def batch(config: SmtpConfig, numbers: range | list[int], **kwargs: Any) -> list[tuple[int, EmailMessage]]:
    return [(number, reminder(config, number, **kwargs)) for number in numbers]


def delivered_numbers(server: Server) -> list[int]:
    return [
        int(str(received.message()["Subject"]).split("INV-")[1][:5]) for received in server.handler.received
    ]


# --- a good day -----------------------------------------------------------------------------------------


def test_a_batch_goes_over_one_connection_with_everything_intact(
    server: Server, tls_context: ssl.SSLContext
) -> None:
    config = server.config()
    messages = batch(config, range(5))

    run = run_batch(config, tls_context, messages)

    assert run.summary.sent == 5 and run.summary.stopped_by is None
    assert server.connections == 1 and run.summary.connections == 1
    assert server.authenticator.attempts == [("PLAIN", USERNAME, True)]
    assert all(outcome.detail.startswith("250 2.0.0 Accepted") for outcome in run.outcomes.values())
    assert len(server.handler.received) == 5
    for number, received in enumerate(server.handler.received):
        assert received.mail_from == FROM_ADDRESS
        assert received.rcpt_tos == (f"client{number}@example.test",)
        parsed = received.message()
        assert str(parsed["To"]) == f"Client {number} <client{number}@example.test>"
        assert str(parsed["Subject"]) == f"Reminder: invoice INV-{number:05d} is overdue"
        assert parsed["Message-ID"] == messages[number][1]["Message-ID"]
        assert parsed["Date"] == "Mon, 09 Mar 2026 09:30:00 +0000"
        text, html = parsed.get_body(("plain",)), parsed.get_body(("html",))
        assert text is not None and f"Invoice INV-{number:05d} is now due." in text.get_content()
        assert html is not None and "<p>Dear Client" in html.get_content()
        [pdf] = list(parsed.iter_attachments())
        assert pdf.get_filename() == f"INV-{number:05d}.pdf"
        assert pdf.get_content() == PDF_BYTES + str(number).encode()
    assert run.sleeps == []


def test_bcc_me_sends_a_copy_without_showing_it(server: Server, tls_context: ssl.SSLContext) -> None:
    config = server.config(bcc_me=True)
    run_batch(config, tls_context, batch(config, [7]))

    [received] = server.handler.received
    assert received.rcpt_tos == ("client7@example.test", FROM_ADDRESS)
    assert "Bcc" not in received.message()


def test_auth_login_works_as_well_as_plain(ca: trustme.CA, tls_context: ssl.SSLContext) -> None:
    with smtp_server(ca, auth_exclude_mechanism=["PLAIN"]) as only_login:
        reply = send_test(only_login.config(), PASSWORD, "me@shop.test", ssl_context=tls_context)
        assert reply.startswith("250")
        assert only_login.authenticator.attempts == [("LOGIN", USERNAME, True)]


def test_implicit_tls_works(ssl_server: Server, tls_context: ssl.SSLContext) -> None:
    reply = send_test(ssl_server.config(), PASSWORD, "me@shop.test", ssl_context=tls_context)

    assert reply == "250 2.0.0 Accepted as message 1"
    [received] = ssl_server.handler.received
    assert str(received.message()["Subject"]) == "CreditDesk test message"


def test_the_server_really_refuses_anything_before_starttls(server: Server) -> None:
    with smtplib.SMTP(HOST, server.port, timeout=5) as bare:
        bare.ehlo()
        assert not bare.has_extn("auth")
        code, reply = bare.mail(FROM_ADDRESS)
        assert code == 530 and b"STARTTLS" in reply
    assert server.handler.received == []


def test_plain_is_allowed_to_this_computer(ca: trustme.CA) -> None:
    with smtp_server(ca, tls="plain") as relay:
        assert send_test(relay.config(), PASSWORD, "me@shop.test").startswith("250")


def test_a_server_that_needs_no_login_gets_none(ca: trustme.CA, tls_context: ssl.SSLContext) -> None:
    with smtp_server(ca, auth_required=False) as open_relay:
        send_test(open_relay.config(username=""), None, "me@shop.test", ssl_context=tls_context)
        assert open_relay.authenticator.attempts == []
        assert len(open_relay.handler.received) == 1


# --- refusals -------------------------------------------------------------------------------------------


def test_a_wrong_password_stops_the_batch_with_the_servers_reason(
    server: Server, tls_context: ssl.SSLContext
) -> None:
    config = server.config()
    run = run_batch(config, tls_context, batch(config, range(3)), password=WRONG_PASSWORD)

    expected = "The server refused the user name or password: 535 5.7.8 Authentication credentials invalid"
    assert isinstance(run.summary.stopped_by, AuthenticationFailed)
    assert run.summary.stopped_by.reason == expected
    assert run.summary.not_attempted == 3
    assert all(outcome == Outcome(SendStatus.NOT_ATTEMPTED, expected) for outcome in run.outcomes.values())
    assert server.handler.received == []
    assert server.connections == 1  # no retries: a wrong password stays wrong
    assert run.sleeps == []
    with pytest.raises(AuthenticationFailed) as raised:
        send_test(config, WRONG_PASSWORD, "me@shop.test", ssl_context=tls_context)
    assert str(raised.value) == expected


def test_a_user_name_without_a_password_is_refused_before_connecting(
    server: Server, tls_context: ssl.SSLContext
) -> None:
    with pytest.raises(AuthenticationFailed, match=f"No password is set for the user name '{USERNAME}'"):
        send_test(server.config(), None, "me@shop.test", ssl_context=tls_context)
    assert server.connections == 0


def test_550_for_one_recipient_fails_that_message_only(server: Server, tls_context: ssl.SSLContext) -> None:
    server.handler.refuse["client1@example.test"] = "550 5.1.1 <client1@example.test>: Mailbox unavailable"
    config = server.config()

    run = run_batch(config, tls_context, batch(config, range(3)))

    assert [run.status(key) for key in range(3)] == [SendStatus.SENT, SendStatus.FAILED, SendStatus.SENT]
    assert run.outcomes[1].detail == (
        "The server refused the recipient client1@example.test: "
        "550 5.1.1 <client1@example.test>: Mailbox unavailable"
    )
    assert delivered_numbers(server) == [0, 2]
    assert server.connections == 1 and run.sleeps == []


def test_a_refused_from_address_stops_the_batch(server: Server, tls_context: ssl.SSLContext) -> None:
    server.handler.refuse[FROM_ADDRESS] = "553 5.7.1 Sender address rejected: not owned by user"
    config = server.config()

    run = run_batch(config, tls_context, batch(config, range(3)))

    assert isinstance(run.summary.stopped_by, SenderRefused)
    assert run.summary.stopped_by.reason == (
        f"The server refused the sender {FROM_ADDRESS}: 553 5.7.1 Sender address rejected: not owned by user"
    )
    assert run.summary.not_attempted == 3 and server.handler.received == []


def test_a_lasting_4xx_for_one_recipient_leaves_it_queued_after_backing_off(
    server: Server, tls_context: ssl.SSLContext
) -> None:
    server.handler.refuse["client0@example.test"] = "450 4.2.1 Mailbox busy, try later"
    config = server.config()

    run = run_batch(config, tls_context, batch(config, range(2)), retries=3, backoff=2.0)

    assert run.outcomes[0] == Outcome(
        SendStatus.DEFERRED,
        "The server did not accept the recipient client0@example.test for now: "
        "450 4.2.1 Mailbox busy, try later",
        4,
    )
    assert run.outcomes[0].still_queued
    assert run.sleeps == [2.0, 4.0, 8.0]
    assert run.status(1) is SendStatus.SENT
    assert delivered_numbers(server) == [1]


def test_421_is_retried_on_a_new_connection_and_delivered_once(
    server: Server, tls_context: ssl.SSLContext
) -> None:
    server.handler.once["client1@example.test"] = "421 4.3.2 System not accepting network messages"
    config = server.config()

    run = run_batch(config, tls_context, batch(config, range(3)))

    assert [run.status(key) for key in range(3)] == [SendStatus.SENT] * 3
    assert run.outcomes[1].attempts == 2
    assert run.sleeps == [2.0]
    assert sorted(delivered_numbers(server)) == [0, 1, 2]
    assert server.connections == 2


# --- lost connections and "never twice" -----------------------------------------------------------------


def test_a_connection_closed_between_messages_is_reopened_without_waiting(
    server: Server, tls_context: ssl.SSLContext
) -> None:
    server.handler.drop_after = 2
    config = server.config()

    run = run_batch(config, tls_context, batch(config, range(5)))

    assert run.summary.sent == 5
    assert delivered_numbers(server) == [0, 1, 2, 3, 4]
    assert server.connections == 3
    assert run.sleeps == []


def test_a_server_gone_mid_batch_leaves_the_rest_queued_for_the_next_run(
    ca: trustme.CA, tls_context: ssl.SSLContext
) -> None:
    first_day = Handler(drop_after=2, go_down_on_drop=True)
    with smtp_server(ca, handler=first_day) as going:
        config = going.config()
        messages = batch(config, range(5))
        run = run_batch(config, tls_context, messages)

    assert [run.status(key) for key in range(5)] == [SendStatus.SENT] * 2 + [SendStatus.DEFERRED] * 3
    assert isinstance(run.summary.stopped_by, ConnectionFailed)
    assert "refused the connection" in run.summary.stopped_by.reason
    assert run.sleeps == [2.0, 4.0, 8.0]  # retried with backoff, then left for later
    assert all(run.outcomes[key].still_queued for key in (2, 3, 4))

    queued = [(key, email) for key, email in messages if run.outcomes[key].still_queued]
    with smtp_server(ca) as back:
        retry = run_batch(back.config(), tls_context, queued)
        assert retry.summary.sent == 3

        delivered = sorted(delivered_numbers(going) + delivered_numbers(back))
        assert delivered == [0, 1, 2, 3, 4]  # every message once, none twice
        ids = [r.message()["Message-ID"] for r in going.handler.received + back.handler.received]
        assert sorted(ids) == sorted(str(email["Message-ID"]) for _, email in messages)


def test_a_connection_lost_while_the_server_held_the_data_is_not_resent(
    server: Server, tls_context: ssl.SSLContext
) -> None:
    server.handler.vanish.add("client1@example.test")
    config = server.config()

    run = run_batch(config, tls_context, batch(config, range(3)))

    assert run.status(1) is SendStatus.FAILED
    assert "may or may not have been delivered, so it was not sent again" in run.outcomes[1].detail
    assert [run.status(key) for key in (0, 2)] == [SendStatus.SENT, SendStatus.SENT]
    assert delivered_numbers(server) == [0, 1, 2]  # the server had it: sending again would duplicate
    assert run.sleeps == []


def test_when_recording_an_outcome_fails_nothing_more_is_sent(
    server: Server, tls_context: ssl.SSLContext
) -> None:
    config = server.config()
    recorded: list[int] = []

    def record(key: int, outcome: Outcome) -> None:
        if key == 1:
            raise OSError("disk full")
        recorded.append(key)

    with pytest.raises(OSError, match="disk full"):
        send_batch(config, PASSWORD, batch(config, range(4)), record, ssl_context=tls_context)
    assert recorded == [0]
    assert delivered_numbers(server) == [0, 1]


def test_messages_are_read_one_at_a_time(server: Server, tls_context: ssl.SSLContext) -> None:
    config = server.config()
    handed_over: list[int] = []

    def outbox() -> Iterator[tuple[int, EmailMessage]]:
        for number in range(3):
            # Each message is handed over only after the previous outcome was recorded.
            assert handed_over == list(range(number))
            yield number, reminder(config, number)

    send_batch(
        config, PASSWORD, outbox(), lambda key, outcome: handed_over.append(key), ssl_context=tls_context
    )
    assert handed_over == [0, 1, 2]


def test_stopping_midway(server: Server, tls_context: ssl.SSLContext) -> None:
    config = server.config()
    outcomes: list[SendStatus] = []
    summary = send_batch(
        config,
        PASSWORD,
        batch(config, range(4)),
        lambda key, outcome: outcomes.append(outcome.status),
        should_stop=lambda: len(outcomes) >= 2,
        ssl_context=tls_context,
    )
    assert outcomes == [SendStatus.SENT] * 2 + [SendStatus.NOT_ATTEMPTED] * 2
    assert summary.cancelled and delivered_numbers(server) == [0, 1]


# --- TLS ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_an_untrusted_certificate_stops_everything(ca: trustme.CA, tls: Any) -> None:
    with smtp_server(ca, tls=tls) as untrusted:
        config = untrusted.config()
        run = run_batch(config, client_context(None), batch(config, range(2)))

        error = run.summary.stopped_by
        assert isinstance(error, ConnectionFailed) and error.permanent
        assert "certificate of 127.0.0.1 could not be verified" in error.reason
        assert run.summary.not_attempted == 2 and run.sleeps == []
        assert untrusted.handler.received == []
        assert untrusted.authenticator.attempts == []  # the password never left


def test_a_context_that_skips_verification_is_refused() -> None:
    careless = ssl.create_default_context()
    careless.check_hostname = False
    careless.verify_mode = ssl.CERT_NONE
    with pytest.raises(ValueError, match="verified"):
        verified_context(careless)


def test_ssl_against_a_starttls_port_explains_the_mismatch(
    server: Server, tls_context: ssl.SSLContext
) -> None:
    with pytest.raises(ConnectionFailed, match="SSL/TLS is usually port 465, STARTTLS port 587"):
        send_test(server.config(security=Security.SSL), PASSWORD, "me@shop.test", ssl_context=tls_context)


def test_starttls_against_an_ssl_port_times_out_with_a_reason(
    ssl_server: Server, tls_context: ssl.SSLContext
) -> None:
    config = ssl_server.config(security=Security.STARTTLS, timeout=0.3)
    with pytest.raises(ConnectionFailed, match=r"did not answer within 0\.3 seconds") as raised:
        send_test(config, PASSWORD, "me@shop.test", ssl_context=tls_context)
    assert not raised.value.permanent


def test_nobody_listening_is_transient(tls_context: ssl.SSLContext) -> None:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    config = SmtpConfig(host=HOST, port=port, security=Security.STARTTLS, from_address=FROM_ADDRESS)
    run = run_batch(config, tls_context, batch(config, range(2)), retries=1)

    assert [run.status(key) for key in range(2)] == [SendStatus.DEFERRED] * 2
    assert run.outcomes[0].detail.startswith(f"The mail server {HOST}:{port} refused the connection")
    assert run.sleeps == [2.0]


# --- settings -------------------------------------------------------------------------------------------


def settings(**changes: Any) -> SmtpConfig:
    fields: dict[str, Any] = {
        "host": "smtp.example.com",
        "port": 587,
        "security": Security.STARTTLS,
        "from_address": FROM_ADDRESS,
    }
    return SmtpConfig(**(fields | changes))


def test_good_settings_have_no_problems() -> None:
    assert config_problems(settings()) == []


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"host": ""}, "host", "Enter the mail server's name"),
        ({"host": "smtp://mail.example.com"}, "host", "only the server's name"),
        ({"host": "mail.example.com:587"}, "host", "Port field"),
        ({"port": 0}, "port", "not between 1 and 65535"),
        ({"port": 70000}, "port", "not between 1 and 65535"),
        ({"security": Security.PLAIN, "port": 25}, "security", "allowed only to this computer"),
        ({"from_address": "accounts"}, "from_address", "not a valid email address"),
        ({"from_address": ""}, "from_address", "From address is required"),
        ({"reply_to": "help@"}, "reply_to", "not a valid email address"),
        ({"from_name": "Shop\r\nBcc: x@evil.test"}, "from_name", "line break"),
        ({"username": "me\n"}, "username", "line break"),
        ({"timeout": 0}, "timeout", "more than 0 seconds"),
    ],
)
def test_bad_settings_are_named_by_field(changes: dict[str, Any], field: str, fragment: str) -> None:
    problems = config_problems(settings(**changes))
    assert [(problem.field, problem.severity) for problem in problems] == [(field, Severity.ERROR)]
    assert fragment in problems[0].message


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1"])
def test_plain_to_this_computer_is_allowed_with_a_warning(host: str) -> None:
    [problem] = config_problems(settings(host=host, port=25, security=Security.PLAIN))
    assert problem.severity is Severity.WARNING and "not encrypted" in problem.message


def test_unusual_port_and_security_pairs_get_a_warning() -> None:
    [problem] = config_problems(settings(port=465))
    assert problem.severity is Severity.WARNING and "465 usually expects SSL/TLS" in problem.message


def test_the_transport_itself_refuses_plain_to_another_computer() -> None:
    with pytest.raises(ValidationError, match="allowed only to this computer"):
        SmtpSession(settings(security=Security.PLAIN, port=25), PASSWORD)


# --- the password stays secret --------------------------------------------------------------------------


def test_the_password_appears_in_no_message_reason_or_record(
    server: Server, tls_context: ssl.SSLContext
) -> None:
    config = server.config(bcc_me=True)
    server.handler.refuse["client1@example.test"] = "550 5.1.1 No such user"
    messages = batch(config, range(2))
    good = run_batch(config, tls_context, messages)
    bad = run_batch(config, tls_context, messages, password=WRONG_PASSWORD)
    session = SmtpSession(config, PASSWORD, ssl_context=tls_context)

    texts = [outcome.detail for run in (good, bad) for outcome in run.outcomes.values()]
    texts += [str(bad.summary.stopped_by), repr(bad.summary.stopped_by), repr(session), repr(config)]
    for secret in (PASSWORD, WRONG_PASSWORD):
        assert not any(secret in text for text in texts)
        for _, email in messages:
            assert secret.encode() not in message_bytes(email)
        for received in server.handler.received:
            assert secret.encode() not in received.content
    with pytest.raises(SendError) as raised:
        send_test(config, "pässwörd-Ünicode", "me@shop.test", ssl_context=tls_context)
    assert "pässwörd" not in str(raised.value) and raised.value.__cause__ is None
    assert raised.value.__suppress_context__
