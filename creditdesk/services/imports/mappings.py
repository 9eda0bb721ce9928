"""A user's own column mappings, saved under a name in the company file and chosen again by that name.

Everyone who shares the books shares the mappings. A mapping belongs to one
kind of import (clients, invoices or payments); its name is unique within
that kind, whatever its case. ``source_for`` turns what the user typed after
``--source`` into a preset's key or a saved mapping, so every import (the
payments one too) answers an unknown name the same way: with the choices.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditdesk.domain.errors import NotFoundError, ValidationError
from creditdesk.domain.validation import check_text
from creditdesk.imports.dates import DateOrder as DateOrder
from creditdesk.imports.formats import FormatChoices
from creditdesk.imports.mapping import CLIENT_FIELDS, INVOICE_FIELDS
from creditdesk.imports.mapping import ColumnMapping as ColumnMapping
from creditdesk.imports.mapping import Field as Field
from creditdesk.imports.numbers import NumberFormat as NumberFormat
from creditdesk.store.database import Database
from creditdesk.store.models import ImportMappingRow
from creditdesk.store.unit_of_work import UnitOfWork

KINDS = ("clients", "invoices", "payments")
NAME_LENGTH = 100
_FIELDS_OF: dict[str, tuple[Field, ...]] = {"clients": CLIENT_FIELDS, "invoices": INVOICE_FIELDS}

# Whole sentences per kind, so each can be translated as it stands.
_TAKEN = {
    "clients": "A client mapping named '{name}' is already saved; choose another name.",
    "invoices": "An invoice mapping named '{name}' is already saved; choose another name.",
    "payments": "A payment mapping named '{name}' is already saved; choose another name.",
}
_MISSING = {
    "clients": "There is no saved client mapping named '{name}'; the saved ones are: {names}.",
    "invoices": "There is no saved invoice mapping named '{name}'; the saved ones are: {names}.",
    "payments": "There is no saved payment mapping named '{name}'; the saved ones are: {names}.",
}
_NONE_SAVED = {
    "clients": "There is no saved client mapping named '{name}'; none has been saved yet.",
    "invoices": "There is no saved invoice mapping named '{name}'; none has been saved yet.",
    "payments": "There is no saved payment mapping named '{name}'; none has been saved yet.",
}
_UNKNOWN_SOURCE = {
    "clients": "'{value}' is neither a source CreditDesk knows nor a saved client mapping; "
    "choose one of: {choices}.",
    "invoices": "'{value}' is neither a source CreditDesk knows nor a saved invoice mapping; "
    "choose one of: {choices}.",
    "payments": "'{value}' is neither a source CreditDesk knows nor a saved payment mapping; "
    "choose one of: {choices}.",
}


@dataclass(frozen=True)
class SavedMapping:
    """A mapping as saved: for one kind of import, with the formats chosen for its columns."""

    kind: str
    mapping: ColumnMapping
    date_orders: Mapping[str, DateOrder] = field(default_factory=dict)
    number_formats: Mapping[str, NumberFormat] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.mapping.name

    def choices(self, given: FormatChoices) -> FormatChoices:
        """The saved formats under what the user chose now: a format given for every column outvotes them."""
        dates = {} if given.every_date is not None else dict(self.date_orders)
        numbers = {} if given.every_amount is not None else dict(self.number_formats)
        dates.update(given.date_orders)
        numbers.update(given.number_formats)
        return replace(given, date_orders=dates, number_formats=numbers)


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError(f"'{kind}' is not a kind of import; choose one of {', '.join(KINDS)}.")
    return kind


def _rows(session: Session, kind: str) -> list[ImportMappingRow]:
    query = select(ImportMappingRow).where(ImportMappingRow.kind == kind).order_by(ImportMappingRow.name)
    return list(session.scalars(query))


def _named(rows: Sequence[ImportMappingRow], name: str) -> ImportMappingRow | None:
    wanted = name.strip().casefold()
    return next((row for row in rows if row.name.casefold() == wanted), None)


def save_mapping(db: Database, saved: SavedMapping, *, replace_saved: bool = False) -> None:
    """Save ``saved`` under its name; a name this kind already uses is refused unless ``replace_saved``."""
    kind = _check_kind(saved.kind)
    name = check_text(saved.name, field="the mapping's name", required=True, max_length=NAME_LENGTH)
    if not saved.mapping.columns:
        raise ValidationError("A mapping needs at least one column; map the columns before saving it.")
    allowed = _FIELDS_OF.get(kind)
    if allowed is not None:
        stray = [target.value for target in saved.mapping.columns if target not in allowed]
        if stray:
            raise ValidationError(f"These fields are not part of this kind of import: {', '.join(stray)}.")
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        row = _named(_rows(session, kind), name)
        if row is not None and not replace_saved:
            raise ValidationError(_TAKEN[kind].format(name=name))
        if row is None:
            row = ImportMappingRow(kind=kind)
            session.add(row)
        row.name = name
        row.columns = json.dumps(
            {f.value: column for f, column in saved.mapping.columns.items()}, sort_keys=True
        )
        row.statuses = json.dumps(dict(saved.mapping.statuses), sort_keys=True, ensure_ascii=False)
        row.date_formats = json.dumps({column: order.value for column, order in saved.date_orders.items()})
        row.number_formats = json.dumps(
            {column: [number.decimal, number.group] for column, number in saved.number_formats.items()},
            ensure_ascii=False,
        )
        uow.commit()


def saved_mappings(db: Database, kind: str | None = None) -> list[SavedMapping]:
    """Every saved mapping (of ``kind`` only, if given), by kind and then by name."""
    kinds = KINDS if kind is None else (_check_kind(kind),)
    with UnitOfWork(db) as uow:
        return [_saved(row) for each in kinds for row in _rows(uow.session, each)]


def load_mapping(db: Database, kind: str, name: str) -> SavedMapping:
    with UnitOfWork(db) as uow:
        rows = _rows(uow.session, _check_kind(kind))
        row = _named(rows, name)
        if row is None:
            raise NotFoundError(_not_found(kind, name, [r.name for r in rows]))
        return _saved(row)


def delete_mapping(db: Database, kind: str, name: str) -> str:
    """Delete the saved mapping; returns its name as it was saved."""
    with UnitOfWork(db, write=True) as uow:
        rows = _rows(uow.session, _check_kind(kind))
        row = _named(rows, name)
        if row is None:
            raise NotFoundError(_not_found(kind, name, [r.name for r in rows]))
        uow.session.delete(row)
        uow.commit()
        return row.name


def source_for(db: Database, kind: str, value: str, presets: Sequence[str]) -> str | SavedMapping:
    """What ``--source VALUE`` names for an import of ``kind``: "auto", a preset's key, or a saved mapping.

    ``presets`` are the keys the kind's reader knows. A value that is neither
    is a ``ValidationError`` listing every choice.
    """
    text = value.strip()
    if text == "auto" or text in presets:
        return text
    names = [saved.name for saved in saved_mappings(db, kind)]
    found = _named_text(names, text)
    if found is not None:
        return load_mapping(db, kind, found)
    choices = ", ".join(("auto", *presets, *names))
    raise ValidationError(_UNKNOWN_SOURCE[kind].format(value=text, choices=choices))


def payment_source(db: Database, value: str, presets: Sequence[str]) -> str | ColumnMapping:
    """For the payments import: a preset's key, or a saved mapping's columns (formats: ``source_for``)."""
    found = source_for(db, "payments", value, presets)
    return found if isinstance(found, str) else found.mapping


def _named_text(names: Sequence[str], wanted: str) -> str | None:
    return next((name for name in names if name.casefold() == wanted.casefold()), None)


def _not_found(kind: str, name: str, names: Sequence[str]) -> str:
    if not names:
        return _NONE_SAVED[kind].format(name=name)
    return _MISSING[kind].format(name=name, names=", ".join(names))


def _saved(row: ImportMappingRow) -> SavedMapping:
    try:
        columns = {Field(key): str(column) for key, column in json.loads(row.columns).items()}
        statuses = {str(word): str(status) for word, status in json.loads(row.statuses or "{}").items()}
        dates = {
            str(column): DateOrder(order) for column, order in json.loads(row.date_formats or "{}").items()
        }
        numbers = {
            str(column): NumberFormat(str(decimal), str(group))
            for column, (decimal, group) in json.loads(row.number_formats or "{}").items()
        }
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValidationError(
            f"The saved mapping '{row.name}' cannot be read ({exc}); delete it and save the mapping again."
        ) from exc
    return SavedMapping(row.kind, ColumnMapping(row.name, columns, statuses), dates, numbers)
