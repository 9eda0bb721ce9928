"""What a person may do with a message in the outbox, in each status, written once.

A message moves draft → approved → sending → sent, or to failed (the server
refused it) or cancelled. ``MOVES`` holds the person's moves: for each status,
the actions it allows and the status each leaves the message in. Sending
itself (approved → sending → sent or failed) is the sending service's and is
not here. The outbox service refuses what the table does not allow, and the
Outbox tab and message dialog offer only what it allows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import StrEnum
from types import MappingProxyType

from creditdesk.domain.chasing import Channel


class ReminderStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OutboxAction(StrEnum):
    EDIT = "edit"  # change recipient, subject or text; the status stays
    APPROVE = "approve"  # to go with the next send
    CANCEL = "cancel"  # never goes out; its stage counts as done
    RETRY = "retry"  # a failed message back as approved
    MARK_DONE = "mark_done"  # a letter posted or a call made, by hand


_S, _A = ReminderStatus, OutboxAction

MOVES: Mapping[ReminderStatus, Mapping[OutboxAction, ReminderStatus]] = MappingProxyType(
    {
        _S.DRAFT: MappingProxyType(
            {_A.EDIT: _S.DRAFT, _A.APPROVE: _S.APPROVED, _A.CANCEL: _S.CANCELLED, _A.MARK_DONE: _S.SENT}
        ),
        _S.APPROVED: MappingProxyType(
            # Approving again changes nothing, so a selection of drafts and approved ones can be approved.
            {_A.EDIT: _S.APPROVED, _A.APPROVE: _S.APPROVED, _A.CANCEL: _S.CANCELLED, _A.MARK_DONE: _S.SENT}
        ),
        _S.SENDING: MappingProxyType({}),  # in the hands of the sending run
        _S.SENT: MappingProxyType({}),
        _S.FAILED: MappingProxyType({_A.EDIT: _S.FAILED, _A.CANCEL: _S.CANCELLED, _A.RETRY: _S.APPROVED}),
        _S.CANCELLED: MappingProxyType({_A.CANCEL: _S.CANCELLED}),  # cancelling again changes nothing
    }
)

# The channels a person carries out by hand and marks done; an email is sent instead.
BY_HAND = frozenset({Channel.LETTER, Channel.PHONE})


def allowed_actions(status: ReminderStatus) -> frozenset[OutboxAction]:
    return frozenset(MOVES[status])


def next_status(status: ReminderStatus, action: OutboxAction) -> ReminderStatus:
    """Where ``action`` leaves a message in ``status``; a ``KeyError`` when it is not allowed."""
    return MOVES[status][action]


def moves(status: ReminderStatus, action: OutboxAction) -> bool:
    """Whether ``action`` is allowed in ``status`` and changes it (approving an approved one does not)."""
    return action in MOVES[status] and MOVES[status][action] is not status


def statuses_allowing(action: OutboxAction) -> frozenset[ReminderStatus]:
    return frozenset(status for status, allowed in MOVES.items() if action in allowed)


def statuses_moved_by(action: OutboxAction) -> frozenset[ReminderStatus]:
    return frozenset(status for status in MOVES if moves(status, action))


def offered(action: OutboxAction, statuses: Collection[ReminderStatus]) -> bool:
    """Whether to offer ``action`` for a selection of messages in ``statuses``.

    Only when every one allows it (the service refuses the whole selection
    otherwise) and it changes at least one of them.
    """
    return (
        bool(statuses)
        and all(action in MOVES[status] for status in statuses)
        and any(moves(status, action) for status in statuses)
    )
