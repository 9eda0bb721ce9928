"""CSV import and export of clients, invoices and payments."""
