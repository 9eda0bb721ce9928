"""The company's letterhead and the look of its documents."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from creditdesk.documents.model import BankDetails, Branding
from creditdesk.documents.model import PageSize as PageSize
from creditdesk.domain.bank_accounts import check_bic as check_bic
from creditdesk.domain.bank_accounts import check_iban as check_iban
from creditdesk.domain.bank_accounts import compact as compact
from creditdesk.domain.bank_accounts import grouped_iban as grouped_iban
from creditdesk.domain.errors import ValidationError
from creditdesk.domain.validation import check_email, check_text
from creditdesk.services.clients.records import FieldProblem
from creditdesk.services.company.settings import company_in
from creditdesk.store.database import Database, is_open_here
from creditdesk.store.models import Company
from creditdesk.store.unit_of_work import UnitOfWork


def branding_of(company: Company) -> Branding:
    return Branding(
        name=company.name,
        address=company.address,
        phone=company.phone,
        email=company.email,
        tax_number=company.tax_number,
        bank=BankDetails(
            account_name=company.bank_account_name,
            iban=company.bank_iban,
            bic=company.bank_bic,
            account_number=company.bank_account_number,
            sort_code=company.bank_sort_code,
        ),
        payment_instructions=company.payment_instructions,
        logo=company.logo,
        page_size=PageSize(company.page_size),
        accent_colour=company.accent_colour,
        signatory=company.signatory,
    )


def get_branding(db: Database) -> Branding:
    with UnitOfWork(db) as uow:
        return branding_of(company_in(uow.session))


# --- the company settings form ---------------------------------------------------------------------

LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_SIZE = (1200, 600)  # pixels: sharp at 300 dpi on a letterhead 10 cm by 5 cm
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class BrandingInput:
    """The company settings as the form edits them; field names follow the company row."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    tax_number: str = ""
    bank_account_name: str = ""
    bank_iban: str = ""
    bank_bic: str = ""
    bank_account_number: str = ""
    bank_sort_code: str = ""
    payment_instructions: str = ""
    page_size: str = PageSize.A4.value
    accent_colour: str = "#1F4E79"
    signatory: str = ""
    logo: bytes | None = None  # as load_logo() made it


def check_colour(value: str) -> str:
    colour = value.strip()
    if not _COLOUR.match(colour):
        raise ValidationError(f"accent colour '{colour}' is not a colour written as #RRGGBB")
    return colour.upper()


def check_page_size(value: str) -> PageSize:
    try:
        return PageSize(value)
    except ValueError:
        raise ValidationError(f"page size '{value}' is not one of A4 or Letter") from None


def check_logo(logo: bytes | None) -> bytes | None:
    if logo is None:
        return None
    if not logo.startswith((_PNG_MAGIC, _JPEG_MAGIC)):
        raise ValidationError("the logo is not a PNG or JPEG picture; choose it again")
    if len(logo) > LOGO_MAX_BYTES:
        raise ValidationError("the logo is larger than 5 MB; choose it again to have it scaled down")
    return logo


def branding_problems(data: BrandingInput) -> list[FieldProblem]:
    """Every field rule ``data`` breaks, in the form's order, without the database."""
    checks: list[tuple[str, Callable[[], object]]] = [
        ("name", lambda: check_text(data.name, field="company name", required=True)),
        ("address", lambda: check_text(data.address, field="address", max_length=1000)),
        ("phone", lambda: check_text(data.phone, field="phone", max_length=50)),
        ("email", lambda: check_text(check_email(data.email, field="email"), field="email", max_length=254)),
        ("tax_number", lambda: check_text(data.tax_number, field="tax number", max_length=50)),
        ("bank_account_name", lambda: check_text(data.bank_account_name, field="account name")),
        ("bank_iban", lambda: check_iban(data.bank_iban)),
        ("bank_bic", lambda: check_bic(data.bank_bic)),
        (
            "bank_account_number",
            lambda: check_text(data.bank_account_number, field="account number", max_length=34),
        ),
        ("bank_sort_code", lambda: check_text(data.bank_sort_code, field="sort code", max_length=20)),
        (
            "payment_instructions",
            lambda: check_text(data.payment_instructions, field="payment instructions", max_length=1000),
        ),
        ("page_size", lambda: check_page_size(data.page_size)),
        ("accent_colour", lambda: check_colour(data.accent_colour)),
        ("signatory", lambda: check_text(data.signatory, field="signatory")),
        ("logo", lambda: check_logo(data.logo)),
    ]
    problems = []
    for name, check in checks:
        try:
            check()
        except ValidationError as exc:
            problems.append(FieldProblem(name, exc.message))
    return problems


