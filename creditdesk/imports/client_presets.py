"""The client and contact lists CreditDesk recognises from a file's header row, and how their columns map.

Each system's customer (or contact) export, as its public documentation
describes it (see the fixtures' README), and a spreadsheet's usual column
names in English, German, French and Dutch. An address spread over several
columns is mapped part by part and put together by the reader.
"""

from __future__ import annotations

from creditdesk.imports.mapping import Field
from creditdesk.imports.presets import Preset, named_columns

CREDITDESK_CLIENTS = Preset(
    "creditdesk",
    "CreditDesk (export clients)",
    named_columns(
        client_code="code",
        client_name="name",
        client_email="email",
        terms_days="terms_days",
        credit_limit="credit_limit",
        terms="terms",
        contact_name="contact_name",
        phone="phone",
        address="address",
        on_hold="on_hold",
        do_not_chase="do_not_chase",
        archived="archived",
        notes="notes",
    ),
    frozenset({Field.CLIENT_CODE, Field.CLIENT_NAME}),
    unguard=True,
)

# The Customer Contact List report, exported to CSV: title rows, then one row per customer.
QUICKBOOKS_CLIENTS = Preset(
    "quickbooks",
    "QuickBooks Online (Customer Contact List report)",
    named_columns(
        client_name=("Customer", "Customer full name"),
        phone=("Phone Numbers", "Phone"),
        client_email="Email",
        contact_name="Full Name",
        address="Billing Address",
        terms="Terms",
        credit_limit="Credit Limit",
        client_code="Account No.",
    ),
    frozenset({Field.CLIENT_NAME, Field.CONTACT_NAME, Field.ADDRESS}),
)

XERO_CLIENTS = Preset(
    "xero",
    "Xero (contacts export)",
    named_columns(
        client_name="ContactName",
        client_code="AccountNumber",
        client_email="EmailAddress",
        contact_first_name="FirstName",
        contact_last_name="LastName",
        address="POAddressLine1",
        address_line_2="POAddressLine2",
        address_line_3="POAddressLine3",
        city="POCity",
        region="PORegion",
        postcode="POPostalCode",
        country="POCountry",
        phone="PhoneNumber",
        terms_days="DueDateSalesDay",
        terms_basis="DueDateSalesTerm",
    ),
    frozenset({Field.CLIENT_NAME, Field.CLIENT_EMAIL, Field.ADDRESS}),
    marks=("AccountNumber",),
)

SAGE_CLIENTS = Preset(
    "sage",
    "Sage Accounting (customers export)",
    named_columns(
        client_code="Reference",
        client_name="Company Name",
        credit_limit="Credit Limit",
        address="Main Address Line 1",
        address_line_2="Main Address Line 2",
        city="Main Address Town",
        region="Main Address County",
        postcode="Main Address Post Code",
        country="Main Address Country",
        contact_name="Main Contact Name",
        phone="Main Contact Phone",
        client_email="Main Contact Email",
        terms_days=("Credit Days", "Payment Due Days"),
        notes="Notes",
    ),
    frozenset({Field.CLIENT_CODE, Field.CLIENT_NAME, Field.ADDRESS}),
)

ZOHO_CLIENTS = Preset(
    "zoho",
    "Zoho Books (contacts export)",
    named_columns(
        client_name="Display Name",
        client_code="Customer Number",
        client_email="EmailID",
        contact_first_name="First Name",
        contact_last_name="Last Name",
        phone="Phone",
        address="Billing Address",
        address_line_2="Billing Street2",
        city="Billing City",
        region="Billing State",
        postcode="Billing Code",
        country="Billing Country",
        terms_days="Payment Terms",
        terms="Payment Terms Label",
        credit_limit="Credit Limit",
        notes="Notes",
    ),
    frozenset({Field.CLIENT_NAME, Field.CLIENT_EMAIL}),
    marks=("Contact ID",),
)

