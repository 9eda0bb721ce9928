"""A believable demo business, written into an empty company file.

Every screen needs something real to show, and the benchmarks need a ledger
the size of a busy small business. The generator plays out eighteen months of
trading: clients with their own habits (prompt, slow, part-paying, chronically
late, over-paying), invoices priced by the domain's own line rounding, and
payments and credit notes applied by the ledger's rules. It is driven only by
``random.Random(seed)`` and ``as_of``, so the same arguments always give the
same file.

Rows go in through SQLAlchemy Core ``executemany`` with primary keys assigned
here, in one transaction: 200,000 invoices take seconds, not minutes.
E-mail addresses all end in ``.example`` (a reserved top-level domain), so a
reminder sent from a demo file can never reach a real inbox.
"""

from __future__ import annotations

import random
import unicodedata
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditdesk.domain.errors import DatabaseError, ValidationError
from creditdesk.domain.invoice import InvoiceLine, InvoiceStatus
from creditdesk.domain.money import currency_exponent, from_minor, to_minor
from creditdesk.domain.ranges import MAX_DATE, MIN_DATE
from creditdesk.domain.terms import PaymentTerms, TermsBasis
from creditdesk.services.company.settings import DEFAULT_TERMS, create_company_in, terms_of, terms_row
from creditdesk.store.bulk import CHUNK, BulkWriter, Row
from creditdesk.store.database import Database
from creditdesk.store.models import (
    Activity,
    AllocationRow,
    Client,
    Company,
    CreditNote,
    Invoice,
    InvoiceLineRow,
    Payment,
    PaymentTermsRow,
)
from creditdesk.store.unit_of_work import UnitOfWork

HISTORY_DAYS = 547  # eighteen months of trading up to as_of
# Clients' histories reach up to 900 days before the trading starts, and due dates a year past as_of.
DEMO_EARLIEST = MIN_DATE + timedelta(days=HISTORY_DAYS + 1000)
DEMO_LATEST = MAX_DATE - timedelta(days=366)

DEMO_COMPANY = "Harbour & Pine Joinery Ltd"


@dataclass(frozen=True)
class DemoSummary:
    """What was written; the same arguments always give the same summary."""

    clients: int
    invoices: int
    invoice_lines: int
    payments: int
    credit_notes: int
    allocations: int
    activities: int

    def describe(self) -> str:
        return (
            f"{self.clients:,} clients, {self.invoices:,} invoices, {self.payments:,} payments, "
            f"{self.credit_notes:,} credit notes"
        )


def generate_demo(
    db: Database,
    *,
    clients: int = 200,
    invoices: int = 5000,
    seed: int = 1,
    as_of: date,
) -> DemoSummary:
    """Fill an empty company file with a demo business trading up to ``as_of``.

    Refuses a file that already has clients: demo rows mixed into real books
    could never be told apart again.
    """
    if clients < 1:
        raise ValidationError(f"a demo company needs at least one client (asked for {clients})")
    if invoices < 0:
        raise ValidationError(f"the number of demo invoices cannot be negative (asked for {invoices})")
    if not DEMO_EARLIEST <= as_of <= DEMO_LATEST:
        raise ValidationError(
            f"demo data can be made as of {DEMO_EARLIEST.isoformat()} to {DEMO_LATEST.isoformat()}, "
            f"not {as_of.isoformat()}, so that its history and due dates stay within the dates "
            "CreditDesk accepts"
        )
    with UnitOfWork(db, write=True) as uow:
        session = uow.session
        if session.scalar(select(Client.id).limit(1)) is not None:
            raise DatabaseError(
                f"{db.path.name} already has clients, so no demo data was added. "
                "Demo data only goes into an empty company file: choose a new file with --db."
            )
        company = _demo_company(session)
        builder = _Builder(
            session,
            company,
            _terms_choices(session, company),
            random.Random(seed),
            as_of,
        )
        summary = builder.build(clients, invoices)
        uow.commit()
    return summary


# --- company and terms -------------------------------------------------------------------------


def _demo_company(session: Session) -> Company:
    company = session.get(Company, 1)
    if company is None:
        company = create_company_in(session, DEMO_COMPANY, "GBP", "en_GB")
    details = {
        "address": "Unit 4, Quayside Works\n18 Harbour Road\nFalmouth\nTR11 2AB\nUnited Kingdom",
        "email": "accounts@harbourandpine.example",
        "phone": "01632 960 418",
        "tax_number": "GB 123 4567 89",
        "bank_account_name": company.name,
        # The specimen account of the IBAN standard's own examples, not a real one.
        "bank_sort_code": "60-16-13",
        "bank_account_number": "31926819",
        "bank_iban": "GB29NWBK60161331926819",
        "bank_bic": "NWBKGB2L",
        "signatory": "Morwenna Trelawny",
        "payment_instructions": (
            "Please pay by bank transfer, quoting the invoice number or your account code. "
            "Cheques payable to Harbour & Pine Joinery Ltd."
        ),
    }
    for name, value in details.items():
        if not getattr(company, name):  # an existing company keeps what it already has
            setattr(company, name, value)
    return company


# How often each of the company's usual terms is given to a client.
TERMS_WEIGHTS: dict[str, int] = {
    "Due on receipt": 3,
    "Net 7": 6,
    "Net 14": 14,
    "Net 30": 45,
    "Net 60": 9,
    "30 days after end of month": 15,
    "2 % 10, net 30": 8,
}


@dataclass(frozen=True)
class _TermsChoice:
    id: int
    terms: PaymentTerms
    weight: int


