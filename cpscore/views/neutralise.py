"""Keeping plant-provided text inert in every output: no spreadsheet formula, no HTML markup.

A name typed as ``=HYPERLINK("http://…")`` or ``+cmd|' /C calc'!A0`` would run as a formula when
a scorecard, a CSV list or an HTML table pasted into Excel is opened. Every writer passes text
through one of these functions (OWASP "CSV injection").
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

# Characters that make Excel, WPS or LibreOffice read a cell as a formula or a DDE command.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?$")
# Control characters an .xlsx cannot hold (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


def is_formula_like(text: str) -> bool:
    """True for text a spreadsheet would evaluate; a plain signed number ('-3.5') is not."""
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text)


def for_csv(value: Any) -> Any:
    """A CSV field: formula-like text gets a leading apostrophe; numbers pass unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def for_html(value: Any) -> str:
    """HTML text: neutralised as for CSV, then escaped (quotes included)."""
    return html.escape(str(for_csv("" if value is None else value)), quote=True)


def set_cell(cell: Any, value: Any) -> Any:
    """Store ``value`` in an openpyxl cell; formula-like text stays text (quotePrefix).

    The text itself is kept exactly; only the cell's quote-prefix flag is set, as Excel does
    when a person types a leading apostrophe.
    """
    if isinstance(value, str) and is_formula_like(value):
        cell.value = value
        cell.data_type = "s"
        cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def cell_value(value: Any) -> Any:
    """A value for a list or table cell: numbers as numbers (NaN as empty), text neutralised
    with a leading apostrophe and stripped of control characters an .xlsx cannot hold."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if isinstance(value, float) and not math.isfinite(value) else value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return cell_value(value.item())
    return for_csv(_ILLEGAL.sub("", str(value)))
