"""document branding: payment instructions, logo, page size, accent colour, signatory

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Territories that print on US Letter; everyone else uses A4.
LETTER_TERRITORIES = ('US', 'CA', 'MX', 'PH', 'CL', 'CO', 'VE')


def upgrade() -> None:
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_instructions', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('logo', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('page_size', sa.String(length=10), nullable=False, server_default='A4'))
        batch_op.add_column(
            sa.Column('accent_colour', sa.String(length=7), nullable=False, server_default='#1F4E79')
        )
        batch_op.add_column(sa.Column('signatory', sa.String(length=200), nullable=False, server_default=''))
        batch_op.create_check_constraint('page_size_known', "page_size IN ('A4', 'Letter')")
    territories = ", ".join(f"'{t}'" for t in LETTER_TERRITORIES)
    op.execute(f"UPDATE company SET page_size = 'Letter' WHERE substr(locale, -2) IN ({territories})")
    # The models carry Python-side defaults only; drop the server defaults so the schemas match.
    with op.batch_alter_table('company', schema=None) as batch_op:
        for name in ('payment_instructions', 'page_size', 'accent_colour', 'signatory'):
            batch_op.alter_column(name, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_constraint('page_size_known', type_='check')
        for name in ('signatory', 'accent_colour', 'page_size', 'logo', 'payment_instructions'):
            batch_op.drop_column(name)
