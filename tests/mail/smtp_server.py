"""A real SMTP server for the mail tests and the benchmark.

aiosmtpd on 127.0.0.1 with AUTH LOGIN/PLAIN behind STARTTLS (or implicit TLS),
serving a certificate from a throwaway trustme CA that the client trusts through
``client_context``. The handler keeps what arrived and misbehaves on request:
refuse a recipient, answer 421 once, drop the connection after some messages.

A plain module rather than fixtures so that ``tests/bench`` can start the same
server (see ``measure_send_rate``).
"""

from __future__ import annotations

import asyncio
import binascii
import json
import socket
import ssl
import time
from base64 import b64decode
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any, Literal

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, Envelope, LoginPassword, Session

from creditdesk.mail.message import Attachment, OutgoingMessage, build_email, new_message_id
from creditdesk.mail.smtp import Security, SmtpConfig, send_batch

HOST = "127.0.0.1"
USERNAME = "owner@shop.test"
PASSWORD = "Correct-Horse-Battery-42"
FROM_ADDRESS = "accounts@shop.test"

Tls = Literal["starttls", "ssl", "plain"]


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes

    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.content)
        assert isinstance(parsed, EmailMessage)
        return parsed


class _Connection(SMTP):
    """aiosmtpd's protocol, one per connection, counting the messages it carried."""

    messages = 0


@dataclass
class Handler:
    """Stores every message and can be told to misbehave.

    ``refuse``: sender or recipient → reply given every time; ``once``: recipient → reply
    given the first time only; ``drop_after``: a connection is closed right after
    it carried this many messages; with ``go_down_on_drop`` the server then stops
    listening too, as a server that has gone away; ``vanish``: recipients whose
    message is kept but the line goes dead before the server answers its data.
    """

    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    once: dict[str, str] = field(default_factory=dict)
    drop_after: int | None = None
    go_down_on_drop: bool = False
    vanish: set[str] = field(default_factory=set)
    listener: Any = None  # the asyncio server, set when started

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        if address in self.once:
            return self.once.pop(address)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert envelope.mail_from is not None and isinstance(envelope.original_content, bytes)
        self.received.append(
            Received(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content)
        )
        assert isinstance(server, _Connection)
        server.messages += 1
        transport = server.transport
        assert isinstance(transport, asyncio.Transport)
        if self.vanish.intersection(envelope.rcpt_tos):
            transport.abort()
            return "250 2.0.0 Never heard"
        if self.drop_after is not None and server.messages >= self.drop_after:
            # Runs after this reply has been written: the 250 arrives, then the line goes dead.
            server.loop.call_soon(transport.close)
            if self.go_down_on_drop and self.listener is not None:
                self.listener.close()
        return f"250 2.0.0 Accepted as message {len(self.received)}"

    def recipients(self) -> list[str]:
        return [address for received in self.received for address in received.rcpt_tos]


def _never(user: str, token: str) -> bool:
    return False


@dataclass
class OAuthHandler(Handler):
    """Also accepts SASL XOAUTH2, asking ``bearer_valid(user, token)`` whether the token is good.

    A refused token gets the provider-style JSON challenge first, then 535 once the
    client has answered it with an empty line.
    """

    bearer_valid: Callable[[str, str], bool] = _never
    signed_in: list[str] = field(default_factory=list)  # the users who signed in with a token
    refused: list[str] = field(default_factory=list)

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        if len(args) == 1:
            blob = await server.challenge_auth("")
            if blob is MISSING:
                return AuthResult(success=False)
        else:
            try:
                blob = b64decode(args[1], validate=True)
            except binascii.Error:
                await server.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)
        assert isinstance(blob, bytes)
        fields = dict(part.split("=", 1) for part in blob.decode().split("\x01") if "=" in part)
        user, bearer = fields.get("user", ""), fields.get("auth", "")
        token = bearer.removeprefix("Bearer ")
        if bearer.startswith("Bearer ") and self.bearer_valid(user, token):
            self.signed_in.append(user)
            return AuthResult(success=True, auth_data=user)
        self.refused.append(user)
        error = {"status": "401", "schemes": "bearer", "scope": "https://mail.test/"}
        await server.challenge_auth(json.dumps(error))
        return AuthResult(success=False, handled=False)  # not handled: aiosmtpd answers 535 itself


@dataclass
class Authenticator:
    """Accepts one user name and password; records each attempt (never the password)."""

    username: str = USERNAME
    password: str = PASSWORD
    attempts: list[tuple[str, str, bool]] = field(default_factory=list)  # mechanism, login, accepted

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        accepted = auth_data.login == self.username.encode() and auth_data.password == self.password.encode()
        self.attempts.append((mechanism, auth_data.login.decode(errors="replace"), accepted))
        # handled=False: aiosmtpd then answers 535 5.7.8 itself.
        return AuthResult(success=accepted, handled=False, auth_data=auth_data)


