"""Which invoices the reminders leave alone on a day, and why: the one place planning asks.

An invoice is paused while a promise to pay it is open, while a payment plan
covering it is being kept, while a dispute on it is open (as recorded on
that day), and for good once its client was handed over to collection.
Nothing here changes what was already sent, so when a pause ends the planner
carries on from the stage the invoice had reached.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from creditdesk.services.arrangements.disputes import open_dispute_invoice_ids_in
from creditdesk.services.arrangements.payment_plans import kept_plan_invoice_ids_in
from creditdesk.services.arrangements.promises import open_promise_invoice_ids_in
from creditdesk.store.queries.chasing import open_invoice_ids_of_handed_over


def paused_invoice_ids_in(session: Session, as_of: date) -> frozenset[int]:
    return (
        open_promise_invoice_ids_in(session, as_of)
        | kept_plan_invoice_ids_in(session, as_of)
        | open_dispute_invoice_ids_in(session, as_of)
        | frozenset(open_invoice_ids_of_handed_over(session.connection(), as_of))
    )
