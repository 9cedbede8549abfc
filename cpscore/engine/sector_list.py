"""The association's list as data: ranking, list rows, statistics and reduction potential.

The list workbook, CSV, JSON lines and HTML page are views of this one object, so they always
agree. Ranking: class (best first), then the index of the plant's class level (graded: Y of that
level, Y of the last level for plants below every level; composite: P), highest first, ties by
plant id. "Advanced or better" is the plan's 清洁生产先进企业 (see :mod:`cpscore.engine.reduction`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cpscore.common.i18n import N_, gettext_in, join, yes_no
from cpscore.system import units
from cpscore.system.model import System
from cpscore.system.plan import ADVANCED_SHARE_TARGET, PlanTarget, target_for
from cpscore.system.wording import level_label

from .batch_result import BatchResult
from .evaluation import Evaluation
from .reduction import SectorTotal, advanced_level_index, advanced_rank, potentials, sector_totals
from .result import blocking_matrix

LABELS = {
    "rank": N_("rank"),
    "id": N_("plant id"),
    "name": N_("plant name"),
    "period": N_("period"),
    "class": N_("class"),
    "class_id": N_("class id"),
    "blocking": N_("limiting indicators blocking the next class"),
    "source": N_("source"),
    "warnings": N_("warnings"),
    "notice": N_("notice (numbers not official)"),
}


def label(key: str, lang: str) -> str:
    return gettext_in(LABELS[key], lang)


def clean_number(v: float) -> float:
    """A computed number without binary noise (0.244999999999997 -> 0.245): 12 significant
    digits, more than any published benchmark or weight carries."""
    if not math.isfinite(v):
        return v
    return float(f"{v:.12g}")


def rank_score(ev: Evaluation) -> np.ndarray:
    """Per plant, the index used to order plants within a class."""
    sys = ev.system
    if sys.method == "composite":
        return np.asarray(ev.scores.scores["P"], dtype=float)
    L = len(sys.levels)
    table = np.column_stack([ev.scores.scores[f"Y_{lv.id}"] for lv in sys.levels])
    return table[np.arange(ev.n), np.minimum(ev.class_ranks, L - 1)]


RANKING_RULE = N_(
    "Ranking: by class; within a class by that class's index, then by the index of each higher "
    "level in turn, then by plant id. Plants equal in class and in every one of these indices "
    "share a rank (1, 2, 2, 4)."
)


def rank_keys(ev: Evaluation) -> np.ndarray:
    """Per plant, the indices that order it within its class, most significant first.

    Graded: the class's own index, then each higher level's (class Ⅲ: Y_III, Y_II, Y_I); a
    lagging plant is ordered like class Ⅲ. Composite: P. Columns a class does not use are 0.
    """
    sys = ev.system
    if sys.method == "composite":
        return np.asarray(ev.scores.scores["P"], dtype=float).reshape(-1, 1)
    L = len(sys.levels)
    table = np.column_stack([ev.scores.scores[f"Y_{lv.id}"] for lv in sys.levels]).astype(float)
    own = np.minimum(ev.class_ranks, L - 1)
    keys = np.zeros((ev.n, L))
    for k in range(L):  # key k: the index k levels above the class's own (0 when none)
        lv = own - k
        valid = lv >= 0
        keys[valid, k] = table[np.flatnonzero(valid), lv[valid]]
    return keys


def ranking(ev: Evaluation) -> list[int]:
    """Plant indices, best first: class, then the class's index and each higher level's index
    (highest first), then plant id."""
    ids = pd.factorize(np.array([str(x) for x in ev.meta.column("id")], object), sort=True)[0]
    keys = rank_keys(ev)
    columns = [-keys[:, k] for k in range(keys.shape[1] - 1, -1, -1)]
    return np.lexsort((np.arange(ev.n), ids, *columns, ev.class_ranks)).tolist()


def shared_ranks(ev: Evaluation, order: list[int]) -> list[int]:
    """Competition ranks along ``order``: plants equal in class and every rank key share one."""
    keys = rank_keys(ev)
    ranks: list[int] = []
    for pos, i in enumerate(order):
        if (
            pos
            and ev.class_ranks[i] == ev.class_ranks[order[pos - 1]]
            and np.array_equal(keys[i], keys[order[pos - 1]])
        ):
            ranks.append(ranks[-1])
        else:
            ranks.append(pos + 1)
    return ranks


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
    rank_of: dict[int, int] = field(default_factory=dict)  # plant index -> 1-based rank (shared)
    position_of: dict[int, int] = field(default_factory=dict)  # plant index -> row in the list
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

    def periods(self) -> list[str]:
        """The evaluation periods of the listed plants (the run date is not the period)."""
        if not self.table:
            return []
        return sorted({str(p) for p in self.table[3] if p not in (None, "")})

    def period_text(self) -> str:
        """评价期 2025 (several periods are listed; the run date is not the period)."""
        periods = self.periods()
        if not periods:
            return gettext_in(N_("evaluation period not given"), self.lang)
        return gettext_in(N_("evaluation period {period}"), self.lang).format(
            period=join(periods, self.lang)
        )

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
    out.rank_of = dict(zip(order, shared_ranks(ev, order), strict=True))
    out.position_of = {i: p for p, i in enumerate(order)}
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
    values: list[list[Any]] = []
    # A qualitative answer in words: 是/否 for a yes/no indicator, Ⅱ级 / 未达到 for a level.
    words = np.array([level_label(lv.id, lang) for lv in levels] + [gettext_in(N_("none"), lang)])
    yes_no_words = np.array([yes_no(True, lang)] * len(levels) + [yes_no(False, lang)])
    na_word, missing_word = gettext_in(N_("n/a"), lang), gettext_in(N_("missing"), lang)
    for j in key_indicators(sys):  # the value, or the status as in scores.status
        col = np.where(na[:, j], na_word, missing_word).astype(object)
        ok = given[:, j] & ~na[:, j]
        if inds[j].quantitative:
            col[ok] = [clean_number(v) for v in ev.inputs.values[order[ok], j].tolist()]
        else:
            shown = yes_no_words if inds[j].answer == "yes_no" else words
            col[ok] = shown[np.minimum(ev.scores.level[order[ok], j], len(levels))]
        values.append(col.tolist())
    sources = [
        str("" if f is None else f) + (f" #{r}" if r else "")
        for f, r in zip(meta["file"], meta["row"], strict=True)
    ]
    out.table = [
        [out.rank_of[i] for i in picks],
        meta["id"],
        meta["name"],
        meta["period"],
        [sys.classes[k].name.get(lang) for k in ranks.tolist()],
        [sys.classes[k].id for k in ranks.tolist()],
        *(
            [clean_number(v) for v in np.asarray(ev.scores.scores[s], float)[order].tolist()]
            for s in sys.score_names
        ),
        _joined(blocked, [ind.name.get(lang) for ind in inds], gettext_in(N_(", "), lang)),
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
