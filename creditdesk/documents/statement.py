"""The statement of account PDF, as a running balance (activity) or a list of what is still open."""

from __future__ import annotations

from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from creditdesk.documents.blocks import addressing, beside_width, document_heading, facts_table
from creditdesk.documents.figures import currency_sign
from creditdesk.documents.flowables import AtFoot, CutLine
from creditdesk.documents.fonts import BOLD
from creditdesk.documents.layout import Sheet, content_width, render
from creditdesk.documents.model import (
    EntryKind,
    StatementDocument,
    StatementLine,
    StatementStyle,
    interest_accrued_line,
)
from creditdesk.documents.payment import bank_facts
from creditdesk.documents.styles import (
    BODY,
    CELL,
    CELL_BOLD,
    CELL_RIGHT,
    LABEL,
    MUTED,
    RULE,
    accent,
    tint,
    title_style,
)
from creditdesk.documents.tables import Cell, figure_width, grid, headings, ledger_table, side_by_side
from creditdesk.documents.text import escape, one_line
from creditdesk.domain.creditor_reference import printed_creditor_reference
from creditdesk.translations import _

KIND_LABELS = {
    EntryKind.INVOICE: "Invoice",
    EntryKind.PAYMENT: "Payment",
    EntryKind.CREDIT_NOTE: "Credit note",
}


def render_statement(doc: StatementDocument) -> bytes:
    width = content_width(doc.branding.page_size)
    day = doc.formats.day(doc.statement_date)
    sheet = Sheet(
        branding=doc.branding,
        title=f"Statement {doc.client.code} {day}",
        identity=f"Statement · {doc.client.name} ({doc.client.code}) · {day}",
        continued="Statement (continued)",
    )
    return render(sheet, lambda: _story(doc, width))


def _story(doc: StatementDocument, width: float) -> list[Flowable]:
    table = _activity(doc, width) if doc.style is StatementStyle.ACTIVITY else _open_items(doc, width)
    strip: list[Flowable] = [_aging_strip(doc, width)]
    if doc.interest_accrued:
        strip += [
            Spacer(1, 3 * mm),
            Paragraph(escape(interest_accrued_line(doc.formats, doc.interest_accrued)), BODY),
        ]
    if doc.closing_balance < 0:  # nothing to pay: say so, and print no slip asking for money
        strip += [Spacer(1, 3 * mm), Paragraph(escape(_in_credit_line(doc)), BODY)]
    story = [
        addressing(doc.client, _heading(doc, width), width),
        Spacer(1, 10 * mm),
        table,
        Spacer(1, 6 * mm),
        KeepTogether(strip),
    ]
    if doc.closing_balance > 0:
        story += [Spacer(1, 6 * mm), AtFoot(_remittance_slip(doc, width))]
    return story


def _in_credit_line(doc: StatementDocument) -> str:
    return _("Your account is in credit by {amount}: there is nothing to pay.").format(
        amount=doc.formats.money(-doc.closing_balance)
    )


def _due_label(doc: StatementDocument) -> str:
    """What the bottom line is: money owed, or money the client has with us."""
    return _("In credit") if doc.closing_balance < 0 else _("Amount due")


def _pay_to(doc: StatementDocument) -> str:
    """Who to pay and how: the bank details when there are some (the slip sits beside a transfer)."""
    branding = doc.branding
    payee = f"<b>{escape(branding.name)}</b>"
    # The account name is worth printing only when it differs from the name just above it.
    facts = [f for f in bank_facts(branding.bank) if f != ("Account name", branding.name)]
    if facts:
        return (
            payee + "<br/>" + " · ".join(f"{escape(label)} <b>{escape(value)}</b>" for label, value in facts)
        )
    if branding.address.strip():
        payee += f"<br/>{escape(one_line(branding.address))}"
    return payee


def _heading(doc: StatementDocument, width: float) -> list[Flowable]:
    day = doc.formats.day
    facts = [("Statement date", day(doc.statement_date))]
    if doc.style is StatementStyle.ACTIVITY and doc.period_start is not None:
        facts.append(("Period", f"{day(doc.period_start)} – {day(doc.statement_date)}"))
    elif doc.style is StatementStyle.OPEN_ITEMS:
        facts.append(("Shows", "Open items only"))
    facts.append(("Account", doc.client.code))
    if doc.terms.strip():
        facts.append(("Terms", doc.terms))
    return document_heading("STATEMENT", doc.branding.accent_colour, facts, beside_width(width))


def _blank_zero(value: Decimal, doc: StatementDocument) -> str:
    return doc.formats.amount(value) if value else ""


