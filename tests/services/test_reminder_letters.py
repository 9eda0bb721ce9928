"""Letter-channel reminders print in the outbox's own (possibly edited) words, with their invoices."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from creditdesk.domain.chasing import Channel
from creditdesk.domain.errors import ValidationError
from creditdesk.services.chasing import outbox, reminders
from creditdesk.services.chasing.outbox_letters import (
    reminder_letter_document,
    reminder_letter_file_name,
    reminder_letter_pdf,
    split_letter_text,
)
from creditdesk.store.database import Database
from tests.services.test_sending import AS_OF, build_ledger


@pytest.fixture
def letter_id(db: Database) -> int:
    """Crate plc has no email address, so its reminder goes as a letter."""
    build_ledger(db, AS_OF)
    reminders.queue(db, AS_OF)
    (row,) = outbox.outbox_rows(db, outbox.OutboxFilters(channel=Channel.LETTER))
    return row.id


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_letter_says_what_the_outbox_says(db: Database, letter_id: int) -> None:
    detail = outbox.message_detail(db, letter_id)
    body = detail.body.replace("We hope all is well.", "We hope the new shop is going well.")
    outbox.edit_message(db, letter_id, "", "Our letter about INV-00004", body)

    pdf = reminder_letter_pdf(db, letter_id)

    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Our letter about INV-00004" in text
    assert "We hope the new shop is going well." in text
    assert "Dear Crate plc," in text
    assert "INV-00004" in text and "40.00" in text  # the invoice table
    assert "- Invoice INV-00004" not in text  # the typed list became the table
    assert "Total now due" not in text  # the table's last row says it
    assert text.count("Kind regards,") == 1


def test_the_document_keeps_the_reminders_invoices_and_day(db: Database, letter_id: int) -> None:
    document = reminder_letter_document(db, letter_id)
    assert document.letter_date == AS_OF
    assert [i.number for i in document.invoices] == ["INV-00004"]
    assert document.total_overdue == D("40.00")
    assert document.invoices[0].days_overdue == 3
    assert document.salutation == "Dear Crate plc,"
    assert document.sign_off == "Kind regards,"
    assert document.paragraphs[0].startswith("We hope all is well.")
    assert document.closing_paragraphs[-1] == "Thank you for your business."  # not the sender's block


def test_an_email_is_not_printed_as_a_letter(db: Database, letter_id: int) -> None:
    email = next(r for r in outbox.outbox_rows(db) if r.channel is Channel.EMAIL)
    with pytest.raises(ValidationError, match="is an email, not a letter"):
        reminder_letter_pdf(db, email.id)


def test_text_without_a_list_or_sign_off_keeps_every_paragraph() -> None:
    words = split_letter_text("Please pay.\r\n\r\nThank you, we mean it,\nreally.\n\n\nBye now")
    assert words.salutation == ""
    assert words.paragraphs == ("Please pay.", "Thank you, we mean it,\nreally.", "Bye now")
    assert words.closing_paragraphs == ()
    assert words.sign_off == ""


def test_the_table_goes_where_the_list_was() -> None:
    words = split_letter_text(
        "Dear Ann,\n\nThese are due:\n\n- A: 1\n- B: 2\n\nTotal overdue: 3\n\nPlease pay.\n\n"
        "Yours sincerely,\n\nShop Ltd\n01234"
    )
    assert words.salutation == "Dear Ann,"
    assert words.paragraphs == ("These are due:",)
    assert words.closing_paragraphs == ("Please pay.",)
    assert words.sign_off == "Yours sincerely,"


def test_file_names_are_safe() -> None:
    assert reminder_letter_file_name("Letter before action", "A/B", AS_OF) == (
        "Letter before action A-B 2026-03-09.pdf"
    )
