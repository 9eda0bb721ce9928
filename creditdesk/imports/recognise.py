"""Opening a file and finding which source wrote it: the steps every reader shares.

The table is opened (encoding, delimiter, ``.xlsx``), the report around it set
aside, and the header matched against the reader's presets or the user's own
mapping. When nothing matches, the problem names the file's columns and what
was looked for, so the user can choose another source or map the columns.
The row helpers read the cells every record has in common: the mapped cells
as text, and the client the row names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from creditdesk.domain.errors import ValidationError
from creditdesk.domain.validation import check_email
from creditdesk.imports.dates import DateOrder
from creditdesk.imports.formats import FormatChoices
from creditdesk.imports.layout import DataRow, Report, read_report
from creditdesk.imports.mapping import ColumnMapping, Field
from creditdesk.imports.presets import Preset, closest, detect, from_mapping
from creditdesk.imports.problems import Problem
from creditdesk.imports.records import ClientRef
from creditdesk.imports.tables import Cell, TableFile, open_table

# CreditDesk's exports prefix a text cell that a spreadsheet would run as a formula with ``'``.
GUARDED = ("'=", "'+", "'-", "'@", "'\t", "'\r")


@dataclass(frozen=True)
class Recognised:
    """The file's table, its report layout, the preset that recognised its header and where each field is."""

    table: TableFile
    report: Report
    preset: Preset
    where: dict[Field, int]

    @property
    def names(self) -> dict[Field, str]:
        """Each field read and the name of the file's column it comes from."""
        return {target: self.report.header[index] for target, index in self.where.items()}


def source_keys(presets: Sequence[Preset]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(preset.key for preset in presets))


def recognise(
    path: Path,
    source: str | ColumnMapping,
    presets: Sequence[Preset],
    choices: FormatChoices,
    sheet: str | None = None,
) -> Recognised | Problem:
    """Open ``path`` and find its header among ``presets`` (or by the user's mapping)."""
    keys = source_keys(presets)
    if isinstance(source, str) and source != "auto" and source not in keys:
        known = ", ".join(("auto", *keys))
        return Problem(
            0, f"'{source}' is not a source CreditDesk knows; choose one of {known} or map the columns"
        )
    table = open_table(path, sheet=sheet)
    if isinstance(table, Problem):
        return table
    order = DateOrder.for_locale(choices.locale) if choices.locale else None
    preset_of: dict[tuple[str, ...], tuple[Preset, dict[Field, int]] | None] = {}

    def recognised(cells: Sequence[Cell]) -> bool:
        header = tuple(str(cell) for cell in cells)
        if header not in preset_of:
            preset_of[header] = _resolve(header, source, presets)
        return preset_of[header] is not None

    report = read_report(table.rows(), is_header=recognised, date_order=order)
    if isinstance(report, Problem):
        return _unrecognised(table, source, order, presets)
    found = preset_of[report.header]
    assert found is not None
    preset, where = found
    return Recognised(table, report, preset, where)


def _resolve(
    header: tuple[str, ...], source: str | ColumnMapping, presets: Sequence[Preset]
) -> tuple[Preset, dict[Field, int]] | None:
    if isinstance(source, ColumnMapping):
        preset = from_mapping(source)
        where = preset.resolve(header)
        return None if where is None else (preset, where)
    return detect(header, source, presets)


def _unrecognised(
    table: TableFile, source: str | ColumnMapping, order: DateOrder | None, presets: Sequence[Preset]
) -> Problem:
    """Why no header matched: name what the file's header row has and what was looked for."""
    plain = read_report(table.rows(), date_order=order)
    if isinstance(plain, Problem):
        return plain
    columns = ", ".join(f"'{name}'" for name in plain.header if name)
    line = plain.header_line
    if isinstance(source, ColumnMapping):
        missing = ", ".join(f"'{name}'" for name in source.missing(plain.header))
        return Problem(
            line,
            f"the file has no column {missing} of the mapping '{source.name}'; its columns are {columns}",
        )
    near = closest(plain.header, source, presets)
    if near is not None:
        preset, lacking = near
        return Problem(line, f"the columns are those of {preset.label}, but it lacks {' and '.join(lacking)}")
    if source != "auto":
        labels = " or ".join(preset.label for preset in presets if preset.key == source)
        return Problem(
            line, f"these columns are not those of {labels}: {columns}; choose another source or map them"
        )
    return Problem(
        line,
        f"CreditDesk does not recognise the source of these columns: {columns}; "
        "map each column to a CreditDesk field",
    )


def row_texts(
    row: DataRow, where: dict[Field, int], unguard: bool
) -> tuple[dict[Field, Cell], dict[Field, str]]:
    """The row's mapped cells, and the same as text (a formula guard undone), picked once per row."""
    cells, width = row.cells, len(row.cells)
    picked = {f: cells[i] for f, i in where.items() if i < width}
    texts = {f: cell if cell.__class__ is str else f"{cell}" for f, cell in picked.items()}
    if unguard:
        texts = {f: text[1:] if text.startswith(GUARDED) else text for f, text in texts.items()}
    return picked, texts


def header_of(path: Path, sheet: str | None = None) -> tuple[str, ...]:
    """The file's header row as it stands, for mapping a file no preset recognised; () if unreadable."""
    table = open_table(path, sheet=sheet)
    if isinstance(table, Problem):
        return ()
    plain = read_report(table.rows())
    return () if isinstance(plain, Problem) else tuple(name for name in plain.header if name)


def client_named(
    texts: dict[Field, str],
    group: str | None,
    preset: Preset,
    where: dict[Field, int],
    empty: str,
    *,
    by_email: bool = False,
) -> ClientRef | tuple[Field, str]:
    """The client the row names, or the field at fault and why (``empty``: what to say when none is named).

    ``by_email``: an e-mail alone names the client (a payment's client must be known
    already; a new invoice's may be added, and that needs its name or code).
    """
    name = texts.get(Field.CLIENT_NAME, "") or None
    if name is None and preset.groups_are_clients:
        name = group
    code = texts.get(Field.CLIENT_CODE, "") or None
    email = texts.get(Field.CLIENT_EMAIL, "") or None
    if email is not None:
        try:
            email = check_email(email) or None
        except ValidationError as exc:
            return Field.CLIENT_EMAIL, exc.message
    if name is None and code is None and (email is None or not by_email):
        if by_email:
            named_by = (Field.CLIENT_NAME, Field.CLIENT_CODE, Field.CLIENT_EMAIL)
            return next((f for f in named_by if f in where), Field.CLIENT_NAME), empty
        return (Field.CLIENT_NAME if Field.CLIENT_NAME in where else Field.CLIENT_CODE), empty
    return ClientRef(name, code, email)
