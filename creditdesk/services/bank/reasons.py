"""Why a bank entry is where it is, in words the window and the command line both show."""

from __future__ import annotations

from creditdesk.domain.matching import Reason

UNDONE = "undone"  # the user took back what was done with the entry

_WORDS: dict[str, str] = {
    Reason.CREDITOR_REFERENCE: "It quotes the creditor reference printed on the invoice.",
    Reason.STATEMENT_REFERENCE: "It quotes the creditor reference printed on the client's statement.",
    Reason.INVOICE_NAMED: "It names the invoice and pays what is open on it.",
    Reason.PART_PAYMENT: "It names the invoice and pays part of what is open on it.",
    Reason.INVOICES_NAMED: "It names several invoices and pays what is open on them together.",
    Reason.AMOUNT_DOES_NOT_FIT: "It names invoices, but the amount does not fit what is open on them.",
    Reason.INVOICE_ALREADY_PAID: "It quotes the reference of an invoice that is already paid.",
    Reason.INVOICES_OF_SEVERAL_CLIENTS: "It names invoices of more than one client.",
    Reason.PAYER_IS_ANOTHER_CLIENT: "It quotes an invoice of one client, but the payer is known as another.",
    Reason.SAME_AS_OPEN_INVOICE: "The payer is known and the amount is that of one open invoice.",
    Reason.SAME_AS_OVERDUE_TOTAL: "The payer is known and the amount is what the client has overdue.",
    Reason.RECORDED_PAYMENT: "A payment of this amount from the client was already entered.",
    Reason.REFERENCE_PROCESSED: "This bank entry was imported before.",
    Reason.REFERENCE_TWICE_IN_STATEMENT: "The statement lists this bank entry twice.",
    Reason.PAYER_KNOWN_AMOUNT_UNFAMILIAR: "The payer is known, but the amount fits no open invoice.",
    Reason.PAYER_MATCHES_SEVERAL_CLIENTS: "The payer's name fits more than one client.",
    Reason.NUMBER_AMBIGUOUS: "The text names a number that fits invoices of more than one client.",
    Reason.NOTHING_RECOGNISED: "Nothing in it names an invoice or a known payer.",
    UNDONE: "What was done with it was undone.",
}


def reason_text(reason: str) -> str:
    """The sentence for a reason code; a code this version does not know is shown as it is."""
    return _WORDS.get(reason, reason)