class _Controller(Controller):
    """Serves on a socket bound before start, so the free port is known without a race."""

    def __init__(self, handler: Handler, listening: socket.socket, **kwargs: Any) -> None:
        self._listening = listening
        self.connections = 0
        super().__init__(handler, hostname=HOST, port=listening.getsockname()[1], **kwargs)

    def _create_server(self) -> Awaitable[Any]:
        return self.loop.create_server(self._factory_invoker, sock=self._listening, ssl=self.ssl_context)

    def factory(self) -> SMTP:
        self.connections += 1
        return _Connection(self.handler, **self.SMTP_kwargs)


def make_ca() -> trustme.CA:
    return trustme.CA()


def client_context(ca: trustme.CA | None) -> ssl.SSLContext:
    """What the app uses (system trust, verified), plus the test CA when given."""
    context = ssl.create_default_context()
    if ca is not None:
        ca.configure_trust(context)
    return context


@dataclass
class Server:
    port: int
    tls: Tls
    handler: Handler
    authenticator: Authenticator
    controller: _Controller

    @property
    def connections(self) -> int:
        return self.controller.connections

    def config(self, **changes: Any) -> SmtpConfig:
        config = SmtpConfig(
            host=HOST,
            port=self.port,
            security=Security(self.tls),
            username=USERNAME,
            from_address=FROM_ADDRESS,
            from_name="Shop Accounts",
            timeout=5,
        )
        return replace(config, **changes)


@contextmanager
def smtp_server(
    ca: trustme.CA, *, tls: Tls = "starttls", handler: Handler | None = None, **smtp_options: Any
) -> Iterator[Server]:
    """A server on a free port of 127.0.0.1, stopped (thread joined) on the way out."""
    handler = handler or Handler()
    authenticator = Authenticator()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST, "localhost").configure_cert(server_context)
    options: dict[str, Any] = {"authenticator": authenticator}
    if tls == "starttls":
        options |= {
            "tls_context": server_context,
            "require_starttls": True,
            "auth_require_tls": True,
            "auth_required": True,
        }
    elif tls == "ssl":
        # aiosmtpd cannot tell that an implicit-TLS line is encrypted, so it must not insist on either.
        options |= {"ssl_context": server_context, "auth_require_tls": False}
    else:
        options |= {"auth_require_tls": False}
    options |= smtp_options
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listening.bind((HOST, 0))
    except BaseException:
        listening.close()
        raise
    controller = _Controller(handler, listening, **options)
    try:
        controller.start()
    except BaseException:
        listening.close()
        raise
    handler.listener = controller.server
    controller.connections = 0  # the controller's own start-up probe does not count
    try:
        yield Server(listening.getsockname()[1], tls, handler, authenticator, controller)
    finally:
        controller.stop()


# --- sample mail ----------------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WHEN = datetime(2026, 3, 9, 9, 30, tzinfo=UTC)


def reminder(config: SmtpConfig, number: int, *, to: str | None = None, pdf: bool = True) -> EmailMessage:
    """A small reminder to client ``number``, with an invoice PDF unless told otherwise."""
    attachments = (Attachment(f"INV-{number:05d}.pdf", PDF_BYTES + str(number).encode()),) if pdf else ()
    message = OutgoingMessage(
        to=to or f"client{number}@example.test",
        to_name=f"Client {number}",
        subject=f"Reminder: invoice INV-{number:05d} is overdue",
        text=f"Dear Client {number},\n\nInvoice INV-{number:05d} is now due.\n\nThank you!\n",
        html=f"<p>Dear Client {number},</p><p>Invoice INV-{number:05d} is now due.</p>",
        attachments=attachments,
        message_id=new_message_id(config.from_address),
    )
    return build_email(config.sender, message, WHEN)


# --- benchmark ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendRate:
    messages: int
    seconds: float
    connections: int

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds


def measure_send_rate(count: int = 500, *, tls: Tls = "starttls", pdf: bool = False) -> SendRate:
    """Send ``count`` small reminders to a local server over one connection and time it.

    Building the messages is left out of the timing: it is the transport being measured.
    """
    ca = make_ca()
    with smtp_server(ca, tls=tls) as server:
        config = server.config()
        messages = [(number, reminder(config, number, pdf=pdf)) for number in range(count)]
        start = time.perf_counter()
        summary = send_batch(
            config, PASSWORD, messages, lambda key, outcome: None, ssl_context=client_context(ca)
        )
        seconds = time.perf_counter() - start
        assert summary.sent == count and len(server.handler.received) == count, summary
        return SendRate(count, seconds, server.connections)
