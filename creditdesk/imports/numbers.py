"""Amounts as people's spreadsheets write them, read to exact Decimals; never through a float.

A column's decimal mark is resolved from the whole column (``1.234,50`` and
``0,5`` say comma, ``1,234.50`` says point); when every value leaves it open
(``1,234`` could be either) the column is ambiguous and the caller asks,
unless a preference was given. Grouping by ``.`` ``,`` spaces (also the
no-break and narrow no-break space), and apostrophes; currency symbols or codes
before or after; negatives as ``-1.234,50``, ``1.234,50-``, ``(1,234.00)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from babel.numbers import get_decimal_symbol

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.ranges import MAX_AMOUNT, check_amount

COMMA = ","
POINT = "."
_SPACES = " \u00a0\u202f\u2009"
_APOSTROPHES = "'\u2019"
_MINUSES = "-\u2212\u2013"
_GROUPS = _SPACES + _APOSTROPHES
# The digits from the first to the last, with what may stand between them.
_CORE = re.compile(r"[.,]?\d(?:[\d.,'\u2019 \u00a0\u202f\u2009]*\d)?")
_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")
_BARE = re.compile(r"-?\d+")
_WITHIN = (-MAX_AMOUNT, MAX_AMOUNT)
_DIGITS_TO_NINE = str.maketrans("0123456789", "9999999999")
_ONLY_DIGITS = re.compile(r"(-?)([\d.,]+)(-?)")  # the common case, read without looking for currency
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
_CURRENCY_PREFIX = re.compile(r"[A-Z]{1,3}")  # US$, A$, R$, HK$
_LOCAL_CURRENCY_NAMES = frozenset(
    {"Fr.", "fr.", "kr", "kr.", "Kr.", "zł", "Kč", "Ft", "lei", "Rs", "Rs.", "R"}
)


@dataclass(frozen=True)
class NumberFormat:
    """How a column writes its amounts: the decimal mark and the grouping seen (for showing)."""

    decimal: str  # COMMA or POINT
    group: str = ""  # "" when no grouping was seen

    @property
    def example(self) -> str:
        """``1.234,50``, ``1,234.50``, ``1 234,50``, ``1'234.50``: the format shown to the user."""
        group = "\u00a0" if self.group in _SPACES and self.group else self.group
        return f"1{group}234{self.decimal}50"

    @classmethod
    def for_locale(cls, locale: str) -> NumberFormat:
        """The company locale's decimal mark: an explicit preference for ambiguous columns."""
        decimal = str(get_decimal_symbol(locale))
        return cls(COMMA if decimal == COMMA else POINT)


@dataclass(frozen=True)
class NumberColumn:
    """What a column's values say about their format: resolved, or ambiguous (ask the user)."""

    format: NumberFormat | None  # None: ambiguous, and nothing was preferred
    votes: tuple[int, int] = (0, 0)  # values that showed a decimal comma, a decimal point

    @property
    def ambiguous(self) -> bool:
        return self.format is None

    def describe(self) -> str:
        if self.format is None:
            return "amounts like 1,234 could be read with either decimal mark"
        return f"amounts like {self.format.example}"


@dataclass(frozen=True)
class _Parts:
    core: str
    negative: bool
    currency: str


def _split(text: str) -> _Parts | None:
    """The number's digits, its sign and any currency written around it; None if it is not an amount."""
    plain = _ONLY_DIGITS.fullmatch(text)
    if plain is not None and not (plain.group(1) and plain.group(3)):
        core = plain.group(2)
        if core[-1].isdigit() and (core[0].isdigit() or (len(core) > 1 and core[1].isdigit())):
            return _Parts(core, bool(plain.group(1) or plain.group(3)), "")
    found = _CORE.search(text)
    if found is None:
        return None
    before, after = text[: found.start()], text[found.end() :]
    negative = False
    if "(" in before and after.rstrip().endswith(")"):
        negative = True
        before, after = before.replace("(", "", 1), after.replace(")", "", 1)
    signs = sum(before.count(m) + after.count(m) for m in _MINUSES)
    if signs > 1 or (signs and negative):
        return None
    negative = negative or signs == 1
    currency = ""
    for side in (before, after):
        rest = "".join(ch for ch in side if ch not in _MINUSES and ch not in _SPACES and ch != "+")
        if rest and not _is_currency(rest):
            return None
        currency = currency or rest
    if before.count("+") + after.count("+") > (0 if signs else 1):
        return None
    return _Parts(found.group(), negative, currency)


