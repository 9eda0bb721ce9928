"""The EPC QR code ("GiroCode", EPC069-12) that a banking app scans to fill in a SEPA transfer.

The payload is plain text, one element per line. A code that fills in a wrong
IBAN or amount is worse than no code, so the payload is refused rather than
guessed at whenever something is missing or out of range.
"""

from __future__ import annotations

import re
from decimal import Decimal

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.barcode.qrencoder import QR8bitByte
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib.colors import white

from creditdesk.documents.fonts import REGULAR
from creditdesk.documents.model import BankDetails

MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")
MAX_NAME = 70
MAX_REMITTANCE = 140

_BIC = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def epc_payload(
    *, name: str, iban: str, bic: str, amount: Decimal, reference: str, currency: str = "EUR"
) -> str:
    """The text of an EPC QR code for a SEPA credit transfer; ValueError says why one cannot be made.

    Version 002, character set 1 (UTF-8), with the BIC. The payment reference
    goes in the unstructured remittance line; purpose and structured reference
    stay empty. Names longer than 70 characters are cut (the bank shows the
    name for confirmation; the IBAN decides where the money goes).
    """
    if currency.upper() != "EUR":
        raise ValueError(f"An EPC QR code is for euro payments only, not {currency}")
    clean_iban = _compact(iban)
    clean_bic = _compact(bic)
    if not clean_bic or not _BIC.fullmatch(clean_bic):
        raise ValueError("An EPC QR code needs the bank's BIC (8 or 11 letters and digits)")
    if not _IBAN.fullmatch(clean_iban) or not _iban_checks(clean_iban):
        raise ValueError(f"'{iban}' is not a valid IBAN")
    beneficiary = _single_line(name)[:MAX_NAME].rstrip()
    if not beneficiary:
        raise ValueError("An EPC QR code needs the beneficiary's name")
    if amount != amount.quantize(MIN_AMOUNT) or not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        raise ValueError(f"An EPC QR code takes 0.01 to 999999999.99 EUR in cents, not {amount}")
    remittance = _single_line(reference)
    if len(remittance) > MAX_REMITTANCE:
        raise ValueError(f"The payment reference is longer than {MAX_REMITTANCE} characters")
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
        "",  # structured creditor reference
        remittance,  # unstructured remittance information
    ]
    # Trailing empty elements are left off, as the guideline asks.
    while lines[-1] == "":
        lines.pop()
    return "\n".join(lines)


def epc_allowed(bank: BankDetails, currency: str, amount_due: Decimal) -> bool:
    """Whether a document should carry the code at all: euro, bank ready for SEPA, something to pay."""
    return bank.sepa_ready and currency.upper() == "EUR" and amount_due > 0


def epc_qr_drawing(
    bank: BankDetails, beneficiary: str, currency: str, amount_due: Decimal, reference: str, size: float
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


def _compact(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def _single_line(value: str) -> str:
    return " ".join(value.split())


def _iban_checks(iban: str) -> bool:
    """ISO 13616 check digits: the rearranged number modulo 97 is 1."""
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1
