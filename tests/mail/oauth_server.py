"""A real OAuth2 authorization server on 127.0.0.1 for the sign-in tests, and a browser to drive it.

The protocol is oauthlib's ``WebApplicationServer`` (RFC 6749's authorization code
and refresh token grants, RFC 7636's PKCE, required here), behind the standard
library's HTTP server; this module adds only storage and a sign-in page. The SMTP
test server asks ``bearer_valid`` whether an XOAUTH2 token is one this server issued,
still valid, for that user. ``revoke`` does what an administrator or the user does
at the provider when a grant is withdrawn.

``Browser`` plays the person at the system browser: it opens the address CreditDesk
gave, submits the sign-in form and follows the redirect back to CreditDesk's loopback
listener, all with plain HTTP requests.
"""

from __future__ import annotations

import html
import re
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from oauthlib.oauth2 import RequestValidator, WebApplicationServer
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

CLIENT_ID = "creditdesk-test-client"
SCOPES = ("https://mail.test/SMTP.Send", "offline_access")


@dataclass
class _Client:
    client_id: str


@dataclass
class _Grant:
    user: str
    scopes: list[str]
    redirect_uri: str
    challenge: str
    challenge_method: str


@dataclass
class _Token:
    user: str
    scopes: list[str]
    expires_at: float


@dataclass
class Store:
    """What the server issued; tests read the counts and revoke grants."""

    codes: dict[str, _Grant] = field(default_factory=dict)
    access: dict[str, _Token] = field(default_factory=dict)
    refresh: dict[str, _Token] = field(default_factory=dict)
    grants: list[str] = field(default_factory=list)  # grant types served, in order
    lock: threading.Lock = field(default_factory=threading.Lock)


class Validator(RequestValidator):  # type: ignore[misc]  # oauthlib has no type hints
    def __init__(self, store: Store, expires_in: int) -> None:
        self.store = store
        self.expires_in = expires_in

    # the client: a public desktop app, known by its ID alone
    def client_authentication_required(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        return False

    def authenticate_client_id(self, client_id: str, request: Any, *args: Any, **kwargs: Any) -> bool:
        if client_id != CLIENT_ID:
            return False
        request.client = _Client(client_id)
        return True

    def validate_client_id(self, client_id: str, request: Any, *args: Any, **kwargs: Any) -> bool:
        return client_id == CLIENT_ID

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Any, *a: Any, **k: Any
    ) -> bool:
        return re.fullmatch(r"http://127\.0\.0\.1:\d+/?", redirect_uri) is not None  # loopback, any port

    def get_default_redirect_uri(self, client_id: str, request: Any, *args: Any, **kwargs: Any) -> None:
        return None  # the client must say where to go back to

    def validate_response_type(self, client_id: str, response_type: str, *args: Any, **kwargs: Any) -> bool:
        return response_type == "code"

    def validate_grant_type(self, client_id: str, grant_type: str, *args: Any, **kwargs: Any) -> bool:
        return grant_type in ("authorization_code", "refresh_token")

    def validate_scopes(self, client_id: str, scopes: list[str], *args: Any, **kwargs: Any) -> bool:
        return set(scopes) <= set(SCOPES)

    def get_default_scopes(self, client_id: str, request: Any, *args: Any, **kwargs: Any) -> list[str]:
        return list(SCOPES)

    def is_pkce_required(self, client_id: str, request: Any) -> bool:
        return True

    # codes
    def save_authorization_code(
        self, client_id: str, code: dict[str, str], request: Any, *a: Any, **k: Any
    ) -> None:
        with self.store.lock:
            self.store.codes[code["code"]] = _Grant(
                request.user,
                list(request.scopes),
                request.redirect_uri,
                request.code_challenge,
                request.code_challenge_method,
            )

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *a: Any, **k: Any) -> bool:
        grant = self.store.codes.get(code)
        if grant is None:
            return False
        request.user, request.scopes = grant.user, grant.scopes
        return True

    def get_code_challenge(self, code: str, request: Any) -> str | None:
        grant = self.store.codes.get(code)
        return None if grant is None else grant.challenge

    def get_code_challenge_method(self, code: str, request: Any) -> str | None:
        grant = self.store.codes.get(code)
        return None if grant is None else grant.challenge_method

    def confirm_redirect_uri(
        self, client_id: str, code: str, redirect_uri: str, client: Any, request: Any, *a: Any, **k: Any
    ) -> bool:
        grant = self.store.codes.get(code)
        return grant is not None and grant.redirect_uri == redirect_uri

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Any, *a: Any, **k: Any
    ) -> None:
        with self.store.lock:
            self.store.codes.pop(code, None)

    # tokens
    def save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> None:
        scopes = token.get("scope", " ".join(request.scopes)).split()
        with self.store.lock:
            self.store.grants.append(request.grant_type)
            self.store.access[token["access_token"]] = _Token(
                request.user, scopes, time.monotonic() + token["expires_in"]
            )
            if "refresh_token" in token:
                if request.refresh_token:
                    self.store.refresh.pop(request.refresh_token, None)  # rotated: the old one is spent
                self.store.refresh[token["refresh_token"]] = _Token(request.user, scopes, float("inf"))

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Any, *a: Any, **k: Any
    ) -> bool:
        found = self.store.refresh.get(refresh_token)
        if found is None:
            return False
        request.user = found.user
        return True

    def get_original_scopes(self, refresh_token: str, request: Any, *args: Any, **kwargs: Any) -> list[str]:
        return self.store.refresh[refresh_token].scopes


