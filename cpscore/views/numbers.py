"""How many decimals a number is shown with, per unit and per indicator, in every view.

An indicator's values are shown with the decimals its published benchmarks carry (0.15 m³/t:
two), at least one for percentages; indices with two. The workbook gets an Excel number format,
text outputs (CSV, HTML) the same number of decimals, so no view shows binary noise such as
0.244999999999997. JSON keeps the numbers themselves.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cpscore.system.model import Indicator

INDEX_DECIMALS = 2
MAX_DECIMALS = 4


def _decimals(v: Any) -> int:
    if v is None or isinstance(v, bool) or not isinstance(v, int | float):
        return 0
    exp = Decimal(repr(float(v))).normalize().as_tuple().exponent
    return max(0, -int(exp)) if isinstance(exp, int) else 0


def indicator_decimals(ind: Indicator) -> int:
    """The decimals of an indicator's benchmarks (variants too), within 0..MAX_DECIMALS."""
    sets = [ind.benchmarks or {}] + [v.benchmarks for v in ind.variants]
    found = [0]
    for s in sets:
        for b in s.values():
            for n in (b.value, b.low, b.high):
                if n is not None and n.const is not None:
                    found.append(_decimals(n.const))
    if ind.benchmark is not None:
        found.append(_decimals(ind.benchmark))
    d = max(found)
    if ind.unit == "%":
        d = max(d, 1)
    return min(d, MAX_DECIMALS)


def excel_format(decimals: int) -> str:
    return "0" if decimals <= 0 else "0." + "0" * decimals


def shown(v: Any, decimals: int) -> Any:
    """A number as text with ``decimals`` places (other values unchanged)."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return v
    if v != v:  # NaN
        return ""
    return f"{v:.{decimals}f}"
