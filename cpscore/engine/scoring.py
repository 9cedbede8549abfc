"""The numeric core: membership, weights and indices for all plants at once (numpy, no plant loop).

Graded method (通则 2013 / GB/T 43329): Y_gk = Σ_i w_i Σ_j ω'_ij · Y_gk(x_ij), membership 100 or 0,
cumulative across levels; ω'_ij re-normalised over the group's applicable indicators.
Composite method (NDRC 2005-2010): S_i = S_x/S_o or S_o/S_x capped, P1 = Σ S_i K_i, P2 = Σ F_i,
P = a·P1 + b·P2.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import numpy as np

from cpscore.engine.inputs import Inputs
from cpscore.system import conditions, expressions
from cpscore.system.model import Benchmark, Number, System

DECIMALS = 6  # scores are rounded before any comparison, so float noise never flips a class


@dataclass
class Scores:
    """Everything computed for n plants, k indicators and L levels.

    The benchmark bounds of every plant and the contributions are derived on first use (a plant's
    document, the reduction potential), not kept from scoring: for a national population they
    would be gigabytes that a list or a results table never reads.
    """

    system: System
    inputs: Inputs
    meets: np.ndarray  # n x k x L bool, cumulative (meeting I meets II and III)
    level: np.ndarray  # n x k int: best level met, L = none
    weight: np.ndarray  # n x k: nominal weight (output-weighted sets resolved)
    effective: np.ndarray  # n x k: weight after re-normalisation, times the group weight
    ratio: np.ndarray | None  # composite: S_i, n x k
    scores: dict[str, np.ndarray]  # score name -> n values

    @functools.cached_property
    def _bounds(self) -> tuple[np.ndarray, ...]:
        return benchmark_arrays(self.system, self.inputs)

    @property
    def low(self) -> np.ndarray:
        """n x k x L: lower bound a value must reach (NaN = none)."""
        return self._bounds[0]

    @property
    def high(self) -> np.ndarray:
        """n x k x L: upper bound (NaN = none)."""
        return self._bounds[1]

    @property
    def low_strict(self) -> np.ndarray:
        """n x k x L bool: the lower bound is strict (>)."""
        return self._bounds[2]

    @property
    def high_strict(self) -> np.ndarray:
        """n x k x L bool: the upper bound is strict (<)."""
        return self._bounds[3]

    @property
    def defined(self) -> np.ndarray:
        """n x k x L bool: a benchmark exists at this level."""
        return self._bounds[4]

    @functools.cached_property
    def contribution(self) -> np.ndarray:
        """Index points per indicator: n x k x L (graded) or n x k (composite)."""
        if self.ratio is not None:
            return self.ratio * self.effective
        return self.effective[:, :, None] * 100.0 * self.meets

    @functools.cached_property
    def status(self) -> np.ndarray:
        """n x k codes: 'ok', 'missing', 'n/a' (built once: every document reads its row)."""
        st = np.full(self.level.shape, "ok", dtype=object)
        st[~self.inputs.given] = "missing"
        st[self.inputs.not_applicable] = "n/a"
        return st


def _num(num: Number, facts: dict[str, np.ndarray], n: int) -> np.ndarray | float:
    if num.expr is None:
        return float(num.const)  # type: ignore[arg-type]  # broadcast on assignment
    env = {k: v for k, v in facts.items() if v.dtype.kind == "f"}
    return np.broadcast_to(np.asarray(expressions.evaluate(num.expr, env), dtype=float), (n,))


def _bounds(b: Benchmark, facts: dict[str, np.ndarray], n: int):
    """(low, high, low_strict, high_strict) arrays for one benchmark."""
    nan = np.nan
    if b.is_range:
        return _num(b.low, facts, n), _num(b.high, facts, n), False, False  # type: ignore[arg-type]
    v = _num(b.value, facts, n)  # type: ignore[arg-type]
    if b.op in ("<", "<="):
        return nan, v, False, b.op == "<"
    return v, nan, b.op == ">", False


def benchmark_arrays(system: System, inputs: Inputs):
    """Per plant, per indicator, per level: the bounds the value must lie within.

    Built indicator by indicator in a (k, L, n) layout, so each write is one contiguous vector;
    returned as (n, k, L) views.
    """
    n, inds, L = inputs.n, system.indicators, len(system.levels)
    level_ids = [lv.id for lv in system.levels]
    k = len(inds)
    low = np.full((k, L, n), np.nan)
    high = np.full((k, L, n), np.nan)
    # Strictness is per plant too: a variant may print '<' where the default prints '≤'.
    low_strict = np.zeros((k, L, n), dtype=bool)
    high_strict = np.zeros((k, L, n), dtype=bool)
    defined = np.zeros((k, L, n), dtype=bool)
    for j, ind in enumerate(inds):
        if not ind.quantitative or system.method == "composite":
            continue
        for lv, b in (ind.benchmarks or {}).items():
            li = level_ids.index(lv)
            low[j, li], high[j, li], low_strict[j, li], high_strict[j, li] = _bounds(
                b, inputs.facts, n
            )
            defined[j, li] = True
        # Later variants are applied first so that the first matching variant wins.
        for variant in ind.variants[::-1]:
            mask = conditions.evaluate(variant.when, inputs.facts, n)
            if not mask.any():
                continue
            for arr, blank in (
                (defined, False),
                (low, np.nan),
                (high, np.nan),
                (low_strict, False),
                (high_strict, False),
            ):
                arr[j][:, mask] = blank
            for lv, b in variant.benchmarks.items():
                li = level_ids.index(lv)
                lo, hi, ls, hs = _bounds(b, inputs.facts, n)
                low[j, li, mask] = np.broadcast_to(lo, (n,))[mask]
                high[j, li, mask] = np.broadcast_to(hi, (n,))[mask]
                defined[j, li, mask] = True
                low_strict[j, li, mask], high_strict[j, li, mask] = ls, hs
    view = (2, 0, 1)
    return tuple(a.transpose(view) for a in (low, high, low_strict, high_strict, defined))


def _membership(system: System, inputs: Inputs, low, high, low_strict, high_strict, defined):
    """Cumulative membership (n, k, L) and the best level met (n, k; L = none)."""
    n, k, L = low.shape
    raw = np.zeros((k, L, n), dtype=bool)
    lo_kln, hi_kln, ls_kln, hs_kln, def_kln = (
        a.transpose(1, 2, 0) for a in (low, high, low_strict, high_strict, defined)
    )
    for j, ind in enumerate(system.indicators):
        if ind.quantitative:
            x = inputs.values[:, j]
            with np.errstate(invalid="ignore"):
                for li in range(L):
                    lo, hi = lo_kln[j, li], hi_kln[j, li]
                    above = np.isnan(lo) | np.where(ls_kln[j, li], x > lo, x >= lo)
                    below = np.isnan(hi) | np.where(hs_kln[j, li], x < hi, x <= hi)
                    raw[j, li] = above & below & def_kln[j, li] & ~np.isnan(x)
        else:
            a = inputs.answers[:, j]
            for li in range(L):
                raw[j, li] = (a >= 0) & (a <= li)
    meets_kln = np.logical_or.accumulate(raw, axis=1)  # cumulative: I ⊂ II ⊂ III
    meets_kln &= inputs.given.T[:, None, :]
    meets = meets_kln.transpose(2, 0, 1)
    level = np.where(meets.any(axis=2), meets.argmax(axis=2), L)
    return meets, level


def nominal_weights(system: System, inputs: Inputs) -> np.ndarray:
    """n x k weights within the group; output-weighted sets split by each product's output share."""
    n, inds = inputs.n, system.indicators
    w = np.zeros((n, len(inds)))
    for j, ind in enumerate(inds):
        if ind.weight is not None:
            w[:, j] = ind.weight
    for g in system.groups:
        for set_id, total in g.weight_sets.items():
            cols = [
                j for j, ind in enumerate(inds) if ind.group == g.id and ind.weight_set == set_id
            ]
            out = np.column_stack([inputs.facts[inds[j].output_fact] for j in cols])  # type: ignore[index]
            out = np.where(out > 0, out, 0.0)
            share = np.divide(
                out,
                out.sum(axis=1, keepdims=True),
                out=np.zeros_like(out),
                where=out.sum(axis=1, keepdims=True) > 0,
            )
            w[:, cols] = share * total
    return w


