"""The system's rules compiled for durable-rules, and the decision facts they may read.

A system's classification and veto rules (durable-rules' JSON condition syntax) are registered
once per system in a durable-rules host; :mod:`cpscore.engine.decision` asserts each plant's
decision facts against them, and the completeness check of :mod:`cpscore.system.checks` asserts the
corners of the decision space, so a system that leaves some plant unclassified is refused when
it is loaded.
"""

from __future__ import annotations

import copy
import itertools
import random
import threading
from typing import Any

import numpy as np

from cpscore.common.errors import SetupError
from cpscore.common.i18n import _
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


# durable-rules 2.0.28's C extension calls PyEval_CallObject, which Python 3.13 removed; its
# setup.py overwrites CFLAGS, so the define must come through CPPFLAGS.
DURABLE_313_FIX = (
    'CPPFLAGS="-DPyEval_CallObject=PyObject_CallObject" pip install --force-reinstall '
    "--no-cache-dir --no-binary durable-rules durable-rules==2.0.28"
)


def _durable_engine() -> Any:
    """durable-rules' engine module, or one clear line on how to rebuild it for this Python."""
    try:
        from durable import engine
    except ImportError as e:
        if "PyEval_CallObject" in str(e):
            raise SetupError(
                _(
                    "durable-rules was built without the fix it needs on Python 3.13; rebuild it with: {fix}"
                ).format(fix=DURABLE_313_FIX)
            ) from None
        raise
    return engine


class _Compiled:
    """A system's rules registered once in a durable-rules host under a unique ruleset name."""

    _counter = itertools.count()

    def __init__(self, system: System):
        Host = _durable_engine().Host

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
        MessageNotHandledException = _durable_engine().MessageNotHandledException

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
