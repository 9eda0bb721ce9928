"""Late-payment interest: the policy (company-wide or per client), the base-rate table, what has
accrued, and an interest invoice raised only when the user asks.

Nothing here ever changes a balance by itself. Accrued interest is a figure
to show ("interest accrued to date"); it becomes money owed only through
``raise_interest_invoice``, an ordinary invoice with one line per late
invoice. What each interest invoice charged is recorded, so raising interest
again charges only what accrued since, and compensation once per invoice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creditdesk.domain.errors import LedgerError, NotFoundError, ValidationError
from creditdesk.domain.interest import (
    BaseRate,
    InterestFigure,
    InterestInvoice,
    InterestKind,
    InterestPolicy,
    accrued_interest,
    check_base_rates,
)
from creditdesk.domain.invoice import InvoiceLine, InvoiceStatus
from creditdesk.domain.money import currency_exponent, format_plain, from_minor, to_minor
from creditdesk.domain.ranges import check_date, check_rate
from creditdesk.services.company.settings import company_in
from creditdesk.services.ledger.invoices import InvoiceInput, create_invoice_in
from creditdesk.store.activity import log_activity
from creditdesk.store.database import Database
from creditdesk.store.models import AllocationRow, BaseRateRow, Client, Company, InterestCharge, Invoice
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)


# --- the policy -------------------------------------------------------------------------------------


def policy_of(kind: str | None, rate: Decimal | None) -> InterestPolicy:
    try:
        interest_kind = InterestKind(kind or InterestKind.NONE.value)
    except ValueError:
        raise ValidationError(
            f"'{kind}' is not an interest policy; use none, contractual or statutory_uk"
        ) from None
    return InterestPolicy(interest_kind, rate if interest_kind is InterestKind.CONTRACTUAL else None)


def _company(session: Session) -> Company:
    return company_in(session)


def company_interest_policy(db: Database) -> InterestPolicy:
    with UnitOfWork(db) as uow:
        company = _company(uow.session)
        return policy_of(company.interest_kind, company.interest_rate)


def set_company_interest_policy(db: Database, policy: InterestPolicy) -> None:
    """The policy of every client without one of its own."""
    if policy.annual_rate is not None:
        check_rate(policy.annual_rate)
    with UnitOfWork(db, write=True) as uow:
        company = _company(uow.session)
        company.interest_kind = policy.kind.value
        company.interest_rate = policy.annual_rate
        uow.commit()


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError("this client no longer exists")
    return client


def client_policy_in(session: Session, client: Client) -> InterestPolicy:
    if client.interest_kind is None:
        company = _company(session)
        return policy_of(company.interest_kind, company.interest_rate)
    return policy_of(client.interest_kind, client.interest_rate)


def client_interest_policy(db: Database, client_id: int) -> InterestPolicy:
    """The policy that applies to the client: its own, else the company's."""
    with UnitOfWork(db) as uow:
        return client_policy_in(uow.session, _client(uow.session, client_id))


def set_client_interest_policy(db: Database, client_id: int, policy: InterestPolicy | None) -> None:
    """Give a client its own policy, or (None) the company's."""
    if policy is not None and policy.annual_rate is not None:
        check_rate(policy.annual_rate)
    with UnitOfWork(db, write=True) as uow:
        client = _client(uow.session, client_id)
        client.interest_kind = None if policy is None else policy.kind.value
        client.interest_rate = None if policy is None else policy.annual_rate
        uow.commit()


@dataclass(frozen=True)
class ClientPolicy:
    """A client with a policy of its own, for the settings list."""

    client_id: int
    code: str
    name: str
    policy: InterestPolicy


def client_policies(db: Database) -> tuple[ClientPolicy, ...]:
    """Clients whose policy differs from the company's because it is their own, by name."""
    with UnitOfWork(db) as uow:
        rows = uow.session.scalars(
            select(Client).where(Client.interest_kind.is_not(None)).order_by(Client.name, Client.code)
        ).all()
        return tuple(
            ClientPolicy(c.id, c.code, c.name, policy_of(c.interest_kind, c.interest_rate)) for c in rows
        )


def describe_policy(policy: InterestPolicy) -> str:
    """The policy in a few words, for lists and confirmations."""
    if policy.kind is InterestKind.CONTRACTUAL:
        assert policy.annual_rate is not None
        return f"Contractual, {policy.annual_rate.normalize():f} % a year"
    if policy.kind is InterestKind.STATUTORY_UK:
        return "Statutory (UK): 8 % over base rate, plus compensation"
    return "No interest"