def _activity(doc: StatementDocument, width: float) -> Table:
    formats = doc.formats
    sign = currency_sign(formats)
    labels = [
        "Date",
        "Type",
        "Reference",
        "Details",
        f"Invoices {sign}",
        f"Payments & credits {sign}",
        f"Balance {sign}",
    ]
    opening_day = formats.day(doc.period_start) if doc.period_start else ""
    debits = sum((line.debit for line in doc.lines), Decimal(0))
    credits = sum((line.credit for line in doc.lines), Decimal(0))
    rows: list[list[Cell]] = [
        [
            opening_day,
            Paragraph("Opening balance", CELL_BOLD),
            "",
            "",
            "",
            "",
            formats.amount(doc.opening_balance),
        ]
    ]
    for line in doc.lines:
        rows.append(
            [
                formats.day(line.day),
                KIND_LABELS[line.kind],
                Paragraph(escape(line.reference), CELL),
                Paragraph(escape(line.details), CELL),
                _blank_zero(line.debit, doc),
                _blank_zero(line.credit, doc),
                formats.amount(line.balance),
            ]
        )
    closing = [
        formats.day(doc.statement_date),
        "Closing balance",
        "",
        "",
        formats.amount(debits),
        formats.amount(credits),
        formats.amount(doc.closing_balance),
    ]
    rows.append(closing)
    date_w = figure_width([str(row[0]) for row in rows], labels[0])
    type_w = figure_width(KIND_LABELS.values(), labels[1])
    money = [row[4:] for row in rows]
    debit_w = max(figure_width([str(m[0]) for m in money], labels[4], bold=[str(closing[4])]), 19 * mm)
    credit_w = max(figure_width([str(m[1]) for m in money], labels[5], bold=[str(closing[5])]), 19 * mm)
    balance_w = max(figure_width([str(m[2]) for m in money], labels[6], bold=[str(closing[6])]), 20 * mm)
    rest = width - date_w - type_w - debit_w - credit_w - balance_w
    reference_w = _reference_width(doc, rest)
    last = len(rows)
    return ledger_table(
        [headings(labels, right_aligned=(4, 5, 6)), *rows],
        [date_w, type_w, reference_w, rest - reference_w, debit_w, credit_w, balance_w],
        accent=accent(doc.branding.accent_colour),
        figures=(4, 5, 6),
        total_rows=1,
        extra=[
            ("SPAN", (1, 1), (3, 1)),
            ("SPAN", (1, last), (3, last)),
            ("LINEBELOW", (0, 1), (-1, 1), 0.5, RULE),
        ],
    )


def _open_items(doc: StatementDocument, width: float) -> Table:
    formats = doc.formats
    sign = currency_sign(formats)
    labels = ["Date", "Reference", "Details", "Due", "Days overdue", f"Amount {sign}", f"Open {sign}"]
    rows: list[list[Cell]] = []
    for line in doc.lines:
        rows.append(
            [
                formats.day(line.day),
                Paragraph(escape(line.reference), CELL),
                _details(line),
                formats.day(line.due_date) if line.due_date else "",
                _days_overdue(line),
                formats.amount(line.debit - line.credit),
                formats.amount(line.open_amount if line.open_amount is not None else line.balance),
            ]
        )
    total = [
        Paragraph(_due_label(doc), CELL_BOLD),
        "",
        "",
        "",
        "",
        "",
        formats.amount(abs(doc.closing_balance)),
    ]
    date_w = figure_width([str(row[0]) for row in rows], labels[0])
    rows.append(total)
    due_w = figure_width([str(row[3]) for row in rows], labels[3])
    days_w = figure_width([str(row[4]) for row in rows], labels[4])
    amount_w = max(figure_width([str(row[5]) for row in rows], labels[5]), 20 * mm)
    open_w = max(figure_width([str(row[6]) for row in rows], labels[6], bold=[str(total[6])]), 20 * mm)
    rest = width - date_w - due_w - days_w - amount_w - open_w
    reference_w = _reference_width(doc, rest)
    last = len(rows)
    return ledger_table(
        [headings(labels, right_aligned=(4, 5, 6)), *rows],
        [date_w, reference_w, rest - reference_w, due_w, days_w, amount_w, open_w],
        accent=accent(doc.branding.accent_colour),
        figures=(4, 5, 6),
        total_rows=1,
        extra=[("SPAN", (0, last), (5, last))],
    )


def _reference_width(doc: StatementDocument, room: float) -> float:
    """As wide as the longest reference (they are short numbers), leaving most of ``room`` for details."""
    return min(figure_width((line.reference for line in doc.lines), "Reference") + 2, room * 0.45)


