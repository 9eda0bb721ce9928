"""OAuth2 sign-in end to end: a real authorization server, a browser played over HTTP, XOAUTH2 to aiosmtpd."""

from __future__ import annotations

import ssl
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import keyring
import pytest
import trustme

from creditdesk.domain.errors import ValidationError
from creditdesk.mail import oauth
from creditdesk.mail.oauth import (
    AccessTokens,
    OAuthProvider,
    SignInCancelled,
    SignInNeeded,
    forget_access_tokens,
    provider_for,
    sign_in,
)
from creditdesk.mail.secrets import SERVICE, Account, get_refresh_token
from creditdesk.mail.smtp import AuthenticationFailed, SignIn, send_batch, send_test
from tests.mail.oauth_server import CLIENT_ID, AuthServer, Browser, auth_server
from tests.mail.smtp_server import HOST, PASSWORD, USERNAME, OAuthHandler, Server, reminder, smtp_server

PREFIX = "CREDITDESK_OAUTH_MICROSOFT"
ACCOUNT = Account(HOST, USERNAME)


@pytest.fixture
def provider_server(monkeypatch: pytest.MonkeyPatch, file_keyring: Path) -> Iterator[AuthServer]:
    with auth_server(USERNAME) as running:
        for name, value in running.environ(PREFIX).items():
            monkeypatch.setenv(name, value)
        yield running


@pytest.fixture
def provider(provider_server: AuthServer) -> OAuthProvider:
    return provider_for(SignIn.MICROSOFT)


@pytest.fixture
def oauth_smtp(ca: trustme.CA, provider_server: AuthServer) -> Iterator[Server]:
    with smtp_server(ca, handler=OAuthHandler(bearer_valid=provider_server.bearer_valid)) as running:
        yield running


def handler_of(server: Server) -> OAuthHandler:
    assert isinstance(server.handler, OAuthHandler)
    return server.handler


def test_the_settings_come_from_the_environment(provider_server: AuthServer) -> None:
    provider = provider_for(SignIn.MICROSOFT)
    assert provider.client_id == CLIENT_ID
    assert provider.token_url == f"{provider_server.base}/token"
    default = provider_for(SignIn.GOOGLE, environ={})
    assert default.scopes == ("https://mail.google.com/",)
    assert provider_for(SignIn.MICROSOFT, environ={}).scopes == (
        "https://outlook.office.com/SMTP.Send",
        "offline_access",
    )


def test_sign_in_keeps_the_refresh_token_and_sends_with_xoauth2(
    provider: OAuthProvider, provider_server: AuthServer, oauth_smtp: Server, tls_context: ssl.SSLContext
) -> None:
    browser = Browser()
    tokens = sign_in(provider, ACCOUNT, open_browser=browser.open, timeout=10)

    sent_to = urllib.parse.urlsplit(browser.opened[0])
    query = dict(urllib.parse.parse_qsl(sent_to.query))
    assert (query["code_challenge_method"], query["response_type"]) == ("S256", "code")
    assert query["redirect_uri"].startswith("http://127.0.0.1:") and query["state"]
    assert query["login_hint"] == USERNAME and "code_verifier" not in query
    assert "Signed in" in browser.landed()[0]
    assert provider_server.store.grants == ["authorization_code"]
    saved = keyring.get_password(SERVICE, f"oauth2:{USERNAME}@{HOST}")
    assert saved is not None and saved == tokens.refresh_token
    assert saved not in repr(tokens) and tokens.access_token not in repr(tokens)

    config = oauth_smtp.config(sign_in=SignIn.MICROSOFT)
    messages = [(n, reminder(config, n)) for n in range(3)]
    summary = send_batch(
        config, AccessTokens(provider, ACCOUNT), messages, lambda key, outcome: None, ssl_context=tls_context
    )
    assert summary.sent == 3 and summary.stopped_by is None
    assert handler_of(oauth_smtp).signed_in == [USERNAME]
    assert provider_server.store.grants == ["authorization_code"]  # the fresh token was used as it was


def test_access_tokens_are_refreshed_silently_and_the_rotated_refresh_token_kept(
    provider: OAuthProvider, provider_server: AuthServer, oauth_smtp: Server, tls_context: ssl.SSLContext
) -> None:
    first = sign_in(provider, ACCOUNT, open_browser=Browser().open, timeout=10)
    forget_access_tokens()  # a new process: only the keyring's refresh token is left

    source = AccessTokens(provider, ACCOUNT)
    token = source.access_token()
    assert token != first.access_token
    assert provider_server.store.grants == ["authorization_code", "refresh_token"]
    rotated = get_refresh_token(ACCOUNT)
    assert rotated is not None and rotated != first.refresh_token
    assert source.access_token() == token  # kept in memory while it is valid

    reply = send_test(
        oauth_smtp.config(sign_in=SignIn.MICROSOFT), source, "client@example.test", ssl_context=tls_context
    )
    assert reply.startswith("250")


