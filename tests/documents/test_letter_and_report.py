"""Reminder letters and the aged debtors report read back."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from creditdesk.documents.aged_debtors import choose_fit, render_aged_debtors
from creditdesk.documents.letter import render_letter
from tests.documents.factories import GBP, aged_debtors, letter
from tests.documents.pdfcheck import all_text, page_texts, qpdf_check, reader, squash


def test_a_reminder_letter_says_everything_in_order(tmp_path: Path) -> None:
    doc = letter()
    pdf = render_letter(doc)
    text = squash(all_text(pdf))

    parts = [
        doc.client.name,
        "31 Mar 2026",
        doc.subject,
        doc.salutation,
        doc.paragraphs[0],
        "INV-0098",
        "INV-0117",
    ]
    parts += [
        "Total outstanding",
        doc.closing_paragraphs[0],
        doc.sign_off,
        doc.signatory,
        doc.signatory_title,
    ]
    positions = [text.index(part) for part in parts]
    assert positions == sorted(positions)
    assert GBP.amount(doc.total_overdue) in text and "48" in text and "26" in text
    assert text.rstrip().endswith("Page 1 of 1") or "Page 1 of 1" in text
    assert doc.branding.name in text[positions[-1] :]
    qpdf_check(pdf, tmp_path)


def test_aged_debtors_lists_every_client_and_the_totals(tmp_path: Path) -> None:
    doc = aged_debtors(60)
    pdf = render_aged_debtors(doc)
    pages = page_texts(pdf)
    everything = squash(" ".join(pages))

    assert "Aged debtors" in pages[0] and "by due date" in pages[0] and doc.branding.name in pages[0]
    for row in doc.rows:
        assert row.code in everything
        assert GBP.amount(row.total) in everything
    assert GBP.amount(doc.totals.total) in squash(pages[-1])
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Code" in text and "On account" in squash(text)
    assert len(pages) >= 2 and "(continued)" in pages[1]
    qpdf_check(pdf, tmp_path)


def test_aged_debtors_turns_landscape_only_when_the_figures_need_it() -> None:
    narrow = aged_debtors(5, buckets=3)
    wide = aged_debtors(5, scale=Decimal("100000"), buckets=7)

    assert not choose_fit(narrow).landscape
    portrait = reader(render_aged_debtors(narrow)).pages[0].mediabox
    assert float(portrait.width) < float(portrait.height)

    assert choose_fit(wide).landscape
    landscape = reader(render_aged_debtors(wide)).pages[0].mediabox
    assert float(landscape.width) > float(landscape.height)
    text = all_text(render_aged_debtors(wide))
    assert GBP.amount(wide.totals.total) in text
