"""Path to the next class (升级路径): the cheapest indicator improvements that lift a plant one class.

Graded method only. The next class's classification rule is read as a conjunction of
- score atoms ``Y_<lv> ≥ T`` (or ``> T``): the improvements must add the missing index points;
- group atoms ``limiting_<lv>`` / ``non_limiting_<lv>`` / ``all_<lv>`` = true: every applicable
  indicator of that kind that fails ``<lv>`` is forced in (the blocking limiting indicators);
- any other atom (plant facts, counts of missing data): it must already hold, since improving
  indicator values cannot change it.
A fired veto that caps the class below the next class makes it unreachable by improvements.

Cost of one improvement (dimensionless, documented so a reader can check it):
- quantitative: the relative improvement needed, |target − value| / |value| (a value of 0: 1);
  for a strict benchmark (< or >) the bound itself is the target, the infimum of what qualifies;
- qualitative: 1 per level step (none → Ⅲ = 1, Ⅲ → Ⅰ = 2);
- a missing value: ``MISSING_COST`` (the data must be supplied, and must reach the level).
The set chosen minimises the total cost plus ``COUNT_PENALTY`` per indicator, so of two equally
cheap sets the smaller one wins. The search is exact: branch and bound over indicators with a
fractional-knapsack lower bound (``solve``), checked against brute force in the tests.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from cpscore.common.i18n import N_, gettext_in
from cpscore.engine import explain
from cpscore.system import conditions

from .result import score_thresholds, target

if TYPE_CHECKING:
    from .evaluation import Evaluation

MISSING_COST = 1.0
LEVEL_STEP_COST = 1.0
COUNT_PENALTY = 1e-6
EPS = 1e-7  # scores are compared after rounding to 6 decimals; never claim a gap closed by noise
_GROUP_PREFIXES = ("non_limiting", "limiting", "all")


# -- the exact solver -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One way to improve an indicator: reach ``level`` at ``cost``, adding ``gains`` per score."""

    level: int
    cost: float
    gains: tuple[float, ...]


@dataclass(frozen=True)
class Item:
    """An indicator that may be improved; a forced item must take one of its options."""

    options: tuple[Option, ...]
    forced: bool = False


def objective(items: list[Item], choice: list[int | None]) -> float:
    return sum(
        items[k].options[c].cost + COUNT_PENALTY for k, c in enumerate(choice) if c is not None
    )


def feasible(items: list[Item], choice: list[int | None], deficits: list[float]) -> bool:
    if any(c is None and it.forced for it, c in zip(items, choice, strict=True)):
        return False
    for m, need in enumerate(deficits):
        got = sum(items[k].options[c].gains[m] for k, c in enumerate(choice) if c is not None)
        if got < need - EPS:
            return False
    return True


