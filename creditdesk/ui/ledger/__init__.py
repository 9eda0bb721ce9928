"""The Invoices tab and the invoice, credit-note, payment and interest dialogs."""
