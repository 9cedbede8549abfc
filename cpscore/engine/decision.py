"""Classification and vetoes: the system's JSON rules, executed by durable-rules.

Numbers are summed elsewhere (:mod:`cpscore.engine.scoring`); here each plant's *decision facts* (scores
per level, whether limiting indicators meet each level, plant facts) are asserted once against a
ruleset compiled once per system. ``assert_fact`` fires every matching rule; the best class among
the fired classification rules is taken, capped by any fired veto. One constant session id is
used and each fact is retracted after use, which keeps durable-rules' state flat (DESIGN §4).
"""

from __future__ import annotations

import copy
import itertools
import random
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from cpscore.common.errors import UnclassifiedPlantError
from cpscore.system import conditions
from cpscore.system.model import System

SID = "cpscore"
_MAX_CORNERS = 20000


def derived_facts(system: System) -> dict[str, str]:
    """Computed decision facts a rule may read, with their types."""
    out: dict[str, str] = {"missing_count": "number", "limiting_missing_count": "number"}
    if system.method == "composite":
        out.update({"P": "number", "P1": "number", "P2": "number"})
        return out
    for lv in system.levels:
        out[f"Y_{lv.id}"] = "number"
        for prefix in ("limiting", "non_limiting", "all"):
            out[f"{prefix}_{lv.id}"] = "boolean"
    return out


def _durable_value(v: Any) -> Any:
    """A value durable-rules accepts: no NaN, no exponent-form floats (error 204)."""
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | float | np.integer | np.floating):
        x = float(v)
        if x != x:
            return None
        if abs(x) < 1e-4:
            return 0.0
        return max(min(x, 1e15), -1e15)
    return v


@dataclass
class Decision:
    klass: str
    rule: int | None  # index into system.classification
    vetoes: list[int]  # indices into system.vetoes that fired


class _Compiled:
    """A system's rules registered once in a durable-rules host under a unique ruleset name."""

    _counter = itertools.count()

    def __init__(self, system: System):
        from durable.engine import Host

        self.system = system
        self.name = f"cpscore_{next(self._counter)}_{system.sha256[:12]}"
        self.fired: list[tuple[str, int]] = []
        # Actions report into self.fired; a lock keeps threads (e.g. a threaded Dask worker)
        # from interleaving two plants in one host.
        self.lock = threading.Lock()
        rules: dict[str, Any] = {}
        for i, rule in enumerate(system.classification):
            rules[f"class_{i}"] = {
                "all": [{"m": copy.deepcopy(rule.when)}],
                "run": self._recorder("class", i),
            }
        for i, veto in enumerate(system.vetoes):
            rules[f"veto_{i}"] = {
                "all": [{"m": copy.deepcopy(veto.when)}],
                "run": self._recorder("veto", i),
            }
        self.host = Host()
        # set_rulesets mutates what it is given (it deletes "run"), hence the private copies above.
        self.host.set_rulesets({self.name: rules})
        self.names = sorted(
            set().union(
                *(conditions.names(r.when) for r in (*system.classification, *system.vetoes))
            )
        )

    def _recorder(self, kind: str, i: int):
        def run(_context: Any) -> None:
            self.fired.append((kind, i))

        return run

    def fire(self, facts: dict[str, Any], key: int) -> list[tuple[str, int]]:
        from durable.engine import MessageNotHandledException

        message = {"sid": SID, "cpscore_row": key}
        for name in self.names:
            v = _durable_value(facts.get(name))
            if v is not None:
                message[name] = v
        with self.lock:
            self.fired = []
            try:
                state = self.host.assert_fact(self.name, message)
            except MessageNotHandledException:
                state = None
            finally:
                self.host.retract_fact(self.name, message)
            fired = self.fired
        if state and "exception" in state:
            raise RuntimeError(f"durable-rules action failed: {state['exception']}")
        return fired


_COMPILED: dict[tuple[str, str], _Compiled] = {}


def compiled(system: System) -> _Compiled:
    key = (system.id, system.sha256)
    if key not in _COMPILED:
        _COMPILED[key] = _Compiled(system)
    return _COMPILED[key]


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
                f"{system.path}: no classification rule matches plant {labels[i]!r} "
                f"({_short(facts, names)}); the system file is incomplete"
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


# ---- completeness: evaluate the rules over the corners of the decision space -------------------


def _candidates(system: System, name: str, kind: str) -> list[Any]:
    if kind == "boolean":
        return [True, False]
    if kind == "number":
        points = {0.0, 100.0}
        for rule in system.classification:
            for _, n, v in conditions.atoms(rule.when):
                if n == name and isinstance(v, int | float) and not isinstance(v, bool):
                    points |= {float(v), float(v) - 0.5, float(v) + 0.5}
        return sorted(p for p in points if p >= 0)
    fact = system.fact(name)
    return [*(fact.values if fact else ()), None]


def _possible(system: System, corner: dict[str, Any]) -> bool:
    """Cumulative membership makes some corners impossible (Y_I > Y_II, limiting_I without _II)."""
    ids = [lv.id for lv in system.levels]
    for a, b in itertools.pairwise(ids):
        ya, yb = corner.get(f"Y_{a}"), corner.get(f"Y_{b}")
        if ya is not None and yb is not None and ya > yb:
            return False
        for prefix in ("limiting", "non_limiting", "all"):
            if corner.get(f"{prefix}_{a}") is True and corner.get(f"{prefix}_{b}") is False:
                return False
    return True


def unclassified_corners(system: System) -> list[dict[str, Any]]:
    types = derived_facts(system) | {f.id: f.type for f in system.facts}
    names = sorted(set().union(*(conditions.names(r.when) for r in system.classification)))
    names = [n for n in names if n in types]
    axes = [_candidates(system, n, types[n]) for n in names]
    total = int(np.prod([len(a) for a in axes])) if axes else 1
    if total <= _MAX_CORNERS:
        corners = itertools.product(*axes)
    else:
        rng = random.Random(0)
        corners = (tuple(rng.choice(a) for a in axes) for _ in range(_MAX_CORNERS))
    comp = compiled(system)
    missing = []
    for key, values in enumerate(corners):
        corner = dict(zip(names, values, strict=False))
        if not _possible(system, corner):
            continue
        if not any(kind == "class" for kind, _ in comp.fire(corner, key)):
            missing.append(corner)
    return missing