def solve(items: list[Item], deficits: list[float]) -> list[int | None] | None:
    """The option chosen per item (None = leave as is) of least objective; None if infeasible.

    Every forced item takes an option; for each score m the chosen gains sum to ≥ deficits[m].
    """
    n, nm = len(items), len(deficits)
    if any(it.forced and not it.options for it in items):
        return None
    # Forced items first (they are decided, not optional), then by their best cost per point.
    order = sorted(range(n), key=lambda k: (not items[k].forced, _best_ratio(items[k])))
    its = [items[k] for k in order]
    n_forced = sum(it.forced for it in its)
    max_gain = [
        [max((o.gains[m] for o in it.options), default=0.0) for m in range(nm)] for it in its
    ]
    suffix = [[0.0] * nm for _ in range(n + 1)]
    for k in range(n - 1, -1, -1):
        suffix[k] = [suffix[k + 1][m] + max(max_gain[k][m], 0.0) for m in range(nm)]
    # Per score: items by cost per point, for the fractional lower bound.
    by_ratio = []
    for m in range(nm):
        entries = []
        for k, it in enumerate(its):
            ratios = [(o.cost + COUNT_PENALTY) / o.gains[m] for o in it.options if o.gains[m] > 0]
            if ratios:
                entries.append((min(ratios), k, max_gain[k][m]))
        by_ratio.append(sorted(entries))

    def lower_bound(k: int, need: list[float]) -> float:
        bound = 0.0
        for m in range(nm):
            rest = need[m] - EPS
            if rest <= 0:
                continue
            lb = 0.0
            for ratio, kk, g in by_ratio[m]:
                if kk < k:
                    continue
                take = min(g, rest)
                lb += take * ratio
                rest -= take
                if rest <= 0:
                    break
            bound = max(bound, lb)
        return bound

    best_cost = math.inf
    best: list[int | None] | None = None
    choice: list[int | None] = [None] * n

    def dfs(k: int, cost: float, need: list[float]) -> None:
        nonlocal best_cost, best
        if k >= n_forced and all(x <= EPS for x in need):
            if cost < best_cost - 1e-12:
                best_cost, best = cost, list(choice)
            return
        if k == n:
            return
        if any(need[m] > suffix[k][m] + EPS for m in range(nm)):
            return
        if cost + lower_bound(k, need) >= best_cost - 1e-12:
            return
        it = its[k]
        opts = sorted(range(len(it.options)), key=lambda c: it.options[c].cost)
        for c in opts:
            o = it.options[c]
            choice[k] = c
            dfs(
                k + 1,
                cost + o.cost + COUNT_PENALTY,
                [x - g for x, g in zip(need, o.gains, strict=True)],
            )
        choice[k] = None
        if not it.forced:
            dfs(k + 1, cost, need)

    dfs(0, 0.0, list(deficits))
    if best is None:
        return None
    out: list[int | None] = [None] * n
    for pos, k in enumerate(order):
        out[k] = best[pos]
    return out


def _best_ratio(it: Item) -> float:
    ratios = [o.cost / sum(o.gains) for o in it.options if sum(o.gains) > 0]
    return min(ratios, default=math.inf)


# -- the plant's next class ------------------------------------------------------------------------


@dataclass
class Improvement:
    id: str
    name: str
    group: str
    kind: str
    unit: str
    limiting: bool
    forced: bool  # required by the rule itself (a blocking limiting indicator), not by the score
    value: Any
    level: str | None  # level met now (None: none met, or no value)
    missing: bool
    target_level: str
    target: dict[
        str, Any
    ]  # op/value (quantitative) or requirement (qualitative), see result.target
    cost: float
    points: dict[str, float]  # index points added to each score the rule reads


@dataclass
class NextClassPath:
    """What lifts plant i one class, or why improvements alone cannot."""

    status: str  # top | path | unreachable | unsupported
    current: str
    target_class: str | None = None
    improvements: list[Improvement] = field(default_factory=list)
    cost: float = 0.0
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> now/after/threshold
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Rule:
    scores: dict[str, tuple[str, float]]  # score name -> (op, threshold)
    forced: dict[int, int]  # indicator index -> level index every such indicator must meet
    blocked: list[str]  # parts that improvements cannot change