def _is_currency(text: str) -> bool:
    """``€``, ``US$``, ``EUR``, ``Fr.``, ``kr``: a currency sign, an ISO code or a local abbreviation."""
    if _CURRENCY_CODE.fullmatch(text) or text in _LOCAL_CURRENCY_NAMES:
        return True
    letters, sign = text[:-1], text[-1:]
    return unicodedata.category(sign) == "Sc" and (
        not letters or _CURRENCY_PREFIX.fullmatch(letters) is not None
    )


# What a sign may stand for; a sign not listed here (or a local abbreviation) is not questioned.
_SIGN_CURRENCIES = {
    "€": frozenset({"EUR"}),
    "£": frozenset({"GBP", "GIP", "FKP", "SHP", "EGP"}),
    "$": frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "ARS", "CLP", "COP", "TWD"}),
    "US$": frozenset({"USD"}),
    "A$": frozenset({"AUD"}),
    "C$": frozenset({"CAD"}),
    "NZ$": frozenset({"NZD"}),
    "HK$": frozenset({"HKD"}),
    "¥": frozenset({"JPY", "CNY"}),
    "₹": frozenset({"INR"}),
    "zł": frozenset({"PLN"}),
    "Kč": frozenset({"CZK"}),
}


def written_currency(text: str) -> str:
    """The currency sign or code written with an amount ("€", "US$", "EUR"), "" when there is none."""
    if _ONLY_DIGITS.fullmatch(text):
        return ""
    parts = _split(text)
    return parts.currency if parts is not None else ""


def currency_fits(written: str, currency: str) -> bool:
    """Whether an amount written with ``written`` can be in ``currency``."""
    if not written:
        return True
    if _CURRENCY_CODE.fullmatch(written):
        return written == currency
    meanings = _SIGN_CURRENCIES.get(written)
    return meanings is None or currency in meanings


def decimal_evidence(text: str) -> str | None:
    """The decimal mark a value shows beyond doubt, "" if it shows none, None if it could be either."""
    parts = _split(text)
    if parts is None:
        return ""
    core = parts.core
    commas, points = core.count(COMMA), core.count(POINT)
    if commas and points:
        return COMMA if core.rfind(COMMA) > core.rfind(POINT) else POINT
    if not commas and not points:
        return ""
    mark = COMMA if commas else POINT
    if commas + points > 1:  # the mark repeats, so it groups: the other one is the decimal
        return POINT if mark == COMMA else COMMA
    head, tail = core.split(mark)
    digits_before = sum(ch.isdigit() for ch in head)
    if len(tail) != 3 or digits_before == 0 or head.strip("0" + _GROUPS) == "" or digits_before > 3:
        return mark  # "12,5", "0,500", ",50", "1234,567": only a decimal mark fits
    if any(ch in _GROUPS for ch in head):
        return mark  # "1 234,567": another character already groups
    return None  # "1,234" or "1.234"


def resolve_number_column(values: Sequence[str], preferred: NumberFormat | None = None) -> NumberColumn:
    """The column's format from all of its text values; the majority decides a mixed column.

    Values are looked at by their shape (every digit a 9): a column of many
    amounts has few shapes, and a shape decides the same way for each of its
    values except a lone mark before three digits, where "0,500" decides and
    "1,500" does not; those are looked at one by one.
    """
    shapes: dict[str, int] = {}
    for value in values:
        if value:
            shape = value.translate(_DIGITS_TO_NINE)
            shapes[shape] = shapes.get(shape, 0) + 1
    votes = {COMMA: 0, POINT: 0, None: 0}
    separators: dict[str, int] = {}
    unsure: set[str] = set()
    for shape, count in shapes.items():
        if _BARE.fullmatch(shape):
            continue
        evidence = decimal_evidence(shape)
        if evidence is None:
            unsure.add(shape)
        elif evidence:
            votes[evidence] += count
        parts = _split(shape)
        for ch in parts.core if parts is not None else "":
            if ch in _GROUPS or ch in ",.":
                separators[ch] = separators.get(ch, 0) + count
    if unsure:
        for value in values:
            if value and value.translate(_DIGITS_TO_NINE) in unsure:
                votes[decimal_evidence(value) or None] += 1
    comma, point = votes[COMMA], votes[POINT]
    if comma == point == 0:
        if votes[None] and preferred is None:
            return NumberColumn(None, (0, 0))
        decimal = preferred.decimal if preferred is not None else POINT
    else:
        decimal = COMMA if comma > point else POINT
    separators.pop(decimal, None)
    group = max(separators.items(), key=lambda item: item[1])[0] if separators else ""
    return NumberColumn(NumberFormat(decimal, group), (comma, point))


