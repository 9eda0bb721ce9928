"""OAuth2 sign-in for SMTP's XOAUTH2: the authorization code grant (RFC 6749) with PKCE (RFC 7636).

It works the way desktop mail programs do: the system browser opens the provider's
sign-in page, the provider sends the browser back to a one-off listener on
``http://127.0.0.1:<port>`` with a code, and the code, with the PKCE verifier only
this process knows, is exchanged for tokens. The refresh token goes to the keyring
under the account; access tokens stay in memory and are refreshed silently shortly
before they expire. Nothing here ever waits for a browser except ``sign_in``, so a
scheduled run that finds the grant revoked stops with "Sign in again" at once.

The provider's endpoints and CreditDesk's client IDs are settings: the defaults
below, each replaceable with an environment variable (``CREDITDESK_OAUTH_<PROVIDER>_<SETTING>``)
for an organisation that registers its own app.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import TracebackType
from typing import Self

from creditdesk.domain.errors import CreditDeskError, ValidationError
from creditdesk.mail.secrets import Account, get_refresh_token, set_refresh_token
from creditdesk.mail.smtp import AuthenticationFailed, ConnectionFailed, SignIn, is_local_host

# CreditDesk's own app registrations. Empty until the registrations are published: an
# organisation sets its own with CREDITDESK_OAUTH_MICROSOFT_CLIENT_ID / ..._GOOGLE_CLIENT_ID.
CREDITDESK_CLIENT_IDS: Mapping[SignIn, str] = {SignIn.MICROSOFT: "", SignIn.GOOGLE: ""}

ENV_PREFIX = "CREDITDESK_OAUTH_"
SIGN_IN_TIMEOUT_S = 300.0
REFRESH_MARGIN_S = 120.0  # refresh this long before the provider says the token expires


class SignInNeeded(AuthenticationFailed):
    """No usable grant (never signed in, revoked or expired): only a person in a browser can fix it."""


class SignInCancelled(CreditDeskError):
    """The person closed the sign-in page, said no, or did not finish in time."""


@dataclass(frozen=True)
class OAuthProvider:
    sign_in: SignIn
    name: str  # "Microsoft", as in "Sign in with Microsoft"
    authorize_url: str
    token_url: str
    scopes: tuple[str, ...]
    client_id: str
    client_secret: str = field(default="", repr=False)  # Google's desktop apps have one; it is not secret
    extra_params: tuple[tuple[str, str], ...] = ()

    @property
    def env_name(self) -> str:
        return f"{ENV_PREFIX}{self.sign_in.value.upper()}"


DEFAULT_PROVIDERS: Mapping[SignIn, OAuthProvider] = {
    SignIn.MICROSOFT: OAuthProvider(
        sign_in=SignIn.MICROSOFT,
        name="Microsoft",
        # "common": work or school accounts and personal Outlook.com accounts alike.
        authorize_url="https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        token_url="https://login.microsoftonline.com/common/oauth2/v2.0/token",
        scopes=("https://outlook.office.com/SMTP.Send", "offline_access"),
        client_id=CREDITDESK_CLIENT_IDS[SignIn.MICROSOFT],
    ),
    SignIn.GOOGLE: OAuthProvider(
        sign_in=SignIn.GOOGLE,
        name="Google",
        authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
        token_url="https://oauth2.googleapis.com/token",
        scopes=("https://mail.google.com/",),
        client_id=CREDITDESK_CLIENT_IDS[SignIn.GOOGLE],
        # Google gives a refresh token only when asked for offline access.
        extra_params=(("access_type", "offline"), ("prompt", "consent")),
    ),
}


def provider_for(sign_in: SignIn, environ: Mapping[str, str] | None = None) -> OAuthProvider:
    """The provider's settings: the defaults, with whatever the environment replaces."""
    if not sign_in.oauth:
        raise ValueError("a password account has no OAuth provider")
    env = os.environ if environ is None else environ
    provider = DEFAULT_PROVIDERS[sign_in]
    prefix = provider.env_name + "_"
    scopes = env.get(prefix + "SCOPES")
    return replace(
        provider,
        authorize_url=env.get(prefix + "AUTHORIZE_URL", provider.authorize_url),
        token_url=env.get(prefix + "TOKEN_URL", provider.token_url),
        scopes=tuple(scopes.split()) if scopes else provider.scopes,
        client_id=env.get(prefix + "CLIENT_ID", provider.client_id),
        client_secret=env.get(prefix + "CLIENT_SECRET", provider.client_secret),
    )


def check_provider(provider: OAuthProvider) -> OAuthProvider:
    """Refuse settings that cannot work (no client ID) or would leak a token (plain http to the internet)."""
    if not provider.client_id:
        raise ValidationError(
            f"Sign-in with {provider.name} is not set up on this computer: CreditDesk needs the app "
            f"(client) ID your organisation registered with {provider.name}, in "
            f'{provider.env_name}_CLIENT_ID (see "Mail sign-in" in the README). Until then, use an '
            "app password."
        )
    for url in (provider.authorize_url, provider.token_url):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "https" and not (parts.scheme == "http" and is_local_host(parts.hostname or "")):
            raise ValidationError(f"The sign-in address {url} must start with https://")
    return provider


