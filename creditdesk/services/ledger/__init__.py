"""Invoices, credit notes, payments and their allocation, credit limits and holds, late-payment interest."""
