"""Hand-built document data: a Dorset joinery company and its clients, no database needed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from creditdesk.documents.model import (
    Addressee,
    AgedDebtorRow,
    AgedDebtorsDocument,
    AgingBucketFigure,
    BankDetails,
    Branding,
    EntryKind,
    InvoiceDocLine,
    InvoiceDocument,
    LetterDocument,
    LetterInvoice,
    StatementDocument,
    StatementLine,
    StatementStyle,
    TaxSummaryLine,
)
from creditdesk.domain.formats import Formats

GBP = Formats("GBP", "en_GB", 2)
EUR = Formats("EUR", "de_DE", 2)
CENT = Decimal("0.01")

BRANDING = Branding(
    name="Harbour & Pine Joinery Ltd",
    address="Unit 4, Quayside Workshops\nHamworthy\nPoole BH15 4AF\nUnited Kingdom",
    phone="01202 555 014",
    email="accounts@harbourandpine.co.uk",
    tax_number="GB 284 5519 07",
    bank=BankDetails(
        account_name="Harbour & Pine Joinery Ltd", account_number="41958823", sort_code="20-45-77"
    ),
    payment_instructions="Please quote the payment reference so that we can match your payment.",
    signatory="Tom Harding",
)
EURO_BRANDING = replace(
    BRANDING,
    bank=BankDetails(
        account_name="Harbour & Pine Joinery Ltd", iban="DE89 3704 0044 0532 0130 00", bic="COBADEFFXXX"
    ),
)
CLIENT = Addressee(
    name="Zeta Café & Bistro Ltd",
    code="ZETA01",
    contact_name="Ms Anna Kowalska",
    address="14 Harbour Parade\nSandbanks\nPoole\nBH13 7LP",
)

_ITEMS = (
    ("Oak worktop, 3000 x 620 x 40 mm, oiled, cut to template", "2", "385.00", "20"),
    ("Fitting of worktops incl. sink and hob cut-outs", "7.5", "42.00", "20"),
    ("Bespoke pine shelving unit for the pastry counter, to drawing HP-2217 rev. C", "1", "1240.00", "20"),
    ("Delivery to site", "1", "45.00", "0"),
    ("Hardwood skirting, 120 mm, primed", "36.5", "8.90", "20"),
)


def invoice_lines(count: int) -> tuple[InvoiceDocLine, ...]:
    lines = []
    for i in range(count):
        text, qty, price, rate = _ITEMS[i % len(_ITEMS)]
        quantity, unit = Decimal(qty), Decimal(price)
        description = text if count <= len(_ITEMS) else f"{text} [line {i + 1:03d}]"
        lines.append(
            InvoiceDocLine(description, quantity, unit, Decimal(rate), (quantity * unit).quantize(CENT))
        )
    return tuple(lines)


def invoice(
    lines: int = 5,
    *,
    branding: Branding = BRANDING,
    formats: Formats = GBP,
    client: Addressee = CLIENT,
    paid: Decimal = Decimal("500.00"),
    watermark: str = "",
    notes: str = "Thank you for your business.",
) -> InvoiceDocument:
    doc_lines = invoice_lines(lines)
    by_rate: dict[Decimal, Decimal] = {}
    for line in doc_lines:
        by_rate[line.tax_rate] = by_rate.get(line.tax_rate, Decimal(0)) + line.net
    summary = tuple(
        TaxSummaryLine(rate, net, (net * rate / 100).quantize(CENT)) for rate, net in sorted(by_rate.items())
    )
    net = sum((s.net for s in summary), Decimal(0))
    tax = sum((s.tax for s in summary), Decimal(0))
    return InvoiceDocument(
        branding=branding,
        formats=formats,
        client=client,
        number="INV-2026-0142",
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 4, 1),
        reference="PO 7781/KITCHEN",
        lines=doc_lines,
        tax_summary=summary,
        net=net,
        tax=tax,
        gross=net + tax,
        paid=paid,
        amount_due=net + tax - paid,
        terms="30 days net",
        discount="2% discount if paid by 16 March 2026",
        payment_reference="INV-2026-0142",
        notes=notes,
        watermark=watermark,
    )


OPENING = Decimal("1845.60")


def statement_lines(count: int, start: date) -> tuple[StatementLine, ...]:
    """Invoices, payments and now and then a credit note, with the running balance after each."""
    balance = OPENING
    lines = []
    for i in range(count):
        day = start + timedelta(days=i * 28 // max(count, 1))
        if i % 3 == 2:
            amount = Decimal("600.00") + i
            balance -= amount
            lines.append(
                StatementLine(day, EntryKind.PAYMENT, f"PAY-{3100 + i}", "BACS", Decimal(0), amount, balance)
            )
        elif i % 7 == 4:
            amount = Decimal("120.00")
            balance -= amount
            lines.append(
                StatementLine(
                    day,
                    EntryKind.CREDIT_NOTE,
                    f"CN-{400 + i}",
                    "Returned skirting",
                    Decimal(0),
                    amount,
                    balance,
                )
            )
        else:
            amount = Decimal("1296.82") + i * 10
            balance += amount
            lines.append(
                StatementLine(
                    day,
                    EntryKind.INVOICE,
                    f"INV-{1000 + i}",
                    f"PO-{7700 + i}",
                    amount,
                    Decimal(0),
                    balance,
                    due_date=day + timedelta(days=30),
                )
            )
    return tuple(lines)


def aging_for(total: Decimal) -> tuple[AgingBucketFigure, ...]:
    older = (Decimal("1245.60"), Decimal("600.00"), Decimal("0"), Decimal("0"))
    labels = ("Current", "1–30 days", "31–60 days", "61–90 days", "Over 90 days")
    return tuple(
        AgingBucketFigure(label, amount)
        for label, amount in zip(labels, (total - sum(older), *older), strict=True)
    )


def activity_statement(
    lines: int = 12, *, formats: Formats = GBP, branding: Branding = BRANDING, client: Addressee = CLIENT
) -> StatementDocument:
    start = date(2026, 3, 1)
    doc_lines = statement_lines(lines, start)
    closing = doc_lines[-1].balance if doc_lines else OPENING
    return StatementDocument(
        branding=branding,
        formats=formats,
        client=client,
        style=StatementStyle.ACTIVITY,
        statement_date=date(2026, 3, 31),
        period_start=start,
        opening_balance=OPENING,
        lines=doc_lines,
        closing_balance=closing,
        aging=aging_for(closing),
        payment_reference="ZETA01",
        terms="30 days net",
    )


def open_items_statement() -> StatementDocument:
    as_of = date(2026, 3, 31)

    def invoice_line(number: str, issued: date, amount: str, open_: str) -> StatementLine:
        due = issued + timedelta(days=30)
        return StatementLine(
            issued,
            EntryKind.INVOICE,
            number,
            "PO-7781",
            Decimal(amount),
            Decimal(0),
            Decimal(0),
            due_date=due,
            open_amount=Decimal(open_),
            days_overdue=max((as_of - due).days, 0),
        )

    lines = (
        invoice_line("INV-0098", date(2026, 1, 12), "1245.60", "1245.60"),
        invoice_line("INV-0117", date(2026, 2, 3), "2796.82", "600.00"),
        invoice_line("INV-0142", date(2026, 3, 2), "3296.82", "3296.82"),
        StatementLine(
            date(2026, 3, 20),
            EntryKind.PAYMENT,
            "PAY-3190",
            "BACS",
            Decimal(0),
            Decimal("150.00"),
            Decimal(0),
            open_amount=Decimal("-150.00"),
        ),
    )
    closing = sum((line.open_amount or Decimal(0) for line in lines), Decimal(0))
    aging = (
        AgingBucketFigure("Current", Decimal("3296.82")),
        AgingBucketFigure("1–30 days", Decimal("600.00")),
        AgingBucketFigure("31–60 days", Decimal("1245.60")),
        AgingBucketFigure("On account", Decimal("-150.00")),
    )
    return StatementDocument(
        branding=BRANDING,
        formats=GBP,
        client=CLIENT,
        style=StatementStyle.OPEN_ITEMS,
        statement_date=as_of,
        period_start=None,
        opening_balance=Decimal(0),
        lines=lines,
        closing_balance=closing,
        aging=aging,
        payment_reference="ZETA01",
        terms="30 days net",
    )


def letter(*, branding: Branding = BRANDING, client: Addressee = CLIENT) -> LetterDocument:
    invoices = (
        LetterInvoice(
            "INV-0098", date(2026, 1, 12), date(2026, 2, 11), Decimal("1245.60"), Decimal("1245.60"), 48
        ),
        LetterInvoice(
            "INV-0117", date(2026, 2, 3), date(2026, 3, 5), Decimal("2796.82"), Decimal("600.00"), 26
        ),
    )
    return LetterDocument(
        branding=branding,
        formats=GBP,
        client=client,
        letter_date=date(2026, 3, 31),
        subject="Overdue invoices on account ZETA01",
        salutation="Dear Ms Kowalska,",
        paragraphs=("Our records show that the invoices below are past their due date.",),
        invoices=invoices,
        total_overdue=Decimal("1845.60"),
        closing_paragraphs=("Please arrange payment within seven days.",),
        sign_off="Yours sincerely,",
        signatory="Tom Harding",
        signatory_title="Credit control",
    )


def aged_debtors(rows: int = 8, *, scale: Decimal = Decimal("1"), buckets: int = 5) -> AgedDebtorsDocument:
    labels = (
        "Current",
        "1–30 days",
        "31–60 days",
        "61–90 days",
        "Over 90 days",
        "91–120 days",
        "Over 120 days",
    )[:buckets]
    names = (
        "Zeta Café & Bistro Ltd",
        "Łódź Timber Imports Sp. z o.o.",
        "Brownsea Sailing Club",
        "M. Müller GmbH",
    )
    doc_rows = []
    for i in range(rows):
        figures = tuple((Decimal(137 * (i + 1) * (j + 2)) * scale).quantize(CENT) for j in range(buckets))
        on_account = Decimal("-25.50") if i % 4 == 3 else Decimal(0)
        doc_rows.append(
            AgedDebtorRow(
                f"C{i + 1:04d}", names[i % len(names)], figures, on_account, sum(figures) + on_account
            )
        )
    totals = AgedDebtorRow(
        "",
        "Total",
        tuple(sum((row.buckets[j] for row in doc_rows), Decimal(0)) for j in range(buckets)),
        sum((row.on_account for row in doc_rows), Decimal(0)),
        sum((row.total for row in doc_rows), Decimal(0)),
    )
    return AgedDebtorsDocument(
        BRANDING, GBP, date(2026, 3, 31), "by due date", labels, tuple(doc_rows), totals
    )