def _details(line: StatementLine) -> Paragraph:
    """The client's own reference; payments and credits say what they are, money on account says so."""
    details = escape(line.details)
    if line.kind is EntryKind.INVOICE:
        return Paragraph(details, CELL)
    label = KIND_LABELS[line.kind]
    if line.open_amount is not None and line.open_amount < 0:
        label += " on account"
    return Paragraph(f"{label} · {details}" if details else label, CELL)


def _days_overdue(line: StatementLine) -> str:
    if line.kind is not EntryKind.INVOICE or line.days_overdue is None:
        return ""
    return str(line.days_overdue) if line.days_overdue > 0 else "not due"


def _aging_strip(doc: StatementDocument, width: float) -> Table:
    """One row of boxes, oldest debt on the right, ending in the amount due."""
    money = doc.formats.money
    labels = [Paragraph(escape(bucket.label), LABEL) for bucket in doc.aging]
    amounts: list[Cell] = [money(bucket.amount) for bucket in doc.aging]
    labels.append(Paragraph(f"<b>{escape(_due_label(doc))}</b>", LABEL))
    amounts.append(money(abs(doc.closing_balance)))
    count = len(labels)
    colour = doc.branding.accent_colour
    return grid(
        [labels, amounts],
        [width / count] * count,
        [
            ("FONTSIZE", (0, 1), (-1, 1), 9.5),
            ("ALIGN", (0, 1), (-1, 1), "RIGHT"),
            ("BOX", (0, 0), (-1, -1), 0.5, RULE),
            ("LINEBEFORE", (1, 0), (-1, -1), 0.5, RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, 0), 5),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 0),
            ("TOPPADDING", (0, 1), (-1, 1), 2),
            ("BOTTOMPADDING", (0, 1), (-1, 1), 6),
            ("BACKGROUND", (-1, 0), (-1, -1), tint(colour, 0.1)),
            ("FONTNAME", (-1, 1), (-1, 1), BOLD),
            ("TEXTCOLOR", (-1, 1), (-1, 1), accent(colour)),
        ],
    )


def _remittance_slip(doc: StatementDocument, width: float) -> Table:
    """The tear-off part the client posts back with a cheque, or keeps beside the bank transfer."""
    branding = doc.branding
    colour = branding.accent_colour
    half = width / 2
    left: list[Flowable] = [
        Paragraph("REMITTANCE ADVICE", title_style(colour, 11)),
        Spacer(1, 4),
        Paragraph("Pay to", LABEL),
        Paragraph(_pay_to(doc), BODY),
        Spacer(1, 4),
        facts_table(
            [
                ("From", doc.client.name),
                ("Account", doc.client.code),
                ("Statement date", doc.formats.day(doc.statement_date)),
            ],
            half - 12,
        ),
    ]
    creditor_row = []
    if doc.creditor_reference:
        printed = escape(printed_creditor_reference(doc.creditor_reference))
        creditor_row.append(["Creditor reference", Paragraph(f"<b>{printed}</b>", CELL_RIGHT)])
    figures = grid(
        [
            ["Amount due", doc.formats.money(doc.closing_balance)],
            ["Amount enclosed", ""],
            ["Payment reference", Paragraph(f"<b>{escape(doc.payment_reference)}</b>", CELL_RIGHT)],
            *creditor_row,
        ],
        [32 * mm, half - 32 * mm],
        [
            ("FONTSIZE", (0, 0), (0, -1), 8),
            ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
            ("FONTNAME", (1, 0), (1, 0), BOLD),
            ("FONTSIZE", (1, 0), (1, 0), 11),
            ("TEXTCOLOR", (1, 0), (1, 0), accent(colour)),
            ("ALIGN", (1, 0), (1, 1), "RIGHT"),
            # Baselines of label and figure meet: bottom for the large figure, top for the reference.
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
            ("LEADING", (0, 0), (0, -1), 9.6),
            ("LEADING", (1, 0), (1, 0), 13.2),
            ("VALIGN", (0, 1), (-1, 1), "MIDDLE"),
            ("VALIGN", (0, 2), (-1, -1), "TOP"),
            ("BOX", (1, 1), (1, 1), 0.6, MUTED),
            ("TOPPADDING", (0, 0), (-1, -1), 6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ],
    )
    slip = side_by_side([left, figures], [half, half])
    return grid(
        [[CutLine("Please detach and return with your payment")], [slip]],
        [width],
        [("TOPPADDING", (0, 1), (-1, 1), 8)],
        flush=True,
    )
