"""Messages outside the window, in the user's language: gettext catalogs, for every layer.

The window translates its own strings through Qt (``self.tr``); everything else a
person reads (command-line messages, documents, emails) goes through ``_`` and
``ngettext`` here, which ``pybabel extract`` finds by name. Catalogs live in
``creditdesk/locale/<language>/LC_MESSAGES/creditdesk.mo``; a language without one
reads in English, the source language, rather than failing.
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "creditdesk"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_catalog: gettext.NullTranslations = gettext.NullTranslations()


def use_language(language: str | None) -> None:
    """Translate from now on into ``language`` (``de``, ``fr_FR``…); None or an unknown one is English."""
    global _catalog
    _catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language or "en"], fallback=True)


def _(message: str) -> str:
    """``message`` in the chosen language."""
    return _catalog.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count`` things, by the language's own plural rule."""
    return _catalog.ngettext(singular, plural, count)