def read_number(text: str, number_format: NumberFormat) -> Decimal | None:
    """The exact amount ``text`` writes in ``number_format``, or None when it is not one."""
    if number_format.decimal == POINT and _PLAIN.fullmatch(text):
        return Decimal(text)
    pattern, plain = _simple_reading(number_format)
    simple = pattern.fullmatch(text)
    if simple is not None:
        if not simple.group(4):
            return Decimal(text.translate(plain))
        if not simple.group(1):  # "1.234,50-": the sign written after
            return -Decimal(text[:-1].translate(plain))
    parts = _split(text)
    if parts is None:
        return None
    core = parts.core
    mark = number_format.decimal
    other = POINT if mark == COMMA else COMMA
    if core.count(mark) > 1:
        return None
    whole, _, fraction = core.partition(mark)
    if any(not ch.isdigit() for ch in fraction):
        return None
    if whole and not _grouped_correctly(whole, other):
        return None
    digits = "".join(ch for ch in whole if ch.isdigit()) or "0"
    value = Decimal(f"{digits}.{fraction}" if fraction else digits)
    return -value if parts.negative else value


@cache
def _simple_reading(number_format: NumberFormat) -> tuple[re.Pattern[str], dict[int, str | None]]:
    """The column's own plain writing (sign, grouped digits, decimals), and how to make it Decimal text."""
    group = f"(?:{re.escape(number_format.group)}\\d{{3}})*" if number_format.group else ""
    decimal = re.escape(number_format.decimal)
    pattern = re.compile(f"(-?)(\\d+{group})(?:{decimal}(\\d+))?(-?)")
    plain: dict[int, str | None] = {ord(number_format.decimal): "."}
    if number_format.group:
        plain[ord(number_format.group)] = None
    return pattern, plain


def _grouped_correctly(whole: str, other: str) -> bool:
    """Digits, or groups of three after a first group, joined by one kind of separator."""
    separators = {ch for ch in whole if not ch.isdigit()}
    if not separators:
        return True
    if len(separators) > 1 or not separators <= set(_GROUPS + other):
        return False
    groups = whole.split(separators.pop())
    # The first group may run longer: Babel writes 1000000'000.00 for de_CH.
    return len(groups[0]) >= 1 and all(len(group) == 3 for group in groups[1:])


def to_minor_unit(amount: Decimal, exponent: int) -> Decimal | str:
    """``amount`` with exactly the currency's places, or why it cannot be money of that currency."""
    places = amount.as_tuple().exponent
    if _WITHIN[0] <= amount <= _WITHIN[1] and places == -exponent:
        return amount
    wrong = check_minor_unit(amount, exponent)
    return wrong if wrong is not None else amount.quantize(Decimal(1).scaleb(-exponent))


def check_minor_unit(amount: Decimal, exponent: int) -> str | None:
    """Why ``amount`` cannot be money of a currency with ``exponent`` places, or None if it can."""
    if not _WITHIN[0] <= amount <= _WITHIN[1]:
        try:
            check_amount(amount)
        except ValidationError as exc:
            return exc.message
    places = amount.as_tuple().exponent
    if isinstance(places, int) and places >= -exponent:
        return None
    if amount != amount.quantize(Decimal(1).scaleb(-exponent)):
        return (
            f"{amount:f} has more than {exponent} decimal places" if exponent else f"{amount:f} is not whole"
        )
    return None
