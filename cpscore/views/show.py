"""The indicator table of a system, normalised (JSON) or as a terminal table."""

from __future__ import annotations

from typing import Any

from cpscore.common.i18n import N_, gettext_in, status_word
from cpscore.system.model import Benchmark, System
from cpscore.system.wording import condition_words, level_label, variant_words


def _benchmark(b: Benchmark) -> dict[str, Any]:
    def num(n: Any) -> Any:
        return {"expr": n.expr} if n.expr else n.const

    if b.is_range:
        return {"range": [num(b.low), num(b.high)], "printed": b.printed or b.describe()}
    return {"op": b.op, "value": num(b.value), "printed": b.printed or b.describe()}


def normalised(system: System, lang: str = "zh") -> dict[str, Any]:
    """Groups with weights; indicators with weight, direction, benchmarks per level, limiting, kind.

    Variants carry their condition in words (``"words"``: 水泥粉磨站：Ⅰ级 ≤32，Ⅱ级 ≤36，Ⅲ级 ≤40) beside
    the condition itself, so a reader never has to parse the rule syntax.
    """
    return {
        "id": system.id,
        "sector": system.sector,
        "version": system.version,
        "title": system.title.zh,
        "status": system.status,
        "status_label": status_word(system.status, lang),
        "notice": system.notice.zh if system.notice and not system.official else None,
        "method": system.method,
        "levels": [{"id": lv.id, "zh": lv.name.zh, "en": lv.name.en} for lv in system.classes],
        "groups": [
            {
                "id": g.id,
                "zh": g.name.zh,
                "en": g.name.en,
                "weight": g.weight,
                "bonus": g.bonus,
                "indicators": [
                    {
                        "id": i.id,
                        "zh": i.name.zh,
                        "en": i.name.en,
                        "kind": i.kind,
                        "unit": i.unit,
                        "direction": i.direction or None,
                        "weight": i.weight,
                        "weight_set": i.weight_set,
                        "limiting": i.limiting,
                        "benchmarks": {k: _benchmark(b) for k, b in (i.benchmarks or {}).items()},
                        "benchmark": i.benchmark,
                        "variants": [
                            {
                                "when": v.when,
                                "words": variant_words(system, v, lang),
                                "benchmarks": {k: _benchmark(b) for k, b in v.benchmarks.items()},
                            }
                            for v in i.variants
                        ],
                        "requirements": {k: t.zh for k, t in i.requirements.items()},
                        "applies_when": i.applies_when,
                        "applies_when_words": condition_words(system, i.applies_when, lang)
                        if i.applies_when
                        else None,
                    }
                    for i in g.indicators
                ],
            }
            for g in system.groups
        ],
        "classification": [{"class": r.klass, "when": r.when} for r in system.classification],
        "vetoes": [{"id": v.id, "when": v.when, "max_class": v.max_class} for v in system.vetoes],
    }


def render_table(system: System, lang: str = "zh") -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if system.notice and not system.official:
        console.print(f"[bold red]{system.notice.get(lang)}[/bold red]")
    table = Table(
        title=f"{system.title.get(lang)} ({system.id}, {status_word(system.status, lang)})",
        show_lines=True,
    )
    heads = (
        gettext_in(N_("group (weight)"), lang),
        gettext_in(N_("indicator"), lang),
        gettext_in(N_("unit"), lang),
        gettext_in(N_("weight"), lang),
        *[level_label(lv.id, lang) for lv in system.levels],
        gettext_in(N_("limiting"), lang),
    )
    for col in heads:
        table.add_column(col, overflow="fold")
    for g in system.groups:
        for k, i in enumerate(g.indicators):
            group = (
                f"{g.name.get(lang)} ({g.weight:g}"
                + (gettext_in(N_(", bonus"), lang) if g.bonus else "")
                + ")"
                if k == 0
                else ""
            )
            cells = []
            for lv in system.levels:
                if i.quantitative:
                    b = (i.benchmarks or {}).get(lv.id)
                    cells.append(b.describe() if b else "")
                else:
                    t = i.requirements.get(lv.id)
                    cells.append(t.get(lang) if t else "")
            w = f"{i.weight:g}" if i.weight is not None else f"{i.weight_set}*"
            name = i.name.get(lang)
            if i.applies_when:
                name += "\n" + gettext_in(N_("applies to: {when}"), lang).format(
                    when=condition_words(system, i.applies_when, lang)
                )
            table.add_row(group, name, i.unit, w, *cells, "*" if i.limiting else "")
            for v in i.variants:  # a row per variant: its plant facts in words, its benchmarks
                when = gettext_in(N_("for {when}"), lang).format(
                    when=condition_words(system, v.when, lang)
                )
                bench = [
                    b.describe() if (b := v.benchmarks.get(lv.id)) else "" for lv in system.levels
                ]
                table.add_row("", f"↳ {when}", "", "", *bench, "")
    console.print(table)