# --- PKCE and the authorization request ------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce_pair() -> tuple[str, str]:
    """A fresh code verifier (86 characters of the allowed alphabet) and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)
    return verifier, _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def authorization_url(
    provider: OAuthProvider, redirect_uri: str, state: str, challenge: str, login_hint: str = ""
) -> str:
    params = [
        ("response_type", "code"),
        ("client_id", provider.client_id),
        ("redirect_uri", redirect_uri),
        ("scope", " ".join(provider.scopes)),
        ("state", state),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
        *provider.extra_params,
    ]
    if login_hint:
        params.append(("login_hint", login_hint))
    separator = "&" if urllib.parse.urlsplit(provider.authorize_url).query else "?"
    return provider.authorize_url + separator + urllib.parse.urlencode(params)


# --- the loopback listener --------------------------------------------------------------------------

DONE_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>CreditDesk</title></head>"
    "<body style='font-family: sans-serif; margin: 3em'><h1>{title}</h1><p>{text}</p></body></html>"
)


class _RedirectHandler(BaseHTTPRequestHandler):
    server: _RedirectServer

    def do_GET(self) -> None:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        params = {name: values[0] for name, values in query.items()}
        if not {"code", "error", "state"} & params.keys():
            self.send_error(404)  # a browser's extra request, such as /favicon.ico
            return
        if "code" in params:
            title, text = "Signed in", "You can close this page and go back to CreditDesk."
        else:
            title, text = "Not signed in", "Go back to CreditDesk to try again or choose another way."
        body = DONE_PAGE.format(title=title, text=text).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.answer(params)

    def log_message(self, format: str, *args: object) -> None:
        """The request line carries the code: it is never written anywhere."""


class _RedirectServer(HTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _RedirectHandler)
        self.params: dict[str, str] | None = None
        self.answered = threading.Event()

    def answer(self, params: dict[str, str]) -> None:
        if self.params is None:
            self.params = params
        self.answered.set()


class LoopbackReceiver:
    """Listens on 127.0.0.1 (a free port) for the one redirect that ends the sign-in."""

    def __init__(self) -> None:
        self._server = _RedirectServer()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def wait(self, timeout: float, cancelled: Callable[[], bool] | None = None) -> dict[str, str] | None:
        """The redirect's parameters, or None when cancelled or out of time."""
        deadline = time.monotonic() + timeout
        while not self._server.answered.wait(0.1):
            if time.monotonic() >= deadline or (cancelled is not None and cancelled()):
                return None
        return self._server.params


# --- the token endpoint -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tokens:
    access_token: str = field(repr=False)
    expires_at: float  # on time.monotonic()'s clock
    refresh_token: str | None = field(default=None, repr=False)