def _read_rule(
    ev: Evaluation,
    i: int,
    when: dict,
    thresholds: dict[str, dict[str, float]],
    klass: str,
    lang: str,
) -> _Rule:
    sys, sc = ev.system, ev.scores
    level_ids = [lv.id for lv in sys.levels]
    applicable = ~ev.inputs.not_applicable[i]
    key, arg = conditions.split(when)
    parts = arg if key == "$and" else [when]
    rule = _Rule({}, {}, [])
    facts = ev.facts(i)
    for part in parts:
        atoms = list(conditions.atoms(part))
        op, name, operand = atoms[0]
        if len(atoms) == 1 and name in sys.score_names and op in ("$gte", "$gt", "="):
            rule.scores[name] = (op, thresholds.get(name, {}).get(klass, float(operand)))
            continue
        grouped = explain._group_fact(name) if len(atoms) == 1 else None
        if grouped and op == "=" and operand is True and grouped[1] in level_ids:
            prefix, lv = grouped
            li = level_ids.index(lv)
            for j, ind in enumerate(sys.indicators):
                wanted = {"limiting": ind.limiting, "non_limiting": not ind.limiting, "all": True}
                if wanted[prefix] and applicable[j] and not sc.meets[i, j, li]:
                    rule.forced[j] = min(rule.forced.get(j, li), li)
            continue
        if not explain.holds(part, facts):
            ctx = {"labels": {f.id: f.name.get(lang) for f in sys.facts}}
            rule.blocked.append(
                explain.describe_atom(*atoms[0], facts, ctx, lang, holds=False)
                if len(atoms) == 1
                else explain.describe(part, facts, ctx, lang)
            )
    return rule


def path_to_next_class(ev: Evaluation, i: int, lang: str = "zh") -> NextClassPath:
    """The cheapest set of improvements that makes plant i meet the next class's rule."""
    sys, d = ev.system, ev.decisions[i]
    rank = sys.class_rank(d.klass)
    path = NextClassPath(status="top", current=d.klass)
    if rank == 0:
        return path
    nxt = sys.classes[rank - 1].id
    path.target_class = nxt
    if sys.method != "graded":
        path.status = "unsupported"
        path.reasons.append(_t(lang, "composite"))
        return path
    for vi in d.vetoes:
        veto = sys.vetoes[vi]
        if sys.class_rank(veto.max_class) > rank - 1:
            path.status = "unreachable"
            path.reasons.append(_t(lang, "veto").format(name=veto.name.get(lang)))
    thresholds = score_thresholds(sys)
    best: NextClassPath | None = None
    for rule in (r for r in sys.classification if r.klass == nxt):
        candidate = _path_for_rule(ev, i, rule.when, thresholds, nxt, lang)
        if best is None or (
            candidate.status == "path" and (best.status != "path" or candidate.cost < best.cost)
        ):
            best = candidate
    if best is None:
        path.status = "unreachable"
        path.reasons.append(_t(lang, "no_rule"))
        return path
    if path.status == "unreachable":
        best.status = "unreachable"
        best.reasons = path.reasons + best.reasons
        best.improvements = []
    return best