def _terms_choices(session: Session, company: Company) -> list[_TermsChoice]:
    """The company's usual terms rows (adding any that are missing), with their weights."""
    rows = {row.name: row for row in session.scalars(select(PaymentTermsRow).order_by(PaymentTermsRow.id))}
    choices = []
    for label, terms in DEFAULT_TERMS:
        row = rows.get(label) or terms_row(session, terms)
        choices.append(_TermsChoice(row.id, terms_of(row), TERMS_WEIGHTS.get(label, 5)))
    if company.default_terms_id is None:
        company.default_terms_id = next(c.id for c in choices if c.terms == PaymentTerms(30))
    return choices


# --- believable names and places ----------------------------------------------------------------


class Region(Enum):
    UK = "uk"
    EU = "eu"
    US = "us"


class Profile(Enum):
    PROMPT = "prompt"  # pays around the due date
    SLOW = "slow"  # pays 10-60 days late
    PART = "part"  # pays in instalments
    CHRONIC = "chronic"  # pays months late, some never
    OVERPAYER = "overpayer"  # rounds up, pays twice, leaves money on account


PROFILE_SHARES: tuple[tuple[Profile, int], ...] = (
    (Profile.SLOW, 25),
    (Profile.PART, 12),
    (Profile.CHRONIC, 10),
    (Profile.OVERPAYER, 8),
)  # the rest are prompt payers

# Names that must survive every screen, PDF and CSV: fixed, so every demo file has them.
# (name, region, index into EU_PLACES for European clients)
SPECIAL_CLIENTS: tuple[tuple[str, Region, int | None], ...] = (
    ("Zeta Café", Region.UK, None),
    ("Łódź Logistics Sp. z o.o.", Region.EU, 2),
    ("Müller & Söhne GmbH", Region.EU, 0),
    ("Ørsted Byg ApS", Region.EU, 4),
    ("Crème de la Crème Patisserie Ltd", Region.UK, None),
    ("Björk & Åberg AB", Region.EU, 5),
    ("Société Dupré Menuiserie SARL", Region.EU, 3),
    ("Siobhán Ní Bhriain Interiors", Region.UK, None),
    ("Señor Pimiento's Cantina Ltd", Region.UK, None),
    ("Cedar Ridge Homes LLC", Region.US, None),
)

SURNAMES = (
    "Ashworth", "Bramley", "Calder", "Dunmore", "Ellison", "Fairbairn", "Greaves", "Hartley",
    "Ingram", "Jessop", "Kettering", "Lovell", "Marsden", "Norwood", "Oakley", "Pennington",
    "Redmayne", "Stanwick", "Thorne", "Varley", "Whitcombe", "Yardley", "Aldridge", "Blackwood",
    "Pemberton", "Okonkwo", "Patel", "Nakamura", "Kowalski", "O'Brien", "MacLeod", "Fitzgerald",
    "Chen", "Haddad", "Rossi", "Novak", "Jensen", "Trevithick", "Penhaligon", "Tregothnan",
)  # fmt: skip
PLACES = (
    "Castleton", "Dovecote", "Eastgate", "Fernside", "Glenmore", "Highfield", "Kingsway", "Larkspur",
    "Millbrook", "Northcote", "Orchard", "Parkside", "Riverside", "Saltmarsh", "Tidewater", "Westbury",
    "Brightwater", "Copperfield", "Harbourside", "Seaview", "Moorland", "Granite", "Ironbridge",
    "Kestrel", "Quayside", "Helford", "Carrick", "Pendennis", "Roseland", "Trelissick",
)  # fmt: skip
TRADES = (
    "Building Services", "Property Management", "Interiors", "Developments", "Architects", "Lettings",
    "Hotels", "Dental Practice", "Veterinary Surgery", "Estates", "Construction", "Homes",
    "Design Studio", "Restorations", "Facilities", "Shopfitters", "Brewery", "Boatyard", "Marine",
    "Holiday Lets", "Surveyors", "Garden Centre", "Kitchens", "Bathrooms", "Flooring", "Decorators",
    "Electrical", "Plumbing & Heating", "Roofing", "Landscapes", "Events", "Gallery", "Bakery",
    "Inns", "Guest House", "Yacht Club", "Retail", "Studios",
)  # fmt: skip
SOLE_TRADES = (
    "Decorating", "Plumbing", "Carpentry", "Tiling", "Electrical", "Interiors", "Property Repairs",
    "Garden Design", "Kitchen Fitting", "Plastering",
)  # fmt: skip
UK_FORMS = ("Ltd", "Ltd", "Ltd", "Ltd", "Limited", "LLP", "& Co", "plc")
GERMAN_SURNAMES = (
    "Müller", "Schäfer", "Weiß", "Groß", "Köhler", "Brückner", "Hoffmann", "Krüger", "Böhm", "Schröder",
    "Jäger", "Vogel", "Lorenz", "Hübner", "Förster", "Dietrich",
)  # fmt: skip
GERMAN_TRADES = (
    "Holzbau", "Innenausbau", "Immobilien", "Hausverwaltung", "Tischlerei", "Architekten", "Bauträger",
    "Ladenbau", "Hotelbetriebe", "Objekteinrichtung",
)  # fmt: skip
US_NAMES = (
    "Cedar", "Maple", "Lakeshore", "Summit", "Redwood", "Harbor", "Prairie", "Bayside", "Granite",
    "Willow", "Aspen", "Riverbend", "Canyon", "Northgate",
)  # fmt: skip
US_TRADES = (
    "Homes",
    "Hospitality",
    "Realty",
    "Builders",
    "Design Group",
    "Properties",
    "Interiors",
    "Partners",
)
FIRST_NAMES = (
    "Sarah", "James", "Priya", "Tom", "Zoë", "José", "Łukasz", "Søren", "Aoife", "Siobhán", "Chloé",
    "Björn", "Amara", "Kwame", "Mei", "Ravi", "Fatima", "Oliver", "Grace", "Hannah", "Dafydd",
    "Eilidh", "Noémie", "Jürgen", "Ana", "Mohammed", "Wiktoria", "Rhys", "Imogen", "Tariq",
)  # fmt: skip
UK_TOWNS = (
    ("Falmouth", "TR11"), ("Truro", "TR1"), ("Penzance", "TR18"), ("St Ives", "TR26"),
    ("Newquay", "TR7"), ("Bodmin", "PL31"), ("Plymouth", "PL1"), ("Exeter", "EX4"), ("Bristol", "BS1"),
    ("Bath", "BA1"), ("Cardiff", "CF10"), ("London", "EC1V"), ("Manchester", "M1"), ("Leeds", "LS1"),
    ("York", "YO1"), ("Edinburgh", "EH1"), ("Glasgow", "G1"), ("Norwich", "NR2"), ("Brighton", "BN1"),
    ("Taunton", "TA1"),
)  # fmt: skip
STREETS = (
    "Quay Street", "Harbour Road", "Market Place", "Church Lane", "High Street", "Station Road",
    "Mill Lane", "Fore Street", "Arwenack Street", "Trevithick Road", "Victoria Road", "Lemon Street",
)  # fmt: skip
EU_PLACES = (  # (address, telephone prefix); German names go to the first two
    ("Marktplatz {n}\n80331 München\nGermany", "+49 89"),
    ("Hauptstraße {n}\n10115 Berlin\nGermany", "+49 30"),
    ("ul. Piotrkowska {n}\n90-001 Łódź\nPoland", "+48 42"),
    ("{n} rue de la Paix\n75002 Paris\nFrance", "+33 1"),
    ("Vesterbrogade {n}\n1620 København V\nDenmark", "+45"),
    ("Drottninggatan {n}\n111 51 Stockholm\nSweden", "+46 8"),
)
US_ADDRESSES = (
    "{n} Pine Street, Suite 300\nSeattle, WA 98101\nUnited States",
    "{n} Harbor Drive\nSan Diego, CA 92101\nUnited States",
    "{n} Congress Street\nPortland, ME 04101\nUnited States",
)
LINE_COUNTS = (1,) * 45 + (2,) * 30 + (3,) * 15 + (4,) * 10  # lines per invoice, by frequency
CREDIT_LIMITS = (2500, 5000, 10000, 15000, 25000, 50000)  # whole pounds
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
ASCII_FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "ß": "ss", "đ": "d", "œ": "oe"}
)