def branding_form(db: Database) -> BrandingInput:
    """The company settings as the form shows them."""
    with UnitOfWork(db) as uow:
        c = company_in(uow.session)
        return BrandingInput(
            name=c.name,
            address=c.address,
            phone=c.phone,
            email=c.email,
            tax_number=c.tax_number,
            bank_account_name=c.bank_account_name,
            bank_iban=c.bank_iban,
            bank_bic=c.bank_bic,
            bank_account_number=c.bank_account_number,
            bank_sort_code=c.bank_sort_code,
            payment_instructions=c.payment_instructions,
            page_size=c.page_size,
            accent_colour=c.accent_colour,
            signatory=c.signatory,
            logo=c.logo,
        )


def save_branding(db: Database, data: BrandingInput) -> None:
    """Save the company settings in one transaction; the first broken rule is raised, nothing saved."""
    problems = branding_problems(data)
    if problems:
        raise ValidationError(problems[0].message)
    with UnitOfWork(db, write=True) as uow:
        c = company_in(uow.session)
        c.name = data.name.strip()
        c.address = data.address.strip()
        c.phone = data.phone.strip()
        c.email = data.email.strip()
        c.tax_number = data.tax_number.strip()
        c.bank_account_name = data.bank_account_name.strip()
        c.bank_iban = check_iban(data.bank_iban)
        c.bank_bic = check_bic(data.bank_bic)
        c.bank_account_number = data.bank_account_number.strip()
        c.bank_sort_code = data.bank_sort_code.strip()
        c.payment_instructions = data.payment_instructions.strip()
        c.page_size = check_page_size(data.page_size).value
        c.accent_colour = check_colour(data.accent_colour)
        c.signatory = data.signatory.strip()
        c.logo = data.logo
        uow.commit()


def load_logo(path: Path | str) -> bytes:
    """A picture file as a logo: PNG or JPEG only (by content), at most 5 MB, scaled to fit 1200 x 600.

    Re-encoding drops whatever else the file carries (camera data, colour
    profiles ReportLab cannot use) and keeps the company file small. A PNG
    stays a PNG (a drawn logo, perhaps transparent); a JPEG stays a JPEG (a photo).
    """
    path = Path(path)
    if path.is_dir():
        raise ValidationError(f"{path.name} is a folder; choose a PNG or JPEG picture")
    if is_open_here(path):  # reading it here would drop this process's locks on the books
        raise ValidationError(f"{path.name} is a company file; choose a PNG or JPEG picture")
    try:
        size = path.stat().st_size
        if size > LOGO_MAX_BYTES:
            raise ValidationError(
                f"{path.name} is {size / 1024 / 1024:.1f} MB; a logo may be at most 5 MB. "
                "Save it smaller and choose it again"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{path.name} cannot be read ({exc.strerror or exc})") from exc
    if data.startswith(_PNG_MAGIC):
        kind = "PNG"
    elif data.startswith(_JPEG_MAGIC):
        kind = "JPEG"
    else:
        raise ValidationError(f"{path.name} is not a PNG or JPEG picture; save the logo as PNG and try again")
    try:
        return _scaled(data, kind)
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ) as exc:
        raise ValidationError(f"{path.name} is a damaged or unusual {kind} file and cannot be used") from exc


def _scaled(data: bytes, kind: str) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)  # a huge picture is refused
        with Image.open(io.BytesIO(data), formats=[kind]) as opened:
            image = ImageOps.exif_transpose(opened)  # phone photos stored sideways
    image.thumbnail(LOGO_MAX_SIZE, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    return out.getvalue()
