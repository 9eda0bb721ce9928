"""Sending through the user's own SMTP account: verified TLS, one connection per batch.

The rule that shapes this module is "never delivered twice". A message counts as
sent only when the server has answered 250 to its data, and the caller records
each outcome the moment it is known (``on_result``), so a crash loses at most the
one message in flight. A connection found dead before a message was handed over
is simply reopened; one lost while the server held the data is never re-sent
automatically, because nobody can tell whether it was delivered.
"""

from __future__ import annotations

import ipaddress
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from email.message import EmailMessage
from enum import StrEnum
from types import TracebackType
from typing import Protocol, Self, TypeVar

from creditdesk.domain.errors import CreditDeskError, ValidationError
from creditdesk.domain.validation import check_email
from creditdesk.mail.message import (
    OutgoingMessage,
    Sender,
    build_email,
    check_header,
    envelope,
    new_message_id,
)

K = TypeVar("K")


class Security(StrEnum):
    STARTTLS = "starttls"
    SSL = "ssl"
    PLAIN = "plain"


USUAL_PORTS = {Security.STARTTLS: 587, Security.SSL: 465, Security.PLAIN: 25}


class SignIn(StrEnum):
    """How the account logs in: a password (or app password), or OAuth2 with a provider."""

    PASSWORD = "password"
    MICROSOFT = "microsoft"
    GOOGLE = "google"

    @property
    def oauth(self) -> bool:
        return self is not SignIn.PASSWORD


class TokenSource(Protocol):
    """Hands the session a current OAuth2 access token (refreshing it when needed)."""

    def access_token(self) -> str: ...

    def token_refused(self) -> None:
        """The server turned the token down: the next ``access_token`` must not reuse it."""


# A password, a token source for OAuth2 accounts, or None for a server that needs no login.
Secret = str | TokenSource | None

PASSWORD_MECHANISMS = frozenset({"PLAIN", "LOGIN", "CRAM-MD5"})
OAUTH_MECHANISMS = frozenset({"XOAUTH2", "OAUTHBEARER"})

PLAIN_WARNING = (
    "Plain connections are not encrypted. Use them only for a mail relay on this computer; "
    "for any other server choose STARTTLS or SSL/TLS."
)


