"""What index a graded system lets a plant reach at most.

An indicator that carries weight but has no benchmark (or requirement) at a level can never earn
its share of that level's index: Y_gk of a perfect plant is 100 minus those shares. A published
draft that leaves an indicator's benchmarks blank (the hazardous-waste draft's CO₂ indicator,
0.05 of the index) therefore caps Y_III at 95, so no plant meets "Y_III = 100" without a bonus.
Membership is cumulative, so a benchmark at a stricter level also counts for the levels below.
"""

from __future__ import annotations

from dataclasses import dataclass

from cpscore.common.i18n import Msg, join

from .model import Indicator, System


@dataclass(frozen=True)
class Unreachable:
    """Indicators with weight and no benchmark up to a level, and what they cost the index."""

    level: str
    indicators: tuple[Indicator, ...]
    lost: float  # index points that can never be earned at this level
    highest: float  # the highest reachable index at this level without bonus groups
    with_bonus: float  # ... and with every bonus point earned (the index is capped at 100)


def _has_benchmark_up_to(ind: Indicator, level_ids: list[str], k: int) -> bool:
    stricter = level_ids[: k + 1]
    if ind.kind == "qualitative":
        return any(lv in ind.requirements for lv in stricter) or not ind.requirements
    sets = [ind.benchmarks or {}] + [v.benchmarks for v in ind.variants]
    if ind.benchmarks is None and not ind.variants:
        return True  # not given at all: the loader's checks handle it
    return any(lv in s for s in sets for lv in stricter)


def unreachable(system: System) -> list[Unreachable]:
    """Per level, the weighted indicators that can never meet it (graded method only)."""
    if system.method != "graded":
        return []
    level_ids = [lv.id for lv in system.levels]
    out = []
    for k, lv in enumerate(level_ids):
        lost = 0.0
        inds = []
        for g in system.groups:
            if g.bonus:
                continue
            for ind in g.indicators:
                if ind.weight and not _has_benchmark_up_to(ind, level_ids, k):
                    lost += g.weight * ind.weight * 100
                    inds.append(ind)
        if inds:
            bonus = sum(g.weight * 100 for g in system.groups if g.bonus)
            out.append(
                Unreachable(lv, tuple(inds), lost, 100 - lost, min(100.0, 100 - lost + bonus))
            )
    return out


def _num(v: float) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".")


def unreachable_messages(system: System, lang: str) -> list[Msg]:
    """One message per level whose index can never reach 100."""
    return [
        Msg(
            "Y_{level} can reach at most {highest} without the bonus group ({with_bonus} with "
            "it): {names} ({lost} points of the index) have no benchmark at level {level} or "
            "stricter",
            level=u.level,
            highest=_num(u.highest),
            with_bonus=_num(u.with_bonus),
            lost=_num(u.lost),
            names=join((i.name.get(lang) for i in u.indicators), lang),
        )
        for u in unreachable(system)
    ]
