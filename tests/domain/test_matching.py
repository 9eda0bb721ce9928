from datetime import date
from decimal import Decimal as D

import pytest

from creditdesk.domain.allocation import Allocation
from creditdesk.domain.bank import BankTransaction
from creditdesk.domain.creditor_reference import creditor_reference, printed_creditor_reference
from creditdesk.domain.matching import (
    LINK_WINDOW_DAYS,
    MatchDecision,
    MatchingBooks,
    Outcome,
    Reason,
    RecordedPayment,
    match_transactions,
)
from tests.domain.matching_factories import (
    ACME,
    ACME_IBAN,
    BOLT,
    BOLT_IBAN,
    STATEMENT_DATE,
    books,
    credit,
)


def decide(entry: BankTransaction, snapshot: MatchingBooks | None = None) -> MatchDecision:
    [decision] = match_transactions([entry], snapshot or books(), STATEMENT_DATE)
    return decision


# --- applied ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["INV A-1002", "a 1002", "A1002", "Invoice A/1002 thank you", "#1002"])
def test_an_invoice_named_however_written_is_paid_in_full(text: str) -> None:
    decision = decide(credit("250.00", text))
    assert decision.outcome is Outcome.APPLIED
    assert decision.reason is Reason.INVOICE_NAMED
    assert decision.client_id == ACME
    assert decision.allocations == (Allocation(2, D("250.00")),)
    assert decision.on_account == 0


def test_less_than_the_named_invoice_is_a_part_payment() -> None:
    decision = decide(credit("100.00", "A-1002"))
    assert (decision.outcome, decision.reason) == (Outcome.APPLIED, Reason.PART_PAYMENT)
    assert decision.allocations == (Allocation(2, D("100.00")),)


def test_several_named_invoices_whose_open_amounts_add_up_are_all_paid() -> None:
    decision = decide(credit("350.00", "Invoices A-1002 and A-1001"))
    assert (decision.outcome, decision.reason) == (Outcome.APPLIED, Reason.INVOICES_NAMED)
    assert decision.allocations == (Allocation(1, D("100.00")), Allocation(2, D("250.00")))


def test_a_quoted_creditor_reference_is_exact_and_the_excess_stays_on_account() -> None:
    reference = creditor_reference("A-1003")
    decision = decide(credit("100.00", creditor_ref=reference))
    assert (decision.outcome, decision.reason) == (Outcome.APPLIED, Reason.CREDITOR_REFERENCE)
    assert decision.client_id == ACME
    assert decision.allocations == (Allocation(3, D("80.00")),)
    assert decision.on_account == D("20.00")


def test_a_creditor_reference_in_the_text_counts_and_its_digits_name_nothing_else() -> None:
    text = f"Payment {printed_creditor_reference(creditor_reference('B-2001'))}"
    decision = decide(credit("1200.00", text, payer_name="Someone Else"))
    assert (decision.outcome, decision.reason) == (Outcome.APPLIED, Reason.CREDITOR_REFERENCE)
    assert decision.allocations == (Allocation(5, D("1200.00")),)


def test_a_creditor_reference_quoting_a_paid_invoice_falls_back_to_the_other_rules() -> None:
    paid = creditor_reference("A-0999")  # issued once, no longer open
    snapshot = books()
    snapshot = MatchingBooks(
        snapshot.invoices, snapshot.clients, {**snapshot.creditor_references, paid: 99}, (), frozenset()
    )
    decision = decide(credit("80.00", creditor_ref=paid, payer_iban=BOLT_IBAN), snapshot)
    assert (decision.outcome, decision.reason) == (Outcome.SUGGESTED, Reason.SAME_AS_OPEN_INVOICE)
    assert decision.allocations == (Allocation(4, D("80.00")),)


# --- suggested -------------------------------------------------------------------------------------


