"""A reminder template previewed against a real client, as the editor shows it while you type.

A sample client hides mistakes a real one shows at once (an empty contact name,
a long list of invoices, bank details missing), so the editor fills the template
with what a chosen client owes today. The invoices are the client's overdue ones,
or all its open ones when nothing is overdue yet, so every stage has something
to show; disputed invoices are left out as the planner leaves them out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from creditdesk.domain.aging import AgingReport
from creditdesk.domain.chasing import ChaseInvoice
from creditdesk.domain.invoice import InvoiceState
from creditdesk.mail.templates import PLACEHOLDERS as PLACEHOLDERS
from creditdesk.mail.templates import ReminderContext as ReminderContext
from creditdesk.mail.templates import TemplateError as TemplateError
from creditdesk.mail.templates import TemplateProblem as TemplateProblem
from creditdesk.mail.templates import check_template as check_template
from creditdesk.mail.templates import render_reminder as render_reminder
from creditdesk.mail.templates import sample_context as sample_context
from creditdesk.mail.templates import text_to_html as text_to_html
from creditdesk.services.chasing.reminders import ClientDetails, company_context, reminder_context
from creditdesk.services.clients.overview import client_detail, client_rows
from creditdesk.services.company.settings import company_in
from creditdesk.services.ledger.interest import uncharged_interest_in
from creditdesk.services.ledger.invoices import formats_of
from creditdesk.store.database import Database
from creditdesk.store.models import Client
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)


@dataclass(frozen=True)
class PreviewClient:
    """A client the preview can be filled in for."""

    id: int
    code: str
    name: str
    overdue: Decimal


def preview_clients(
    db: Database, as_of: date, aging: Callable[[], AgingReport] | None = None
) -> list[PreviewClient]:
    """Every client that is not archived, by name (``aging`` as for ``client_rows``)."""
    return [
        PreviewClient(row.id, row.code, row.name, row.overdue)
        for row in client_rows(db, as_of, aging)
        if not row.archived
    ]


def default_preview_client(clients: Sequence[PreviewClient]) -> PreviewClient | None:
    """The client with the most overdue money, so the preview starts with real invoices in it."""
    if not clients:
        return None
    return max(clients, key=lambda c: c.overdue) if any(c.overdue > ZERO for c in clients) else clients[0]


def preview_context(db: Database, client_id: int, as_of: date) -> ReminderContext:
    """What a reminder to this client would be filled in with on ``as_of``."""
    detail = client_detail(db, client_id, as_of)
    chased = [item for item in detail.open_invoices if item.state is not InvoiceState.DISPUTED]
    overdue = [item for item in chased if item.due_date < as_of]
    invoices = [
        ChaseInvoice(item.id, client_id, item.number, item.issue_date, item.due_date, item.gross, item.open)
        for item in (overdue or chased)
    ]
    total = sum((invoice.open_amount for invoice in invoices), ZERO)
    with UnitOfWork(db) as uow:
        company = company_in(uow.session)
        formats = formats_of(company)
        sender = company_context(company)
        client = uow.session.get(Client, client_id)
        interest = None if client is None else uncharged_interest_in(uow.session, client, as_of)
    who = ClientDetails(detail.code, detail.name, detail.contact_name)
    return reminder_context(who, detail.email.strip(), invoices, total, as_of, formats, sender, interest)
