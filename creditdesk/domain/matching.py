"""What each credit on a bank statement pays: a pure decision over a snapshot of the books.

The rules, strongest first, for each credit in a canonical order (booking date,
then bank reference) so that the file's own order never changes the outcome:

1. *Known*: its bank reference was processed before, or came earlier in this batch.
2. The client is decided by a creditor reference CreditDesk issued, else by the
   invoice numbers the text names (all of one client), else by the payer's IBAN
   or name.
3. *Linked*: that client has a payment already recorded (by hand or by a CSV)
   of the same amount within ``LINK_WINDOW_DAYS`` of the booking; each such
   payment is linked once.
4. *Applied*: a creditor reference was quoted (its invoice gets up to its open
   amount, any excess stays on account), or the named invoices fit the amount:
   one invoice up to its open amount, or several whose open amounts add up to it.
5. *Suggested*: a named invoice that does not fit, or, with nothing named, an
   amount equal to one open invoice of the payer or to the payer's overdue total.
6. *Unmatched* otherwise.

Applied money is taken off the open amounts before the next credit is decided,
so invoices named twice are never paid twice; suggestions take nothing until
they are confirmed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from creditdesk.domain.allocation import Allocation
from creditdesk.domain.bank import BankTransaction
from creditdesk.domain.creditor_reference import normalise_creditor_reference, references_in_text
from creditdesk.domain.invoice_numbers import NumberIndex, settle

ZERO = Decimal(0)

# A payment typed in from a remittance advice or a cheque is often dated a few days away from its
# booking: SEPA books on the next business day, and a long weekend with holidays (Easter runs from
# Thursday to Tuesday) spans five calendar days. Wider would start linking a client's regular
# payments of the same amount to the wrong week.
LINK_WINDOW_DAYS = 5


class Outcome(StrEnum):
    APPLIED = "applied"
    SUGGESTED = "suggested"
    LINKED = "linked"
    KNOWN = "known"
    UNMATCHED = "unmatched"


class Reason(StrEnum):
    """Why a decision was taken, as a code the window and the CLI put into words."""

    CREDITOR_REFERENCE = "creditor_reference"
    INVOICE_NAMED = "invoice_named"
    PART_PAYMENT = "part_payment"
    INVOICES_NAMED = "invoices_named"
    AMOUNT_DOES_NOT_FIT = "amount_does_not_fit"
    INVOICE_ALREADY_PAID = "invoice_already_paid"
    INVOICES_OF_SEVERAL_CLIENTS = "invoices_of_several_clients"
    PAYER_IS_ANOTHER_CLIENT = "payer_is_another_client"
    SAME_AS_OPEN_INVOICE = "same_as_open_invoice"
    SAME_AS_OVERDUE_TOTAL = "same_as_overdue_total"
    RECORDED_PAYMENT = "recorded_payment"
    REFERENCE_PROCESSED = "reference_processed"
    REFERENCE_TWICE_IN_STATEMENT = "reference_twice_in_statement"
    PAYER_KNOWN_AMOUNT_UNFAMILIAR = "payer_known_amount_unfamiliar"
    PAYER_MATCHES_SEVERAL_CLIENTS = "payer_matches_several_clients"
    NUMBER_AMBIGUOUS = "number_ambiguous"
    NOTHING_RECOGNISED = "nothing_recognised"


@dataclass(frozen=True)
class OpenItem:
    """An open invoice as the matcher sees it."""

    invoice_id: int
    client_id: int
    number: str
    open_amount: Decimal
    due_date: date


@dataclass(frozen=True)
class ClientIdentity:
    """What tells a client's payments apart: its name, its known IBANs, the payer names assigned to it."""

    client_id: int
    name: str
    ibans: tuple[str, ...] = ()
    payer_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordedPayment:
    """A payment already in the books, which a bank credit may be the same money as."""

    payment_id: int
    client_id: int
    received: date
    amount: Decimal
    reference: str = ""


@dataclass(frozen=True)
class MatchingBooks:
    """The snapshot the matcher decides against; the service reads it in one transaction."""

    invoices: Sequence[OpenItem]
    clients: Sequence[ClientIdentity]
    creditor_references: Mapping[str, int] = field(default_factory=dict)  # RF… -> invoice id
    payments: Sequence[RecordedPayment] = ()  # those not linked to a bank entry yet
    known_references: frozenset[str] = frozenset()  # bank references processed before


@dataclass(frozen=True)
class MatchDecision:
    """What to do with one credit. ``allocations`` and ``on_account`` add up to its amount when
    applied or suggested; a suggestion's allocations are only proposed."""

    transaction: BankTransaction
    outcome: Outcome
    reason: Reason
    client_id: int | None = None
    allocations: tuple[Allocation, ...] = ()
    on_account: Decimal = ZERO
    payment_id: int | None = None

    @property
    def allocated(self) -> Decimal:
        return sum((a.amount for a in self.allocations), ZERO)


