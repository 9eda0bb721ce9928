"""Reading a file of payments received (CreditDesk's own export, or a spreadsheet) into checked records.

The same steps as for invoices: open the table, find a known header with the
report's own rows set aside, resolve the date and amount columns' formats
from the whole column, read every row (every bad field is a problem with its
line and field), and check the totals a report states. A column whose format
the file leaves open is returned as a question, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from creditdesk.domain.money import currency_exponent
from creditdesk.imports.formats import (
    AmountField,
    DateField,
    DetectedFormats,
    FormatChoices,
    ReadyWhenSettled,
)
from creditdesk.imports.layout import DataRow, check_totals
from creditdesk.imports.mapping import ColumnMapping, Field, column_key
from creditdesk.imports.memory import collection_paused
from creditdesk.imports.payment_presets import PAYMENT_PRESETS
from creditdesk.imports.problems import Problem, sorted_problems
from creditdesk.imports.recognise import Recognised, client_named, recognise, row_texts
from creditdesk.imports.records import ClientRef
from creditdesk.imports.tables import Cell

ZERO = Decimal(0)


class PaymentRecord(NamedTuple):
    """One payment as the file gives it, its amount exact; the line of the file it came from."""

    line: int
    client: ClientRef
    date: date
    amount: Decimal
    reference: str = ""
    invoice_number: str = ""  # the invoice the payer named, if the file says
    method: str = ""


@dataclass(frozen=True)
class PaymentRead(ReadyWhenSettled):
    """What a file of payments holds, or would once its questions are answered; nothing is written here."""

    source: str  # the preset's key, or the mapping's name
    source_label: str
    table: str  # what was detected: "CSV, Windows-1252, separated by semicolons"
    header_line: int
    columns: dict[Field, str]  # each field read and the file's column it came from
    formats: DetectedFormats
    payments: tuple[PaymentRecord, ...]  # in file order
    set_aside: tuple[tuple[int, str], ...]  # report rows, with what they were
    problems: tuple[Problem, ...]
    header: tuple[str, ...] = ()  # every column of the file's header row, for mapping them by hand


def read_payments(
    path: Path,
    *,
    source: str | ColumnMapping = "auto",
    choices: FormatChoices | None = None,
    currency: str = "EUR",
    sheet: str | None = None,
) -> PaymentRead | Problem:
    """Read ``path`` as payments of ``source`` ("auto" recognises it; a mapping is the user's own).

    ``currency`` is the company's: amounts are checked against its minor unit.
    A file that cannot be used at all is a Problem.
    """
    with collection_paused():
        found = recognise(path, source, PAYMENT_PRESETS, choices or FormatChoices(), sheet)
        if isinstance(found, Problem):
            return found
        lacking = _lacking(found)
        if lacking is not None:
            return lacking
        return _Reader(found, choices or FormatChoices(), currency).read()


def _lacking(found: Recognised) -> Problem | None:
    """A user's mapping must say where each payment's date, amount and client are."""
    line = found.report.header_line
    if Field.PAYMENT_DATE not in found.where:
        return Problem(line, "the mapping has no column for the date each payment was received; map one")
    if Field.AMOUNT not in found.where:
        return Problem(line, "the mapping has no column for the amount of each payment; map one")
    if not {Field.CLIENT_NAME, Field.CLIENT_CODE, Field.CLIENT_EMAIL} & found.where.keys():
        return Problem(line, "the mapping has no column naming the client who paid; map one")
    return None


class _Reader:
    def __init__(self, found: Recognised, choices: FormatChoices, currency: str) -> None:
        self.found = found
        self.report = found.report
        self.where = found.where
        self.currency = currency
        self.exponent = currency_exponent(currency)
        self.names = found.names
        self.problems: list[Problem] = list(self.report.problems)
        rows = self.report.rows
        self.dates = DateField(
            self.names[Field.PAYMENT_DATE], (self._cell(row, Field.PAYMENT_DATE) for row in rows), choices
        )
        self.amounts = AmountField(
            self.names[Field.AMOUNT], (self._cell(row, Field.AMOUNT) for row in rows), choices
        )
        self.formats = DetectedFormats(
            {self.dates.name: self.dates.column}, {self.amounts.name: self.amounts.column}
        )

    def _cell(self, row: DataRow, target: Field) -> Cell:
        index = self.where[target]
        return row.cells[index] if index < len(row.cells) else ""

    def read(self) -> PaymentRead:
        payments: list[PaymentRecord] = []
        problem = self._repeated_column()
        if problem is not None:
            self.problems.append(problem)
        elif not self.report.rows:
            line = self.report.header_line
            self.problems.append(Problem(line, "there is a header row but no payments below it to import"))
        elif not self.formats.questions:
            for row in self.report.rows:
                record = self._row(row)
                if record is not None:
                    payments.append(record)
            self._check_totals()
        preset = self.found.preset
        return PaymentRead(
            preset.key,
            preset.label,
            self.found.table.describe(),
            self.report.header_line,
            dict(self.names),
            self.formats,
            tuple(payments),
            tuple(sorted(self.report.set_aside)),
            sorted_problems(self.problems),
            self.report.header,
        )

    def _repeated_column(self) -> Problem | None:
        """A column read twice over would be a guess at which one the user meant."""
        header = [column_key(name) for name in self.report.header]
        for name in self.names.values():
            if header.count(column_key(name)) > 1:
                return Problem(self.report.header_line, f"column '{name}' appears more than once")
        return None

    def _problem(self, row: DataRow, target: Field, message: str) -> None:
        self.problems.append(Problem(row.line, message, self.names.get(target)))

    def _row(self, row: DataRow) -> PaymentRecord | None:
        picked, texts = row_texts(row, self.where, self.found.preset.unguard)
        before = len(self.problems)
        client = client_named(
            texts,
            row.group,
            self.found.preset,
            self.where,
            "is empty; every payment needs the client who paid",
            by_email=True,
        )
        if not isinstance(client, ClientRef):
            self._problem(row, *client)
        paid_on: date | None = None
        cell = picked.get(Field.PAYMENT_DATE, "")
        if cell == "":
            self._problem(row, Field.PAYMENT_DATE, "is empty; every payment needs the date it was received")
        else:
            read = self.dates.read(cell, row.line)
            if isinstance(read, Problem):
                self.problems.append(read)
            else:
                paid_on = read
        amount: Decimal | None = None
        cell = picked.get(Field.AMOUNT, "")
        if cell == "":
            self._problem(row, Field.AMOUNT, "is empty; every payment needs its amount")
        else:
            value = self.amounts.read(cell, row.line, self.exponent, self.currency)
            if isinstance(value, Problem):
                self.problems.append(value)
            elif value <= ZERO:
                self._problem(row, Field.AMOUNT, f"a payment must be more than zero, got '{cell}'")
            else:
                amount = value
        if len(self.problems) > before or not isinstance(client, ClientRef):
            return None
        assert paid_on is not None and amount is not None
        return PaymentRecord(
            row.line,
            client,
            paid_on,
            amount,
            texts.get(Field.REFERENCE, ""),
            texts.get(Field.INVOICE_NUMBER, ""),
            texts.get(Field.METHOD, ""),
        )

    def _check_totals(self) -> None:
        if not self.report.totals:
            return
        column = self.where[Field.AMOUNT]

        def read(cell: Cell, line: int, _column: int) -> Decimal | Problem:
            return self.amounts.read(cell, line, self.exponent)

        self.problems.extend(check_totals(self.report, [column], read))
