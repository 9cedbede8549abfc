"""Reduction potential: what a plant (and a sector) would save by reaching the advanced level.

For an indicator of consumption or pollutant generation per unit of product (lower is better),
the system file states what it measures and which plant fact is the annual output
(``reduction: {substance, output_fact, unit}``). Per plant:

    potential = max(0, value − advanced benchmark) × annual output × unit factor

e.g. 1.5 kg/t NOx against an advanced benchmark of ≤ 1.2 kg/t at 1 000 000 t clinker a year is
0.3 kg/t × 1 000 000 t = 300 000 kg/a. The "advanced" level is the plan's 清洁生产先进企业: the
second level (Ⅱ级 国内清洁生产先进水平) of the graded method, the first class of the composite one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from cpscore.system import units
from cpscore.system.model import Indicator, System

from .evaluation import Evaluation


def advanced_level_index(system: System) -> int:
    """Index into ``system.levels`` of the level the plan calls advanced (先进)."""
    if system.method == "composite":
        return 0
    return min(1, len(system.levels) - 1)


def advanced_rank(system: System) -> int:
    """Class rank at or below which a plant counts as advanced or better."""
    return system.class_rank(system.levels[advanced_level_index(system)].id)


@dataclass(frozen=True)
class Potential:
    """One indicator's reduction potential for one plant."""

    indicator: str
    name: str
    substance: str
    value: float
    benchmark: float
    excess: float  # value − benchmark, ≥ 0, in the indicator's unit
    indicator_unit: str
    output_fact: str
    output: float | None  # annual output; None when the workbook does not give it
    quantity: float | None  # excess × output in ``unit``; None without output
    unit: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def reduction_indicators(system: System) -> list[tuple[int, Indicator]]:
    return [
        (j, ind)
        for j, ind in enumerate(system.indicators)
        if ind.reduction and ind.quantitative and ind.direction == "lower"
    ]


def _advanced_bound(ev: Evaluation, j: int) -> np.ndarray:
    """Per plant, the advanced benchmark of indicator j (the nearest stricter one if undefined)."""
    sys, sc = ev.system, ev.scores
    ind = sys.indicators[j]
    if sys.method == "composite":
        return np.full(ev.n, np.nan if ind.benchmark is None else float(ind.benchmark))
    bound = np.full(ev.n, np.nan)
    for lj in range(advanced_level_index(sys), -1, -1):
        take = np.isnan(bound) & sc.defined[:, j, lj]
        bound[take] = sc.high[take, j, lj]
    return bound


def _factor(ind: Indicator, output_unit: str) -> float | None:
    """Indicator unit × output unit → the stated reduction unit (kg/t × t → kg)."""
    assert ind.reduction is not None
    try:
        return units.factor(f"({ind.unit})*({output_unit or 't'})", ind.reduction["unit"])
    except units.UnitError:
        return None


def potentials(ev: Evaluation) -> dict[int, list[Potential]]:
    """Per plant index, its reduction potential per indicator (only where it has a value);
    plants with none are absent."""
    sys = ev.system
    out: dict[int, list[Potential]] = {}
    given = ev.inputs.given
    for j, ind in reduction_indicators(sys):
        red = ind.reduction or {}
        fact = sys.fact(red["output_fact"])
        output = ev.inputs.facts.get(red["output_fact"])
        factor = _factor(ind, fact.unit if fact else "")
        bound = _advanced_bound(ev, j)
        x = ev.inputs.values[:, j]
        excess = np.maximum(x - bound, 0.0)
        for i in np.flatnonzero(given[:, j] & np.isfinite(bound)):
            out_i = float(output[i]) if output is not None and np.isfinite(output[i]) else None
            qty = excess[i] * out_i * factor if out_i is not None and factor is not None else None
            out.setdefault(i, []).append(
                Potential(
                    indicator=ind.id,
                    name=ind.name.zh,
                    substance=red["substance"],
                    value=float(x[i]),
                    benchmark=float(bound[i]),
                    excess=float(excess[i]),
                    indicator_unit=ind.unit,
                    output_fact=red["output_fact"],
                    output=out_i,
                    quantity=None if qty is None else float(qty),
                    unit=red["unit"],
                )
            )
    return out


def reduction_potential(ev: Evaluation, i: int) -> list[dict[str, Any]]:
    """Plant i's reduction potential per indicator, for its scorecard and result."""
    return [p.as_dict() for p in potentials(ev).get(i, [])]


@dataclass
class SectorTotal:
    substance: str
    unit: str
    quantity: float
    plants: int  # plants contributing a figure (with an annual output)
    without_output: int  # plants above the benchmark whose output is not given
    indicators: tuple[str, ...]


def sector_totals(per_plant: dict[int, list[Potential]]) -> list[SectorTotal]:
    """Summed by substance, in the unit of the first indicator naming it (others converted)."""
    totals: dict[str, SectorTotal] = {}
    for _i, plant in sorted(per_plant.items()):
        seen: set[str] = set()
        for p in plant:
            t = totals.setdefault(p.substance, SectorTotal(p.substance, p.unit, 0.0, 0, 0, ()))
            if p.indicator not in t.indicators:
                t.indicators = (*t.indicators, p.indicator)
            if p.quantity is None:
                t.without_output += p.excess > 0
                continue
            t.quantity += p.quantity * units.factor(p.unit, t.unit)
            if p.substance not in seen:
                t.plants += 1
                seen.add(p.substance)
    return list(totals.values())
