import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iso11649

from creditdesk.domain.creditor_reference import (
    creditor_reference,
    normalise_creditor_reference,
    printed_creditor_reference,
    references_in_text,
)


def test_the_standard_example_is_valid_and_normalised() -> None:
    # The example of ISO 11649 itself.
    assert normalise_creditor_reference("RF18 5390 0754 7034") == "RF18539007547034"
    assert normalise_creditor_reference(" rf18539007547034 ") == "RF18539007547034"
    assert normalise_creditor_reference("RF19 5390 0754 7034") is None  # a check digit off
    assert normalise_creditor_reference("INV-1002") is None
    assert normalise_creditor_reference("") is None


def test_built_from_the_number_letters_and_digits_only() -> None:
    reference = creditor_reference("INV-2026/0042")
    assert reference == "RF73INV20260042"
    assert iso11649.is_valid(reference)
    assert creditor_reference("inv-2026/0042") == reference  # capitalised
    assert printed_creditor_reference(reference) == "RF73 INV2 0260 042"


def test_a_long_number_keeps_its_start_and_a_digest_and_stays_distinct() -> None:
    first = creditor_reference("CUSTOMER-PROJECT-2026-000001")
    second = creditor_reference("CUSTOMER-PROJECT-2026-000002")
    assert len(first) == len(second) == 25  # RF, two check digits, 21 characters
    assert first[4:19] == second[4:19] == "CUSTOMERPROJECT"
    assert first != second
    assert iso11649.is_valid(first) and iso11649.is_valid(second)


def test_a_number_without_letters_or_digits_has_no_reference() -> None:
    with pytest.raises(ValueError, match="no letters or digits"):
        creditor_reference("--/")


@given(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,29}", fullmatch=True))
def test_every_invoice_number_gives_a_valid_stable_reference(number: str) -> None:
    reference = creditor_reference(number)
    assert iso11649.is_valid(reference)
    assert len(reference) <= 25
    assert creditor_reference(number) == reference
    assert normalise_creditor_reference(printed_creditor_reference(reference)) == reference


def test_references_are_found_in_free_text_written_in_groups() -> None:
    reference = creditor_reference("A-1002")
    text = f"Thanks! {printed_creditor_reference(reference)} INV 77"
    places = references_in_text(text)
    assert len(places) == 1
    assert reference in [found for found, _ in places[0].readings]
    assert references_in_text("RF is not a reference, nor is RF19 5390 0754 7034") == []
