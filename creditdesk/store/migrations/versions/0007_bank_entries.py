"""bank entries: credits read from bank statements, what they pay, and payers the user assigned

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # New tables only: existing books have no bank entries yet.
    op.create_table('bank_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=34), nullable=False),
    sa.Column('bank_reference', sa.String(length=140), nullable=False),
    sa.Column('booked', sa.Date(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('payer_name', sa.String(length=140), nullable=False),
    sa.Column('payer_iban', sa.String(length=34), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('creditor_reference', sa.String(length=35), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('statement', sa.String(length=260), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_bank_entry_amount_positive')),
    sa.CheckConstraint("status IN ('applied', 'suggested', 'unmatched', 'linked', 'ignored')", name=op.f('ck_bank_entry_status_known')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_bank_entry_client_id_client')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_bank_entry_payment_id_payment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_entry')),
    sa.UniqueConstraint('account', 'bank_reference', name='uq_bank_entry_account_reference')
    )
    with op.batch_alter_table('bank_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_entry_booked'), ['booked'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_entry_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_entry_payment_id'), ['payment_id'], unique=False)
        batch_op.create_index('ix_bank_entry_status', ['status'], unique=False)

    op.create_table('bank_entry_invoice',
    sa.Column('bank_entry_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_bank_entry_invoice_amount_positive')),
    sa.ForeignKeyConstraint(['bank_entry_id'], ['bank_entry.id'], name=op.f('fk_bank_entry_invoice_bank_entry_id_bank_entry')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_bank_entry_invoice_invoice_id_invoice')),
    sa.PrimaryKeyConstraint('bank_entry_id', 'invoice_id', name=op.f('pk_bank_entry_invoice'))
    )
    op.create_table('known_payer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('name_key', sa.String(length=140), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_known_payer_client_id_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_known_payer')),
    sa.UniqueConstraint('iban', 'name_key', name='uq_known_payer_iban_name')
    )
    with op.batch_alter_table('known_payer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_known_payer_client_id'), ['client_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('known_payer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_known_payer_client_id'))
    op.drop_table('known_payer')
    op.drop_table('bank_entry_invoice')
    with op.batch_alter_table('bank_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_bank_entry_status')
        batch_op.drop_index(batch_op.f('ix_bank_entry_payment_id'))
        batch_op.drop_index(batch_op.f('ix_bank_entry_client_id'))
        batch_op.drop_index(batch_op.f('ix_bank_entry_booked'))
    op.drop_table('bank_entry')
