"""Which bank format a file is in, told from its first bytes, never from its name."""

from __future__ import annotations

import re

from creditdesk.imports.bank.kinds import CAMT, CAMT_NAMESPACE, MT940, OFX

_MT940_TAGS = re.compile(rb"(?m)^:(?:20|25|28C|60[FM]|61):")
_OFX_SGML = re.compile(rb"(?i)OFXHEADER\s*:|<OFX>")
_OFX_XML = re.compile(rb"(?i)<\?OFX\s|<OFX[\s>]")
_XML_START = re.compile(rb"\s*<")


def detect_format(head: bytes) -> str | None:
    """The format of a file starting with ``head`` (its first few kilobytes); None when it is none of them.

    CSV is what is left: the caller tries it only when a bank's column names are found.
    """
    text = head.removeprefix(b"\xef\xbb\xbf")
    if CAMT_NAMESPACE.search(text.decode("latin-1")) is not None:
        return CAMT
    if _OFX_SGML.search(text) or (_XML_START.match(text) and _OFX_XML.search(text)):
        return OFX
    if text.lstrip().startswith(b"{1:") or len(_MT940_TAGS.findall(text)) >= 2:
        return MT940
    if _XML_START.match(text):
        return CAMT  # some other XML: the CAMT reader says what it is not
    return None