def _opener(url: str) -> urllib.request.OpenerDirector:
    """A proxy never sees the token endpoint on this computer; elsewhere the system's proxy applies."""
    if is_local_host(urllib.parse.urlsplit(url).hostname or ""):
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def _token_request(
    provider: OAuthProvider, fields: dict[str, str], account: Account, timeout: float
) -> Tokens:
    fields = {**fields, "client_id": provider.client_id}
    if provider.client_secret:
        fields["client_secret"] = provider.client_secret
    request = urllib.request.Request(
        provider.token_url,
        data=urllib.parse.urlencode(fields).encode("ascii"),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        method="POST",
    )
    host = urllib.parse.urlsplit(provider.token_url).hostname or provider.token_url
    started = time.monotonic()
    try:
        with _opener(provider.token_url).open(request, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except (urllib.error.URLError, OSError) as error:
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        raise ConnectionFailed(
            f"Could not reach {host} to sign in to {provider.name} ({reason}). "
            "Check the internet connection.",
            permanent=False,
        ) from None
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise ConnectionFailed(
            f"{provider.name}'s sign-in service ({host}) gave an answer CreditDesk cannot read "
            f"(HTTP {status}). Try again later.",
            permanent=status < 500,
        )
    if status != 200 or "error" in answer:
        raise _grant_error(provider, account, status, answer)
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise ConnectionFailed(f"{provider.name} gave no access token. Try again later.", permanent=False)
    try:
        lifetime = float(answer.get("expires_in", 3600))
    except (TypeError, ValueError):
        lifetime = 3600.0
    refresh = answer.get("refresh_token")
    return Tokens(
        access_token=token,
        expires_at=started + lifetime,
        refresh_token=refresh if isinstance(refresh, str) and refresh else None,
    )


def sign_in_again(provider: OAuthProvider, account: Account, why: str) -> SignInNeeded:
    return SignInNeeded(
        f'{why} Sign in again: Settings → Email account → "Sign in with {provider.name}" '
        f"for {account.username}."
    )


def _grant_error(
    provider: OAuthProvider, account: Account, status: int, answer: dict[str, object]
) -> Exception:
    code = str(answer.get("error", f"HTTP {status}"))
    description = " ".join(str(answer.get("error_description", "")).split())[:300]
    detail = f"{code}: {description}" if description else code
    if code == "invalid_grant":
        return sign_in_again(
            provider,
            account,
            f"{provider.name} no longer accepts CreditDesk's sign-in for {account.username}: it was "
            "revoked, expired, or the password was changed.",
        )
    if status >= 500 or code == "temporarily_unavailable":
        return ConnectionFailed(
            f"{provider.name}'s sign-in service is not available ({detail}). Try again later.",
            permanent=False,
        )
    return AuthenticationFailed(f"{provider.name} refused CreditDesk's sign-in ({detail}).")


# --- signing in and staying signed in ------------------------------------------------------------


def sign_in(
    provider: OAuthProvider,
    account: Account,
    *,
    open_browser: Callable[[str], object] = webbrowser.open,
    timeout: float = SIGN_IN_TIMEOUT_S,
    cancelled: Callable[[], bool] | None = None,
    http_timeout: float = 30.0,
) -> Tokens:
    """Open the provider's page in the browser and wait for the redirect; then keep the refresh token.

    Returns the tokens; the refresh token is already in the keyring (or memory) under ``account``.
    """
    check_provider(provider)
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    with LoopbackReceiver() as receiver:
        url = authorization_url(provider, receiver.redirect_uri, state, challenge, account.username)
        if open_browser(url) is False:
            raise SignInCancelled(
                f"CreditDesk could not open a web browser for signing in with {provider.name}. "
                "Set a default browser, then try again."
            )
        params = receiver.wait(timeout, cancelled)
        redirect_uri = receiver.redirect_uri
    if params is None:
        raise SignInCancelled(f"Signing in with {provider.name} was stopped before it finished.")
    if not secrets.compare_digest(params.get("state", ""), state):
        raise SignInCancelled(
            "The answer that came back from the sign-in page does not belong to this sign-in, so it "
            "was ignored. Try again."
        )
    if "error" in params:
        if params["error"] == "access_denied":
            raise SignInCancelled(f"{provider.name} says the sign-in was cancelled or not allowed.")
        detail = params.get("error_description") or params["error"]
        raise AuthenticationFailed(f"{provider.name} did not sign you in: {' '.join(detail.split())[:300]}")
    tokens = _token_request(
        provider,
        {
            "grant_type": "authorization_code",
            "code": params.get("code", ""),
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        account,
        http_timeout,
    )
    if tokens.refresh_token is None:
        raise AuthenticationFailed(
            f"{provider.name} signed you in but gave no refresh token, so CreditDesk could not stay "
            "signed in. Check that the app registration allows offline access, then try again."
        )
    set_refresh_token(account, tokens.refresh_token)
    _CACHE.put(account, tokens)
    return tokens


def refresh(
    provider: OAuthProvider, account: Account, refresh_token: str, *, http_timeout: float = 30.0
) -> Tokens:
    return _token_request(
        provider,
        {"grant_type": "refresh_token", "refresh_token": refresh_token, "scope": " ".join(provider.scopes)},
        account,
        http_timeout,
    )


class _TokenCache:
    """Access tokens by account for this process only, so a batch does not refresh for each connection."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, Tokens] = {}

    def __repr__(self) -> str:
        return f"<access tokens for {len(self._tokens)} account(s)>"

    def get(self, account: Account) -> Tokens | None:
        with self._lock:
            return self._tokens.get(account.key)

    def put(self, account: Account, tokens: Tokens) -> None:
        with self._lock:
            self._tokens[account.key] = tokens

    def forget(self, account: Account | None = None) -> None:
        with self._lock:
            if account is None:
                self._tokens.clear()
            else:
                self._tokens.pop(account.key, None)


_CACHE = _TokenCache()
forget_access_tokens = _CACHE.forget


class AccessTokens:
    """An SMTP session's token source for one OAuth2 account; never opens a browser."""

    def __init__(self, provider: OAuthProvider, account: Account, *, http_timeout: float = 30.0) -> None:
        self.provider = provider
        self.account = account
        self._http_timeout = http_timeout

    def __repr__(self) -> str:
        return f"<AccessTokens {self.provider.name} {self.account.key}>"

    def access_token(self) -> str:
        cached = _CACHE.get(self.account)
        if cached is not None and cached.expires_at - REFRESH_MARGIN_S > time.monotonic():
            return cached.access_token
        check_provider(self.provider)
        saved = get_refresh_token(self.account)
        if saved is None:
            raise sign_in_again(
                self.provider,
                self.account,
                f"CreditDesk is not signed in to {self.provider.name} as {self.account.username} on "
                "this computer.",
            )
        tokens = refresh(self.provider, self.account, saved, http_timeout=self._http_timeout)
        if tokens.refresh_token is not None and tokens.refresh_token != saved:
            set_refresh_token(self.account, tokens.refresh_token)  # the provider rotated it
        _CACHE.put(self.account, tokens)
        return tokens.access_token

    def token_refused(self) -> None:
        _CACHE.forget(self.account)
