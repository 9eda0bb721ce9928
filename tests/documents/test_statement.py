"""Statements of account read back: balances, aging, the remittance slip, long accounts."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from creditdesk.documents.statement import render_statement
from tests.documents.factories import GBP, OPENING, activity_statement, open_items_statement
from tests.documents.pdfcheck import all_text, page_texts, qpdf_check, squash


def test_activity_statement_runs_from_opening_to_closing_balance(tmp_path: Path) -> None:
    doc = activity_statement()
    pdf = render_statement(doc)
    text = squash(all_text(pdf))

    assert f"Opening balance {GBP.amount(OPENING)}" in text
    assert "Closing balance" in text and GBP.amount(doc.closing_balance) in text
    for line in doc.lines:
        assert GBP.amount(line.balance) in text
        assert line.reference in text
    assert "Credit note" in text and "Payment" in text
    assert "1 Mar 2026 – 31 Mar 2026" in text
    qpdf_check(pdf, tmp_path)


def test_aging_strip_and_remittance_slip_carry_the_amount_due() -> None:
    doc = activity_statement()
    text = squash(all_text(render_statement(doc)))
    for bucket in doc.aging:
        assert bucket.label in text
        assert GBP.money(bucket.amount) in text
    assert text.count(GBP.money(doc.closing_balance)) >= 2  # the strip and the slip
    for expected in ("Please detach and return with your payment", "REMITTANCE ADVICE", "Amount enclosed"):
        assert expected in text
    assert f"Payment reference {doc.payment_reference}" in text
    assert "Page 1 of 1" in text


def test_the_remittance_slip_carries_the_statement_s_creditor_reference() -> None:
    doc = replace(activity_statement(), creditor_reference="RF18539007547034")
    text = squash(all_text(render_statement(doc)))
    assert f"Payment reference {doc.payment_reference}" in text
    assert "Creditor reference RF18 5390 0754 7034" in text
    assert "Creditor reference" not in squash(all_text(render_statement(activity_statement())))


def test_a_120_line_statement_runs_over_pages_with_the_slip_on_the_last(tmp_path: Path) -> None:
    doc = activity_statement(120)
    pdf = render_statement(doc)
    pages = page_texts(pdf)
    count = len(pages)

    assert count >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {count}" in text
        assert ("Statement (continued)" in text) == (number > 1)
        if "INV-" in text:
            assert "Balance £" in text and "Date" in text
    assert all("Please detach" not in text for text in pages[:-1])
    assert "Please detach and return with your payment" in pages[-1]
    everything = squash(" ".join(pages))
    for line in doc.lines:
        assert line.reference in everything
        assert GBP.amount(line.balance) in everything
    qpdf_check(pdf, tmp_path)


def test_open_items_statement_shows_what_is_open_and_how_late() -> None:
    doc = open_items_statement()
    text = squash(all_text(render_statement(doc)))

    assert "Days overdue" in squash(text)
    for line in doc.lines:
        assert line.reference in text
        if line.days_overdue:
            assert str(line.days_overdue) in text
    assert "not due" in text
    assert "Payment on account" in text and GBP.amount(Decimal("-150")) in text
    assert f"Amount due {GBP.amount(doc.closing_balance)}" in text
    assert "Opening balance" not in text


def test_the_reference_heading_reads_whole_with_or_without_references() -> None:
    doc = activity_statement()
    for lines in (doc.lines, tuple(replace(line, reference="") for line in doc.lines)):
        text = all_text(render_statement(replace(doc, lines=lines)))
        assert "Reference" in text.split()  # not stacked letter by letter, nor broken as "Refer/ence"
        assert "Refer\n" not in text


def test_a_client_in_credit_is_told_so_and_sent_no_slip_asking_for_money() -> None:
    doc = activity_statement()
    credit = Decimal("-150.00")
    text = squash(all_text(render_statement(replace(doc, closing_balance=credit))))
    assert "In credit" in text  # the aging strip's last box, over the amount
    assert f"Your account is in credit by {GBP.money(Decimal('150.00'))}: there is nothing to pay." in text
    for asking in ("Amount due", "REMITTANCE ADVICE", "Amount enclosed", GBP.money(credit)):
        assert asking not in text
