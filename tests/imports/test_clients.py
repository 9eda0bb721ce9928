"""Matching clients to those kept: by code, else e-mail, else name (case, spacing, punctuation ignored)."""

from __future__ import annotations

from creditdesk.imports.clients import (
    ClientIndex,
    KnownClient,
    client_key,
    match_client,
    name_key,
    same_client,
)
from creditdesk.imports.records import ClientRef

ACME = KnownClient(1, "ACME", "Acme Widgets, Inc.", "ap@acme.example")
BRAMBLE = KnownClient(2, "BR-01", "Bramble & Co", "")
CAFE = KnownClient(3, "CAFE", "Café de la Gare", "Hello@Cafe.example")
KNOWN = (ACME, BRAMBLE, CAFE)


def test_names_ignore_case_spacing_and_punctuation_but_keep_accents() -> None:
    assert name_key("ACME  Widgets Inc") == name_key("Acme Widgets, Inc.") == "acmewidgetsinc"
    assert name_key("Bramble and Co") != name_key("Bramble & Co")
    assert name_key("Cafe de la Gare") != name_key("Café de la Gare")
    assert name_key("Ｃａｆé") == name_key("café")  # full-width letters, as some exports write them


def test_the_code_decides_first_then_the_email_then_the_name() -> None:
    assert match_client(ClientRef("Someone else", "acme"), KNOWN) == ACME
    # A code the books do not know falls through: the other system numbers its customers its own way.
    assert match_client(ClientRef("Bramble & Co", "NEW-9"), KNOWN) == BRAMBLE
    assert match_client(ClientRef("Different name", None, "hello@cafe.EXAMPLE"), KNOWN) == CAFE
    assert match_client(ClientRef("acme widgets inc"), KNOWN) == ACME
    assert match_client(ClientRef("  bramble & co. "), KNOWN) == BRAMBLE
    assert match_client(ClientRef("Quayside Café"), KNOWN) is None


def test_an_unknown_code_falls_through_to_the_email_and_name() -> None:
    index = ClientIndex(KNOWN)
    assert index.match(ClientRef("Bramble & Co", "BR-01")) == BRAMBLE
    assert index.match(ClientRef(None, "ZZZ", "ap@acme.example")) == ACME
    assert index.match(ClientRef(None, "ZZZ")) is None


def test_one_key_per_client_of_a_file() -> None:
    assert client_key(ClientRef("Acme", "ACME ")) == client_key(ClientRef("Other", "acme")) == "code:acme"
    assert client_key(ClientRef("Acme", None, "AP@acme.example")) == "email:ap@acme.example"
    assert client_key(ClientRef("Acme Widgets, Inc.")) == "name:acmewidgetsinc"
    assert same_client(ClientRef("Acme, Inc."), ClientRef("ACME Inc"))
    assert not same_client(ClientRef("Acme", "A1"), ClientRef("Acme", "A2"))
    assert same_client(ClientRef("A", None, "x@y.example"), ClientRef("B", None, "X@y.example"))
