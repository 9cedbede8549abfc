"""The result document of one plant (DESIGN §6; schema in schemas/result.schema.json).

The terminal table, the Excel scorecard and the batch list are views of this document.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from cpscore.common.i18n import N_, gettext_in, join, status_word
from cpscore.common.version import __version__
from cpscore.engine import explain
from cpscore.system import conditions
from cpscore.system.model import System
from cpscore.system.reach import unreachable
from cpscore.system.wording import condition_words

from .explain import explanation_context, holds, reason

if TYPE_CHECKING:
    from .evaluation import Evaluation


def _num(x: float) -> float | None:
    # math.isfinite: a document reads hundreds of scalars, np.isfinite costs 10x more on one
    return None if x is None or not math.isfinite(x) else round(float(x), 6)


def score_thresholds(system: System) -> dict[str, dict[str, float]]:
    """Score name -> {class: threshold} as read from the classification rules (≥ / > atoms)."""
    out: dict[str, dict[str, float]] = {}
    for rule in system.classification:
        for op, name, v in conditions.atoms(rule.when):
            if (
                op in ("$gte", "$gt", "=")
                and name in system.score_names
                and not isinstance(v, bool)
            ):
                out.setdefault(name, {})[rule.klass] = float(v)
    return out


def system_block(system: System, lang: str) -> dict[str, Any]:
    return {
        "id": system.id,
        "sector": system.sector,
        "version": system.version,
        "title": system.title.get(lang),
        "issuer": system.issuer.get(lang),
        "effective": system.effective,
        "method": system.method,
        "status": system.status,
        "status_label": status_word(system.status, lang),
        "official": system.official,
        "notice": system.notice.get(lang) if system.notice and not system.official else None,
        "source": {
            "title": system.source.title,
            "issuer": system.source.issuer,
            "announcement": system.source.announcement,
            "citation": system.source.citation,
        },
        "sha256": system.sha256,
    }


def target(ev: Evaluation, i: int, j: int, li: int) -> dict[str, Any] | None:
    """What indicator j of plant i must reach to meet level li (None when it has no benchmark)."""
    sc = ev.scores
    ind = ev.system.indicators[j]
    if not ind.quantitative:
        return {
            "level": ev.system.levels[li].id,
            "requirement": _requirement(ind, ev.system.levels[li].id),
        }
    # Cumulative membership: a stricter level's benchmark also qualifies; take the nearest defined.
    for lj in range(li, -1, -1):
        if sc.defined[i, j, lj]:
            lo, hi = sc.low[i, j, lj], sc.high[i, j, lj]
            x = ev.inputs.values[i, j]
            if math.isfinite(hi) and (not math.isfinite(x) or x > hi or not math.isfinite(lo)):
                op = "<" if sc.high_strict[i, j, lj] else "<="
                bound = hi
            else:
                op = ">" if sc.low_strict[i, j, lj] else ">="
                bound = lo
            out: dict[str, Any] = {"level": ev.system.levels[li].id, "op": op, "value": _num(bound)}
            if math.isfinite(x) and math.isfinite(bound):
                out["absolute"] = _num(abs(x - bound))
                # A value near 0 makes the percentage overflow; _num then reports None.
                with np.errstate(over="ignore"):
                    out["percent"] = _num(abs(x - bound) / abs(x) * 100) if x else None
                out["change"] = "reduce" if x > bound else "increase"
            return out
    return None


def _requirement(ind: Any, level_id: str) -> str | None:
    req = ind.requirements.get(level_id)
    return req.zh if req else None


def _benchmarks(ev: Evaluation, i: int, j: int) -> dict[str, Any]:
    sys, sc = ev.system, ev.scores
    ind = sys.indicators[j]
    out: dict[str, Any] = {}
    for li, lv in enumerate(sys.levels):
        if ind.quantitative and sys.method == "graded":
            if not sc.defined[i, j, li]:
                continue
            lo, hi = sc.low[i, j, li], sc.high[i, j, li]
            if math.isfinite(lo) and math.isfinite(hi):
                out[lv.id] = {"range": [_num(lo), _num(hi)]}
            elif math.isfinite(hi):
                out[lv.id] = {"op": "<" if sc.high_strict[i, j, li] else "<=", "value": _num(hi)}
            else:
                out[lv.id] = {"op": ">" if sc.low_strict[i, j, li] else ">=", "value": _num(lo)}
        elif not ind.quantitative and lv.id in ind.requirements:
            out[lv.id] = {"text": ind.requirements[lv.id].get("zh")}
    if ind.benchmark is not None:
        out["S_o"] = {"value": ind.benchmark, "direction": ind.direction}
    return out


def _basis(ev: Evaluation, i: int, ind: Any, lang: str) -> str | None:
    """The plant facts whose benchmarks applied ("水泥粉磨站"), when a variant applied."""
    if not ind.variants:
        return None
    facts = ev.facts(i)
    for v in ind.variants:  # the first matching variant wins, as in scoring
        if holds(v.when, facts):
            return condition_words(ev.system, v.when, lang)
    return None


def indicator_rows(ev: Evaluation, i: int, lang: str) -> list[dict[str, Any]]:
    sys, sc, inp = ev.system, ev.scores, ev.inputs
    status = sc.status[i]
    meta = ev.meta[i] if ev.meta else {}
    provenance = meta.get("provenance") or {}
    columns = meta.get("columns") or {}
    rows = []
    L = len(sys.levels)
    for j, ind in enumerate(sys.indicators):
        lvl = int(sc.level[i, j])
        value: Any = None
        if ind.quantitative:
            value = _num(inp.values[i, j])
        elif inp.answers[i, j] >= 0:
            if ind.answer == "yes_no":
                value = "yes" if inp.answers[i, j] == 0 else "no"
            else:
                value = sys.levels[inp.answers[i, j]].id if inp.answers[i, j] < L else "none"
        how = dict(provenance.get(ind.id) or {"how": "computed" if inp.computed[i, j] else "typed"})
        if "cell" not in how and ind.id in columns:  # wide rows: column letter + row number
            how["cell"] = f"{meta.get('sheet')}!{columns[ind.id]}{meta.get('row')}"
        row: dict[str, Any] = {
            "id": ind.id,
            "group": ind.group,
            "name": ind.name.get(lang),
            "kind": ind.kind,
            "unit": ind.unit,
            "value": value,
            "status": status[j],
            "provenance": how if status[j] == "ok" else None,
            "level": sys.levels[lvl].id if lvl < L and status[j] == "ok" else None,
            "limiting": ind.limiting,
            "weight": {"nominal": _num(sc.weight[i, j]), "effective": _num(sc.effective[i, j])},
            "benchmarks": _benchmarks(ev, i, j),
            "benchmark_basis": _basis(ev, i, ind, lang),
        }
        if sys.method == "graded":
            row["contributions"] = {
                f"Y_{lv.id}": _num(sc.contribution[i, j, li]) for li, lv in enumerate(sys.levels)
            }
            row["gap"] = target(ev, i, j, lvl - 1) if status[j] == "ok" and lvl > 0 else None
            if status[j] == "missing":
                row["gap"] = {"level": sys.levels[-1].id, "missing": True}
        else:
            row["ratio"] = _num(sc.ratio[i, j]) if sc.ratio is not None else None
            row["contributions"] = {"P1" if ind.quantitative else "P2": _num(sc.contribution[i, j])}
            row["gap"] = None
        rows.append(row)
    return rows


def blockers(ev: Evaluation, i: int, lang: str) -> list[dict[str, Any]]:
    """Why the plant is not one class higher: failing parts of that class's rules, and vetoes."""
    sys, d = ev.system, ev.decisions[i]
    rank = sys.class_rank(d.klass)
    if rank == 0:
        return []
    out: list[dict[str, Any]] = []
    for vi in d.vetoes:
        veto = sys.vetoes[vi]
        if sys.class_rank(veto.max_class) >= rank:
            out.append(
                {
                    "class": sys.classes[rank - 1].id,
                    "kind": "veto",
                    "id": veto.id,
                    "text": veto.name.get(lang),
                }
            )
    next_class = sys.classes[rank - 1].id
    ctx = explanation_context(ev, i, lang)
    facts = ev.facts(i)
    for rule in (r for r in sys.classification if r.klass == next_class):
        for part in explain.failing_parts(rule.when, facts):
            out.append(_blocker(sys, next_class, part, facts, ctx, lang))
    return out