def match_transactions(
    transactions: Sequence[BankTransaction], books: MatchingBooks, as_of: date
) -> list[MatchDecision]:
    """One decision per credit, in the order given; overdue means due before ``as_of``, the statement date."""
    for entry in transactions:
        if not entry.is_credit:
            raise ValueError(f"only credits are matched; the entry {entry.reference!r} is a debit")
    matcher = _Matcher(books, as_of)
    order = sorted(range(len(transactions)), key=lambda i: _canonical_key(transactions[i]))
    decisions: dict[int, MatchDecision] = {}
    for i in order:
        decisions[i] = matcher.decide(transactions[i])
    return [decisions[i] for i in range(len(transactions))]


def _canonical_key(entry: BankTransaction) -> tuple[object, ...]:
    return (
        entry.booked,
        entry.reference,
        entry.amount,
        entry.currency,
        entry.payer_iban,
        entry.payer_name,
        entry.text,
        entry.creditor_reference,
        entry.line,
    )


def payer_name_key(name: str) -> str:
    """A name as compared with a payer's: case, accents, punctuation and spacing do not count."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


def iban_key(iban: str) -> str:
    return "".join(iban.split()).upper()


class _Matcher:
    """The indexes over the snapshot (each built once, in one pass) and what is still open."""

    def __init__(self, books: MatchingBooks, as_of: date) -> None:
        self.as_of = as_of
        self.invoices = {item.invoice_id: item for item in books.invoices}
        self.remaining = {item.invoice_id: item.open_amount for item in books.invoices}
        self.client_of = {item.invoice_id: item.client_id for item in books.invoices}
        self.by_client: dict[int, list[OpenItem]] = {}
        for item in sorted(books.invoices, key=lambda i: (i.due_date, i.invoice_id)):
            self.by_client.setdefault(item.client_id, []).append(item)
        self.numbers = NumberIndex((item.invoice_id, item.number) for item in books.invoices)
        self.references = {
            key: invoice_id
            for reference, invoice_id in books.creditor_references.items()
            if (key := normalise_creditor_reference(reference)) is not None
        }
        self.by_iban = _index((iban_key(i), c.client_id) for c in books.clients for i in c.ibans if i.strip())
        self.by_name = _index(
            (key, c.client_id)
            for c in books.clients
            for name in (c.name, *c.payer_names)
            if (key := payer_name_key(name))
        )
        self.payments: dict[tuple[int, Decimal], list[RecordedPayment]] = {}
        for payment in sorted(books.payments, key=lambda p: p.payment_id):
            self.payments.setdefault((payment.client_id, payment.amount), []).append(payment)
        self.linked: set[int] = set()
        self.known = books.known_references
        self.seen: set[str] = set()

    def decide(self, entry: BankTransaction) -> MatchDecision:
        if entry.reference in self.known:
            return MatchDecision(entry, Outcome.KNOWN, Reason.REFERENCE_PROCESSED)
        if entry.reference in self.seen:
            return MatchDecision(entry, Outcome.KNOWN, Reason.REFERENCE_TWICE_IN_STATEMENT)
        if entry.reference:  # a file without bank references cannot tell repeated entries apart
            self.seen.add(entry.reference)
        payer = self._payer_clients(entry)
        quoted, text = self._quoted_invoice(entry)
        named, ambiguous = settle(self.numbers.readings(text), self.client_of, payer)
        if quoted is not None and quoted not in named:
            named.insert(0, quoted)
        clients = {self.client_of[i] for i in named}
        if len(clients) > 1:
            return MatchDecision(entry, Outcome.UNMATCHED, Reason.INVOICES_OF_SEVERAL_CLIENTS)
        client = next(iter(clients)) if clients else (next(iter(payer)) if len(payer) == 1 else None)
        if client is not None:
            linked = self._link(entry, client)
            if linked is not None:
                return linked
        if named and client is not None:
            return self._named(entry, client, named, exact=quoted is not None, payer=payer)
        if client is not None:
            return self._by_payer(entry, client)
        if len(payer) > 1:
            return MatchDecision(entry, Outcome.UNMATCHED, Reason.PAYER_MATCHES_SEVERAL_CLIENTS)
        reason = Reason.NUMBER_AMBIGUOUS if ambiguous else Reason.NOTHING_RECOGNISED
        return MatchDecision(entry, Outcome.UNMATCHED, reason)

    def _payer_clients(self, entry: BankTransaction) -> frozenset[int]:
        """The clients the payer is known as: by IBAN first (narrowed by name when shared), then by name."""
        by_name = self.by_name.get(payer_name_key(entry.payer_name), frozenset())
        by_iban = self.by_iban.get(iban_key(entry.payer_iban), frozenset())
        if by_iban:
            return by_iban & by_name if len(by_iban) > 1 and by_iban & by_name else by_iban
        return by_name

    def _quoted_invoice(self, entry: BankTransaction) -> tuple[int | None, str]:
        """The open invoice whose creditor reference the entry quotes (in its field, else its text),
        and the text left to read invoice numbers in."""
        quoted = self._issued(normalise_creditor_reference(entry.creditor_reference))
        text = entry.text.upper()  # the places found are places in the capitalised text
        for place in references_in_text(text):
            for reference, end in place.readings:
                invoice_id = self._issued(reference)
                if invoice_id is not None:
                    quoted = invoice_id if quoted is None else quoted
                    text = _without(text, place.start, end)
                    break
        return quoted, text

    def _issued(self, reference: str | None) -> int | None:
        invoice_id = self.references.get(reference) if reference is not None else None
        return invoice_id if invoice_id is not None and invoice_id in self.invoices else None

    def _link(self, entry: BankTransaction, client: int) -> MatchDecision | None:
        best: RecordedPayment | None = None
        best_key: tuple[int, int, int] | None = None
        for payment in self.payments.get((client, entry.amount), ()):
            days = abs((payment.received - entry.booked).days)
            if payment.payment_id in self.linked or days > LINK_WINDOW_DAYS:
                continue
            key = (
                0 if payment.reference and payment.reference == entry.reference else 1,
                days,
                payment.payment_id,
            )
            if best_key is None or key < best_key:
                best, best_key = payment, key
        if best is None:
            return None
        self.linked.add(best.payment_id)
        return MatchDecision(
            entry, Outcome.LINKED, Reason.RECORDED_PAYMENT, client_id=client, payment_id=best.payment_id
        )

    def _named(
        self, entry: BankTransaction, client: int, named: list[int], *, exact: bool, payer: frozenset[int]
    ) -> MatchDecision:
        targets = sorted(named, key=lambda i: (self.invoices[i].due_date, i))
        still_open = [i for i in targets if self.remaining[i] > ZERO]
        amount = entry.amount
        if not still_open:
            return self._proposal(entry, client, [], Reason.INVOICE_ALREADY_PAID)
        if exact:
            return self._apply(entry, client, still_open, Reason.CREDITOR_REFERENCE)
        if payer and client not in payer:
            return self._proposal(entry, client, still_open, Reason.PAYER_IS_ANOTHER_CLIENT)
        total = sum((self.remaining[i] for i in still_open), ZERO)
        if len(targets) == 1 and amount <= total:
            reason = Reason.INVOICE_NAMED if amount == total else Reason.PART_PAYMENT
            return self._apply(entry, client, still_open, reason)
        if len(targets) > 1 and len(still_open) == len(targets) and amount == total:
            return self._apply(entry, client, still_open, Reason.INVOICES_NAMED)
        return self._proposal(entry, client, still_open, Reason.AMOUNT_DOES_NOT_FIT)

    def _by_payer(self, entry: BankTransaction, client: int) -> MatchDecision:
        open_items = [i for i in self.by_client.get(client, ()) if self.remaining[i.invoice_id] > ZERO]
        for item in open_items:
            if self.remaining[item.invoice_id] == entry.amount:
                return self._proposal(entry, client, [item.invoice_id], Reason.SAME_AS_OPEN_INVOICE)
        overdue = [i.invoice_id for i in open_items if i.due_date < self.as_of]
        if overdue and sum((self.remaining[i] for i in overdue), ZERO) == entry.amount:
            return self._proposal(entry, client, overdue, Reason.SAME_AS_OVERDUE_TOTAL)
        return MatchDecision(entry, Outcome.UNMATCHED, Reason.PAYER_KNOWN_AMOUNT_UNFAMILIAR, client_id=client)

    def _spread(self, amount: Decimal, invoice_ids: Iterable[int]) -> tuple[tuple[Allocation, ...], Decimal]:
        """Up to each invoice's open amount in the order given; what is left over stays on account."""
        left = amount
        allocations: list[Allocation] = []
        for invoice_id in invoice_ids:
            share = min(left, self.remaining[invoice_id])
            if share > ZERO:
                allocations.append(Allocation(invoice_id, share))
                left -= share
        return tuple(allocations), left

    def _apply(
        self, entry: BankTransaction, client: int, invoice_ids: list[int], reason: Reason
    ) -> MatchDecision:
        allocations, left = self._spread(entry.amount, invoice_ids)
        for allocation in allocations:
            self.remaining[allocation.invoice_id] -= allocation.amount
        return MatchDecision(entry, Outcome.APPLIED, reason, client, allocations, left)

    def _proposal(
        self, entry: BankTransaction, client: int, invoice_ids: list[int], reason: Reason
    ) -> MatchDecision:
        allocations, left = self._spread(entry.amount, invoice_ids)
        return MatchDecision(entry, Outcome.SUGGESTED, reason, client, allocations, left)


def _index(pairs: Iterable[tuple[str, int]]) -> dict[str, frozenset[int]]:
    found: dict[str, set[int]] = {}
    for key, client_id in pairs:
        found.setdefault(key, set()).add(client_id)
    return {key: frozenset(ids) for key, ids in found.items()}


def _without(text: str, start: int, end: int) -> str:
    """The text with a quoted reference blanked, so its digits are not read as invoice numbers."""
    return text[:start] + " " * (end - start) + text[end:]
