"""Readers of the statement files banks hand out: CAMT.053/.054, OFX/QFX, MT940 and CSV exports.

Each turns a file into a ``domain.bank.BankStatement`` of plain values, every
entry named by the bank's own reference (or a stable key derived from it
where the format has none), so that reading a statement twice, or two that
overlap, names each entry the same way. What is wrong with a file is raised
as ``FileRefused`` with the line or XML element and what was expected.
"""

from creditdesk.imports.bank.kinds import FORMATS as FORMATS
from creditdesk.imports.bank.reading import read_bank_file as read_bank_file
from creditdesk.imports.bank.reading import table_header as table_header
