"""smtp sign-in: a password, or OAuth2 with Microsoft or Google

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 17:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every account set up so far signs in with a password.
    with op.batch_alter_table('smtp_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sign_in', sa.String(length=12), server_default='password', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('smtp_settings', schema=None) as batch_op:
        batch_op.drop_column('sign_in')
