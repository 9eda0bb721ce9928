"""The user's own mail account: its settings in the database, its password never there.

The row in ``smtp_settings`` says where reminders go out and how the account signs
in; the password or OAuth2 refresh token goes only through ``mail.secrets`` (the OS
keyring, or memory when there is none), kept under the account (server and user).
Nothing here puts a secret into an exception, a log line or a return value.
"""

from __future__ import annotations

import ssl
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy.orm import Session

from creditdesk.domain.errors import ValidationError
from creditdesk.mail import oauth
from creditdesk.mail.oauth import AccessTokens
from creditdesk.mail.oauth import SignInCancelled as SignInCancelled
from creditdesk.mail.oauth import SignInNeeded as SignInNeeded
from creditdesk.mail.secrets import Account, delete_password, get_password, get_refresh_token, set_password
from creditdesk.mail.secrets import PasswordPlace as PasswordPlace
from creditdesk.mail.secrets import keyring_status as keyring_status
from creditdesk.mail.secrets import remember_for_session as remember_for_session
from creditdesk.mail.smtp import USUAL_PORTS as USUAL_PORTS
from creditdesk.mail.smtp import FieldProblem, Secret, Severity, config_problems, send_test
from creditdesk.mail.smtp import Security as Security
from creditdesk.mail.smtp import SignIn as SignIn
from creditdesk.mail.smtp import SmtpConfig as SmtpConfig
from creditdesk.store.database import Database
from creditdesk.store.models import SmtpSettings
from creditdesk.store.unit_of_work import UnitOfWork

NOT_SET_UP = (
    "Set up your email account first (Settings → Email, or 'creditdesk smtp set' on the command line): "
    "reminders go out through your own mail server."
)

FIELD_LABELS: Final = {
    "host": "Server",
    "port": "Port",
    "security": "Security",
    "username": "User name",
    "from_name": "From name",
    "from_address": "From address",
    "reply_to": "Reply-to address",
    "bcc_me": "Bcc me a copy",
    "timeout": "Timeout",
    "password": "Password",
}

# The columns' sizes: longer text would be cut by another database or refused by the server anyway.
_MAX_LENGTHS: Final = {"host": 253, "username": 254, "from_name": 200, "from_address": 254, "reply_to": 254}


@dataclass(frozen=True, kw_only=True)
class SmtpForm:
    """What the settings dialog and ``creditdesk smtp set`` edit; the password travels apart."""

    host: str
    port: int
    security: Security
    from_address: str
    username: str = ""
    from_name: str = ""
    reply_to: str = ""
    bcc_me: bool = False
    sign_in: SignIn = SignIn.PASSWORD

    def config(self) -> SmtpConfig:
        return SmtpConfig(
            host=self.host.strip(),
            port=self.port,
            security=self.security,
            username=self.username.strip(),
            from_name=self.from_name.strip(),
            from_address=self.from_address.strip(),
            reply_to=self.reply_to.strip(),
            bcc_me=self.bcc_me,
            sign_in=self.sign_in,
        )


def account_of(config: SmtpConfig) -> Account:
    return Account(config.host, config.username)


