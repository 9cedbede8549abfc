"""Classification and vetoes: the system's JSON rules, executed by durable-rules.

Numbers are summed elsewhere (:mod:`cpscore.engine.scoring`); here each plant's *decision facts* (scores
per level, whether limiting indicators meet each level, plant facts) are asserted once against a
ruleset compiled once per system. ``assert_fact`` fires every matching rule; the best class among
the fired classification rules is taken, capped by any fired veto. One constant session id is
used and each fact is retracted after use, which keeps durable-rules' state flat (DESIGN §4).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cpscore.common.errors import UnclassifiedPlantError
from cpscore.common.i18n import Msg
from cpscore.system import conditions
from cpscore.system.model import System
from cpscore.system.rules import compiled


@dataclass
class Decision:
    klass: str
    rule: int | None  # index into system.classification
    vetoes: list[int]  # indices into system.vetoes that fired


def decide_one(system: System, facts: dict[str, Any], key: int = 0) -> Decision | None:
    """The class of one plant; None when no classification rule matches (a system defect)."""
    fired = compiled(system).fire(facts, key)
    rules = [i for kind, i in fired if kind == "class"]
    if not rules:
        return None
    rank = system.class_rank
    best = min(rules, key=lambda i: (rank(system.classification[i].klass), i))
    klass = system.classification[best].klass
    vetoes = sorted(i for kind, i in fired if kind == "veto")
    for i in vetoes:
        cap = system.vetoes[i].max_class
        if rank(cap) > rank(klass):
            klass = cap
    return Decision(klass, best, vetoes)


def decide(
    system: System, columns: dict[str, Any], labels: list[str], memoise: bool = True
) -> list[Decision]:
    """Class every plant. ``columns`` maps decision-fact names to one array per plant.

    The rules only compare facts with constants, so two plants whose every fact lies in the same
    interval between the rules' constants get the same decision. With ``memoise`` each number is
    replaced by a representative of its interval and durable-rules runs once per distinct
    combination: exact (tests compare it with one run per plant), and it keeps the rules engine
    off the critical path for a national population.
    """
    import pandas as pd

    names = compiled(system).names
    n = len(labels)
    frame = pd.DataFrame({k: _column(columns.get(k), n) for k in names}, index=pd.RangeIndex(n))
    if memoise:
        keyed = frame.copy()
        for name, points in _constants(system).items():
            # Intervals narrower than durable-rules' smallest number cannot be represented.
            if name in keyed and keyed[name].dtype.kind == "f" and _separable(points):
                keyed[name] = _representatives(keyed[name].to_numpy(), points)
        codes, uniques = _factorize(keyed, names)
    else:
        codes, uniques = np.arange(n), [tuple(frame.iloc[i]) for i in range(n)]
    out = [
        decide_one(system, {k: _plain(v) for k, v in zip(names, values, strict=True)}, key)
        for key, values in enumerate(uniques)
    ]
    decisions = []
    for i, code in enumerate(codes):
        d = out[code]
        if d is None:
            facts = {k: _plain(frame.iat[i, c]) for c, k in enumerate(names)}
            raise UnclassifiedPlantError(
                Msg(
                    "{path}: no classification rule matches plant {x2} ({x4}); the system file is incomplete",
                    path=system.path,
                    x2=repr(labels[i]),
                    x4=_short(facts, names),
                )
            )
        decisions.append(d)
    return decisions


def _factorize(frame: Any, names: list[str]) -> tuple[np.ndarray, list[tuple[Any, ...]]]:
    import pandas as pd

    if not names:
        return np.zeros(len(frame), dtype=np.int64), [()]
    codes, uniques = pd.MultiIndex.from_frame(frame[names]).factorize()
    return codes, [tuple(u) for u in uniques]


def _constants(system: System) -> dict[str, np.ndarray]:
    """Per fact name, the sorted numeric constants the rules compare it with."""
    found: dict[str, set[float]] = {}
    for r in (*system.classification, *system.vetoes):
        for _, name, v in conditions.atoms(r.when):
            if isinstance(v, int | float) and not isinstance(v, bool):
                found.setdefault(name, set()).add(float(v))
    return {k: np.array(sorted(v)) for k, v in found.items()}


def _separable(points: np.ndarray) -> bool:
    mids = (points[:-1] + points[1:]) / 2.0
    return bool(np.all((mids == 0) | (np.abs(mids) >= 1e-4)))


def _representatives(x: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Map each value to one value of its interval between constants (constants stay)."""
    x = _round(x)
    ext = np.concatenate(([points[0] - 1.0], points, [points[-1] + 1.0]))
    mids = (ext[:-1] + ext[1:]) / 2.0  # one point strictly inside each open interval
    pos = np.searchsorted(points, x, side="left")
    on_point = (pos < len(points)) & (points[np.minimum(pos, len(points) - 1)] == x)
    rep = np.where(on_point, x, mids[pos])
    return np.where(np.isnan(x), np.nan, rep)


def _round(x: np.ndarray) -> np.ndarray:
    """What durable-rules is given for a number (see _durable_value), vectorised."""
    x = np.asarray(x, dtype=float)
    return np.where(np.abs(x) < 1e-4, 0.0, np.clip(x, -1e15, 1e15))


def _column(values: Any, n: int) -> Any:
    if values is None:
        return [None] * n
    return values


def _plain(v: Any) -> Any:
    """numpy scalars and NaN -> plain Python values (None for absent)."""
    if v is None:
        return None
    if isinstance(v, float | np.floating) and v != v:
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def _short(facts: dict[str, Any], names: list[str]) -> str:
    return ", ".join(f"{n}={facts.get(n)!r}" for n in names)
