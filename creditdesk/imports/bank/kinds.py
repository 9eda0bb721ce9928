"""The bank formats CreditDesk reads, by the names a user may give them, and how each is recognised."""

from __future__ import annotations

import re

CAMT, OFX, MT940, CSV = "camt", "ofx", "mt940", "csv"
FORMATS = (CAMT, OFX, MT940, CSV)
# What a user may type for a format, to the reader of it.
FORMAT_NAMES = {
    "camt": CAMT,
    "camt.053": CAMT,
    "camt.054": CAMT,
    "ofx": OFX,
    "qfx": OFX,
    "mt940": MT940,
    "csv": CSV,
}
ACCEPTED = "ISO 20022 CAMT.053 or CAMT.054 (XML), OFX or QFX, SWIFT MT940, or a bank's CSV export"
# Every version of the statement and the notification, 001.02 to 001.08.
CAMT_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.(053|054)\.001\.(0[2-8])")
