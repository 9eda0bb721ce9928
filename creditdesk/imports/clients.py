"""Matching a file's clients to those already kept: by code, else e-mail, else name.

Names are compared with case, spacing and punctuation ignored ("ACME Widgets,
Inc." is "Acme Widgets Inc"); a pure function of the file's reference and the
known clients, so the import services and the window's preview agree.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from creditdesk.imports.records import ClientRef


def name_key(name: str) -> str:
    """The name with case, spacing and punctuation ignored; accents kept, as they tell names apart."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def code_key(code: str) -> str:
    return code.strip().casefold()


def email_key(email: str) -> str:
    return email.strip().casefold()


@dataclass(frozen=True)
class KnownClient:
    """A client CreditDesk already keeps, as far as matching needs it."""

    id: int
    code: str
    name: str
    email: str = ""


class ClientIndex:
    """The known clients by each key, built once so a file of many rows is matched in one pass."""

    def __init__(self, clients: Iterable[KnownClient]) -> None:
        self._by_code: dict[str, KnownClient] = {}
        self._by_email: dict[str, KnownClient] = {}
        self._by_name: dict[str, KnownClient] = {}
        for client in clients:
            self._by_code.setdefault(code_key(client.code), client)
            if client.email:
                self._by_email.setdefault(email_key(client.email), client)
            self._by_name.setdefault(name_key(client.name), client)

    def match(self, ref: ClientRef) -> KnownClient | None:
        if ref.code and (found := self._by_code.get(code_key(ref.code))) is not None:
            return found
        if ref.email and (found := self._by_email.get(email_key(ref.email))) is not None:
            return found
        if ref.name and (found := self._by_name.get(name_key(ref.name))) is not None:
            return found
        return None


def match_client(ref: ClientRef, known: Iterable[KnownClient]) -> KnownClient | None:
    """The known client ``ref`` names, or None when the file's client is new."""
    return ClientIndex(known).match(ref)


def same_client(first: ClientRef, second: ClientRef) -> bool:
    """Whether two references in one file are the same client (for listing each new client once)."""
    if first.code and second.code:
        return code_key(first.code) == code_key(second.code)
    if first.email and second.email and email_key(first.email) == email_key(second.email):
        return True
    return bool(first.name and second.name and name_key(first.name) == name_key(second.name))


def client_key(ref: ClientRef) -> str:
    """One key per client of a file: its code, else its e-mail, else its name, each normalised."""
    if ref.code:
        return "code:" + code_key(ref.code)
    if ref.email:
        return "email:" + email_key(ref.email)
    return "name:" + name_key(ref.name or "")
