"""Messages outside the window: English until a catalog says otherwise, plurals by count."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from creditdesk.translations import _, ngettext, use_language


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    use_language(None)


def test_a_language_without_a_catalog_reads_in_english() -> None:
    use_language("xx")
    assert _("Install them with the line for your system, then start CreditDesk again:") == (
        "Install them with the line for your system, then start CreditDesk again:"
    )
    assert [ngettext("{n} client", "{n} clients", n).format(n=n) for n in (0, 1, 2)] == [
        "0 clients",
        "1 client",
        "2 clients",
    ]
