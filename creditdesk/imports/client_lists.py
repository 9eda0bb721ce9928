"""Reading a list of clients (a system's customer or contact export, or a spreadsheet) into checked records.

The same steps as for invoices (``recognise``): the table opened, the report
rows set aside, the header matched; then every row read into a
``ClientRecord``, every bad field a problem with its line and column. An
address spread over several columns is put together in the file's order;
a person with no organisation (FreeAgent, Wave) is a client under their own
name. Nothing here looks at the books: matching is the import service's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.money import currency_exponent
from creditdesk.domain.terms import PaymentTerms
from creditdesk.domain.validation import check_code, check_email, check_text
from creditdesk.imports.client_presets import CLIENT_PRESETS
from creditdesk.imports.clients import code_key, name_key
from creditdesk.imports.formats import AmountField, DetectedFormats, FormatChoices, ReadyWhenSettled
from creditdesk.imports.layout import DataRow
from creditdesk.imports.mapping import ColumnMapping, Field, column_key
from creditdesk.imports.memory import collection_paused
from creditdesk.imports.problems import Problem, sorted_problems
from creditdesk.imports.recognise import Recognised, recognise, row_texts
from creditdesk.imports.records import ClientRecord, ClientRef
from creditdesk.imports.terms import read_terms

_LINES = (Field.ADDRESS, Field.ADDRESS_LINE_2, Field.ADDRESS_LINE_3)
_LOCALITY = (Field.CITY, Field.REGION, Field.POSTCODE)  # one line, in the order the file gives them
_YES = frozenset({"yes", "y", "true", "1", "x", "ja", "oui", "on"})
_NO = frozenset({"no", "n", "false", "0", "nein", "non", "nee", "off"})
_FLAGS = (Field.ON_HOLD, Field.DO_NOT_CHASE, Field.ARCHIVED)
_LIMITS = {Field.CLIENT_NAME: 200, Field.CONTACT_NAME: 200, Field.PHONE: 50, Field.ADDRESS: 1000}


@dataclass(frozen=True)
class ClientRead(ReadyWhenSettled):
    """What a client list holds, or would once its questions are answered; nothing is written from here."""

    source: str  # the preset's key, or the mapping's name
    source_label: str
    table: str
    header_line: int
    columns: dict[Field, str]  # each field read and the file's column it came from
    formats: DetectedFormats
    clients: tuple[ClientRecord, ...]
    set_aside: tuple[tuple[int, str], ...]
    problems: tuple[Problem, ...]
    header: tuple[str, ...] = ()  # every column of the file's header row, for mapping them by hand


def read_clients(
    path: Path,
    *,
    source: str | ColumnMapping = "auto",
    choices: FormatChoices | None = None,
    currency: str = "EUR",
    sheet: str | None = None,
) -> ClientRead | Problem:
    """Read ``path`` as clients of ``source`` ("auto" recognises it; a mapping is the user's own).

    ``currency`` is the company's: credit limits are read to its minor unit.
    """
    choices = choices or FormatChoices()
    with collection_paused():
        found = recognise(path, source, CLIENT_PRESETS, choices, sheet)
        if isinstance(found, Problem):
            return found
        return _ClientReader(found, choices, currency).read()


class _ClientReader:
    def __init__(self, found: Recognised, choices: FormatChoices, currency: str) -> None:
        self.found = found
        self.where = found.where
        self.names = {target: found.report.header[index] for target, index in found.where.items()}
        self.exponent = currency_exponent(currency)
        self.problems: list[Problem] = list(found.report.problems)
        self.limit: AmountField | None = None
        if Field.CREDIT_LIMIT in self.where:
            index = self.where[Field.CREDIT_LIMIT]
            cells = (row.cells[index] if index < len(row.cells) else "" for row in found.report.rows)
            self.limit = AmountField(self.names[Field.CREDIT_LIMIT], cells, choices)
        self.formats = DetectedFormats({}, {self.limit.name: self.limit.column} if self.limit else {})
        self.locality = sorted((f for f in _LOCALITY if f in self.where), key=lambda f: self.where[f])

    def read(self) -> ClientRead:
        clients: list[ClientRecord] = []
        if not self.formats.questions:
            first: dict[str, int] = {}
            for row in self.found.report.rows:
                record = self._row(row)
                if record is None:
                    continue
                key = self._key(record.ref)
                if key in first:
                    self._repeated(row, record.ref, first[key])
                    continue
                first[key] = row.line
                clients.append(record)
        preset = self.found.preset
        return ClientRead(
            preset.key,
            preset.label,
            self.found.table.describe(),
            self.found.report.header_line,
            dict(self.names),
            self.formats,
            tuple(clients),
            tuple(sorted(self.found.report.set_aside)),
            sorted_problems(self.problems),
            self.found.report.header,
        )

    @staticmethod
    def _key(ref: ClientRef) -> str:
        """One client of the file: by its code when it has one, else by its name (an e-mail may be shared)."""
        return "code:" + code_key(ref.code) if ref.code else "name:" + name_key(ref.name or "")

    def _repeated(self, row: DataRow, ref: ClientRef, line: int) -> None:
        if ref.code:
            self._problem(
                row, Field.CLIENT_CODE, f"client code '{ref.code}' is repeated (first on line {line})"
            )
        else:
            self._problem(row, Field.CLIENT_NAME, f"client '{ref.name}' is repeated (first on line {line})")

    def _problem(self, row: DataRow, target: Field | None, message: str) -> None:
        self.problems.append(Problem(row.line, message, self.names.get(target) if target else None))

    def _row(self, row: DataRow) -> ClientRecord | None:
        picked, texts = row_texts(row, self.where, self.found.preset.unguard)
        before = len(self.problems)
        contact = (
            texts.get(Field.CONTACT_NAME, "").strip()
            or " ".join(
                part
                for part in (texts.get(Field.CONTACT_FIRST_NAME, ""), texts.get(Field.CONTACT_LAST_NAME, ""))
                if part.strip()
            ).strip()
        )
        name = texts.get(Field.CLIENT_NAME, "").strip() or contact
        if not name:
            self._problem(row, Field.CLIENT_NAME, "is empty; every client needs its name")
        code = texts.get(Field.CLIENT_CODE, "").strip()
        if code:
            self._check(row, Field.CLIENT_CODE, partial(check_code, code, field="the client code"))
        email = texts.get(Field.BILLING_EMAIL, "").strip() or texts.get(Field.CLIENT_EMAIL, "").strip()
        if email:
            target = Field.BILLING_EMAIL if texts.get(Field.BILLING_EMAIL, "").strip() else Field.CLIENT_EMAIL
            self._check(row, target, partial(check_email, email, field="the e-mail"))
            self._check(row, target, partial(check_text, email, field="the e-mail", max_length=254))
        address = self._address(texts)
        values = {
            Field.CLIENT_NAME: name,
            Field.CONTACT_NAME: contact,
            Field.PHONE: texts.get(Field.PHONE, ""),
            Field.ADDRESS: address or "",
        }
        for target, longest in _LIMITS.items():
            self._check(
                row, target, partial(check_text, values[target], field="the text", max_length=longest)
            )
        terms = self._terms(row, texts)
        credit_limit = self._limit(row, picked.get(Field.CREDIT_LIMIT, ""))
        flags = {target: self._flag(row, texts, target) for target in _FLAGS}
        if len(self.problems) > before:
            return None
        return ClientRecord(
            row.line,
            ClientRef(name, code or None, email or None),
            contact or None,
            texts.get(Field.PHONE, "").strip() or None,
            address,
            terms,
            credit_limit,
            texts.get(Field.NOTES, "").strip() or None,
            flags[Field.ON_HOLD],
            flags[Field.DO_NOT_CHASE],
            flags[Field.ARCHIVED],
        )

    def _check(self, row: DataRow, target: Field, check: Callable[[], object]) -> None:
        try:
            check()
        except ValidationError as exc:
            self._problem(row, target, exc.message)

    def _address(self, texts: dict[Field, str]) -> str | None:
        lines = [texts.get(target, "").strip() for target in _LINES]
        lines.append(" ".join(texts.get(target, "").strip() for target in self.locality).strip())
        lines.append(texts.get(Field.COUNTRY, "").strip())
        if len([line for line in lines if line]) <= 1 and Field.ADDRESS in texts:
            whole = texts[Field.ADDRESS].strip()  # a single cell keeps its own line breaks
            return whole or None
        return "\n".join(" ".join(line.split()) for line in lines if line) or None

    def _terms(self, row: DataRow, texts: dict[Field, str]) -> PaymentTerms | None:
        read = read_terms(
            texts.get(Field.TERMS_DAYS, ""), texts.get(Field.TERMS, ""), texts.get(Field.TERMS_BASIS, "")
        )
        if isinstance(read, str):
            target = Field.TERMS if texts.get(Field.TERMS, "").strip() else Field.TERMS_DAYS
            self._problem(row, target, read)
            return None
        return read

    def _limit(self, row: DataRow, cell: object) -> Decimal | None:
        if self.limit is None or cell == "" or (isinstance(cell, str) and not cell.strip()):
            return None
        amount = self.limit.read(cell, row.line, self.exponent)  # type: ignore[arg-type]
        if isinstance(amount, Problem):
            self.problems.append(amount)
            return None
        if amount < 0:
            self._problem(
                row, Field.CREDIT_LIMIT, f"{amount:f} cannot be negative; leave it empty for no limit"
            )
            return None
        return amount

    def _flag(self, row: DataRow, texts: dict[Field, str], target: Field) -> bool | None:
        text = texts.get(target, "").strip()
        if not text:
            return None
        word = column_key(text)
        if word in _YES:
            return True
        if word in _NO:
            return False
        self._problem(row, target, f"expected yes or no, got '{text}'")
        return None
