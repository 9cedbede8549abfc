"""Semantic checks of an indicator system beyond its JSON Schema.

Weights, benchmark order, references in conditions and formulas, units, durable-rules limits and
the completeness of the classification rules. Each problem carries the JSON pointer of the part
to fix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from cpscore.common.errors import Problem
from cpscore.common.i18n import Msg
from cpscore.system import conditions, expressions, units

from .model import Benchmark, Condition, Indicator, Number, System

WEIGHT_TOLERANCE = 1e-3
LOWER_OPS = ("<", "<=")
HIGHER_OPS = (">", ">=")


def check_system(system: System) -> list[Problem]:
    problems: list[Problem] = []
    for check in (
        _ids,
        _levels,
        _weights,
        _indicators,
        _units,
        _conditions,
        _completeness,
    ):
        problems += list(check(system))
        if problems and check is _conditions:
            break  # completeness needs sound references
    return problems


def _ind_pointer(system: System, ind_id: str) -> str:
    for gi, g in enumerate(system.groups):
        for ii, ind in enumerate(g.indicators):
            if ind.id == ind_id:
                return f"/groups/{gi}/indicators/{ii}"
    return ""


def _ids(system: System) -> Iterator[Problem]:
    def dupes(kind: str, ids: list[str], where: str) -> Iterator[Problem]:
        for name, n in Counter(ids).items():
            if n > 1:
                yield Problem(
                    where,
                    Msg("{kind} id {name} is used {n} times", kind=kind, name=repr(name), n=n),
                    Msg("ids must be unique"),
                )

    yield from dupes("group", [g.id for g in system.groups], "/groups")
    yield from dupes("indicator", [i.id for i in system.indicators], "/groups")
    yield from dupes("fact", [f.id for f in (*system.facts, *system.raw_inputs)], "/facts")
    yield from dupes("level", [c.id for c in system.classes], "/levels")
    from cpscore.system.rules import derived_facts

    clash = {f.id for f in system.facts} & set(derived_facts(system))
    for name in sorted(clash):
        yield Problem(
            "/facts", Msg("fact id {name} clashes with a computed decision fact", name=repr(name))
        )


def _levels(system: System) -> Iterator[Problem]:
    if system.method == "composite" and system.composite:
        a, b = system.composite["a"], system.composite["b"]
        if abs(a + b - 1) > WEIGHT_TOLERANCE:
            yield Problem("/composite", f"a + b = {a + b:g}, expected 1", "P = a·P1 + b·P2")


def _sum_problem(pointer: str, what: str, total: float, expected: float) -> Iterator[Problem]:
    if abs(total - expected) > WEIGHT_TOLERANCE * max(1.0, expected):
        yield Problem(
            pointer,
            Msg(
                "{what} sum to {total:g}, expected {expected:g}",
                what=what,
                total=total,
                expected=expected,
            ),
        )


def _weights(system: System) -> Iterator[Problem]:
    graded = system.method == "graded"
    if graded:
        total = sum(g.weight for g in system.groups if not g.bonus)
        yield from _sum_problem("/groups", "weights of the non-bonus groups", total, 1.0)
    else:
        for part in ("quantitative", "qualitative"):
            total = sum(g.weight for g in system.groups if g.part == part)
            if any(g.part == part for g in system.groups):
                yield from _sum_problem("/groups", f"points of the {part} groups", total, 100.0)
        for gi, g in enumerate(system.groups):
            if g.part not in ("quantitative", "qualitative"):
                yield Problem(
                    f"/groups/{gi}/part",
                    Msg("composite groups must say part: quantitative or qualitative"),
                )
    for gi, g in enumerate(system.groups):
        expected = 1.0 if graded else g.weight
        total = sum(i.weight or 0.0 for i in g.indicators) + sum(g.weight_sets.values())
        yield from _sum_problem(
            f"/groups/{gi}", f"indicator weights of group {g.id!r}", total, expected
        )
        for ii, ind in enumerate(g.indicators):
            p = f"/groups/{gi}/indicators/{ii}"
            if ind.weight_set and ind.weight_set not in g.weight_sets:
                yield Problem(
                    f"{p}/weight_set",
                    Msg(
                        "weight set {weight_set} is not declared in the group's weight_sets",
                        weight_set=repr(ind.weight_set),
                    ),
                )
            if ind.output_fact:
                fact = system.fact(ind.output_fact)
                if fact is None or fact.type != "number":
                    yield Problem(
                        f"{p}/output_fact",
                        Msg(
                            "{output_fact} is not a numeric fact", output_fact=repr(ind.output_fact)
                        ),
                    )
            if not graded and ind.kind != g.part:
                yield Problem(
                    f"{p}/kind",
                    Msg("a {kind} indicator in a {part} group", kind=ind.kind, part=g.part),
                )


def _constant(n: Number | None) -> float | None:
    return n.const if n is not None and n.expr is None else None


def _bound(b: Benchmark, direction: str, env: dict[str, float]) -> float:
    """The value that decides how strict a benchmark is, for ordering across levels."""
    num = (b.high if direction == "lower" else b.low) if b.is_range else b.value
    assert num is not None
    if num.expr is None:
        return float(num.const)  # type: ignore[arg-type]
    return float(expressions.evaluate(num.expr, env))


def _sample_envs(system: System, ind: Indicator) -> list[dict[str, float]]:
    """Fact values at which expression benchmarks are compared: the plausible range's ends."""
    names = set()
    for b in _all_benchmarks(ind):
        for num in (b.value, b.low, b.high):
            if num is not None and num.expr:
                names |= expressions.names(num.expr)
    if not names:
        return [{}]
    lows, highs = {}, {}
    for name in names:
        fact = system.fact(name)
        lo, hi = fact.plausible if fact and fact.plausible else (None, None)
        lows[name] = lo if lo is not None else 1.0
        highs[name] = hi if hi is not None else 10.0
    return [lows, highs]