FREEAGENT_CLIENTS = Preset(
    "freeagent",
    "FreeAgent (contacts export)",
    named_columns(
        client_name=("Organisation Name", "Organisation"),
        contact_first_name="First Name",
        contact_last_name="Last Name",
        client_email="Email",
        billing_email="Billing Email",
        phone="Phone Number",
        address="Address 1",
        address_line_2="Address 2",
        address_line_3="Address 3",
        city="Town",
        region="Region",
        postcode="Postcode",
        country="Country",
        terms_days="Default Payment Terms In Days",
    ),
    frozenset({Field.CLIENT_NAME, Field.CONTACT_FIRST_NAME, Field.CONTACT_LAST_NAME}),
    marks=("Billing Email",),
)

WAVE_CLIENTS = Preset(
    "wave",
    "Wave (customers export)",
    named_columns(
        client_name="Customer Name",
        client_code="Account Number",
        client_email="Email",
        contact_first_name="Contact First Name",
        contact_last_name="Contact Last Name",
        phone="Phone",
        address="Address Line 1",
        address_line_2="Address Line 2",
        city="City",
        region="Province/State",
        postcode="Postal Code/Zip Code",
        country="Country",
    ),
    frozenset({Field.CLIENT_NAME, Field.CONTACT_FIRST_NAME, Field.REGION}),
)

# A spreadsheet of the user's own, with the column names people usually give in English, German,
# French and Dutch; tried after every system's preset, so it never takes a known export.
SPREADSHEET_CLIENTS = Preset(
    "spreadsheet",
    "A spreadsheet (the usual column names)",
    named_columns(
        client_code=(
            "Customer ID", "Customer Code", "Customer Number", "Client Code", "Account", "Kundennummer",
            "Kunden-Nr.", "Code client", "N° client", "Numéro client", "Klantnummer", "Debiteurnummer",
        ),
        client_name=(
            "Customer", "Customer Name", "Client", "Client Name", "Company", "Name", "Kunde", "Kundenname",
            "Firma", "Nom", "Raison sociale", "Société", "Klant", "Klantnaam", "Bedrijfsnaam", "Naam",
        ),
        client_email=(
            "Email", "E-mail", "Email Address", "E-Mail-Adresse", "Courriel", "Adresse e-mail", "E-mailadres",
        ),
        contact_name=("Contact", "Contact Name", "Ansprechpartner", "Interlocuteur", "Contactpersoon"),
        phone=("Phone", "Telephone", "Tel", "Telefon", "Téléphone", "Telefoon", "Telefoonnummer"),
        address=("Address", "Street", "Adresse", "Straße", "Strasse", "Rue", "Adres", "Straat"),
        postcode=("Postcode", "Postal Code", "ZIP", "PLZ", "Code postal", "CP"),
        city=("City", "Town", "Ort", "Stadt", "Ville", "Plaats", "Woonplaats"),
        country=("Country", "Land", "Pays"),
        terms_days=(
            "Payment Terms", "Terms", "Zahlungsziel", "Zahlungsbedingungen", "Délai de paiement",
            "Conditions de paiement", "Betalingstermijn",
        ),
        credit_limit=(
            "Credit Limit", "Kreditlimit", "Limite de crédit", "Plafond de crédit", "Kredietlimiet",
        ),
        notes=("Notes", "Notizen", "Bemerkung", "Remarques", "Opmerkingen"),
    ),
    frozenset({Field.CLIENT_NAME}),
    generic=True,
)  # fmt: skip

CLIENT_PRESETS = (
    CREDITDESK_CLIENTS,
    QUICKBOOKS_CLIENTS,
    XERO_CLIENTS,
    SAGE_CLIENTS,
    ZOHO_CLIENTS,
    FREEAGENT_CLIENTS,
    WAVE_CLIENTS,
    SPREADSHEET_CLIENTS,
)
CLIENT_SOURCE_KEYS = tuple(dict.fromkeys(preset.key for preset in CLIENT_PRESETS))
