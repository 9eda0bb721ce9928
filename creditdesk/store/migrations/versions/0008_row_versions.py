"""row versions: a client or invoice edited in one window is not silently overwritten from another

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing rows start at version 1, as new ones do.
    for table in ('client', 'invoice'):
        op.add_column(table, sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False))


def downgrade() -> None:
    for table in ('client', 'invoice'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('version')
