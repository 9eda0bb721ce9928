"""A new client's code when the file gives none: the first letters of its name, then -2, -3 … if taken."""

from __future__ import annotations

import re

_CODE_CHARS = re.compile(r"[^A-Z0-9]+")
CODE_STEM = 8


def free_code(name: str, taken: set[str]) -> str:
    """A code made from ``name`` that is not in ``taken`` (casefolded codes); the caller adds it there."""
    stem = _CODE_CHARS.sub("", name.upper())[:CODE_STEM] or "CLIENT"
    code, number = stem, 1
    while code.casefold() in taken:
        number += 1
        code = f"{stem}-{number}"
    return code
