"""The kinds the import wizard brings in (invoices, clients, payments): one small object each.

A kind knows its service's plan and apply functions, the fields of its
mapping step, its options (keeping in step, the file's "as of" date) and how
its plan is previewed and listed; the wizard itself is the same for every kind.
Texts are looked up when a kind is made (``invoices_kind()``), so they are
translated in the user's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from creditdesk.domain.formats import Formats
from creditdesk.services.company.company_file import Database
from creditdesk.services.imports.client_import import (
    ClientImportOptions,
    ClientPlan,
    apply_client_plan,
    plan_client_import,
)
from creditdesk.services.imports.invoice_import import (
    FormatChoices,
    InvoiceImportOptions,
    InvoicePlan,
    apply_invoice_plan,
    plan_invoice_import,
)
from creditdesk.services.imports.mappings import ColumnMapping, Field
from creditdesk.services.imports.payment_import import (
    PaymentImportOptions,
    PaymentPlan,
    apply_payment_plan,
    plan_payment_import,
)
from creditdesk.services.imports.watch import WriteWatch
from creditdesk.ui.company.import_preview import PREVIEW_ROWS, ImportPlan, TextRow, listed_notes
from creditdesk.ui.workspace import Change


def _tr(text: str) -> str:
    return QCoreApplication.translate("ImportKind", text)


@dataclass(frozen=True)
class Chosen:
    """What the user chose on the wizard's second page, for any kind (each takes what it has)."""

    source: str | ColumnMapping = "auto"
    choices: FormatChoices = field(default_factory=FormatChoices)
    sync: bool = False
    complete: bool = False
    as_of: date | None = None


Planner = Callable[[Database, Path, Chosen, date], ImportPlan]
Applier = Callable[[Database, ImportPlan, date, WriteWatch], None]


@dataclass(frozen=True)
class ImportKind:
    key: str  # the saved mappings' kind: "invoices", "clients" or "payments"
    title: str  # the window's title
    file_subtitle: str
    file_hint: str
    import_title: str
    import_subtitle: str
    counted: str  # "Invoices read from the file: {count}."
    done: str  # the status bar's words once imported
    sources: tuple[tuple[str, str], ...]  # what the file may be read as: (words, the service's key)
    fields: tuple[tuple[Field, str], ...]  # what the user maps by hand, with the form's words
    preview_headers: tuple[str, ...]
    right_columns: frozenset[int]
    stretch_column: int  # the preview's column that takes the room left (the client's name)
    plan: Planner
    apply: Applier
    preview: Callable[[ImportPlan, Formats], Sequence[TextRow]]
    notes: Callable[[ImportPlan], list[str]]
    records: Callable[[ImportPlan], int]
    changes: Change
    warning: Callable[[ImportPlan], str | None] = lambda plan: None
    sync_text: str | None = None  # the option to bring what was imported before up to date
    complete_text: str | None = None  # with sync: the file lists everything that is open
    has_as_of: bool = False  # the file describes a day (an aging report's "as of")


def _books_sources() -> tuple[tuple[str, str], ...]:
    """The accounting systems whose invoice and contact exports CreditDesk reads, in the order shown."""
    return (
        (_tr("Recognise the source from its columns"), "auto"),
        ("QuickBooks Online", "quickbooks"),
        ("Xero", "xero"),
        ("Sage Accounting", "sage"),
        ("Zoho Books", "zoho"),
        ("FreeAgent", "freeagent"),
        ("Wave", "wave"),
        (_tr("CreditDesk's own export"), "creditdesk"),
        (_tr("A spreadsheet with the usual column names"), "spreadsheet"),
    )


def _money(formats: Formats, value: object) -> str:
    return formats.amount(value) if isinstance(value, Decimal) else ""


# --- invoices -------------------------------------------------------------------------------------


def _invoices(plan: ImportPlan) -> InvoicePlan:
    assert isinstance(plan, InvoicePlan)
    return plan


def _plan_invoices(db: Database, path: Path, chosen: Chosen, today: date) -> ImportPlan:
    options = InvoiceImportOptions(
        source=chosen.source,
        choices=chosen.choices,
        sync=chosen.sync,
        complete=chosen.sync and chosen.complete,
        as_of=chosen.as_of,
    )
    return plan_invoice_import(db, path, options, today)


def _apply_invoices(db: Database, plan: ImportPlan, today: date, watch: WriteWatch) -> None:
    apply_invoice_plan(db, _invoices(plan), today, watch)


def _preview_invoices(plan: ImportPlan, formats: Formats) -> list[TextRow]:
    return [
        (
            str(record.line),
            record.number,
            record.client.name or record.client.code or "",
            formats.day(record.issue_date),
            "" if record.due_date is None else formats.day(record.due_date),
            _money(formats, record.total),
            _money(formats, record.amount_due),
        )
        for record in _invoices(plan).read.invoices[:PREVIEW_ROWS]
    ]


