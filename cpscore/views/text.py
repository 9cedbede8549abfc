"""The terminal view of a result document (rich)."""

from __future__ import annotations

from typing import Any

from cpscore.common.words import level_label
from cpscore.common.words import number_text as _fmt

_T = {
    "zh": {
        "class": "评价结果",
        "reason": "依据",
        "scores": "综合评价指数",
        "score": "指数",
        "value": "得分",
        "entered": "填报值",
        "threshold": "门槛",
        "indicator": "指标",
        "unit": "单位",
        "level": "达到级别",
        "gap": "差距(至上一级)",
        "blockers": "阻碍升级的因素",
        "warnings": "提示",
        "notice": "注意",
        "none": "未达到",
        "missing": "缺失",
        "n/a": "不适用",
        "limiting": "限定性",
        "top": "优先改进",
        "points": "分值",
    },
    "en": {
        "class": "Class",
        "reason": "Reason",
        "scores": "Composite indices",
        "score": "Index",
        "value": "Value",
        "entered": "Value",
        "threshold": "Threshold",
        "indicator": "Indicator",
        "unit": "Unit",
        "level": "Level met",
        "gap": "Gap to next level",
        "blockers": "What blocks the next class",
        "warnings": "Warnings",
        "notice": "NOTICE",
        "none": "none",
        "missing": "missing",
        "n/a": "n/a",
        "limiting": "limiting",
        "top": "Most valuable improvements",
        "points": "points",
    },
}


def _answer(value: Any, lang: str) -> str:
    """A qualitative answer as the plant would write it: Ⅱ级, 是/否, 未达到."""
    if value is None:
        return ""
    words = {"yes": ("是", "yes"), "no": ("否", "no"), "none": ("未达到", "none")}
    if value in words:
        return words[value][0 if lang == "zh" else 1]
    return level_label(value, lang)


def gap_text(gap: dict[str, Any] | None, unit: str, lang: str) -> str:
    if not gap:
        return ""
    if gap.get("missing"):
        return _T[lang]["missing"]
    lvl = level_label(gap["level"], lang)
    if "requirement" in gap:
        return f"→ {lvl}"
    op = {"<=": "≤", ">=": "≥"}.get(gap.get("op", ""), gap.get("op", ""))
    text = f"→ {lvl}: {op}{_fmt(gap.get('value'))}"
    if gap.get("absolute") is not None:
        sign = "-" if gap.get("change") == "reduce" else "+"
        pct = gap.get("percent")
        text += f" ({sign}{_fmt(gap['absolute'])} {unit}" + (
            f", {pct:.1f}%)" if pct is not None else ")"
        )
    return text


def render(doc: dict[str, Any], lang: str = "zh", console: Any = None) -> None:
    from rich.console import Console
    from rich.panel import Panel
    from rich.table import Table

    t = _T[lang]
    console = console or Console()
    if doc.get("notice"):
        console.print(Panel(doc["notice"], title=t["notice"], style="bold red"))
    system = doc["system"]
    plant = doc["plant"]
    console.print(
        f"[bold]{plant.get('name') or plant.get('id')}[/bold] · {system['title']} ({system['id']}, {system['status']})"
    )
    klass = doc["class"]
    console.print(
        Panel(
            f"[bold {klass['colour']}]{klass['label']}[/]\n{t['reason']}: {klass['reason']}",
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
    table.add_column(t["indicator"], min_width=12, ratio=3)
    for col in (t["entered"], t["unit"], t["level"], t["gap"]):
        table.add_column(col, overflow="fold", ratio=1 if col != t["gap"] else 2)
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
            name,
            _answer(row["value"], lang) if row["kind"] == "qualitative" else _fmt(row["value"]),
            row["unit"],
            level,
            gap_text(row.get("gap"), row["unit"], lang),
        )
    console.print(table)

    if doc["blockers"]:
        console.print(f"[bold]{t['blockers']}[/bold]")
        for b in doc["blockers"]:
            console.print(f"  • {b['text']}")
    if doc["gaps"]:
        console.print(f"[bold]{t['top']}[/bold]")
        for g in doc["gaps"][:3]:
            mark = f" ({t['limiting']})" if g["limiting"] else ""
            console.print(
                f"  • {g['name']}{mark}: {gap_text(g['target'], '', lang)} [{_fmt(g['points'])} {t['points']}]"
            )
    if doc["warnings"]:
        console.print(f"[bold]{t['warnings']}[/bold]")
        for w in doc["warnings"]:
            console.print(f"  • {w.get('where', '')} {w['message']}")
    if doc.get("notice"):
        console.print(f"[bold red]{doc['notice']}[/bold red]")