def blocking_limiting(ev: Evaluation) -> list[list[int]]:
    """Per plant, the limiting indicators (indices) that block the next class."""
    return [np.flatnonzero(row).tolist() for row in blocking_matrix(ev)]


def blocking_matrix(ev: Evaluation) -> np.ndarray:
    """n × k: the limiting indicators that block each plant's next class: the 'limiting'
    entries of :func:`blockers` for every plant at once, for lists of thousands of plants."""
    sys, sc = ev.system, ev.scores
    ranks = ev.class_ranks
    limiting = np.array([ind.limiting for ind in sys.indicators], dtype=bool)
    applicable = ~ev.inputs.not_applicable
    level_index = {lv.id: li for li, lv in enumerate(sys.levels)}
    blocked = np.zeros(applicable.shape, dtype=bool)
    for rank in set(ranks.tolist()) - {0}:
        rows = ranks == rank
        for rule in (r for r in sys.classification if r.klass == sys.classes[rank - 1].id):
            key, arg = conditions.split(rule.when)
            for part in arg if key == "$and" else [rule.when]:
                name, wanted = conditions.split(part)
                lv = name.removeprefix("limiting_")
                if name.startswith("limiting_") and wanted is True and lv in level_index:
                    fails = rows & ~np.asarray(ev.columns[name], dtype=bool)
                    blocked[fails] |= (
                        limiting & applicable[fails] & ~sc.meets[fails][:, :, level_index[lv]]
                    )
    return blocked


