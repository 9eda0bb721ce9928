"""SWIFT MT940 customer statements, as banks hand them out (with or without the SWIFT envelope).

Fields: ``:20:`` starts a statement, ``:25:`` the account, ``:60F:``/``:60M:``
the opening balance, ``:61:`` an entry, the ``:86:`` after it its details,
``:62F:``/``:62M:`` the closing balance. A file of several statements (one a
day) is read as one statement of the account, each checked against its own
balances. ``:86:`` comes in three shapes, all read: the German one of
numbered sub-fields (``?20``-``?29`` remittance, ``?31`` IBAN, ``?32``/``?33``
name, with SEPA keys such as ``SVWZ+``), the slash-keyed one of Dutch banks
(``/REMI/``, ``/NAME/``, ``/IBAN/``, ``/CNTP/``), and free text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from creditdesk.domain.bank import BankStatement, BankTransaction
from creditdesk.imports.bank.checks import Part, joined, stop
from creditdesk.imports.bank.iban import compact, is_iban
from creditdesk.imports.bank.keys import DerivedKeys
from creditdesk.imports.bank.money import currency_code, read_money
from creditdesk.imports.bank.remittance import Details, read_details

_FIELD = re.compile(r":(\d{2}[A-Z]?|NS):(.*)")
# The SWIFT envelope: blocks {1:...}{2:...}{4: before the text, -} and a trailer {5:...} after it.
_BLOCKS = re.compile(r"^(?:\{[1-5]:(?:[^{}]|\{[^{}]*\})*\}?)+")
_END = re.compile(r"-\}?(?:\{5:.*)?")
_BALANCE = re.compile(r"([CD])(\d{6})([A-Z]{3})(\d[\d,]*)")
_ENTRY = re.compile(
    r"(?P<value>\d{6})(?P<entry>\d{4})?(?P<mark>RC|RD|C|D)(?P<funds>[A-Z])?(?P<amount>\d[\d,]*)"
    r"(?P<type>[NSF][A-Z0-9]{3})(?P<rest>.*)"
)
_ENTRY_EXAMPLE = "2612011201C1234,50NTRFNONREF//BANKREF"
_NO_REFERENCE = "NONREF"
_EMPTY = "the file holds no statement (:20: field); export the statement again from your bank"


@dataclass
class _Field:
    tag: str
    value: str
    line: int


def read_mt940(data: bytes) -> BankStatement:
    fields = _fields(_decoded(data))
    blocks: list[list[_Field]] = []
    for found in fields:
        if found.tag == "20" or not blocks:
            blocks.append([])
        blocks[-1].append(found)
    keys: dict[str, DerivedKeys] = {}  # one count of alike entries per account, across the statements
    return joined("mt940", [_Block(block, keys).read() for block in blocks], empty=_EMPTY)


def _decoded(data: bytes) -> str:
    """SWIFT text is ASCII; German banks send their umlauts in UTF-8 or Windows-1252."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _fields(text: str) -> list[_Field]:
    """The tagged fields with their continuation lines; the SWIFT envelope ``{1:...}{4:`` is set aside."""
    found: list[_Field] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.startswith("{"):
            line = _BLOCKS.sub("", line).strip()
        if not line or _END.fullmatch(line):
            continue
        tagged = _FIELD.match(line)
        if tagged is not None:
            found.append(_Field(tagged.group(1), tagged.group(2), number))
        elif found:
            found[-1].value += "\n" + line
        else:
            raise stop(f"expected an MT940 field such as :20:, got '{line[:40]}'", line=number)
    if not found:
        raise stop("the file holds no MT940 fields; export the statement again from your bank")
    return found


