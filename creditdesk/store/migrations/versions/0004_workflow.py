"""workflow: conversations, promises, disputes, payment plans, interest, hand-over

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 01:14:13.045301
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # New columns are nullable or carry a server default, so existing rows need no data step:
    # every company starts with no late-payment interest and no client is handed over.
    op.create_table('base_rate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('rate', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_base_rate')),
    sa.UniqueConstraint('effective_from', name=op.f('uq_base_rate_effective_from'))
    )
    op.create_table('conversation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('follow_up_done', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('call', 'email', 'meeting', 'note')", name=op.f('ck_conversation_kind_known')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_conversation_client_id_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation'))
    )
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_client_id'), ['client_id'], unique=False)
        batch_op.create_index('ix_conversation_follow_up', ['follow_up_on', 'follow_up_done'], unique=False)

    op.create_table('payment_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('first_date', sa.Date(), nullable=False),
    sa.Column('frequency', sa.String(length=12), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.CheckConstraint("frequency IN ('weekly', 'fortnightly', 'monthly')", name=op.f('ck_payment_plan_frequency_known')),
    sa.CheckConstraint('grace_days >= 0', name=op.f('ck_payment_plan_grace_not_negative')),
    sa.CheckConstraint('total > 0', name=op.f('ck_payment_plan_total_positive')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_payment_plan_client_id_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_plan'))
    )
    with op.batch_alter_table('payment_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_plan_client_id'), ['client_id'], unique=False)

    op.create_table('promise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('promised_date', sa.Date(), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_promise_amount_positive')),
    sa.CheckConstraint('promised_date >= made_on', name=op.f('ck_promise_not_before_made')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_promise_client_id_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promise'))
    )
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promise_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_promise_promised_date'), ['promised_date'], unique=False)

    op.create_table('conversation_invoice',
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversation.id'], name=op.f('fk_conversation_invoice_conversation_id_conversation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_conversation_invoice_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('conversation_id', 'invoice_id', name=op.f('pk_conversation_invoice'))
    )
    op.create_table('interest_charge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('charged_by_id', sa.Integer(), nullable=False),
    sa.Column('through', sa.Date(), nullable=False),
    sa.Column('interest', sa.Integer(), nullable=False),
    sa.Column('compensation', sa.Integer(), nullable=False),
    sa.CheckConstraint('interest >= 0 AND compensation >= 0', name=op.f('ck_interest_charge_amounts_not_negative')),
    sa.ForeignKeyConstraint(['charged_by_id'], ['invoice.id'], name=op.f('fk_interest_charge_charged_by_id_invoice')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_interest_charge_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interest_charge'))
    )
    with op.batch_alter_table('interest_charge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interest_charge_charged_by_id'), ['charged_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interest_charge_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('payment_plan_invoice',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_payment_plan_invoice_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['plan_id'], ['payment_plan.id'], name=op.f('fk_payment_plan_invoice_plan_id_payment_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'invoice_id', name=op.f('pk_payment_plan_invoice'))
    )
    with op.batch_alter_table('payment_plan_invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_plan_invoice_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('plan_instalment',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_plan_instalment_amount_positive')),
    sa.ForeignKeyConstraint(['plan_id'], ['payment_plan.id'], name=op.f('fk_plan_instalment_plan_id_payment_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'number', name=op.f('pk_plan_instalment'))
    )
    op.create_table('promise_invoice',
    sa.Column('promise_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_promise_invoice_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['promise_id'], ['promise.id'], name=op.f('fk_promise_invoice_promise_id_promise'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('promise_id', 'invoice_id', name=op.f('pk_promise_invoice'))
    )
    with op.batch_alter_table('promise_invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promise_invoice_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('dispute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('resolution_notes', sa.Text(), nullable=False),
    sa.Column('credit_note_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('credit_note', 'in_our_favour', 'partial_credit')", name=op.f('ck_dispute_outcome_known')),
    sa.CheckConstraint("reason IN ('price', 'quality', 'not_received', 'wrong_po', 'other')", name=op.f('ck_dispute_reason_known')),
    sa.CheckConstraint('(resolved_on IS NULL) = (outcome IS NULL)', name=op.f('ck_dispute_resolution_complete')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_dispute_client_id_client')),
    sa.ForeignKeyConstraint(['credit_note_id'], ['credit_note.id'], name=op.f('fk_dispute_credit_note_id_credit_note')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_dispute_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute'))
    )
    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispute_invoice_id'), ['invoice_id'], unique=False)

    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interest_kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('interest_rate', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('handed_over_on', sa.Date(), nullable=True))

    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interest_kind', sa.String(length=20), server_default='none', nullable=False))
        batch_op.add_column(sa.Column('interest_rate', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_column('interest_rate')
        batch_op.drop_column('interest_kind')

    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_column('handed_over_on')
        batch_op.drop_column('interest_rate')
        batch_op.drop_column('interest_kind')

    with op.batch_alter_table('dispute', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_dispute_client_id'))

    op.drop_table('dispute')
    with op.batch_alter_table('promise_invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promise_invoice_invoice_id'))

    op.drop_table('promise_invoice')
    op.drop_table('plan_instalment')
    with op.batch_alter_table('payment_plan_invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_plan_invoice_invoice_id'))

    op.drop_table('payment_plan_invoice')
    with op.batch_alter_table('interest_charge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interest_charge_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_interest_charge_charged_by_id'))

    op.drop_table('interest_charge')
    op.drop_table('conversation_invoice')
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promise_promised_date'))
        batch_op.drop_index(batch_op.f('ix_promise_client_id'))

    op.drop_table('promise')
    with op.batch_alter_table('payment_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_plan_client_id'))

    op.drop_table('payment_plan')
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_follow_up')
        batch_op.drop_index(batch_op.f('ix_conversation_client_id'))

    op.drop_table('conversation')
    op.drop_table('base_rate')