def _blocker(
    sys: System, klass: str, part: dict, facts: dict, ctx: dict, lang: str
) -> dict[str, Any]:
    atoms = list(conditions.atoms(part))
    text = (
        explain.describe(part, facts, ctx, lang)
        if len(atoms) > 1
        else explain.describe_atom(*atoms[0], facts, ctx, lang, holds=False)
    )
    entry: dict[str, Any] = {"class": klass, "kind": "condition", "text": text}
    if len(atoms) == 1:
        _op, name, operand = atoms[0]
        grouped = explain._group_fact(name)
        if grouped and operand is True:
            entry["kind"] = grouped[0]
            entry["level"] = grouped[1]
            entry["indicators"] = ctx.get(f"{name}_failing_ids", [])
        elif name in sys.score_names:
            entry.update(
                kind="score",
                score=name,
                value=facts.get(name),
                threshold=operand,
                shortfall=_num(operand - facts.get(name, 0.0)),
            )
    return entry


def ranked_gaps(ev: Evaluation, i: int, lang: str) -> list[dict[str, Any]]:
    """Indicators short of the next class's level: limiting first, then by index points at stake."""
    sys, sc = ev.system, ev.scores
    if sys.method != "graded":
        return []
    rank = sys.class_rank(ev.decisions[i].klass)
    li = min(max(rank - 1, 0), len(sys.levels) - 1)
    applicable = ~ev.inputs.not_applicable[i]
    out = []
    for j, ind in enumerate(sys.indicators):
        if not applicable[j] or sc.meets[i, j, li]:
            continue
        points = float(sc.effective[i, j] * 100.0)
        goal = target(ev, i, j, li)
        if goal is None:
            continue  # no benchmark to reach: an index cap (see "unreachable"), not an improvement
        value = ev.inputs.values[i, j]
        entry = {
            "id": ind.id,
            "name": ind.name.get(lang),
            "limiting": ind.limiting,
            "level": sys.levels[li].id,
            "points": _num(points),
            "missing": not bool(ev.inputs.given[i, j]),
            "target": goal,
            "unit": ind.unit,
            "value": _num(value) if ind.quantitative and math.isfinite(value) else None,
        }
        out.append(entry)
    out.sort(key=lambda e: (not e["limiting"], -(e["points"] or 0.0), e["id"]))
    return out


def unreachable_notes(ev: Evaluation, i: int, lang: str) -> list[str]:
    """Why plant i's index falls short of a class's threshold that it can never fully reach.

    An indicator with weight but no benchmark caps the index (cpscore.system.reach): said for
    every plant whose index is below a threshold the cap touches.
    """
    sys = ev.system
    thresholds = score_thresholds(sys)
    notes = []
    for u in unreachable(sys):
        name = f"Y_{u.level}"
        score = float(ev.scores.scores[name][i])
        for klass, need in thresholds.get(name, {}).items():
            if u.highest < need and score < need:
                notes.append(
                    gettext_in(
                        N_(
                            "{score_name} = {score} is below {need} ({klass}): {names} "
                            "({lost} points of the index) have no benchmark, so without the "
                            "bonus group {score_name} can reach at most {highest}"
                        ),
                        lang,
                    ).format(
                        score_name=name,
                        score=f"{score:.4g}",
                        need=f"{need:g}",
                        klass=sys.class_by_id(klass).name.get(lang),
                        names=join((ind.name.get(lang) for ind in u.indicators), lang),
                        lost=f"{u.lost:g}",
                        highest=f"{u.highest:g}",
                    )
                )
    return notes


def build_document(ev: Evaluation, i: int, lang: str = "zh") -> dict[str, Any]:
    sys, d = ev.system, ev.decisions[i]
    klass = sys.class_by_id(d.klass)
    thresholds = score_thresholds(sys)
    meta = ev.meta[i] if ev.meta else {"id": str(ev.inputs.index[i])}
    doc = {
        "cpscore_version": __version__,
        "plant": {k: v for k, v in meta.items() if k not in ("provenance", "columns")},
        "system": system_block(sys, lang),
        "class": {
            "level": klass.id,
            "rank": sys.class_rank(klass.id),
            "label": klass.name.get(lang),
            "label_zh": klass.name.zh,
            "label_en": klass.name.en,
            "colour": klass.colour,
            "reason": reason(ev, i, lang),
            "rule": d.rule,
            "vetoes": [sys.vetoes[v].id for v in d.vetoes],
        },
        "scores": [
            {
                "name": name,
                "value": _num(ev.scores.scores[name][i]),
                "thresholds": thresholds.get(name, {}),
            }
            for name in sys.score_names
        ],
        "indicators": indicator_rows(ev, i, lang),
        "blockers": blockers(ev, i, lang),
        "gaps": ranked_gaps(ev, i, lang),
        "warnings": [f.as_dict() for f in (ev.findings[i] if ev.findings else [])],
        "unreachable": unreachable_notes(ev, i, lang),
    }
    if not sys.official and sys.notice:
        doc["notice"] = sys.notice.get(lang)
    return doc