def test_more_than_the_named_invoice_is_suggested_with_the_excess_on_account() -> None:
    decision = decide(credit("300.00", "A-1002"))
    assert (decision.outcome, decision.reason) == (Outcome.SUGGESTED, Reason.AMOUNT_DOES_NOT_FIT)
    assert decision.allocations == (Allocation(2, D("250.00")),)
    assert decision.on_account == D("50.00")


def test_several_named_invoices_that_do_not_add_up_are_suggested() -> None:
    decision = decide(credit("300.00", "A-1001 A-1002"))
    assert (decision.outcome, decision.reason) == (Outcome.SUGGESTED, Reason.AMOUNT_DOES_NOT_FIT)
    assert decision.allocations == (Allocation(1, D("100.00")), Allocation(2, D("200.00")))


def test_a_known_iban_and_the_amount_of_one_open_invoice_is_suggested() -> None:
    decision = decide(credit("1200.00", "thanks", payer_iban="GB82 WEST 1234 5698 7654 32"))
    assert (decision.outcome, decision.reason) == (Outcome.SUGGESTED, Reason.SAME_AS_OPEN_INVOICE)
    assert (decision.client_id, decision.allocations) == (BOLT, (Allocation(5, D("1200.00")),))


def test_a_known_payer_name_and_the_overdue_total_is_suggested() -> None:
    # A-1001 and A-1002 are overdue on the statement's date; A-1003 is not due yet.
    decision = decide(credit("350.00", payer_name="ACME  Trading"))
    assert (decision.outcome, decision.reason) == (Outcome.SUGGESTED, Reason.SAME_AS_OVERDUE_TOTAL)
    assert decision.allocations == (Allocation(1, D("100.00")), Allocation(2, D("250.00")))


def test_the_client_name_itself_identifies_the_payer_whatever_the_case_and_accents() -> None:
    decision = decide(credit("1200.00", payer_name="BOLT & NUT GMBH"))
    assert decision.client_id == BOLT
    decision = decide(credit("1200.00", payer_name="bolt & nüt gmbh"))
    assert decision.client_id == BOLT


def test_a_named_invoice_of_another_client_than_the_payer_is_only_suggested() -> None:
    decision = decide(credit("80.00", "B-1003", payer_iban=ACME_IBAN))
    assert (decision.outcome, decision.reason) == (Outcome.SUGGESTED, Reason.PAYER_IS_ANOTHER_CLIENT)
    assert decision.client_id == BOLT


def test_an_invoice_named_twice_is_applied_once_and_the_second_payment_waits() -> None:
    first, second = match_transactions(
        [credit("250.00", "A-1002", reference="E1"), credit("250.00", "A-1002", reference="E2")],
        books(),
        STATEMENT_DATE,
    )
    assert first.outcome is Outcome.APPLIED
    assert (second.outcome, second.reason) == (Outcome.SUGGESTED, Reason.INVOICE_ALREADY_PAID)
    assert (second.allocations, second.on_account) == ((), D("250.00"))


# --- ambiguous numbers -------------------------------------------------------------------------------


def test_last_digits_shared_by_two_clients_name_nothing() -> None:
    decision = decide(credit("80.00", "#1003"))
    assert (decision.outcome, decision.reason) == (Outcome.UNMATCHED, Reason.NUMBER_AMBIGUOUS)


def test_last_digits_shared_by_two_clients_are_settled_by_the_payer() -> None:
    decision = decide(credit("80.00", "#1003", payer_iban=BOLT_IBAN))
    assert decision.outcome is Outcome.APPLIED
    assert decision.allocations == (Allocation(4, D("80.00")),)


def test_invoices_of_two_clients_in_one_payment_are_left_to_the_user() -> None:
    decision = decide(credit("1450.00", "A-1002 B-2001"))
    assert (decision.outcome, decision.reason) == (Outcome.UNMATCHED, Reason.INVOICES_OF_SEVERAL_CLIENTS)
    assert decision.allocations == ()


# --- linked, known, unmatched ---------------------------------------------------------------------