def _path_for_rule(
    ev: Evaluation, i: int, when: dict, thresholds: dict, nxt: str, lang: str
) -> NextClassPath:
    sys, sc = ev.system, ev.scores
    L = len(sys.levels)
    level_ids = [lv.id for lv in sys.levels]
    rule = _read_rule(ev, i, when, thresholds, nxt, lang)
    path = NextClassPath(status="path", current=ev.decisions[i].klass, target_class=nxt)
    for text in rule.blocked:
        path.status = "unreachable"
        path.reasons.append(_t(lang, "blocked").format(condition=text))
    names = list(rule.scores)
    score_level = [level_ids.index(s.removeprefix("Y_")) for s in names]
    now = {s: float(sc.scores[s][i]) for s in names}
    deficits = []
    for s in names:
        op, t = rule.scores[s]
        need = t - now[s] + (1e-6 if op == "$gt" else 0.0)
        deficits.append(max(need, 0.0))
    relevant = sorted(set(score_level) | set(rule.forced.values()))
    applicable = ~ev.inputs.not_applicable[i]
    items: list[Item] = []
    meta: list[tuple[int, list[dict[str, Any]]]] = []
    for j, ind in enumerate(sys.indicators):
        if not applicable[j]:
            continue
        lvl = int(sc.level[i, j])
        missing = not bool(ev.inputs.given[i, j])
        floor = rule.forced.get(j)
        options, targets = [], []
        for li in relevant:
            if li >= lvl or (floor is not None and li > floor):
                continue
            tgt = target(ev, i, j, li)
            cost = _cost(ind.quantitative, tgt, lvl, li, missing, ev.inputs.values[i, j])
            if cost is None:
                continue
            gains = tuple(
                float(sc.effective[i, j]) * 100.0 if li <= m and not sc.meets[i, j, m] else 0.0
                for m in score_level
            )
            options.append(Option(li, cost, gains))
            targets.append(tgt or {})
        if floor is None and not any(g > 0 for o in options for g in o.gains):
            continue
        if floor is not None and not options:
            path.status = "unreachable"
            path.reasons.append(
                _t(lang, "no_benchmark").format(name=ind.name.get(lang), level=level_ids[floor])
            )
            continue
        items.append(Item(tuple(options), forced=floor is not None))
        meta.append((j, targets))
    if path.status != "path":
        return path
    choice = solve(items, deficits)
    if choice is None:
        path.status = "unreachable"
        path.reasons.append(_t(lang, "score"))
        return path
    gained = [0.0] * len(names)
    for (j, targets), it, c in zip(meta, items, choice, strict=True):
        if c is None:
            continue
        ind, o = sys.indicators[j], it.options[c]
        lvl = int(sc.level[i, j])
        gained = [a + b for a, b in zip(gained, o.gains, strict=True)]
        value = _value(ev, i, j)
        path.improvements.append(
            Improvement(
                id=ind.id,
                name=ind.name.get(lang),
                group=ind.group,
                kind=ind.kind,
                unit=ind.unit,
                limiting=ind.limiting,
                forced=it.forced,
                value=value,
                level=level_ids[lvl] if lvl < L and ev.inputs.given[i, j] else None,
                missing=not bool(ev.inputs.given[i, j]),
                target_level=level_ids[o.level],
                target=targets[c],
                cost=round(o.cost, 6),
                points={s: round(g, 6) for s, g in zip(names, o.gains, strict=True)},
            )
        )
    path.cost = round(sum(x.cost for x in path.improvements), 6)
    cap = sys.cap if sys.cap is not None else math.inf
    for s, g in zip(names, gained, strict=True):
        op, t = rule.scores[s]
        path.scores[s] = {
            "now": now[s],
            "after": round(min(now[s] + g, cap), 6),
            "op": op,
            "threshold": t,
        }
    return path


def _value(ev: Evaluation, i: int, j: int) -> Any:
    ind, inp = ev.system.indicators[j], ev.inputs
    if ind.quantitative:
        x = float(inp.values[i, j])
        return None if math.isnan(x) else x
    a = int(inp.answers[i, j])
    L = len(ev.system.levels)
    return None if a < 0 else (ev.system.levels[a].id if a < L else "none")


def _cost(
    quantitative: bool, tgt: dict | None, lvl: int, li: int, missing: bool, x: float
) -> float | None:
    if not quantitative:
        return LEVEL_STEP_COST * (lvl - li)
    if tgt is None or tgt.get("value") is None:
        return None  # no benchmark at or above this level: it cannot be reached
    if missing:
        return MISSING_COST
    if tgt.get("percent") is not None:
        return float(tgt["percent"]) / 100.0
    return 1.0 if x == 0 else abs(float(tgt["value"]) - x) / abs(x)


_TEXT = {
    "composite": N_("The path to the next class is not computed for composite (P) systems."),
    "veto": N_("The veto '{name}' caps the class: improving indicators alone cannot lift it."),
    "no_rule": N_("The system has no rule for the next class."),
    "blocked": N_(
        "The condition '{condition}' does not depend on indicator values: improvements cannot meet it."
    ),
    "no_benchmark": N_("'{name}' has no benchmark at level {level}: it cannot be reached."),
    "score": N_("Even with every indicator improved, the index cannot reach the threshold."),
}


def _t(lang: str, key: str) -> str:
    return gettext_in(_TEXT[key], lang)
