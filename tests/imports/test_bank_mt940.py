"""MT940 read field by field: the German ?-sub-fields, the Dutch /REMI/ form, balances, derived keys."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from creditdesk.imports.bank import read_bank_file
from creditdesk.imports.bank.remittance import Details, read_details
from creditdesk.imports.problems import FileRefused
from tests.imports.bank_support import FIXTURES, balances_add_up, rows

GERMAN = FIXTURES / "mt940_commerzbank_20261201.sta"
GERMAN_NEXT = FIXTURES / "mt940_commerzbank_20261202.sta"
DUTCH = FIXTURES / "mt940_ing_nl_20261203.940"


def test_german_statements_every_field() -> None:
    statement = read_bank_file(GERMAN)
    # :25: as bank code/account number: no IBAN to give, the account as written.
    assert (statement.format, statement.account_iban, statement.account, statement.currency) == (
        "mt940",
        "",
        "37040044/0532013000",
        "EUR",
    )
    # Two daily statements in one file: the first's opening, the last's closing.
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("10000.00"),
        Decimal("11345.10"),
    )
    assert statement.statement_date == date(2026, 12, 2)
    found = rows(statement)
    assert found[0] == (
        "2026120100123",
        "2026-12-01",
        "1190.00",
        "Müller Maschinenbau GmbH",
        "DE44500105175407324931",
        "INV A-1002 Rechnung vom 02.11.2026",
        "",
        False,
    )
    assert found[1] == (
        "2026120100124",
        "2026-12-01",
        "-89.90",
        "Stadtwerke Köln GmbH",
        "DE09700202700015820000",
        "Abschlag Strom November 2026",
        "",
        False,
    )
    # No bank reference (NONREF, no //): a derived key; old-style sub-fields joined as words.
    assert found[2][1:] == ("2026-12-01", "45.00", "", "", "Einzahlung Kasse Filiale Köln-Mitte", "", False)
    assert found[3][1:] == (
        "2026-12-02",
        "250.00",
        "WEBER ELEKTRO E.K.",
        "DE02100500000024290661",
        "RE A1003 RE A-1004",
        "",
        False,
    )
    assert found[4][1:] == found[3][1:]
    # RC: a credit reversed, so money out.
    assert found[5] == (
        "2026120200311",
        "2026-12-02",
        "-300.00",
        "HANSEN LOGISTIK AG",
        "",
        "STORNO GUTSCHRIFT VOM 30.11.2026 A-0998",
        "",
        True,
    )
    assert [entry.line for entry in statement.transactions] == [6, 10, 14, 23, 26, 29]
    assert [entry.reference_derived for entry in statement.transactions] == [
        False,
        False,
        True,
        True,
        True,
        False,
    ]
    assert balances_add_up(statement)


def test_two_identical_entries_of_a_day_keep_two_keys() -> None:
    first, second = read_bank_file(GERMAN).transactions[3:5]
    assert first.reference.startswith("derived:") and second.reference.startswith("derived:")
    assert first.reference != second.reference


def test_overlapping_statements_name_the_shared_day_alike() -> None:
    earlier = read_bank_file(GERMAN)
    later = read_bank_file(GERMAN_NEXT)
    shared = [entry.reference for entry in earlier.transactions if entry.booked == date(2026, 12, 2)]
    again = [entry.reference for entry in later.transactions if entry.booked == date(2026, 12, 2)]
    assert len(shared) == 3 and shared == again
    assert read_bank_file(GERMAN) == earlier  # read twice, the same
    only_later = {entry.reference for entry in later.transactions} - {
        e.reference for e in earlier.transactions
    }
    assert only_later == {"2026120300057"}
    assert (later.opening_balance, later.closing_balance) == (Decimal("11145.10"), Decimal("12579.60"))
    assert balances_add_up(later)


def test_dutch_slash_keyed_statement_every_field() -> None:
    statement = read_bank_file(DUTCH)
    # ING writes the currency after the IBAN in :25:.
    assert (statement.account_iban, statement.account, statement.currency) == (
        "NL20INGB0001234567",
        "NL20INGB0001234567",
        "EUR",
    )
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("4500.00"), Decimal("7604.05"))
    assert statement.statement_date == date(2026, 12, 3)
    found = rows(statement)
    assert found[:3] == [
        # /REMI/STRD/CUR/: a structured creditor reference; /CNTP/ gives IBAN, BIC, name and town.
        (
            "00000000001005",
            "2026-12-03",
            "2420.00",
            "De Vries Installatietechniek",
            "NL91ABNA0417164300",
            "",
            "RF51A1004",
            False,
        ),
        (
            "00000000001006",
            "2026-12-03",
            "600.00",
            "Bakkerij Jansen",
            "NL44RABO0123456789",
            "Factuur #1003 en A-1005",
            "",
            False,
        ),
        (
            "00000000001007",
            "2026-12-03",
            "-35.95",
            "Energie Direct BV",
            "BE68539007547034",
            "Energie december 2026",
            "",
            False,
        ),
    ]
    # /NAME/, /IBAN/ and /REMI/ as separate keys; NONREF, so a derived key.
    assert found[3][1:] == (
        "2026-12-03",
        "120.00",
        "Visser Transport",
        "NL69INGB0123456789",
        "A-0990 A-0991",
        "",
        False,
    )
    assert statement.transactions[3].reference_derived
    assert balances_add_up(statement)


def test_free_text_details() -> None:
    assert read_details("Zahlung Rechnung\nA-1002 danke") == Details(text="Zahlung Rechnung A-1002 danke")


def test_german_details_with_another_separator() -> None:
    found = read_details("166@00GUTSCHRIFT@20SVWZ+RE A-1007@32KLEIN@33 HOLZBAU@31DE44500105175407324931")
    assert found == Details("KLEIN HOLZBAU", "DE44500105175407324931", "RE A-1007", "")


def _refused(tmp_path: Path, old: str, new: str, source: Path = GERMAN) -> FileRefused:
    text = source.read_bytes().decode("cp1252")
    assert old in text
    path = tmp_path / "statement.sta"
    path.write_bytes(text.replace(old, new, 1).encode("cp1252"))
    with pytest.raises(FileRefused) as refused:
        read_bank_file(path)
    return refused.value


def test_an_amount_that_is_not_money_names_its_line(tmp_path: Path) -> None:
    refused = _refused(tmp_path, "DR89,90NDDT", "DR89X90NDDT")
    assert refused.problem.line == 10
    assert "expected an entry like" in refused.problem.message and "'2612011201DR89X90NDDT" in str(refused)


def test_an_amount_without_a_decimal_comma_is_refused(tmp_path: Path) -> None:
    refused = _refused(tmp_path, ":60F:C261130EUR10000,00", ":60F:C261130EUR10000.00")
    assert refused.problem.line == 5
    assert "expected a balance like" in refused.problem.message


def test_a_closing_balance_that_does_not_add_up_is_refused(tmp_path: Path) -> None:
    refused = _refused(tmp_path, ":62F:C261201EUR11145,10", ":62F:C261201EUR11145,01")
    assert refused.problem.line == 2  # the statement's :20:
    assert "closing balance of 11145.01" in refused.problem.message


def test_balances_in_two_currencies_are_refused(tmp_path: Path) -> None:
    refused = _refused(tmp_path, ":62F:C261201EUR11145,10", ":62F:C261201USD11145,10")
    assert refused.problem.line == 16  # the :62F: line
    assert "in USD but the opening balance in EUR" in refused.problem.message


def test_statements_of_two_accounts_are_refused(tmp_path: Path) -> None:
    text = GERMAN.read_bytes().decode("cp1252")
    second = text.index(":25:", text.index(":25:") + 1)
    edited = text[:second] + text[second:].replace("37040044/0532013000", "37040044/0532013001", 1)
    path = tmp_path / "statement.sta"
    path.write_bytes(edited.encode("cp1252"))
    with pytest.raises(FileRefused, match="several accounts"):
        read_bank_file(path)


def test_text_before_the_first_field_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "statement.sta"
    path.write_text("hello\n:20:X\n:25:DE89370400440532013000\n:60F:C261130EUR1,00\n", encoding="ascii")
    with pytest.raises(FileRefused) as refused:
        read_bank_file(path, format="mt940")
    assert refused.value.problem.line == 1
    assert "expected an MT940 field such as :20:" in refused.value.problem.message


def test_an_entry_booked_in_the_new_year_of_its_value_date(tmp_path: Path) -> None:
    path = tmp_path / "statement.sta"
    path.write_text(
        ":20:STARTUMSE\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C261231EUR0,00\n"
        ":61:2612310102C100,NTRFNONREF//B1\n:86:Silvesterzahlung\n:62F:C270102EUR100,00\n",
        encoding="ascii",
    )
    statement = read_bank_file(path)
    entry = statement.transactions[0]
    assert (entry.booked, entry.amount, entry.text) == (
        date(2027, 1, 2),
        Decimal("100.00"),
        "Silvesterzahlung",
    )
    assert statement.account_iban == "DE89370400440532013000"
