"""The one way in: a bank's statement file, in whichever format, read into a ``BankStatement``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from creditdesk.domain.bank import BankStatement
from creditdesk.imports.bank.camt import read_camt
from creditdesk.imports.bank.checks import StatementProblem
from creditdesk.imports.bank.detect import detect_format
from creditdesk.imports.bank.kinds import ACCEPTED, CAMT, CSV, FORMAT_NAMES, MT940, OFX
from creditdesk.imports.bank.mt940 import read_mt940
from creditdesk.imports.bank.ofx import read_ofx
from creditdesk.imports.bank.table import read_bank_csv
from creditdesk.imports.bank.table_presets import BankField
from creditdesk.imports.formats import FormatChoices
from creditdesk.imports.problems import FileRefused, Problem
from creditdesk.imports.recognise import header_of

_HEAD_BYTES = 8192
_LARGEST = 100 * 1024 * 1024  # a year of a busy account in CAMT is a few tens of megabytes
_SQLITE_MAGIC = b"SQLite format 3\x00"


def read_bank_file(
    path: Path,
    format: str | None = None,
    *,
    choices: FormatChoices | None = None,
    columns: Mapping[BankField, str] | None = None,
    currency: str | None = None,
) -> BankStatement:
    """Read ``path`` as ``format`` ("camt", "ofx", "mt940", "csv"), or as the format its content shows.

    Raises ``FileRefused`` naming the line (or the XML element) and what was
    expected. For a CSV export, ``choices`` settles dates and amounts the file
    leaves open, ``columns`` is the user's own mapping, and ``currency`` the
    account's when the file names none. The caller refuses the open company
    file before calling.
    """
    try:
        return _read(path, format, choices or FormatChoices(), columns, currency)
    except StatementProblem as exc:
        raise FileRefused(path.name, exc.problem) from None


def table_header(path: Path) -> tuple[str, ...]:
    """The header row of a table no bank preset recognised, to map by hand; () for XML, MT940 and the like."""
    try:
        with path.open("rb") as file:
            head = file.read(_HEAD_BYTES)
    except OSError:
        return ()
    if head.startswith(_SQLITE_MAGIC) or detect_format(head) is not None:
        return ()
    return header_of(path)


def _read(
    path: Path,
    format: str | None,
    choices: FormatChoices,
    columns: Mapping[BankField, str] | None,
    currency: str | None,
) -> BankStatement:
    chosen = None
    if format is not None:
        chosen = FORMAT_NAMES.get(format.strip().casefold())
        if chosen is None:
            raise StatementProblem(
                Problem(
                    0, f"'{format}' is not a bank format CreditDesk reads; choose camt, ofx, mt940 or csv"
                )
            )
    data = _contents(path)
    found = chosen or detect_format(data[:_HEAD_BYTES])
    if found == CAMT:
        return read_camt(data)
    if found == OFX:
        return read_ofx(data)
    if found == MT940:
        return read_mt940(data)
    if data.startswith(_SQLITE_MAGIC):
        raise StatementProblem(
            Problem(
                0, f"this is a CreditDesk company file, not a bank statement; CreditDesk reads {ACCEPTED}"
            )
        )
    return read_bank_csv(
        path, choices, chosen=found == CSV or columns is not None, columns=columns, currency=currency
    )


def _contents(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > _LARGEST:
            raise StatementProblem(
                Problem(
                    0, "the file is larger than any bank statement (over 100 MB); choose the statement file"
                )
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise StatementProblem(
            Problem(0, f"there is no file at {path}; check the name and the folder")
        ) from None
    except IsADirectoryError:
        raise StatementProblem(
            Problem(0, f"{path} is a folder; choose the statement file inside it")
        ) from None
    except OSError as exc:
        message = f"{path} cannot be read ({exc.strerror or exc}); check that you may open it"
        raise StatementProblem(Problem(0, message)) from None
