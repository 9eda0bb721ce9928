"""Each client's risk rating, from its ledger, promises and disputes (``domain.risk`` decides).

``client_risks`` rates every client at once from set-based queries (two scans
of the ledger), quick enough for the Clients table to sort 5,000 clients by
it. ``client_risk`` rates one client through the domain's own reading of its
history (``InvoiceHistory``, ``payment_behaviour``, ``lateness``); the tests
check both give the same facts, so the table and the client's page agree.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from creditdesk.domain.behaviour import InvoiceHistory, payment_behaviour
from creditdesk.domain.errors import NotFoundError
from creditdesk.domain.money import currency_exponent, from_minor
from creditdesk.domain.payment_plans import add_months
from creditdesk.domain.promises import PromiseRecord
from creditdesk.domain.risk import TREND_MONTHS, RiskFacts, RiskRating, lateness, risk_rating
from creditdesk.services.arrangements.disputes import open_disputes_by_client_in
from creditdesk.services.arrangements.promises import promise_records_in
from creditdesk.services.company.settings import company_in
from creditdesk.store.database import Database
from creditdesk.store.models import Client
from creditdesk.store.queries.clients import (
    RiskSums,
    client_allocations,
    client_flags,
    client_invoices,
    lateness_sums,
    risk_sums,
)
from creditdesk.store.queries.ledger import client_exposure
from creditdesk.store.queries.reports import received_by_client
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)
ONE_PLACE = Decimal("0.1")
SHARE_PLACES = Decimal("0.01")


def _average(weighted: int, paid: int) -> Decimal | None:
    """As ``domain.risk.average_days_late``: money x days / money, one decimal place."""
    return (Decimal(weighted) / Decimal(paid)).quantize(ONE_PLACE, ROUND_HALF_UP) if paid > 0 else None


def trend_windows(as_of: date) -> tuple[date, date, date]:
    """(recent from, previous from, previous to), as ``domain.risk.lateness`` splits the year."""
    six_ago = add_months(as_of, -TREND_MONTHS)
    twelve_ago = add_months(as_of, -2 * TREND_MONTHS)
    return six_ago + timedelta(days=1), twelve_ago + timedelta(days=1), six_ago


def risk_facts_in(session: Session, as_of: date) -> dict[int, RiskFacts]:
    """The facts of every client on ``as_of``."""
    exponent = currency_exponent(company_in(session).currency)
    conn = session.connection()
    flags = client_flags(conn)
    sums = {row.client_id: row for row in risk_sums(conn, as_of)}
    recent_from, previous_from, _ = trend_windows(as_of)
    late: dict[int, list[int]] = defaultdict(lambda: [0] * 6)  # (weighted, paid) before, previous, recent
    for row in lateness_sums(conn, as_of, recent_from, previous_from):
        late[row.client_id][2 * row.window] += row.weighted
        late[row.client_id][2 * row.window + 1] += row.paid
    received = received_by_client(conn, as_of)
    records = promise_records_in(session, as_of)
    disputes = open_disputes_by_client_in(session, as_of)
    facts: dict[int, RiskFacts] = {}
    for cid, flag in flags.items():
        limit = flag.credit_limit
        client_sums = sums.get(cid, RiskSums(cid, 0, 0, 0, 0, 0, None))
        judged, on_time = client_sums.judged, client_sums.on_time
        w_old, p_old, w_prev, p_prev, w_recent, p_recent = late.get(cid, (0,) * 6)
        w_all, p_all = w_old + w_prev + w_recent, p_old + p_prev + p_recent
        record = records.get(cid, PromiseRecord(0, 0))
        facts[cid] = RiskFacts(
            invoices_judged=judged,
            average_days_late=_average(w_all, p_all),
            on_time_share=(Decimal(on_time) / judged).quantize(SHARE_PLACES, ROUND_HALF_UP)
            if judged
            else None,
            recent_days_late=_average(w_recent, p_recent),
            previous_days_late=_average(w_prev, p_prev),
            promises_kept=record.kept,
            promises_broken=record.broken,
            open_disputes=disputes.get(cid, 0),
            balance=from_minor(client_sums.invoiced - received.get(cid, 0), exponent),
            overdue_amount=from_minor(client_sums.overdue, exponent),
            oldest_overdue_due_date=client_sums.oldest_overdue_due_date,
            credit_limit=None if limit is None else from_minor(limit, exponent),
        )
    return facts


def risk_facts(db: Database, as_of: date) -> dict[int, RiskFacts]:
    with UnitOfWork(db) as uow:
        return risk_facts_in(uow.session, as_of)


def client_risks(db: Database, as_of: date) -> dict[int, RiskRating]:
    """Every client's rating on ``as_of``, by client id."""
    return {cid: risk_rating(facts, as_of) for cid, facts in risk_facts(db, as_of).items()}


def client_risk_facts(db: Database, client_id: int, as_of: date) -> RiskFacts:
    """One client's facts read the domain's way, from its own ledger only."""
    with UnitOfWork(db) as uow:
        session = uow.session
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError("this client no longer exists")
        exponent = currency_exponent(company_in(session).currency)
        conn = session.connection()
        invoices = [
            i for i in client_invoices(conn, client_id) if i.status == "issued" and i.issue_date <= as_of
        ]
        allocations = client_allocations(conn, client_id)
        balance = from_minor(client_exposure(conn, client_id, as_of), exponent)
        record = promise_records_in(session, as_of).get(client_id, PromiseRecord(0, 0))
        disputes = open_disputes_by_client_in(session, as_of).get(client_id, 0)
        limit = None if client.credit_limit is None else from_minor(client.credit_limit, exponent)
    gross = {i.id: i.gross for i in invoices}
    paid: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    running: dict[int, int] = defaultdict(int)
    settled: dict[int, date] = {}
    for alloc in allocations:
        inv, day = alloc.invoice_id, alloc.date
        if inv not in gross or day > as_of:
            continue
        if alloc.payment_id is not None:
            paid[inv].append((day, from_minor(alloc.amount, exponent)))
        running[inv] += alloc.amount
        if inv not in settled and running[inv] >= gross[inv]:
            settled[inv] = day
    history = [
        InvoiceHistory(
            issue_date=i.issue_date,
            due_date=i.due_date,
            gross=from_minor(i.gross, exponent),
            payments=tuple(paid[i.id]),
            settled_on=i.issue_date if i.gross == 0 else settled.get(i.id),
        )
        for i in invoices
    ]
    behaviour = payment_behaviour(history, as_of)
    late = lateness(history, as_of)
    overdue_rows = [
        (i.due_date, i.gross - running[i.id])
        for i in invoices
        if i.due_date < as_of and i.gross > running[i.id]
    ]
    return RiskFacts(
        invoices_judged=behaviour.invoices_considered,
        average_days_late=late.overall,
        on_time_share=behaviour.paid_on_time_share,
        recent_days_late=late.recent,
        previous_days_late=late.previous,
        promises_kept=record.kept,
        promises_broken=record.broken,
        open_disputes=disputes,
        balance=balance,
        overdue_amount=from_minor(sum(amount for _, amount in overdue_rows), exponent),
        oldest_overdue_due_date=min((due for due, _ in overdue_rows), default=None),
        credit_limit=limit,
    )


def client_risk(db: Database, client_id: int, as_of: date) -> RiskRating:
    """One client's rating, with its reasons, for the client's page."""
    return risk_rating(client_risk_facts(db, client_id, as_of), as_of)
