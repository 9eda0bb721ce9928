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

from creditdesk.domain.errors import FieldError, NotFoundError, ValidationError
from creditdesk.domain.money import currency_exponent, format_plain, from_minor, to_minor
from creditdesk.domain.ranges import check_amount
from creditdesk.domain.validation import check_text
from creditdesk.services.company.settings import company_in
from creditdesk.store.activity import log_activity
from creditdesk.store.database import Database
from creditdesk.store.models import Client, Invoice
from creditdesk.store.queries.clients import client_flags
from creditdesk.store.queries.ledger import client_balances, client_exposure
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)
TEXT_MAX_LENGTH = 500
WHO_MAX_LENGTH = 200
# The fields a ``FieldError`` from ``set_limit_and_hold`` names.
LIMIT_FIELD = "credit_limit"
REASON_FIELD = "reason"


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


def _checked_limit(limit: Decimal | None) -> Decimal | None:
    """A limit the file can hold (or None: no limit); a ``FieldError`` on the limit otherwise."""
    if limit is None:
        return None
    try:
        check_amount(limit, field="the credit limit")
    except ValidationError as exc:
        raise FieldError(LIMIT_FIELD, exc.message) from None
    if limit < ZERO:
        raise FieldError(LIMIT_FIELD, "the credit limit cannot be negative; leave it empty for no limit")
    return limit


def _checked_hold_reason(client: Client, on_hold: bool, why: str) -> str:
    """The reason for putting ``client`` on hold or taking them off it; going on hold needs one."""
    if client.on_hold == on_hold:
        if on_hold:
            raise ValidationError(f"{client.name} is already on hold")
        raise ValidationError(f"{client.name} is already off hold")
    try:
        reason = check_text(why, field="the reason", max_length=TEXT_MAX_LENGTH)
    except ValidationError as exc:
        raise FieldError(REASON_FIELD, exc.message) from None
    if on_hold and not reason:
        raise FieldError(REASON_FIELD, "say why the client goes on hold; it is written on their timeline")
    return reason


def _write_limit(
    session: Session, client: Client, limit: Decimal | None, exponent: int, at: datetime | None
) -> None:
    client.credit_limit = None if limit is None else to_minor(limit, exponent)
    text = "Credit limit removed" if limit is None else f"Credit limit set to {format_plain(limit, exponent)}"
    log_activity(session, client.id, "credit_limit", text, at=at)


def _write_hold(session: Session, client: Client, on_hold: bool, reason: str, at: datetime | None) -> None:
    client.on_hold = on_hold
    if on_hold:
        text = f"Put on hold: {reason}" if reason else "Put on hold"
    else:
        text = f"Taken off hold: {reason}" if reason else "Taken off hold"
    log_activity(session, client.id, "hold", text, at=at)


def set_credit_limit(
    db: Database, client_id: int, limit: Decimal | None, *, at: datetime | None = None
) -> None:
    """Set (or with None remove) a client's credit limit, noting the change on the timeline."""
    checked = _checked_limit(limit)
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        client = _client(session, client_id)
        _write_limit(session, client, checked, currency_exponent(company_in(session).currency), at)
        uow.commit()


def set_on_hold(
    db: Database, client_id: int, on_hold: bool, why: str = "", *, at: datetime | None = None
) -> None:
    """Put a client on stop (or take them off it), with the reason on the timeline.

    Going on hold needs a reason: it is what a colleague reads before overriding the hold.
    """
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        client = _client(session, client_id)
        _write_hold(session, client, on_hold, _checked_hold_reason(client, on_hold, why), at)
        uow.commit()


def set_limit_and_hold(
    db: Database,
    client_id: int,
    limit: Decimal | None,
    on_hold: bool,
    reason: str = "",
    *,
    at: datetime | None = None,
) -> None:
    """The credit dialog's one write: a client's limit (None: no limit) and hold, in one transaction.

    Only what differs from the file is written and noted on the timeline, so
    saving the dialog unchanged writes nothing. ``reason`` belongs to a change of
    hold and is required for going on hold. A broken rule raises a ``FieldError``
    naming ``LIMIT_FIELD`` or ``REASON_FIELD``, and nothing is written.
    """
    checked = _checked_limit(limit)
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        client = _client(session, client_id)
        exponent = currency_exponent(company_in(session).currency)
        hold_changes = client.on_hold != on_hold
        why = _checked_hold_reason(client, on_hold, reason) if hold_changes else ""
        if (None if checked is None else to_minor(checked, exponent)) != client.credit_limit:
            _write_limit(session, client, checked, exponent, at)
        if hold_changes:
            _write_hold(session, client, on_hold, why, at)
        uow.commit()


# --- overriding a credit warning -------------------------------------------------------------------


@dataclass(frozen=True)
class Override:
    """Who confirmed a credit warning and why: issuing over the limit or on hold needs one."""

    who: str
    why: str


def checked_override(override: Override) -> Override:
    """``override`` trimmed, or a ``ValidationError`` saying which half is missing or too long."""
    return Override(
        check_text(override.who, field="who overrode the warning", required=True, max_length=WHO_MAX_LENGTH),
        check_text(
            override.why, field="why the warning was overridden", required=True, max_length=TEXT_MAX_LENGTH
        ),
    )


def record_override_in(
    session: Session,
    client: Client,
    override: Override,
    *,
    invoice: Invoice | None = None,
    at: datetime | None = None,
) -> None:
    """Note an override on the client's timeline, inside the caller's transaction."""
    checked = checked_override(override)
    who, why = checked.who, checked.why
    if invoice is not None:
        if invoice.client_id != client.id:
            raise NotFoundError("the invoice overridden is not one of this client's")
        number = invoice.number
        if client.on_hold:
            text = f"Credit warning overridden for {number} while on hold by {who}: {why}"
        else:
            text = f"Credit warning overridden for {number} over the credit limit by {who}: {why}"
    elif client.on_hold:
        text = f"Credit warning overridden while on hold by {who}: {why}"
    else:
        text = f"Credit warning overridden over the credit limit by {who}: {why}"
    log_activity(
        session, client.id, "override", text, invoice_id=None if invoice is None else invoice.id, at=at
    )


def record_override(
    db: Database,
    client_id: int,
    who: str,
    why: str,
    *,
    invoice_id: int | None = None,
    at: datetime | None = None,
) -> None:
    """Note an override on its own, for an invoice already out (issuing takes ``override=`` instead)."""
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        client = _client(session, client_id)
        invoice = None
        if invoice_id is not None:
            invoice = session.get(Invoice, invoice_id)
            if invoice is None:
                raise NotFoundError("the invoice overridden is not one of this client's")
        record_override_in(session, client, Override(who, why), invoice=invoice, at=at)
        uow.commit()


def over_limit_clients(db: Database, as_of: date) -> list[CreditStatus]:
    """Clients over their credit limit on ``as_of`` and not already on hold, furthest over first."""
    with UnitOfWork(db) as uow:
        session = uow.session
        exponent = currency_exponent(company_in(session).currency)
        conn = session.connection()
        flags = client_flags(conn)
        found = []
        for row in client_balances(conn, as_of):
            flag = flags[row.id]
            limit = flag.credit_limit
            if limit is None or flag.on_hold or row.balance <= limit:
                continue
            found.append(
                CreditStatus(
                    row.id,
                    flag.code,
                    flag.name,
                    from_minor(limit, exponent),
                    from_minor(row.balance, exponent),
                    False,
                )
            )
    found.sort(key=lambda s: (-(s.used - (s.credit_limit or ZERO)), s.name))
    return found
