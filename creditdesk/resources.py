"""Where the files shipped beside the code (fonts, icons) are found.

In a source checkout they are in the repository's ``resources/``; an installed
wheel or a frozen build carries them inside the package as ``_resources``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """The shipped file ``resources/<parts>``; raises FileNotFoundError naming it when missing."""
    for root in (_PACKAGE / "_resources", _PACKAGE.parent / "resources"):
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"CreditDesk's resource {'/'.join(parts)} is missing from this installation")