# --- the base-rate table ------------------------------------------------------------------------------


def _rates_in(session: Session) -> tuple[BaseRate, ...]:
    rows = session.scalars(select(BaseRateRow).order_by(BaseRateRow.effective_from)).all()
    return tuple(BaseRate(r.effective_from, r.rate) for r in rows)


def base_rates(db: Database) -> tuple[BaseRate, ...]:
    """The Bank of England base rate by date, oldest first."""
    with UnitOfWork(db) as uow:
        return _rates_in(uow.session)


def set_base_rate(db: Database, effective_from: date, rate: Decimal) -> None:
    """Add the rate in force from a day, or correct the one recorded for that day."""
    check_base_rates([BaseRate(effective_from, rate)])
    check_date(effective_from, field="the day the base rate takes effect")
    check_rate(rate, field="the base rate")
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        row = session.scalar(select(BaseRateRow).where(BaseRateRow.effective_from == effective_from))
        if row is None:
            session.add(BaseRateRow(effective_from=effective_from, rate=rate))
        else:
            row.rate = rate
        uow.commit()


def delete_base_rate(db: Database, effective_from: date) -> None:
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        row = session.scalar(select(BaseRateRow).where(BaseRateRow.effective_from == effective_from))
        if row is None:
            raise NotFoundError(f"no base rate is recorded from {effective_from.isoformat()}")
        session.delete(row)
        uow.commit()


# --- what has accrued -------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceInterest:
    invoice_id: int
    number: str
    due_date: date
    figure: InterestFigure  # accrued to the day asked about
    charged_interest: Decimal  # already on an interest invoice
    charged_compensation: Decimal

    @property
    def uncharged_interest(self) -> Decimal:
        return max(self.figure.interest - self.charged_interest, ZERO)

    @property
    def uncharged_compensation(self) -> Decimal:
        return max(self.figure.compensation - self.charged_compensation, ZERO)


@dataclass(frozen=True)
class ClientInterest:
    client_id: int
    as_of: date
    policy: InterestPolicy
    invoices: tuple[InvoiceInterest, ...]  # only those with something accrued

    @property
    def interest(self) -> Decimal:
        return sum((i.figure.interest for i in self.invoices), ZERO)

    @property
    def compensation(self) -> Decimal:
        return sum((i.figure.compensation for i in self.invoices), ZERO)

    @property
    def uncharged(self) -> Decimal:
        return sum((i.uncharged_interest + i.uncharged_compensation for i in self.invoices), ZERO)


def _interest_invoice_ids(session: Session) -> set[int]:
    return set(session.scalars(select(InterestCharge.charged_by_id).distinct()))


def _client_interest_in(
    session: Session, client: Client, as_of: date, only: int | None = None
) -> ClientInterest:
    exponent = currency_exponent(_company(session).currency)
    policy = client_policy_in(session, client)
    if policy.kind is InterestKind.NONE:
        return ClientInterest(client.id, as_of, policy, ())
    rates = _rates_in(session)
    skip = _interest_invoice_ids(session)  # no interest on interest
    query = select(Invoice).where(
        Invoice.client_id == client.id,
        Invoice.status == InvoiceStatus.ISSUED.value,
        Invoice.issue_date <= as_of,
        Invoice.due_date < as_of,
    )
    if only is not None:
        query = query.where(Invoice.id == only)
    invoices = [i for i in session.scalars(query.order_by(Invoice.due_date, Invoice.id)) if i.id not in skip]
    ids = [i.id for i in invoices]
    reductions: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    charged: dict[int, tuple[int, int]] = {}
    if ids:
        for iid, day, amount in session.execute(
            select(AllocationRow.invoice_id, AllocationRow.date, AllocationRow.amount).where(
                AllocationRow.invoice_id.in_(ids)
            )
        ):
            reductions[iid].append((day, from_minor(amount, exponent)))
        charged = {
            iid: (int(i), int(c))
            for iid, i, c in session.execute(
                select(
                    InterestCharge.invoice_id,
                    func.sum(InterestCharge.interest),
                    func.sum(InterestCharge.compensation),
                )
                .where(InterestCharge.invoice_id.in_(ids), InterestCharge.through <= as_of)
                .group_by(InterestCharge.invoice_id)
            )
        }
    found = []
    for invoice in invoices:
        figure = accrued_interest(
            InterestInvoice(
                invoice.due_date, from_minor(invoice.gross, exponent), tuple(reductions[invoice.id]), exponent
            ),
            policy,
            rates,
            as_of,
        )
        if figure.total <= ZERO and invoice.id not in charged:
            continue
        done_interest, done_compensation = charged.get(invoice.id, (0, 0))
        found.append(
            InvoiceInterest(
                invoice.id,
                invoice.number,
                invoice.due_date,
                figure,
                from_minor(done_interest, exponent),
                from_minor(done_compensation, exponent),
            )
        )
    return ClientInterest(client.id, as_of, policy, tuple(found))


