"""Words for decisions: why a plant got its class, and what blocks the next one.

Reasons are generated from the rule that fired, read with the plant's own numbers, so the reason
can never disagree with the rule ("II: Y_II = 88.4 ≥ 85 and all 5 limiting indicators meet II").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from cpscore.common.i18n import N_, gettext_in, join, yes_no
from cpscore.common.words import level_label
from cpscore.system import conditions
from cpscore.system.model import Condition, System

_OPS = {"$lt": "<", "$lte": "≤", "$gt": ">", "$gte": "≥", "$neq": "≠", "=": "="}
_NEGATED = {"$lt": "≥", "$lte": ">", "$gt": "≤", "$gte": "<", "$neq": "=", "=": "≠"}
if TYPE_CHECKING:
    from .evaluation import Evaluation


def _fmt(v: Any, lang: str = "") -> str:
    if isinstance(v, bool):
        return yes_no(v, lang or None)
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".")
    return str(v)


def _group_fact(name: str) -> tuple[str, str] | None:
    for prefix in ("non_limiting", "limiting", "all"):
        if name.startswith(prefix + "_"):
            return prefix, name[len(prefix) + 1 :]
    return None


def describe_atom(
    op: str,
    name: str,
    operand: Any,
    facts: dict[str, Any],
    context: dict[str, Any],
    lang: str,
    holds: bool = True,
) -> str:
    """One comparison in words, with the plant's value."""
    grouped = _group_fact(name)
    if grouped and isinstance(operand, bool) and op in ("=", "$neq"):
        prefix, lv = grouped
        wanted = operand if op == "=" else not operand
        ok = wanted if holds else not wanted
        count = context.get(f"{prefix}_count", 0)
        failing = context.get(f"{name}_failing", [])
        return _group_words(prefix, lv, ok, count, failing, lang)
    value = facts.get(name)
    sym = _OPS[op] if holds else _NEGATED[op]
    label = context.get("labels", {}).get(name, name)
    return f"{label} = {_fmt(value, lang)} {sym} {_fmt(operand, lang)}"


_GROUP_NOUN = {
    "limiting": N_("limiting indicators"),
    "non_limiting": N_("non-limiting indicators"),
    "all": N_("indicators"),
}


def _group_words(prefix: str, lv: str, ok: bool, count: int, failing: list[str], lang: str) -> str:
    lvl = level_label(lv, lang)
    noun = gettext_in(_GROUP_NOUN[prefix], lang)
    if ok:
        msg = N_("all {count} {noun} meet {level}") if count else N_("no {noun} apply")
        return gettext_in(msg, lang).format(count=count, noun=noun, level=lvl)
    return gettext_in(N_("{noun} below {level}: {names}"), lang).format(
        noun=noun, level=lvl, names=join(failing, lang)
    )


def describe(cond: Condition, facts: dict[str, Any], context: dict[str, Any], lang: str) -> str:
    """A satisfied condition in words; for $or only the branches that hold are named."""
    key, arg = conditions.split(cond)
    joiner = gettext_in(N_(" and "), lang)
    if key == "$and":
        return joiner.join(describe(c, facts, context, lang) for c in arg)
    if key == "$or":
        held = [c for c in arg if holds(c, facts)] or list(arg)
        return gettext_in(N_(" or "), lang).join(describe(c, facts, context, lang) for c in held)
    ((op, name, operand),) = conditions.atoms(cond)
    return describe_atom(op, name, operand, facts, context, lang)


def holds(cond: Condition, facts: dict[str, Any]) -> bool:
    columns = {k: [v] for k, v in facts.items()}
    return bool(conditions.evaluate(cond, columns, 1)[0])


def failing_parts(cond: Condition, facts: dict[str, Any]) -> list[Condition]:
    """The top-level conjuncts of a rule that a plant does not meet (what blocks that class)."""
    key, arg = conditions.split(cond)
    parts = arg if key == "$and" else [cond]
    return [c for c in parts if not holds(c, facts)]


def class_name(system: System, class_id: str, lang: str) -> str:
    return system.class_by_id(class_id).name.get(lang)


def explanation_context(ev: Evaluation, i: int, lang: str) -> dict[str, Any]:
    """Counts and failing indicator names behind the limiting_* facts, for reasons and blockers."""
    sys, sc = ev.system, ev.scores
    inds = sys.indicators
    applicable = ~ev.inputs.not_applicable[i]
    ctx: dict[str, Any] = {"labels": {f.id: f.name.get(lang) for f in sys.facts}}
    for prefix, sel in (
        ("limiting", [ind.limiting for ind in inds]),
        ("non_limiting", [not ind.limiting for ind in inds]),
        ("all", [True] * len(inds)),
    ):
        mask = np.array(sel, dtype=bool) & applicable
        ctx[f"{prefix}_count"] = int(mask.sum())
        for li, lv in enumerate(sys.levels):
            bad = mask & ~sc.meets[i, :, li]
            ctx[f"{prefix}_{lv.id}_failing"] = [inds[j].name.get(lang) for j in np.flatnonzero(bad)]
            ctx[f"{prefix}_{lv.id}_failing_ids"] = [inds[j].id for j in np.flatnonzero(bad)]
    return ctx


def reason(ev: Evaluation, i: int, lang: str) -> str:
    sys, d = ev.system, ev.decisions[i]
    ctx = explanation_context(ev, i, lang)
    rule = sys.classification[d.rule] if d.rule is not None else None
    head = class_name(sys, rule.klass if rule else d.klass, lang)
    text = (
        gettext_in(N_("{head}: {why}"), lang).format(
            head=head, why=describe(rule.when, ev.facts(i), ctx, lang)
        )
        if rule
        else head
    )
    for vi in d.vetoes:
        veto = sys.vetoes[vi]
        if sys.class_rank(veto.max_class) >= sys.class_rank(d.klass):
            cap = class_name(sys, veto.max_class, lang)
            text += gettext_in(N_("; veto: {name}, at most {cap}"), lang).format(
                name=veto.name.get(lang), cap=cap
            )
    return text
