"""Each client list read end to end: the preset recognised, every detail as the file gives it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from creditdesk.domain.terms import PaymentTerms, TermsBasis
from creditdesk.imports.client_lists import ClientRead, read_clients
from creditdesk.imports.formats import FormatChoices
from creditdesk.imports.mapping import ColumnMapping, Field
from creditdesk.imports.problems import Problem
from creditdesk.imports.records import ClientRecord
from creditdesk.imports.terms import read_terms

FIXTURES = Path(__file__).parent / "fixtures"
EOM = TermsBasis.END_OF_MONTH
Details = tuple[
    str | None, str | None, str | None, str | None, str | None, str | None, str | None, str | None
]


def read(name: str, currency: str = "EUR", locale: str | None = None) -> ClientRead:
    result = read_clients(FIXTURES / name, currency=currency, choices=FormatChoices(locale=locale))
    assert isinstance(result, ClientRead), result
    assert result.ready, (result.problems, result.questions)
    return result


def details(record: ClientRecord) -> Details:
    terms = record.terms.describe() if record.terms is not None else None
    limit = None if record.credit_limit is None else f"{record.credit_limit:f}"
    ref = record.ref
    return (ref.code, ref.name, ref.email, record.contact_name, record.phone, record.address, terms, limit)


def test_creditdesk_export_keeps_every_column() -> None:
    result = read("creditdesk_clients.csv")
    assert (result.source, result.source_label) == ("creditdesk", "CreditDesk (export clients)")
    assert [details(c) for c in result.clients] == [
        ("ALPINE", "Alpine Bakery GmbH", "buchhaltung@alpine-bakery.example", "Greta Huber",
         "+49 89 1234 5678", "Lindwurmstraße 12\n80337 München", "Net 14", "5000.00"),
        ("BRIGHT", "Bright Spark Electrical Ltd", "accounts@brightspark.example", "Dev Patel",
         "+44 161 555 0190", "Unit 4, Mill Lane\nManchester M4 6AB", "2 % 10, net 30", None),
        ("CORNER", "Corner Shop", None, None, None, None, "Due on receipt", "250.50"),
        ("DELTA", "Delta Freight BV", "ar@deltafreight.example", "Joost de Vries", "+31 10 555 0123",
         "Waalhaven Zuidzijde 19\n3089 JH Rotterdam", "30 days after end of month", "12500.00"),
    ]  # fmt: skip
    flags = [(c.on_hold, c.do_not_chase, c.archived, c.notes) for c in result.clients]
    assert flags == [
        (False, False, False, None),
        (True, False, False, "=Credit check due, see letter of 3 Nov"),  # the export's formula guard undone
        (False, True, False, "Pays cash on delivery."),
        (False, False, True, "Archived after the merger."),
    ]


def test_quickbooks_customer_contact_list_report() -> None:
    result = read("quickbooks_customer_contact_list.csv", "USD", "en_US")
    assert result.source_label == "QuickBooks Online (Customer Contact List report)"
    assert result.header_line == 5 and result.set_aside == ((16, "footer"),)
    assert [details(c) for c in result.clients] == [
        (None, "Blue Sky Café", "accounts@bluesky.example", "Maria Lopez", "Phone: (415) 555-0134",
         "350 Market St\r\nSan Francisco, CA  94105", None, None),
        (None, "Cooper & Sons, Inc.", "billing@coopersons.example", "James Cooper", "Phone: (312) 555-0177",
         "1200 W Lake St\r\nChicago, IL  60607", None, None),
        (None, "Greenleaf Landscaping", None, "Ana Ruiz", "Mobile: (503) 555-0112",
         "88 NE Alberta St\r\nPortland, OR  97211", None, None),
    ]  # fmt: skip
    assert [c.line for c in result.clients] == [6, 9, 11]  # physical lines: addresses span two


def test_xero_contacts_with_their_sales_terms() -> None:
    result = read("xero_contacts.csv", "GBP", "en_GB")
    assert result.source_label == "Xero (contacts export)"
    assert [details(c) for c in result.clients] == [
        ("HVH-001", "Harbour View Hotel", "accounts@harbourview.example", "Claire Moss", "01947 555 012",
         "PO Box 221\n14 Quay Street\nWhitby North Yorkshire YO21 1DH\nUnited Kingdom", "Net 30", None),
        ("KC-002", "Kettle & Crumb", "hello@kettlecrumb.example", "Tom Baker", "0113 555 0199",
         "3 Market Row\nLeeds LS1 6EU\nUnited Kingdom", "20 days after end of month", None),
        ("NIMBUS", "Nimbus Software Ltd", "ap@nimbus.example", None, "020 7946 0321",
         "Floor 2, 9 Aldgate\nLondon EC3N 1AH\nUnited Kingdom", None, None),
    ]  # fmt: skip


def test_sage_customers() -> None:
    result = read("sage_customers.csv", "GBP", "en_GB")
    assert result.source_label == "Sage Accounting (customers export)"
    assert [details(c) for c in result.clients] == [
        ("ABBEY01", "Abbey Road Dental Practice", "accounts@abbeydental.example", "Priya Shah",
         "020 7946 0555", "27 Abbey Road\nLondon NW8 9AY\nGB", "Net 30", "2000.00"),
        ("CASTLE01", "Castle Joinery Ltd", "ewan@castlejoinery.example", "Ewan Fraser", "01786 555 201",
         "Unit 9 Riverside Park\nBridge Street\nStirling Stirlingshire FK8 1AA\nGB", "Net 45", "7500.00"),
        ("MEADOW01", "Meadowsweet Florist", None, "Main Contact", "01584 555 330",
         "5 High Street\nLudlow Shropshire SY8 1BS\nGB", "Net 14", None),
    ]  # fmt: skip
    assert result.clients[1].notes == "Send statements by post as well."


def test_zoho_contacts() -> None:
    result = read("zoho_contacts.csv", "INR", "en_IN")
    assert result.source_label == "Zoho Books (contacts export)"
    assert [details(c) for c in result.clients] == [
        (None, "Lotus Yoga Studio", "anjali@lotusyoga.example", "Anjali Rao", "+91 80 5555 0101",
         "12 Church Street\n2nd Floor\nBengaluru Karnataka 560001\nIndia", "Net 15", "50000.00"),
        (None, "Mountain Gear Co.", "daniel@mountaingear.example", "Daniel Kim", "+1 303 555 0144",
         "1750 Wynkoop St\nDenver CO 80202\nU.S.A", "Due on receipt", None),
        (None, "Sunrise Café", "orders@sunrisecafe.example", None, None, None, "0 days after end of month",
         None),
    ]  # fmt: skip


def test_freeagent_contacts_a_person_without_an_organisation_is_a_client_by_name() -> None:
    result = read("freeagent_contacts.csv", "GBP", "en_GB")
    assert result.source_label == "FreeAgent (contacts export)"
    assert [details(c) for c in result.clients] == [
        (None, "Thistle Architects LLP", "invoices@thistle.example", "Fiona Campbell", "0131 555 0101",
         "42 George Street\nEdinburgh EH2 2LE\nUnited Kingdom", "Net 30", None),
        (None, "Oliver Grant", "oliver.grant@mail.example", "Oliver Grant", None,
         "Flat 3\n18 Dean Park Crescent\nEdinburgh EH4 1PH\nUnited Kingdom", "Net 14", None),
        (None, "Pennine Print Works", "accounts@pennineprint.example", "Sam Hughes", "01422 555 777",
         "Dean Clough Mills\nHalifax West Yorkshire HX3 5AX\nUnited Kingdom", None, None),
    ]  # fmt: skip


def test_wave_customers() -> None:
    result = read("wave_customers.csv", "CAD", "en_CA")
    assert result.source_label == "Wave (customers export)"
    assert [details(c) for c in result.clients] == [
        ("MLM-17", "Maple Leaf Movers", "dispatch@mapleleafmovers.example", "Luc Tremblay", "416-555-0142",
         "55 Front St W\nSuite 300\nToronto Ontario M5J 1E6\nCanada", None, None),
        (None, "Prairie Pottery", None, "Jess Olsen", None,
         "210 20th St W\nSaskatoon Saskatchewan S7M 0X2\nCanada", None, None),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "locale", "table", "expected"),
    [
        (
            "us_clients_excel_comma_utf8bom.csv", "en_US", "CSV, UTF-8 with BOM, separated by commas",
            ("C-100", "Acme Hardware Inc.", "ap@acmehardware.example", "Bill Stone", "(555) 010-4477",
             "500 Commerce Blvd\nSpringfield 62701\nUSA", "Net 30", "2500.00"),
        ),
        (
            "de_clients_excel_semicolon_cp1252.csv", "de_DE", "CSV, Windows-1252, separated by semicolons",
            ("K-2001", "Bäckerei Müller GmbH", "buchhaltung@baeckerei-mueller.example", "Jürgen Müller",
             "+49 30 5555 0101", "Schönhauser Allee 44\n10435 Berlin\nDeutschland", "Net 14", "5000.00"),
        ),
        (
            "fr_clients_unicode_text_utf16le.txt", "fr_FR", "CSV, UTF-16 LE, separated by tabs",
            ("F-301", "Boulangerie Dupré SARL", "compta@boulangerie-dupre.example", "Élise Dupré",
             "+33 1 55 55 01 01", "12 rue de la Paix\n75002 Paris\nFrance", "Net 30", "10000.00"),
        ),
        (
            "nl_clients_excel_semicolon_utf8.csv", "nl_NL", "CSV, UTF-8, separated by semicolons",
            ("NL-01", "Bakkerij De Molen", "administratie@demolen.example", "Sanne Jansen", "+31 20 555 0101",
             "Prinsengracht 263\n1016 GV Amsterdam\nNederland", "Net 14", "2500.00"),
        ),
    ],
)  # fmt: skip
def test_spreadsheets_of_four_locales(name: str, locale: str, table: str, expected: Details) -> None:
    result = read(name, locale=locale)
    assert result.source == "spreadsheet" and result.table == table
    assert details(result.clients[0]) == expected


def test_spreadsheet_terms_in_each_language() -> None:
    german = read("de_clients_excel_semicolon_cp1252.csv", locale="de_DE").clients
    french = read("fr_clients_unicode_text_utf16le.txt", locale="fr_FR").clients
    assert [c.terms for c in german] == [PaymentTerms(14), PaymentTerms(30), PaymentTerms(0)]
    assert french[1].terms == PaymentTerms(45, EOM) and french[1].credit_limit == Decimal("2500.00")


def test_every_bad_field_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(
        "code,name,email,terms,credit_limit,on_hold\n"  # 1
        "ACME,Acme Ltd,,,,\n"  # 2 fine
        "ACME,Acme again,,,,\n"  # 3 repeated
        "MAIL,Mail Ltd,not-an-address,,,\n"  # 4
        "NEG,Negative Ltd,,,-1.00,\n"  # 5
        "NAN,Bad Limit,,,ten,\n"  # 6
        "NONAME,,,,,\n"  # 7
        "BAD CODE,Spaces,,,,\n"  # 8
        "TERMS,Terms Ltd,,whenever,,\n"  # 9
        "HOLD,Hold Ltd,,,,perhaps\n"  # 10
        f"LONG,Long Ltd,{'a' * 250}@x.example,,,\n",  # 11
        encoding="utf-8",
    )
    result = read_clients(path)
    assert isinstance(result, ClientRead)
    assert [str(problem) for problem in result.problems] == [
        "line 3, field 'code': client code 'ACME' is repeated (first on line 2)",
        "line 4, field 'email': the e-mail 'not-an-address' is not a valid email address",
        "line 5, field 'credit_limit': -1.00 cannot be negative; leave it empty for no limit",
        "line 6, field 'credit_limit': expected an amount like 1234.50, got 'ten'",
        "line 7, field 'name': is empty; every client needs its name",
        "line 8, field 'code': the client code 'BAD CODE' may only hold letters, digits and . _ / -",
        "line 9, field 'terms': expected payment terms such as 30, Net 30 or 30 days after end of month, "
        "got 'whenever'",
        "line 10, field 'on_hold': expected yes or no, got 'perhaps'",
        "line 11, field 'email': the e-mail is longer than 254 characters",
    ]
    assert [c.ref.code for c in result.clients] == ["ACME"]


def test_a_users_mapping_reads_their_own_columns(tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text("Debtor;Who;Mail\nD1;Delta;d@delta.example\n", encoding="utf-8")
    mapping = ColumnMapping(
        "My debtors", {Field.CLIENT_CODE: "Debtor", Field.CLIENT_NAME: "Who", Field.CLIENT_EMAIL: "Mail"}
    )
    result = read_clients(path, source=mapping)
    assert isinstance(result, ClientRead) and result.source == "My debtors"
    assert [details(c) for c in result.clients] == [
        ("D1", "Delta", "d@delta.example", None, None, None, None, None)
    ]
    missing = read_clients(path, source=ColumnMapping("Other", {Field.CLIENT_NAME: "Customer"}))
    assert isinstance(missing, Problem)
    assert str(missing) == (
        "line 1: the file has no column 'Customer' of the mapping 'Other'; "
        "its columns are 'Debtor', 'Who', 'Mail'"
    )


def test_an_unknown_source_is_named() -> None:
    problem = read_clients(FIXTURES / "xero_contacts.csv", source="sap")
    assert isinstance(problem, Problem)
    assert problem.message.startswith(
        "'sap' is not a source CreditDesk knows; choose one of auto, creditdesk"
    )


@pytest.mark.parametrize(
    ("days", "words", "basis", "terms"),
    [
        ("30", "", "", PaymentTerms(30)),
        ("", "Net 15", "", PaymentTerms(15)),
        ("", "Due on receipt", "", PaymentTerms(0)),
        ("30", "30 days after end of month", "", PaymentTerms(30, EOM)),
        ("", "2 % 10, net 30", "", PaymentTerms(30, discount_percent=Decimal(2), discount_days=10)),
        ("", "30 Tage netto", "", PaymentTerms(30)),
        ("", "45 jours fin de mois", "", PaymentTerms(45, EOM)),
        ("", "14 dagen", "", PaymentTerms(14)),
        ("20", "", "Following Month", PaymentTerms(20, EOM)),
        ("30", "", "DAYSAFTERBILLDATE", PaymentTerms(30)),
        ("", "", "", None),
    ],
)
def test_terms_as_systems_write_them(days: str, words: str, basis: str, terms: PaymentTerms | None) -> None:
    assert read_terms(days, words, basis) == terms


def test_terms_creditdesk_cannot_keep_are_refused_with_the_reason() -> None:
    assert read_terms("15", "", "Current Month") == (
        "terms due on day 15 of the month of the invoice cannot be kept in CreditDesk; "
        "give the client terms such as Net 30 instead"
    )