def _all_benchmarks(ind: Indicator) -> Iterator[Benchmark]:
    yield from (ind.benchmarks or {}).values()
    for v in ind.variants:
        yield from v.benchmarks.values()


def _indicators(system: System) -> Iterator[Problem]:
    level_ids = [lv.id for lv in system.levels]
    fact_ids = {f.id for f in system.facts}
    raw_ids = {f.id for f in system.raw_inputs}
    for ind in system.indicators:
        p = _ind_pointer(system, ind.id)
        if system.method == "composite":
            yield from _composite_indicator(ind, p)
        elif ind.quantitative:
            sets = [("benchmarks", ind.benchmarks or {})] + [
                (f"variants/{k}/benchmarks", v.benchmarks) for k, v in enumerate(ind.variants)
            ]
            if ind.benchmarks is None and not ind.variants:
                yield Problem(
                    f"{p}/benchmarks",
                    Msg("a quantitative indicator needs benchmarks per level"),
                    Msg("write empty benchmarks only when the source publishes none"),
                )
            for where, bms in sets:
                yield from _benchmark_set(system, ind, bms, f"{p}/{where}", level_ids)
        else:
            yield from _qualitative(ind, p, level_ids)
        if ind.formula:
            try:
                unknown = expressions.names(ind.formula) - fact_ids - raw_ids
            except expressions.ExpressionError as e:
                yield Problem(f"{p}/formula", str(e))
            else:
                for name in sorted(unknown):
                    yield Problem(
                        f"{p}/formula",
                        Msg("unknown name {name}", name=repr(name)),
                        Msg("declare it in raw_inputs or facts"),
                    )
        if ind.plausible and None not in ind.plausible and ind.plausible[0] > ind.plausible[1]:
            yield Problem(f"{p}/plausible", Msg("lower end above upper end"))


def _composite_indicator(ind: Indicator, p: str) -> Iterator[Problem]:
    if ind.quantitative:
        if ind.benchmark is None or ind.benchmark <= 0:
            yield Problem(
                f"{p}/benchmark",
                Msg("a composite quantitative indicator needs one benchmark S_o > 0"),
            )
        if ind.direction not in ("lower", "higher"):
            yield Problem(
                f"{p}/direction", Msg("composite scoring needs direction lower or higher")
            )
    if ind.benchmarks:
        yield Problem(
            f"{p}/benchmarks",
            Msg("composite systems use one 'benchmark', not benchmarks per level"),
        )


