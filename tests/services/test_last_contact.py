"""Every conversation the user logs counts as the client's last contact."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from creditdesk.services.clients.conversations import ConversationInput, ConversationKind, log_conversation
from creditdesk.services.clients.overview import client_rows
from creditdesk.services.clients.records import ClientInput, add_client
from creditdesk.store.database import Database


@pytest.mark.parametrize("kind", list(ConversationKind))
def test_a_logged_conversation_is_the_last_contact(db: Database, kind: ConversationKind) -> None:
    client_id = add_client(db, ClientInput("ACME", "Acme Ltd"))
    log_conversation(db, ConversationInput(client_id, kind, datetime(2026, 11, 20, 15, 0), outcome="Spoke"))
    (row,) = [r for r in client_rows(db, date(2026, 11, 22)) if r.id == client_id]
    assert row.last_contact == date(2026, 11, 20)
