"""The canonical plant data workbook of a system (DESIGN §5): what the reader reads back.

Written with openpyxl; filled values may be given (examples, round-trip tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .model import System
from .neutralise import set_cell
from .outputs import atomic_path

SHEET_PLANT = {"zh": "企业信息", "en": "Plant"}
SHEET_INDICATORS = {"zh": "指标数据", "en": "Indicators"}
SHEET_INSTRUCTIONS = {"zh": "填写说明", "en": "Instructions"}
HEADERS = {
    "zh": ["指标编号", "一级指标", "指标名称", "单位", "填报值", "备注/数据来源"],
    "en": ["id", "group", "name", "unit", "value", "note / evidence"],
}


def _append(ws: Any, values: list[Any]) -> None:
    """Append a row; plant-provided text that looks like a formula is stored as text."""
    ws.append([None] * len(values))
    for c, v in enumerate(values, start=1):
        set_cell(ws.cell(ws.max_row, c), v)


def _answer_hint(system: System, ind: Any, lang: str) -> str:
    if ind.answer == "yes_no":
        return "是/否" if lang == "zh" else "yes/no"
    levels = "/".join(lv.id for lv in system.levels)
    return f"{levels}/none" if lang == "en" else f"{levels}/未达到"


def write_plant_workbook(
    system: System,
    path: str | Path,
    lang: str = "zh",
    meta: dict[str, Any] | None = None,
    facts: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
    notes: dict[str, str] | None = None,
) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    meta, facts, values, notes = meta or {}, facts or {}, values or {}, notes or {}
    wb = Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    ws = wb.active
    ws.title = SHEET_INSTRUCTIONS[lang]
    notice = system.notice.get(lang) if system.notice and not system.official else ""
    lines = [
        system.title.get(lang),
        f"{system.id} · {system.status}",
        notice,
        "黄色单元格为填报项。定量指标填数值（单位见“单位”列），定性指标填达到的最高级别；不适用填 n/a。"
        if lang == "zh"
        else "Fill the yellow cells. Quantitative: a number in the unit shown; qualitative: the best level met; n/a where it does not apply.",
    ]
    for r, line in enumerate(lines, start=1):
        ws.cell(r, 1, line).font = bold if r == 1 else Font()
    ws.column_dimensions["A"].width = 100

    wp = wb.create_sheet(SHEET_PLANT[lang])
    wp.append(["项目", "内容", "说明"] if lang == "zh" else ["key", "value", "help"])
    for key, zh, en in (
        ("id", "企业编号", "plant id"),
        ("name", "企业名称", "plant name"),
        ("period", "评价期", "evaluation period"),
        ("system", "指标体系", "indicator system"),
    ):
        default = system.id if key == "system" else meta.get(key)
        _append(wp, [key, default, zh if lang == "zh" else en])
    for f in system.facts:
        _append(
            wp,
            [
                f.id,
                facts.get(f.id, f.default if f.default is not None else None),
                f.name.get(lang)
                + (f" ({f.unit})" if f.unit else "")
                + (f" [{'/'.join(f.values)}]" if f.values else ""),
            ],
        )
    for row in wp.iter_rows(min_row=2, min_col=2, max_col=2):
        for c in row:
            c.fill = fill
    wp.column_dimensions["A"].width = 28
    wp.column_dimensions["B"].width = 30
    wp.column_dimensions["C"].width = 50

    wi = wb.create_sheet(SHEET_INDICATORS[lang])
    wi.append(HEADERS[lang])
    for c in wi[1]:
        c.font = bold
    for g in system.groups:
        for ind in g.indicators:
            unit = ind.unit if ind.quantitative else _answer_hint(system, ind, lang)
            _append(
                wi,
                [
                    ind.id,
                    g.name.get(lang),
                    ind.name.get(lang),
                    unit,
                    values.get(ind.id),
                    notes.get(ind.id),
                ],
            )
            wi.cell(wi.max_row, 5).fill = fill
    for col, width in zip("ABCDEF", (30, 24, 44, 14, 14, 40), strict=False):
        wi.column_dimensions[col].width = width
    wi.freeze_panes = "A2"
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)
