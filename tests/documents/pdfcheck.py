"""Reading rendered PDFs back: their text, their fonts, and what qpdf thinks of them."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def normalise(text: str) -> str:
    """Babel puts no-break spaces in some locales' money; compare with plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def squash(text: str) -> str:
    """Text with every run of whitespace (line breaks from wrapping included) as one space."""
    return " ".join(text.split())


def page_texts(pdf: bytes) -> list[str]:
    return [normalise(page.extract_text()) for page in reader(pdf).pages]


def all_text(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def fonts(pdf: bytes) -> dict[str, DictionaryObject]:
    """Every font any page (or form on it) uses, by BaseFont name."""
    found: dict[str, DictionaryObject] = {}

    def visit(resources: Any) -> None:
        resources = _resolve(resources)
        if not resources:
            return
        for font in (_resolve(resources.get("/Font")) or {}).values():
            font = _resolve(font)
            found[str(font["/BaseFont"])] = font
        for xobject in (_resolve(resources.get("/XObject")) or {}).values():
            xobject = _resolve(xobject)
            if "/Resources" in xobject:
                visit(xobject["/Resources"])

    for page in reader(pdf).pages:
        visit(page.get("/Resources"))
    return found


def is_embedded(font: DictionaryObject) -> bool:
    descriptor = _resolve(font.get("/FontDescriptor"))
    if descriptor is None and "/DescendantFonts" in font:
        descriptor = _resolve(_resolve(_resolve(font["/DescendantFonts"])[0]).get("/FontDescriptor"))
    return descriptor is not None and "/FontFile2" in descriptor


def qpdf_check(pdf: bytes, tmp_path: Path, name: str = "document.pdf") -> None:
    """Structural check by qpdf where it is installed; silently nothing where it is not."""
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        return
    path = tmp_path / name
    path.write_bytes(pdf)
    result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
