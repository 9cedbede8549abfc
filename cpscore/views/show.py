"""The indicator table of a system, normalised (JSON) or as a terminal table."""

from __future__ import annotations

from typing import Any

from cpscore.system.model import Benchmark, System


def _benchmark(b: Benchmark) -> dict[str, Any]:
    def num(n: Any) -> Any:
        return {"expr": n.expr} if n.expr else n.const

    if b.is_range:
        return {"range": [num(b.low), num(b.high)], "printed": b.printed or b.describe()}
    return {"op": b.op, "value": num(b.value), "printed": b.printed or b.describe()}


def normalised(system: System) -> dict[str, Any]:
    """Groups with weights; indicators with weight, direction, benchmarks per level, limiting, kind."""
    return {
        "id": system.id,
        "sector": system.sector,
        "version": system.version,
        "title": system.title.zh,
        "status": system.status,
        "status_label": system.status_label(),
        "verification": system.verification,
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
                                "benchmarks": {k: _benchmark(b) for k, b in v.benchmarks.items()},
                            }
                            for v in i.variants
                        ],
                        "requirements": {k: t.zh for k, t in i.requirements.items()},
                        "applies_when": i.applies_when,
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
        title=f"{system.title.get(lang)} ({system.id}, {system.status_label(lang)})",
        show_lines=True,
    )
    for col in ("group (w)", "indicator", "unit", "w", *[lv.id for lv in system.levels], "*"):
        table.add_column(col, overflow="fold")
    for g in system.groups:
        for k, i in enumerate(g.indicators):
            group = (
                f"{g.name.get(lang)} ({g.weight:g}{', bonus' if g.bonus else ''})" if k == 0 else ""
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
            table.add_row(group, i.name.get(lang), i.unit, w, *cells, "*" if i.limiting else "")
    console.print(table)
