"""The accounting systems CreditDesk recognises from a file's header row, and how their columns map.

Each preset names, for every field, the column (or the alternatives) its
system writes, the columns that identify it, and the words it uses for an
invoice's status. Column names are compared by ``column_key`` (case, ``*``
and punctuation ignored). The layouts follow each system's published export
and report descriptions (see the fixtures' README).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from creditdesk.imports.mapping import ColumnMapping, Field, column_key, find_columns, positions
from creditdesk.imports.records import SourceStatus

DRAFT, VOID, PAID, OPEN = SourceStatus.DRAFT, SourceStatus.VOID, SourceStatus.PAID, SourceStatus.OPEN


@dataclass(frozen=True)
class Preset:
    key: str  # what ``--source`` names: "quickbooks", "xero", ...
    label: str  # what the user is shown
    columns: Mapping[Field, tuple[str, ...]]  # the first alternative the file has is used
    required: frozenset[Field]  # all present: the header is this system's
    marks: tuple[str, ...] = ()  # other columns it must have (keys), to tell reports of one system apart
    statuses: Mapping[str, SourceStatus] = field(default_factory=dict)  # keys: column_key of the word
    invoice_types: frozenset[str] = frozenset()  # TRANSACTION_TYPE values that are invoices; others set aside
    credit_types: frozenset[str] = frozenset()  # TRANSACTION_TYPE values that are credit notes
    groups_are_clients: bool = False  # a report grouped by customer: the group row names the client
    unguard: bool = False  # CreditDesk's own export: undo its guard against spreadsheet formulas
    one_row_per_invoice: bool = False  # a number repeated is a mistake, not another line item
    negative_is_credit: bool = False  # a row with a negative total is a credit note (spreadsheets)
    generic: bool = False  # tried only when no system's own preset recognises the header
    one_of: frozenset[Field] = frozenset()  # at least one of these present too (a payment's client)

    def resolve(self, header: Sequence[str]) -> dict[Field, int] | None:
        """Where each field is in this header, or None when the header is not this system's."""
        keys = positions(header)
        if any(column_key(mark) not in keys for mark in self.marks):
            return None
        found = find_columns(header, self.columns)
        if not self.required <= found.keys() or (self.one_of and self.one_of.isdisjoint(found)):
            return None
        return found


def named_columns(**columns: str | tuple[str, ...]) -> dict[Field, tuple[str, ...]]:
    return {Field(name): (value,) if isinstance(value, str) else value for name, value in columns.items()}


def _words(**statuses: SourceStatus) -> dict[str, SourceStatus]:
    return {column_key(word.replace("_", " ")): status for word, status in statuses.items()}


CREDITDESK = Preset(
    "creditdesk",
    "CreditDesk (export invoices)",
    named_columns(
        number="number",
        client_code="client_code",
        client_name="client_name",
        issue_date="issue_date",
        due_date="due_date",
        reference="reference",
        status="status",
        total=("gross", "amount"),
        amount_due="open",
        item_description="description",
    ),
    frozenset({Field.NUMBER, Field.CLIENT_CODE, Field.ISSUE_DATE, Field.TOTAL}),
    statuses=_words(draft=DRAFT, void=VOID, paid=PAID, open=OPEN, overdue=OPEN, disputed=OPEN),
    unguard=True,
    one_row_per_invoice=True,
)

QUICKBOOKS_AGING = Preset(
    "quickbooks",
    "QuickBooks Online (A/R Aging Detail report)",
    named_columns(
        issue_date="Date",
        transaction_type="Transaction Type",
        number=("Num", "No."),
        client_name="Customer",
        due_date="Due Date",
        total="Amount",
        amount_due="Open Balance",
    ),
    frozenset({Field.ISSUE_DATE, Field.TRANSACTION_TYPE, Field.NUMBER, Field.CLIENT_NAME, Field.AMOUNT_DUE}),
    marks=("Past Due",),
    invoice_types=frozenset({"invoice"}),
)

QUICKBOOKS_INVOICES = Preset(
    "quickbooks",
    "QuickBooks Online (Invoice List report)",
    named_columns(
        issue_date="Date",
        number=("Num", "No."),
        client_name="Customer",
        reference="Memo/Description",
        due_date="Due Date",
        terms_days="Terms",
        total="Amount",
        amount_due="Open Balance",
        status="Status",
    ),
    frozenset(
        {Field.ISSUE_DATE, Field.NUMBER, Field.CLIENT_NAME, Field.DUE_DATE, Field.TOTAL, Field.AMOUNT_DUE}
    ),
    statuses=_words(
        paid=PAID, open=OPEN, overdue=OPEN, partial=OPEN, voided=VOID, void=VOID, deposited=PAID, closed=PAID
    ),
)

