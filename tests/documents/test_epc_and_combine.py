"""The EPC payment code's text, and joining a batch of PDFs for printing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from creditdesk.documents.combine import combine_pdfs
from creditdesk.documents.epc_qr import epc_payload, epc_qr_drawing
from creditdesk.documents.invoice import render_invoice
from creditdesk.documents.letter import render_letter
from creditdesk.documents.model import BankDetails
from creditdesk.documents.statement import render_statement
from tests.documents.factories import activity_statement, invoice, letter
from tests.documents.pdfcheck import reader

SEPA = BankDetails(
    account_name="Harbour & Pine Joinery Ltd", iban="DE89 3704 0044 0532 0130 00", bic="cobadeffxxx"
)


def payload(**changes: object) -> str:
    arguments: dict[str, object] = {
        "name": "Harbour & Pine Joinery Ltd",
        "iban": SEPA.iban,
        "bic": SEPA.bic,
        "amount": Decimal("1234.5"),
        "reference": "INV-2026-0142",
    }
    arguments.update(changes)
    return epc_payload(**arguments)  # type: ignore[arg-type]


def test_payload_for_a_known_transfer() -> None:
    assert payload().split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "COBADEFFXXX",
        "Harbour & Pine Joinery Ltd",
        "DE89370400440532013000",
        "EUR1234.50",
        "",
        "",
        "INV-2026-0142",
    ]


def test_payload_limits_and_cleaning() -> None:
    assert "\nEUR0.01\n" in payload(amount=Decimal("0.01"))
    assert "\nEUR999999999.99\n" in payload(amount=Decimal("999999999.99"))
    assert payload(name="N" * 90).split("\n")[5] == "N" * 70
    assert payload(reference="INV 1\nsecond line").endswith("\nINV 1 second line")
    assert payload(reference="").split("\n")[-1] == "EUR1234.50"
    assert len(payload(reference="R" * 140).split("\n")[-1]) == 140


@pytest.mark.parametrize(
    "changes",
    [
        {"currency": "GBP"},
        {"bic": ""},
        {"bic": "NOT A BIC"},
        {"iban": "DE00 3704 0044 0532 0130 00"},
        {"amount": Decimal("0")},
        {"amount": Decimal("-5")},
        {"amount": Decimal("1000000000.00")},
        {"amount": Decimal("1.005")},
        {"reference": "R" * 141},
        {"name": "  "},
    ],
)
def test_payload_refused_rather_than_guessed(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        payload(**changes)


def test_the_code_is_drawn_only_for_euro_with_sepa_details_and_something_due() -> None:
    assert epc_qr_drawing(SEPA, "H&P", "EUR", Decimal("10"), "R1", 90) is not None
    assert epc_qr_drawing(SEPA, "H&P", "GBP", Decimal("10"), "R1", 90) is None
    assert epc_qr_drawing(SEPA, "H&P", "EUR", Decimal("0"), "R1", 90) is None
    no_bic = BankDetails(account_name="H&P", iban=SEPA.iban)
    assert epc_qr_drawing(no_bic, "H&P", "EUR", Decimal("10"), "R1", 90) is None


def test_combined_pdf_has_every_page_of_every_part() -> None:
    parts = [render_invoice(invoice(120)), render_statement(activity_statement()), render_letter(letter())]
    counts = [len(reader(part).pages) for part in parts]
    combined = combine_pdfs(iter(parts))
    assert len(reader(combined).pages) == sum(counts)


def test_combining_nothing_is_refused() -> None:
    with pytest.raises(ValueError):
        combine_pdfs([])


def test_the_two_wrong_ibans_of_the_old_check_are_refused() -> None:
    for iban in ("DE41370400440532013", "XX46370400440532013000"):
        with pytest.raises(ValueError, match="is not a valid IBAN"):
            payload(iban=iban)
    with pytest.raises(ValueError, match="BIC"):
        payload(bic="DEUTXXFF")  # no country XX


def test_a_creditor_reference_goes_in_the_structured_field_and_the_remittance_line_stays_empty() -> None:
    lines = payload(creditor_reference="rf18 5390 0754 7034").split("\n")
    assert len(lines) == 10  # the unstructured remittance line is left off: one or the other
    assert lines[8:] == ["", "RF18539007547034"]
    with pytest.raises(ValueError, match="is not an ISO 11649 creditor reference"):
        payload(creditor_reference="RF19 5390 0754 7034")


def test_the_payload_stays_within_331_bytes_cutting_the_name_on_whole_characters() -> None:
    wide = "\U0001d504" * 70  # 70 characters of four bytes each
    text = payload(name=wide, reference="R" * 140)
    assert len(text.encode("utf-8")) <= 331
    name = text.split("\n")[5]
    assert name and set(name) == {"\U0001d504"}  # whole characters only, and some of them kept
    assert len(payload(name=wide, reference="R" * 140).encode("utf-8")) == len(text.encode("utf-8"))
    short = payload(name=wide, creditor_reference="RF18539007547034")
    assert len(short.encode("utf-8")) <= 331 and len(short.split("\n")[5]) > len(name)
    # A name that fits is left whole.
    assert payload(name="Zoë Ærø Ltd").split("\n")[5] == "Zoë Ærø Ltd"
