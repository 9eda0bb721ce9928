"""Bank matching benchmark: a 10,000-credit statement against the 200,000-invoice demo company.

Run with ``make bench``. It prints the time to read the books' snapshot and
match every credit (a dry run, which writes nothing), against reading the
open invoices alone with one SQL query, and then the whole import into a copy
of the company. It asserts only what the matcher decided, never wall time.
"""

from __future__ import annotations

import random
import shutil
import time
from datetime import timedelta
from decimal import Decimal

from creditdesk.domain.bank import BankStatement, BankTransaction
from creditdesk.domain.matching import Outcome
from creditdesk.domain.money import from_minor
from creditdesk.services.bank.statement_import import import_bank_statement
from creditdesk.services.company.settings import get_company
from creditdesk.store.database import open_database
from creditdesk.store.queries.bank import client_names, open_invoices_for_matching
from tests.bench.conftest import AS_OF, Demo

CREDITS = 10_000
TARGET_S = 2.0


def statement(demo: Demo) -> BankStatement:
    """Credits as a month of a busy account brings them: most name their invoice, some only the payer."""
    rng = random.Random(7)
    currency = get_company(demo.db).currency
    with demo.db.engine.connect() as conn:
        open_items = open_invoices_for_matching(conn)
        names = {client_id: name for client_id, name, _code in client_names(conn)}
    chosen = rng.sample(open_items, CREDITS)
    entries = []
    for n, item in enumerate(chosen):
        amount = from_minor(item.open, 2)
        booked = AS_OF - timedelta(days=n % 28)
        if n % 10 < 6:  # names its invoice and pays it
            text, payer = f"Invoice {item.number}, thank you", names[item.client_id]
        elif n % 10 < 8:  # a part payment
            text, payer, amount = (
                f"part payment {item.number}",
                names[item.client_id],
                (amount / 2).quantize(Decimal("0.01")),
            )
        elif n % 10 < 9:  # only the payer
            text, payer = "December", names[item.client_id]
        else:  # nobody the books know
            text, payer = "transfer", f"Stranger {n}"
        if amount <= 0:
            amount = Decimal("1.00")
        entries.append(BankTransaction(f"BENCH-{n:05d}", booked, amount, currency, payer, "", text))
    return BankStatement("camt.053", "GB29NWBK60161331926819", currency, tuple(entries), statement_date=AS_OF)


def test_matching_a_ten_thousand_credit_statement(demo: Demo, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    bank = statement(demo)
    start = time.perf_counter()
    with demo.db.engine.connect() as conn:
        open_invoices_for_matching(conn)
    floor = time.perf_counter() - start

    start = time.perf_counter()
    dry = import_bank_statement(demo.db, bank, "bench.xml", dry_run=True)
    matched = time.perf_counter() - start
    assert sum(dry.counts.values()) == CREDITS
    assert dry.counts[Outcome.APPLIED] >= CREDITS * 6 // 10, dry.describe()

    copy = tmp_path_factory.mktemp("bank-bench") / "demo.sqlite"
    shutil.copy2(demo.path, copy)
    db = open_database(copy)
    try:
        start = time.perf_counter()
        done = import_bank_statement(db, bank, "bench.xml")
        written = time.perf_counter() - start
    finally:
        db.close()
    assert done.counts == dry.counts

    print(f"\nBank statement of {CREDITS:,} credits against the demo's books:")
    print(f"  open invoices read alone (one query, the floor): {floor:.2f} s")
    print(f"  snapshot + matching, nothing written: {matched:.2f} s = {matched / floor:.1f}x the floor")
    print(f"    (target under {TARGET_S:.0f} s)")
    print(f"  the whole import, payments recorded: {written:.2f} s")
    print(f"  {dry.describe()}")
