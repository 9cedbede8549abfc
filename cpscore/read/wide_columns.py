"""Reading a wide sheet a column at a time: the cells that need no interpretation.

A national wide sheet holds millions of cells, nearly all of them a plain number in range, a
blank or one of a few answers. They are recognised here column by column (numbers tested as
arrays, texts once per distinct value) with exactly the outcome the single-plant reader's rules
would give; every other row goes to that reader (:func:`cpscore.read.wide.read_wide_sheets`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cpscore.common.errors import Location
from cpscore.common.i18n import Msg
from cpscore.system import units
from cpscore.system.answers import is_blank
from cpscore.system.model import System

from .plant_rows import MissingCells
from .safety import SheetInfo, parse_ref
from .values import column_letter, integer_text, is_real
from .workbook import _is_percent, _Reader

if TYPE_CHECKING:
    from .wide_header import Column, WideHeader


class ColumnReading:
    """The cells of a wide table that need no interpretation, found a column at a time.

    A cell is taken as it stands when the single-plant reader would take it so and report
    nothing but a missing value: a finite number in the indicator's unit within the plausible
    range (and not an ambiguous fraction of a percentage), a blank, or a text answer or fact
    value that reads cleanly (tried once per distinct value). ``ok`` marks the rows made only
    of such cells, with an id seen for the first time and no cell the sheet XML flags.
    """

    def __init__(
        self,
        system: System,
        path: Path,
        header: WideHeader,
        body: list[list[Any]],
        info: SheetInfo | None,
    ):
        self.system, self.path, self.sheet = system, path, header.sheet
        n = len(body)
        self.meta: dict[str, list[Any]] = {}
        self.values: dict[str, np.ndarray] = {}
        self.missing: list[MissingCells] = []
        self.blank_row = np.ones(n, dtype=bool)
        self.ok = np.ones(n, dtype=bool)
        self.cache: dict[tuple[str, str, type, Any], tuple[bool, Any]] = {}
        required = {f.id for f in system.facts if f.required}
        columns = _transposed(body, max(header.columns) + 1)
        for c, col in header.columns.items():
            cells = columns[c]
            if col.kind == "meta":
                text, blank = _stripped(cells)
                self.meta[col.key] = text
                self.blank_row &= blank
                continue
            value, blank, ok = self._classify(col, cells)
            self.values[col.key] = value
            self.blank_row &= blank
            self.ok &= ok
            if col.kind == "indicator":
                ind = system.indicator(col.key)
                # The same words as the cell-by-cell reader (cpscore.read.workbook).
                message = (
                    Msg(
                        "no value for {id} ({name}): scores 0 at every level",
                        id=ind.id,
                        name=ind.name,
                    )
                    if ind.quantitative
                    else Msg(
                        "no answer for {id} ({name}): scores 0 at every level",
                        id=ind.id,
                        name=ind.name,
                    )
                )
                self.missing.append(MissingCells(ind.id, message, column_letter(c), blank.copy()))
            elif col.key in required:
                self.ok &= ~blank
        self.ids: list[str | None] = self.meta["id"]
        # Each id's first row with data (body position): later rows with it are duplicates.
        self.first: dict[str, int] = {}
        for k, pid in enumerate(self.ids):
            if pid and not self.blank_row[k]:
                self.first.setdefault(pid, k)
        first = np.zeros(n, dtype=bool)
        first[list(self.first.values())] = True
        self.ok &= first
        for r, _c in _special_cells(info):
            k = r - header.row - 1
            if 0 <= k < n:
                self.ok[k] = False

    def _classify(
        self, col: Column, cells: Sequence[Any]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(value, blank, ok) of one fact or indicator column."""
        converted = False
        if col.kind == "indicator":
            ind = self.system.indicator(col.key)
            number, plausible = ind.quantitative, ind.plausible
            percent = number and _is_percent(ind.unit)
            # A unit in the header other than the system's: every cell is converted and reported.
            converted = number and bool(col.unit) and not units.same(col.unit or "", ind.unit)
        else:
            fact = self.system.fact(col.key)
            assert fact is not None
            number, plausible, percent = fact.type == "number", fact.plausible, False
            converted = number and bool(col.unit) and not units.same(col.unit or "", fact.unit)
        if not number:
            return self._texts(col, cells)
        value, blank, ok = _numbers(cells, *(plausible or (None, None)), percent)
        return value, blank, (blank if converted else ok)

    def _texts(
        self, col: Column, cells: Sequence[Any]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Answers and non-number facts: each distinct value read once, the reader's way."""
        from pandas.api.types import infer_dtype

        series = pd.Series(cells, dtype=object)
        if infer_dtype(series, skipna=True) in ("string", "empty"):
            codes, distinct = pd.factorize(series)  # hashing texts is safe: 1, 1.0, True are not
        else:  # numbers or booleans among them: keep 1, 1.0 and True apart
            keys: dict[tuple[type, Any], int] = {}
            codes = np.fromiter(
                (-1 if v is None else keys.setdefault((type(v), v), len(keys)) for v in cells),
                np.int64,
                len(cells),
            )
            distinct = [v for _t, v in keys]
        m = len(distinct)
        blank = np.ones(m + 1, dtype=bool)  # the last entry: None (code -1)
        ok = np.ones(m + 1, dtype=bool)
        value = np.full(m + 1, None, dtype=object)
        for k, v in enumerate(distinct):
            blank[k] = is_blank(v)
            if not blank[k]:
                ok[k], value[k] = self._cached(col, v)
        return value[codes], blank[codes], ok[codes]

    def _cached(self, col: Column, value: Any) -> tuple[bool, Any]:
        """Read one text cell the reader's way, once per distinct value; ok when it said nothing."""
        key = (col.kind, col.key, type(value), value)
        if key not in self.cache:
            probe = _Reader(self.system, self.path)
            loc = Location(str(self.path), self.sheet, "A1")
            if col.kind == "fact":
                fact = self.system.fact(col.key)
                assert fact is not None
                probe.fact(fact, value, loc)
            else:
                probe.answer(self.system.indicator(col.key), value, loc)
            clean = not probe.errors and not probe.findings
            self.cache[key] = (clean, probe.row.get(col.key))
        return self.cache[key]


def _stripped(cells: Sequence[Any]) -> tuple[list[str | None], np.ndarray]:
    """Cells as stripped text, None where blank; and where they are blank."""
    from pandas.api.types import infer_dtype

    series = pd.Series(cells, dtype=object)
    if infer_dtype(series, skipna=True) == "string":
        text = series.str.strip()
    else:  # an id or period typed as a number is its integer text: 2023, not 2023.0
        text = pd.Series([integer_text(v) for v in cells], dtype=object)
    blank = (text.isna() | (text == "")).to_numpy()
    text[blank] = None
    return text.tolist(), blank


def _transposed(body: list[list[Any]], width: int) -> list[Sequence[Any]]:
    """The first ``width`` columns of the rows (calamine's rows are all as wide as the sheet)."""
    if body and min(map(len, body)) >= width:
        return list(zip(*body, strict=False))[:width]
    return [[row[c] if c < len(row) else None for row in body] for c in range(width)]


def _numbers(
    cells: Sequence[Any], lo: float | None, hi: float | None, percent: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, blank, ok) of a number column: ok where the reader takes the cell as typed,
    without a report (a finite number within the plausible range, not an ambiguous fraction of
    a percentage) or where it is blank. Columns of numbers and blanks are tested as arrays."""
    from pandas.api.types import infer_dtype

    n = len(cells)
    series = pd.Series(cells, dtype=object)
    series[(series == "").to_numpy()] = None  # calamine reads an empty cell as ''
    x: np.ndarray | None = None
    if infer_dtype(series, skipna=True) in ("floating", "integer", "mixed-integer-float", "empty"):
        try:
            x = series.astype(float).to_numpy()
            blank = series.isna().to_numpy()
            number = ~blank
        except (OverflowError, TypeError, ValueError):
            x = None
    if x is None:  # text, booleans, dates … among the numbers: cell by cell
        x = np.full(n, np.nan)
        blank = np.zeros(n, dtype=bool)
        number = np.zeros(n, dtype=bool)
        for k, v in enumerate(cells):
            if is_blank(v):
                blank[k] = True
            elif is_real(v):
                try:
                    x[k] = float(v)
                    number[k] = True
                except OverflowError:
                    pass
    with np.errstate(invalid="ignore"):
        good = number & np.isfinite(x)
        if percent:
            good &= ~((x > 0) & (x <= 1))  # the reader reports an ambiguous percentage
        if lo is not None:
            good &= x >= lo
        if hi is not None:
            good &= x <= hi
    return np.where(good, x, np.nan), blank, good | blank


def _special_cells(info: SheetInfo | None) -> set[tuple[int, int]]:
    """(row, col), zero-based, of cells the sheet XML flags: formulas, errors, % formats, merges."""
    if info is None:
        return set()
    refs = [*info.formulas_without_value, *info.error_cells, *info.percent_cells]
    out = set()
    for ref in refs:
        rc = parse_ref(ref)
        if rc:
            out.add((rc[0] - 1, rc[1] - 1))
    for rng in info.merged:
        a, _, b = rng.partition(":")
        lo, hi = parse_ref(a), parse_ref(b or a)
        if lo and hi:
            for rr in range(lo[0], hi[0] + 1):
                for cc in range(lo[1], min(hi[1], lo[1] + 200) + 1):
                    out.add((rr - 1, cc - 1))
    return out
