"""Finding a company's invoice numbers in a payer's free text, however they were typed.

A number is read as its runs of letters and of digits: ``INV-A/01002``,
``inv a 1002`` and ``INVA1002`` all become ``("INV", "A", "1002")`` (case,
separators and leading zeros do not count). Two ways of naming an invoice are
recognised:

* the whole number, as a sequence of runs in the text joined by at most three
  spaces, dashes, slashes, dots or underscores (``A-1003``, ``a 1003``,
  ``A1003``). At each place the longest number wins, so ``INV A-1002`` names
  ``A-1002`` and not a shorter ``INV`` number. Numbers of a single run (plain
  ``1003``) are never read this way: amounts, dates and postcodes look the same;
* only its last digits, when they stand alone and are marked as an invoice
  number: ``#1003``, ``No. 1003``, ``invoice 1003``, ``INV 1002, 1003 and 1004``.

A reading that fits several invoices (``A-1003`` and ``B-1003`` for ``#1003``)
is ambiguous; the caller may settle it by the payer (only one of them is the
payer's) and must otherwise leave it out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Key = tuple[str, ...]

_RUN = re.compile(r"[A-Z]+|[0-9]+")
_JOINER = re.compile(r"[\s\-/._]{0,3}")
_CUE_JOINER = re.compile(r"[\s.:#\-]{0,3}")
_LIST_MARK = re.compile(r"\s*[,;&+/]\s*")
_FIGURE_MARKS = frozenset(".,:/-")  # 1.250,00 or 07.12.2026 or 2026-12-07: a figure, not a number
# Words that say "the number after me is an invoice number", in the languages of our clients' payers.
_CUE_WORDS = frozenset(
    {
        "INV",
        "INVOICE",
        "INVOICES",
        "NO",
        "NOS",
        "NR",
        "NUMBER",
        "REF",
        "RECHNUNG",
        "RECHNUNGEN",
        "RG",
        "RE",
        "FACTURE",
        "FACTURES",
        "FACT",
        "FACTUUR",
        "FACTURA",
        "FATTURA",
    }
)
_LIST_WORDS = frozenset({"AND", "UND", "ET", "EN", "Y", "E"})
MAX_RUNS = 8


def number_key(number: str) -> Key:
    """The runs of letters and digits of a number, capitalised, digits without leading zeros."""
    return tuple(_canonical(run) for run in _RUN.findall(number.upper()))


@dataclass(frozen=True)
class Reading:
    """One place in the text that names invoices: one id when clear, several when ambiguous."""

    invoice_ids: tuple[int, ...]
    whole_number: bool  # the whole number was written, not only its last digits


class NumberIndex:
    """Every open invoice's number, looked up by whole key and by last digits; built once per snapshot."""

    def __init__(self, numbers: Iterable[tuple[int, str]]) -> None:
        self._whole: dict[Key, list[int]] = {}
        self._tail: dict[str, list[int]] = {}
        longest = 1
        for invoice_id, number in numbers:
            key = number_key(number)
            if not key:
                continue
            if len(key) > 1:
                self._whole.setdefault(key, []).append(invoice_id)
                longest = max(longest, len(key))
            last_digits = next((run for run in reversed(key) if run.isdigit()), None)
            if last_digits is not None:
                self._tail.setdefault(last_digits, []).append(invoice_id)
        self._longest = min(longest, MAX_RUNS)

    def readings(self, text: str) -> list[Reading]:
        """The places in ``text`` that name open invoices, in the order they are written."""
        upper = text.upper()
        runs = list(_RUN.finditer(upper))
        found: list[Reading] = []
        cued = False  # the runs before opened (or continue) a list of invoice numbers
        i = 0
        while i < len(runs):
            whole = self._whole_number_at(upper, runs, i)
            if whole is not None:
                ids, length = whole
                found.append(Reading(tuple(ids), True))
                i += length
                cued = _continues_list(upper, runs, i - 1)
                continue
            value = runs[i].group()
            if value.isdigit() and _standalone(upper, runs[i]) and (cued or _marked(upper, runs, i)):
                by_tail = self._tail.get(_canonical(value))
                if by_tail:
                    found.append(Reading(tuple(by_tail), False))
                cued = _continues_list(upper, runs, i)
            elif value in _CUE_WORDS:
                cued = _CUE_JOINER.fullmatch(_after(upper, runs, i)) is not None
            elif value not in _LIST_WORDS:
                cued = False
            i += 1
        return found

    def _whole_number_at(
        self, text: str, runs: list[re.Match[str]], start: int
    ) -> tuple[list[int], int] | None:
        if _glued(text, runs[start].start() - 1):
            return None
        for length in range(min(self._longest, len(runs) - start), 1, -1):
            pieces = runs[start : start + length]
            if _glued(text, pieces[-1].end()):
                continue
            if not all(
                _JOINER.fullmatch(text, pieces[k].end(), pieces[k + 1].start()) for k in range(length - 1)
            ):
                continue
            ids = self._whole.get(tuple(_canonical(piece.group()) for piece in pieces))
            if ids:
                return ids, length
        return None


def settle(
    readings: Iterable[Reading], client_of: Mapping[int, int], payer_clients: frozenset[int]
) -> tuple[list[int], bool]:
    """The invoices the readings name, and whether some reading stayed ambiguous.

    An ambiguous reading counts when exactly one of its invoices belongs to a
    client the payer is known as; otherwise it names nothing.
    """
    named: list[int] = []
    ambiguous = False
    for reading in readings:
        ids = reading.invoice_ids
        if len(ids) > 1:
            ids = tuple(i for i in ids if client_of[i] in payer_clients)
        if len(ids) == 1:
            if ids[0] not in named:
                named.append(ids[0])
        else:
            ambiguous = True
    return named, ambiguous


def _canonical(run: str) -> str:
    return str(int(run)) if run.isdigit() else run


def _after(text: str, runs: list[re.Match[str]], i: int) -> str:
    """What stands between run ``i`` and the next one (or the end of the text)."""
    end = runs[i + 1].start() if i + 1 < len(runs) else len(text)
    return text[runs[i].end() : end]


def _glued(text: str, index: int) -> bool:
    """Whether a letter or digit stands at ``index``: a number must not be the middle of a longer word."""
    return 0 <= index < len(text) and text[index].isalnum()


def _standalone(text: str, run: re.Match[str]) -> bool:
    """Digits that are a word of their own: not glued to letters, not part of an amount or a date."""
    start, end = run.start(), run.end()
    if _glued(text, start - 1) or _glued(text, end):
        return False
    part_of_figure_before = text[start - 1 : start] in _FIGURE_MARKS and _digit_at(text, start - 2)
    part_of_figure_after = text[end : end + 1] in _FIGURE_MARKS and _digit_at(text, end + 1)
    return not (part_of_figure_before or part_of_figure_after)


def _digit_at(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isdigit()


def _continues_list(text: str, runs: list[re.Match[str]], i: int) -> bool:
    """After an invoice number: a comma, ``&``, ``+`` or ``/``, or a word such as "and", and more follow."""
    if i + 1 >= len(runs):
        return False
    between = _after(text, runs, i)
    if _LIST_MARK.fullmatch(between):
        return True
    return between.isspace() and runs[i + 1].group() in _LIST_WORDS


def _marked(text: str, runs: list[re.Match[str]], i: int) -> bool:
    """Digits straight after ``#`` (``#1003``, ``# 1003``)."""
    start = runs[i].start()
    previous_end = runs[i - 1].end() if i > 0 else 0
    return "#" in text[previous_end:start] and text[previous_end:start].strip().endswith("#")