def effective_weights(system: System, inputs: Inputs, w: np.ndarray) -> np.ndarray:
    """Group weight x re-normalised indicator weight; zero where the indicator does not apply."""
    inds = system.indicators
    applicable = ~inputs.not_applicable
    eff = np.zeros_like(w)
    for g in system.groups:
        cols = np.array([j for j, ind in enumerate(inds) if ind.group == g.id])
        wg = w[:, cols] * applicable[:, cols]
        if system.renormalise == "within_group":
            # The group's declared total, not the realised one: when no product of an
            # output-weighted set has any output, the other indicators must still fill it.
            nominal = sum(ind.weight or 0.0 for ind in g.indicators) + sum(g.weight_sets.values())
            live = wg.sum(axis=1, keepdims=True)
            wg = np.divide(wg * nominal, live, out=np.zeros_like(wg), where=live > 0)
        scale = g.weight if system.method == "graded" else 1.0
        eff[:, cols] = wg * scale
    return eff


def _finish(x: np.ndarray, cap: float | None) -> np.ndarray:
    if cap is not None:
        x = np.minimum(x, cap)
    return np.round(x, DECIMALS) + 0.0


CHUNK = 8192  # plants scored together: large enough to vectorise, small enough for the cache
# The Scores arrays indexed by plant first, in the order Scores declares them.
PER_PLANT_ARRAYS = ("meets", "level", "weight", "effective")


