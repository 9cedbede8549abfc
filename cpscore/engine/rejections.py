"""Rows of a plant table the scorer cannot read as written, and why.

Text in a number column, an answer or enum value the system does not know, no id, no value for
a required fact, a fact outside its plausible range: :func:`rejected_rows` finds them per cell,
vectorised (only the cells that did not read are looked at twice), and says why with the
readers' bracketed kinds. The scorer (:func:`cpscore.engine.inputs.prepare`) would count such
a cell as missing; a national run lists the row as rejected instead. A row is rejected exactly
when the scorer would not recognise a cell, since the answers are read with its own function.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpscore.common.i18n import _
from cpscore.read.table import TableLayout
from cpscore.system.answers import NOT_APPLICABLE, as_bool, is_blank, text_key
from cpscore.system.model import Fact, Indicator, System

from .inputs import _qualitative_answers, map_distinct

_FOUND_WIDTH = 40  # a rejected cell is quoted up to this many characters


def _stripped(col: pd.Series) -> pd.Series:
    """Text cells stripped (vectorised); other cells NaN."""
    try:
        return col.str.strip()
    except AttributeError:  # an object column without text (numbers, yes/no)
        return pd.Series(np.nan, index=col.index, dtype=object)


def _blank(col: pd.Series) -> np.ndarray:
    if col.dtype.kind in "fiub":
        return col.isna().to_numpy()
    return (col.isna() | (_stripped(col) == "").fillna(False)).to_numpy(dtype=bool)


def _not_applicable(col: pd.Series) -> np.ndarray:
    if col.dtype.kind in "fiub":
        return np.zeros(len(col), dtype=bool)
    return _stripped(col).str.lower().isin(NOT_APPLICABLE).to_numpy(dtype=bool)


def _written(col: pd.Series, suspect: np.ndarray, na_ok: bool = True) -> np.ndarray:
    """Of the cells that did not read (``suspect``), those that hold something: not blank and,
    with ``na_ok``, not 'n/a'. Only the suspects are looked at (most cells read)."""
    out = np.asarray(suspect, dtype=bool).copy()
    if out.any():
        sub = col[out]
        keep = ~_blank(sub)
        if na_ok:
            keep &= ~_not_applicable(sub)
        out[out] = keep
    return out


def _numbers(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The column as floats (NaN where blank or not a number) and where it holds no number."""
    if col.dtype.kind == "b":  # a yes/no column where a number belongs
        return np.full(len(col), np.nan), col.notna().to_numpy()
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    return values, np.isnan(values) | ~np.isfinite(values)


def _found(v: object) -> str:
    """A rejected cell as quoted in its reason: text in quotes (cut short), no value said so."""
    if v is pd.NA or is_blank(v):
        return _("no value")
    s = str(v)
    s = s if len(s) <= _FOUND_WIDTH else s[: _FOUND_WIDTH - 1] + "…"
    return repr(s) if isinstance(v, str) else s


class _Problems:
    """Per column, the rows that cannot be read and why; folded into one reason per row."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.parts: list[pd.Series] = []
        self.kinds: list[pd.Series] = []

    def add(self, column: str, bad: np.ndarray, kind: str, expected: str) -> None:
        if not bad.any():
            return
        rows = np.flatnonzero(bad)
        found = self.frame[column].iloc[rows]
        # One message per distinct value (a bad column repeats the same few texts).
        texts = found.map(_found)
        message = texts.map(
            lambda t: (
                _("{column}: {found}; expected {expected}").format(
                    column=column, found=t, expected=expected
                )
                + f" [{kind}]"
            )
        )
        self.parts.append(pd.Series(message.to_numpy(dtype=object), index=rows))
        self.kinds.append(pd.Series(kind, index=rows, dtype=object))

    def rows(self) -> pd.DataFrame:
        """Rejected rows by position: the first problem's kind, the count and every reason."""
        if not self.parts:
            return pd.DataFrame(
                {"kind": pd.Series([], dtype=object), "problems": [], "reason": []},
                index=pd.Index([], dtype=np.int64),
            )
        messages = pd.concat(self.parts)
        by_row = messages.groupby(level=0, sort=True)
        out = pd.DataFrame(
            {
                "kind": pd.concat(self.kinds).groupby(level=0, sort=True).first(),
                "problems": by_row.size(),
                "reason": by_row.agg("; ".join),
            }
        )
        out.index = out.index.astype(np.int64)
        return out


def _expected_fact(f: Fact) -> str:
    if f.type == "enum":
        return _("one of {values}").format(values=", ".join(f.values))
    if f.type == "boolean":
        return _("yes/no (是/否)")
    return _("a number in {unit}").format(unit=f.unit) if f.unit else _("a number")


def _check_fact(problems: _Problems, system: System, f: Fact, col: pd.Series) -> None:
    if f.required and f.default is None:
        problems.add(f.id, _blank(col), "missing_fact", _expected_fact(f))
    if f.type == "number":
        values, no_number = _numbers(col)
        problems.add(f.id, _written(col, no_number, na_ok=False), "bad_fact", _expected_fact(f))
        if f.plausible:
            lo, hi = f.plausible
            with np.errstate(invalid="ignore"):
                out = ((values < lo) if lo is not None else False) | (
                    (values > hi) if hi is not None else False
                )
            problems.add(
                f.id,
                np.asarray(out, dtype=bool),
                "implausible",
                _("a value within [{lo}, {hi}] {unit} (the system's plausible range)").format(
                    lo="" if lo is None else f"{lo:g}",
                    hi="" if hi is None else f"{hi:g}",
                    unit=f.unit,
                ),
            )
        return
    if f.type == "boolean":
        unknown = map_distinct(col, lambda v: as_bool(v) is None, False, bool)
    elif f.type == "enum":
        words = system.enum_vocabularies.get(f.id, {})
        unknown = map_distinct(col, lambda v: text_key(v) not in words, False, bool)
    else:
        return
    problems.add(f.id, _written(col, unknown, na_ok=False), "bad_fact", _expected_fact(f))


def _check_indicator(
    problems: _Problems, ind: Indicator, col: pd.Series, level_ids: list[str]
) -> None:
    if ind.quantitative:
        if col.dtype.kind in "fiu":
            bad = ~np.isfinite(col.to_numpy(dtype=float, na_value=np.nan)) & col.notna().to_numpy()
        else:
            bad = _written(col, _numbers(col)[1])
        unit = ind.unit or _("the indicator's unit")
        problems.add(ind.id, bad, "not_a_number", _("a number in {unit}, or n/a").format(unit=unit))
        return
    codes = _qualitative_answers(col, ind.answer, level_ids)
    expected = (
        _("yes/no (是/否) or n/a")
        if ind.answer == "yes_no"
        else _("a level ({levels}), none or n/a").format(levels=" / ".join(level_ids))
    )
    problems.add(ind.id, _written(col, codes < 0), "bad_answer", expected)


def rejected_rows(system: System, frame: pd.DataFrame, layout: TableLayout) -> pd.DataFrame:
    """The rows of ``frame`` (by position) that cannot be scored as written: a row per rejected
    plant-period with the first problem's kind, the number of problems and every reason."""
    problems = _Problems(frame)
    problems.add(layout.id_column, _blank(frame[layout.id_column]), "missing_id", _("a plant id"))
    for f in system.facts:
        if f.id in frame.columns:
            _check_fact(problems, system, f, frame[f.id])
    level_ids = [lv.id for lv in system.levels]
    for ind in system.indicators:
        if ind.id in frame.columns:
            _check_indicator(problems, ind, frame[ind.id], level_ids)
    return problems.rows()
