"""money in 64-bit integers on PostgreSQL, where INTEGER holds only 21,474,836.47 in cents

SQLite's INTEGER is 64-bit already, so nothing changes in a company file.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every column holding an amount in minor units.
MONEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "client": ("credit_limit",),
    "invoice": ("net", "tax", "gross"),
    "invoice_line": ("unit_price",),
    "payment": ("amount",),
    "credit_note": ("amount",),
    "allocation": ("amount",),
    "chase_schedule": ("min_amount",),
    "chase_stage": ("fee",),
    "reminder": ("total", "fee"),
    "promise": ("amount",),
    "payment_plan": ("total",),
    "plan_instalment": ("amount",),
    "interest_charge": ("interest", "compensation"),
    "bank_entry": ("amount",),
    "bank_entry_invoice": ("amount",),
}


def _retype(old: sa.types.TypeEngine[int], new: sa.types.TypeEngine[int]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in MONEY_COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=new, existing_type=old)


def upgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger())


def downgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer())
