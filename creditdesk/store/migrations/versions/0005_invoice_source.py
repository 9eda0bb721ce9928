"""invoice source: where an imported invoice came from and its key there, for keeping in step

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Invoices made in CreditDesk have no source (''); an imported one keeps the system it came from
    # and its number there, so a later export of that system updates it instead of repeating it.
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=40), server_default=sa.text("''"), nullable=False))
        batch_op.add_column(sa.Column('external_key', sa.String(length=100), server_default=sa.text("''"), nullable=False))
        batch_op.create_index('ix_invoice_source_key', ['source', 'external_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_source_key')
        batch_op.drop_column('external_key')
        batch_op.drop_column('source')