def client_interest(db: Database, client_id: int, as_of: date) -> ClientInterest:
    """Interest (and statutory compensation) accrued on each of a client's late invoices to ``as_of``."""
    with UnitOfWork(db) as uow:
        return _client_interest_in(uow.session, _client(uow.session, client_id), as_of)


def uncharged_interest_in(session: Session, client: Client, as_of: date) -> Decimal | None:
    """What statements, letters and reminders show as "interest accrued to date".

    Interest and compensation not yet on an interest invoice (what was
    charged is already in the balance above it); None when the client's
    policy is none or nothing is due.
    """
    accrued = _client_interest_in(session, client, as_of)
    if accrued.policy.kind is InterestKind.NONE or accrued.uncharged <= ZERO:
        return None
    return accrued.uncharged


def invoice_interest(db: Database, invoice_id: int, as_of: date) -> InvoiceInterest | None:
    """One invoice's accrued interest, or None when nothing has accrued (not late, or no policy)."""
    with UnitOfWork(db) as uow:
        session = uow.session
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFoundError("this invoice no longer exists")
        found = _client_interest_in(session, _client(session, invoice.client_id), as_of, only=invoice_id)
        return found.invoices[0] if found.invoices else None


# --- charging it ------------------------------------------------------------------------------------


def interest_line_text(item: InvoiceInterest, as_of: date) -> str:
    noun = "day" if item.figure.days == 1 else "days"
    return (
        f"Late-payment interest on invoice {item.number} (due {item.due_date.isoformat()}), "
        f"{item.figure.days} {noun} to {as_of.isoformat()}"
    )


def compensation_line_text(item: InvoiceInterest) -> str:
    return f"Fixed compensation for late payment of invoice {item.number}"


def raise_interest_invoice(db: Database, client_id: int, as_of: date) -> int:
    """Charge what has accrued and not yet been charged, as an invoice dated ``as_of``; returns its id.

    One line per late invoice's interest (less what an earlier interest
    invoice charged), and for statutory interest one compensation line per
    invoice not yet compensated. Refused when there is nothing to charge.
    """
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        client = _client(session, client_id)
        exponent = currency_exponent(_company(session).currency)
        accrued = _client_interest_in(session, client, as_of)
        lines: list[InvoiceLine] = []
        charges: list[tuple[int, Decimal, Decimal]] = []
        for item in accrued.invoices:
            interest, compensation = item.uncharged_interest, item.uncharged_compensation
            if interest > ZERO:
                lines.append(InvoiceLine(interest_line_text(item, as_of), Decimal(1), interest, ZERO))
            if compensation > ZERO:
                lines.append(InvoiceLine(compensation_line_text(item), Decimal(1), compensation, ZERO))
            if interest > ZERO or compensation > ZERO:
                charges.append((item.invoice_id, interest, compensation))
        if not lines:
            raise LedgerError(
                f"no interest is due from {client.name} as of {as_of.isoformat()}; nothing was raised"
            )
        invoice = create_invoice_in(
            session,
            InvoiceInput(
                client.id, as_of, lines, reference="Late-payment interest", notes="Interest on late payment"
            ),
        )
        for invoice_id, interest, compensation in charges:
            session.add(
                InterestCharge(
                    invoice_id=invoice_id,
                    charged_by_id=invoice.id,
                    through=as_of,
                    interest=to_minor(interest, exponent),
                    compensation=to_minor(compensation, exponent),
                )
            )
        total = sum((line.net(exponent) for line in lines), ZERO)
        log_activity(
            session,
            client.id,
            "interest",
            f"Interest invoice {invoice.number} raised for {format_plain(total, exponent)}",
            invoice_id=invoice.id,
        )
        uow.commit()
        return invoice.id
