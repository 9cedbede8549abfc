"""The association's list as data: ranking, list rows, statistics and reduction potential.

The list workbook, CSV, JSON lines and HTML page are views of this one object, so they always
agree. Ranking: class (best first), then the index of the plant's class level (graded: Y of that
level, Y of the last level for plants below every level; composite: P), highest first, ties by
plant id. "Advanced or better" is the plan's 清洁生产先进企业 (see :mod:`cpscore.engine.reduction`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cpscore.system import units
from cpscore.system.model import System
from cpscore.system.plan import ADVANCED_SHARE_TARGET, PlanTarget, target_for

from .batch_result import BatchResult
from .evaluation import Evaluation
from .reduction import SectorTotal, advanced_level_index, advanced_rank, potentials, sector_totals
from .result import blocking_matrix

LABELS = {
    "rank": ("名次", "rank"),
    "id": ("企业编号", "plant id"),
    "name": ("企业名称", "plant name"),
    "period": ("评价期", "period"),
    "class": ("等级", "class"),
    "class_id": ("等级代码", "class id"),
    "blocking": ("阻碍上一等级的限定性指标", "limiting indicators blocking the next class"),
    "source": ("来源", "source"),
    "warnings": ("提示数", "warnings"),
    "notice": ("注意（数值非官方）", "notice (numbers not official)"),
}


def label(key: str, lang: str) -> str:
    zh, en = LABELS[key]
    return zh if lang == "zh" else en


def rank_score(ev: Evaluation) -> np.ndarray:
    """Per plant, the index used to order plants within a class."""
    sys = ev.system
    if sys.method == "composite":
        return np.asarray(ev.scores.scores["P"], dtype=float)
    L = len(sys.levels)
    table = np.column_stack([ev.scores.scores[f"Y_{lv.id}"] for lv in sys.levels])
    return table[np.arange(ev.n), np.minimum(ev.class_ranks, L - 1)]


def ranking(ev: Evaluation) -> list[int]:
    """Plant indices, best first: class, then index (highest first), then plant id."""
    ids = pd.factorize(np.array([str(x) for x in ev.meta.column("id")], object), sort=True)[0]
    return np.lexsort((np.arange(ev.n), ids, -rank_score(ev), ev.class_ranks)).tolist()


def key_indicators(system: System) -> list[int]:
    """The indicators shown on the list: the limiting ones (all, if the system marks none)."""
    limiting = [j for j, ind in enumerate(system.indicators) if ind.limiting]
    return limiting or list(range(len(system.indicators)))


@dataclass
class ClassCount:
    id: str
    label: str
    count: int
    share: float


@dataclass
class IndicatorShare:
    id: str
    name: str
    limiting: bool
    applicable: int  # plants to which it applies
    missing: int  # of those, without a value
    shares: dict[str, float]  # level id (or 'benchmark') -> share of applicable plants meeting it


@dataclass
class ReductionRow:
    total: SectorTotal
    tonnes: float | None  # the quantity in tonnes, when its unit is a mass
    target: PlanTarget | None


@dataclass
class SectorList:
    result: BatchResult
    lang: str
    order: list[int]
    date: str
    columns: list[str] = field(default_factory=list)
    table: list[list[Any]] = field(default_factory=list)  # one list per column, in list order
    rank_of: dict[int, int] = field(default_factory=dict)  # plant index -> 1-based rank
    classes: list[ClassCount] = field(default_factory=list)
    advanced: int = 0
    indicators: list[IndicatorShare] = field(default_factory=list)
    reductions: list[ReductionRow] = field(default_factory=list)
    per_plant_reduction: dict[int, list[Any]] = field(default_factory=dict)  # index -> potentials

    @property
    def system(self) -> System:
        return self.result.system

    @property
    def rows(self) -> list[list[Any]]:
        """The list row by row (the table is kept by column: a national list is built, and
        streamed into its workbook, a column at a time)."""
        return [list(r) for r in zip(*self.table, strict=True)]

    @property
    def evaluation(self) -> Evaluation | None:
        return self.result.evaluation

    @property
    def n(self) -> int:
        return self.result.evaluated

    @property
    def advanced_share(self) -> float | None:
        return self.advanced / self.n if self.n else None

    @property
    def target(self) -> float:
        return ADVANCED_SHARE_TARGET

    @property
    def advanced_level(self) -> str:
        return self.system.levels[advanced_level_index(self.system)].id

    def notice(self) -> str | None:
        s = self.system
        return s.notice.get(self.lang) if s.notice and not s.official else None


def build(result: BatchResult, lang: str = "zh", date: dt.date | None = None) -> SectorList:
    ev = result.evaluation
    order = ranking(ev) if ev is not None else []
    out = SectorList(result, lang, order, (date or dt.date.today()).isoformat())
    out.columns = list_columns(result.system, lang)
    if ev is None:
        out.classes = [ClassCount(c.id, c.name.get(lang), 0, 0.0) for c in result.system.classes]
        return out
    out.rank_of = {i: r for r, i in enumerate(order, start=1)}
    _list_rows(out, ev)
    _class_counts(out, ev)
    out.indicators = indicator_shares(ev, lang)
    per_plant = potentials(ev)
    out.per_plant_reduction = per_plant
    out.reductions = [
        ReductionRow(t, _tonnes(t), target_for(t.substance)) for t in sector_totals(per_plant)
    ]
    return out


def _tonnes(t: SectorTotal) -> float | None:
    try:
        return t.quantity * units.factor(t.unit, "t")
    except units.UnitError:
        return None


def list_columns(sys: System, lang: str) -> list[str]:
    inds = sys.indicators
    return [
        label("rank", lang),
        label("id", lang),
        label("name", lang),
        label("period", lang),
        label("class", lang),
        label("class_id", lang),
        *sys.score_names,
        label("blocking", lang),
        *(
            f"{inds[j].name.get(lang)}" + (f" ({inds[j].unit})" if inds[j].unit else "")
            for j in key_indicators(sys)
        ),
        label("source", lang),
        label("warnings", lang),
    ]


def _list_rows(out: SectorList, ev: Evaluation) -> None:
    sys, lang = ev.system, out.lang
    inds, levels = sys.indicators, sys.levels
    order = np.asarray(out.order, dtype=np.int64)
    picks = order.tolist()
    meta = {k: [col[i] for i in picks] for k, col in ((k, ev.meta.column(k)) for k in WHO)}
    ranks = ev.class_ranks[order]
    blocked = blocking_matrix(ev)[order]
    given, na = ev.inputs.given[order], ev.inputs.not_applicable[order]
    level_ids = np.array([lv.id for lv in levels] + ["none"], dtype=object)
    values: list[list[Any]] = []
    for j in key_indicators(sys):  # the value, or the status as in scores.status
        col = np.where(na[:, j], "n/a", "missing").astype(object)
        ok = given[:, j] & ~na[:, j]
        if inds[j].quantitative:
            col[ok] = ev.inputs.values[order[ok], j].tolist()
        else:
            col[ok] = level_ids[np.minimum(ev.scores.level[order[ok], j], len(levels))]
        values.append(col.tolist())
    sources = [
        str("" if f is None else f) + (f" #{r}" if r else "")
        for f, r in zip(meta["file"], meta["row"], strict=True)
    ]
    out.table = [
        list(range(1, len(order) + 1)),
        meta["id"],
        meta["name"],
        meta["period"],
        [sys.classes[k].name.get(lang) for k in ranks.tolist()],
        [sys.classes[k].id for k in ranks.tolist()],
        *(np.asarray(ev.scores.scores[s], float)[order].tolist() for s in sys.score_names),
        _joined(blocked, [ind.name.get(lang) for ind in inds], "、" if lang == "zh" else "; "),
        *values,
        sources,
        ev.findings.counts()[order].tolist(),
    ]


WHO = ("id", "name", "period", "file", "row")  # what the list shows of each plant's record


def _joined(mask: np.ndarray, names: list[str], sep: str) -> list[str]:
    """Per row of an n × k mask, the names of its true columns, joined; once per distinct row."""
    if mask.shape[0] == 0:
        return []
    packed = np.packbits(mask, axis=1)  # a row's pattern as bytes: hashed, not sorted
    codes, distinct = pd.factorize(np.array(list(map(bytes, packed)), dtype=object))
    texts = [
        sep.join(names[j] for j in np.flatnonzero(np.unpackbits(np.frombuffer(key, np.uint8))))
        for key in distinct
    ]
    return [texts[c] for c in codes.tolist()]


def _class_counts(out: SectorList, ev: Evaluation) -> None:
    sys = ev.system
    ranks = ev.class_ranks
    for k, c in enumerate(sys.classes):
        count = int((ranks == k).sum())
        out.classes.append(ClassCount(c.id, c.name.get(out.lang), count, count / ev.n))
    out.advanced = int((ranks <= advanced_rank(sys)).sum())


def indicator_shares(ev: Evaluation, lang: str) -> list[IndicatorShare]:
    """Per indicator, the share of plants it applies to that meet each level.

    Sorted so the indicators that hold the sector back come first: lowest share at the
    advanced level, then at the last level, then by id.
    """
    sys, sc, inp = ev.system, ev.scores, ev.inputs
    applicable = ~inp.not_applicable
    out = []
    for j, ind in enumerate(sys.indicators):
        app = applicable[:, j]
        n_app = int(app.sum())
        shares: dict[str, float] = {}
        if sys.method == "composite":
            met = (sc.ratio[:, j] >= 1.0) if sc.ratio is not None else np.zeros(ev.n, bool)
            shares["benchmark"] = float(met[app].mean()) if n_app else float("nan")
        else:
            for li, lv in enumerate(sys.levels):
                shares[lv.id] = float(sc.meets[app, j, li].mean()) if n_app else float("nan")
        out.append(
            IndicatorShare(
                ind.id,
                ind.name.get(lang),
                ind.limiting,
                n_app,
                int((app & ~inp.given[:, j]).sum()),
                shares,
            )
        )
    adv = "benchmark" if sys.method == "composite" else sys.levels[advanced_level_index(sys)].id
    last = list(out[0].shares)[-1] if out else adv

    def key(s: IndicatorShare) -> tuple[float, float, str]:
        a, b = s.shares.get(adv, np.nan), s.shares.get(last, np.nan)
        return (2.0 if np.isnan(a) else a, 2.0 if np.isnan(b) else b, s.id)

    return sorted(out, key=key)
