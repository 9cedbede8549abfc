"""The terminal view of a result document (rich)."""

from __future__ import annotations

from typing import Any

from cpscore.common.i18n import N_, Labels, gettext_in, status_word, yes_no
from cpscore.common.words import level_label
from cpscore.common.words import number_text as _fmt

_T = Labels(
    {
        "class": N_("Class"),
        "reason": N_("Reason"),
        "scores": N_("Composite indices"),
        "score": N_("Index"),
        "value": N_("Score"),
        "entered": N_("Value"),
        "threshold": N_("Threshold"),
        "indicator": N_("Indicator"),
        "unit": N_("Unit"),
        "level": N_("Level met"),
        "gap": N_("Gap to next level"),
        "blockers": N_("What blocks the next class"),
        "warnings": N_("Warnings"),
        "notice": N_("NOTICE"),
        "none": N_("none"),
        "missing": N_("missing"),
        "n/a": N_("n/a"),
        "limiting": N_("limiting"),
        "top": N_("Most valuable improvements"),
        "points": N_("points"),
        "period": N_("evaluation period {period}"),
        "item": N_("{name}: {text}"),
        "cap": N_("Why the index cannot reach the threshold"),
    }
)


def answer_text(value: Any, lang: str) -> str:
    """A qualitative answer as the plant would write it: Ⅱ级, 是/否, 未达到."""
    if value is None:
        return ""
    if value in ("yes", "no"):
        return yes_no(value, lang)
    if value == "none":
        return _T[lang]["none"]
    return level_label(value, lang)


def _op(op: str) -> str:
    return {"<=": "≤", ">=": "≥"}.get(op, op)


def gap_text(gap: dict[str, Any] | None, unit: str, lang: str) -> str:
    """The target and the change to reach it, on two short lines (never split inside a number)."""
    if not gap:
        return ""
    if gap.get("missing"):
        return _T[lang]["missing"]
    lvl = level_label(gap["level"], lang)
    if "requirement" in gap:
        return f"→ {lvl}"
    text = f"→ {lvl} {_op(gap.get('op', ''))}{_fmt(gap.get('value'))}"
    if gap.get("absolute") is not None:
        sign = "-" if gap.get("change") == "reduce" else "+"
        pct = gap.get("percent")
        text += f"\n{sign}{_fmt(gap['absolute'])} {unit}".rstrip() + (
            f" ({pct:.1f}%)" if pct is not None else ""
        )
    return text


def improvement_text(g: dict[str, Any], lang: str, points: bool = True) -> str:
    """现值 88 kWh/t → Ⅰ级 ≤85 kWh/t（-3 kWh/t，3.4%）: value, target and unit together."""
    t, goal, unit = _T[lang], g["target"], g.get("unit") or ""
    lvl = level_label(goal["level"], lang)
    if g.get("missing"):
        return gettext_in(N_("no value given; {level} needs a value"), lang).format(level=lvl)
    if "requirement" in goal:
        return gettext_in(N_("meet the requirement of {level}"), lang).format(level=lvl)
    u = f" {unit}" if unit else ""
    text = gettext_in(N_("now {value}{unit} → {level} {op}{target}{unit}"), lang).format(
        value=_fmt(g.get("value")),
        unit=u,
        level=lvl,
        op=_op(goal.get("op", "")),
        target=_fmt(goal.get("value")),
    )
    if goal.get("absolute") is not None:
        sign = "-" if goal.get("change") == "reduce" else "+"
        text += f" ({sign}{_fmt(goal['absolute'])}{u}"
        text += f", {goal['percent']:.1f}%)" if goal.get("percent") is not None else ")"
    return f"{text} [{_fmt(g['points'])} {t['points']}]" if points else text


def _bullets(console: Any, title: str, lines: list[str]) -> None:
    """A titled list whose long lines wrap beside the bullet (no bullet left on a line alone)."""
    from rich.table import Table

    lines = [x for x in lines if x and x.strip()]
    if not lines:
        return
    console.print(f"[bold]{title}[/bold]")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column(ratio=1, overflow="fold")
    for line in lines:
        grid.add_row("•", line)
    console.print(grid)


def render(doc: dict[str, Any], lang: str = "zh", console: Any = None) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    t = _T[lang]
    console = console or Console()
    if doc.get("notice"):
        console.print(Panel(escape(doc["notice"]), title=t["notice"], style="bold red"))
    system = doc["system"]
    plant = doc["plant"]
    head = f"[bold]{escape(str(plant.get('name') or plant.get('id')))}[/bold]"
    if plant.get("period"):
        head += " · " + t["period"].format(period=escape(str(plant["period"])))
    console.print(head)
    console.print(
        f"{escape(system['title'])} ({system['id']}, "
        f"{system.get('status_label') or status_word(system['status'], lang)})"
    )
    klass = doc["class"]
    console.print(
        Panel(
            f"[bold {klass['colour']}]{escape(klass['label'])}[/]\n"
            + escape(t["item"].format(name=t["reason"], text=klass["reason"])),
            title=t["class"],
        )
    )

    scores = Table(title=t["scores"])
    for col in (t["score"], t["value"], t["threshold"]):
        scores.add_column(col)
    for s in doc["scores"]:
        th = ", ".join(f"{k}: ≥{_fmt(v)}" for k, v in s["thresholds"].items())
        scores.add_row(s["name"], _fmt(s["value"]), th)
    console.print(scores)

    table = Table(title=t["indicator"], show_lines=False)
    wide = console.width >= 120  # ids help on a wide terminal; on a narrow one names come first
    if wide:
        table.add_column("id", no_wrap=True)
    table.add_column(t["indicator"], min_width=10, ratio=3, overflow="fold")
    table.add_column(t["entered"], ratio=1)
    table.add_column(t["unit"], ratio=1)
    table.add_column(t["level"], ratio=1)
    table.add_column(t["gap"], ratio=2, min_width=16)
    for row in doc["indicators"]:
        status = row["status"]
        level = (
            level_label(row["level"], lang)
            if row["level"]
            else (t[status] if status != "ok" else t["none"])
        )
        name = row["name"] + (" *" if row["limiting"] else "")
        table.add_row(
            *([row["id"]] if wide else []),
            escape(name),
            answer_text(row["value"], lang) if row["kind"] == "qualitative" else _fmt(row["value"]),
            row["unit"],
            level,
            gap_text(row.get("gap"), row["unit"], lang),
        )
    console.print(table)

    _bullets(console, t["blockers"], [escape(b["text"]) for b in doc["blockers"]])
    _bullets(console, t["cap"], [escape(x) for x in doc.get("unreachable", [])])
    top = []
    for g in doc["gaps"][:3]:
        name = g["name"] + (f" ({t['limiting']})" if g["limiting"] else "")
        top.append(escape(t["item"].format(name=name, text=improvement_text(g, lang))))
    _bullets(console, t["top"], top)
    _bullets(
        console,
        t["warnings"],
        [escape(f"{w.get('where', '')} {w['message']}".strip()) for w in doc["warnings"]],
    )
    if doc.get("notice"):
        console.print(f"[bold red]{escape(doc['notice'])}[/bold red]")
