"""A table from a file: CSV of any usual encoding and delimiter, or a sheet of an ``.xlsx`` workbook.

Rows are streamed, never the whole file held as text, and each carries the
physical line it starts on (a sheet's row number), so a problem found later
can point at the line to fix. Opening a file that cannot be read gives a
``Problem`` saying what to do instead of raising. The caller refuses the open
company file before calling: reading it here would drop this process's locks.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from creditdesk.imports.problems import Problem

Cell = str | Decimal | date  # text from CSV; a spreadsheet's numbers and dates as they are typed
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}
_SAMPLE_CHARS = 64 * 1024
_CHUNK_BYTES = 1 << 20
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the OLE2 container of Excel 97-2003 files
_SQLITE_MAGIC = b"SQLite format 3\x00"
# Bytes Windows-1252 leaves undefined: a file with them is not text in that encoding either.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


class Row(NamedTuple):
    """One non-blank row: where it starts and its cells, text stripped."""

    line: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Encoding:
    codec: str  # what Python decodes it with
    label: str  # what the user is shown: "UTF-8 with BOM", "Windows-1252"


UTF8 = Encoding("utf-8", "UTF-8")
UTF8_BOM = Encoding("utf-8-sig", "UTF-8 with BOM")
UTF16_LE = Encoding("utf-16", "UTF-16 LE")
UTF16_BE = Encoding("utf-16", "UTF-16 BE")
UTF16_LE_NO_BOM = Encoding("utf-16-le", "UTF-16 LE without BOM")
UTF16_BE_NO_BOM = Encoding("utf-16-be", "UTF-16 BE without BOM")
WINDOWS_1252 = Encoding("cp1252", "Windows-1252")


@dataclass(frozen=True)
class TableFile:
    """A readable table; ``rows()`` streams it from the start each time it is called."""

    path: Path
    kind: str  # "csv" or "xlsx"
    encoding: Encoding | None = None  # CSV only
    delimiter: str | None = None  # CSV only
    sheet: str | None = None  # xlsx only: the sheet read

    def describe(self) -> str:
        """What was detected, for the user to check: "CSV, UTF-16 LE, separated by tabs"."""
        if self.kind == "xlsx":
            return f"Excel workbook, sheet '{self.sheet}'"
        assert self.encoding is not None and self.delimiter is not None
        return f"CSV, {self.encoding.label}, separated by {_DELIMITER_NAMES[self.delimiter]}"

    def rows(self) -> Iterator[Row | Problem]:
        """Non-blank rows in file order; a damaged place in the file ends it with a ``Problem``."""
        if self.kind == "xlsx":
            return _xlsx_rows(self.path, self.sheet)
        assert self.encoding is not None and self.delimiter is not None
        return _csv_rows(self.path, self.encoding, self.delimiter)


def open_table(path: Path, *, sheet: str | None = None, delimiter: str | None = None) -> TableFile | Problem:
    """Detect what the file is and how to read it; ``sheet`` and ``delimiter`` override what is detected."""
    try:
        with path.open("rb") as stream:
            head = stream.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return Problem(0, f"there is no file at {path}; check the name and the folder")
    except IsADirectoryError:
        return Problem(0, f"{path} is a folder; choose a CSV or Excel (.xlsx) file inside it")
    except OSError as exc:
        return Problem(0, f"{path} cannot be read ({exc.strerror or exc}); check that you may open it")
    if head.startswith(_XLS_MAGIC):
        return Problem(
            0,
            f"{path.name} is an Excel 97-2003 workbook (.xls), which CreditDesk cannot read; "
            "open it in Excel and save it as an Excel workbook (.xlsx) or as CSV, then choose that file",
        )
    if head.startswith(_SQLITE_MAGIC):
        return Problem(
            0, f"{path.name} is a CreditDesk company file, not a table to import; choose the export"
        )
    if head.startswith(_XLSX_MAGIC):
        return _open_xlsx(path, sheet)
    if delimiter is not None and delimiter not in DELIMITERS:
        return Problem(0, "the delimiter must be a comma, a semicolon or a tab")
    found = detect_encoding(path)
    if isinstance(found, Problem):
        return found
    return TableFile(path, "csv", found, delimiter or _detect_delimiter(path, found))


# --- CSV ---------------------------------------------------------------------------------------------


def detect_encoding(path: Path) -> Encoding | Problem:
    """By the byte-order mark, else UTF-8 if every byte of the file decodes as UTF-8, else Windows-1252.

    The whole file is checked in chunks (a late accented name decides it too),
    without being held in memory.
    """
    with path.open("rb") as stream:
        first = stream.read(_CHUNK_BYTES)
        if first.startswith(codecs.BOM_UTF8):
            return UTF8_BOM
        if first.startswith(codecs.BOM_UTF16_LE):
            return UTF16_LE
        if first.startswith(codecs.BOM_UTF16_BE):
            return UTF16_BE
        no_bom = _utf16_without_bom(first)
        if no_bom is not None:
            return no_bom
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk = first
        utf8 = True
        undefined = False
        while chunk:
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if not utf8 and not undefined:
                undefined = not _CP1252_UNDEFINED.isdisjoint(chunk)
            chunk = stream.read(_CHUNK_BYTES)
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        return UTF8
    if undefined:
        return Problem(
            0,
            f"{path.name} is not text in any encoding CreditDesk knows (UTF-8, UTF-16 or Windows-1252); "
            "save it from your spreadsheet as CSV UTF-8 or as an Excel workbook (.xlsx)",
        )
    return WINDOWS_1252


def _utf16_without_bom(data: bytes) -> Encoding | None:
    """Text of mostly ASCII in UTF-16 has a zero in every other byte; no BOM says which half."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > len(odd) * 0.6 and even.count(0) == 0:
        return UTF16_LE_NO_BOM
    if even.count(0) > len(even) * 0.6 and odd.count(0) == 0:
        return UTF16_BE_NO_BOM
    return None


