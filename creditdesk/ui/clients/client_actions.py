"""The actions on one client that the Clients tab (and other tabs) offer."""

from __future__ import annotations

WORKFLOW_ACTIONS = {
    "log_call": "Log call or conversation…",
    "promise": "Promise to pay…",
    "plan": "Payment plan…",
    "credit": "Credit limit and hold…",
    "hand_over": "Hand over to collections…",
}
