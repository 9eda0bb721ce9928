"""Reading CSV files people make in spreadsheets, and writing ones spreadsheets open safely.

Reading keeps each record's physical line number (the header is line 1, a
quoted field spanning lines counts every line), so a refusal can point at the
line to fix. Writing guards text against formula injection and replaces the
target only once the whole file is written.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from creditdesk.domain.errors import ImportRefused, ValidationError
from creditdesk.services.company.output_files import replacing
from creditdesk.store.database import is_open_here

# Cells a spreadsheet would run as a formula (or DDE command) if they began a text cell.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What ``format_plain`` and integer counts produce: left alone, so amounts stay numbers.
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class Record:
    """One data row: where it starts in the file and its cells by (lower-case) column name."""

    line: int
    values: Mapping[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
class Table:
    records: tuple[Record, ...]
    problems: tuple[tuple[int, str], ...]  # (line, message): damage found while reading


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM) first; otherwise Excel's Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "the file is neither UTF-8 nor Windows-1252 text; save it from your spreadsheet as "
            "'CSV UTF-8 (comma delimited)' and try again"
        ) from exc


def read_table(path: Path, required: Sequence[str], optional: Sequence[str] = ()) -> Table:
    """Read a CSV file with a header row into records keyed by the known columns.

    Column names are matched ignoring case and surrounding spaces; other
    columns are ignored. Blank lines (and rows of empty cells) are skipped.
    Cells are stripped, and the formula guard of our own exports removed.
    Raises ``ImportRefused`` when the file as a whole cannot be used: empty,
    no data rows, or required columns missing.
    """
    source = path.name
    if is_open_here(path):  # reading it here would drop this process's locks on the books
        raise ValidationError(f"{path} is a company file, not a CSV file; choose the file to import")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"there is no file at {path}") from None
    except IsADirectoryError:
        raise ValidationError(f"{path} is a folder, not a CSV file") from None
    except OSError as exc:
        raise ValidationError(f"{path} cannot be read: {exc.strerror or exc}") from exc
    problems: list[tuple[int, str]] = []
    header_line = 0
    positions: dict[str, int] = {}
    records: list[Record] = []
    for start, cells, error in _rows(decode(data)):
        if error is not None:
            problems.append((start, error))
            break
        if header_line == 0:
            header_line = start
            positions, faults = _columns(cells, required, optional)
            if faults:
                raise ImportRefused(source, [f"line {start}: {message}" for message in faults])
            continue
        values = {
            column: unguard_cell(cells[i]).strip() if i < len(cells) else ""
            for column, i in positions.items()
        }
        records.append(Record(start, values))
    if header_line == 0 and not problems:
        names = ",".join([*required, *optional])
        raise ImportRefused(source, [f"the file is empty; the first line must name the columns: {names}"])
    if not records and not problems:
        raise ImportRefused(source, [f"line {header_line}: there is a header row but no rows to import"])
    return Table(tuple(records), tuple(problems))


def _columns(
    header: list[str], required: Sequence[str], optional: Sequence[str]
) -> tuple[dict[str, int], list[str]]:
    """Where each known column is, and what is wrong with the header row."""
    names = [cell.strip().lower() for cell in header]
    positions: dict[str, int] = {}
    faults: list[str] = []
    for column in [*required, *optional]:
        found = [i for i, name in enumerate(names) if name == column]
        if len(found) > 1:
            faults.append(f"column '{column}' appears more than once")
        elif found:
            positions[column] = found[0]
        elif column in required:
            faults.append(f"missing column '{column}'")
    separator = next((sep for sep in (";", "\t") if len(header) == 1 and sep in header[0]), None)
    if faults and separator is not None:
        shown = "tabs" if separator == "\t" else f"'{separator}'"
        faults.append(
            f"the columns seem to be separated by {shown}; CreditDesk reads comma-separated files "
            "(in Excel, save as 'CSV UTF-8 (comma delimited)')"
        )
    return positions, faults


def _rows(text: str) -> Iterator[tuple[int, list[str], str | None]]:
    """Non-blank records with the physical line each starts on; a CSV error ends the file.

    Strict parsing, so a stray quote is reported rather than silently swallowing
    the lines after it into one cell.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous = 0
    while True:
        start = previous + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            message = str(exc)
            if "unexpected end of data" in message:
                message = "a quote opened on this line is never closed"
            yield start, [], f"the CSV is malformed here ({message}); nothing after it was read"
            return
        previous = reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, cells, None


def guard_cell(value: str) -> str:
    """Make a text cell inert in a spreadsheet: prefix ``'`` if it could start a formula.

    Plain numbers such as ``-5.00`` are not text and are left as they are.
    """
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def unguard_cell(value: str) -> str:
    """Undo ``guard_cell``, so a file CreditDesk exported imports back unchanged."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def write_csv(
    rows: Iterable[Mapping[str, str]], stream: TextIO, *, fieldnames: Sequence[str] | None = None
) -> int:
    """Write a header and the rows, each cell guarded; return the number of rows.

    The header is ``fieldnames`` or else the first row's keys (with neither,
    nothing is written). Pass a stream opened with ``newline=""``.
    """
    writer = csv.writer(stream)
    names: list[str] | None = list(fieldnames) if fieldnames is not None else None
    if names is not None:
        writer.writerow([guard_cell(n) for n in names])
    count = 0
    for row in rows:
        if names is None:
            names = list(row)
            writer.writerow([guard_cell(n) for n in names])
        writer.writerow([guard_cell(row.get(name, "")) for name in names])
        count += 1
    return count


@contextlib.contextmanager
def replacing_file(path: Path, *, encoding: str = "utf-8-sig") -> Iterator[TextIO]:
    """A text stream whose content replaces ``path`` only if the block completes (see ``output_files``)."""
    with replacing(path) as raw:
        stream = io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            yield stream
            stream.flush()
        finally:
            stream.detach()  # the binary stream is closed by ``replacing``, after its fsync