@dataclass(frozen=True)
class SmtpProblems:
    """Errors block saving; warnings (a plain connection, an unusual port) are only shown."""

    errors: tuple[FieldProblem, ...] = ()
    warnings: tuple[FieldProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_for(self, field_name: str) -> str | None:
        return next((p.message for p in self.errors if p.field == field_name), None)


def labelled(problem: FieldProblem) -> str:
    """The problem with its field's name in front, unless the message already starts with it."""
    label = FIELD_LABELS.get(problem.field, problem.field)
    return problem.message if problem.message.startswith(label) else f"{label}: {problem.message}"


def smtp_problems(form: SmtpForm) -> SmtpProblems:
    """Everything wrong with the form at once (each tied to its field), warnings apart."""
    found = config_problems(form.config())
    for name, limit in _MAX_LENGTHS.items():
        value: str = getattr(form, name).strip()
        if len(value) > limit:
            found.append(FieldProblem(name, f"{FIELD_LABELS[name]} is longer than {limit} characters"))
    return SmtpProblems(
        errors=tuple(p for p in found if p.severity is Severity.ERROR),
        warnings=tuple(p for p in found if p.severity is Severity.WARNING),
    )


def _form_of(row: SmtpSettings) -> SmtpForm:
    return SmtpForm(
        host=row.host,
        port=row.port,
        security=Security(row.security),
        username=row.username,
        from_name=row.from_name,
        from_address=row.from_address,
        reply_to=row.reply_to,
        bcc_me=row.bcc_me,
        sign_in=SignIn(row.sign_in),
    )


def smtp_form_in(session: Session) -> SmtpForm | None:
    row = session.get(SmtpSettings, 1)
    return None if row is None else _form_of(row)


def smtp_form(db: Database) -> SmtpForm | None:
    """The saved settings, or None before the user has set up an account."""
    with UnitOfWork(db) as uow:
        return smtp_form_in(uow.session)


@dataclass(frozen=True)
class SavedSmtp:
    """Where the password went (None: not changed), so the window or CLI can tell the user."""

    password_place: PasswordPlace | None
    warnings: tuple[FieldProblem, ...] = field(default=())

    @property
    def password_message(self) -> str:
        if self.password_place is PasswordPlace.KEYRING:
            return f"Password saved in the system keyring ({keyring_status().backend_name})"
        if self.password_place is PasswordPlace.MEMORY:
            return keyring_status().message
        return ""


def save_smtp_settings(db: Database, form: SmtpForm, password: str | None) -> SavedSmtp:
    """Validate, then write the row and hand the password to the keyring, all or nothing.

    The row is written first but committed only once the password store has
    accepted the password, so a refusing keyring leaves the old settings as
    they were. A changed user name forgets the old one's password.
    """
    problems = smtp_problems(form)
    if problems.errors:
        raise ValidationError("SMTP settings: " + "; ".join(labelled(p) for p in problems.errors))
    config = form.config()
    if password is not None and not config.username:
        raise ValidationError(
            "Password: enter the user name as well; the password is kept under it in the password store"
        )
    if config.sign_in.oauth:
        password = None  # an OAuth2 account keeps a refresh token, never a password
    with UnitOfWork(db, write=True) as uow:
        row = uow.session.get(SmtpSettings, 1)
        old_account = Account(row.host, row.username) if row is not None else None
        if row is None:
            row = SmtpSettings(id=1)
            uow.session.add(row)
        row.host, row.port, row.security = config.host, config.port, config.security.value
        row.username, row.from_name, row.from_address = config.username, config.from_name, config.from_address
        row.reply_to, row.bcc_me, row.sign_in = config.reply_to, config.bcc_me, config.sign_in.value
        uow.session.flush()
        account = account_of(config)
        place = set_password(account, password) if password is not None else None
        uow.commit()
    if old_account is not None and old_account.username and old_account != account:
        delete_password(old_account)
    return SavedSmtp(place, problems.warnings)


def smtp_config(db: Database) -> SmtpConfig:
    """The settings to send with; a ValidationError telling the user to set them up when missing."""
    form = smtp_form(db)
    if form is None:
        raise ValidationError(NOT_SET_UP)
    return form.config()


def password_for(config: SmtpConfig) -> str | None:
    """The saved (or typed-this-session) password; None when the account needs none or has none yet."""
    if config.sign_in.oauth or not config.username:
        return None
    return get_password(account_of(config))


def login_for(config: SmtpConfig, password: str | None = None) -> Secret:
    """What the SMTP session signs in with: ``password`` if typed, the saved one, or OAuth2 tokens.

    For an OAuth2 account this never opens a browser: a missing or revoked grant
    stops the session with "Sign in again".
    """
    if config.sign_in.oauth:
        return AccessTokens(oauth.provider_for(config.sign_in), account_of(config))
    return password or password_for(config)


def signed_in(config: SmtpConfig) -> bool:
    """Whether this computer keeps a sign-in (a refresh token) for the OAuth2 account."""
    return (
        config.sign_in.oauth and bool(config.username) and get_refresh_token(account_of(config)) is not None
    )


def provider_name(sign_in: SignIn) -> str:
    return oauth.DEFAULT_PROVIDERS[sign_in].name


def sign_in_with_provider(
    form: SmtpForm,
    *,
    open_browser: Callable[[str], object] | None = None,
    cancelled: Callable[[], bool] | None = None,
    timeout: float = oauth.SIGN_IN_TIMEOUT_S,
) -> str:
    """Sign in in the system browser and keep the refresh token; what to tell the user."""
    config = form.config()
    if not config.sign_in.oauth:
        raise ValueError("signing in needs an OAuth2 provider")
    if not config.username:
        raise ValidationError("User name: enter the email address you sign in with first")
    if not config.host:
        raise ValidationError("Server: enter the mail server first; the sign-in is kept under it")
    provider = oauth.provider_for(config.sign_in)
    account = account_of(config)
    oauth.sign_in(
        provider,
        account,
        open_browser=open_browser or webbrowser.open,
        cancelled=cancelled,
        timeout=timeout,
    )
    return f"Signed in with {provider.name} as {config.username}."


def test_email(
    db: Database, to: str, password: str | None = None, *, ssl_context: ssl.SSLContext | None = None
) -> str:
    """Send the test message; the server's reply, or SendError with the server's exact reason."""
    config = smtp_config(db)
    return send_test(config, login_for(config, password), to.strip(), ssl_context=ssl_context)
