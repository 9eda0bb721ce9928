"""Readers for the books a business already keeps elsewhere ("books in").

Accounting exports and spreadsheets of any locale are read into checked,
line-numbered records: a table from a CSV or ``.xlsx`` file (``tables``), the
report around it (``layout``), numbers and dates in the file's own formats
(``numbers``, ``dates``, ``formats``), and one record per invoice from a known
source or the user's own mapping (``sources``, ``invoices``). A bank's
statement file (CAMT, OFX, MT940 or a CSV export) is read into the plain
values of ``domain.bank`` (``bank``). Nothing here writes: the import services
decide what to do with the records, and every problem comes back as a value
naming its line and field (or XML element).
"""
