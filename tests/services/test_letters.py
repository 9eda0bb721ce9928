"""Reminder letters and final demands: what is overdue, the Aging tab's figure, courteous words."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D

import pytest
from pypdf import PdfReader

from creditdesk.domain.errors import NotFoundError, ValidationError
from creditdesk.domain.invoice import InvoiceLine
from creditdesk.domain.terms import PaymentTerms
from creditdesk.services.chasing.demand_letters import (
    DEFAULT_WORDING,
    LetterKind,
    LetterWording,
    letter_document,
    letter_pdf,
)
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice
from creditdesk.services.ledger.payments import (
    CreditNoteInput,
    PaymentInput,
    issue_credit_note,
    record_payment,
)
from creditdesk.services.reports.aging import run_aging
from creditdesk.store.database import Database
from creditdesk.store.models import Company
from creditdesk.store.unit_of_work import UnitOfWork

AS_OF = date(2026, 5, 20)


def invoice(db: Database, client: int, issue: date, amount: str) -> int:
    return create_invoice(db, InvoiceInput(client, issue, [InvoiceLine("Work", D(1), D(amount))]))


@pytest.fixture
def late(db: Database) -> int:
    """A client with two overdue invoices (one part paid), one not yet due, and money on account."""
    with UnitOfWork(db, write=True) as uow:
        company = uow.session.get(Company, 1)
        assert company is not None
        company.phone, company.email, company.signatory = (
            "01632 960 418",
            "accounts@test.example",
            "Jo Bloggs",
        )
        company.bank_sort_code, company.bank_account_number = "60-16-13", "31926819"
        company.bank_iban, company.bank_bic = "GB29NWBK60161331926819", "NWBKGB2L"
        uow.commit()
    client = add_client(db, ClientInput("LATE", "Late & Co", contact_name="Sam Late", terms=PaymentTerms(30)))
    invoice(db, client, date(2026, 2, 2), "1200.00")  # due 4 March: 77 days late
    second = invoice(db, client, date(2026, 3, 16), "300.00")  # due 15 April: 35 days late
    invoice(db, client, date(2026, 5, 1), "99.00")  # due 31 May
    record_payment(db, PaymentInput(client, date(2026, 4, 20), D("100.00"), invoice_id=second))
    issue_credit_note(db, CreditNoteInput(client, date(2026, 5, 2), D("40.00"), reason="Goodwill"))
    return client


def test_a_reminder_lists_what_is_overdue_with_the_aging_figure(db: Database, late: int) -> None:
    doc = letter_document(db, late, AS_OF, LetterKind.REMINDER)
    assert [(i.number, i.amount, i.open_amount, i.days_overdue) for i in doc.invoices] == [
        ("INV-00001", D("1200.00"), D("1200.00"), 77),
        ("INV-00002", D("300.00"), D("200.00"), 35),
    ]
    row = run_aging(db, AS_OF).row_for(late)
    assert row is not None
    assert doc.total_overdue == D("1400.00") == row.overdue
    assert (doc.letter_date, doc.salutation, doc.signatory, doc.sign_off) == (
        AS_OF,
        "Dear Sam Late,",
        "Jo Bloggs",
        "Kind regards,",
    )
    assert doc.subject == "Payment reminder: account LATE"
    words = " ".join((*doc.paragraphs, *doc.closing_paragraphs))
    assert "the invoices listed below are now past due, leaving €1,400.00 outstanding" in words
    assert (
        "You can pay by bank transfer to Test Co, sort code 60-16-13, account 31926819 "
        "(IBAN GB29 NWBK 6016 1331 9268 19, BIC NWBKGB2L), quoting LATE as the reference" in words
    )
    assert "call us on 01632 960 418 or email accounts@test.example" in words
    assert "€40.00 of yours on account" in words
    assert "Thank you for your business" in words
    assert doc.client.name == "Late & Co"


def test_a_final_demand_gives_seven_days(db: Database, late: int) -> None:
    doc = letter_document(db, late, AS_OF, LetterKind.FINAL_DEMAND)
    words = " ".join((*doc.paragraphs, *doc.closing_paragraphs))
    assert doc.subject == "Final demand: account LATE"
    assert "Please pay this amount in full by 27 May 2026" in words
    assert "further action" in words
    assert "We value your business" in words
    assert doc.sign_off == "Yours sincerely,"
    assert doc.total_overdue == D("1400.00")


def test_a_single_invoice_reads_in_the_singular_and_unnamed_contacts_get_the_team(db: Database) -> None:
    client = add_client(db, ClientInput("ONE", "One Off Ltd", terms=PaymentTerms(7)))
    invoice(db, client, date(2026, 5, 1), "50.00")
    doc = letter_document(db, client, AS_OF, LetterKind.REMINDER)
    assert doc.salutation == "Dear Accounts Team,"
    assert doc.signatory == "Test Co"  # no signatory set: the company signs
    assert "the invoice listed below is now past due" in doc.paragraphs[0]
    assert not any("on account" in p for p in doc.closing_paragraphs)
    assert "please get in touch" in " ".join(doc.closing_paragraphs)
    assert "Please quote ONE with your payment" in doc.closing_paragraphs[0]  # no bank details to give


def test_nothing_overdue_is_refused(db: Database, late: int) -> None:
    with pytest.raises(ValidationError, match="Late & Co has nothing overdue on 4 Mar 2026"):
        letter_document(db, late, date(2026, 3, 4), LetterKind.REMINDER)
    assert letter_document(db, late, date(2026, 3, 5), LetterKind.REMINDER).total_overdue == D("1200.00")
    with pytest.raises(NotFoundError):
        letter_document(db, 777, AS_OF, LetterKind.REMINDER)


def test_the_words_can_be_replaced(db: Database, late: int) -> None:
    wording = LetterWording(
        subject="About {count} invoices for {client}",
        paragraphs=("{company} is owed {total}.",),
        closing_paragraphs=("By {deadline}, please.",),
        sign_off="Cheers,",
        signatory_title="Owner",
    )
    doc = letter_document(db, late, AS_OF, LetterKind.REMINDER, wording=wording)
    assert doc.subject == "About 2 invoices for Late & Co"
    assert doc.paragraphs == ("Test Co is owed €1,400.00.",)
    assert doc.closing_paragraphs == ("By 27 May 2026, please.",)
    assert (doc.sign_off, doc.signatory_title) == ("Cheers,", "Owner")
    assert set(DEFAULT_WORDING) == set(LetterKind)


def test_the_pdf_reads_back(db: Database, late: int) -> None:
    data = letter_pdf(db, late, AS_OF, LetterKind.FINAL_DEMAND)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for expected in ("Final demand", "Dear Sam Late,", "INV-00001", "INV-00002", "€1,400.00", "Jo Bloggs"):
        assert expected in text, expected
