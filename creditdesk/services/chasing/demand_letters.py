"""Reminder letters and final demands sent by post, listing what is overdue.

The words live in ``DEFAULT_WORDING`` only, as templates with named fields,
so the reminders feature can pass its own ``LetterWording`` without touching
how the figures are found. The figures are the Aging tab's: invoices open on
the letter date and past their due date (the due-basis buckets after
"Current"), so the letter's total is the tab's overdue figure for the client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from creditdesk.documents.model import Branding, LetterDocument, LetterInvoice
from creditdesk.domain.aging import Basis, age_in_days, bucket_index
from creditdesk.domain.allocation import natural_key
from creditdesk.domain.errors import NotFoundError, ValidationError
from creditdesk.services.ledger.interest import uncharged_interest_in
from creditdesk.services.reports.invoice_print import addressee_of, letterhead_in
from creditdesk.store.database import Database
from creditdesk.store.models import Client
from creditdesk.store.queries.reports import client_open_items, client_unapplied_on
from creditdesk.store.unit_of_work import UnitOfWork

ZERO = Decimal(0)
FINAL_DEMAND_DAYS = 7  # how long a final demand gives before further action


class LetterKind(StrEnum):
    REMINDER = "reminder"
    FINAL_DEMAND = "final-demand"


@dataclass(frozen=True)
class LetterWording:
    """A letter's words as ``str.format`` templates.

    Fields: {client}, {company}, {reference} (the client's code, to quote when
    paying), {total} (overdue, in money), {count}, {the_invoices} ("the
    invoice(s) listed below"), {is_are}, {deadline} (the letter date plus
    ``FINAL_DEMAND_DAYS``, written out), {letter_date}, {on_account},
    {contact} ("call us on ... or email ...") and {how_to_pay}: the
    ``pay_by_transfer`` sentence, with {bank} filled in, when the company has
    bank details, else ``pay_quoting``. ``on_account`` is said only when the
    client has money on account.
    """

    subject: str
    paragraphs: tuple[str, ...]
    closing_paragraphs: tuple[str, ...]
    sign_off: str
    on_account: str = ""
    pay_by_transfer: str = ""
    pay_quoting: str = ""
    signatory_title: str = "Credit control"


_PAY_BY_TRANSFER = (
    "You can pay by bank transfer to {bank}, quoting {reference} as the reference so that we can "
    "match your payment straight away."
)
_PAY_QUOTING = "Please quote {reference} with your payment so that we can match it straight away."
_ON_ACCOUNT = (
    "We also hold {on_account} of yours on account. Just let us know if you would like it set "
    "against these invoices."
)

DEFAULT_WORDING: dict[LetterKind, LetterWording] = {
    LetterKind.REMINDER: LetterWording(
        subject="Payment reminder: account {reference}",
        paragraphs=(
            "We hope all is well. Our records show that {the_invoices} {is_are} now past due, "
            "leaving {total} outstanding on your account.",
            "If you have already sent payment, thank you, and please disregard this letter. "
            "If not, we would be grateful if you could arrange payment at your earliest convenience.",
        ),
        closing_paragraphs=(
            "{how_to_pay}",
            "If anything here looks wrong, or if it would help to spread the payments, please "
            "{contact} and we will gladly sort it out with you.",
            "Thank you for your business; we very much value working with you.",
        ),
        sign_off="Kind regards,",
        on_account=_ON_ACCOUNT,
        pay_by_transfer=_PAY_BY_TRANSFER,
        pay_quoting=_PAY_QUOTING,
    ),
    LetterKind.FINAL_DEMAND: LetterWording(
        subject="Final demand: account {reference}",
        paragraphs=(
            "We have written to you before about {the_invoices}, which {is_are} now well past due. "
            "Despite our reminders, {total} remains unpaid on your account.",
            "Please pay this amount in full by {deadline}. If we have not received payment or heard "
            "from you by then, we will have to consider further action to recover the debt, which "
            "may include placing your account on hold.",
        ),
        closing_paragraphs=(
            "{how_to_pay}",
            "If there is a reason you cannot pay, or you dispute any of these invoices, please "
            "{contact} before {deadline} so that we can agree a way forward together.",
            "We value your business and would much rather settle this with you directly. "
            "Thank you for your prompt attention.",
        ),
        sign_off="Yours sincerely,",
        on_account=_ON_ACCOUNT,
        pay_by_transfer=_PAY_BY_TRANSFER,
        pay_quoting=_PAY_QUOTING,
    ),
}


def salutation(contact_name: str) -> str:
    name = contact_name.strip()
    return f"Dear {name}," if name else "Dear Accounts Team,"


def _contact(branding: Branding) -> str:
    phone, email = branding.phone.strip(), branding.email.strip()
    if phone and email:
        return f"call us on {phone} or email {email}"
    if phone:
        return f"call us on {phone}"
    if email:
        return f"email us at {email}"
    return "get in touch"


def bank_in_words(branding: Branding) -> str:
    """Where to send a transfer, in a sentence: "Acme Ltd, sort code 60-16-13, account 31926819"."""
    bank = branding.bank
    parts = [bank.account_name.strip() or branding.name]
    if bank.sort_code.strip():
        parts.append(f"sort code {bank.sort_code.strip()}")
    if bank.account_number.strip():
        parts.append(f"account {bank.account_number.strip()}")
    text = ", ".join(parts)
    if bank.iban.strip():
        iban = "".join(bank.iban.split()).upper()
        international = "IBAN " + " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
        if bank.bic.strip():
            international += f", BIC {bank.bic.strip().upper()}"
        text += f" ({international})" if len(parts) > 1 else f", {international}"
    return text


def letter_document(
    db: Database,
    client_id: int,
    as_of: date,
    kind: LetterKind,
    *,
    wording: LetterWording | None = None,
) -> LetterDocument:
    """The letter dated ``as_of``; refused when the client has nothing overdue that day."""
    words = wording or DEFAULT_WORDING[kind]
    with UnitOfWork(db) as uow:
        session = uow.session
        client = session.get(Client, client_id)
        if client is None:
            raise NotFoundError("this client no longer exists; it may have been removed by an import")
        head = letterhead_in(session)
        conn = session.connection()
        open_items = client_open_items(conn, client.id, as_of, head.formats.exponent)
        unapplied = client_unapplied_on(conn, client.id, as_of, head.formats.exponent)
        addressee = addressee_of(client)
        interest = uncharged_interest_in(session, client, as_of)
    formats = head.formats
    overdue = []
    for item in open_items:
        days = age_in_days(as_of, item.issue_date, item.due_date, Basis.DUE)
        if bucket_index(days, Basis.DUE) > 0:
            overdue.append(
                LetterInvoice(
                    item.number,
                    item.issue_date,
                    item.due_date,
                    item.gross,
                    item.open,
                    days,
                )
            )
    if not overdue:
        raise ValidationError(
            f"{addressee.name} has nothing overdue on {formats.day(as_of)}, so there is nothing to "
            "write to them about"
        )
    overdue.sort(key=lambda i: (i.due_date, i.issue_date, natural_key(i.number)))
    total = sum((i.open_amount for i in overdue), ZERO)
    on_account = sum((r.left for r in unapplied), ZERO)
    many = len(overdue) > 1
    fields = {
        "client": addressee.name,
        "company": head.branding.name,
        "reference": addressee.code,
        "total": formats.money(total),
        "count": str(len(overdue)),
        "the_invoices": "the invoices listed below" if many else "the invoice listed below",
        "is_are": "are" if many else "is",
        "deadline": formats.long_day(as_of + timedelta(days=FINAL_DEMAND_DAYS)),
        "letter_date": formats.long_day(as_of),
        "on_account": formats.money(on_account),
        "contact": _contact(head.branding),
        "bank": bank_in_words(head.branding),
    }
    pay = words.pay_quoting if head.branding.bank.is_empty else words.pay_by_transfer
    fields["how_to_pay"] = pay.format_map(fields)
    closing = [text.format_map(fields) for text in words.closing_paragraphs]
    if on_account > ZERO and words.on_account:
        closing.insert(0, words.on_account.format_map(fields))
    return LetterDocument(
        branding=head.branding,
        formats=formats,
        client=addressee,
        letter_date=as_of,
        subject=words.subject.format_map(fields),
        salutation=salutation(addressee.contact_name),
        paragraphs=tuple(text.format_map(fields) for text in words.paragraphs),
        invoices=tuple(overdue),
        total_overdue=total,
        closing_paragraphs=tuple(closing),
        sign_off=words.sign_off,
        signatory=head.branding.signatory.strip() or head.branding.name,
        signatory_title=words.signatory_title,
        interest_accrued=interest,
    )


def letter_pdf(db: Database, client_id: int, as_of: date, kind: LetterKind) -> bytes:
    from creditdesk.documents.letter import render_letter  # ReportLab loads only when printing

    return render_letter(letter_document(db, client_id, as_of, kind))
