"""Queries that must be fast on 200,000 invoices, written as SQL aggregates, one module per feature."""