@dataclass
class AuthServer:
    port: int
    store: Store
    user: str  # who signs in at the page

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environ(self, prefix: str) -> dict[str, str]:
        """The settings that point CreditDesk's provider ``prefix`` (e.g. CREDITDESK_OAUTH_MICROSOFT) here."""
        return {
            f"{prefix}_AUTHORIZE_URL": f"{self.base}/authorize",
            f"{prefix}_TOKEN_URL": f"{self.base}/token",
            f"{prefix}_CLIENT_ID": CLIENT_ID,
            f"{prefix}_SCOPES": " ".join(SCOPES),
        }

    def bearer_valid(self, user: str, token: str) -> bool:
        with self.store.lock:
            found = self.store.access.get(token)
        return found is not None and found.user == user and found.expires_at > time.monotonic()

    def revoke(self, user: str) -> None:
        """Withdraw every grant of ``user``, as signing out everywhere at the provider does."""
        with self.store.lock:
            for tokens in (self.store.access, self.store.refresh):
                for key in [key for key, token in tokens.items() if token.user == user]:
                    del tokens[key]


SIGN_IN_PAGE = """<!doctype html><title>Test provider</title>
<form method="post" action="/authorize?{query}">
<input name="user" value="{user}"><button name="approve" value="yes">Accept</button>
<button name="approve" value="no">Cancel</button></form>"""


def _handler(server: WebApplicationServer, auth: AuthServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, headers: dict[str, str], body: str | bytes) -> None:
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> str:
            return self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()

        def do_GET(self) -> None:
            uri = auth.base + self.path
            if not self.path.startswith("/authorize"):
                self._answer(404, {}, "")
                return
            try:
                server.validate_authorization_request(uri)
            except OAuth2Error as error:
                self._answer(400, {"Content-Type": "text/plain"}, error.description or error.error)
                return
            query = html.escape(urllib.parse.urlsplit(self.path).query)
            page = SIGN_IN_PAGE.format(query=query, user=html.escape(auth.user))
            self._answer(200, {"Content-Type": "text/html"}, page)

        def do_POST(self) -> None:
            uri = auth.base + self.path
            body = self._body()
            if self.path == "/token":
                headers, answer, status = server.create_token_response(
                    uri, "POST", body, {"Content-Type": self.headers.get("Content-Type", "")}
                )
                self._answer(status, headers, answer or "")
                return
            form = urllib.parse.parse_qs(body)
            try:
                scopes, credentials = server.validate_authorization_request(uri)
                if form.get("approve") != ["yes"]:
                    redirect = credentials["redirect_uri"]
                    state = urllib.parse.quote(credentials["state"])
                    self._answer(302, {"Location": f"{redirect}?error=access_denied&state={state}"}, "")
                    return
                credentials["user"] = form["user"][0]
                headers, answer, status = server.create_authorization_response(
                    uri, "GET", None, {}, scopes, credentials
                )
            except OAuth2Error as error:
                self._answer(400, {"Content-Type": "text/plain"}, error.description or error.error)
                return
            self._answer(status, headers, answer or "")

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def auth_server(user: str, *, expires_in: int = 3600) -> Iterator[AuthServer]:
    """An authorization server on a free port of 127.0.0.1 whose page signs ``user`` in."""
    store = Store()
    oauth = WebApplicationServer(Validator(store, expires_in), token_expires_in=expires_in)
    http = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    auth = AuthServer(http.server_address[1], store, user)
    http.RequestHandlerClass = _handler(oauth, auth)
    thread = threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield auth
    finally:
        http.shutdown()
        http.server_close()
        thread.join()


class _NoProxy(urllib.request.ProxyHandler):
    def __init__(self) -> None:
        super().__init__({})


@dataclass
class Browser:
    """Stands in for the system browser: ``open`` is what CreditDesk calls with the sign-in address."""

    approve: bool = True
    opened: list[str] = field(default_factory=list)
    tamper_state: bool = False
    _landed: list[str] = field(default_factory=list)
    _visits: list[threading.Thread] = field(default_factory=list)

    def open(self, url: str) -> bool:
        self.opened.append(url)
        visit = threading.Thread(target=self._sign_in, args=(url,), daemon=True)
        self._visits.append(visit)
        visit.start()
        return True

    def landed(self) -> list[str]:
        """The pages CreditDesk's listener answered with, once the browser has read them to the end."""
        for visit in self._visits:
            visit.join(timeout=10)
        return self._landed

    def _sign_in(self, url: str) -> None:
        opener = urllib.request.build_opener(_NoProxy())
        with opener.open(url, timeout=10) as page:
            form = page.read().decode()
        action = html.unescape(re.search(r'action="([^"]+)"', form).group(1))  # type: ignore[union-attr]
        user = html.unescape(re.search(r'name="user" value="([^"]*)"', form).group(1))  # type: ignore[union-attr]
        parts = urllib.parse.urlsplit(url)
        data = urllib.parse.urlencode({"user": user, "approve": "yes" if self.approve else "no"}).encode()
        no_redirects = urllib.request.build_opener(_NoProxy(), _StopRedirects())
        with no_redirects.open(f"{parts.scheme}://{parts.netloc}{action}", data=data, timeout=10) as answer:
            location = answer.headers["Location"]
        if self.tamper_state:
            location = re.sub(r"state=[^&]+", "state=forged", location)
        with opener.open(location, timeout=10) as back:
            self._landed.append(back.read().decode())


class _StopRedirects(urllib.request.HTTPRedirectHandler):
    """Hands the 302 back instead of following it, so the browser can read (and alter) where it goes."""

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        return fp