CLIENT_NOTES = (
    "Prefers statements by post.",
    "Pays on the last Friday of the month.",
    "Quote the purchase order number on every invoice.",
    "Accounts office closed on Wednesdays.",
    "Key account: call before sending any reminder.",
    "Send invoices to accounts payable, not the site manager.",
)
ACTIVITY_NOTES = (
    "Called {contact}; promised payment by the end of the week.",
    "{contact} asked for a copy of the latest statement.",
    "Left a voicemail for {contact} about the overdue invoices.",
    "Agreed monthly instalments with {contact}.",
    "{contact} confirmed the remittance is on its way.",
    "Updated the billing address after their office move.",
    "Site visit with {contact} to discuss the next phase of work.",
    "{contact} asked to move to monthly statements.",
)
DISPUTE_REASONS = (
    "says the skirting is not the profile agreed",
    "reports the delivery arrived damaged",
    "queries the hours charged",
    "says the purchase order number is missing",
    "disputes the price of the extra work",
)
CREDIT_REASONS = ("Price correction", "Returned goods", "Damaged in delivery", "Work not completed")
ACCOUNT_CREDIT_REASONS = ("Goodwill credit", "Volume rebate", "Apology for the late installation")
PAYMENT_METHODS = ("BACS", "BACS", "BACS", "Faster Payment", "Card", "Cheque", "Standing order")


@dataclass(frozen=True)
class _Item:
    description: str
    prices: tuple[Decimal, ...]
    quantities: tuple[Decimal, ...]
    tax_rate: Decimal


def _item(description: str, prices: str, quantities: str, tax_rate: int = 20) -> _Item:
    return _Item(
        description,
        tuple(Decimal(p) for p in prices.split()),
        tuple(Decimal(q) for q in quantities.split()),
        Decimal(tax_rate),
    )


