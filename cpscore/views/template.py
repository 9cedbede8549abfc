"""The canonical plant data workbook of a system (DESIGN §5): what the reader reads back.

Sheets: instructions, plant (key/value rows: identity, evaluation period, the system's facts),
indicators (id, group, name, unit, value, note/evidence, benchmarks for reference) and, when the
system computes indicators from raw data, a raw-data sheet. Input cells are yellow and unlocked;
every other cell is locked by sheet protection without a password, so the structure is not
broken by accident but nothing stops a person who means to change it. Input cells carry data
validation (numbers within the system's plausible range; drop-downs of the answers the reader
accepts) and each indicator a comment with its definition, formula and benchmarks.

Written with openpyxl; filled values may be given (examples, round-trip tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cpscore.common.atomic import atomic_path
from cpscore.common.i18n import N_, Term, gettext_in, status_word
from cpscore.common.words import level_label
from cpscore.system.model import Fact, Indicator, System
from cpscore.system.wording import benchmarks_words, variant_words

from .neutralise import set_cell
from .sheetfit import fit_rows

SHEET_PLANT = {"zh": "企业信息", "en": "Plant"}
SHEET_INDICATORS = {"zh": "指标数据", "en": "Indicators"}
SHEET_INSTRUCTIONS = {"zh": "填写说明", "en": "Instructions"}
SHEET_RAW = {"zh": "原始数据", "en": "Raw data"}
HEADERS = {
    "zh": ["指标编号", "一级指标", "指标名称", "单位", "填报值", "备注/数据来源", "基准值（参考）"],
    "en": ["id", "group", "name", "unit", "value", "note / evidence", "benchmarks (reference)"],
}
VALUE_COL, NOTE_COL = 5, 6  # 1-based columns of the indicator sheet's input cells
INPUT_FILL = "FFF2CC"
HEADER_FILL = "D9E1F2"
NA = Term(N_("n/a"))
NONE = Term(N_("none"))
YES_NO = (Term(N_("yes")), Term(N_("no")))
PLANT_KEYS = (
    ("id", "企业编号", "plant id"),
    ("name", "企业名称", "plant name"),
    ("period", "评价期", "evaluation period (e.g. 2025 or 2025-01 to 2025-12)"),
    ("system", "指标体系（勿改）", "indicator system (do not change)"),
)


def answer_choices(system: System, ind: Indicator, lang: str) -> list[str]:
    """What the drop-down of a qualitative indicator offers; the reader accepts each of these."""
    if ind.answer == "yes_no":
        return [*(t[lang] for t in YES_NO), NA[lang]]
    levels = [level_label(lv.id, lang) if lang == "zh" else lv.id for lv in system.levels]
    return [*levels, NONE[lang], NA[lang]]


def fact_choices(system: System, f: Fact, lang: str) -> list[str]:
    """Drop-down of an enum or boolean fact: the value labels in ``lang`` where the system has them."""
    if f.type == "boolean":
        return [t[lang] for t in YES_NO]
    spec = next((x for x in system.raw.get("facts", ()) if x["id"] == f.id), {})
    labels = spec.get("value_labels", {})
    return [labels.get(v, {}).get(lang) or labels.get(v, {}).get("zh") or v for v in f.values]


def benchmark_text(system: System, ind: Indicator, lang: str) -> str:
    """Benchmarks per level in one line ('Ⅰ级 ≤100；Ⅱ级 ≤105'), for reading, never parsed."""
    sep = gettext_in(N_("; "), lang)
    if system.method == "composite":
        if ind.benchmark is None:
            return ""
        return (gettext_in(N_("S_o "), lang)) + f"{ind.benchmark:g}"
    if not ind.quantitative:
        return sep.join(
            f"{level_label(lv.id, lang)}: {ind.requirements[lv.id].get(lang)}"
            for lv in system.levels
            if lv.id in ind.requirements
        )
    bms = ind.benchmarks or {}
    base = benchmarks_words(system, bms, lang) if bms else gettext_in(N_("no benchmark"), lang)
    if not ind.variants:
        return base
    # Benchmarks that depend on plant facts, in words: 水泥粉磨站：Ⅰ级 ≤32，Ⅱ级 ≤36，Ⅲ级 ≤40.
    return sep.join([base, *(variant_words(system, v, lang) for v in ind.variants)])


def _plain(b: Any) -> str:
    """A benchmark as comparator and number (the printed text is long; it goes in the comment)."""
    if b.is_range:
        return f"{b.low}–{b.high}"
    return {"<=": "≤", ">=": "≥"}.get(b.op, b.op) + str(b.value)


def indicator_comment(system: System, ind: Indicator, lang: str) -> str:
    """Definition, formula, benchmarks (as printed) or requirements, and notes of one indicator."""
    lines = [f"{ind.name.get(lang)} ({ind.id})"]
    if ind.limiting:
        lines.append(gettext_in(N_("limiting indicator (*)"), lang))
    if ind.definition:
        lines.append((gettext_in(N_("Definition: "), lang)) + ind.definition.get(lang))
    if ind.formula:
        lines.append((gettext_in(N_("Formula: "), lang)) + ind.formula)
    if ind.quantitative and ind.benchmarks:
        for lv in system.levels:
            b = ind.benchmarks.get(lv.id)
            if b is not None:
                lines.append(f"{level_label(lv.id, lang)}: {b.describe()}")
    for v in ind.variants:
        lines.append(variant_words(system, v, lang))
    if not ind.quantitative:
        for lv in system.levels:
            if lv.id in ind.requirements:
                lines.append(f"{level_label(lv.id, lang)}: {ind.requirements[lv.id].get(lang)}")
        if ind.answer == "yes_no":
            lines.append(gettext_in(N_("Answer yes or no"), lang))
        else:
            lines.append(gettext_in(N_("Answer the best level met"), lang))
    if ind.plausible:
        lo, hi = ind.plausible
        lines.append(
            (gettext_in(N_("Plausible range: "), lang)) + f"{_g(lo)}–{_g(hi)} {ind.unit}".strip()
        )
    note = _raw_indicator(system, ind.id).get("note")
    if note:
        lines.append((gettext_in(N_("Note: "), lang)) + note)
    return "\n".join(lines)


def _g(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _raw_indicator(system: System, indicator_id: str) -> dict[str, Any]:
    for g in system.raw.get("groups", ()):
        for ind in g.get("indicators", ()):
            if ind.get("id") == indicator_id:
                return ind
    return {}


def _instructions(system: System, lang: str) -> list[tuple[str, str]]:
    """(style, text) lines of the instructions sheet."""
    zh = lang == "zh"
    notice = system.notice.get(lang) if system.notice and not system.official else ""
    eff = system.effective or (gettext_in(N_("not in force (draft)"), lang))
    lines = [
        ("title", system.title.get(lang)),
        (
            "plain",
            f"{system.id} · {system.issuer.get(lang)} · {eff} · "
            + gettext_in(N_("status: {status}"), lang).format(
                status=status_word(system.status, lang)
            ),
        ),
    ]
    if notice:
        lines.append(("notice", notice))
    if zh:
        lines += [
            ("head", "填写什么"),
            ("plain", "只填黄色单元格，其余单元格已锁定（工作表保护，无密码）。"),
            (
                "plain",
                f"“{SHEET_PLANT[lang]}”表：企业编号、名称、评价期和企业条件（类型、规模等）；评价指标的适用性和基准值取决于这些条件。",
            ),
            (
                "plain",
                f"“{SHEET_INDICATORS[lang]}”表：每个指标一行。定量指标填数值，单位见“单位”列；定性指标从下拉列表选择达到的最高级别（或 是/否）。",
            ),
            (
                "plain",
                "指标不适用于本企业（无此工序）时填“不适用”；没有数据时留空（按 0 分计并提示），不要填“不适用”。",
            ),
            (
                "plain",
                "百分数填数字本身（例如 95，不要输入 95%）；单位不同的值可写上单位（例如 0.1 tce/t），将自动换算并提示。",
            ),
            ("head", "评价期"),
            (
                "plain",
                "所有数据应为同一评价期（通常为一个完整自然年）的实际值，评价期写在“企业信息”表中。",
            ),
            ("head", "数据从哪里来"),
            (
                "plain",
                "能耗、物耗、水耗：评价期的能源计量和统计报表、购销台账；产量：生产统计报表。",
            ),
            (
                "plain",
                "污染物排放：在线监测数据和有资质机构的监测报告；管理类指标：制度文件、审核报告、证书。",
            ),
            (
                "plain",
                "在“备注/数据来源”列写明每个数值的来源文件，便于核查。指标的定义、公式和各级基准值见指标名称单元格的批注。",
            ),
        ]
    else:
        lines += [
            ("head", "What to fill"),
            (
                "plain",
                "Fill only the yellow cells; all other cells are locked (sheet protection, no password).",
            ),
            (
                "plain",
                f"'{SHEET_PLANT[lang]}': plant id, name, evaluation period and the plant facts (type, capacity …); which indicators apply and their benchmarks depend on them.",
            ),
            (
                "plain",
                f"'{SHEET_INDICATORS[lang]}': one row per indicator. Quantitative: a number in the unit of the 'unit' column; qualitative: pick the best level met (or yes/no) from the drop-down.",
            ),
            (
                "plain",
                "Write n/a where the indicator does not apply to the plant (no such process); leave the cell empty when data is missing (it scores 0 and is flagged) — never n/a.",
            ),
            (
                "plain",
                "Percentages: type the number (95, not 95%). A value in another unit may carry it (0.1 tce/t); it is converted and the conversion reported.",
            ),
            ("head", "Evaluation period"),
            (
                "plain",
                "Every number is the actual value over one evaluation period (usually a calendar year), stated on the plant sheet.",
            ),
            ("head", "Where the numbers come from"),
            (
                "plain",
                "Energy, materials, water: the period's metering and statistical reports, purchase and sales ledgers; output: production statistics.",
            ),
            (
                "plain",
                "Emissions: continuous monitoring data and accredited laboratory reports; management indicators: procedures, audit reports, certificates.",
            ),
            (
                "plain",
                "Name the source document of each number in the 'note / evidence' column. Each indicator's definition, formula and benchmarks are in the comment on its name.",
            ),
        ]
    return lines


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
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    meta, facts, values, notes = meta or {}, facts or {}, values or {}, notes or {}
    zh = lang == "zh"
    wb = Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=INPUT_FILL)
    head_fill = PatternFill("solid", fgColor=HEADER_FILL)
    unlocked = Protection(locked=False)
    wrap = Alignment(wrap_text=True, vertical="top")

    def input_cell(cell: Any) -> None:
        cell.fill = fill
        cell.protection = unlocked

    def protect(ws: Any) -> None:
        ws.protection.sheet = True  # no password: guards the structure, not a secret
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

    # -- instructions ----------------------------------------------------------------------------
    ws = wb.active
    ws.title = SHEET_INSTRUCTIONS[lang]
    styles = {
        "title": Font(bold=True, size=14),
        "notice": Font(bold=True, size=12, color="C00000"),
        "head": Font(bold=True, size=11),
        "plain": Font(),
    }
    for r, (style, text) in enumerate(_instructions(system, lang), start=1):
        c = ws.cell(r, 1, text)
        c.font = styles[style]
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 110
    protect(ws)

    # -- plant -----------------------------------------------------------------------------------
    wp = wb.create_sheet(SHEET_PLANT[lang])
    wp.append(["项目", "内容", "说明"] if zh else ["key", "value", "help"])
    for key, zh_label, en_label in PLANT_KEYS:
        value = system.id if key == "system" else meta.get(key)
        wp.append([key, value, zh_label if zh else en_label])
        if key != "system":
            input_cell(wp.cell(wp.max_row, 2))
    for f in system.facts:
        value = facts.get(f.id, f.default)
        if f.type == "boolean" and isinstance(value, bool):
            value = YES_NO[0 if value else 1][lang]
        help_text = f.name.get(lang) + (f" ({f.unit})" if f.unit else "")
        if f.help:
            help_text += f" — {f.help.get(lang)}"
        wp.append([f.id, value, help_text])
        cell = wp.cell(wp.max_row, 2)
        input_cell(cell)
        dv = _fact_validation(system, f, lang, DataValidation)
        if dv is not None:
            wp.add_data_validation(dv)
            dv.add(cell.coordinate)
    for c in wp[1]:
        c.font, c.fill = bold, head_fill
    for col, width in zip("ABC", (28, 34, 70), strict=True):
        wp.column_dimensions[col].width = width
    wp.freeze_panes = "A2"
    protect(wp)

    # -- indicators ------------------------------------------------------------------------------
    wi = wb.create_sheet(SHEET_INDICATORS[lang])
    wi.append(HEADERS[lang])
    for c in wi[1]:
        c.font, c.fill = bold, head_fill
        c.alignment = Alignment(wrap_text=True, vertical="center")
    for g in system.groups:
        for ind in g.indicators:
            unit = ind.unit if ind.quantitative else "/".join(answer_choices(system, ind, lang))
            name = ind.name.get(lang) + (" *" if ind.limiting else "")
            wi.append(
                [
                    ind.id,
                    g.name.get(lang),
                    name,
                    unit,
                    values.get(ind.id),
                    notes.get(ind.id),
                    benchmark_text(system, ind, lang),
                ]
            )
            r = wi.max_row
            value_cell = wi.cell(r, VALUE_COL)
            input_cell(value_cell)
            input_cell(wi.cell(r, NOTE_COL))
            comment = Comment(indicator_comment(system, ind, lang), "cpscore")
            comment.width, comment.height = 420, 220
            wi.cell(r, 3).comment = comment
            dv = _indicator_validation(system, ind, lang, value_cell.coordinate, DataValidation)
            wi.add_data_validation(dv)
            dv.add(value_cell.coordinate)
            for col in range(1, 8):
                wi.cell(r, col).alignment = wrap
    for col, width in zip("ABCDEFG", (26, 18, 34, 14, 14, 30, 44), strict=True):
        wi.column_dimensions[col].width = width
    fit_rows(wi, 2, wi.max_row, 11)
    wi.freeze_panes = "E2"
    wi.print_title_rows = "1:1"
    protect(wi)

    # -- raw data (only when a formula reads it) -------------------------------------------------
    if system.raw_inputs:
        wr = wb.create_sheet(SHEET_RAW[lang])
        wr.append(["项目", "数值", "说明"] if zh else ["key", "value", "help"])
        for c in wr[1]:
            c.font, c.fill = bold, head_fill
        for f in system.raw_inputs:
            wr.append(
                [f.id, values.get(f.id), f.name.get(lang) + (f" ({f.unit})" if f.unit else "")]
            )
            cell = wr.cell(wr.max_row, 2)
            input_cell(cell)
            dv = _fact_validation(system, f, lang, DataValidation)
            if dv is not None:
                wr.add_data_validation(dv)
                dv.add(cell.coordinate)
        for col, width in zip("ABC", (28, 20, 60), strict=True):
            wr.column_dimensions[col].width = width
        protect(wr)

    wb.active = wb.index(wi)
    _keep_text_inert(wb)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def _list_validation(choices: list[str], DataValidation: Any, lang: str) -> Any:
    formula = '"' + ",".join(choices) + '"'
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.error = (gettext_in(N_("Choose from the list: "), lang)) + " / ".join(choices)
    dv.errorTitle = "cpscore"
    dv.showErrorMessage = True
    return dv


def _number_validation(
    plausible: tuple[float | None, float | None] | None,
    unit: str,
    lang: str,
    DataValidation: Any,
    cell: str | None = None,
) -> Any:
    """A number (within the plausible range where the system states one); on the indicator sheet
    also the not-applicable marker. Out-of-range values warn rather than block, so a person may
    still type a value with another unit (0.1 tce/t), which the reader converts."""
    lo, hi = plausible or (None, None)
    zh = lang == "zh"
    if cell is None:
        if lo is None and hi is None:
            dv = DataValidation(
                type="decimal", operator="between", formula1="-1E+300", formula2="1E+300"
            )
        else:
            lo_s, hi_s = _g(lo) or "-1E+300", _g(hi) or "1E+300"
            dv = DataValidation(type="decimal", operator="between", formula1=lo_s, formula2=hi_s)
    else:
        checks = [f"ISNUMBER({cell})"]
        if lo is not None:
            checks.append(f"{cell}>={lo:g}")
        if hi is not None:
            checks.append(f"{cell}<={hi:g}")
        formula = f'OR(AND({",".join(checks)}),{cell}="{NA["zh"]}",{cell}="{NA["en"]}")'
        dv = DataValidation(type="custom", formula1=formula)
    dv.allow_blank = True
    dv.errorStyle = "warning"
    dv.showErrorMessage = True
    dv.errorTitle = "cpscore"
    rng = f"{_g(lo)}–{_g(hi)} {unit}".strip() if (lo is not None or hi is not None) else ""
    if zh:
        dv.error = f"请填数值（单位 {unit or '见单位列'}）" + (f"，合理范围 {rng}" if rng else "")
        if cell is not None:
            dv.error += "；不适用填“不适用”"
    else:
        dv.error = f"Enter a number in {unit or 'the unit shown'}" + (
            f", plausible range {rng}" if rng else ""
        )
        if cell is not None:
            dv.error += "; n/a where it does not apply"
    return dv


def _fact_validation(system: System, f: Fact, lang: str, DataValidation: Any) -> Any | None:
    if f.type in ("enum", "boolean"):
        return _list_validation(fact_choices(system, f, lang), DataValidation, lang)
    if f.type == "number":
        return _number_validation(f.plausible, f.unit, lang, DataValidation)
    return None


def _indicator_validation(
    system: System, ind: Indicator, lang: str, cell: str, DataValidation: Any
) -> Any:
    if not ind.quantitative:
        return _list_validation(answer_choices(system, ind, lang), DataValidation, lang)
    return _number_validation(ind.plausible, ind.unit, lang, DataValidation, cell)


def _keep_text_inert(wb: Any) -> None:
    """Plant-provided text that looks like a formula stays text (quote prefix), in every sheet."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    set_cell(cell, cell.value)
