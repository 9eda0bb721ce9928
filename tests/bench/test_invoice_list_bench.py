"""Invoice-list benchmark: the Invoices tab's one load on the 200,000-invoice demo.

Prints ``invoice_table()`` end to end and the store's ``invoice_list_chunks``
alone, against the same SQL fetched through a bare ``sqlite3`` cursor in this
process as the baseline. It asserts only that every invoice is read, never on
wall time.
"""

from __future__ import annotations

import sqlite3

from creditdesk.services.ledger.invoice_list import invoice_table
from creditdesk.store.dialect import SQLITE
from creditdesk.store.queries.ledger import invoice_list_chunks, invoice_list_sql
from creditdesk.store.unit_of_work import UnitOfWork
from tests.bench.conftest import AS_OF, Demo
from tests.bench.test_planning_bench import best


def raw_rows(demo: Demo) -> int:
    with sqlite3.connect(demo.path) as conn:
        cursor = conn.execute(invoice_list_sql(SQLITE), {"as_of": AS_OF.isoformat()})
        count = 0
        while chunk := cursor.fetchmany(2_000):
            count += len(chunk)
    conn.close()
    return count


def store_rows(demo: Demo) -> int:
    with UnitOfWork(demo.db) as uow:
        conn = uow.session.connection()
        return sum(len(chunk.ids) for chunk in invoice_list_chunks(conn, AS_OF))


def test_invoice_list_on_a_large_company(demo: Demo) -> None:
    raw_s, raw_count = best(lambda: raw_rows(demo))
    store_s, store_count = best(lambda: store_rows(demo))
    table_s, table = best(lambda: invoice_table(demo.db, AS_OF))
    assert raw_count == store_count == len(table) == demo.summary.invoices
    print(f"\nInvoice list as of {AS_OF.isoformat()}, {len(table):,} invoices (best of a few runs):")
    print(f"  baseline raw sqlite3 fetch: {raw_s * 1000:.0f} ms")
    print(f"  invoice_list_chunks(): {store_s * 1000:.0f} ms; / raw = {store_s / raw_s:.2f}")
    print(f"  invoice_table(): {table_s * 1000:.0f} ms; / raw = {table_s / raw_s:.2f}")
