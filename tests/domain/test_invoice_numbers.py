import pytest

from creditdesk.domain.invoice_numbers import NumberIndex, Reading, number_key, settle

INDEX = NumberIndex(
    [
        (1, "A-1002"),
        (2, "A-1003"),
        (3, "B-1003"),
        (4, "INV-0042"),
        (5, "2026/0007"),
        (6, "1500"),
        (7, "A-1004"),
    ]
)


def named(text: str) -> list[tuple[int, ...]]:
    return [reading.invoice_ids for reading in INDEX.readings(text)]


def test_a_number_is_its_runs_of_letters_and_digits_without_case_separators_or_leading_zeros() -> None:
    assert number_key("INV-A/01002") == ("INV", "A", "1002")
    assert number_key("inv a 1002") == ("INV", "A", "1002")
    assert number_key("INVA1002") == ("INVA", "1002")
    assert number_key("2026/0007") == ("2026", "7")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INV A-1002", [(1,)]),
        ("a 1003", [(2,)]),
        ("A1003", [(2,)]),
        ("A-1003", [(2,)]),
        ("a/1003", [(2,)]),
        ("A_1003.", [(2,)]),
        ("Payment for a - 1003 thanks", [(2,)]),
        ("A-01003", [(2,)]),
        ("inv 42", [(4,)]),
        ("INV-42", [(4,)]),
        ("INV0042", [(4,)]),
        ("Invoice INV 0042", [(4,)]),
        ("2026/7", [(5,)]),
        ("#1002", [(1,)]),
        ("# 1002", [(1,)]),
        ("Invoice 1002", [(1,)]),
        ("invoice no. 1002", [(1,)]),
        ("Rechnung Nr. 1002", [(1,)]),
        ("Facture 1004", [(7,)]),
        ("No. 1500", [(6,)]),
        ("INV 1002, 1004", [(1,), (7,)]),
        ("#1002 #1004", [(1,), (7,)]),
        ("A-1002, 1004 and 1003", [(1,), (7,), (2, 3)]),
        ("A-1002 & A-1004", [(1,), (7,)]),
    ],
)
def test_spellings_that_name_invoices(text: str, expected: list[tuple[int, ...]]) -> None:
    assert named(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1002",  # a bare number could be anything: an amount, a postcode, an order
        "payment 1500.00",
        "No. 1500,00",
        "paid on 07.12.2026",
        "A1003B",  # the middle of a longer word
        "XA1003",
        "5A1003",
        "A10035",
        "A    1003",  # too far apart to be one number
        "IBAN DE89 3704 0044 0532 0130 00",
        "Order 1002",  # not marked as an invoice number
        "",
    ],
)
def test_text_that_names_no_invoice(text: str) -> None:
    assert named(text) == []


def test_last_digits_shared_by_two_invoices_are_ambiguous() -> None:
    assert INDEX.readings("#1003") == [Reading((2, 3), whole_number=False)]


def test_the_longest_number_wins_at_each_place() -> None:
    index = NumberIndex([(1, "INV-7"), (2, "INV-7-2")])
    assert [r.invoice_ids for r in index.readings("INV 7-2")] == [(2,)]
    assert [r.invoice_ids for r in index.readings("INV 7")] == [(1,)]


def test_an_ambiguous_reading_is_settled_by_the_payer_only_when_one_invoice_is_theirs() -> None:
    client_of = {2: 10, 3: 20}
    readings = INDEX.readings("#1003")
    assert settle(readings, client_of, frozenset({20})) == ([3], False)
    assert settle(readings, client_of, frozenset()) == ([], True)
    assert settle(readings, client_of, frozenset({10, 20})) == ([], True)


def test_an_invoice_named_twice_counts_once() -> None:
    readings = INDEX.readings("A-1002 (A1002)")
    assert settle(readings, {1: 10}, frozenset()) == ([1], False)
