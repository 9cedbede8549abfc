"""Text a plant typed, made safe for every output that a spreadsheet or browser may open.

A cell starting with ``= + - @`` (or a tab or carriage return before one) is run as a formula by
Excel, WPS and LibreOffice when it arrives through .xlsx or CSV (CSV/formula injection). Every
writer (list workbook, CSV, HTML, wide form) passes text through :func:`neutralise`, which puts an
apostrophe in front, the form spreadsheet programs themselves use for "this is text".
"""

from __future__ import annotations

import math
import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters an .xlsx cannot hold (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


def neutralise(text: str) -> str:
    """``'=1+1`` for ``=1+1``; any other text unchanged (apart from illegal control characters)."""
    text = _ILLEGAL.sub("", text)
    return "'" + text if text.startswith(FORMULA_START) else text


def cell_value(value: Any) -> Any:
    """A value ready for a cell: numbers as numbers (NaN as empty), text neutralised."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if isinstance(value, float) and not math.isfinite(value) else value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return cell_value(value.item())
    return neutralise(str(value))