def score(system: System, inputs: Inputs) -> Scores:
    """Score every plant; large populations in blocks of CHUNK plants, so the time per plant
    stays flat (the n x k x L arrays of a block fit in the processor's cache). Each block is
    copied into the full arrays as soon as it is scored, so only one block is extra in memory."""
    n = inputs.n
    if n <= CHUNK:
        return _score_block(system, inputs)
    full: dict[str, np.ndarray] = {}
    scores: dict[str, np.ndarray] = {}
    for a in range(0, n, CHUNK):
        b = min(a + CHUNK, n)
        block = _score_block(system, _slice(inputs, a, b))
        names = [*PER_PLANT_ARRAYS, *(["ratio"] if block.ratio is not None else [])]
        for name in names:
            part = getattr(block, name)
            if name not in full:
                full[name] = _empty_like_for(part, n)
            full[name][a:b] = part
        for k, v in block.scores.items():
            scores.setdefault(k, np.empty(n, dtype=v.dtype))[a:b] = v
    arrays = [full[name] for name in PER_PLANT_ARRAYS]
    return Scores(system, inputs, *arrays, full.get("ratio"), scores)


def _empty_like_for(part: np.ndarray, n: int) -> np.ndarray:
    """An array for n plants laid out like ``part``: (n, k, L) views of (k, L, n) arrays stay
    views of that layout, so each block is copied in contiguous runs."""
    if part.ndim == 3 and not part.flags.c_contiguous:
        k, L = part.shape[1:]
        return np.empty((k, L, n), dtype=part.dtype).transpose(2, 0, 1)
    return np.empty((n, *part.shape[1:]), dtype=part.dtype)


def _slice(inputs: Inputs, a: int, b: int) -> Inputs:
    return dataclasses.replace(
        inputs,
        index=inputs.index[a:b],
        facts={k: v[a:b] for k, v in inputs.facts.items()},
        values=inputs.values[a:b],
        answers=inputs.answers[a:b],
        given=inputs.given[a:b],
        not_applicable=inputs.not_applicable[a:b],
        computed=inputs.computed[a:b],
    )


def _score_block(system: System, inputs: Inputs) -> Scores:
    low, high, ls, hs, defined = benchmark_arrays(system, inputs)
    meets, level = _membership(system, inputs, low, high, ls, hs, defined)
    del low, high, ls, hs, defined  # derived again only if a document asks (Scores._bounds)
    w = nominal_weights(system, inputs)
    eff = effective_weights(system, inputs, w)
    if system.method == "composite":
        ratio, scores = _composite(system, inputs, eff)
        meets = np.zeros_like(meets)
    else:
        ratio = None
        scores = {
            # The same sum as Scores.contribution, so a document's contributions add up to Y.
            f"Y_{lv.id}": _finish((eff * 100.0 * meets[:, :, li]).sum(axis=1), system.cap)
            for li, lv in enumerate(system.levels)
        }
    return Scores(system, inputs, meets, level, w, eff, ratio, scores)


def _composite(system: System, inputs: Inputs, eff: np.ndarray):
    params = system.composite or {}
    cap = float(params["ratio_cap"])
    inds = system.indicators
    n, k = eff.shape
    ratio = np.zeros((n, k))
    for j, ind in enumerate(inds):
        if ind.quantitative:
            x, s0 = inputs.values[:, j], float(ind.benchmark or np.nan)
            with np.errstate(divide="ignore", invalid="ignore"):
                r = x / s0 if ind.direction == "higher" else np.where(x > 0, s0 / x, np.inf)
            ratio[:, j] = np.clip(np.nan_to_num(r, nan=0.0, posinf=cap), 0.0, cap)
        else:
            ratio[:, j] = inputs.answers[:, j] == 0
    ratio *= inputs.given
    contribution = ratio * eff
    quant = np.array([ind.quantitative for ind in inds])
    p1 = _finish(contribution[:, quant].sum(axis=1), None)
    p2 = _finish(contribution[:, ~quant].sum(axis=1), None)
    p = _finish(params["a"] * p1 + params["b"] * p2, system.cap)
    return ratio, {"P": p, "P1": p1, "P2": p2}