def _invoice_notes(plan: ImportPlan) -> list[str]:
    invoices = _invoices(plan)
    return listed_notes(invoices.problems, invoices.read.questions, invoices.conflicts, invoices.left_out)


def _invoice_warning(plan: ImportPlan) -> str | None:
    if _invoices(plan).conflicts:
        return _tr(
            "Some invoices differ from CreditDesk's figures; they are listed below and left as they are."
        )
    return None


def invoices_kind() -> ImportKind:
    return ImportKind(
        key="invoices",
        title=_tr("Import invoices"),
        file_subtitle=_tr(
            "Export the open invoices from your accounting system (an aged receivables report or "
            "an invoice list) as CSV or Excel, then choose that file here."
        ),
        file_hint=_tr(
            "CreditDesk recognises exports of QuickBooks, Xero, Sage, FreeAgent, Wave and Zoho "
            "and its own. Nothing is written until you press Import on the last page."
        ),
        import_title=_tr("Import the invoices"),
        import_subtitle=_tr("Press Import to write the invoices into the books in one step."),
        counted=_tr("Invoices read from the file: {count}."),
        done=_tr("The invoices were imported."),
        sources=_books_sources(),
        fields=(
            (Field.NUMBER, _tr("Invoice number:")),
            (Field.CLIENT_NAME, _tr("Client name:")),
            (Field.CLIENT_CODE, _tr("Client code:")),
            (Field.CLIENT_EMAIL, _tr("Client e-mail:")),
            (Field.ISSUE_DATE, _tr("Issue date:")),
            (Field.DUE_DATE, _tr("Due date:")),
            (Field.TOTAL, _tr("Total:")),
            (Field.AMOUNT_DUE, _tr("Amount due:")),
            (Field.AMOUNT_PAID, _tr("Amount paid:")),
            (Field.CURRENCY, _tr("Currency:")),
            (Field.STATUS, _tr("Status:")),
            (Field.REFERENCE, _tr("Reference:")),
        ),
        preview_headers=(
            _tr("Line"),
            _tr("Number"),
            _tr("Client"),
            _tr("Issued"),
            _tr("Due"),
            _tr("Total"),
            _tr("Due now"),
        ),
        right_columns=frozenset({0, 5, 6}),
        stretch_column=2,
        plan=_plan_invoices,
        apply=_apply_invoices,
        preview=_preview_invoices,
        notes=_invoice_notes,
        records=lambda plan: len(_invoices(plan).read.invoices),
        changes=Change.LEDGER | Change.CLIENTS,
        warning=_invoice_warning,
        sync_text=_tr("&Keep in step with earlier imports from this source"),
        complete_text=_tr("The file lists &every open invoice (one no longer listed has been paid)"),
        has_as_of=True,
    )


# --- clients --------------------------------------------------------------------------------------


def _clients(plan: ImportPlan) -> ClientPlan:
    assert isinstance(plan, ClientPlan)
    return plan


def _plan_clients(db: Database, path: Path, chosen: Chosen, today: date) -> ImportPlan:
    options = ClientImportOptions(source=chosen.source, choices=chosen.choices, sync=chosen.sync)
    return plan_client_import(db, path, options)


def _apply_clients(db: Database, plan: ImportPlan, today: date, watch: WriteWatch) -> None:
    apply_client_plan(db, _clients(plan), today, watch)


def _preview_clients(plan: ImportPlan, formats: Formats) -> list[TextRow]:
    return [
        (
            str(record.line),
            record.ref.code or "",
            record.ref.name or "",
            record.ref.email or "",
            record.contact_name or "",
            record.phone or "",
            _money(formats, record.credit_limit),
        )
        for record in _clients(plan).read.clients[:PREVIEW_ROWS]
    ]


def _client_notes(plan: ImportPlan) -> list[str]:
    clients = _clients(plan)
    return listed_notes(clients.problems, clients.read.questions, left_out=clients.read.set_aside)


