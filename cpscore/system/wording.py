"""A system's rules in words for readers: levels, benchmarks, and the plant facts that select
a benchmark variant ("水泥粉磨站：Ⅰ级 ≤32，Ⅱ级 ≤36，Ⅲ级 ≤40"), never the condition syntax."""

from __future__ import annotations

from typing import Any

from cpscore.common.i18n import N_, gettext_in, yes_no
from cpscore.common.words import level_label

from . import conditions
from .model import Benchmark, Condition, Fact, System, Variant

_OPS = {"$lt": "<", "$lte": "≤", "$gt": ">", "$gte": "≥", "$neq": "≠", "=": "="}


def clauses(parts: Any, lang: str) -> str:
    """Clauses joined as a sentence: a，b，c / a, b, c."""
    out = ""
    for p in parts:
        out = gettext_in(N_("{a}, {b}"), lang).format(a=out, b=p) if out else str(p)
    return out


def enum_label(system: System, f: Fact, value: Any, lang: str) -> str:
    """An enum fact's value as the template's drop-down shows it."""
    spec = next((x for x in system.raw.get("facts", ()) if x["id"] == f.id), {})
    label = spec.get("value_labels", {}).get(str(value), {})
    return label.get(lang) or label.get("zh") or str(value)


def _number(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _atom(system: System, op: str, name: str, operand: Any, lang: str) -> str:
    f = system.fact(name)
    if f is None:
        return f"{name} {_OPS.get(op, op)} {operand}"
    if f.type == "enum" and op in ("=", "$neq"):
        label = enum_label(system, f, operand, lang)
        return label if op == "=" else gettext_in(N_("not {what}"), lang).format(what=label)
    if f.type == "boolean" and op in ("=", "$neq"):
        holds = bool(operand) == (op == "=")
        return gettext_in(N_("{when}: {benchmarks}"), lang).format(
            when=f.name.get(lang), benchmarks=yes_no(holds, lang)
        )
    unit = f" {f.unit}" if f.unit else ""
    return f"{f.name.get(lang)} {_OPS.get(op, op)}{_number(operand)}{unit}"


def condition_words(system: System, cond: Condition, lang: str) -> str:
    """A condition on plant facts in words: 水泥粉磨站; 熟料生产线规模 ≥4000 t/d."""
    key, arg = conditions.split(cond)
    if key == "$and":
        return gettext_in(N_(" and "), lang).join(condition_words(system, c, lang) for c in arg)
    if key == "$or":
        return gettext_in(N_(" or "), lang).join(condition_words(system, c, lang) for c in arg)
    ((op, name, operand),) = conditions.atoms(cond)
    return _atom(system, op, name, operand, lang)


def benchmark_words(b: Benchmark) -> str:
    return b.describe()


def benchmarks_words(system: System, benchmarks: dict[str, Benchmark], lang: str) -> str:
    """Ⅰ级 ≤32，Ⅱ级 ≤36，Ⅲ级 ≤40."""
    return clauses(
        (
            f"{level_label(lv.id, lang)} {benchmark_words(benchmarks[lv.id])}"
            for lv in system.levels
            if lv.id in benchmarks
        ),
        lang,
    )


def variant_words(system: System, v: Variant, lang: str) -> str:
    """粉磨站：Ⅰ级 ≤32，Ⅱ级 ≤36，Ⅲ级 ≤40."""
    return gettext_in(N_("{when}: {benchmarks}"), lang).format(
        when=condition_words(system, v.when, lang),
        benchmarks=benchmarks_words(system, v.benchmarks, lang),
    )
