"""OFX statements: 1.x (SGML, leaf elements never closed), 2.x (XML), and Quicken's QFX (OFX, Intuit tags).

Bank (``STMTRS``) and credit-card (``CCSTMTRS``) statements are read alike:
``CURDEF`` the currency, ``BANKACCTFROM``/``CCACCTFROM`` the account, each
``STMTTRN`` an entry named by its ``FITID`` (which the specification makes
unique per account), ``LEDGERBAL`` the closing balance. OFX states no opening
balance, so there is no sum to check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import unescape

from creditdesk.domain.bank import BankStatement, BankTransaction
from creditdesk.imports.bank.checks import Part, joined, stop
from creditdesk.imports.bank.iban import compact, iban_or_empty
from creditdesk.imports.bank.money import currency_code, read_money
from creditdesk.imports.bank.xml_tree import Node, parse_xml

_TAG = re.compile(r"<(/?)([A-Za-z0-9._]+)>([^<]*)")
_CHARSET = re.compile(rb"(?im)^\s*CHARSET\s*:\s*(\S+)")
_XML = re.compile(rb"\s*<\?xml")
_STATEMENTS = ("STMTRS", "CCSTMTRS")
_EMPTY = "the file holds no bank or card statement (STMTRS); export the statement again from your bank"
_ENTITIES = {"&quot;": '"', "&apos;": "'", "&nbsp;": " "}


def read_ofx(data: bytes) -> BankStatement:
    data = data.removeprefix(b"\xef\xbb\xbf")
    root = parse_xml(data) if _XML.match(data) else _sgml(data)
    statements = [node for node in _walk(root) if node.name in _STATEMENTS]
    return joined("ofx", [_statement(node) for node in statements], empty=_EMPTY)


def _walk(node: Node) -> list[Node]:
    found = [node]
    for child in node.children:
        found.extend(_walk(child))
    return found


# --- OFX 1.x: SGML -----------------------------------------------------------------------------------


@dataclass
class _Open:
    name: str
    line: int
    text: str = ""
    children: list[_Open] = field(default_factory=list)
    leaf: bool = False


def _sgml(data: bytes) -> Node:
    """The body after the ``KEY:VALUE`` header, as a tree: a tag with a value is a leaf, one without opens."""
    text = data.decode(_encoding(data), errors="replace")
    start = text.find("<")
    if start < 0:
        raise stop("the OFX file has no <OFX> body; export the statement again")
    root = _Open("", 0)
    stack = [root]
    line = text.count("\n", 0, start) + 1
    position = start
    for tag in _TAG.finditer(text, start):
        line += text.count("\n", position, tag.start())
        position = tag.start()
        closing, name, value = tag.group(1), tag.group(2).upper(), tag.group(3).strip()
        if closing:
            # Close up to the aggregate of that name; a leaf a writer closed explicitly is already done.
            if any(node.name == name and not node.leaf for node in stack[1:]):
                while stack[-1].name != name:
                    stack.pop()
                stack.pop()
            continue
        opened = _Open(name, line, unescape(value, _ENTITIES), leaf=bool(value))
        stack[-1].children.append(opened)
        if not value:
            stack.append(opened)
    if not root.children:
        raise stop("the OFX file has no <OFX> body; export the statement again")
    return _frozen(root.children[0], "")


def _encoding(data: bytes) -> str:
    """OFX 1.x names its character set in the header: CHARSET:1252, or UTF-8 with ENCODING:UTF-8."""
    found = _CHARSET.search(data[:2048])
    charset = found.group(1).decode("ascii", "replace").upper() if found else "1252"
    if b"ENCODING:UTF-8" in data[:2048].upper().replace(b" ", b""):
        return "utf-8"
    if charset.isdigit():
        return f"cp{charset}"
    return "latin-1" if charset == "ISO-8859-1" else "cp1252"


def _frozen(node: _Open, parent: str) -> Node:
    path = f"{parent}/{node.name}" if parent else node.name
    children = tuple(_frozen(child, path) for child in node.children)
    return Node(node.name, path, node.text, {}, children, "", node.line)


# --- Statements ---------------------------------------------------------------------------------------


def _statement(node: Node) -> Part:
    currency_text = node.text_of("CURDEF")
    currency = currency_code(currency_text)
    if currency is None:
        raise node.refused(f"expected the statement's currency (CURDEF) such as USD, got '{currency_text}'")
    account = node.find("BANKACCTFROM") or node.find("CCACCTFROM")
    number = compact(account.text_of("ACCTID")) if account is not None else ""
    if not number:
        raise node.refused("expected the account (BANKACCTFROM or CCACCTFROM with ACCTID)")
    bank = account.text_of("BANKID") if account is not None else ""
    part = Part(node.line, None if node.line else node.path, iban_or_empty(number), number, currency)
    if bank and not part.account_iban:
        part.account = f"{bank}/{number}"
    listing = node.find("BANKTRANLIST")
    for entry in listing.all("STMTTRN") if listing is not None else ():
        part.entries.append(_entry(entry, currency))
    balance = node.find("LEDGERBAL")
    if balance is not None:
        part.closing = _amount(balance, "BALAMT", currency)
        part.statement_date = _day(balance, "DTASOF")
    return part


def _entry(node: Node, currency: str) -> BankTransaction:
    own = node.text_of("CURRENCY", "CURSYM")
    if own:
        found = currency_code(own)
        if found is None:
            raise node.refused(f"expected a currency code such as USD, got '{own}'")
        currency = found
    reference = node.text_of("FITID")
    if not reference:
        raise node.refused("expected the bank's identifier of the transaction (FITID)")
    booked = _day(node, "DTPOSTED")
    if booked is None:
        raise node.refused("expected the date the transaction was posted (DTPOSTED)")
    name = node.text_of("NAME") or node.text_of("PAYEE", "NAME")
    return BankTransaction(
        reference=reference,
        booked=booked,
        amount=_amount(node, "TRNAMT", currency),
        currency=currency,
        payer_name=" ".join(name.split()),
        payer_iban=iban_or_empty(node.text_of("BANKACCTTO", "ACCTID")),
        text=" ".join(node.text_of("MEMO").split()),
        line=node.line,
    )


def _amount(node: Node, name: str, currency: str) -> Decimal:
    found = node.find(name)
    if found is None:
        raise node.refused(f"expected the amount ({name})")
    # The specification allows a comma as the decimal mark; neither groups thousands.
    value = read_money(found.text, currency, ".,")
    if isinstance(value, str):
        raise found.refused(value)
    return value


def _day(node: Node, name: str) -> date | None:
    """``20261201``, ``20261201120000.000[-5:EST]``: the date the bank wrote, time and zone not applied."""
    found = node.find(name)
    if found is None:
        return None
    digits = found.text[:8]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise found.refused(f"expected a date like 20261231, got '{found.text}'") from None
