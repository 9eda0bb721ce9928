"""Invariants of the matcher over random books and random statements that name their invoices often."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from creditdesk.domain.bank import BankTransaction
from creditdesk.domain.creditor_reference import creditor_reference, printed_creditor_reference
from creditdesk.domain.matching import (
    ClientIdentity,
    MatchDecision,
    MatchingBooks,
    OpenItem,
    Outcome,
    RecordedPayment,
    match_transactions,
)

START = date(2026, 3, 1)
AS_OF = date(2026, 3, 31)
CLIENT_IDS = (1, 2, 3)
IBANS = {1: "DE89370400440532013000", 2: "GB82WEST12345698765432", 3: "FR1420041010050500013M02606"}
REFERENCES = tuple(f"BANK-{n}" for n in range(8))

common_amounts = st.sampled_from([D("80.00"), D("250.00")])
cents = st.integers(min_value=1, max_value=50_000).map(lambda c: D(c).scaleb(-2))
days = st.integers(min_value=0, max_value=40).map(lambda d: START + timedelta(days=d))


@st.composite
def snapshots(draw: st.DrawFn) -> MatchingBooks:
    count = draw(st.integers(min_value=0, max_value=10))
    # Few prefixes and numbers, so that last digits are often shared and amounts often repeat.
    numbers = draw(
        st.lists(
            st.tuples(st.sampled_from(["A-", "B-", "INV-", ""]), st.integers(min_value=1000, max_value=1006)),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    invoices = tuple(
        OpenItem(
            invoice_id=index + 1,
            client_id=draw(st.sampled_from(CLIENT_IDS)),
            number=f"{prefix}{value}",
            open_amount=draw(common_amounts | cents),
            due_date=draw(days),
        )
        for index, (prefix, value) in enumerate(numbers)
    )
    clients = tuple(ClientIdentity(c, f"Client {c}", ibans=(IBANS[c],)) for c in CLIENT_IDS)
    payments = tuple(
        RecordedPayment(100 + n, draw(st.sampled_from(CLIENT_IDS)), draw(days), draw(common_amounts | cents))
        for n in range(draw(st.integers(min_value=0, max_value=3)))
    )
    return MatchingBooks(
        invoices=invoices,
        clients=clients,
        creditor_references={creditor_reference(i.number): i.invoice_id for i in invoices},
        payments=payments,
        known_references=frozenset(draw(st.lists(st.sampled_from(REFERENCES), max_size=2))),
    )


def spellings(number: str) -> st.SearchStrategy[str]:
    digits = number.rsplit("-", 1)[-1]
    return st.sampled_from(
        [number, number.lower().replace("-", " "), number.replace("-", ""), f"#{digits}", f"INV {number}"]
    )


@st.composite
def statements(draw: st.DrawFn, books: MatchingBooks) -> list[BankTransaction]:
    entries = []
    for line in range(draw(st.integers(min_value=0, max_value=8))):
        named = draw(st.lists(st.sampled_from(books.invoices), max_size=3)) if books.invoices else []
        text = " ".join(draw(spellings(invoice.number)) for invoice in named)
        amount = draw(
            st.sampled_from([sum((i.open_amount for i in named), D(0)), D("80.00"), D("250.00")]) | cents
        ).max(D("0.01"))
        quoted = ""
        quote_it = draw(st.booleans())
        if named and quote_it:
            quoted = creditor_reference(named[0].number)
            if draw(st.booleans()):
                text, quoted = f"{text} {printed_creditor_reference(quoted)}", ""
        entries.append(
            BankTransaction(
                reference=draw(st.sampled_from(REFERENCES) | st.just(f"E{line}")),
                booked=draw(days),
                amount=amount,
                currency="EUR",
                payer_name=draw(st.sampled_from(["", "Client 1", "client 2", "Stranger"])),
                payer_iban=draw(st.sampled_from(["", *IBANS.values()])),
                text=text,
                creditor_reference=quoted,
                line=line + 1,
            )
        )
    return entries


@st.composite
def cases(draw: st.DrawFn) -> tuple[MatchingBooks, list[BankTransaction]]:
    books = draw(snapshots())
    return books, draw(statements(books))


def applied(decisions: list[MatchDecision]) -> list[MatchDecision]:
    return [d for d in decisions if d.outcome is Outcome.APPLIED]


@given(cases())
def test_never_applies_more_than_a_transaction_brings(
    case: tuple[MatchingBooks, list[BankTransaction]],
) -> None:
    books, entries = case
    for decision in match_transactions(entries, books, AS_OF):
        assert all(a.amount > 0 for a in decision.allocations)
        assert decision.allocated <= decision.transaction.amount
        if decision.outcome in (Outcome.APPLIED, Outcome.SUGGESTED):
            assert decision.on_account >= 0
            assert decision.allocated + decision.on_account == decision.transaction.amount
        else:
            assert decision.allocations == ()


@given(cases())
def test_never_applies_more_to_an_invoice_than_it_has_open(
    case: tuple[MatchingBooks, list[BankTransaction]],
) -> None:
    books, entries = case
    open_amounts = {i.invoice_id: i.open_amount for i in books.invoices}
    paid: dict[int, D] = {}
    decisions = match_transactions(entries, books, AS_OF)
    for decision in applied(decisions):
        for allocation in decision.allocations:
            paid[allocation.invoice_id] = paid.get(allocation.invoice_id, D(0)) + allocation.amount
    for invoice_id, amount in paid.items():
        assert amount <= open_amounts[invoice_id]
    for decision in decisions:  # a suggestion never proposes more than the invoice had open either
        for allocation in decision.allocations:
            assert allocation.amount <= open_amounts[allocation.invoice_id]


@given(cases())
def test_money_goes_only_to_invoices_of_the_client_decided(
    case: tuple[MatchingBooks, list[BankTransaction]],
) -> None:
    books, entries = case
    client_of = {i.invoice_id: i.client_id for i in books.invoices}
    for decision in match_transactions(entries, books, AS_OF):
        if decision.allocations:
            assert decision.client_id is not None
            assert {client_of[a.invoice_id] for a in decision.allocations} == {decision.client_id}


@given(cases().flatmap(lambda case: st.tuples(st.just(case), st.permutations(case[1]))))
def test_the_same_decisions_whatever_the_order_of_the_file(
    data: tuple[tuple[MatchingBooks, list[BankTransaction]], list[BankTransaction]],
) -> None:
    (books, entries), shuffled = data
    assert Counter(match_transactions(entries, books, AS_OF)) == Counter(
        match_transactions(shuffled, books, AS_OF)
    )


@given(cases())
def test_a_known_reference_is_always_known(case: tuple[MatchingBooks, list[BankTransaction]]) -> None:
    books, entries = case
    for decision in match_transactions(entries, books, AS_OF):
        if decision.transaction.reference in books.known_references:
            assert decision.outcome is Outcome.KNOWN


@given(cases())
def test_each_recorded_payment_is_linked_at_most_once(
    case: tuple[MatchingBooks, list[BankTransaction]],
) -> None:
    books, entries = case
    linked = [d.payment_id for d in match_transactions(entries, books, AS_OF) if d.outcome is Outcome.LINKED]
    assert None not in linked
    assert len(linked) == len(set(linked))
