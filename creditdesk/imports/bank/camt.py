"""ISO 20022 CAMT.053 (bank-to-customer statement) and CAMT.054 (debit/credit notification), 001.02 to 001.08.

Every version names its elements alike; what moved between them is handled
where it moved: the debtor's name (``Dbtr/Nm`` up to .07, ``Dbtr/Pty/Nm`` in
.08), an entry's status (``Sts`` text, ``Sts/Cd`` from .08), a transaction's
amount (``AmtDtls/TxAmt/Amt`` or ``Amt``). Only booked entries are read:
pending and information-only ones are not in the balances and pay nothing.
A batch entry (several ``TxDtls``) gives one transaction each.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from creditdesk.domain.bank import BankStatement, BankTransaction
from creditdesk.imports.bank.checks import Part, joined, stop
from creditdesk.imports.bank.iban import compact, iban_or_empty
from creditdesk.imports.bank.keys import DerivedKeys
from creditdesk.imports.bank.kinds import ACCEPTED, CAMT_NAMESPACE
from creditdesk.imports.bank.money import currency_code, read_money
from creditdesk.imports.bank.xml_tree import Node, parse_xml

_MESSAGES = {"053": ("BkToCstmrStmt", "Stmt"), "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn")}
_EMPTY = {
    "053": "the file holds no statement (Stmt element); export the statement again from your bank",
    "054": "the file holds no notification (Ntfctn element); export it again from your bank",
}
_BOOKED = ("", "BOOK")
_OPENING = ("OPBD", "PRCD")  # opening booked; some banks state only the previous day's closing
_CLOSING = "CLBD"


def read_camt(data: bytes) -> BankStatement:
    root = parse_xml(data)
    found = CAMT_NAMESPACE.fullmatch(root.namespace)
    if root.name != "Document" or found is None:
        named = root.namespace or "none"
        raise stop(
            f"this XML is not a CAMT.053 or CAMT.054 statement (its namespace is {named}); "
            f"CreditDesk reads {ACCEPTED}, CAMT in versions 001.02 to 001.08",
            element=root.path,
        )
    kind = found.group(1)
    message, item = _MESSAGES[kind]
    body = root.find(message)
    if body is None:
        raise stop(
            f"expected the element {message}, which a camt.{kind} file holds", element=root.where(message)
        )
    parts = [_Statement(node).read() for node in body.all(item)]
    return joined(f"camt.{kind}", parts, empty=_EMPTY[kind])


class _Statement:
    def __init__(self, node: Node) -> None:
        self.node = node
        account = node.find("Acct")
        if account is None:
            raise stop("expected the account (Acct) of the statement", element=node.where("Acct"))
        self.iban = iban_or_empty(account.text_of("Id", "IBAN"))
        self.account = compact(account.text_of("Id", "IBAN") or account.text_of("Id", "Othr", "Id"))
        stated = account.text_of("Ccy")
        self.currency = _currency(stated, account.where("Ccy")) if stated else ""
        self.keys = DerivedKeys(self.account)

    def read(self) -> Part:
        part = Part(0, self.node.path, self.iban, self.account, self.currency)
        for balance in self.node.all("Bal"):
            self._balance(balance, part)
        if part.statement_date is None:
            part.statement_date = _day(self.node.text_of("CreDtTm"), self.node.where("CreDtTm"))
        for entry in self.node.all("Ntry"):
            status = entry.text_of("Sts") or entry.text_of("Sts", "Cd")
            if status in _BOOKED:
                part.entries.extend(self._entry(entry))
        return part

    def _balance(self, balance: Node, part: Part) -> None:
        code = balance.text_of("Tp", "CdOrPrtry", "Cd")
        if code not in (*_OPENING, _CLOSING):
            return
        amount, currency = _amount(balance)
        if not self.currency:
            self.currency = part.currency = currency
        elif currency != self.currency:
            raise stop(
                f"this balance is in {currency} but the account is in {self.currency}",
                element=balance.where("Amt"),
            )
        if code == _CLOSING:
            part.closing = amount
            part.statement_date = _day(
                balance.text_of("Dt", "Dt") or balance.text_of("Dt", "DtTm"), balance.path
            )
        elif part.opening is None or code == "OPBD":
            part.opening = amount

    def _entry(self, entry: Node) -> list[BankTransaction]:
        amount, currency = _amount(entry)
        self._one_currency(currency, entry.where("Amt"))
        reversal = entry.text_of("RvslInd").lower() in ("true", "1")
        booked = _day(
            entry.text_of("BookgDt", "Dt")
            or entry.text_of("BookgDt", "DtTm")
            or entry.text_of("ValDt", "Dt")
            or entry.text_of("ValDt", "DtTm"),
            entry.where("BookgDt"),
        )
        if booked is None:
            raise stop(
                "expected the booking date (BookgDt/Dt or DtTm) of the entry", element=entry.where("BookgDt")
            )
        reference = entry.text_of("AcctSvcrRef")
        details = [tx for group in entry.all("NtryDtls") for tx in group.all("TxDtls")]
        note = entry.text_of("AddtlNtryInf")
        if len(details) <= 1:
            tx = details[0] if details else None
            own = tx.text_of("Refs", "AcctSvcrRef") if tx is not None else ""
            return [self._made(tx, own or reference, booked, amount, currency, reversal, note)]
        made = []
        for index, tx in enumerate(details, start=1):
            found = tx.find("Amt") or tx.find("AmtDtls", "TxAmt", "Amt")
            if found is None:
                raise stop(
                    "expected the amount of each transaction of a batch entry", element=tx.where("Amt")
                )
            value, value_currency = _money(found)
            self._one_currency(value_currency, found.path)
            indicator = tx.text_of("CdtDbtInd") or entry.text_of("CdtDbtInd")
            signed = _signed(value, indicator, tx.where("CdtDbtInd"))
            own = tx.text_of("Refs", "AcctSvcrRef") or (f"{reference}/{index}" if reference else "")
            # The entry's own note describes the batch, not each of its transactions.
            made.append(self._made(tx, own, booked, signed, value_currency, reversal, ""))
        total = sum((item.amount for item in made), Decimal(0))
        if total != amount:
            raise stop(
                f"the batch entry is {amount:f} but its transactions add up to {total:f}; "
                "export the file again",
                element=entry.path,
            )
        return made

    def _one_currency(self, currency: str, where: str) -> None:
        if self.currency and currency != self.currency:
            raise stop(
                f"this amount is in {currency} but the account is in {self.currency}; "
                "CreditDesk reads a statement of one account in one currency",
                element=where,
            )

    def _made(
        self,
        tx: Node | None,
        reference: str,
        booked: date,
        amount: Decimal,
        currency: str,
        reversal: bool,
        note: str,
    ) -> BankTransaction:
        name, iban = _counterparty(tx, amount) if tx is not None else ("", "")
        remittance = tx.find("RmtInf") if tx is not None else None
        text = " ".join(" ".join(node.text.split()) for node in remittance.all("Ustrd")) if remittance else ""
        creditor = _creditor_reference(remittance) if remittance is not None else ""
        text = text or (tx.text_of("AddtlTxInf") if tx is not None else "") or note
        derived = not reference
        if derived:
            reference = self.keys.key(booked, amount, f"{name} {text} {creditor}")
        return BankTransaction(
            reference=reference,
            booked=booked,
            amount=amount,
            currency=currency,
            payer_name=name,
            payer_iban=iban,
            text=text,
            creditor_reference=creditor,
            reversal=reversal,
            reference_derived=derived,
        )


def _counterparty(tx: Node, amount: Decimal) -> tuple[str, str]:
    """The other party: who paid for money in, who was paid for money out (the other one failing that)."""
    parties = tx.find("RltdPties")
    if parties is None:
        return "", ""
    order = ("Dbtr", "Cdtr") if amount > 0 else ("Cdtr", "Dbtr")
    for role in order:
        party = parties.find(role)
        if party is None:
            continue
        name = party.text_of("Nm") or party.text_of("Pty", "Nm")
        account = parties.text_of(f"{role}Acct", "Id", "IBAN")
        return " ".join(name.split()), compact(account)
    return "", ""


def _creditor_reference(remittance: Node) -> str:
    for structured in remittance.all("Strd"):
        found = structured.text_of("CdtrRefInf", "Ref")
        if found:
            return compact(found)
    return ""


def _amount(node: Node) -> tuple[Decimal, str]:
    """An entry's or a balance's amount with its sign from ``CdtDbtInd``, and its currency."""
    found = node.find("Amt")
    if found is None:
        raise stop("expected an amount (Amt)", element=node.where("Amt"))
    value, currency = _money(found)
    return _signed(value, node.text_of("CdtDbtInd"), node.where("CdtDbtInd")), currency


def _money(node: Node) -> tuple[Decimal, str]:
    currency = _currency(node.attributes.get("Ccy", ""), node.path + "@Ccy")
    value = read_money(node.text, currency)
    if isinstance(value, str):
        raise stop(value, element=node.path)
    if value < 0:
        raise stop(
            f"expected an amount without a sign (CdtDbtInd says which way), got '{node.text}'",
            element=node.path,
        )
    return value, currency


def _signed(value: Decimal, indicator: str, where: str) -> Decimal:
    if indicator == "CRDT":
        return value
    if indicator == "DBIT":
        return -value
    raise stop(f"expected CRDT or DBIT, got '{indicator}'", element=where)


def _currency(text: str, where: str) -> str:
    code = currency_code(text)
    if code is None:
        raise stop(f"expected a currency code such as EUR, got '{text}'", element=where)
    return code


def _day(text: str, where: str) -> date | None:
    """``2026-12-01`` or ``2026-12-01T10:15:00+01:00``: the date the bank wrote, time zone not applied."""
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise stop(f"expected a date like 2026-12-31, got '{text}'", element=where) from None
