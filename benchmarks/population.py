"""Synthetic, realistic plant populations for a bundled system.

Quantitative values spread log-normally around the level-II benchmark (so every level is
populated), a share of values missing, facts drawn so that some indicators do not apply.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpscore.system.model import System

MISSING_SHARE = 0.03


def _centre(ind) -> float:
    bms = ind.benchmarks or {}
    for lv in ("II", "I", "III"):
        b = bms.get(lv)
        if b is not None:
            num = b.high if b.is_range else b.value
            if num is not None and num.expr is None:
                return float(num.const)
    return 1.0


def population(system: System, n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}
    for f in system.facts:
        if f.type == "enum":
            p = np.full(len(f.values), 0.2 / max(len(f.values) - 1, 1))
            p[0] = 0.8 if len(f.values) > 1 else 1.0
            cols[f.id] = rng.choice(list(f.values), n, p=p / p.sum())
        elif f.type == "boolean":
            cols[f.id] = rng.random(n) < 0.01
        elif f.type == "number":
            lo, hi = f.plausible or (0.0, 10000.0)
            cols[f.id] = rng.uniform(lo or 0.0, hi or 10000.0, n)
    levels = [lv.id for lv in system.levels] + ["none"]
    for ind in system.indicators:
        if ind.quantitative:
            v = _centre(ind) * rng.lognormal(0.0, 0.15, n)
            v[rng.random(n) < MISSING_SHARE] = np.nan
            cols[ind.id] = v
        else:
            answers = np.array(["yes", "no"]) if ind.answer == "yes_no" else np.array(levels)
            a = rng.choice(answers, n).astype(object)
            a[rng.random(n) < MISSING_SHARE] = None
            cols[ind.id] = a
    return pd.DataFrame(cols, index=[f"P{i:07d}" for i in range(n)])
