"""The EPC QR code ("GiroCode", EPC069-12) that a banking app scans to fill in a SEPA transfer.

The payload is plain text, one element per line. A code that fills in a wrong
IBAN or amount is worse than no code, so the payload is refused rather than
guessed at whenever something is missing or out of range.
"""

from __future__ import annotations

from decimal import Decimal

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.barcode.qrencoder import QR8bitByte
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib.colors import white

from creditdesk.documents.fonts import REGULAR
from creditdesk.documents.model import BankDetails
from creditdesk.domain.bank_accounts import compact, is_valid_bic, is_valid_iban
from creditdesk.domain.creditor_reference import normalise_creditor_reference

MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")
MAX_NAME = 70
MAX_REMITTANCE = 140
MAX_PAYLOAD_BYTES = 331  # EPC069-12: the whole payload, in the character set's bytes


def epc_payload(
    *,
    name: str,
    iban: str,
    bic: str,
    amount: Decimal,
    reference: str,
    currency: str = "EUR",
    creditor_reference: str = "",
) -> str:
    """The text of an EPC QR code for a SEPA credit transfer; ValueError says why one cannot be made.

    Version 002, character set 1 (UTF-8), with the BIC. A creditor reference
    (ISO 11649) goes in the structured field and then the remittance line stays
    empty, as the guideline allows one or the other, never both; without one the
    payment reference goes in the unstructured remittance line. The name is cut
    to 70 characters, and further (on whole characters) to keep the payload
    within 331 bytes: the bank shows the name for confirmation, the IBAN decides
    where the money goes.
    """
    if currency.upper() != "EUR":
        raise ValueError(f"An EPC QR code is for euro payments only, not {currency}")
    clean_iban = compact(iban)
    clean_bic = compact(bic)
    if not clean_bic or not is_valid_bic(clean_bic):
        raise ValueError("An EPC QR code needs the bank's BIC (8 or 11 letters and digits)")
    if not is_valid_iban(clean_iban):
        raise ValueError(f"'{iban}' is not a valid IBAN")
    if amount != amount.quantize(MIN_AMOUNT) or not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        raise ValueError(f"An EPC QR code takes 0.01 to 999999999.99 EUR in cents, not {amount}")
    structured = ""
    if creditor_reference.strip():
        structured = normalise_creditor_reference(creditor_reference) or ""
        if not structured:
            raise ValueError(f"'{creditor_reference}' is not an ISO 11649 creditor reference")
    remittance = "" if structured else _single_line(reference)
    if len(remittance) > MAX_REMITTANCE:
        raise ValueError(f"The payment reference is longer than {MAX_REMITTANCE} characters")

    def lines_with(beneficiary: str) -> list[str]:
        lines = [
            "BCD",  # service tag
            "002",  # version
            "1",  # character set: UTF-8
            "SCT",  # SEPA credit transfer
            clean_bic,
            beneficiary,
            clean_iban,
            f"EUR{amount:.2f}",
            "",  # purpose code
            structured,  # structured creditor reference
            remittance,  # unstructured remittance information
        ]
        # Trailing empty elements are left off, as the guideline asks.
        while lines[-1] == "":
            lines.pop()
        return lines

    room = MAX_PAYLOAD_BYTES - len("\n".join(lines_with("")).encode("utf-8"))
    if room <= 0:
        raise ValueError(
            f"The payment reference is too long for the {MAX_PAYLOAD_BYTES} bytes of an EPC QR code"
        )
    beneficiary = _cut_to_bytes(_single_line(name)[:MAX_NAME], room).rstrip()
    if not beneficiary:
        raise ValueError("An EPC QR code needs the beneficiary's name")
    return "\n".join(lines_with(beneficiary))


def _cut_to_bytes(text: str, room: int) -> str:
    """The longest start of ``text`` whose UTF-8 takes at most ``room`` bytes: whole characters only."""
    used = 0
    for index, char in enumerate(text):
        used += len(char.encode("utf-8"))
        if used > room:
            return text[:index]
    return text


def epc_allowed(bank: BankDetails, currency: str, amount_due: Decimal) -> bool:
    """Whether a document should carry the code at all: euro, bank ready for SEPA, something to pay."""
    return bank.sepa_ready and currency.upper() == "EUR" and amount_due > 0


def epc_qr_drawing(
    bank: BankDetails,
    beneficiary: str,
    currency: str,
    amount_due: Decimal,
    reference: str,
    size: float,
    creditor_reference: str = "",
) -> Drawing | None:
    """The code as a ``size`` point square (quiet zone included), or None when it must not print."""
    if not epc_allowed(bank, currency, amount_due):
        return None
    try:
        payload = epc_payload(
            name=bank.account_name or beneficiary,
            iban=bank.iban,
            bic=bank.bic,
            amount=amount_due,
            reference=reference,
            currency=currency,
            creditor_reference=creditor_reference,
        )
    except ValueError:
        return None
    # Byte mode on purpose: the payload is UTF-8 text, never to be packed as digits or alphanumerics.
    widget = QrCodeWidget([QR8bitByte(payload)], barLevel="M", barWidth=size, barHeight=size, barBorder=4)
    drawing = Drawing(size, size)
    # The drawing renderer would otherwise select Helvetica (unused, yet listed in the PDF) before drawing.
    drawing.initialFontName = REGULAR
    # White behind the code and its quiet zone, whatever the panel colour: scanners need the contrast.
    drawing.add(Rect(0, 0, size, size, fillColor=white, strokeColor=None))
    drawing.add(widget)
    return drawing


def _single_line(value: str) -> str:
    return " ".join(value.split())
