"""Aging, the dashboard and forecast, statements of account, aged-debtors and invoice PDFs."""