CATALOGUE: tuple[_Item, ...] = (
    _item("Bespoke oak staircase", "3850.00 4275.00", "1"),
    _item("Kitchen cabinet doors, painted (set)", "1240.00", "1 2"),
    _item("Sash window refurbishment", "420.00", "1 2 3 4 6 8"),
    _item("Timber casement window, double glazed", "685.00", "1 2 3 4 6"),
    _item("Joinery labour (hour)", "48.00", "1.5 2 3.5 4 6.25 7.5 8 12 16"),
    _item("Fitting labour (day)", "360.00", "0.5 1 1.5 2 3 5"),
    _item("Site survey and measure", "95.00", "1"),
    _item("Delivery and collection", "65.00 85.00", "1"),
    _item("Oak worktop (per metre)", "189.50", "1.2 2.4 3 3.6 4.8"),
    _item("Internal door, oak veneer, fitted", "315.00", "1 2 3 4 6 10"),
    _item("Skirting and architrave (per metre)", "12.75", "10 18.5 24 36.5 48"),
    _item("Built-in wardrobe", "1675.00", "1 2"),
    _item("Bespoke shop counter", "2950.00", "1"),
    _item("Garden room timber frame", "8400.00", "1"),
    _item("Repair call-out", "85.00", "1"),
    _item("Wood finishing and oiling (per m²)", "22.40", "3.5 7.25 12 18"),
    _item("Draught-proofing, energy-saving materials", "145.00", "1 2 4", tax_rate=5),
    _item("Materials at cost", "37.99 112.45 249.99 18.60", "1 2 3"),
)


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(ASCII_FOLD))
    plain = "".join(ch for ch in folded if ord(ch) < 128).lower()
    words = "".join(ch if ch.isalnum() else " " for ch in plain).split()
    return "-".join(words)


# --- the rows being built ----------------------------------------------------------------------


@dataclass(slots=True)
class _Client:
    id: int
    name: str
    region: Region
    profile: Profile
    terms: _TermsChoice
    contact: str
    batches: bool  # one remittance a month for all its invoices
    reuses_credit: bool = False  # money on account is set against its next invoices


@dataclass(slots=True)
class _Invoice:
    client: int  # index into the client list
    issue: date
    id: int = 0
    due: date = date.min
    gross: int = 0
    status: InvoiceStatus = InvoiceStatus.ISSUED
    disputed: bool = False


@dataclass(slots=True)
class _Money:
    """A payment or credit note while its final id is not yet known."""

    client_id: int
    day: date
    amount: int
    text: str  # payment reference or credit note reason
    method: str = ""
    invoice_id: int | None = None  # credit notes: the invoice named
    id: int = 0


@dataclass(slots=True)
class _Allocation:
    invoice_id: int
    day: date
    amount: int
    payment: _Money | None = None
    credit_note: _Money | None = None


@dataclass(slots=True)
class _Leftover:
    """Part of an earlier payment still on account, to be used on a later invoice."""

    payment: _Money
    left: int


@dataclass
class _Ledger:
    payments: list[_Money] = field(default_factory=list)
    credit_notes: list[_Money] = field(default_factory=list)
    allocations: list[_Allocation] = field(default_factory=list)


@dataclass(frozen=True)
class _Numbers:
    prefix: str
    first: int
    digits: int

    def of(self, serial: int) -> str:
        return f"{self.prefix}{self.first + serial - 1:0{self.digits}d}"


# --- writing -------------------------------------------------------------------------------------


CLIENT_COLUMNS = (
    "id", "code", "name", "contact_name", "email", "phone", "address", "terms_id", "credit_limit",
    "on_hold", "do_not_chase", "archived", "notes", "created_at",
)  # fmt: skip
INVOICE_COLUMNS = (
    "id", "number", "client_id", "issue_date", "due_date", "currency", "reference", "status",
    "disputed", "notes", "net", "tax", "gross", "created_at",
)  # fmt: skip
LINE_COLUMNS = ("id", "invoice_id", "position", "description", "quantity", "unit_price", "tax_rate")
PAYMENT_COLUMNS = ("id", "client_id", "date", "amount", "method", "reference", "notes", "created_at")
CREDIT_NOTE_COLUMNS = ("id", "number", "client_id", "invoice_id", "date", "amount", "reason", "created_at")
ALLOCATION_COLUMNS = ("id", "invoice_id", "payment_id", "credit_note_id", "date", "amount")
ACTIVITY_COLUMNS = ("id", "client_id", "invoice_id", "at", "kind", "text")


def _working_moment(out: BulkWriter, day: date, key: int) -> str:
    """A working-hours time on ``day`` that varies with ``key``, as SQLAlchemy stores a DATETIME.

    Derived from ``key`` rather than drawn, so timestamps cost no random numbers.
    """
    return f"{out.day(day)} {9 + key % 8:02d}:{key * 7 % 60:02d}:00.000000"


# --- the business ----------------------------------------------------------------------------------


