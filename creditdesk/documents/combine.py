"""One printable PDF from many, so a month's statements go to the printer as a single job."""

from __future__ import annotations

import io
from collections.abc import Iterable

from pypdf import PdfReader, PdfWriter


def combine_pdfs(parts: Iterable[bytes]) -> bytes:
    """The pages of every part, in order; ValueError when there is nothing to combine."""
    writer = PdfWriter()
    count = 0
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
        count += 1
    if count == 0:
        raise ValueError("There are no documents to combine")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
