"""The bank CSV exports CreditDesk recognises from their header row, and the column names of each.

Column names are compared by ``column_key`` (case and punctuation ignored),
as for the accounting imports. The layouts follow the banks' own export
descriptions (see the fixtures' README); the last preset knows the column
names people's banks usually give in English, German, French and Dutch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from creditdesk.imports.mapping import column_key, find_columns, positions


class BankField(StrEnum):
    """What a bank export's columns hold; a file maps some of its columns to them."""

    BOOKED = "booked"
    AMOUNT = "amount"  # signed, or unsigned with DIRECTION saying which way
    CREDIT = "credit"  # money in, when the export splits the amount in two columns
    DEBIT = "debit"  # money out
    DIRECTION = "direction"  # "Af"/"Bij", "S"/"H", "Debit"/"Credit"
    CURRENCY = "currency"
    PAYER_NAME = "payer_name"
    PAYER_IBAN = "payer_iban"
    TEXT = "text"
    REFERENCE = "reference"  # the bank's own identifier of the entry, where the export has one
    ACCOUNT = "account"  # the statement's own account, repeated on each row by some banks
    STATE = "state"  # booked or pending, where the export lists pending entries too

    __hash__ = str.__hash__


MONEY = (BankField.AMOUNT, BankField.CREDIT)
# The words of a DIRECTION column, and of a STATE column for a booked entry (keys: column_key).
CREDIT_WORDS = frozenset({"bij", "h", "haben", "credit", "cr", "c", "crédit", "gutschrift"})
DEBIT_WORDS = frozenset({"af", "s", "soll", "debit", "dr", "d", "débit", "lastschrift"})
BOOKED_WORDS = frozenset({"completed", "booked", "umsatz gebucht", "gebucht", "comptabilisé", "geboekt"})


@dataclass(frozen=True)
class BankPreset:
    key: str
    label: str
    columns: Mapping[BankField, tuple[str, ...]]
    marks: tuple[str, ...] = ()  # other columns it must have, to tell one bank's export from another's
    # The locale the export writes its dates and amounts in, settling what its values leave open.
    locale: str | None = None
    generic: bool = False  # tried only when no bank's own preset recognises the header

    def resolve(self, header: Sequence[str]) -> dict[BankField, int] | None:
        """Where each field is in this header, or None when it is not this export's."""
        keys = positions(header)
        if any(column_key(mark) not in keys for mark in self.marks):
            return None
        found = find_columns(header, self.columns)
        if BankField.BOOKED not in found or not any(money in found for money in MONEY):
            return None
        if BankField.TEXT not in found and BankField.PAYER_NAME not in found:
            return None
        return found


def _columns(**names: str | tuple[str, ...]) -> dict[BankField, tuple[str, ...]]:
    return {BankField(key): (value,) if isinstance(value, str) else value for key, value in names.items()}


SPARKASSE = BankPreset(
    "sparkasse",
    "Sparkasse (CSV-CAMT export)",
    _columns(
        account="Auftragskonto",
        booked="Buchungstag",
        text="Verwendungszweck",
        payer_name="Beguenstigter/Zahlungspflichtiger",
        payer_iban="Kontonummer/IBAN",
        amount="Betrag",
        currency="Waehrung",
        state="Info",
    ),
    marks=("Auftragskonto", "Valutadatum", "Buchungstext"),
    locale="de_DE",
)

VOLKSBANK = BankPreset(
    "volksbank",
    "Volksbank / Raiffeisenbank (CSV export)",
    _columns(
        account="IBAN Auftragskonto",
        booked="Buchungstag",
        payer_name="Name Zahlungsbeteiligter",
        payer_iban="IBAN Zahlungsbeteiligter",
        text="Verwendungszweck",
        amount="Betrag",
        currency="Waehrung",
    ),
    marks=("IBAN Auftragskonto",),
    locale="de_DE",
)

ING_DE = BankPreset(
    "ing",
    "ING Deutschland (Umsatzanzeige)",
    _columns(
        booked="Buchung",
        payer_name="Auftraggeber/Empfänger",
        text="Verwendungszweck",
        amount="Betrag",
        currency="Währung",
    ),
    marks=("Valuta", "Buchungstext"),
    locale="de_DE",
)

ING_NL = BankPreset(
    "ing-nl",
    "ING Nederland (Af/Bij export)",
    _columns(
        booked="Datum",
        payer_name="Naam / Omschrijving",
        account="Rekening",
        payer_iban="Tegenrekening",
        direction="Af Bij",
        amount="Bedrag (EUR)",
        text="Mededelingen",
    ),
    marks=("Mutatiesoort",),
    locale="nl_NL",
)