class _Builder:
    def __init__(
        self,
        session: Session,
        company: Company,
        terms: Sequence[_TermsChoice],
        rng: random.Random,
        as_of: date,
    ) -> None:
        self.session = session
        self.out = BulkWriter(session.connection())
        self.company = company
        self.terms = terms
        self.rng = rng
        self.as_of = as_of
        self.start = as_of - timedelta(days=HISTORY_DAYS)
        self.exponent = currency_exponent(company.currency)
        self.major = 10**self.exponent  # one pound, in pence
        self.ledger = _Ledger()
        self.numbers = _Numbers(
            company.invoice_prefix, company.invoice_next_number, company.invoice_number_digits
        )
        self._line_cache: dict[tuple[Decimal, int, Decimal], tuple[int, int]] = {}
        self._due_cache: dict[tuple[int, date], date] = {}
        # Every (item, price, quantity) the catalogue allows: one draw per invoice line.
        self._offers = [
            (item.description, to_minor(price, self.exponent), quantity, item.tax_rate)
            for item in CATALOGUE
            for price in item.prices
            for quantity in item.quantities
        ]

    def build(self, client_count: int, invoice_count: int) -> DemoSummary:
        clients = self._clients(client_count)
        invoices = self._invoices(clients, invoice_count)
        line_count = self._write_invoices(clients, invoices)
        by_client: list[list[_Invoice]] = [[] for _ in clients]
        for inv in invoices:
            by_client[inv.client].append(inv)
        for client, own in zip(clients, by_client, strict=True):
            self._settle(client, own)
        self._write_ledger()
        activities = self._write_activity(clients, invoices)
        self.company.invoice_next_number += invoice_count
        self.company.credit_note_next_number += len(self.ledger.credit_notes)
        self.session.flush()
        return DemoSummary(
            clients=len(clients),
            invoices=len(invoices),
            invoice_lines=line_count,
            payments=len(self.ledger.payments),
            credit_notes=len(self.ledger.credit_notes),
            allocations=len(self.ledger.allocations),
            activities=activities,
        )

    # -- clients --

    def _profiles(self, count: int) -> list[Profile]:
        if count <= len(PROFILE_SHARES):
            return [Profile.SLOW, Profile.CHRONIC, Profile.PART, Profile.OVERPAYER][:count]
        profiles: list[Profile] = []
        for profile, share in PROFILE_SHARES:
            profiles += [profile] * max(1, count * share // 100)
        profiles += [Profile.PROMPT] * (count - len(profiles))
        self.rng.shuffle(profiles)
        return profiles

    def _clients(self, count: int) -> list[_Client]:
        rng = self.rng
        out = self.out
        width = max(4, len(str(count)))
        special = SPECIAL_CLIENTS[:count]
        special_at = dict(zip(sorted(rng.sample(range(count), len(special))), special, strict=True))
        profiles = self._profiles(count)
        weights = [t.weight for t in self.terms]
        used: set[str] = set()
        overpayers = 0
        clients: list[_Client] = []
        rows: list[Row] = []
        for index in range(count):
            client_id = index + 1
            if index in special_at:
                name, region, place = special_at[index]
            else:
                region = rng.choices((Region.UK, Region.EU, Region.US), (85, 10, 5))[0]
                name, place = self._company_name(region), None
                for _ in range(10):  # names must tell clients apart
                    if name not in used:
                        break
                    name = self._company_name(region)
            if name in used:
                name = f"{name} ({client_id})"
            used.add(name)
            profile = profiles[index]
            terms = rng.choices(self.terms, weights)[0]
            contact = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            batches = profile in (Profile.PROMPT, Profile.SLOW) and (
                terms.terms.basis is TermsBasis.END_OF_MONTH or rng.random() < 0.25
            )
            client = _Client(client_id, name, region, profile, terms, contact, batches)
            if profile is Profile.OVERPAYER:
                # Every other over-payer has its money on account used up; the rest keep a credit.
                overpayers += 1
                client.reuses_credit = overpayers % 2 == 0
            clients.append(client)
            address, phone = self._address_and_phone(region, place)
            limit = rng.choice(CREDIT_LIMITS) * self.major if rng.random() < 0.45 else None
            on_hold = rng.random() < (0.3 if profile is Profile.CHRONIC else 0.01)
            do_not_chase = rng.random() < 0.03
            notes = rng.choice(CLIENT_NOTES) if rng.random() < 0.15 else ""
            since = self.start - timedelta(days=rng.randint(1, 900))
            rows.append(
                (
                    client_id,
                    f"C{client_id:0{width}d}",
                    name,
                    contact,
                    self._email(name, contact),
                    phone,
                    address,
                    terms.id,
                    limit,
                    on_hold,
                    do_not_chase,
                    False,
                    notes,
                    _working_moment(out, since, client_id),
                )
            )
        out.insert(Client, CLIENT_COLUMNS, rows)
        return clients

    def _company_name(self, region: Region) -> str:
        rng = self.rng
        if region is Region.EU:
            if rng.random() < 0.4:
                partners = rng.sample(GERMAN_SURNAMES, 2)
                return f"{partners[0]} & {partners[1]} {rng.choice(GERMAN_TRADES)} GmbH"
            return f"{rng.choice(GERMAN_SURNAMES)} {rng.choice(GERMAN_TRADES)} GmbH"
        if region is Region.US:
            first, second = rng.sample(US_NAMES, 2)
            return f"{first} {second} {rng.choice(US_TRADES)} LLC"
        roll = rng.random()
        if roll < 0.18:  # sole traders trade under their own name
            return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {rng.choice(SOLE_TRADES)}"
        stem = rng.choice(SURNAMES) if roll < 0.6 else rng.choice(PLACES)
        return f"{stem} {rng.choice(TRADES)} {rng.choice(UK_FORMS)}"

    def _email(self, name: str, contact: str) -> str:
        rng = self.rng
        if rng.random() < 0.04:
            return ""  # no address on file: statements go by post
        domain = "-".join(_ascii_slug(name).split("-")[:2]) + ".example"
        if rng.random() < 0.6:
            return f"accounts@{domain}"
        return f"{_ascii_slug(contact).replace('-', '.')}@{domain}"

    def _address_and_phone(self, region: Region, place: int | None) -> tuple[str, str]:
        rng = self.rng
        number = rng.randint(1, 140)
        if region is Region.EU:
            template, prefix = EU_PLACES[rng.randrange(2) if place is None else place]
            return template.format(n=number), f"{prefix} {rng.randint(1000000, 9999999)}"
        if region is Region.US:  # 555-01xx numbers are reserved for fiction
            return rng.choice(US_ADDRESSES).format(n=number * 10), f"+1 206 555 01{rng.randint(0, 99):02d}"
        town, district = rng.choice(UK_TOWNS)
        letters = rng.choice(POSTCODE_LETTERS) + rng.choice(POSTCODE_LETTERS)
        lines = [f"{number} {rng.choice(STREETS)}", town, f"{district} {rng.randint(1, 9)}{letters}"]
        if rng.random() < 0.3:
            lines.insert(0, f"Unit {rng.randint(1, 24)}, {rng.choice(PLACES)} Business Park")
        # Ofcom's ranges reserved for drama: never a real line.
        if rng.random() < 0.3:
            phone = f"07700 900{rng.randint(0, 999):03d}"
        else:
            phone = f"01632 960{rng.randint(0, 999):03d}"
        return "\n".join(lines), phone

    # -- invoices --

    def _invoice_days(self) -> list[date]:
        """Issue date for each day offset in the window: weekends move to a weekday."""
        days = []
        for offset in range(HISTORY_DAYS + 1):
            day = self.start + timedelta(days=offset)
            if day.weekday() >= 5:
                friday = day - timedelta(days=day.weekday() - 4)
                day = friday if friday >= self.start else friday + timedelta(days=3)
            days.append(min(day, self.as_of))
        return days

    def _invoices(self, clients: Sequence[_Client], count: int) -> list[_Invoice]:
        rng = self.rng
        days = self._invoice_days()
        # Every client gets an invoice first; the rest go by a long-tailed size.
        owners = list(range(len(clients)))
        rng.shuffle(owners)
        owners = owners[:count]
        if count > len(owners):
            sizes = [rng.lognormvariate(0, 1.0) for _ in clients]
            owners += rng.choices(range(len(clients)), sizes, k=count - len(owners))
        # A growing business: twice as many invoices a day now as eighteen months ago.
        invoices = [
            _Invoice(owner, days[min(HISTORY_DAYS, int(HISTORY_DAYS * ((1 + 3 * rng.random()) ** 0.5 - 1)))])
            for owner in owners
        ]
        invoices.sort(key=lambda inv: (inv.issue, inv.client))
        recent = self.as_of - timedelta(days=20)
        for serial, inv in enumerate(invoices, start=1):
            inv.id = serial
            client = clients[inv.client]
            inv.due = self._due(client.terms, inv.issue)
            roll = rng.random()
            if inv.issue >= recent and roll < 0.05:
                inv.status = InvoiceStatus.DRAFT
            elif roll > 0.995:
                inv.status = InvoiceStatus.VOID
            else:
                inv.disputed = rng.random() < (0.04 if client.profile is Profile.CHRONIC else 0.008)
        # Even a small file shows one of each: the latest invoice still a draft, an old one void.
        statuses = {inv.status for inv in invoices}
        if count >= 10 and InvoiceStatus.DRAFT not in statuses:
            invoices[-1].status, invoices[-1].disputed = InvoiceStatus.DRAFT, False
        if count >= 10 and InvoiceStatus.VOID not in statuses:
            invoices[count // 3].status, invoices[count // 3].disputed = InvoiceStatus.VOID, False
        return invoices

    def _due(self, choice: _TermsChoice, issue: date) -> date:
        key = (choice.id, issue)
        due = self._due_cache.get(key)
        if due is None:
            due = self._due_cache[key] = choice.terms.due_date(issue)
        return due

    def _line_amounts(self, quantity: Decimal, price: int, rate: Decimal) -> tuple[int, int]:
        """Net and tax of a line in minor units, by the domain's per-line rounding."""
        key = (quantity, price, rate)
        amounts = self._line_cache.get(key)
        if amounts is None:
            exponent = self.exponent
            line = InvoiceLine("", quantity, from_minor(price, exponent), rate)
            amounts = (to_minor(line.net(exponent), exponent), to_minor(line.tax(exponent), exponent))
            self._line_cache[key] = amounts
        return amounts

    def _write_invoices(self, clients: Sequence[_Client], invoices: Sequence[_Invoice]) -> int:
        rng = self.rng
        rand = rng.random  # the hot loop draws indexes directly: rng.choice costs three times as much
        out = self.out
        currency = self.company.currency
        uses_po = [rng.random() < 0.4 for _ in clients]
        offers = self._offers
        zero = Decimal(0)
        invoice_rows: list[Row] = []
        line_rows: list[Row] = []
        line_id = 0
        for inv in invoices:
            client = clients[inv.client]
            net = tax = 0
            for position in range(1, LINE_COUNTS[int(rand() * len(LINE_COUNTS))] + 1):
                description, price, quantity, rate = offers[int(rand() * len(offers))]
                if client.region is not Region.UK:
                    rate = zero  # exports are zero-rated
                line_net, line_tax = self._line_amounts(quantity, price, rate)
                net += line_net
                tax += line_tax
                line_id += 1
                line_rows.append(
                    (line_id, inv.id, position, description, out.decimal(quantity), price, out.decimal(rate))
                )
            inv.gross = net + tax
            notes = ""
            if inv.disputed:
                notes = f"Disputed: the client {rng.choice(DISPUTE_REASONS)}."
            elif inv.status is InvoiceStatus.VOID:
                notes = "Raised in error; cancelled."
            invoice_rows.append(
                (
                    inv.id,
                    self.numbers.of(inv.id),
                    client.id,
                    out.day(inv.issue),
                    out.day(inv.due),
                    currency,
                    f"PO-{rng.randint(10000, 99999)}" if uses_po[inv.client] else "",
                    inv.status.value,
                    inv.disputed,
                    notes,
                    net,
                    tax,
                    net + tax,
                    _working_moment(out, inv.issue, inv.id),
                )
            )
            if len(line_rows) >= CHUNK:
                out.insert(Invoice, INVOICE_COLUMNS, invoice_rows)
                out.insert(InvoiceLineRow, LINE_COLUMNS, line_rows)
                invoice_rows, line_rows = [], []
        out.insert(Invoice, INVOICE_COLUMNS, invoice_rows)
        out.insert(InvoiceLineRow, LINE_COLUMNS, line_rows)
        return line_id

    # -- money received --

    def _received_on(self, day: date, not_before: date) -> date:
        """Banks credit money on weekdays."""
        day = max(day, not_before)
        weekday = day.weekday()
        return day + timedelta(days=7 - weekday) if weekday >= 5 else day

    def _split(self, amount: int, parts: int) -> list[int]:
        """Instalments in whole pounds, the last one taking the remainder."""
        pieces = []
        left = amount
        for _ in range(parts - 1):
            share = left * self.rng.randint(25, 60) // 100 // self.major * self.major
            if share <= 0 or share >= left:
                break
            pieces.append(share)
            left -= share
        pieces.append(left)
        return pieces

    def _plan(self, client: _Client, inv: _Invoice, amount: int) -> list[tuple[date, int]]:
        """When and how much the client pays on this invoice, as far as ``as_of`` has got."""
        rng = self.rng
        due = inv.due
        profile = client.profile
        plan: list[tuple[date, int]]
        if profile is not Profile.CHRONIC and rng.random() < 0.03:
            plan = [(due + timedelta(days=rng.randint(30, 90)), amount)]  # even good payers slip
        elif profile is Profile.PROMPT or profile is Profile.OVERPAYER:
            early = min(10, (due - inv.issue).days)
            late = 3 if profile is Profile.PROMPT else 12
            plan = [(due + timedelta(days=rng.randint(-early, late)), amount)]
        elif profile is Profile.SLOW:
            plan = [(due + timedelta(days=rng.randint(10, 60)), amount)]
        elif profile is Profile.PART:
            day = due + timedelta(days=rng.randint(-3, 21))
            plan = []
            for piece in self._split(amount, rng.randint(2, 4)):
                plan.append((day, piece))
                day += timedelta(days=rng.randint(14, 35))
        else:
            roll = rng.random()
            day = due + timedelta(days=rng.randint(45, 160))
            if roll < 0.15:
                plan = []  # never paid
            elif roll < 0.45:
                first, *rest = self._split(amount, 2)
                plan = [(day, first)] + [(day + timedelta(days=rng.randint(20, 60)), r) for r in rest]
            else:
                plan = [(day, amount)]
        received = [(self._received_on(day, inv.issue), piece) for day, piece in plan]
        return [(day, piece) for day, piece in received if day <= self.as_of]

    def _pay(self, client: _Client, day: date, amount: int, reference: str) -> _Money:
        payment = _Money(client.id, day, amount, reference, self.rng.choice(PAYMENT_METHODS))
        self.ledger.payments.append(payment)
        return payment

    def _credit(self, client: _Client, day: date, amount: int, reason: str, invoice_id: int | None) -> _Money:
        note = _Money(client.id, day, amount, reason, invoice_id=invoice_id)
        self.ledger.credit_notes.append(note)
        return note

    def _allocate(
        self, inv: _Invoice, day: date, amount: int, payment: _Money | None = None, note: _Money | None = None
    ) -> None:
        # Money takes effect on an invoice no earlier than the invoice exists.
        self.ledger.allocations.append(_Allocation(inv.id, max(day, inv.issue), amount, payment, note))

    def _settle(self, client: _Client, invoices: Sequence[_Invoice]) -> None:
        """Play out one client's payments and credits, invoice by invoice in date order."""
        rng = self.rng
        as_of = self.as_of
        major = self.major
        leftovers: deque[_Leftover] = deque()
        overpaid = False  # an over-payer's first payment always rounds up
        monthly: dict[tuple[int, int], list[tuple[date, _Invoice, int]]] = {}
        for inv in invoices:
            if inv.status is not InvoiceStatus.ISSUED or inv.disputed:
                continue  # disputed invoices stay unpaid until the dispute is settled
            remaining = inv.gross
            if rng.random() < 0.012:  # a credit note against this invoice
                day = self._received_on(inv.issue + timedelta(days=rng.randint(2, 45)), inv.issue)
                if day <= as_of:
                    amount = remaining
                    if rng.random() < 0.8 and remaining > 2 * major:
                        amount = max(major, remaining * rng.randint(5, 40) // 100 // major * major)
                    note = self._credit(client, day, amount, rng.choice(CREDIT_REASONS), inv.id)
                    self._allocate(inv, day, amount, note=note)
                    remaining -= amount
            if client.reuses_credit and leftovers and remaining > 0 and rng.random() < 0.6:
                while leftovers and remaining > 0:
                    leftover = leftovers[0]
                    used = min(leftover.left, remaining)
                    self._allocate(inv, leftover.payment.day, used, payment=leftover.payment)
                    remaining -= used
                    leftover.left -= used
                    if leftover.left == 0:
                        leftovers.popleft()
            if remaining <= 0:
                continue
            if self._take_discount(client, inv, remaining):
                continue
            plan = self._plan(client, inv, remaining)
            if client.batches:
                for day, amount in plan:
                    monthly.setdefault((day.year, day.month), []).append((day, inv, amount))
                continue
            for index, (day, amount) in enumerate(plan):
                paid = amount
                if (
                    client.profile is Profile.OVERPAYER
                    and index == 0
                    and (not overpaid or rng.random() < 0.3)
                ):
                    overpaid = True
                    paid = (amount // (50 * major) + 1) * 50 * major  # rounded up to the next 50
                payment = self._pay(client, day, paid, self.numbers.of(inv.id))
                self._allocate(inv, day, amount, payment=payment)
                if paid > amount:
                    leftovers.append(_Leftover(payment, paid - amount))
                if client.profile is Profile.OVERPAYER and rng.random() < 0.06:  # paid twice by mistake
                    again = self._received_on(day + timedelta(days=rng.randint(1, 14)), day)
                    if again <= as_of:
                        duplicate = self._pay(client, again, amount, self.numbers.of(inv.id))
                        leftovers.append(_Leftover(duplicate, amount))
        for (year, month), receipts in monthly.items():  # one remittance a month
            day = max(r[0] for r in receipts)
            payment = self._pay(client, day, sum(r[2] for r in receipts), f"Remittance {year}-{month:02d}")
            per_invoice: dict[int, tuple[_Invoice, int]] = {}
            for _, inv, amount in receipts:
                per_invoice[inv.id] = (inv, per_invoice.get(inv.id, (inv, 0))[1] + amount)
            for inv, amount in per_invoice.values():
                self._allocate(inv, day, amount, payment=payment)
        if client.id == 1 or rng.random() < 0.02:  # a credit on account, naming no invoice
            day = self._received_on(self.start + timedelta(days=rng.randint(0, HISTORY_DAYS)), self.start)
            if day <= as_of:
                self._credit(
                    client, day, rng.randint(25, 250) * major, rng.choice(ACCOUNT_CREDIT_REASONS), None
                )

    def _take_discount(self, client: _Client, inv: _Invoice, remaining: int) -> bool:
        """A prompt payer on discount terms pays early, less the discount, credited by a note."""
        terms = client.terms.terms
        deadline = terms.discount_deadline(inv.issue)
        if deadline is None or client.profile is not Profile.PROMPT or self.rng.random() >= 0.5:
            return False
        day = self._received_on(
            inv.issue + timedelta(days=self.rng.randint(0, terms.discount_days or 0)), inv.issue
        )
        discount = to_minor(
            terms.discount_amount(from_minor(remaining, self.exponent), self.exponent), self.exponent
        )
        if day > min(deadline, self.as_of) or not 0 < discount < remaining:
            return False
        note = self._credit(client, day, discount, "Early settlement discount", inv.id)
        self._allocate(inv, day, discount, note=note)
        payment = self._pay(client, day, remaining - discount, self.numbers.of(inv.id))
        self._allocate(inv, day, remaining - discount, payment=payment)
        return True

    def _write_ledger(self) -> None:
        """Number and insert payments, credit notes and allocations in date order."""
        ledger = self.ledger
        out = self.out
        company = self.company
        notes = _Numbers(
            company.credit_note_prefix, company.credit_note_next_number, company.invoice_number_digits
        )
        ledger.payments.sort(key=lambda p: (p.day, p.client_id))
        for serial, payment in enumerate(ledger.payments, start=1):
            payment.id = serial
        ledger.credit_notes.sort(key=lambda c: (c.day, c.client_id))
        for serial, note in enumerate(ledger.credit_notes, start=1):
            note.id = serial
        out.insert(
            Payment,
            PAYMENT_COLUMNS,
            (
                (
                    p.id,
                    p.client_id,
                    out.day(p.day),
                    p.amount,
                    p.method,
                    p.text,
                    "",
                    _working_moment(out, p.day, p.id),
                )
                for p in ledger.payments
            ),
        )
        out.insert(
            CreditNote,
            CREDIT_NOTE_COLUMNS,
            (
                (
                    c.id,
                    notes.of(c.id),
                    c.client_id,
                    c.invoice_id,
                    out.day(c.day),
                    c.amount,
                    c.text,
                    _working_moment(out, c.day, c.id),
                )
                for c in ledger.credit_notes
            ),
        )
        ledger.allocations.sort(key=lambda a: (a.day, a.invoice_id, a.payment.id if a.payment else 0))
        out.insert(
            AllocationRow,
            ALLOCATION_COLUMNS,
            (
                (
                    serial,
                    a.invoice_id,
                    a.payment.id if a.payment else None,
                    a.credit_note.id if a.credit_note else None,
                    out.day(a.day),
                    a.amount,
                )
                for serial, a in enumerate(ledger.allocations, start=1)
            ),
        )

    # -- timeline --

    def _write_activity(self, clients: Sequence[_Client], invoices: Sequence[_Invoice]) -> int:
        rng = self.rng
        out = self.out
        notes: list[tuple[str, int, int | None, str]] = []
        for client in clients:
            for _ in range(rng.randint(0, 3)):
                day = self.start + timedelta(days=rng.randint(0, HISTORY_DAYS))
                text = rng.choice(ACTIVITY_NOTES).format(contact=client.contact)
                notes.append((_working_moment(out, day, len(notes)), client.id, None, text))
        for inv in invoices:
            if inv.disputed:
                day = min(self.as_of, inv.issue + timedelta(days=rng.randint(3, 30)))
                client = clients[inv.client]
                number = self.numbers.of(inv.id)
                text = f"{client.contact} disputes invoice {number}; on hold while we look into it."
                notes.append((_working_moment(out, day, inv.id), client.id, inv.id, text))
        notes.sort(key=lambda n: (n[0], n[1], n[2] or 0))
        out.insert(
            Activity,
            ACTIVITY_COLUMNS,
            (
                (serial, client_id, invoice_id, at, "note", text)
                for serial, (at, client_id, invoice_id, text) in enumerate(notes, start=1)
            ),
        )
        return len(notes)
