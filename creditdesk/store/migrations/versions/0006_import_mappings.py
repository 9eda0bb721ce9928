"""import mappings: a user's own column mappings, saved by name for each kind of import

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Kept in the company file, so everyone who shares the books shares the mappings; a new table,
    # so existing files need no data step.
    op.create_table('import_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('columns', sa.Text(), nullable=False),
    sa.Column('statuses', sa.Text(), nullable=False),
    sa.Column('date_formats', sa.Text(), nullable=False),
    sa.Column('number_formats', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), nullable=False),
    sa.CheckConstraint("kind IN ('clients', 'invoices', 'payments')", name=op.f('ck_import_mapping_kind_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mapping')),
    sa.UniqueConstraint('kind', 'name', name='uq_import_mapping_kind_name')
    )


def downgrade() -> None:
    op.drop_table('import_mapping')
