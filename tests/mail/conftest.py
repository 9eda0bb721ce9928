"""A real SMTP server per test (STARTTLS or implicit TLS) and a client that trusts its CA."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import pytest
import trustme

from tests.mail.smtp_server import Server, client_context, make_ca, smtp_server


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return make_ca()


@pytest.fixture
def tls_context(ca: trustme.CA) -> ssl.SSLContext:
    return client_context(ca)


@pytest.fixture
def server(ca: trustme.CA) -> Iterator[Server]:
    with smtp_server(ca) as running:
        yield running


@pytest.fixture
def ssl_server(ca: trustme.CA) -> Iterator[Server]:
    with smtp_server(ca, tls="ssl") as running:
        yield running
