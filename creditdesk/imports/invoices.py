"""Reading a file of invoices from any known source (or the user's mapping) into checked records.

The steps: open the table, find the header of a known system, set the
report's own rows aside, resolve each date and amount column's format from
the whole column, read every row (every bad field is a problem with its line
and field, not just the first), collapse line items into one invoice per
number, and check the report's stated totals. Nothing is guessed: a column
whose format the file leaves open is returned as a question, and the caller
reads again with the user's answer in ``FormatChoices``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.money import check_currency, currency_exponent
from creditdesk.imports.clients import client_key
from creditdesk.imports.formats import (
    AmountField,
    DateField,
    DetectedFormats,
    FormatChoices,
    ReadyWhenSettled,
)
from creditdesk.imports.layout import DataRow, Report, check_totals
from creditdesk.imports.mapping import AMOUNT_FIELDS, DATE_FIELDS, ColumnMapping, Field, column_key
from creditdesk.imports.memory import collection_paused
from creditdesk.imports.presets import PRESETS, Preset
from creditdesk.imports.problems import Problem, sorted_problems
from creditdesk.imports.recognise import client_named, recognise, row_texts
from creditdesk.imports.records import ClientRef, InvoiceRecord, LineItem, SourceStatus
from creditdesk.imports.tables import Cell, TableFile

_DAYS = re.compile(r"\d{1,4}")
_COMPARED = (
    Field.ISSUE_DATE,
    Field.DUE_DATE,
    Field.TOTAL,
    Field.AMOUNT_DUE,
    Field.AMOUNT_PAID,
    Field.CURRENCY,
)


@dataclass(frozen=True)
class InvoiceRead(ReadyWhenSettled):
    """What a file holds, or would once its questions are answered; nothing is written from here."""

    source: str  # the preset's key, or the mapping's name
    source_label: str
    table: str  # what was detected: "CSV, Windows-1252, separated by semicolons"
    header_line: int
    columns: dict[Field, str]  # each field read and the file's column it came from
    as_of: date | None  # the date the report states it describes
    formats: DetectedFormats
    invoices: tuple[InvoiceRecord, ...]
    clients: tuple[ClientRef, ...]  # each client of the file once, in order of first appearance
    set_aside: tuple[tuple[int, str], ...]  # report rows and other transactions, with what they were
    problems: tuple[Problem, ...]
    negative_is_credit: bool = False  # a spreadsheet's negative row is a credit note, not a mistake
    header: tuple[str, ...] = ()  # every column of the file's header row, for mapping them by hand


def read_invoices(
    path: Path,
    *,
    source: str | ColumnMapping = "auto",
    choices: FormatChoices | None = None,
    currency: str = "EUR",
    sheet: str | None = None,
) -> InvoiceRead | Problem:
    """Read ``path`` as invoices of ``source`` ("auto" recognises it; a mapping is the user's own).

    ``currency`` is the company's, for rows that name none. A file that cannot
    be used at all (unreadable, no header, no source recognised) is a Problem.
    """
    with collection_paused():
        return _read(path, source, choices or FormatChoices(), currency, sheet)


def _read(
    path: Path, source: str | ColumnMapping, choices: FormatChoices, currency: str, sheet: str | None
) -> InvoiceRead | Problem:
    found = recognise(path, source, PRESETS, choices, sheet)
    if isinstance(found, Problem):
        return found
    return _Reader(found.table, found.report, found.preset, found.where, choices, currency).read()


@dataclass
class _Draft:
    """An invoice being gathered from its rows."""

    record: InvoiceRecord
    values: dict[Field, object]  # what its first row said, to compare the other rows with
    lines: list[int]
    items: list[LineItem]


class _Reader:
    def __init__(
        self,
        table: TableFile,
        report: Report,
        preset: Preset,
        where: dict[Field, int],
        choices: FormatChoices,
        currency: str,
    ) -> None:
        self.table = table
        self.report = report
        self.preset = preset
        self.where = where
        self.choices = choices
        self.currency = currency
        self.problems: list[Problem] = list(report.problems)
        self.set_aside: list[tuple[int, str]] = list(report.set_aside)
        self.names = {target: report.header[index] for target, index in where.items()}
        self._picked: dict[Field, Cell] = {}
        self._texts: dict[Field, str] = {}
        self._exponents: dict[str, int] = {}
        rows = report.rows
        self.dates = {
            target: DateField(self.names[target], (self._column(row, target) for row in rows), choices)
            for target in DATE_FIELDS
            if target in where
        }
        self.amounts = {
            target: AmountField(self.names[target], (self._column(row, target) for row in rows), choices)
            for target in AMOUNT_FIELDS
            if target in where
        }
        self.formats = DetectedFormats(
            {field.name: field.column for field in self.dates.values()},
            {field.name: field.column for field in self.amounts.values()},
        )

    def _column(self, row: DataRow, target: Field) -> Cell:
        index = self.where.get(target)
        if index is None or index >= len(row.cells):
            return ""
        return row.cells[index]

    def _pick(self, row: DataRow) -> None:
        """The row's mapped cells, and the same as text, picked out once for all the checks of the row."""
        self._picked, self._texts = row_texts(row, self.where, self.preset.unguard)

    def read(self) -> InvoiceRead:
        invoices: list[InvoiceRecord] = []
        if not self.formats.questions:
            drafts: dict[str, _Draft] = {}
            for row in self.report.rows:
                self._row(row, drafts)
            invoices = [self._finished(draft) for draft in drafts.values()]
            self._check_totals()
        clients: dict[str, ClientRef] = {}
        for invoice in invoices:
            clients.setdefault(client_key(invoice.client), invoice.client)
        return InvoiceRead(
            self.preset.key,
            self.preset.label,
            self.table.describe(),
            self.report.header_line,
            dict(self.names),
            self.report.as_of,
            self.formats,
            tuple(invoices),
            tuple(clients.values()),
            tuple(sorted(self.set_aside)),
            sorted_problems(self.problems),
            self.preset.negative_is_credit,
            self.report.header,
        )

    def _problem(self, row: DataRow, target: Field | None, message: str) -> None:
        self.problems.append(Problem(row.line, message, self.names.get(target) if target else None))

    def _row(self, row: DataRow, drafts: dict[str, _Draft]) -> None:
        self._pick(row)
        texts = self._texts
        picked = self._picked
        kind = column_key(texts.get(Field.TRANSACTION_TYPE, ""))
        is_credit = kind in self.preset.credit_types
        if (
            self.preset.invoice_types
            and Field.TRANSACTION_TYPE in self.where
            and kind not in self.preset.invoice_types
            and not is_credit
        ):
            shown = texts.get(Field.TRANSACTION_TYPE, "") or "a transaction"
            self.set_aside.append((row.line, f"{shown} (not an invoice)"))
            return
        before = len(self.problems)
        number = texts.get(Field.NUMBER, "")
        if not number:
            self._problem(row, Field.NUMBER, "is empty; every invoice needs its number")
        client = self._client(row)
        currency = self._currency(row)
        exponent = self._exponents.get(currency)
        if exponent is None:
            exponent = self._exponents[currency] = currency_exponent(currency) if currency else 2
        values: dict[Field, object] = {Field.CURRENCY: currency}
        for target, date_field in self.dates.items():
            cell = picked.get(target, "")
            if cell == "":
                values[target] = None
                continue
            read = date_field.read(cell, row.line)
            if isinstance(read, Problem):
                self.problems.append(read)
            values[target] = read
        for target, amount_field in self.amounts.items():
            cell = picked.get(target, "")
            if cell == "":
                values[target] = None
                continue
            amount = amount_field.read(cell, row.line, exponent, currency)
            if isinstance(amount, Problem):
                self.problems.append(amount)
            values[target] = amount
        terms = self._terms(row)
        status = self._status(row)
        if Field.ISSUE_DATE in self.where and picked.get(Field.ISSUE_DATE, "") == "":
            self._problem(row, Field.ISSUE_DATE, "is empty; every invoice needs the date it was issued")
        if len(self.problems) > before or client is None:
            return
        existing = drafts.get(number)
        item = self._item(row, values)
        if existing is None:
            record = self._record(row, number, client, currency, values, terms, status)
            if record is not None:
                if is_credit:
                    record = _as_credit(record)
                drafts[number] = _Draft(record, values, [row.line], [item] if item else [])
            return
        if self.preset.one_row_per_invoice:
            self._problem(
                row, Field.NUMBER, f"invoice {number} is repeated (first on line {existing.lines[0]})"
            )
            return
        for target in _COMPARED:
            if target in self.where or target is Field.CURRENCY:
                first, here = existing.values.get(target), values.get(target)
                if first != here:
                    shown = "nothing" if first is None else f"{first}"
                    self._problem(
                        row,
                        target,
                        f"invoice {number} has {here if here is not None else 'nothing'} here "
                        f"but {shown} on line {existing.lines[0]}",
                    )
        existing.lines.append(row.line)
        if item:
            existing.items.append(item)

    def _client(self, row: DataRow) -> ClientRef | None:
        client = client_named(
            self._texts, row.group, self.preset, self.where, "is empty; every invoice needs its client"
        )
        if isinstance(client, ClientRef):
            return client
        self._problem(row, *client)
        return None

    def _currency(self, row: DataRow) -> str:
        texts = self._texts
        text = texts.get(Field.CURRENCY, "")
        if not text:
            return self.currency
        try:
            return check_currency(text)
        except ValidationError as exc:
            self._problem(row, Field.CURRENCY, exc.message)
            return ""

    def _terms(self, row: DataRow) -> int | None:
        texts = self._texts
        text = texts.get(Field.TERMS_DAYS, "")
        if not text:
            return None
        found = _DAYS.search(text)
        if found is None:
            if column_key(text) in ("due on receipt", "immediate", "sofort"):
                return 0
            self._problem(row, Field.TERMS_DAYS, f"expected a number of days such as 30, got '{text}'")
            return None
        return int(found.group())

    def _status(self, row: DataRow) -> SourceStatus | None:
        """The file's status word in CreditDesk's terms; None when it gives none (or an unknown one)."""
        texts = self._texts
        text = texts.get(Field.STATUS, "")
        if not text:
            return None
        status = self.preset.statuses.get(column_key(text))
        if status is None:
            known = ", ".join(sorted(dict.fromkeys(self.preset.statuses)))
            self._problem(row, Field.STATUS, f"expected a status such as {known}, got '{text}'")
        return status

    def _item(self, row: DataRow, values: dict[Field, object]) -> LineItem | None:
        texts = self._texts
        description = texts.get(Field.ITEM_DESCRIPTION, "")
        amount = values.get(Field.ITEM_AMOUNT)
        price = values.get(Field.ITEM_UNIT_PRICE)
        quantity_text = texts.get(Field.ITEM_QUANTITY, "")
        if not description and amount is None and price is None:
            return None
        quantity = None
        if quantity_text:
            try:
                quantity = Decimal(quantity_text.replace(",", "."))
            except ArithmeticError:
                self._problem(
                    row, Field.ITEM_QUANTITY, f"expected a quantity such as 2 or 1.5, got '{quantity_text}'"
                )
        return LineItem(
            row.line,
            description,
            quantity,
            price if isinstance(price, Decimal) else None,
            amount if isinstance(amount, Decimal) else None,
        )

    def _record(
        self,
        row: DataRow,
        number: str,
        client: ClientRef,
        currency: str,
        values: dict[Field, object],
        terms: int | None,
        status: SourceStatus | None,
    ) -> InvoiceRecord | None:
        texts = self._texts
        issued = values.get(Field.ISSUE_DATE)
        due = values.get(Field.DUE_DATE)
        total = _money(values.get(Field.TOTAL))
        paid = _money(values.get(Field.AMOUNT_PAID))
        owed = _money(values.get(Field.AMOUNT_DUE))
        if not isinstance(issued, date):
            self._problem(row, None, "there is no issue date; map the column that holds it")
            return None
        if total is None and owed is None and Field.ITEM_AMOUNT not in self.where:
            self._problem(row, Field.TOTAL, "is empty; every invoice needs its total or the amount due")
            return None
        settled = status is SourceStatus.VOID  # a voided invoice is owed nothing, whatever its total
        if (
            not settled
            and total is not None
            and paid is not None
            and owed is not None
            and total - paid != owed
        ):
            self._problem(
                row,
                Field.AMOUNT_DUE,
                f"is {owed:f}, but the total {total:f} less the {paid:f} paid is {total - paid:f}",
            )
            return None
        if status is None:  # the file gives none: what it says is still due decides
            status = SourceStatus.PAID if owed is not None and owed == 0 and total != 0 else SourceStatus.OPEN
        billed = status in (SourceStatus.OPEN, SourceStatus.PAID)  # drafts and voids were never paid into
        if (
            billed
            and total is not None
            and owed is not None
            and paid is None
            and Field.AMOUNT_PAID not in self.where
        ):
            paid = total - owed
        return InvoiceRecord(
            (row.line,),
            number,
            client,
            issued,
            due if isinstance(due, date) else None,
            terms,
            total,
            owed,
            paid,
            currency,
            status,
            texts.get(Field.REFERENCE, ""),
        )

    def _finished(self, draft: _Draft) -> InvoiceRecord:
        record = draft.record
        if len(draft.lines) == 1 and not draft.items:
            return record
        total = record.total
        if total is None and draft.items and all(item.amount is not None for item in draft.items):
            total = sum((item.amount for item in draft.items if item.amount is not None), Decimal(0))
        return InvoiceRecord(
            tuple(draft.lines),
            record.number,
            record.client,
            record.issue_date,
            record.due_date,
            record.terms_days,
            total,
            record.amount_due,
            record.amount_paid,
            record.currency,
            record.status,
            record.reference,
            tuple(draft.items),
        )

    def _check_totals(self) -> None:
        by_index = {self.where[target]: field for target, field in self.amounts.items()}
        if not self.report.totals or not by_index:
            return
        exponent = currency_exponent(self.currency)

        def read(cell: Cell, line: int, column: int) -> Decimal | Problem:
            return by_index[column].read(cell, line, exponent)

        self.problems.extend(check_totals(self.report, sorted(by_index), read))


def _as_credit(record: InvoiceRecord) -> InvoiceRecord:
    """A credit note row: its figures negative, whichever sign the system writes them with."""

    def negative(amount: Decimal | None) -> Decimal | None:
        return None if amount is None else -abs(amount)

    return record._replace(
        total=negative(record.total), amount_due=negative(record.amount_due), amount_paid=None, is_credit=True
    )


def _money(value: object) -> Decimal | None:
    return value if isinstance(value, Decimal) else None
