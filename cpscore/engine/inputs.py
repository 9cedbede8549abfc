"""Plant inputs for one system as arrays: the boundary between reading and scoring.

A DataFrame of plants (one row each; columns = fact ids and indicator ids) is turned into
arrays the vectorised scorer consumes. Quantitative columns hold numbers in the system's unit
(NaN = missing); qualitative columns hold the level met (``I``/``II``...), ``none``, or yes/no;
any column may hold ``n/a`` for an indicator that does not apply to the plant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cpscore.system import conditions, expressions
from cpscore.system.answers import (
    NO,
    NONE_MET,
    NOT_APPLICABLE,
    ROMAN,
    YES,
    as_bool,
    is_blank,
    is_bool,
    text_key,
)
from cpscore.system.model import System


@dataclass
class Inputs:
    """What the scorer needs, for n plants and k indicators."""

    system: System
    index: pd.Index
    facts: dict[str, np.ndarray]  # fact id -> n values (float for numbers, object otherwise)
    values: np.ndarray  # n x k float; quantitative value in system units, NaN otherwise
    answers: np.ndarray  # n x k int; qualitative: index of best level met, L = none met
    given: np.ndarray  # n x k bool; a value or answer was given
    not_applicable: np.ndarray  # n x k bool; explicitly n/a, or applies_when false
    computed: np.ndarray  # n x k bool; value computed by the indicator's formula

    @property
    def n(self) -> int:
        return len(self.index)


def map_distinct(col: pd.Series, func: Any, default: Any, dtype: Any) -> np.ndarray:
    """Apply ``func`` once per distinct value of a column (plants share few answers)."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    table = np.array([func(u) for u in uniques] + [default], dtype=dtype)
    return table[codes]


def _is_na(col: pd.Series) -> np.ndarray:
    if col.dtype.kind in "fiub":
        return np.zeros(len(col), dtype=bool)
    return map_distinct(col, lambda v: str(v).strip().lower() in NOT_APPLICABLE, False, bool)


def fact_arrays(system: System, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    n = len(frame)
    for f in system.facts:
        col = (
            frame[f.id] if f.id in frame.columns else pd.Series([f.default] * n, index=frame.index)
        )
        if f.type == "number":
            out[f.id] = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
        elif f.type == "boolean":
            out[f.id] = map_distinct(col, as_bool, None, object)
        else:  # an enum: its id, or a label as the template's drop-down shows it
            words = system.enum_vocabularies.get(f.id, {})
            out[f.id] = map_distinct(
                col,
                lambda v, words=words: (
                    None if is_blank(v) else words.get(text_key(v), str(v).strip())
                ),
                None,
                object,
            )
    return out


def _answer_codes(level_ids: list[str], yes_no: bool) -> dict[str, int]:
    """Normalised answer text -> index of the best level met (L = none met)."""
    L = len(level_ids)
    codes = {lv.upper(): i for i, lv in enumerate(level_ids)}
    codes.update({s.upper(): L for s in NONE_MET if not yes_no or s != "0"})
    if yes_no:
        codes.update({s.upper(): 0 for s in YES})
        codes.update({s.upper(): L for s in NO})
    return codes


def _answer_text(v: object) -> object:
    """1.0 -> '1': a numeric column with a blank is float, and must read like its integers."""
    if isinstance(v, int | float | np.integer | np.floating) and not is_bool(v):
        x = float(v)
        if np.isfinite(x) and x.is_integer():
            return str(int(x))
    return v


def _qualitative_answers(col: pd.Series, answer: str, level_ids: list[str]) -> np.ndarray:
    """'Ⅱ级', 'ii', 'level II' -> 1; 'none' -> L; yes/no where the system says so; else -1.

    Each distinct cell is read on its own, whatever the column's dtype (which depends on the
    other plants): True/False are yes/no, and 1.0 reads as 1.
    """
    L = len(level_ids)
    codes = _answer_codes(level_ids, answer == "yes_no")

    def code(v: Any) -> int:
        if is_bool(v):
            return 0 if v else L
        t = str(_answer_text(v)).strip()
        for k, r in ROMAN.items():
            t = t.replace(k, r)
        t = t.upper().removeprefix("LEVEL").removesuffix("级").strip()
        return codes.get(t, -1)

    return map_distinct(col, code, -1, np.int64)


def prepare(system: System, frame: pd.DataFrame) -> Inputs:
    """Arrays for scoring. Unrecognised cell contents count as missing (readers flag them first)."""
    n = len(frame)
    inds = system.indicators
    k = len(inds)
    level_ids = [lv.id for lv in system.levels]
    facts = fact_arrays(system, frame)
    values = np.full((n, k), np.nan)
    answers = np.full((n, k), -1, dtype=np.int64)
    na = np.zeros((n, k), dtype=bool)
    computed = np.zeros((n, k), dtype=bool)
    raw_env = None
    for j, ind in enumerate(inds):
        col = (
            frame[ind.id] if ind.id in frame.columns else pd.Series([np.nan] * n, index=frame.index)
        )
        na[:, j] = _is_na(col)
        if ind.quantitative:
            values[:, j] = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
            if ind.formula:
                if raw_env is None:
                    raw_env = _raw_env(system, frame, facts)
                todo = np.isnan(values[:, j]) & ~na[:, j]
                if todo.any():
                    with np.errstate(all="ignore"):
                        got = np.broadcast_to(expressions.evaluate(ind.formula, raw_env), (n,))
                    fill = todo & np.isfinite(got)
                    values[fill, j] = got[fill]
                    computed[fill, j] = True
        else:
            answers[:, j] = _qualitative_answers(col, ind.answer, level_ids)
        if ind.applies_when is not None:
            na[:, j] |= ~conditions.evaluate(ind.applies_when, facts, n)
        if ind.output_fact:
            out = facts[ind.output_fact]
            na[:, j] |= ~(out > 0)
    given = (~np.isnan(values)) | (answers >= 0)
    values[na] = np.nan
    answers[na] = -1
    given &= ~na
    return Inputs(system, frame.index, facts, values, answers, given, na, computed)


def _raw_env(
    system: System, frame: pd.DataFrame, facts: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    env: dict[str, np.ndarray] = {k: v for k, v in facts.items() if v.dtype.kind == "f"}
    for r in system.raw_inputs:
        col = frame[r.id] if r.id in frame.columns else pd.Series([np.nan] * len(frame))
        env[r.id] = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    return env