@dataclass(frozen=True, kw_only=True)
class SmtpConfig:
    host: str
    port: int
    security: Security
    from_address: str
    username: str = ""
    from_name: str = ""
    reply_to: str = ""
    bcc_me: bool = False
    sign_in: SignIn = SignIn.PASSWORD
    timeout: float = 30.0

    @property
    def sender(self) -> Sender:
        return Sender(
            address=self.from_address, name=self.from_name, reply_to=self.reply_to, bcc_me=self.bcc_me
        )


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong (or worth a warning) in the SMTP settings, tied to its field."""

    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return self.message


def is_local_host(host: str) -> bool:
    host = host.strip().lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_problem(host: str) -> str | None:
    if not host:
        return "Enter the mail server's name, for example smtp.example.com"
    if "://" in host or "/" in host:
        return f"Enter only the server's name, for example smtp.example.com, not '{host}'"
    if any(char.isspace() for char in host) or any(char in host for char in "@,;"):
        return f"'{host}' is not a server name"
    if ":" in host:
        try:
            ipaddress.IPv6Address(host.strip("[]"))
        except ValueError:
            return f"Enter the port in the Port field, not in the server name '{host}'"
    return None


def config_problems(config: SmtpConfig) -> list[FieldProblem]:
    """Everything wrong with the settings at once, so a form can mark every field."""
    problems: list[FieldProblem] = []

    def error(field: str, message: str) -> None:
        problems.append(FieldProblem(field, message))

    host = config.host.strip()
    if (message := _host_problem(host)) is not None:
        error("host", message)
    if not 1 <= config.port <= 65535:
        error("port", f"Port {config.port} is not between 1 and 65535 (587 is usual for STARTTLS)")
    if config.security is Security.PLAIN:
        if host and not is_local_host(host):
            error(
                "security",
                f"Plain connections are allowed only to this computer (localhost); "
                f"choose STARTTLS or SSL/TLS for {host}",
            )
        else:
            problems.append(FieldProblem("security", PLAIN_WARNING, Severity.WARNING))
    elif config.security is Security.STARTTLS and config.port == USUAL_PORTS[Security.SSL]:
        problems.append(
            FieldProblem("port", "Port 465 usually expects SSL/TLS rather than STARTTLS", Severity.WARNING)
        )
    elif config.security is Security.SSL and config.port in (25, 587):
        problems.append(
            FieldProblem(
                "port", f"Port {config.port} usually expects STARTTLS rather than SSL/TLS", Severity.WARNING
            )
        )
    for field, label, value, required in (
        ("from_address", "From address", config.from_address, True),
        ("reply_to", "Reply-to address", config.reply_to, False),
    ):
        try:
            check_header(value, field=label)
            if not check_email(value, field=label) and required:
                error(field, f"{label} is required")
        except ValidationError as exc:
            error(field, exc.message)
    if config.sign_in.oauth and not config.username.strip():
        error("username", "Enter the email address you sign in with")
    for field, label, value in (
        ("username", "User name", config.username),
        ("from_name", "From name", config.from_name),
    ):
        try:
            check_header(value, field=label)
        except ValidationError as exc:
            error(field, exc.message)
    if not config.timeout > 0:
        error("timeout", "The timeout must be more than 0 seconds")
    return problems


def check_config(config: SmtpConfig) -> SmtpConfig:
    """The settings, or a ValidationError listing every blocking problem."""
    errors = [problem.message for problem in config_problems(config) if problem.severity is Severity.ERROR]
    if errors:
        raise ValidationError("SMTP settings: " + "; ".join(errors))
    return config


# --- errors ---------------------------------------------------------------------------------------------


class SendError(CreditDeskError):
    """Mail was not sent. ``permanent`` says whether trying again later can help.

    ``affects_all`` marks problems of the connection or the account rather than of
    one message: they stop a batch instead of failing message after message.
    """

    affects_all = False

    def __init__(self, reason: str, *, permanent: bool, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.code = code


class ConnectionFailed(SendError):
    """The server could not be reached, the connection was lost, or TLS could not be verified."""

    affects_all = True


class AuthenticationFailed(SendError):
    """The server refused the login; nothing can go out until the settings are fixed."""

    affects_all = True

    def __init__(self, reason: str, *, code: int | None = None) -> None:
        super().__init__(reason, permanent=True, code=code)


class SenderRefused(SendError):
    """The server refused the From address, which every message of the batch shares."""

    affects_all = True


class MessageRefused(SendError):
    """The server refused this one message (usually its recipient)."""


class DeliveryUncertain(SendError):
    """The connection broke while the server held the message: it may have been delivered.

    Permanent on purpose: sending it again could deliver it twice, so a person decides.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason, permanent=True)


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return f"{code} {' '.join(text.split())}".strip()


def _is_permanent(code: int) -> bool:
    return 500 <= code <= 599


# --- one connection -------------------------------------------------------------------------------------


class _Dropped(Exception):
    """The server had closed the connection before the next message began."""


def verified_context(context: ssl.SSLContext | None = None) -> ssl.SSLContext:
    """The context for TLS; one that does not verify certificates is refused outright."""
    if context is None:
        return ssl.create_default_context()
    if context.verify_mode != ssl.CERT_REQUIRED or not context.check_hostname:
        raise ValueError("CreditDesk sends mail only over TLS connections whose certificate is verified")
    return context


