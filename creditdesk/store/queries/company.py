"""The company file's own facts that queries and services need (its currency's decimal places)."""

from __future__ import annotations

from sqlalchemy import Connection

from creditdesk.domain.money import currency_exponent


def company_exponent(conn: Connection) -> int:
    """Decimal places of the company currency (2 for a file with no company yet)."""
    currency = conn.exec_driver_sql("SELECT currency FROM company WHERE id = 1").scalar_one_or_none()
    return currency_exponent(currency) if currency else 2
