"""How to pay: the terms, the bank details, the reference to quote and, for euro, the EPC QR code."""

from __future__ import annotations

from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from creditdesk.documents.blocks import facts_table
from creditdesk.documents.epc_qr import epc_qr_drawing
from creditdesk.documents.model import BankDetails, Branding
from creditdesk.documents.styles import BODY, PANEL, SECTION, SMALL_CENTRE
from creditdesk.documents.tables import grid
from creditdesk.documents.text import escape
from creditdesk.domain.creditor_reference import printed_creditor_reference
from creditdesk.domain.formats import Formats

QR_SIZE = 32 * mm
_PAD = 9


def bank_facts(bank: BankDetails) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    if bank.account_name:
        facts.append(("Account name", bank.account_name))
    if bank.iban:
        facts.append(("IBAN", _grouped(bank.iban)))
    if bank.bic:
        facts.append(("BIC", bank.bic.strip().upper()))
    if bank.account_number:
        facts.append(("Account number", bank.account_number))
    if bank.sort_code:
        facts.append(("Sort code", bank.sort_code))
    return facts


def payment_panel(
    branding: Branding,
    formats: Formats,
    *,
    width: float,
    terms: str,
    discount: str,
    reference: str,
    amount_due: Decimal,
    payable: bool = True,
    creditor_reference: str = "",
) -> Table:
    """A quiet panel with everything the client needs to pay; the QR code on its right when allowed.

    ``payable`` is false for a draft or void invoice: no code that would send money for it. A
    ``creditor_reference`` (ISO 11649) is printed under the payment reference and is what the
    code carries, so a banking app passes it on untouched and the payment is matched exactly.
    """
    qr = None
    if payable:
        qr = epc_qr_drawing(
            branding.bank,
            branding.name,
            formats.currency,
            amount_due,
            reference,
            QR_SIZE,
            creditor_reference=creditor_reference,
        )
    qr_width = QR_SIZE + 2 * _PAD if qr is not None else 0
    text_width = width - 2 * _PAD - qr_width
    left: list[Flowable] = [Paragraph("HOW TO PAY", SECTION)]
    sentences = []
    if terms.strip():
        sentences.append(_sentence(f"Payment terms: {escape(terms.strip())}"))
    if discount.strip():
        sentences.append(_sentence(escape(discount.strip())))
    if sentences:
        left += [Paragraph(" ".join(sentences), BODY), Spacer(1, 4)]
    facts = bank_facts(branding.bank)
    if reference.strip():
        facts.append(("Payment reference", reference.strip()))
    if creditor_reference.strip():
        facts.append(("Creditor reference", printed_creditor_reference(creditor_reference)))
    if facts:
        left.append(facts_table(facts, text_width, bold={"Payment reference", "Creditor reference"}))
    if branding.payment_instructions.strip():
        left += [Spacer(1, 4), Paragraph(escape(branding.payment_instructions), BODY)]
    cells: list[list[Flowable]] = [left]
    widths = [width - qr_width]
    if qr is not None:
        cells.append([qr, Spacer(1, 2), Paragraph("Scan with your<br/>banking app", SMALL_CENTRE)])
        widths.append(qr_width)
    return grid(
        [cells],
        widths,
        [
            ("BACKGROUND", (0, 0), (-1, -1), PANEL),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), _PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 8),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ],
    )


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _grouped(iban: str) -> str:
    """IBAN in groups of four, as people read and type it."""
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
