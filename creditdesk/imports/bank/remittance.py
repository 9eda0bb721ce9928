"""The details of an MT940 entry (its ``:86:``): who paid, from which IBAN, and what for.

German banks (the DK's structured form) number their sub-fields, ``?20`` to
``?29`` and ``?60`` to ``?63`` the remittance, ``?31`` the IBAN, ``?32`` and
``?33`` the name; a SEPA payment keys its remittance further (``EREF+``,
``SVWZ+``, ...). Dutch banks key theirs with slashes: ``/NAME/``, ``/IBAN/``,
``/REMI/`` (``USTD//`` text or ``STRD/CUR/`` a creditor reference), or all of
the counterparty in ``/CNTP/IBAN/BIC/NAME/CITY/``. Anything else is free text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from creditdesk.imports.bank.iban import compact, iban_or_empty

_GERMAN = re.compile(r"\d{3}([^\w\s])")
_SEPA_KEY = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|PURP|COAM|OAMT)\+")
_REMITTANCE_KEYS = frozenset({*(str(n) for n in range(20, 30)), "60", "61", "62", "63"})
_SLASH_KEY = re.compile(
    r"/(EREF|CNTP|REMI|NAME|IBAN|BIC|TRTP|MARF|CSID|PREF|ORDP|BENM|PURP|RTRN|ISDT|ATOS|ULTD|ULTC|ADDR|CHGS)/"
)


@dataclass(frozen=True)
class Details:
    name: str = ""
    iban: str = ""
    text: str = ""
    creditor_reference: str = ""


def read_details(raw: str) -> Details:
    if _GERMAN.match(raw):
        return _german(raw)
    if raw.startswith("/") and _SLASH_KEY.search(raw.replace("\n", "")):
        return _slashed(raw.replace("\n", ""))
    return Details(text=_words(raw))


def _words(text: str) -> str:
    return " ".join(text.split())


def _german(raw: str) -> Details:
    """``166?00GUTSCHRIFT?20...?32NAME``: lines wrap anywhere, so they are joined before splitting."""
    separator = raw[3]
    pieces: dict[str, list[str]] = {}
    remittance: list[str] = []
    for piece in raw.replace("\n", "").split(separator)[1:]:
        key, value = piece[:2], piece[2:]
        if key in _REMITTANCE_KEYS:
            remittance.append(value)
        else:
            pieces.setdefault(key, []).append(value)
    name = _words("".join(pieces.get("32", []) + pieces.get("33", [])))
    iban = iban_or_empty("".join(pieces.get("31", [])))
    if any(_SEPA_KEY.match(value) for value in remittance):
        # A SEPA remittance is one text cut into 27-character pieces: joined as it was.
        keyed = _sepa("".join(remittance))
        text = keyed.get("SVWZ") or keyed.get("", "")
        iban = iban or iban_or_empty(keyed.get("IBAN", ""))
    else:
        text = " ".join(value.strip() for value in remittance)
    return Details(name, iban, _words(text), "")


def _sepa(text: str) -> dict[str, str]:
    """The SEPA keyed parts of a remittance (``EREF+x SVWZ+y``); text before any key under ""."""
    found = list(_SEPA_KEY.finditer(text))
    parts = {"": text[: found[0].start()] if found else text}
    for index, key in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        parts.setdefault(key.group(1), text[key.end() : end])
    return parts


def _slashed(raw: str) -> Details:
    found = list(_SLASH_KEY.finditer(raw))
    values: dict[str, str] = {}
    for index, key in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(raw)
        values.setdefault(key.group(1), raw[key.end() : end].strip("/"))
    name = values.get("NAME", "")
    iban = iban_or_empty(values.get("IBAN", ""))
    counterparty = values.get("CNTP", "")
    if counterparty:  # IBAN/BIC/NAME/CITY, any part may be empty
        parts = counterparty.split("/")
        iban = iban or iban_or_empty(parts[0])
        name = name or (parts[2] if len(parts) > 2 else "")
    remittance = values.get("REMI", "")
    creditor = ""
    text = remittance
    if remittance.startswith("USTD/"):
        text = remittance.removeprefix("USTD/").lstrip("/")
    elif remittance.startswith("STRD/"):
        # STRD/CUR/RF18539007547034: the issuer's code, then the creditor reference.
        creditor = compact(remittance.split("/")[-1])
        text = ""
    return Details(_words(name), iban, _words(text), creditor)
