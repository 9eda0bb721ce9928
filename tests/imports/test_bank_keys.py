"""Derived keys, for entries a file gives no reference: unique in a file, alike across overlapping ones."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from creditdesk.imports.bank import read_bank_file

# Few amounts and texts, so that identical entries on one day are common.
_ENTRY = st.tuples(
    st.integers(min_value=1, max_value=5),
    st.sampled_from(["250.00", "-89.90", "1190.00"]),
    st.sampled_from(["RE A1003", "Abschlag Strom", "INV A-1002"]),
)


def _export(folder: Path, name: str, entries: list[tuple[int, str, str]]) -> list[tuple[int, str]]:
    """The entries as a bank's CSV export; each one's day and derived reference, in file order."""
    path = folder / name
    lines = ["Date,Description,Amount,Currency"]
    lines += [f"2026-12-{day:02d},{text},{amount},EUR" for day, amount, text in entries]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    statement = read_bank_file(path)
    assert all(entry.reference_derived for entry in statement.transactions)
    return [(entry.booked.day, entry.reference) for entry in statement.transactions]


@settings(max_examples=40, deadline=None)
@given(
    entries=st.lists(_ENTRY, min_size=1, max_size=25),
    first_end=st.integers(min_value=1, max_value=5),
    overlap=st.integers(min_value=0, max_value=4),
)
def test_overlapping_exports_name_shared_days_alike(
    entries: list[tuple[int, str, str]], first_end: int, overlap: int
) -> None:
    entries = sorted(entries, key=lambda entry: entry[0])  # a statement lists its days in order
    second_start = max(1, first_end - overlap)
    with tempfile.TemporaryDirectory() as folder:
        whole = _export(Path(folder), "whole.csv", entries)
        earlier = _export(Path(folder), "earlier.csv", [e for e in entries if e[0] <= first_end])
        later = _export(Path(folder), "later.csv", [e for e in entries if e[0] >= second_start])
    for found in (whole, earlier, later):
        assert len({reference for _, reference in found}) == len(found)  # two alike entries stay two
    whole_by_day = {day: [ref for d, ref in whole if d == day] for day in range(1, 6)}
    for day in range(1, 6):
        if day <= first_end:
            assert [ref for d, ref in earlier if d == day] == whole_by_day[day]
        if day >= second_start:
            assert [ref for d, ref in later if d == day] == whole_by_day[day]
