"""The condition language of system files: durable_rules' JSON condition syntax.

A condition has exactly one key: ``{fact: value}`` (equality), ``{"$lt": {fact: value}}`` (and
``$lte $gt $gte $neq``), ``{"$and": [...]}``, ``{"$or": [...]}``, ``{"$ex": {fact: 1}}``,
``{"$nex": {fact: 1}}``. Decisions (classification, vetoes) run in durable-rules itself (see
:mod:`cpscore.engine.decision`); applicability and variants, which select benchmarks for the numeric
path, are evaluated here over all plants at once with the same semantics (tests compare the two):
a comparison with an absent value never matches, and an absent value is not equal to anything.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .model import Condition

COMPARISONS = {"$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">=", "$neq": "!="}
LOGICAL = ("$and", "$or")
EXISTENCE = ("$ex", "$nex")


def split(cond: Condition) -> tuple[str, Any]:
    ((key, arg),) = cond.items()
    return key, arg


def atoms(cond: Condition) -> Iterator[tuple[str, str, Any]]:
    """Every comparison in a condition as (operator, name, operand); operator '=' for equality."""
    key, arg = split(cond)
    if key in LOGICAL:
        for c in arg:
            yield from atoms(c)
    elif key in COMPARISONS or key in EXISTENCE:
        ((name, value),) = arg.items()
        yield key, name, value
    else:
        yield "=", key, arg


def names(cond: Condition) -> set[str]:
    return {name for _, name, _ in atoms(cond)}


def evaluate(cond: Condition, columns: Mapping[str, Any], n: int) -> np.ndarray:
    """Evaluate for n plants; ``columns`` maps a name to an array of n values (None/NaN = absent)."""
    key, arg = split(cond)
    if key == "$and":
        out = np.ones(n, dtype=bool)
        for c in arg:
            out &= evaluate(c, columns, n)
        return out
    if key == "$or":
        out = np.zeros(n, dtype=bool)
        for c in arg:
            out |= evaluate(c, columns, n)
        return out
    if key in EXISTENCE:
        ((name, _),) = arg.items()
        present = ~_absent(columns.get(name), n)
        return present if key == "$ex" else ~present
    if key in COMPARISONS:
        ((name, operand),) = arg.items()
        return _compare(columns.get(name), COMPARISONS[key], operand, n)
    return _compare(columns.get(key), "=", arg, n)


def _absent(values: Any, n: int) -> np.ndarray:
    if values is None:
        return np.ones(n, dtype=bool)
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        return np.isnan(arr)
    import pandas as pd

    return pd.isna(pd.Series(arr.astype(object))).to_numpy()


def _compare(values: Any, op: str, operand: Any, n: int) -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=bool)
    arr = np.asarray(values)
    if (
        arr.dtype.kind in "fiub"
        and isinstance(operand, int | float)
        and not isinstance(operand, bool)
    ):
        x = arr.astype(float)
        with np.errstate(invalid="ignore"):
            res = {
                "<": x < operand,
                "<=": x <= operand,
                ">": x > operand,
                ">=": x >= operand,
                "=": x == operand,
                "!=": x != operand,
            }[op]
        return res & ~np.isnan(x)
    if n == 1:  # one plant (reasons, blockers): no need to group values
        return np.array([_compare_one(arr.astype(object)[0], op, operand)], dtype=bool)
    return _per_distinct(arr, lambda v: _compare_one(v, op, operand))


def _per_distinct(arr: np.ndarray, func: Any) -> np.ndarray:
    """Apply a scalar test once per distinct value (plants share few), absent values are False."""
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(arr.astype(object)), use_na_sentinel=True)
    table = np.array([bool(func(u)) for u in uniques] + [False], dtype=bool)
    return table[codes]


def _compare_one(v: Any, op: str, operand: Any) -> bool:
    if v is None or (isinstance(v, float) and v != v):
        return False
    if isinstance(operand, bool) or isinstance(v, bool):
        if op not in ("=", "!="):
            return False
        same = bool(v) == bool(operand) and isinstance(v, bool) == isinstance(operand, bool)
        return same if op == "=" else not same
    if isinstance(v, str) != isinstance(operand, str):
        return op == "!="
    try:
        return {
            "<": v < operand,
            "<=": v <= operand,
            ">": v > operand,
            ">=": v >= operand,
            "=": v == operand,
            "!=": v != operand,
        }[op]
    except TypeError:
        return False
