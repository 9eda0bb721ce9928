"""Which column of a file holds which CreditDesk field: the user's own mapping, saved under a name."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from creditdesk.imports.problems import Problem

_NOT_WORD = re.compile(r"[^\w]+")
Target = TypeVar("Target")


class Field(StrEnum):
    """The fields an invoice, a client or a payment is made of; a file maps some of its columns to them."""

    CLIENT_NAME = "client_name"
    CLIENT_CODE = "client_code"
    CLIENT_EMAIL = "client_email"
    NUMBER = "number"
    ISSUE_DATE = "issue_date"
    DUE_DATE = "due_date"
    TERMS_DAYS = "terms_days"
    TOTAL = "total"
    AMOUNT_DUE = "amount_due"
    AMOUNT_PAID = "amount_paid"
    CURRENCY = "currency"
    STATUS = "status"
    REFERENCE = "reference"
    TRANSACTION_TYPE = "transaction_type"
    ITEM_DESCRIPTION = "item_description"
    ITEM_QUANTITY = "item_quantity"
    ITEM_UNIT_PRICE = "item_unit_price"
    ITEM_AMOUNT = "item_amount"
    # A client's own details (a client list rather than invoices).
    BILLING_EMAIL = "billing_email"  # where invoices go, when a system keeps it apart from the e-mail
    CONTACT_NAME = "contact_name"
    CONTACT_FIRST_NAME = "contact_first_name"
    CONTACT_LAST_NAME = "contact_last_name"
    PHONE = "phone"
    ADDRESS = "address"  # the whole address, or its first line
    ADDRESS_LINE_2 = "address_line_2"
    ADDRESS_LINE_3 = "address_line_3"
    CITY = "city"
    REGION = "region"
    POSTCODE = "postcode"
    COUNTRY = "country"
    TERMS = "terms"  # payment terms in words: "Net 30", "30 days after end of month"
    TERMS_BASIS = "terms_basis"  # what TERMS_DAYS counts from: "Days After", "Following Month"
    CREDIT_LIMIT = "credit_limit"
    NOTES = "notes"
    ON_HOLD = "on_hold"
    DO_NOT_CHASE = "do_not_chase"
    ARCHIVED = "archived"
    # A payment's own fields (its client, reference and the invoice it names are the ones above).
    PAYMENT_DATE = "payment_date"
    AMOUNT = "amount"
    INVOICE_NUMBER = "invoice_number"
    METHOD = "method"

    # Hashed as the text it is (Enum's own hash runs in Python): every row is looked up by field many times.
    __hash__ = str.__hash__


DATE_FIELDS = (Field.ISSUE_DATE, Field.DUE_DATE)
AMOUNT_FIELDS = (Field.TOTAL, Field.AMOUNT_DUE, Field.AMOUNT_PAID, Field.ITEM_UNIT_PRICE, Field.ITEM_AMOUNT)
INVOICE_FIELDS = tuple(Field)[: tuple(Field).index(Field.ITEM_AMOUNT) + 1]
CLIENT_FIELDS = (
    Field.CLIENT_CODE, Field.CLIENT_NAME, Field.CLIENT_EMAIL,
    *tuple(Field)[tuple(Field).index(Field.BILLING_EMAIL) :],
    Field.TERMS_DAYS,
)  # fmt: skip


def column_key(name: str) -> str:
    """A header name with case, templates' ``*`` and punctuation ignored: "*Due Date" is "due date"."""
    return _NOT_WORD.sub(" ", name.casefold()).strip()


def positions(header: Sequence[str]) -> dict[str, int]:
    """Each column's key to its index; a repeated name keeps its first place."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = column_key(name)
        if key:
            found.setdefault(key, index)
    return found


def find_columns(header: Sequence[str], columns: Mapping[Target, Sequence[str]]) -> dict[Target, int]:
    """Where each target's column is: the first of its names the header has; absent targets left out."""
    keys = positions(header)
    found: dict[Target, int] = {}
    for target, names in columns.items():
        index = next((keys[column_key(name)] for name in names if column_key(name) in keys), None)
        if index is not None:
            found[target] = index
    return found


@dataclass(frozen=True)
class ColumnMapping:
    """The user's mapping of file columns to fields; serialisable, so it can be saved and chosen by name."""

    name: str
    columns: Mapping[Field, str]  # field -> the column's name in the file
    statuses: Mapping[str, str] = field(default_factory=dict)  # the file's word -> a SourceStatus value

    def to_json(self) -> str:
        return json.dumps(
            {
                "name": self.name,
                "columns": {f.value: column for f, column in self.columns.items()},
                "statuses": dict(self.statuses),
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> ColumnMapping | Problem:
        """A saved mapping, or a problem saying why it cannot be used."""
        try:
            data = json.loads(text)
            name = data["name"]
            columns = {Field(key): str(column) for key, column in data["columns"].items()}
            statuses = {str(word): str(status) for word, status in data.get("statuses", {}).items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return Problem(0, f"the saved mapping cannot be read ({exc}); map the columns again and save it")
        if not isinstance(name, str) or not name.strip():
            return Problem(0, "the saved mapping has no name; map the columns again and save it")
        return cls(name, columns, statuses)

    def missing(self, header: Sequence[str]) -> tuple[str, ...]:
        """The mapped columns the file does not have."""
        keys = positions(header)
        return tuple(column for column in self.columns.values() if column_key(column) not in keys)
