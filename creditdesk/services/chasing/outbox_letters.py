"""Letter-channel reminders on letterhead, in the words the outbox holds for them.

A reminder that goes by post was written by the schedule's template and may
have been edited in the outbox; the printed letter must say exactly that, not
the stock wording of ``services.chasing.demand_letters``. Those stock letters also list
whatever is overdue on the day, while a reminder covers its own invoices, so
the letter is built here from the same pieces (letterhead, addressee, the
letter renderer) with the reminder's subject, its paragraphs and its invoices.

The template writes its invoice list as "- Invoice ..." lines, a greeting and
a sign-off with the company's name under it. On paper the list becomes the
letter's invoice table, the greeting its salutation and the sign-off its
signature block, so nothing is printed twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from creditdesk.documents.model import LetterDocument, LetterInvoice
from creditdesk.domain.aging import Basis, age_in_days
from creditdesk.domain.chasing import Channel
from creditdesk.domain.errors import NotFoundError, ValidationError
from creditdesk.services.chasing.outbox import MessageDetail, message_detail
from creditdesk.services.reports.invoice_print import addressee_of, letterhead_in, safe_file_part
from creditdesk.store.database import Database
from creditdesk.store.models import Client
from creditdesk.store.unit_of_work import UnitOfWork

_BLANK_LINES = re.compile(r"\n[ \t]*\n+")
_LIST_ITEM = re.compile(r"^\s*[-•*]\s+")
_TOTAL_LINE = re.compile(r"^total[^:\n]{0,40}:[^\n]*$", re.IGNORECASE)  # "Total now due: €40.00"
SIGN_OFF_MAX_LENGTH = 40  # "With thanks and kind regards," fits; a sentence ending in a comma does not


@dataclass(frozen=True)
class LetterText:
    """A reminder's body cut into the parts a letter lays out apart."""

    salutation: str
    paragraphs: tuple[str, ...]  # before the invoice table
    closing_paragraphs: tuple[str, ...]  # after it
    sign_off: str


def _is_list(paragraph: str) -> bool:
    lines = [line for line in paragraph.splitlines() if line.strip()]
    return bool(lines) and all(_LIST_ITEM.match(line) for line in lines)


def _is_sign_off(paragraph: str) -> bool:
    return "\n" not in paragraph and paragraph.endswith(",") and len(paragraph) <= SIGN_OFF_MAX_LENGTH


def split_letter_text(body: str) -> LetterText:
    """Paragraphs split on blank lines; the greeting, the invoice list and the sign-off found.

    The table goes where the first invoice list was (every list is dropped: the
    table says the same with the figures aligned, and a "Total ...:" line right
    after the list too, as the table ends with it), or after the last paragraph
    when the text has none. Whatever follows the sign-off is the sender's name
    and contact details, which the signature block and the letterhead carry.
    """
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [part.strip() for part in _BLANK_LINES.split(text) if part.strip()]
    salutation = ""
    if paragraphs and "\n" not in paragraphs[0] and paragraphs[0].lower().startswith("dear "):
        salutation = paragraphs.pop(0)
    sign_off = ""
    for index in range(len(paragraphs) - 1, -1, -1):
        if _is_sign_off(paragraphs[index]):
            sign_off = paragraphs[index]
            del paragraphs[index:]
            break
    table_at = next((i for i, p in enumerate(paragraphs) if _is_list(p)), None)
    if table_at is None:
        return LetterText(salutation, tuple(paragraphs), (), sign_off)
    before = tuple(paragraphs[:table_at])
    after = [p for p in paragraphs[table_at:] if not _is_list(p)]
    if after and _TOTAL_LINE.match(after[0]):
        del after[0]  # the table's last row says it
    return LetterText(salutation, before, tuple(after), sign_off)


def reminder_letter_file_name(stage_name: str, client_code: str, planned_on: date) -> str:
    return f"{safe_file_part(stage_name)} {safe_file_part(client_code)} {planned_on.isoformat()}.pdf"


def _letter_of(db: Database, detail: MessageDetail) -> LetterDocument:
    with UnitOfWork(db) as uow:
        session = uow.session
        client = session.get(Client, detail.client_id)
        if client is None:
            raise NotFoundError("this client no longer exists; it may have been removed by an import")
        head = letterhead_in(session)
        addressee = addressee_of(client)
    day = detail.planned_on
    invoices = tuple(
        LetterInvoice(
            i.number,
            i.issue_date,
            i.due_date,
            i.amount,
            i.open_amount,
            max(age_in_days(day, i.issue_date, i.due_date, Basis.DUE), 0),
        )
        for i in detail.invoices
    )
    words = split_letter_text(detail.body)
    return LetterDocument(
        branding=head.branding,
        formats=head.formats,
        client=addressee,
        letter_date=day,
        subject=detail.subject,
        salutation=words.salutation,
        paragraphs=words.paragraphs,
        invoices=invoices,
        total_overdue=detail.total,
        closing_paragraphs=words.closing_paragraphs,
        sign_off=words.sign_off,
        signatory=head.branding.signatory.strip() or head.branding.name,
    )


def reminder_letter_document(db: Database, reminder_id: int) -> LetterDocument:
    """The letter for a letter-channel reminder, dated the day it was planned, as its figures are."""
    detail = message_detail(db, reminder_id)
    if detail.channel is not Channel.LETTER:
        what = "an email" if detail.channel is Channel.EMAIL else "a phone call"
        raise ValidationError(
            f"The '{detail.stage_name}' reminder to {detail.client_name} is {what}, not a letter, "
            "so there is nothing to print"
        )
    return _letter_of(db, detail)


def reminder_letter_pdf(db: Database, reminder_id: int) -> bytes:
    from creditdesk.documents.letter import render_letter  # ReportLab loads only when printing

    return render_letter(reminder_letter_document(db, reminder_id))
