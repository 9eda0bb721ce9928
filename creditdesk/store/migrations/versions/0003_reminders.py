"""reminders: chasing schedules, outbox, smtp settings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 00:22:07.990966
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('chase_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('min_gap_days', sa.Integer(), nullable=False),
    sa.Column('min_amount', sa.Integer(), nullable=False),
    sa.CheckConstraint('min_amount >= 0', name=op.f('ck_chase_schedule_min_amount_not_negative')),
    sa.CheckConstraint('min_gap_days >= 0', name=op.f('ck_chase_schedule_min_gap_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chase_schedule')),
    sa.UniqueConstraint('name', name=op.f('uq_chase_schedule_name'))
    )
    op.create_table('smtp_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=253), nullable=False),
    sa.Column('port', sa.Integer(), nullable=False),
    sa.Column('security', sa.String(length=10), nullable=False),
    sa.Column('username', sa.String(length=254), nullable=False),
    sa.Column('from_name', sa.String(length=200), nullable=False),
    sa.Column('from_address', sa.String(length=254), nullable=False),
    sa.Column('reply_to', sa.String(length=254), nullable=False),
    sa.Column('bcc_me', sa.Boolean(), nullable=False),
    sa.CheckConstraint("security IN ('starttls', 'ssl', 'plain')", name=op.f('ck_smtp_settings_security_known')),
    sa.CheckConstraint('id = 1', name=op.f('ck_smtp_settings_single_row')),
    sa.CheckConstraint('port BETWEEN 1 AND 65535', name=op.f('ck_smtp_settings_port_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_smtp_settings'))
    )
    op.create_table('chase_stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attach_invoices', sa.Boolean(), nullable=False),
    sa.Column('attach_statement', sa.Boolean(), nullable=False),
    sa.Column('fee', sa.Integer(), nullable=True),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.CheckConstraint("channel IN ('email', 'letter', 'phone')", name=op.f('ck_chase_stage_channel_known')),
    sa.CheckConstraint('fee IS NULL OR fee >= 0', name=op.f('ck_chase_stage_fee_not_negative')),
    sa.ForeignKeyConstraint(['schedule_id'], ['chase_schedule.id'], name=op.f('fk_chase_stage_schedule_id_chase_schedule'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chase_stage')),
    sa.UniqueConstraint('schedule_id', 'key', name='uq_chase_stage_schedule_key'),
    sa.UniqueConstraint('schedule_id', 'offset_days', name='uq_chase_stage_schedule_offset')
    )
    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('stage_key', sa.String(length=30), nullable=False),
    sa.Column('stage_name', sa.String(length=100), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attach_invoices', sa.Boolean(), nullable=False),
    sa.Column('attach_statement', sa.Boolean(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('fee', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('eml', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("channel IN ('email', 'letter', 'phone')", name=op.f('ck_reminder_channel_known')),
    sa.CheckConstraint("status IN ('draft', 'approved', 'sending', 'sent', 'failed', 'cancelled')", name=op.f('ck_reminder_status_known')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_reminder_client_id_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_reminder_dedupe_key'))
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_client_planned', ['client_id', 'planned_on'], unique=False)
        batch_op.create_index('ix_reminder_status', ['status'], unique=False)

    op.create_table('reminder_invoice',
    sa.Column('reminder_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_reminder_invoice_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminder.id'], name=op.f('fk_reminder_invoice_reminder_id_reminder'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('reminder_id', 'invoice_id', name=op.f('pk_reminder_invoice'))
    )
    with op.batch_alter_table('reminder_invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_invoice_invoice_id'), ['invoice_id'], unique=False)

    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chase_schedule_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_client_chase_schedule_id_chase_schedule'), 'chase_schedule', ['chase_schedule_id'], ['id'])

    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chase_schedule_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_company_chase_schedule_id_chase_schedule'), 'chase_schedule', ['chase_schedule_id'], ['id'])

    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chase_start_stage', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_column('chase_start_stage')

    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_company_chase_schedule_id_chase_schedule'), type_='foreignkey')
        batch_op.drop_column('chase_schedule_id')

    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_client_chase_schedule_id_chase_schedule'), type_='foreignkey')
        batch_op.drop_column('chase_schedule_id')

    with op.batch_alter_table('reminder_invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_invoice_invoice_id'))

    op.drop_table('reminder_invoice')
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_status')
        batch_op.drop_index('ix_reminder_client_planned')

    op.drop_table('reminder')
    op.drop_table('chase_stage')
    op.drop_table('smtp_settings')
    op.drop_table('chase_schedule')