XERO_INVOICES = Preset(
    "xero",
    "Xero (sales invoices export)",
    named_columns(
        client_name="ContactName",
        client_email="EmailAddress",
        number="InvoiceNumber",
        reference="Reference",
        issue_date="InvoiceDate",
        due_date="DueDate",
        total="Total",
        amount_paid="InvoiceAmountPaid",
        amount_due="InvoiceAmountDue",
        item_description="Description",
        item_quantity="Quantity",
        item_unit_price="UnitAmount",
        item_amount="LineAmount",
        currency="Currency",
        status="Status",
        transaction_type="Type",
    ),
    frozenset({Field.CLIENT_NAME, Field.NUMBER, Field.ISSUE_DATE, Field.TOTAL}),
    statuses=_words(draft=DRAFT, submitted=DRAFT, authorised=OPEN, paid=PAID, voided=VOID, deleted=VOID),
    invoice_types=frozenset({"sales invoice", "accrec"}),
)

XERO_AGED = Preset(
    "xero",
    "Xero (Aged Receivables Detail report)",
    named_columns(
        issue_date=("Invoice Date", "Date"),
        number="Invoice Number",
        reference="Invoice Reference",
        due_date="Due Date",
        amount_due="Total",
    ),
    frozenset({Field.ISSUE_DATE, Field.NUMBER, Field.DUE_DATE, Field.AMOUNT_DUE}),
    marks=("Current", "Older"),
    groups_are_clients=True,
)

SAGE = Preset(
    "sage",
    "Sage Accounting (Aged Debtors, detailed)",
    named_columns(
        client_name=("Contact Name", "Customer Name", "Customer"),
        client_code=("Contact Reference", "Customer Reference", "Account Reference"),
        issue_date=("Date", "Transaction Date"),
        transaction_type=("Type", "Transaction Type"),
        number=("Reference", "Invoice Number"),
        due_date="Due Date",
        total=("Total", "Gross"),
        amount_due=("Outstanding", "Balance"),
    ),
    frozenset({Field.CLIENT_NAME, Field.ISSUE_DATE, Field.NUMBER, Field.AMOUNT_DUE}),
    marks=("Older",),
    invoice_types=frozenset({"invoice", "sales invoice", "si"}),
    credit_types=frozenset({"credit note", "sales credit note", "sc"}),
)

ZOHO = Preset(
    "zoho",
    "Zoho Books (invoices export)",
    named_columns(
        issue_date="Invoice Date",
        number="Invoice Number",
        status="Invoice Status",
        client_name="Customer Name",
        client_code="Customer ID",
        client_email=("Primary Contact EmailID", "Email"),
        due_date="Due Date",
        terms_days="Payment Terms",
        currency="Currency Code",
        item_description=("Item Name", "Item Desc"),
        item_quantity="Quantity",
        item_unit_price="Item Price",
        item_amount="Item Total",
        total="Total",
        amount_due="Balance",
    ),
    frozenset({Field.ISSUE_DATE, Field.NUMBER, Field.STATUS, Field.CLIENT_NAME, Field.TOTAL}),
    statuses=_words(
        draft=DRAFT,
        pending_approval=DRAFT,
        approved=OPEN,
        sent=OPEN,
        viewed=OPEN,
        overdue=OPEN,
        unpaid=OPEN,
        partially_paid=OPEN,
        paid=PAID,
        closed=PAID,
        void=VOID,
    ),
)

FREEAGENT = Preset(
    "freeagent",
    "FreeAgent (invoices export)",
    named_columns(
        number="Reference",
        client_name="Contact",
        issue_date="Dated On",
        due_date="Due On",
        terms_days="Payment Terms (Days)",
        currency="Currency",
        total="Total Value",
        amount_paid="Paid Value",
        amount_due="Due Value",
        status="Status",
    ),
    frozenset({Field.NUMBER, Field.CLIENT_NAME, Field.ISSUE_DATE, Field.TOTAL}),
    statuses=_words(
        draft=DRAFT,
        scheduled=DRAFT,
        sent=OPEN,
        open=OPEN,
        overdue=OPEN,
        paid=PAID,
        zero_value=PAID,
        cancelled=VOID,
        written_off=VOID,
        refunded=VOID,
    ),
)

WAVE = Preset(
    "wave",
    "Wave (invoices export)",
    named_columns(
        number="Invoice Number",
        client_name=("Customer", "Customer Name"),
        client_email="Customer Email",
        reference="PO/SO Number",
        issue_date="Invoice Date",
        due_date=("Due Date", "Payment Due"),
        status="Status",
        currency="Currency",
        total="Total",
        amount_paid="Amount Paid",
        amount_due="Amount Due",
    ),
    frozenset({Field.NUMBER, Field.CLIENT_NAME, Field.ISSUE_DATE, Field.TOTAL, Field.AMOUNT_DUE}),
    statuses=_words(
        draft=DRAFT, saved=DRAFT, sent=OPEN, viewed=OPEN, unpaid=OPEN, partial=OPEN, overdue=OPEN, paid=PAID
    ),
)