RABOBANK = BankPreset(
    "rabobank",
    "Rabobank (CSV export)",
    _columns(
        account="IBAN/BBAN",
        currency="Munt",
        reference="Volgnr",
        booked="Datum",
        amount="Bedrag",
        payer_iban="Tegenrekening IBAN/BBAN",
        payer_name="Naam tegenpartij",
        text="Omschrijving-1",
    ),
    marks=("Volgnr", "Rentedatum"),
    locale="nl_NL",
)

REVOLUT_BUSINESS = BankPreset(
    "revolut",
    "Revolut Business (statement CSV)",
    _columns(
        booked=("Date completed (UTC)", "Date completed"),
        reference="ID",
        state="State",
        text=("Reference", "Description"),
        payer_name="Payer",
        currency="Payment currency",
        amount="Amount",
    ),
    marks=("Date started (UTC)",),
)

REVOLUT = BankPreset(
    "revolut",
    "Revolut (account statement CSV)",
    _columns(
        booked="Completed Date",
        text="Description",
        amount="Amount",
        currency="Currency",
        state="State",
    ),
    marks=("Started Date", "Product"),
)

# A bank's export with the column names banks usually give, in English, German, French and Dutch.
USUAL = BankPreset(
    "bank",
    "A bank's CSV export (the usual column names)",
    _columns(
        booked=(
            "Booking Date", "Booked", "Posting Date", "Transaction Date", "Date", "Buchungstag",
            "Buchungsdatum", "Datum", "Date opération", "Date de l'opération", "Date comptable",
            "Boekdatum", "Transactiedatum",
        ),
        amount=(
            "Amount", "Amount (EUR)", "Amount (GBP)", "Amount (USD)", "Value", "Betrag", "Betrag (EUR)",
            "Umsatz", "Montant", "Montant (EUR)", "Bedrag", "Bedrag (EUR)",
        ),
        credit=("Credit", "Paid in", "Money in", "Haben", "Crédit", "Credit (EUR)", "Bij"),
        debit=("Debit", "Paid out", "Money out", "Soll", "Débit", "Debit (EUR)", "Af"),
        direction=("Credit/Debit", "Debit/Credit", "Soll/Haben", "Af Bij", "Sens"),
        currency=("Currency", "Währung", "Waehrung", "Devise", "Munt"),
        payer_name=(
            "Counter Party", "Counterparty", "Payer", "Payee", "Name", "Auftraggeber/Empfänger",
            "Auftraggeber / Begünstigter", "Zahlungspflichtiger", "Name Zahlungsbeteiligter", "Tiers",
            "Nom", "Naam", "Naam tegenpartij", "Tegenpartij",
        ),
        payer_iban=(
            "Counterparty IBAN", "Payer IBAN", "IBAN", "Kontonummer/IBAN", "IBAN Zahlungsbeteiligter",
            "IBAN tiers", "Tegenrekening", "Tegenrekening IBAN",
        ),
        text=(
            "Reference", "Description", "Details", "Memo", "Narrative", "Verwendungszweck", "Libellé",
            "Libelle", "Motif", "Omschrijving", "Mededelingen",
        ),
        reference=("Transaction ID", "Bank Reference", "Transaktions-ID", "Référence banque", "Volgnummer"),
        account=("Account", "Account IBAN", "Auftragskonto", "Compte", "Rekening"),
    ),
    generic=True,
)  # fmt: skip

BANK_PRESETS = (SPARKASSE, VOLKSBANK, ING_DE, ING_NL, RABOBANK, REVOLUT_BUSINESS, REVOLUT, USUAL)
BANK_PRESET_KEYS = tuple(dict.fromkeys(preset.key for preset in BANK_PRESETS))


def detect_bank_export(header: Sequence[str]) -> tuple[BankPreset, dict[BankField, int]] | None:
    """The preset whose columns this header has, a bank's own before the usual names, most fields first."""
    for generic in (False, True):
        best: tuple[BankPreset, dict[BankField, int]] | None = None
        for preset in BANK_PRESETS:
            if preset.generic is not generic:
                continue
            found = preset.resolve(header)
            if found is not None and (best is None or len(found) > len(best[1])):
                best = preset, found
        if best is not None:
            return best
    return None


def from_columns(columns: Mapping[BankField, str]) -> BankPreset:
    """The user's own mapping (each field to one column of the file) as a preset."""
    return BankPreset("mapping", "Your column mapping", {target: (name,) for target, name in columns.items()})
