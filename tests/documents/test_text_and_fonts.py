"""Whatever users type prints as typed, in the embedded Noto Sans and nothing else."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal
from typing import Any

from PIL import Image

from creditdesk.documents.aged_debtors import render_aged_debtors
from creditdesk.documents.invoice import render_invoice
from creditdesk.documents.letter import render_letter
from creditdesk.documents.logo import logo_image
from creditdesk.documents.model import Addressee, InvoiceDocLine
from creditdesk.documents.statement import render_statement
from creditdesk.documents.text import escape
from tests.documents.factories import (
    BRANDING,
    EUR,
    EURO_BRANDING,
    activity_statement,
    aged_debtors,
    invoice,
    letter,
)
from tests.documents.pdfcheck import all_text, fonts, is_embedded, page_texts, reader, squash

ONE = Decimal(1)
AWKWARD = Addressee(
    name="<b>Bold & Co</b>",
    code="BOLD&1",
    contact_name="Zeta Café",
    address="Straße des 17. Juni 12\nŁódź 90-001\nΕλλάδα",
)


def test_escape_keeps_markup_literal_and_turns_newlines_into_breaks() -> None:
    assert escape("<b>Bold & Co</b>") == "&lt;b&gt;Bold &amp; Co&lt;/b&gt;"
    assert escape("line one\r\nline two\n") == "line one<br/>line two"
    assert escape("bell\x07 and tab\tok") == "bell and tab ok"


def test_typed_markup_and_non_latin_text_print_as_typed() -> None:
    doc = invoice(client=AWKWARD, notes="Deposit ₹ 1,200 received <i>with thanks</i> & noted")
    doc = replace(
        doc, lines=(*doc.lines, InvoiceDocLine("Café fit-out, Łódź & Ελλάδα", ONE, ONE, ONE * 0, ONE))
    )
    for pdf in (
        render_invoice(doc),
        render_statement(activity_statement(client=AWKWARD)),
        render_letter(letter(client=AWKWARD)),
    ):
        text = all_text(pdf)
        assert "<b>Bold & Co</b>" in text
        for word in ("Zeta Café", "Straße", "Łódź", "Ελλάδα"):
            assert word in text
    text = all_text(render_invoice(doc))
    assert "₹ 1,200" in text and "<i>with thanks</i> & noted" in text


def test_every_font_is_embedded_noto_sans() -> None:
    documents = [
        render_invoice(invoice(client=AWKWARD, watermark="VOID")),
        render_invoice(invoice(branding=EURO_BRANDING, formats=EUR)),  # with the payment QR code
        render_statement(activity_statement(client=AWKWARD)),
        render_letter(letter()),
        render_aged_debtors(aged_debtors()),
    ]
    for pdf in documents:
        used = fonts(pdf)
        assert used
        for name, font in used.items():
            assert "NotoSans" in name, name
            assert is_embedded(font), name


def test_a_very_long_word_wraps_instead_of_running_off_the_page() -> None:
    word = "Kitchenrefurbishment" * 12
    doc = replace(invoice(), lines=(InvoiceDocLine(word, ONE, ONE, ONE * 0, ONE),))
    text = page_texts(render_invoice(doc))[0]
    assert word in "".join(text.split())
    assert all(word not in line for line in text.splitlines())


def test_long_names_and_addresses_wrap_and_still_print() -> None:
    client = Addressee(
        name="The Very Long Named Harbourside Restaurant, Bar, Bakery and Events Company of Poole Limited",
        code="LONG01",
        address="\n".join(f"Address line {i} with a good many words in it" for i in range(1, 9)),
    )
    text = squash(all_text(render_invoice(invoice(client=client))))
    assert client.name in text and "Address line 8 with a good many words in it" in text


def _png(width: int = 600, height: int = 200) -> bytes:
    image = Image.new("RGBA", (width, height), (31, 78, 121, 255))
    for x in range(width // 3):
        for y in range(height):
            image.putpixel((x, y), (255, 255, 255, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_statement_without_logo_is_small_and_with_a_logo_still_renders() -> None:
    plain = render_statement(activity_statement(20))
    assert len(plain) < 60_000

    logo = _png()
    with_logo = render_statement(activity_statement(20, branding=replace(BRANDING, logo=logo)))
    resources: Any = reader(with_logo).pages[0]["/Resources"]
    images = [x for x in resources["/XObject"].values() if x.get_object()["/Subtype"] == "/Image"]
    assert images
    assert "Harbour & Pine Joinery Ltd" in all_text(with_logo)


def test_the_logo_is_decoded_once_and_a_broken_one_is_left_out() -> None:
    logo = _png(300, 100)
    assert logo_image(logo) is logo_image(bytes(logo))
    assert logo_image(b"not an image") is None
    assert logo_image(None) is None
    broken = render_invoice(invoice(branding=replace(BRANDING, logo=b"\x89PNG broken")))
    assert "INVOICE" in all_text(broken)