class _Block:
    """One statement, from its ``:20:`` to the next."""

    def __init__(self, fields: list[_Field], keys: dict[str, DerivedKeys]) -> None:
        self.fields = fields
        self.part = Part(fields[0].line, None, "", "", "")
        self.all_keys = keys
        self.keys = keys.setdefault("", DerivedKeys(""))
        self.last: _Entry | None = None
        self.entries: list[_Entry] = []

    def read(self) -> Part:
        part = self.part
        for found in self.fields:
            tag = found.tag
            if tag == "25":
                self._account(found)
            elif tag in ("60F", "60M"):
                part.opening, currency, _ = self._balance(found)
                part.currency = part.currency or currency
            elif tag in ("62F", "62M"):
                part.closing, currency, part.statement_date = self._balance(found)
                self.last = None  # a :86: after the closing balance is about the statement
                if part.currency and currency != part.currency:
                    raise stop(
                        f"the closing balance is in {currency} but the opening balance in {part.currency}",
                        line=found.line,
                    )
            elif tag == "61":
                self.last = self._entry(found)
                self.entries.append(self.last)
            elif tag == "86" and self.last is not None:
                self.last.details = found.value
                self.last = None
        if not part.currency:
            raise stop("expected an opening balance (:60F:) naming the currency", line=part.line)
        part.entries = [self._made(entry) for entry in self.entries]
        return part

    def _account(self, found: _Field) -> None:
        account = compact(found.value)
        if not is_iban(account) and currency_code(account[-3:]) is not None and is_iban(account[:-3]):
            account = account[:-3]  # Dutch banks write the account's currency after it: NL20INGB0001234567EUR
        self.part.account = account
        self.part.account_iban = account if is_iban(account) else ""
        self.keys = self.all_keys.setdefault(account, DerivedKeys(account))

    def _balance(self, found: _Field) -> tuple[Decimal, str, date]:
        shape = _BALANCE.fullmatch(found.value.strip())
        if shape is None:
            raise stop(
                f"expected a balance like C261130EUR1234,56, got '{found.value.strip()}'", line=found.line
            )
        mark, day, currency_text, amount_text = shape.groups()
        currency = currency_code(currency_text)
        if currency is None:
            raise stop(f"'{currency_text}' is not a currency code", line=found.line)
        amount = _amount(amount_text, currency, found.line)
        return (-amount if mark == "D" else amount), currency, _date(day, found.line)

    def _entry(self, found: _Field) -> _Entry:
        first, _, supplementary = found.value.partition("\n")
        shape = _ENTRY.fullmatch(first.strip())
        if shape is None:
            raise stop(f"expected an entry like {_ENTRY_EXAMPLE}, got '{first.strip()}'", line=found.line)
        if not self.part.currency:
            raise stop("expected the opening balance (:60F:) before the first entry", line=found.line)
        value = _date(shape["value"], found.line)
        booked = _entry_date(shape["entry"], value, found.line) if shape["entry"] else value
        amount = _amount(shape["amount"], self.part.currency, found.line)
        mark = shape["mark"]
        # C and RD (a debit reversed) bring money in; D and RC (a credit reversed) take it out.
        signed = amount if mark in ("C", "RD") else -amount
        customer, _, bank = shape["rest"].partition("//")
        return _Entry(
            found.line, booked, signed, mark.startswith("R"), customer.strip(), bank.strip(), supplementary
        )

    def _made(self, entry: _Entry) -> BankTransaction:
        details = read_details(entry.details) if entry.details else Details(text=entry.supplementary.strip())
        reference = entry.bank if entry.bank and entry.bank != _NO_REFERENCE else ""
        derived = not reference
        if derived:  # the :61: names no bank reference: the entry's own content does
            reference = self.keys.key(entry.booked, entry.amount, f"{entry.customer} {entry.details}")
        return BankTransaction(
            reference=reference,
            booked=entry.booked,
            amount=entry.amount,
            currency=self.part.currency,
            payer_name=details.name,
            payer_iban=details.iban,
            text=details.text,
            creditor_reference=details.creditor_reference,
            line=entry.line,
            reversal=entry.reversal,
            reference_derived=derived,
        )


@dataclass
class _Entry:
    line: int
    booked: date
    amount: Decimal
    reversal: bool
    customer: str
    bank: str
    supplementary: str
    details: str = ""


def _amount(text: str, currency: str, line: int) -> Decimal:
    if "," not in text:
        raise stop(f"expected an amount with a decimal comma like 1234,50, got '{text}'", line=line)
    value = read_money(text, currency, ",")
    if isinstance(value, str):
        raise stop(value, line=line)
    return value


def _date(text: str, line: int) -> date:
    """YYMMDD; SWIFT years are 2000-2079 and 1980-1999."""
    year = int(text[:2])
    try:
        return date(2000 + year if year < 80 else 1900 + year, int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise stop(f"expected a date like 261231 (YYMMDD), got '{text}'", line=line) from None


def _entry_date(text: str, value: date, line: int) -> date:
    """MMDD in the year that puts it nearest the value date (booked on 31 Dec, valued on 2 Jan)."""
    month, day = int(text[:2]), int(text[2:])
    year = value.year + (1 if month - value.month < -6 else -1 if month - value.month > 6 else 0)
    try:
        return date(year, month, day)
    except ValueError:
        raise stop(f"expected an entry date like 1231 (MMDD), got '{text}'", line=line) from None
