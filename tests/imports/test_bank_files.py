"""The one way in: formats told from the content, chosen formats, and files refused with a clear problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from creditdesk.imports.bank import read_bank_file
from creditdesk.imports.problems import FileRefused
from tests.imports.bank_support import FIXTURES

ACCEPTED = "CAMT.053 or CAMT.054 (XML), OFX or QFX, SWIFT MT940, or a bank's CSV export"


@pytest.mark.parametrize(
    ("name", "format_name"),
    [
        ("camt053_001_02_commerzbank.xml", "camt.053"),
        ("camt053_001_08_abnamro.xml", "camt.053"),
        ("camt054_001_04_sparkasse.xml", "camt.054"),
        ("ofx102_sgml_lakeside.ofx", "ofx"),
        ("ofx220_xml_baybank.ofx", "ofx"),
        ("qfx_prairie_federal.qfx", "ofx"),
        ("mt940_commerzbank_20261201.sta", "mt940"),
        ("mt940_ing_nl_20261203.940", "mt940"),
        ("csv_sparkasse_camt_v2_cp1252.csv", "csv"),
        ("csv_starling_gbp.csv", "csv"),
    ],
)
def test_the_format_is_told_from_the_content_not_the_name(
    tmp_path: Path, name: str, format_name: str
) -> None:
    path = tmp_path / "statement.txt"
    path.write_bytes((FIXTURES / name).read_bytes())
    assert read_bank_file(path).format == format_name


@pytest.mark.parametrize(
    ("name", "chosen"),
    [
        ("camt053_001_02_commerzbank.xml", "camt"),
        ("camt054_001_04_sparkasse.xml", "CAMT.054"),
        ("qfx_prairie_federal.qfx", "qfx"),
        ("mt940_ing_nl_20261203.940", "mt940"),
        ("csv_starling_gbp.csv", "csv"),
    ],
)
def test_a_format_can_be_chosen(name: str, chosen: str) -> None:
    assert read_bank_file(FIXTURES / name, format=chosen).transactions


def test_the_wrong_format_chosen_says_what_it_expected() -> None:
    with pytest.raises(FileRefused) as refused:
        read_bank_file(FIXTURES / "csv_starling_gbp.csv", format="mt940")
    assert refused.value.problem.line == 1
    assert "expected an MT940 field such as :20:" in refused.value.problem.message


def test_an_unknown_format_name_lists_the_known_ones() -> None:
    with pytest.raises(FileRefused, match="choose camt, ofx, mt940 or csv"):
        read_bank_file(FIXTURES / "csv_starling_gbp.csv", format="qif")


def test_an_invoice_export_is_not_a_statement() -> None:
    with pytest.raises(FileRefused) as refused:
        read_bank_file(FIXTURES.parent / "quickbooks_invoice_list.csv")
    assert ACCEPTED in str(refused.value)
    assert str(refused.value).startswith("quickbooks_invoice_list.csv: this file is not a bank statement")


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"SQLite format 3\x00" + bytes(100), b"%PDF-1.7\n%\xe2\xe3\n"],
)
def test_other_files_are_not_statements(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "statement.xml"
    path.write_bytes(content)
    with pytest.raises(FileRefused) as refused:
        read_bank_file(path)
    assert ACCEPTED in refused.value.problem.message


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileRefused, match="there is no file at"):
        read_bank_file(tmp_path / "missing.xml")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Document [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt>&lol4;</BkToCstmrStmt></Document>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Acct><Id>
<IBAN>&secret;</IBAN></Id></Acct></Stmt></BkToCstmrStmt></Document>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE OFX SYSTEM "http://example.invalid/ofx.dtd">
<OFX><BANKMSGSRSV1></BANKMSGSRSV1></OFX>
"""


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_xml_bombs_and_external_entities_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "statement.xml"
    path.write_bytes(content)
    with pytest.raises(FileRefused) as refused:
        read_bank_file(path)
    assert "declares a document type or entities" in refused.value.problem.message


def test_damaged_xml_names_its_line(tmp_path: Path) -> None:
    source = (FIXTURES / "camt054_001_04_sparkasse.xml").read_bytes()
    path = tmp_path / "statement.xml"
    path.write_bytes(source.replace(b"</NtryRef>", b"</NtryRf>", 1))
    with pytest.raises(FileRefused) as refused:
        read_bank_file(path)
    assert refused.value.problem.line == 19
    assert "not well-formed XML" in refused.value.problem.message


def test_nesting_far_deeper_than_a_statement_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "statement.xml"
    body = b"<a>" * 5000 + b"</a>" * 5000
    path.write_bytes(
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        + body
        + b"</BkToCstmrStmt></Document>"
    )
    with pytest.raises(FileRefused, match="nested far deeper"):
        read_bank_file(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04">'
            b"<BkToCstmrStmt><GrpHdr><MsgId>1</MsgId></GrpHdr></BkToCstmrStmt></Document>",
            "the file holds no statement (Stmt element)",
        ),
        (
            b"OFXHEADER:100\r\nDATA:OFXSGML\r\n\r\n<OFX>\r\n<SIGNONMSGSRSV1>\r\n<SONRS>\r\n<STATUS>\r\n"
            b"<CODE>15500\r\n<SEVERITY>ERROR\r\n</STATUS>\r\n</SONRS>\r\n</SIGNONMSGSRSV1>\r\n</OFX>\r\n",
            "the file holds no bank or card statement (STMTRS)",
        ),
    ],
)
def test_a_file_of_the_format_without_a_statement(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "statement.dat"
    path.write_bytes(content)
    with pytest.raises(FileRefused) as refused:
        read_bank_file(path)
    assert refused.value.problem.message.startswith(expected)


def test_an_xml_problem_reads_with_its_element(tmp_path: Path) -> None:
    source = (FIXTURES / "camt054_001_04_sparkasse.xml").read_bytes()
    path = tmp_path / "notification.xml"
    path.write_bytes(source.replace(b">1234.50<", b">1234,50<", 1))
    with pytest.raises(FileRefused) as refused:
        read_bank_file(path)
    assert str(refused.value) == (
        "notification.xml: element Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry[1]/Amt: "
        "expected an amount like 1234.50, got '1234,50'"
    )