def test_a_payment_typed_in_already_is_linked_not_recorded_again() -> None:
    typed = RecordedPayment(7, ACME, date(2026, 3, 27), D("250.00"), "cheque 55")
    decision = decide(credit("250.00", "A-1002"), books(payments=(typed,)))
    assert (decision.outcome, decision.payment_id, decision.client_id) == (Outcome.LINKED, 7, ACME)
    assert decision.allocations == ()


def test_a_payment_outside_the_window_or_of_another_amount_is_not_linked() -> None:
    booked = date(2026, 3, 30)
    far = RecordedPayment(7, ACME, date(2026, 3, 30 - LINK_WINDOW_DAYS - 1), D("250.00"))
    other_amount = RecordedPayment(8, ACME, booked, D("249.99"))
    other_client = RecordedPayment(9, BOLT, booked, D("250.00"))
    snapshot = books(payments=(far, other_amount, other_client))
    assert decide(credit("250.00", "A-1002", booked=booked), snapshot).outcome is Outcome.APPLIED


def test_each_recorded_payment_is_linked_once_the_closest_first() -> None:
    early = RecordedPayment(7, ACME, date(2026, 3, 25), D("250.00"))
    close = RecordedPayment(8, ACME, date(2026, 3, 29), D("250.00"))
    decisions = match_transactions(
        [
            credit("250.00", "A-1002", reference="E1"),
            credit("250.00", "A-1002", reference="E2"),
            credit("250.00", "A-1002", reference="E3"),
        ],
        books(payments=(early, close)),
        STATEMENT_DATE,
    )
    assert [(d.outcome, d.payment_id) for d in decisions] == [
        (Outcome.LINKED, 8),
        (Outcome.LINKED, 7),
        (Outcome.APPLIED, None),
    ]


def test_a_reference_processed_before_or_twice_in_the_file_is_known() -> None:
    decision = decide(credit("250.00", "A-1002", reference="OLD-1"), books(known=frozenset({"OLD-1"})))
    assert (decision.outcome, decision.reason) == (Outcome.KNOWN, Reason.REFERENCE_PROCESSED)
    first, again = match_transactions(
        [credit("250.00", "A-1002", reference="X"), credit("250.00", "A-1002", reference="X")],
        books(),
        STATEMENT_DATE,
    )
    assert first.outcome is Outcome.APPLIED
    assert (again.outcome, again.reason) == (Outcome.KNOWN, Reason.REFERENCE_TWICE_IN_STATEMENT)


def test_an_unknown_payer_naming_nothing_is_unmatched() -> None:
    decision = decide(credit("42.00", "Donation", payer_name="Stranger"))
    assert (decision.outcome, decision.reason, decision.client_id) == (
        Outcome.UNMATCHED,
        Reason.NOTHING_RECOGNISED,
        None,
    )


def test_a_known_payer_with_an_unfamiliar_amount_is_unmatched_with_the_client_named() -> None:
    decision = decide(credit("42.00", payer_iban=BOLT_IBAN))
    assert (decision.outcome, decision.reason) == (Outcome.UNMATCHED, Reason.PAYER_KNOWN_AMOUNT_UNFAMILIAR)
    assert (decision.client_id, decision.allocations) == (BOLT, ())


def test_debits_are_refused() -> None:
    with pytest.raises(ValueError, match="only credits"):
        match_transactions([credit("-5.00")], books(), STATEMENT_DATE)


def test_decisions_come_back_in_the_order_given_though_decided_by_booking_date() -> None:
    later = credit("250.00", "A-1002", reference="E2", booked=date(2026, 3, 30))
    earlier = credit("250.00", "A-1002", reference="E9", booked=date(2026, 3, 2))
    first, second = match_transactions([later, earlier], books(), STATEMENT_DATE)
    assert (first.transaction, second.transaction) == (later, earlier)
    assert second.outcome is Outcome.APPLIED  # booked first, so it paid the invoice
    assert first.reason is Reason.INVOICE_ALREADY_PAID
