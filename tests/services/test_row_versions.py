"""Two people editing one record: the later save over a stale form is refused, and nothing is lost."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from creditdesk.domain.errors import ChangedElsewhere
from creditdesk.domain.invoice import InvoiceLine, InvoiceStatus
from creditdesk.services.clients.records import ClientInput, add_client, client_form, update_client
from creditdesk.services.ledger.credit_control import set_credit_limit
from creditdesk.services.ledger.invoice_list import invoice_detail
from creditdesk.services.ledger.invoices import InvoiceInput, save_invoice
from creditdesk.store.database import Database

DAY = date(2026, 12, 7)
EDIT_ELSEWHERE = """
import sys
from dataclasses import replace
from creditdesk.services.clients.records import client_form, update_client
from creditdesk.store.database import open_database
db = open_database(sys.argv[1])
form = client_form(db, int(sys.argv[2]))
update_client(db, int(sys.argv[2]), replace(form, phone="+44 20 7946 0000"))
db.close()
"""


@pytest.fixture
def client_id(db: Database) -> int:
    return add_client(db, ClientInput(code="ACME", name="Acme Ltd", email="ap@acme.example"))


def test_a_form_read_before_another_save_is_refused_and_the_other_save_kept(
    db: Database, client_id: int
) -> None:
    mine, theirs = client_form(db, client_id), client_form(db, client_id)
    update_client(db, client_id, replace(theirs, email="accounts@acme.example"))
    with pytest.raises(ChangedElsewhere, match="Acme Ltd was changed by someone else since you opened it"):
        update_client(db, client_id, replace(mine, phone="01234 567890"))
    now = client_form(db, client_id)
    assert (now.email, now.phone) == ("accounts@acme.example", "")
    update_client(db, client_id, replace(now, phone="01234 567890"))  # read again: saved
    assert client_form(db, client_id).phone == "01234 567890"


def test_a_change_made_by_another_action_counts_too(db: Database, client_id: int) -> None:
    form = client_form(db, client_id)
    set_credit_limit(db, client_id, D("5000"))
    with pytest.raises(ChangedElsewhere):
        update_client(db, client_id, replace(form, notes="pays on Fridays"))
    assert client_form(db, client_id).credit_limit == D("5000"), "the limit set meanwhile is not lost"


def test_an_edit_by_another_process_is_noticed(db: Database, client_id: int) -> None:
    form = client_form(db, client_id)
    subprocess.run([sys.executable, "-c", EDIT_ELSEWHERE, db.shown, str(client_id)], check=True, timeout=60)
    with pytest.raises(ChangedElsewhere):
        update_client(db, client_id, replace(form, name="Acme Holdings Ltd"))
    assert client_form(db, client_id).name == "Acme Ltd"


def test_a_stale_draft_is_not_saved_over_a_newer_one(db: Database, client_id: int) -> None:
    lines = [InvoiceLine("Design", D(1), D("100.00"))]
    draft = InvoiceInput(client_id, DAY, lines, status=InvoiceStatus.DRAFT)
    draft_id = save_invoice(db, draft)
    read = invoice_detail(db, draft_id, DAY)
    save_invoice(db, replace(draft, reference="PO 77", version=read.version), draft_id)
    with pytest.raises(ChangedElsewhere, match="was changed by someone else"):
        save_invoice(db, replace(draft, notes="thanks", version=read.version), draft_id)
    after = invoice_detail(db, draft_id, DAY)
    assert (after.reference, after.notes) == ("PO 77", "")
    assert after.version == read.version + 1
