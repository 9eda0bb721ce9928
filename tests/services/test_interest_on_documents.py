"""Accrued interest is shown on statements, letters and final notices, to the cent, and only with a policy."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D

from pypdf import PdfReader
from sqlalchemy import select

from creditdesk.domain.formats import Formats
from creditdesk.domain.interest import InterestPolicy
from creditdesk.services.chasing.demand_letters import LetterKind, letter_pdf
from creditdesk.services.chasing.reminders import queue
from creditdesk.services.chasing.template_preview import preview_context
from creditdesk.services.company.settings import get_company
from creditdesk.services.ledger.interest import raise_interest_invoice, set_client_interest_policy
from creditdesk.services.reports.statements import StatementRequest, statement_document, statement_pdf
from creditdesk.store.database import Database
from creditdesk.store.models import Reminder
from creditdesk.store.unit_of_work import UnitOfWork
from tests.services.workflow_ledger import client, invoice

DUE = date(2026, 1, 1)
AS_OF = date(2026, 1, 31)  # 30 days late: the default schedule's final notice
# 1,000.00 at 10 % a year for 30 days = 8.2191... -> 8.22
EXPECTED = D("8.22")


def text_of(pdf: bytes) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages)


def money(db: Database, amount: D) -> str:
    company = get_company(db)
    return Formats(company.currency, company.locale, company.exponent).money(amount)


def late_client(db: Database, policy: InterestPolicy | None) -> int:
    acme = client(db, "ACME", email="accounts@acme.example")
    invoice(db, acme, DUE, "1000.00")
    if policy is not None:
        set_client_interest_policy(db, acme, policy)
    return acme


def test_statement_and_letter_show_contractual_interest_to_the_cent(db: Database) -> None:
    acme = late_client(db, InterestPolicy.contractual(D("10")))
    line = f"Interest accrued to date (not included above): {money(db, EXPECTED)}"
    statement = statement_pdf(db, acme, StatementRequest(AS_OF))
    assert line in text_of(statement)
    letter = letter_pdf(db, acme, AS_OF, LetterKind.FINAL_DEMAND)
    assert line in text_of(letter)
    # Shown, never added: the statement's balance is still the invoice alone.
    assert statement_document(db, acme, StatementRequest(AS_OF)).closing_balance == D("1000.00")


def test_no_policy_means_no_interest_line(db: Database) -> None:
    acme = late_client(db, None)
    assert "Interest accrued" not in text_of(statement_pdf(db, acme, StatementRequest(AS_OF)))
    assert "Interest accrued" not in text_of(letter_pdf(db, acme, AS_OF, LetterKind.REMINDER))


def test_interest_already_invoiced_is_not_shown_again(db: Database) -> None:
    acme = late_client(db, InterestPolicy.contractual(D("10")))
    raise_interest_invoice(db, acme, AS_OF)
    assert statement_document(db, acme, StatementRequest(AS_OF)).interest_accrued is None


def test_a_final_notice_says_what_interest_has_accrued(db: Database) -> None:
    acme = late_client(db, InterestPolicy.contractual(D("10")))
    for day in (date(2026, 1, 2), date(2026, 1, 15), AS_OF):  # the schedule, one stage at a time
        queue(db, day)
    with UnitOfWork(db) as uow:
        final = uow.session.scalars(
            select(Reminder).where(Reminder.client_id == acme, Reminder.stage_key == "final")
        ).one()
        body = final.body
    assert f"Late-payment interest of {money(db, EXPECTED)} has accrued to date" in body


def test_a_final_notice_without_a_policy_says_nothing_of_interest(db: Database) -> None:
    acme = late_client(db, None)
    for day in (date(2026, 1, 2), date(2026, 1, 15), AS_OF):
        queue(db, day)
    with UnitOfWork(db) as uow:
        rows = uow.session.execute(
            select(Reminder.stage_key, Reminder.body).where(Reminder.client_id == acme)
        )
        bodies = {key: body for key, body in rows}
    assert "final" in bodies
    assert not any("Late-payment interest" in body for body in bodies.values())


def test_the_template_preview_fills_in_the_interest_a_reminder_would(db: Database) -> None:
    charged = late_client(db, InterestPolicy.contractual(D("10")))
    assert preview_context(db, charged, AS_OF).interest_accrued == money(db, EXPECTED)


def test_the_template_preview_has_no_interest_without_a_policy(db: Database) -> None:
    assert preview_context(db, late_client(db, None), AS_OF).interest_accrued == ""