def _qualitative(ind: Indicator, p: str, level_ids: list[str]) -> Iterator[Problem]:
    for lv in ind.requirements:
        if lv not in level_ids:
            yield Problem(
                f"{p}/requirements/{lv}",
                Msg("unknown level {lv}", lv=repr(lv)),
                Msg("levels are {level_ids}", level_ids=level_ids),
            )
    if ind.answer == "level" and not ind.requirements:
        yield Problem(
            f"{p}/requirements",
            Msg(
                "a qualitative indicator answered by level needs the requirement text of each level"
            ),
        )
    if ind.benchmarks:
        yield Problem(
            f"{p}/benchmarks",
            Msg("qualitative indicators hold requirements, not numeric benchmarks"),
        )


def _benchmark_set(
    system: System, ind: Indicator, bms: dict[str, Benchmark], p: str, level_ids: list[str]
) -> Iterator[Problem]:
    for lv, b in bms.items():
        if lv not in level_ids:
            yield Problem(
                f"{p}/{lv}",
                Msg("unknown level {lv}", lv=repr(lv)),
                Msg("levels are {level_ids}", level_ids=level_ids),
            )
            continue
        if b.op and ind.direction == "lower" and b.op not in LOWER_OPS:
            yield Problem(
                f"{p}/{lv}/op", Msg("comparator {op} on a lower-is-better indicator", op=repr(b.op))
            )
        if b.op and ind.direction == "higher" and b.op not in HIGHER_OPS:
            yield Problem(
                f"{p}/{lv}/op",
                Msg("comparator {op} on a higher-is-better indicator", op=repr(b.op)),
            )
        if b.op and ind.direction == "range":
            yield Problem(f"{p}/{lv}", Msg("a range indicator needs range benchmarks"))
        for num in (b.value, b.low, b.high):
            if num is not None and num.expr:
                try:
                    unknown = expressions.names(num.expr) - {f.id for f in system.facts}
                except expressions.ExpressionError as e:
                    yield Problem(f"{p}/{lv}", str(e))
                    continue
                for name in sorted(unknown):
                    yield Problem(
                        f"{p}/{lv}",
                        Msg("unknown fact {name} in benchmark expression", name=repr(name)),
                    )
        if b.is_range:
            lo, hi = _constant(b.low), _constant(b.high)
            if lo is not None and hi is not None and lo > hi:
                yield Problem(f"{p}/{lv}/range", f"range {lo:g}–{hi:g} is empty")
    ordered = [lv for lv in level_ids if lv in bms]
    if ind.direction not in ("lower", "higher"):
        return
    try:
        envs = _sample_envs(system, ind)
    except expressions.ExpressionError:
        return
    for env in envs:
        try:
            bounds = [_bound(bms[lv], ind.direction, env) for lv in ordered]
        except (KeyError, expressions.ExpressionError):
            return
        for (a, x), (b, y) in zip(
            zip(ordered, bounds, strict=False),
            zip(ordered[1:], bounds[1:], strict=False),
            strict=False,
        ):
            looser = y >= x if ind.direction == "lower" else y <= x
            if not looser:
                at = f" at {env}" if env else ""
                yield Problem(
                    f"{p}/{b}",
                    Msg(
                        "level {b} benchmark {y:g} is stricter than level {a} benchmark {x:g}{at}",
                        b=b,
                        y=y,
                        a=a,
                        x=x,
                        at=at,
                    ),
                    Msg("level I must be the strictest"),
                )


def _units(system: System) -> Iterator[Problem]:
    for ind in system.indicators:
        if ind.quantitative:
            try:
                units.check(ind.unit)
            except units.UnitError as e:
                yield Problem(f"{_ind_pointer(system, ind.id)}/unit", str(e))
    for fi, f in enumerate(system.facts):
        if f.unit:
            try:
                units.check(f.unit)
            except units.UnitError as e:
                yield Problem(f"/facts/{fi}/unit", str(e))