def _text(path: Path, encoding: Encoding) -> io.TextIOWrapper:
    return io.TextIOWrapper(path.open("rb"), encoding=encoding.codec, newline="")


def _detect_delimiter(path: Path, encoding: Encoding) -> str:
    """The candidate that splits most of the first rows into the same number of fields, quotes respected.

    Title rows of a report have one field whichever is tried, so they do not
    count; a file of one column stays comma-separated.
    """
    with _text(path, encoding) as stream:
        sample = stream.read(_SAMPLE_CHARS)
    if len(sample) == _SAMPLE_CHARS:  # a row cut in half would count against every candidate
        sample = sample[: max(sample.rfind("\n"), 0)]
    best, best_score = ",", 0
    for candidate in DELIMITERS:
        widths: dict[int, int] = {}
        for fields in csv.reader(io.StringIO(sample, newline=""), delimiter=candidate):
            if len(fields) > 1:
                widths[len(fields)] = widths.get(len(fields), 0) + 1
        if widths:
            width, rows = max(widths.items(), key=lambda item: (item[1], item[0]))
            score = rows * (width - 1)
            if score > best_score:
                best, best_score = candidate, score
    return best


def _csv_rows(path: Path, encoding: Encoding, delimiter: str) -> Iterator[Row | Problem]:
    """Strict parsing, so a stray quote is reported rather than swallowing the lines after it."""
    with _text(path, encoding) as stream:
        reader = csv.reader(stream, delimiter=delimiter, strict=True)
        previous = 0
        while True:
            start = previous + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                message = str(exc)
                if "unexpected end of data" in message:
                    message = "a quote opened on this line is never closed"
                yield Problem(start, f"the file is damaged here ({message}); nothing after it was read")
                return
            except UnicodeDecodeError:
                yield Problem(start, f"this line is not {encoding.label} text; nothing after it was read")
                return
            previous = reader.line_num
            cells = tuple(map(str.strip, fields))
            if any(cells):
                yield Row(start, cells)


# --- Excel -------------------------------------------------------------------------------------------


def _open_xlsx(path: Path, sheet: str | None) -> TableFile | Problem:
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign zip
        return Problem(
            0,
            f"{path.name} cannot be read as an Excel workbook ({type(exc).__name__}); "
            "open it in Excel, save it again as .xlsx or as CSV, and choose that file",
        )
    try:
        names = workbook.sheetnames
    finally:
        workbook.close()
    if sheet is None:
        if not names:
            return Problem(0, f"{path.name} has no sheets; choose the workbook that holds the table")
        sheet = names[0]
    elif sheet not in names:
        listed = ", ".join(f"'{name}'" for name in names)
        return Problem(0, f"{path.name} has no sheet '{sheet}'; its sheets are {listed}")
    return TableFile(path, "xlsx", sheet=sheet)


def _xlsx_cell(value: object) -> Cell:
    """A spreadsheet value as a cell: numbers as the Decimal Excel shows (never a float), dates as dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text that is this float: what Excel displays
    return str(value).strip()


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[Row | Problem]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        # Read-only sheets fill in missing rows, so counting from 1 gives each row's number.
        for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = tuple(_xlsx_cell(value) for value in values)
            if any(cell != "" for cell in cells):
                yield Row(number, cells)
    finally:
        workbook.close()
