"""The payment files CreditDesk recognises from their header row: its own export, and spreadsheets.

CreditDesk's ``export payments`` writes ``client_code, date, amount, method,
reference, allocated, on_account``; files made for earlier versions give
``client_code, date, amount, reference, invoice_number``. Both are read by
one preset (what was allocated is worked out again on import, not taken from
the file). A spreadsheet of the user's own is recognised by the column names
people usually give in English, German, French and Dutch.
"""

from __future__ import annotations

from creditdesk.imports.mapping import Field
from creditdesk.imports.presets import Preset

CREDITDESK_PAYMENTS = Preset(
    "creditdesk",
    "CreditDesk (export payments)",
    {
        Field.CLIENT_CODE: ("client_code",),
        Field.PAYMENT_DATE: ("date",),
        Field.AMOUNT: ("amount",),
        Field.METHOD: ("method",),
        Field.REFERENCE: ("reference",),
        Field.INVOICE_NUMBER: ("invoice_number",),
    },
    frozenset({Field.CLIENT_CODE, Field.PAYMENT_DATE, Field.AMOUNT}),
    unguard=True,
)

SPREADSHEET_PAYMENTS = Preset(
    "spreadsheet",
    "A spreadsheet of payments (the usual column names)",
    {
        Field.CLIENT_NAME: (
            "Customer", "Customer Name", "Client", "Client Name", "Payer", "Received From", "Kunde",
            "Kundenname", "Zahler", "Nom du client", "Payeur", "Klant", "Klantnaam", "Betaler",
        ),
        Field.CLIENT_CODE: (
            "Customer ID", "Customer Code", "Client Code", "Account", "Kundennummer", "Kunden-Nr.",
            "Code client", "Klantnummer",
        ),
        Field.CLIENT_EMAIL: ("Email", "E-mail", "E-Mail-Adresse", "Courriel"),
        Field.PAYMENT_DATE: (
            "Payment Date", "Date Paid", "Date Received", "Date", "Zahlungsdatum", "Eingangsdatum",
            "Zahlungseingang", "Datum", "Date de paiement", "Date du paiement", "Date de règlement",
            "Betaaldatum", "Betalingsdatum",
        ),
        Field.AMOUNT: (
            "Amount Paid", "Amount Received", "Payment Amount", "Amount", "Payment", "Zahlungsbetrag",
            "Betrag", "Montant payé", "Montant réglé", "Montant", "Betaald bedrag", "Bedrag",
        ),
        Field.REFERENCE: (
            "Payment Reference", "Reference", "Memo", "Verwendungszweck", "Referenz", "Bemerkung",
            "Référence", "Libellé", "Referentie", "Kenmerk", "Omschrijving",
        ),
        Field.INVOICE_NUMBER: (
            "Invoice Number", "Invoice No", "Invoice #", "Invoice", "Rechnungsnummer", "Rechnungs-Nr.",
            "Rechnung", "N° facture", "Numéro de facture", "Facture", "Factuurnummer", "Factuur",
        ),
        Field.METHOD: (
            "Payment Method", "Method", "Zahlungsart", "Zahlungsweise", "Mode de paiement",
            "Moyen de paiement", "Mode de règlement", "Betaalmethode", "Betaalwijze",
        ),
    },
    frozenset({Field.PAYMENT_DATE, Field.AMOUNT}),
    one_of=frozenset({Field.CLIENT_NAME, Field.CLIENT_CODE, Field.CLIENT_EMAIL}),
    generic=True,
)  # fmt: skip

PAYMENT_PRESETS = (CREDITDESK_PAYMENTS, SPREADSHEET_PAYMENTS)
PAYMENT_SOURCE_KEYS = tuple(dict.fromkeys(preset.key for preset in PAYMENT_PRESETS))
