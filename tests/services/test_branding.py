"""Company settings: checked field by field, saved in one go, the logo made safe and small."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from creditdesk.documents.model import PageSize
from creditdesk.domain.errors import ValidationError
from creditdesk.services.clients.records import FieldProblem
from creditdesk.services.company.branding import (
    LOGO_MAX_BYTES,
    BrandingInput,
    branding_form,
    branding_problems,
    check_bic,
    check_iban,
    get_branding,
    load_logo,
    save_branding,
)
from creditdesk.services.company.settings import get_company
from creditdesk.store.database import Database

GOOD = BrandingInput(
    name="  Northwind Supplies Ltd ",
    address="1 Harbour Road\nBristol BS1 4AA",
    phone="0117 496 0000",
    email="accounts@northwind.example",
    tax_number="GB123456789",
    bank_account_name="Northwind Supplies Ltd",
    bank_iban="gb82 west 1234 5698 7654 32",
    bank_bic="westgb2l",
    bank_account_number="98765432",
    bank_sort_code="12-34-56",
    payment_instructions="Please quote the invoice number.",
    page_size="Letter",
    accent_colour="#a0522d",
    signatory="Jane Smith",
)


def picture(kind: str, size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128)).save(out, kind)
    return out.getvalue()


def test_settings_round_trip(db: Database) -> None:
    save_branding(db, GOOD)
    form = branding_form(db)
    assert form.name == "Northwind Supplies Ltd"
    assert (form.bank_iban, form.bank_bic) == ("GB82WEST12345698765432", "WESTGB2L")
    assert (form.page_size, form.accent_colour, form.logo) == ("Letter", "#A0522D", None)
    branding = get_branding(db)
    assert branding.page_size is PageSize.LETTER
    assert branding.bank.sepa_ready and branding.signatory == "Jane Smith"
    assert branding.address == GOOD.address
    assert get_company(db).name == "Northwind Supplies Ltd"


def test_a_bad_iban_names_the_field_and_saves_nothing(db: Database) -> None:
    save_branding(db, GOOD)
    before = branding_form(db)
    bad = replace(GOOD, name="Renamed Ltd", bank_iban="GB82 WEST 1234 5698 7654 33")
    assert branding_problems(bad) == [
        FieldProblem(
            "bank_iban",
            "IBAN GB82 WEST 1234 5698 7654 33 fails its check digits; copy it again from a bank statement",
        )
    ]
    with pytest.raises(ValidationError, match=r"^IBAN GB82 WEST 1234 5698 7654 33 fails its check digits"):
        save_branding(db, bad)
    assert branding_form(db) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "  ", "company name is required"),
        ("email", "accounts@", "email 'accounts@' is not a valid email address"),
        ("bank_iban", "12AB", "IBAN '12AB' is not an IBAN"),
        (
            "bank_iban",
            "DE41370400440532013",
            "IBAN DE41 3704 0044 0532 013 has 19 characters, but an IBAN from Germany has 22",
        ),
        ("bank_iban", "XX46370400440532013000", "IBAN 'XX46370400440532013000' starts with XX, which is not"),
        ("bank_bic", "DEUTXXFF", "BIC DEUTXXFF names no country"),
        ("bank_bic", "WEST GB", "BIC 'WEST GB' is not a BIC"),
        ("bank_bic", "WESTGB2LXX", "BIC 'WESTGB2LXX' is not a BIC"),
        ("accent_colour", "navy", "accent colour 'navy' is not a colour written as #RRGGBB"),
        ("page_size", "A5", "page size 'A5' is not one of A4 or Letter"),
        ("logo", b"GIF89a", "the logo is not a PNG or JPEG picture"),
    ],
)
def test_each_rule_names_its_field(field: str, value: Any, message: str) -> None:
    problems = branding_problems(replace(GOOD, **{field: value}))
    assert [p.field for p in problems] == [field]
    assert problems[0].message.startswith(message)


def test_iban_and_bic_rules() -> None:
    assert check_iban(" de89 3704 0044 0532 0130 00 ") == "DE89370400440532013000"
    assert check_iban("") == ""
    assert check_bic("DEUTDEFF500") == "DEUTDEFF500"
    assert check_bic("deut de ff") == "DEUTDEFF"
    with pytest.raises(ValidationError, match="fails its check digits"):
        check_iban("DE88370400440532013000")


def test_a_large_png_logo_is_scaled_keeping_its_shape(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "logo.png"
    path.write_bytes(picture("PNG", (3000, 1000), "RGBA"))
    logo = load_logo(path)
    with Image.open(io.BytesIO(logo)) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (1200, 400), "RGBA")
    save_branding(db, replace(GOOD, logo=logo))
    assert branding_form(db).logo == logo
    assert get_branding(db).logo == logo
    save_branding(db, replace(GOOD, logo=None))  # Remove
    assert branding_form(db).logo is None


def test_a_photo_stays_a_jpeg_and_a_small_logo_keeps_its_size(tmp_path: Path) -> None:
    photo = tmp_path / "photo.JPG"
    photo.write_bytes(picture("JPEG", (1000, 1500)))
    with Image.open(io.BytesIO(load_logo(photo))) as image:
        assert (image.format, image.size) == ("JPEG", (400, 600))
    small = tmp_path / "small.png"
    small.write_bytes(picture("PNG", (240, 80)))
    with Image.open(io.BytesIO(load_logo(small))) as image:
        assert image.size == (240, 80)


def test_files_that_are_not_logos_are_refused(tmp_path: Path) -> None:
    fake = tmp_path / "logo.png"  # the name says PNG; the content does not
    fake.write_text("not a picture at all")
    with pytest.raises(ValidationError, match=r"^logo.png is not a PNG or JPEG picture"):
        load_logo(fake)
    broken = tmp_path / "broken.png"
    broken.write_bytes(picture("PNG", (100, 100))[:60])
    with pytest.raises(ValidationError, match="damaged or unusual PNG"):
        load_logo(broken)
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(b"\xff\xd8\xff" + bytes(LOGO_MAX_BYTES))
    with pytest.raises(ValidationError, match=r"huge.jpg is 5.0 MB; a logo may be at most 5 MB"):
        load_logo(huge)
    with pytest.raises(ValidationError, match=r"^missing.png cannot be read"):
        load_logo(tmp_path / "missing.png")
    with pytest.raises(ValidationError, match="is a folder"):
        load_logo(tmp_path)
