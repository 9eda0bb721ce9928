"""Field rules shared by forms, imports and the command line."""

from __future__ import annotations

import re

from creditdesk.domain.errors import ValidationError

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]{2,}$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


def check_email(value: str, *, field: str = "email") -> str:
    """An address, or empty (no address on file)."""
    value = value.strip()
    if value and not _EMAIL.match(value):
        raise ValidationError(f"{field} '{value}' is not a valid email address")
    return value


def check_code(value: str, *, field: str = "code", max_length: int = 30) -> str:
    """Client codes and document numbers: letters, digits and . _ / -"""
    value = value.strip()
    if not value:
        raise ValidationError(f"{field} is required")
    if len(value) > max_length:
        raise ValidationError(f"{field} '{value}' is longer than {max_length} characters")
    if not _CODE.match(value):
        raise ValidationError(f"{field} '{value}' may only hold letters, digits and . _ / -")
    return value


def check_text(value: str, *, field: str, required: bool = False, max_length: int = 200) -> str:
    value = value.strip()
    if required and not value:
        raise ValidationError(f"{field} is required")
    if len(value) > max_length:
        raise ValidationError(f"{field} is longer than {max_length} characters")
    return value