def clients_kind() -> ImportKind:
    return ImportKind(
        key="clients",
        title=_tr("Import clients"),
        file_subtitle=_tr(
            "Export your customers or contacts from your accounting system as CSV or Excel, "
            "then choose that file here."
        ),
        file_hint=_tr(
            "CreditDesk recognises contact exports of QuickBooks, Xero, Sage, FreeAgent, Wave and Zoho "
            "and its own. Clients already kept are matched by code, e-mail or name and never doubled. "
            "Nothing is written until you press Import on the last page."
        ),
        import_title=_tr("Import the clients"),
        import_subtitle=_tr("Press Import to add the clients to the books in one step."),
        counted=_tr("Clients read from the file: {count}."),
        done=_tr("The clients were imported."),
        sources=_books_sources(),
        fields=(
            (Field.CLIENT_CODE, _tr("Client code:")),
            (Field.CLIENT_NAME, _tr("Name:")),
            (Field.CLIENT_EMAIL, _tr("E-mail:")),
            (Field.CONTACT_NAME, _tr("Contact:")),
            (Field.PHONE, _tr("Phone:")),
            (Field.ADDRESS, _tr("Address:")),
            (Field.CITY, _tr("Town or city:")),
            (Field.POSTCODE, _tr("Postcode:")),
            (Field.COUNTRY, _tr("Country:")),
            (Field.TERMS, _tr("Payment terms:")),
            (Field.CREDIT_LIMIT, _tr("Credit limit:")),
            (Field.NOTES, _tr("Notes:")),
        ),
        preview_headers=(
            _tr("Line"),
            _tr("Code"),
            _tr("Name"),
            _tr("E-mail"),
            _tr("Contact"),
            _tr("Phone"),
            _tr("Credit limit"),
        ),
        right_columns=frozenset({0, 6}),
        stretch_column=2,
        plan=_plan_clients,
        apply=_apply_clients,
        preview=_preview_clients,
        notes=_client_notes,
        records=lambda plan: len(_clients(plan).read.clients),
        changes=Change.CLIENTS,
        sync_text=_tr("&Bring the contact details of clients already kept up to date from the file"),
    )


# --- payments -------------------------------------------------------------------------------------


def _payments(plan: ImportPlan) -> PaymentPlan:
    assert isinstance(plan, PaymentPlan)
    return plan


def _plan_payments(db: Database, path: Path, chosen: Chosen, today: date) -> ImportPlan:
    return plan_payment_import(db, path, PaymentImportOptions(source=chosen.source, choices=chosen.choices))


def _apply_payments(db: Database, plan: ImportPlan, today: date, watch: WriteWatch) -> None:
    apply_payment_plan(db, _payments(plan), watch=watch)


def _preview_payments(plan: ImportPlan, formats: Formats) -> list[TextRow]:
    return [
        (
            str(record.line),
            record.client.name or record.client.code or record.client.email or "",
            formats.day(record.date),
            formats.amount(record.amount),
            record.invoice_number,
            record.reference,
        )
        for record in _payments(plan).read.payments[:PREVIEW_ROWS]
    ]


def _payment_notes(plan: ImportPlan) -> list[str]:
    payments = _payments(plan)
    known = [(line, _tr("this payment is in the books already")) for line in payments.already_recorded]
    return listed_notes(
        payments.problems, payments.read.questions, left_out=[*payments.read.set_aside, *known]
    )


def payments_kind() -> ImportKind:
    return ImportKind(
        key="payments",
        title=_tr("Import payments"),
        file_subtitle=_tr(
            "Choose a file of payments received: CreditDesk's own export, or a spreadsheet with the "
            "date, the amount and the client who paid on each row."
        ),
        file_hint=_tr(
            "Each payment is applied to the invoice it names, otherwise to the client's oldest invoices; "
            "a payment already in the books is not recorded twice. For the bank's own statement file use "
            "File → Import bank statement…. Nothing is written until you press Import on the last page."
        ),
        import_title=_tr("Import the payments"),
        import_subtitle=_tr("Press Import to record the payments in the books in one step."),
        counted=_tr("Payments read from the file: {count}."),
        done=_tr("The payments were imported."),
        sources=(
            (_tr("Recognise the source from its columns"), "auto"),
            (_tr("CreditDesk's own export"), "creditdesk"),
            (_tr("A spreadsheet with the usual column names"), "spreadsheet"),
        ),
        fields=(
            (Field.PAYMENT_DATE, _tr("Date received:")),
            (Field.AMOUNT, _tr("Amount:")),
            (Field.CLIENT_NAME, _tr("Client name:")),
            (Field.CLIENT_CODE, _tr("Client code:")),
            (Field.CLIENT_EMAIL, _tr("Client e-mail:")),
            (Field.INVOICE_NUMBER, _tr("Invoice number:")),
            (Field.REFERENCE, _tr("Reference:")),
            (Field.METHOD, _tr("Method:")),
        ),
        preview_headers=(
            _tr("Line"),
            _tr("Client"),
            _tr("Date"),
            _tr("Amount"),
            _tr("Invoice"),
            _tr("Reference"),
        ),
        right_columns=frozenset({0, 3}),
        stretch_column=1,
        plan=_plan_payments,
        apply=_apply_payments,
        preview=_preview_payments,
        notes=_payment_notes,
        records=lambda plan: len(_payments(plan).read.payments),
        changes=Change.LEDGER,
    )


KINDS: dict[str, Callable[[], ImportKind]] = {
    "invoices": invoices_kind,
    "clients": clients_kind,
    "payments": payments_kind,
}