# Most particular first: a report's columns are a superset of another's only with its marks.
# Status words a user's own file may use, in the languages of the usual locales.
COMMON_STATUSES = {
    **_words(draft=DRAFT, entwurf=DRAFT, brouillon=DRAFT, concept=DRAFT),
    **_words(
        void=VOID,
        voided=VOID,
        cancelled=VOID,
        canceled=VOID,
        storniert=VOID,
        annulé=VOID,
        annulee=VOID,
        geannuleerd=VOID,
    ),
    **_words(paid=PAID, bezahlt=PAID, payé=PAID, payée=PAID, betaald=PAID, closed=PAID),
    **_words(
        open=OPEN,
        sent=OPEN,
        overdue=OPEN,
        unpaid=OPEN,
        partial=OPEN,
        offen=OPEN,
        überfällig=OPEN,
        impayée=OPEN,
        openstaand=OPEN,
    ),
}


# A spreadsheet of the user's own, with the column names people usually give in English, German,
# French and Dutch; tried after every system's preset, so it never takes a known export.
SPREADSHEET = Preset(
    "spreadsheet",
    "A spreadsheet (the usual column names)",
    named_columns(
        number=(
            "Invoice Number", "Invoice No", "Invoice #", "Invoice", "Number", "Rechnungsnummer",
            "Rechnungs-Nr.", "Rechnung", "N° facture", "Numéro de facture", "Facture", "Factuurnummer",
            "Factuur",
        ),
        client_name=("Customer", "Customer Name", "Client", "Client Name", "Kunde", "Kundenname", "Klant"),
        client_code=(
            "Customer ID", "Customer Code", "Client Code", "Kundennummer", "Code client", "Klantnummer",
        ),
        client_email=("Email", "E-mail", "E-Mail-Adresse", "Courriel"),
        issue_date=("Invoice Date", "Date", "Rechnungsdatum", "Datum", "Date de facture", "Factuurdatum"),
        due_date=("Due Date", "Due", "Fällig am", "Fälligkeit", "Échéance", "Date d'échéance", "Vervaldatum"),
        total=(
            "Amount", "Total", "Invoice Amount", "Betrag", "Rechnungsbetrag", "Montant TTC", "Montant",
            "Total TTC", "Bedrag", "Totaal",
        ),
        amount_due=(
            "Balance", "Amount Due", "Open", "Offen", "Offener Betrag", "Reste dû", "Solde", "Openstaand",
        ),
        reference=("Memo", "Reference", "Bemerkung", "Référence", "Referentie", "Omschrijving"),
        status=("Status", "Statut"),
    ),
    frozenset({Field.NUMBER, Field.CLIENT_NAME, Field.ISSUE_DATE, Field.TOTAL}),
    statuses=COMMON_STATUSES,
    negative_is_credit=True,
    generic=True,
)  # fmt: skip

PRESETS = (
    CREDITDESK,
    QUICKBOOKS_AGING,
    QUICKBOOKS_INVOICES,
    XERO_INVOICES,
    XERO_AGED,
    SAGE,
    ZOHO,
    FREEAGENT,
    WAVE,
    SPREADSHEET,
)
SOURCE_KEYS = tuple(dict.fromkeys(preset.key for preset in PRESETS))


def detect(
    header: Sequence[str], source: str = "auto", presets: Sequence[Preset] = PRESETS
) -> tuple[Preset, dict[Field, int]] | None:
    """The preset whose columns this header has (of ``source`` only, unless "auto"), best match first."""
    best: tuple[Preset, dict[Field, int]] | None = None
    for generic in (False, True):  # a system's own layout first; the usual column names only failing that
        for preset in presets:
            if preset.generic is not generic or (source != "auto" and preset.key != source):
                continue
            found = preset.resolve(header)
            if found is not None and (best is None or len(found) > len(best[1])):
                best = preset, found
        if best is not None:
            return best
    return best


def closest(
    header: Sequence[str], source: str = "auto", presets: Sequence[Preset] = PRESETS
) -> tuple[Preset, list[str]] | None:
    """The preset this header nearly is (two or more of its required columns), and what it lacks."""
    keys = positions(header)
    best: tuple[Preset, list[str], int] | None = None
    for preset in presets:
        if source != "auto" and preset.key != source:
            continue
        missing = [
            "a column " + " or ".join(f"'{name}'" for name in preset.columns[target])
            for target in preset.required
            if not any(column_key(name) in keys for name in preset.columns[target])
        ]
        found = len(preset.required) - len(missing)
        if missing and found >= 2 and (best is None or found > best[2]):
            best = preset, sorted(missing), found
    return None if best is None else (best[0], best[1])


def from_mapping(mapping: ColumnMapping) -> Preset:
    """The user's mapping as a preset: its columns are required, its status words added to the usual ones."""
    statuses = dict(COMMON_STATUSES)
    statuses.update({column_key(word): SourceStatus(value) for word, value in mapping.statuses.items()})
    return Preset(
        mapping.name,
        mapping.name,
        {target: (column,) for target, column in mapping.columns.items()},
        frozenset(mapping.columns),
        statuses=statuses,
        negative_is_credit=True,
    )