def _durable_number(v: Any) -> bool:
    """durable-rules rejects numbers JSON writes with an exponent."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return True
    return v == 0 or 1e-4 <= abs(v) < 1e16


def _fact_types(system: System) -> dict[str, str]:
    from cpscore.system.rules import derived_facts

    return {f.id: f.type for f in system.facts} | derived_facts(system)


def _condition_problems(
    cond: Condition, p: str, types: dict[str, str], system: System
) -> Iterator[Problem]:
    for op, name, operand in conditions.atoms(cond):
        if name not in types:
            yield Problem(
                p,
                Msg("unknown name {name}", name=repr(name)),
                Msg("a fact, or a computed decision fact"),
            )
            continue
        if not _durable_number(operand):
            yield Problem(
                p,
                Msg(
                    "number {operand} cannot be given to durable-rules (exponent form)",
                    operand=repr(operand),
                ),
            )
        t = types[name]
        if op in conditions.EXISTENCE:
            continue
        if t == "number" and (isinstance(operand, bool) or not isinstance(operand, int | float)):
            yield Problem(
                p,
                Msg(
                    "{name} is a number; compared with {operand}",
                    name=repr(name),
                    operand=repr(operand),
                ),
            )
        elif t == "boolean" and (not isinstance(operand, bool) or op not in ("=", "$neq")):
            yield Problem(
                p,
                Msg(
                    "{name} is a yes/no fact; compare it for equality with true or false",
                    name=repr(name),
                ),
            )
        elif t == "enum":
            fact = system.fact(name)
            if not isinstance(operand, str) or (fact and operand not in fact.values):
                yield Problem(
                    p,
                    Msg(
                        "{operand} is not one of {x2} for {name}",
                        operand=repr(operand),
                        x2=list(fact.values) if fact else [],
                        name=repr(name),
                    ),
                )


def _anchored(cond: Condition) -> bool:
    """Whether every way the condition can hold needs a present fact (not only ``$nex``)."""
    key, arg = conditions.split(cond)
    if key == "$and":
        return any(_anchored(c) for c in arg)
    if key == "$or":
        return all(_anchored(c) for c in arg)
    return key != "$nex"


def _rule_problems(
    cond: Condition, p: str, types: dict[str, str], system: System
) -> Iterator[Problem]:
    yield from _condition_problems(cond, p, types, system)
    # durable-rules 2.0.28 fires a rule that can match through $nex alone without end (the
    # process hangs on the first plant), so such a rule must never reach the engine.
    if not _anchored(cond):
        yield Problem(
            p,
            Msg("this rule can hold through $nex alone, which durable-rules fires without end"),
            Msg("combine $nex with a condition on a present fact inside $and"),
        )


def _conditions(system: System) -> Iterator[Problem]:
    types = _fact_types(system)
    fact_types = {f.id: f.type for f in system.facts}
    class_ids = [c.id for c in system.classes]
    for ri, rule in enumerate(system.classification):
        if rule.klass not in class_ids:
            yield Problem(
                f"/classification/{ri}/class",
                Msg("unknown class {klass}", klass=repr(rule.klass)),
                Msg("classes are {class_ids}", class_ids=class_ids),
            )
        yield from _rule_problems(rule.when, f"/classification/{ri}/when", types, system)
    for vi, veto in enumerate(system.vetoes):
        if veto.max_class not in class_ids:
            yield Problem(
                f"/vetoes/{vi}/max_class",
                Msg("unknown class {max_class}", max_class=repr(veto.max_class)),
            )
        yield from _rule_problems(veto.when, f"/vetoes/{vi}/when", types, system)
    for ind in system.indicators:
        p = _ind_pointer(system, ind.id)
        if ind.applies_when:
            yield from _condition_problems(
                ind.applies_when, f"{p}/applies_when", fact_types, system
            )
        # Variants select benchmarks by plant facts: the same checks as applies_when.
        for k, v in enumerate(ind.variants):
            yield from _condition_problems(v.when, f"{p}/variants/{k}/when", fact_types, system)


def _completeness(system: System) -> Iterator[Problem]:
    from cpscore.system.rules import unclassified_corners

    corners = unclassified_corners(system)
    if corners:
        example = ", ".join(f"{k}={v}" for k, v in corners[0].items())
        yield Problem(
            "/classification",
            Msg(
                "{n} corner(s) of the score space match no rule, e.g. {example}",
                n=len(corners),
                example=example,
            ),
            Msg("add a rule for the class below all levels"),
        )


def system_warnings(system: System) -> list[Msg]:
    """What is valid but limits every plant: levels whose index can never reach 100."""
    from cpscore.common.i18n import language

    from .reach import unreachable_messages
    from .seal import broken_seal

    out = unreachable_messages(system, language())
    record = broken_seal(system.raw)
    if record is not None:
        out.insert(
            0,
            Msg(
                "marked official (verified by {by} on {date}), but the content changed after that "
                "check: loaded as unverified; run cpscore verify again against the official "
                "document",
                by=record.get("by", "?"),
                date=record.get("date", "?"),
            ),
        )
    return out
