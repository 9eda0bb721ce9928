"""A bank's CSV (or Excel) export read through the accounting imports' table machinery.

The table, its title rows and header come from ``tables`` and ``layout``;
dates and amounts are read by the column formats of ``formats`` (a German
export's ``1.234,50`` and ``31.12.26``, an English one's ``1,234.50``), the
columns found by a bank's preset or the user's mapping. Pending entries of
exports that list them are left out. Most exports name no reference of the
bank's own, so each entry is given a derived key (see ``keys``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from creditdesk.domain.bank import BankStatement, BankTransaction
from creditdesk.domain.money import currency_exponent
from creditdesk.imports.bank.checks import Part, StatementProblem, joined, stop
from creditdesk.imports.bank.iban import compact, iban_or_empty, is_iban
from creditdesk.imports.bank.keys import DerivedKeys
from creditdesk.imports.bank.kinds import ACCEPTED
from creditdesk.imports.bank.money import currency_code
from creditdesk.imports.bank.table_presets import (
    BOOKED_WORDS,
    CREDIT_WORDS,
    DEBIT_WORDS,
    BankField,
    BankPreset,
    detect_bank_export,
    from_columns,
)
from creditdesk.imports.formats import AmountField, DateField, DetectedFormats, FormatChoices
from creditdesk.imports.layout import DataRow, Report, read_report
from creditdesk.imports.mapping import column_key
from creditdesk.imports.problems import Problem
from creditdesk.imports.tables import Cell, open_table

_SHORT_YEAR = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2})")  # 01.12.26
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")  # 20261201
_WITH_TIME = re.compile(r"(\S+)[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_HEADER_CURRENCY = re.compile(r"\(([A-Za-z]{3})\)\s*$")  # "Amount (GBP)", "Bedrag (EUR)"
_TITLE_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_AMOUNTS = (BankField.AMOUNT, BankField.CREDIT, BankField.DEBIT)

Found = tuple[BankPreset, dict[BankField, int]]


def read_bank_csv(
    path: Path,
    choices: FormatChoices,
    *,
    chosen: bool,
    columns: Mapping[BankField, str] | None = None,
    currency: str | None = None,
) -> BankStatement:
    """``chosen``: the user said it is CSV, so a refusal speaks of its columns rather than of formats."""
    table = open_table(path)
    if isinstance(table, Problem):
        raise StatementProblem(table if chosen else _not_a_statement())
    found: dict[tuple[str, ...], Found | None] = {}

    def recognised(cells: Sequence[Cell]) -> bool:
        header = tuple(str(cell) for cell in cells)
        if header not in found:
            found[header] = _resolve(header, columns)
        return found[header] is not None

    report = read_report(table.rows(), is_header=recognised)
    if isinstance(report, Problem):
        if not chosen:
            raise StatementProblem(_not_a_statement())
        raise stop(
            "no row of the file names a booking date, an amount (or credit and debit) and the payer or text "
            "of each entry; map the columns of this export to those fields"
        )
    if report.problems:
        raise StatementProblem(report.problems[0])
    recognition = found[report.header]
    assert recognition is not None  # the header is the row ``recognised`` said yes to
    preset, where = recognition
    return _Reader(report, preset, where, choices, currency).read()


def _not_a_statement() -> Problem:
    return Problem(0, f"this file is not a bank statement CreditDesk can read; it reads {ACCEPTED}")


def _resolve(header: tuple[str, ...], columns: Mapping[BankField, str] | None) -> Found | None:
    if columns is not None:
        preset = from_columns(columns)
        where = preset.resolve(header)
        return None if where is None or len(where) < len(columns) else (preset, where)
    return detect_bank_export(header)


@dataclass(frozen=True)
class _Columns:
    """The date and amount columns, each read in the format resolved from the whole column."""

    booked: DateField
    amounts: dict[BankField, AmountField]


class _Reader:
    def __init__(
        self,
        report: Report,
        preset: BankPreset,
        where: dict[BankField, int],
        choices: FormatChoices,
        currency: str | None,
    ) -> None:
        self.report = report
        self.where = where
        self.names = {target: report.header[index] for target, index in where.items()}
        if choices.locale is None and preset.locale is not None:
            choices = choices.with_locale(preset.locale)
        self.choices = choices
        self.currency = currency or self._header_currency()
        self.rows = [row for row in report.rows if self._booked(row)]

    def _cell(self, row: DataRow, target: BankField) -> Cell:
        index = self.where.get(target)
        if index is None or index >= len(row.cells):
            return ""
        return row.cells[index]

    def _text(self, row: DataRow, target: BankField) -> str:
        return " ".join(str(self._cell(row, target)).split())

    def _booked(self, row: DataRow) -> bool:
        """Pending, declined or reverted entries of exports that list them are not on the statement."""
        state = self._text(row, BankField.STATE)
        return not state or column_key(state) in BOOKED_WORDS

    def _header_currency(self) -> str | None:
        for target in _AMOUNTS:
            if target in self.names:
                found = _HEADER_CURRENCY.search(self.names[target])
                if found is not None:
                    return currency_code(found.group(1))
        return None

    def read(self) -> BankStatement:
        columns = self._columns()
        account = self._account()
        keys = DerivedKeys(account)
        part = Part(self.report.header_line, None, iban_or_empty(account), account, "")
        for row in self.rows:
            part.entries.append(self._entry(row, columns, keys))
        # An export states no statement date: it runs to its latest booking.
        part.statement_date = max((entry.booked for entry in part.entries), default=None)
        return joined("csv", [part])

    def _columns(self) -> _Columns:
        rows, choices = self.rows, self.choices
        booked = DateField(
            self.names[BankField.BOOKED],
            [_plain_date(self._cell(row, BankField.BOOKED)) for row in rows],
            choices,
        )
        amounts = {
            target: AmountField(self.names[target], [self._cell(row, target) for row in rows], choices)
            for target in _AMOUNTS
            if target in self.where
        }
        formats = DetectedFormats(
            {booked.name: booked.column}, {field.name: field.column for field in amounts.values()}
        )
        if formats.questions:  # the caller asks the user and reads again with the answer in ``choices``
            raise stop(formats.questions[0], line=self.report.header_line)
        return _Columns(booked, amounts)

    def _account(self) -> str:
        """The statement's account: a column of it on every row, or an IBAN in the title rows above."""
        accounts: list[str] = []
        for row in self.rows:
            value = compact(self._text(row, BankField.ACCOUNT))
            if value and value not in accounts:
                accounts.append(value)
                if len(accounts) > 1:
                    raise stop(
                        f"the file holds entries of several accounts ({', '.join(accounts)}); "
                        "export one account per file",
                        line=row.line,
                    )
        if accounts:
            return accounts[0]
        for title in self.report.title:
            for candidate in _TITLE_IBAN.finditer(compact(title)):
                text = candidate.group()
                for length in range(len(text), 14, -1):
                    if is_iban(text[:length]):
                        return text[:length]
        return ""

    def _entry(self, row: DataRow, columns: _Columns, keys: DerivedKeys) -> BankTransaction:
        booked = columns.booked.read(_plain_date(self._cell(row, BankField.BOOKED)), row.line)
        if isinstance(booked, Problem):
            raise StatementProblem(booked)
        currency = self._currency(row)
        amount = self._amount(row, columns, currency)
        name = self._text(row, BankField.PAYER_NAME)
        iban = iban_or_empty(self._text(row, BankField.PAYER_IBAN))
        text = self._text(row, BankField.TEXT)
        reference = self._text(row, BankField.REFERENCE)
        derived = not reference
        if derived:
            reference = keys.key(booked, amount, f"{name} {iban} {text}")
        return BankTransaction(
            reference=reference,
            booked=booked,
            amount=amount,
            currency=currency,
            payer_name=name,
            payer_iban=iban,
            text=text,
            line=row.line,
            reference_derived=derived,
        )

    def _currency(self, row: DataRow) -> str:
        written = self._text(row, BankField.CURRENCY)
        if written:
            code = currency_code(written)
            if code is None:
                raise StatementProblem(
                    Problem(
                        row.line,
                        f"expected a currency code such as EUR, got '{written}'",
                        self.names[BankField.CURRENCY],
                    )
                )
            return code
        if self.currency:
            return self.currency
        raise stop(
            "the file names no currency (no currency column, none in the amount's heading); "
            "choose the account's currency",
            line=row.line,
        )

    def _amount(self, row: DataRow, columns: _Columns, currency: str) -> Decimal:
        exponent = currency_exponent(currency)
        read: dict[BankField, Decimal] = {}
        for target, field in columns.amounts.items():
            cell = self._cell(row, target)
            if cell == "":
                continue
            value = field.read(cell, row.line, exponent, currency)
            if isinstance(value, Problem):
                raise StatementProblem(value)
            read[target] = value
        if BankField.AMOUNT in read:
            return self._directed(row, read[BankField.AMOUNT])
        credit, debit = read.get(BankField.CREDIT), read.get(BankField.DEBIT)
        if credit and debit:
            raise StatementProblem(
                Problem(row.line, "the entry has both a credit and a debit amount; expected one of them")
            )
        if credit is not None and (credit or debit is None):
            return abs(credit)
        if debit is not None:
            return -abs(debit)
        money = " or ".join(f"'{self.names[target]}'" for target in _AMOUNTS if target in self.names)
        raise StatementProblem(Problem(row.line, f"the entry has no amount; expected one in {money}"))

    def _directed(self, row: DataRow, amount: Decimal) -> Decimal:
        """An amount written without its sign, with a column saying which way (Af/Bij, S/H)."""
        if BankField.DIRECTION not in self.where:
            return amount
        word = column_key(self._text(row, BankField.DIRECTION))
        if word in CREDIT_WORDS:
            return abs(amount)
        if word in DEBIT_WORDS:
            return -abs(amount)
        raise StatementProblem(
            Problem(
                row.line,
                f"expected a word saying credit or debit (such as Bij or Af, H or S), got '{word}'",
                self.names[BankField.DIRECTION],
            )
        )


def _plain_date(cell: Cell) -> Cell:
    """Bank exports' own date spellings made ones the date columns read: 01.12.26, 20261201, with a time."""
    if not isinstance(cell, str):
        return cell
    text = cell.strip()
    timed = _WITH_TIME.fullmatch(text)
    if timed is not None:
        text = timed.group(1)
    short = _SHORT_YEAR.fullmatch(text)
    if short is not None:
        return f"{short.group(1)}.{short.group(2)}.20{short.group(3)}"
    compact_date = _COMPACT_DATE.fullmatch(text)
    if compact_date is not None:
        return "-".join(compact_date.groups())
    return text