def test_a_token_close_to_expiry_is_replaced_before_use(
    monkeypatch: pytest.MonkeyPatch, file_keyring: Path, ca: trustme.CA, tls_context: ssl.SSLContext
) -> None:
    with auth_server(USERNAME, expires_in=int(oauth.REFRESH_MARGIN_S) // 2) as short:
        for name, value in short.environ(PREFIX).items():
            monkeypatch.setenv(name, value)
        provider = provider_for(SignIn.MICROSOFT)
        sign_in(provider, ACCOUNT, open_browser=Browser().open, timeout=10)
        with smtp_server(ca, handler=OAuthHandler(bearer_valid=short.bearer_valid)) as server:
            config = server.config(sign_in=SignIn.MICROSOFT)
            send_test(config, AccessTokens(provider, ACCOUNT), "a@example.test", ssl_context=tls_context)
        assert short.store.grants == ["authorization_code", "refresh_token"]


def test_a_revoked_grant_stops_the_batch_with_sign_in_again(
    provider: OAuthProvider, provider_server: AuthServer, oauth_smtp: Server, tls_context: ssl.SSLContext
) -> None:
    sign_in(provider, ACCOUNT, open_browser=Browser().open, timeout=10)
    provider_server.revoke(USERNAME)
    forget_access_tokens()

    config = oauth_smtp.config(sign_in=SignIn.MICROSOFT)
    outcomes: list[str] = []
    started = time.monotonic()
    summary = send_batch(
        config,
        AccessTokens(provider, ACCOUNT),
        [(1, reminder(config, 1)), (2, reminder(config, 2))],
        lambda key, outcome: outcomes.append(outcome.status.value),
        ssl_context=tls_context,
    )
    assert time.monotonic() - started < 5  # no browser, no waiting
    assert isinstance(summary.stopped_by, SignInNeeded)
    assert "revoked" in summary.stopped_by.reason and "Sign in again" in summary.stopped_by.reason
    assert "Traceback" not in summary.stopped_by.reason and "invalid_grant" not in summary.stopped_by.reason
    assert summary.sent == 0 and outcomes == ["not_attempted", "not_attempted"]
    assert oauth_smtp.handler.received == []


def test_a_token_the_server_refuses_is_reported_and_not_reused(
    provider: OAuthProvider, provider_server: AuthServer, oauth_smtp: Server, tls_context: ssl.SSLContext
) -> None:
    sign_in(provider, ACCOUNT, open_browser=Browser().open, timeout=10)
    provider_server.store.access.clear()  # the access token is withdrawn; the refresh token stays
    source = AccessTokens(provider, ACCOUNT)
    config = oauth_smtp.config(sign_in=SignIn.MICROSOFT)
    with pytest.raises(AuthenticationFailed, match=r"refused the sign-in .* Sign in again") as refused:
        send_test(config, source, "a@example.test", ssl_context=tls_context)
    assert refused.value.code == 535
    assert handler_of(oauth_smtp).refused == [USERNAME]
    # The next try gets a new token rather than the refused one, and goes through.
    assert send_test(config, source, "a@example.test", ssl_context=tls_context).startswith("250")


def test_never_signed_in_asks_to_sign_in_without_a_browser(provider: OAuthProvider) -> None:
    with pytest.raises(SignInNeeded, match=r"not signed in to Microsoft as owner@shop\.test.*Sign in again"):
        AccessTokens(provider, ACCOUNT).access_token()


def test_an_answer_with_another_state_is_refused(
    provider: OAuthProvider, provider_server: AuthServer
) -> None:
    with pytest.raises(SignInCancelled, match="does not belong to this sign-in"):
        sign_in(provider, ACCOUNT, open_browser=Browser(tamper_state=True).open, timeout=10)
    assert provider_server.store.grants == []  # the code was never exchanged
    assert get_refresh_token(ACCOUNT) is None


def test_saying_no_at_the_provider_is_a_plain_message(provider: OAuthProvider) -> None:
    browser = Browser(approve=False)
    with pytest.raises(SignInCancelled, match="cancelled or not allowed"):
        sign_in(provider, ACCOUNT, open_browser=browser.open, timeout=10)
    assert "Not signed in" in browser.landed()[0]


def test_a_sign_in_can_be_stopped(provider: OAuthProvider) -> None:
    opened: list[str] = []
    started = time.monotonic()
    with pytest.raises(SignInCancelled, match="stopped before it finished"):
        sign_in(provider, ACCOUNT, open_browser=opened.append, cancelled=lambda: bool(opened), timeout=60)
    assert time.monotonic() - started < 5


def test_a_provider_without_a_client_id_says_how_to_set_one_up(file_keyring: Path) -> None:
    provider = provider_for(SignIn.GOOGLE, environ={})
    with pytest.raises(ValidationError, match=r"CREDITDESK_OAUTH_GOOGLE_CLIENT_ID.*app password"):
        sign_in(provider, ACCOUNT, open_browser=lambda url: True, timeout=1)


def test_plain_http_to_another_computer_is_refused() -> None:
    provider = replace(
        provider_for(SignIn.MICROSOFT, environ={}), client_id="x", token_url="http://login.test/t"
    )
    with pytest.raises(ValidationError, match="must start with https://"):
        oauth.check_provider(provider)


def test_a_server_that_takes_only_oauth_says_so_to_a_password(
    ca: trustme.CA, tls_context: ssl.SSLContext
) -> None:
    only_oauth = smtp_server(ca, handler=OAuthHandler(), auth_exclude_mechanism=["LOGIN", "PLAIN"])
    with (
        only_oauth as server,
        pytest.raises(AuthenticationFailed, match="accepts only OAuth sign-in, not a password") as refused,
    ):
        send_test(server.config(), PASSWORD, "a@example.test", ssl_context=tls_context)
    assert "No suitable authentication method" not in refused.value.reason


def test_a_server_without_xoauth2_says_so_to_an_oauth_account(
    provider: OAuthProvider, server: Server, tls_context: ssl.SSLContext
) -> None:
    with pytest.raises(AuthenticationFailed, match="does not accept OAuth sign-in"):
        send_test(
            server.config(sign_in=SignIn.MICROSOFT),
            AccessTokens(provider, ACCOUNT),
            "a@example.test",
            ssl_context=tls_context,
        )
