"""Row heights for wrapped text: spreadsheet applications do not fit rows that openpyxl writes.

An estimate from the column widths (character units; CJK characters count two), generous rather
than tight, so that printed text is never cut off.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any


def text_units(text: str) -> int:
    """Display width in character units: CJK characters are two units wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines(text: str, width: float, size: float) -> int:
    per_line = max(width * 1.1 * 11.0 / size - 1.0, 1.0)
    return sum(max(math.ceil(text_units(seg) / per_line), 1) for seg in text.split("\n"))


def span_width(ws: Any, first: int, last: int) -> float:
    from openpyxl.utils import get_column_letter

    return sum(
        ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(first, last + 1)
    )


def fit_height(ws: Any, row: int, text: str, width: float, size: float) -> None:
    """At least as tall as ``text`` wrapped in ``width`` needs (merged cells: the span's width)."""
    n = lines(text, width, size)
    ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, n * size * 1.35 + 4)


def fit_rows(ws: Any, first: int, last: int, size: float) -> None:
    """Each row as tall as its longest wrapped cell (cells not merged)."""
    from openpyxl.utils import get_column_letter

    for r in range(first, last + 1):
        n = 1
        for c in range(1, ws.max_column + 1):
            v = ws.cell(r, c).value
            if isinstance(v, str) and v:
                width = ws.column_dimensions[get_column_letter(c)].width or 8.43
                n = max(n, lines(v, width, size))
        ws.row_dimensions[r].height = n * size * 1.35 + 4
