"""Credit limits and holds: what a client may still run up, and who decided otherwise.

Every change (limit, hold) and every override of a warning goes on the
client's timeline, so there is always a record of who let an order through
and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from creditdesk.domain.errors import NotFoundError, ValidationError
from creditdesk.domain.money import currency_exponent, format_plain, from_minor, to_minor
from creditdesk.domain.ranges import check_amount
from creditdesk.domain.validation import check_text
from creditdesk.services.company.settings import company_in
from creditdesk.store.activity import log_activity
from creditdesk.store.database import Database
from creditdesk.store.models import Client, Invoice
from creditdesk.store.queries import client_balances, client_exposure, client_flags
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)
TEXT_MAX_LENGTH = 500


@dataclass(frozen=True)
class CreditStatus:
    client_id: int
    code: str
    name: str
    credit_limit: Decimal | None  # None: no limit
    used: Decimal  # owed on the day less money on account, never below zero
    on_hold: bool

    @property
    def remaining(self) -> Decimal | None:
        """Negative when over the limit; None without a limit."""
        return None if self.credit_limit is None else self.credit_limit - self.used

    @property
    def over_limit(self) -> bool:
        return self.credit_limit is not None and self.used > self.credit_limit


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError("this client no longer exists")
    return client


def credit_status(db: Database, client_id: int, as_of: date) -> CreditStatus:
    with UnitOfWork(db) as uow:
        session = uow.session
        client = _client(session, client_id)
        exponent = currency_exponent(company_in(session).currency)
        used = from_minor(max(client_exposure(session.connection(), client_id, as_of), 0), exponent)
        limit = None if client.credit_limit is None else from_minor(client.credit_limit, exponent)
        return CreditStatus(client.id, client.code, client.name, limit, used, client.on_hold)


def set_credit_limit(
    db: Database, client_id: int, limit: Decimal | None, *, at: datetime | None = None
) -> None:
    """Set (or with None remove) a client's credit limit, noting the change on the timeline."""
    if limit is not None and limit < ZERO:
        raise ValidationError(f"a credit limit cannot be negative ({limit})")
    if limit is not None:
        check_amount(limit, field="the credit limit")
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        client = _client(session, client_id)
        exponent = currency_exponent(company_in(session).currency)
        client.credit_limit = None if limit is None else to_minor(limit, exponent)
        text = (
            "Credit limit removed"
            if limit is None
            else f"Credit limit set to {format_plain(limit, exponent)}"
        )
        log_activity(session, client.id, "credit_limit", text, at=at)
        uow.commit()


def set_on_hold(
    db: Database, client_id: int, on_hold: bool, why: str = "", *, at: datetime | None = None
) -> None:
    """Put a client on stop (or take them off it), with the reason on the timeline."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        client = _client(session, client_id)
        reason = check_text(why, field="the reason", max_length=TEXT_MAX_LENGTH)
        if client.on_hold == on_hold:
            raise ValidationError(f"{client.name} is already {'on hold' if on_hold else 'off hold'}")
        client.on_hold = on_hold
        text = "Put on hold" if on_hold else "Taken off hold"
        log_activity(session, client.id, "hold", text + (f": {reason}" if reason else ""), at=at)
        uow.commit()


def record_override(
    db: Database,
    client_id: int,
    who: str,
    why: str,
    *,
    invoice_id: int | None = None,
    at: datetime | None = None,
) -> None:
    """An invoice confirmed over the limit or for a client on hold: who and why, on the timeline."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        client = _client(session, client_id)
        person = check_text(who, field="who overrode the warning", required=True, max_length=200)
        reason = check_text(
            why, field="why the warning was overridden", required=True, max_length=TEXT_MAX_LENGTH
        )
        what = "over the credit limit" if not client.on_hold else "while on hold"
        if invoice_id is not None:
            invoice = session.get(Invoice, invoice_id)
            if invoice is None or invoice.client_id != client.id:
                raise NotFoundError("the invoice overridden is not one of this client's")
            what = f"for {invoice.number} " + what
        log_activity(
            session,
            client.id,
            "override",
            f"Credit warning overridden {what} by {person}: {reason}",
            invoice_id=invoice_id,
            at=at,
        )
        uow.commit()


def over_limit_clients(db: Database, as_of: date) -> list[CreditStatus]:
    """Clients over their credit limit on ``as_of`` and not already on hold, furthest over first."""
    with UnitOfWork(db) as uow:
        session = uow.session
        exponent = currency_exponent(company_in(session).currency)
        conn = session.connection()
        flags = client_flags(conn)
        found = []
        for cid, _, _, balance in client_balances(conn, as_of):
            code, name, limit, on_hold, _ = flags[cid]
            if limit is None or on_hold or balance <= limit:
                continue
            found.append(
                CreditStatus(
                    cid, code, name, from_minor(limit, exponent), from_minor(balance, exponent), False
                )
            )
    found.sort(key=lambda s: (-(s.used - (s.credit_limit or ZERO)), s.name))
    return found