class SmtpSession:
    """One connection to the server, opened once and reused for every message.

    ``ssl_context`` defaults to the system's trusted certificates; tests pass a
    context that also trusts their own CA. It is never allowed to skip verification.
    """

    def __init__(
        self, config: SmtpConfig, secret: Secret, *, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self._config = check_config(config)
        self._secret = secret
        self._context = None if config.security is Security.PLAIN else verified_context(ssl_context)
        self._smtp: smtplib.SMTP | None = None
        self.connections = 0

    def __repr__(self) -> str:
        config = self._config
        return f"<SmtpSession {config.security} {config.host}:{config.port} user={config.username!r}>"

    def __enter__(self) -> Self:
        self.connect()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def _where(self) -> str:
        return f"{self._config.host}:{self._config.port}"

    def _lost(self, error: smtplib.SMTPServerDisconnected) -> str:
        if isinstance(error.__context__, TimeoutError):
            return f"no answer within {self._config.timeout:g} seconds"
        return str(error)

    def connect(self) -> None:
        """Open, encrypt and log in; raises SendError with the reason a person can act on."""
        if self._smtp is not None:
            return
        config = self._config
        if config.username and not self._secret:
            raise AuthenticationFailed(
                f"No password is set for the user name '{config.username}'. Enter it in the SMTP settings."
            )
        try:
            if config.security is Security.SSL:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    config.host.strip(), config.port, timeout=config.timeout, context=self._context
                )
            else:
                smtp = smtplib.SMTP(config.host.strip(), config.port, timeout=config.timeout)
        except (OSError, smtplib.SMTPException) as error:
            raise self._connect_error(error) from None
        self.connections += 1
        try:
            self._greet(smtp)
        except BaseException as error:
            smtp.close()
            if isinstance(error, SendError):
                raise
            if isinstance(error, OSError | smtplib.SMTPException):
                raise self._connect_error(error) from None
            raise
        self._smtp = smtp

    def _greet(self, smtp: smtplib.SMTP) -> None:
        config = self._config
        smtp.ehlo_or_helo_if_needed()
        if config.security is Security.STARTTLS:
            if not smtp.has_extn("starttls"):
                raise ConnectionFailed(
                    f"The server at {self._where} does not offer STARTTLS, so the connection cannot be "
                    "encrypted. Check the port (587 is usual) or choose SSL/TLS.",
                    permanent=True,
                )
            smtp.starttls(context=self._context)
            smtp.ehlo()
        if config.username:
            if not smtp.has_extn("auth"):
                raise AuthenticationFailed(
                    f"The server at {self._where} does not offer a login on this connection. "
                    "Leave the user name empty if it needs none, or check the security setting."
                )
            offered = set(smtp.esmtp_features.get("auth", "").upper().split())
            if isinstance(self._secret, str):
                self._log_in(smtp, self._secret, offered)
            else:
                assert self._secret is not None
                self._sign_in(smtp, self._secret, offered)

    def _log_in(self, smtp: smtplib.SMTP, password: str, offered: set[str]) -> None:
        config = self._config
        if not offered & PASSWORD_MECHANISMS:
            if offered & OAUTH_MECHANISMS:
                raise AuthenticationFailed(
                    f"The server at {self._where} accepts only OAuth sign-in, not a password. Choose "
                    'your provider in the Email account settings and use its "Sign in" button.'
                )
            raise AuthenticationFailed(
                f"The server at {self._where} offers no password login CreditDesk can use "
                f"({', '.join(sorted(offered)) or 'none'})."
            )
        try:
            smtp.login(config.username, password)
        except UnicodeEncodeError:
            # The error object holds the whole password: never let it travel.
            raise AuthenticationFailed(
                "The user name or password has letters outside plain ASCII, which an SMTP login "
                "cannot carry. Use the password your provider gives for mail programs."
            ) from None
        except smtplib.SMTPAuthenticationError as error:
            raise AuthenticationFailed(
                "The server refused the user name or password: " + _reply(error.smtp_code, error.smtp_error),
                code=error.smtp_code,
            ) from None

    def _sign_in(self, smtp: smtplib.SMTP, tokens: TokenSource, offered: set[str]) -> None:
        """SASL XOAUTH2: on failure the server sends a JSON challenge, answered with an empty line."""
        config = self._config
        if "XOAUTH2" not in offered:
            raise AuthenticationFailed(
                f"The server at {self._where} does not accept OAuth sign-in (XOAUTH2). "
                'Choose "Password" and use the password or app password for this account.'
            )
        token = tokens.access_token()
        initial = f"user={config.username}\x01auth=Bearer {token}\x01\x01"

        def respond(challenge: bytes | None = None) -> str:
            return initial if challenge is None else ""

        try:
            smtp.auth("XOAUTH2", respond, initial_response_ok=True)
        except smtplib.SMTPAuthenticationError as error:
            tokens.token_refused()
            raise AuthenticationFailed(
                f"The server refused the sign-in for {config.username}: "
                + _reply(error.smtp_code, error.smtp_error)
                + ". Sign in again in Settings → Email account.",
                code=error.smtp_code,
            ) from None

    def _connect_error(self, error: BaseException) -> SendError:
        where = self._where
        host = self._config.host.strip()
        if isinstance(error, smtplib.SMTPResponseException):
            reply = _reply(error.smtp_code, error.smtp_error)
            return ConnectionFailed(
                f"The server at {where} refused the connection: {reply}",
                permanent=_is_permanent(error.smtp_code),
                code=error.smtp_code,
            )
        if isinstance(error, smtplib.SMTPServerDisconnected) and isinstance(error.__context__, TimeoutError):
            error = error.__context__
        elif isinstance(error, smtplib.SMTPServerDisconnected):
            return ConnectionFailed(
                f"The server at {where} closed the connection ({error}).", permanent=False
            )
        if isinstance(error, smtplib.SMTPNotSupportedError):
            return ConnectionFailed(f"The server at {where} does not support {error}", permanent=True)
        if isinstance(error, ssl.SSLCertVerificationError):
            return ConnectionFailed(
                f"The certificate of {host} could not be verified ({error.verify_message}), so nothing was "
                "sent. Check that the server name is exactly the one your provider gives; CreditDesk sends "
                "only over connections whose certificate it can verify.",
                permanent=True,
            )
        if isinstance(error, ssl.SSLError):
            return ConnectionFailed(
                f"Could not set up an encrypted connection to {where} ({error.reason or error}). Check that "
                "port and security match: SSL/TLS is usually port 465, STARTTLS port 587.",
                permanent=True,
            )
        if isinstance(error, TimeoutError):
            return ConnectionFailed(
                f"The mail server {where} did not answer within {self._config.timeout:g} seconds.",
                permanent=False,
            )
        if isinstance(error, socket.gaierror):
            return ConnectionFailed(
                f"The mail server '{host}' could not be found. Check its name and the internet connection.",
                permanent=False,
            )
        if isinstance(error, ConnectionRefusedError):
            return ConnectionFailed(
                f"The mail server {where} refused the connection. Check the server name and port, "
                "or try again later.",
                permanent=False,
            )
        if isinstance(error, smtplib.SMTPException):
            return ConnectionFailed(
                f"The mail server {where} did not talk SMTP as expected: {error}", permanent=True
            )
        detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return ConnectionFailed(f"Could not reach the mail server {where}: {detail}", permanent=False)

    def close(self) -> None:
        """Say goodbye politely if the server is still there; the socket is closed either way."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
        finally:
            smtp.close()

    def _discard(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def _reset(self) -> None:
        """End a refused transaction so the connection can carry the next message."""
        if self._smtp is None:
            return
        try:
            self._smtp.rset()
        except (OSError, smtplib.SMTPException):
            self._discard()

    def send(self, message: EmailMessage) -> str:
        """Send one email; returns the server's reply, e.g. ``250 2.0.0 OK queued``.

        A connection the server closed while idle is reopened once and the
        message goes over the new one: nothing had been handed over yet.
        """
        mail = envelope(message)
        self.connect()
        try:
            return self._transact(mail.sender, mail.recipients, mail.data)
        except _Dropped:
            self._discard()
        self.connect()
        try:
            return self._transact(mail.sender, mail.recipients, mail.data)
        except _Dropped as error:
            self._discard()
            raise ConnectionFailed(
                f"The server at {self._where} closed the connection again ({error}).", permanent=False
            ) from None

    def _refused(self, code: int, text: bytes | str, what: str, kind: type[SendError]) -> SendError:
        reply = _reply(code, text)
        if code == 421:
            # The server is closing the channel: a new connection may do better later.
            self._discard()
            return ConnectionFailed(
                f"The server at {self._where} is not available: {reply}", permanent=False, code=code
            )
        self._reset()
        if _is_permanent(code):
            return kind(f"The server refused {what}: {reply}", permanent=True, code=code)
        return kind(f"The server did not accept {what} for now: {reply}", permanent=False, code=code)

    def _transact(self, sender: str, recipients: tuple[str, ...], data: bytes) -> str:
        smtp = self._smtp
        assert smtp is not None
        try:
            code, text = smtp.mail(sender)
        except smtplib.SMTPServerDisconnected as error:
            raise _Dropped(self._lost(error)) from None
        if code != 250:
            raise self._refused(code, text, f"the sender {sender}", SenderRefused)
        try:
            for recipient in recipients:
                code, text = smtp.rcpt(recipient)
                if code not in (250, 251):
                    raise self._refused(code, text, f"the recipient {recipient}", MessageRefused)
        except smtplib.SMTPServerDisconnected as error:
            self._discard()
            raise ConnectionFailed(
                f"The connection to {self._where} was lost before the message was sent "
                f"({self._lost(error)}).",
                permanent=False,
            ) from None
        try:
            code, text = smtp.data(data)
        except smtplib.SMTPDataError as error:
            raise self._refused(error.smtp_code, error.smtp_error, "the message", MessageRefused) from None
        except smtplib.SMTPServerDisconnected as error:
            self._discard()
            raise DeliveryUncertain(
                f"The connection to {self._where} broke while the server was receiving the message "
                f"({self._lost(error)}). It may or may not have been delivered, so it was not sent again: "
                "check the Sent folder, then send it again by hand if it is missing."
            ) from None
        if code != 250:
            raise self._refused(code, text, "the message", MessageRefused)
        return _reply(code, text)


# --- a batch --------------------------------------------------------------------------------------------


class SendStatus(StrEnum):
    SENT = "sent"
    FAILED = "failed"  # permanent: the reason says why; it will not be tried again by itself
    DEFERRED = "deferred"  # transient: still queued, goes on the next run
    NOT_ATTEMPTED = "not_attempted"  # the batch stopped first: still queued, untouched


@dataclass(frozen=True)
class Outcome:
    status: SendStatus
    detail: str  # the server's reply when sent, otherwise the reason
    attempts: int = 0

    @property
    def still_queued(self) -> bool:
        return self.status in (SendStatus.DEFERRED, SendStatus.NOT_ATTEMPTED)


@dataclass(frozen=True)
class BatchSummary:
    sent: int
    failed: int
    deferred: int
    not_attempted: int
    stopped_by: SendError | None = None  # why the batch ended early, in the server's words
    cancelled: bool = False
    connections: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.deferred + self.not_attempted


CANCELLED = "Sending was stopped before this message; it stays queued."


def send_batch(
    config: SmtpConfig,
    secret: Secret,
    messages: Iterable[tuple[K, EmailMessage]],
    on_result: Callable[[K, Outcome], None],
    *,
    retries: int = 3,
    backoff: float = 2.0,
    sleep: Callable[[float], object] = time.sleep,
    should_stop: Callable[[], bool] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> BatchSummary:
    """Send over one connection, reporting each message's outcome as soon as it is known.

    ``messages`` is read one at a time, so a generator may mark each message
    "sending" just before yielding it. ``on_result`` is where the caller records
    the outcome (commit it there); if it raises, sending stops at once. Every key
    gets exactly one outcome. Transient problems are retried after ``backoff``,
    doubled each time; pass an event's ``wait`` as ``sleep`` so a cancel cuts the
    wait short. Permanent problems of the account or connection (a refused login,
    an unverifiable certificate) stop the batch, leaving the rest not attempted.
    """
    counts = dict.fromkeys(SendStatus, 0)
    stopped_by: SendError | None = None
    cancelled = False
    stop_outcome: Outcome | None = None

    def report(key: K, outcome: Outcome) -> None:
        counts[outcome.status] += 1
        on_result(key, outcome)

    session = SmtpSession(config, secret, ssl_context=ssl_context)
    try:
        for key, message in messages:
            if stop_outcome is None and should_stop is not None and should_stop():
                cancelled = True
                stop_outcome = Outcome(SendStatus.NOT_ATTEMPTED, CANCELLED)
            if stop_outcome is not None:
                report(key, stop_outcome)
                continue
            attempt = 0
            while True:
                attempt += 1
                try:
                    reply = session.send(message)
                except SendError as error:
                    if error.permanent and error.affects_all:
                        stopped_by = error
                        stop_outcome = Outcome(SendStatus.NOT_ATTEMPTED, error.reason)
                        report(key, stop_outcome)
                    elif error.permanent:
                        report(key, Outcome(SendStatus.FAILED, error.reason, attempt))
                    elif attempt <= retries and not (should_stop is not None and should_stop()):
                        sleep(backoff * 2 ** (attempt - 1))
                        continue
                    else:
                        deferred = Outcome(SendStatus.DEFERRED, error.reason, attempt)
                        report(key, deferred)
                        if error.affects_all:
                            # The server stayed out of reach: the rest wait for the next run.
                            stopped_by = error
                            stop_outcome = Outcome(SendStatus.DEFERRED, error.reason)
                else:
                    report(key, Outcome(SendStatus.SENT, reply, attempt))
                break
    finally:
        session.close()
    return BatchSummary(
        sent=counts[SendStatus.SENT],
        failed=counts[SendStatus.FAILED],
        deferred=counts[SendStatus.DEFERRED],
        not_attempted=counts[SendStatus.NOT_ATTEMPTED],
        stopped_by=stopped_by,
        cancelled=cancelled,
        connections=session.connections,
    )


TEST_SUBJECT = "CreditDesk test message"
TEST_TEXT = (
    "This is a test message from CreditDesk.\n\n"
    "It arrived, so reminders can be sent through this mail account.\n"
)


def send_test(
    config: SmtpConfig,
    secret: Secret,
    to: str,
    *,
    ssl_context: ssl.SSLContext | None = None,
    now: datetime | None = None,
) -> str:
    """Send one short message; the server's reply, or SendError with its exact reason."""
    sender = replace(config.sender, bcc_me=False)
    email = build_email(
        sender,
        OutgoingMessage(
            to=to, subject=TEST_SUBJECT, text=TEST_TEXT, message_id=new_message_id(config.from_address)
        ),
        now or datetime.now().astimezone(),
    )
    with SmtpSession(config, secret, ssl_context=ssl_context) as session:
        return session.send(email)
