"""What commands print on stdout: tables in aligned columns and JSON documents."""

from __future__ import annotations

import json
import sys
from collections.abc import Collection, Sequence
from typing import Any


def print_table(
    body: Sequence[Sequence[str]],
    heads: Sequence[str] = (),
    *,
    foot: Sequence[str] = (),
    right: Collection[int] = (),
    indent: str = "",
) -> None:
    """Print rows in columns two spaces apart, each column as wide as its widest cell.

    With ``heads``, a heading line and a rule of dashes come first; with ``foot``, a second rule and
    the foot line (totals) come last. The columns numbered in ``right`` are right-aligned (amounts,
    counts), the others left-aligned; no line ends in spaces.
    """
    lines = [*([heads] if heads else []), *body, *([foot] if foot else [])]
    if not lines:
        return
    widths = [max(len(line[n]) for line in lines) for n in range(len(lines[0]))]
    rule = ["-" * w for w in widths]
    rows = [*([heads, rule] if heads else []), *body, *([rule, foot] if foot else [])]
    for row in rows:
        pairs = enumerate(zip(row, widths, strict=True))
        cells = [c.rjust(w) if n in right else c.ljust(w) for n, (c, w) in pairs]
        print((indent + "  ".join(cells)).rstrip())


def clip(text: str, width: int) -> str:
    """The text cut to ``width`` characters, an ellipsis showing where: for long names in a column."""
    return text if len(text) <= width else text[: width - 1] + "…"


def print_json(document: dict[str, Any]) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
