"""Payment terms as accounting systems and spreadsheets write them, read into CreditDesk's terms.

"30", "Net 30", "30 Tage", "30 jours", "Due on receipt", "30 days after end of
month", CreditDesk's own "2 % 10, net 30", and Xero's day plus "Days After" /
"Following Month". Terms CreditDesk cannot keep exactly are refused with the
reason, never rounded to something else.
"""

from __future__ import annotations

import re
from decimal import Decimal

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.terms import PaymentTerms, TermsBasis
from creditdesk.imports.mapping import column_key

MAX_TERMS_DAYS = 3650
EXAMPLE = "expected payment terms such as 30, Net 30 or 30 days after end of month"

_NOW = frozenset(
    {
        "due on receipt", "on receipt", "immediate", "immediately", "cod", "sofort", "sofort fällig",
        "à réception", "a reception", "comptant", "direct", "contant",
    }
)  # fmt: skip
_DAYS = re.compile(
    r"(?:net\s*|netto\s*|within\s*)?(\d{1,4})(?:\s*(?:days?|d|tage?n?|jours?|j|dagen|dgn))?(?:\s*net(?:to)?)?"
)
_END_OF_MONTH = re.compile(
    r"(?:net\s*)?(\d{1,4})\s*(?:days?|tage|jours?|dagen)?\s*"
    r"(?:after\s*(?:the\s*)?end\s*of\s*(?:the\s*)?month|eom|end\s*of\s*month|fin\s*de\s*mois|"
    r"nach\s*monatsende|na\s*einde\s*maand)"
)
_DISCOUNT = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})?)\s*%\s*(\d{1,3})\s*,\s*(.+)")
# Xero's DueDateSalesTerm, as its import template words it and as its API names it.
_AFTER_ISSUE = frozenset({"days after", "days after invoice date", "daysafterbilldate"})
_AFTER_MONTH_END = frozenset({"days after end of month", "daysafterbillmonth"})
_FOLLOWING_MONTH = frozenset({"following month", "of the following month", "offollowingmonth"})
_CURRENT_MONTH = frozenset({"current month", "of the current month", "ofcurrentmonth"})
_ZOHO_MONTH_END = {"due end of the month": 0, "due end of month": 0, "due end of next month": None}


def read_terms(days: str, words: str = "", basis: str = "") -> PaymentTerms | str | None:
    """The terms the cells give, or a sentence saying what was expected; None when they give nothing."""
    days, words, basis = days.strip(), words.strip(), basis.strip()
    if words:
        terms = _from_words(words)
        if terms is not None or not days:
            return terms if terms is not None else f"{EXAMPLE}, got '{words}'"
    if not days:
        return None
    if basis:
        return _with_basis(days, basis)
    terms = _from_words(days)
    return terms if terms is not None else f"{EXAMPLE}, got '{days}'"


def _from_words(text: str) -> PaymentTerms | None:
    folded = " ".join(text.casefold().split())
    discount = _DISCOUNT.fullmatch(folded)
    if discount is not None:
        rest = _from_words(discount.group(3))
        if rest is None:
            return None
        try:
            return PaymentTerms(
                rest.days, rest.basis, Decimal(discount.group(1).replace(",", ".")), int(discount.group(2))
            )
        except ValidationError:
            return None
    if folded in _NOW:
        return PaymentTerms(0)
    if folded in _ZOHO_MONTH_END:
        extra = _ZOHO_MONTH_END[folded]
        return None if extra is None else PaymentTerms(extra, TermsBasis.END_OF_MONTH)
    found = _END_OF_MONTH.fullmatch(folded)
    if found is not None:
        return _terms(int(found.group(1)), TermsBasis.END_OF_MONTH)
    found = _DAYS.fullmatch(folded)
    if found is not None:
        return _terms(int(found.group(1)), TermsBasis.NET)
    return None


def _with_basis(days: str, basis: str) -> PaymentTerms | str:
    if not days.isdigit():
        return f"expected a number of days such as 30, got '{days}'"
    count, kind = int(days), column_key(basis)
    if kind in _AFTER_ISSUE:
        return _terms(count, TermsBasis.NET) or f"{EXAMPLE}, got '{days}'"
    if kind in _AFTER_MONTH_END:
        return _terms(count, TermsBasis.END_OF_MONTH) or f"{EXAMPLE}, got '{days}'"
    if kind in _FOLLOWING_MONTH and 1 <= count <= 31:
        # Due on day N of the next month is N days after the end of the month of issue.
        return PaymentTerms(count, TermsBasis.END_OF_MONTH)
    if kind in _CURRENT_MONTH:
        return (
            f"terms due on day {count} of the month of the invoice cannot be kept in CreditDesk; "
            "give the client terms such as Net 30 instead"
        )
    return f"expected Days After, Days After End of Month or Following Month, got '{basis}'"


def _terms(days: int, basis: TermsBasis) -> PaymentTerms | None:
    return PaymentTerms(days, basis) if days <= MAX_TERMS_DAYS else None
