"""The Excel scorecard a plant receives: a view of the result document, never a recomputation.

Sheets: summary (plant, system, class in large type with its colour and reason, scores against
thresholds, blockers, the three most valuable improvements, attainment by group with a chart,
audit block), indicators (the trace row of every indicator), and the path to the next class
(:mod:`cpscore.engine.next_class`). Level colours come from the system (``Level.colour``) and are the
same on every sheet. A system that is not official says so in red on the summary and in every
page footer. Key cells carry workbook names (``cpscore_class``, ``cpscore_notice`` …) so that
other workbooks and tests can find them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cpscore.common.atomic import atomic_path
from cpscore.common.i18n import N_, Labels, gettext_in, status_word
from cpscore.common.words import level_label
from cpscore.common.words import number_text as _fmt
from cpscore.engine.evaluation import Evaluation
from cpscore.views.text import answer_text, improvement_text

from .mark import mark
from .sheetfit import fit_height as _fit_height
from .sheetfit import fit_rows as _fit_rows
from .sheetfit import span_width as _span_width

if TYPE_CHECKING:
    from cpscore.engine.next_class import NextClassPath

GREY = "BFBFBF"
LIGHT = "EDEDED"
HEADER_FILL = "D9E1F2"
NOTICE_RED = "C00000"
FONT = "Calibri"
HEADER_LIMIT = 250  # Excel refuses a header or footer longer than 255 characters

T = Labels(
    {
        "summary": N_("Summary"),
        "indicators": N_("Indicators"),
        "path": N_("Path to next class"),
        "title": N_("Clean-production scorecard"),
        "notice": N_("NOTICE"),
        "plant": N_("Plant"),
        "period": N_("Evaluation period"),
        "system": N_("Indicator system"),
        "issuer": N_("Issuer"),
        "effective": N_("In force from"),
        "status": N_("Status"),
        "system_id": N_("System id"),
        "class": N_("Class"),
        "reason": N_("Reason"),
        "scores": N_("Composite indices"),
        "score": N_("Index"),
        "value": N_("Score"),
        "threshold": N_("Threshold"),
        "for_class": N_("For class"),
        "met": N_("Met"),
        "yes": N_("met"),
        "no": N_("not met"),
        "blockers": N_("What blocks the next class"),
        "top": N_("Three most valuable improvements"),
        "points": N_("points"),
        "attainment": N_("Attainment by group (%)"),
        "group": N_("Group"),
        "weight": N_("Weight"),
        "audit": N_("Audit"),
        "version": N_("cpscore version"),
        "system_sha": N_("System file SHA-256"),
        "input": N_("Input file"),
        "input_sha": N_("Input file SHA-256"),
        "time": N_("Evaluated at"),
        "rule": N_("Rule fired"),
        "id": N_("id"),
        "name": N_("Indicator"),
        "limiting": N_("Limiting"),
        "unit": N_("Unit"),
        "benchmark": N_("Benchmark"),
        "level": N_("Level met"),
        "nominal": N_("Weight"),
        "effective_w": N_("Effective weight"),
        "contribution": N_("Contribution"),
        "target_level": N_("Next level"),
        "target": N_("Target"),
        "gap_abs": N_("Gap"),
        "gap_pct": N_("Gap %"),
        "source": N_("Source"),
        "missing": N_("missing"),
        "n/a": N_("n/a"),
        "none": N_("none"),
        "typed": N_("typed"),
        "converted": N_("converted from"),
        "computed": N_("computed from raw data"),
        "path_title": N_("Smallest set of improvements from {} to {}"),
        "top_class": N_("Already at the top class: no path needed."),
        "unreachable": N_("Improvements alone cannot lift the plant:"),
        "forced": N_("required (limiting)"),
        "optional": N_("chosen"),
        "now": N_("Value now"),
        "level_now": N_("Level now"),
        "change": N_("Change"),
        "cost": N_("Relative improvement"),
        "gain": N_("Points added"),
        "total": N_("Total"),
        "after": N_("after"),
        "cost_note": N_(
            "Relative improvement = |target − value| / |value| (qualitative: 1 per level step; missing data: 1). The set shown meets every limiting requirement and has the least total relative improvement (exact)."
        ),
        "reduce": N_("reduce"),
        "increase": N_("increase"),
        "provide": N_("supply data that meets"),
        "page": N_("page &P of &N"),
        "basis": N_("(benchmarks for {basis})"),
        "cap": N_("Index cap"),
        "limiting_mark": N_("yes"),
    }
)
_OPS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">"}


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def benchmark_text(b: dict[str, Any] | None) -> str:
    if not b:
        return ""
    if "range" in b:
        lo, hi = b["range"]
        return f"{_fmt(lo)}–{_fmt(hi)}"
    if "text" in b:
        return b["text"] or ""
    if "op" in b:
        return f"{_OPS.get(b['op'], b['op'])}{_fmt(b['value'])}"
    return _fmt(b.get("value"))


def target_text(target: dict[str, Any] | None, t: dict[str, str]) -> str:
    if not target:
        return ""
    if target.get("missing"):
        return t["missing"]
    if "requirement" in target:
        return target.get("requirement") or ""
    if target.get("value") is None:
        return ""
    return f"{_OPS.get(target.get('op', ''), '')}{_fmt(target['value'])}"


class _Styles:
    def __init__(self, doc: dict[str, Any], system: Any):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.Font = lambda **kw: Font(**{"name": FONT, **kw})
        self.PatternFill, self.Alignment = PatternFill, Alignment
        self.bold = self.Font(bold=True)
        self.small = self.Font(size=9)
        self.head_fill = PatternFill("solid", fgColor=HEADER_FILL)
        thin = Side(style="thin", color="A6A6A6")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.level_colour = {lv.id: _hex(lv.colour) for lv in system.classes}
        self.below = _hex(system.below.colour)  # no level met

    def fill(self, colour: str) -> Any:
        return self.PatternFill("solid", fgColor=colour)

    def level_cell(self, cell: Any, level: str | None, status: str = "ok") -> None:
        """The one colour code of every sheet: the level's colour, white bold text."""
        if status != "ok":
            cell.fill = self.fill(GREY if status == "missing" else LIGHT)
            return
        colour = self.level_colour.get(level or "", self.below)
        cell.fill = self.fill(colour)
        cell.font = self.Font(bold=True, color="FFFFFF", size=cell.font.size)

    def header(self, ws: Any, row: int, labels: list[str], col: int = 1, size: int = 11) -> None:
        for k, label in enumerate(labels):
            c = ws.cell(row, col + k, label)
            c.font = self.Font(bold=True, size=size)
            c.fill, c.alignment, c.border = self.head_fill, self.centre, self.border


def write_scorecard(
    ev: Evaluation,
    i: int,
    path: str | Path,
    lang: str = "zh",
    evaluated_at: dt.datetime | None = None,
) -> Path:
    """Write plant i's scorecard workbook (atomically)."""
    from openpyxl import Workbook

    lang = gettext_in(N_("en"), lang)
    doc = ev.document(i, lang)
    nxt = ev.next_class_path(i, lang)
    when = (evaluated_at or dt.datetime.now(dt.UTC).astimezone()).isoformat(timespec="seconds")
    st = _Styles(doc, ev.system)
    wb = Workbook()
    summary = wb.active
    summary.title = T[lang]["summary"]
    names: dict[str, str] = {}
    _summary(summary, ev, doc, lang, st, when, names)
    indicators = wb.create_sheet(T[lang]["indicators"])
    _indicators(indicators, ev, doc, lang, st)
    path_ws = wb.create_sheet(T[lang]["path"])
    _path(path_ws, ev, doc, nxt, lang, st)
    for ws in wb.worksheets:
        _print_setup(ws, doc, lang, when)
    # The indicator detail runs over two pages across at a readable size, split after the
    # benchmarks, with the id, group and name columns repeated (never shrunk to one A4 width).
    from openpyxl.worksheet.pagebreak import Break

    indicators.page_setup.fitToWidth = 2
    indicators.print_title_cols = "A:D"
    bench_cols = len(ev.system.levels) if ev.system.method == "graded" else 1
    indicators.col_breaks.append(Break(id=7 + bench_cols))
    _define_names(wb, summary.title, names)
    mark(wb, "scorecard")
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def _define_names(wb: Any, sheet: str, names: dict[str, str]) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    for name, ref in names.items():
        col = "".join(ch for ch in ref if ch.isalpha())
        row = ref[len(col) :]
        wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!${col}${row}")


def _kv(ws: Any, row: int, label: str, value: Any, st: _Styles, span: int = 8) -> int:
    c = ws.cell(row, 1, label)
    c.font, c.alignment = st.bold, st.wrap
    c = ws.cell(row, 2, value)
    c.alignment = st.wrap
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=span)
    _fit_height(ws, row, str(value or ""), _span_width(ws, 2, span), 11)
    return row + 1


def _summary(
    ws: Any,
    ev: Evaluation,
    doc: dict[str, Any],
    lang: str,
    st: _Styles,
    when: str,
    names: dict[str, str],
) -> None:
    t = T[lang]
    sysb, plant, klass = doc["system"], doc["plant"], doc["class"]
    widths = (22, 16, 14, 14, 14, 14, 14, 30)
    for k, w in enumerate(widths):
        ws.column_dimensions[chr(65 + k)].width = w
    ws.cell(1, 1, t["title"]).font = st.Font(bold=True, size=16)
    ws.merge_cells("A1:H1")
    row = 2
    if doc.get("notice"):
        c = ws.cell(row, 1, f"{t['notice']}: {doc['notice']}")
        c.font = st.Font(bold=True, size=14, color=NOTICE_RED)
        c.alignment = st.wrap
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
        _fit_height(ws, row, c.value, _span_width(ws, 1, 8), 14)
        names["cpscore_notice"] = f"A{row}"
        row += 1
    row += 1
    plant_name = plant.get("name") or ""
    pid = plant.get("id") or ""
    names["cpscore_plant"] = f"B{row}"
    row = _kv(ws, row, t["plant"], f"{plant_name} ({pid})" if plant_name else pid, st)
    row = _kv(ws, row, t["period"], plant.get("period") or "", st)
    row = _kv(ws, row, t["system"], sysb["title"], st)
    row = _kv(ws, row, t["issuer"], sysb["issuer"], st)
    row = _kv(ws, row, t["effective"], sysb["effective"] or "—", st)
    status_row = row
    row = _kv(ws, row, t["status"], status_word(sysb["status"], lang), st)
    if not sysb["official"]:
        ws.cell(status_row, 2).font = st.Font(bold=True, color=NOTICE_RED)
    row = _kv(ws, row, t["system_id"], sysb["id"], st)
    row += 1

    # The class in large type with its colour, and the reason in one sentence.
    c = ws.cell(row, 1, t["class"])
    c.font, c.alignment = st.Font(bold=True, size=14), st.Alignment(vertical="center")
    c = ws.cell(row, 2, klass["label"])
    c.font = st.Font(bold=True, size=26, color="FFFFFF")
    c.fill = st.fill(_hex(klass["colour"]))
    c.alignment = st.Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=8)
    for col in range(3, 9):
        ws.cell(row, col).fill = st.fill(_hex(klass["colour"]))
    ws.row_dimensions[row].height = 44
    names["cpscore_class"] = f"B{row}"
    row += 1
    names["cpscore_reason"] = f"B{row}"
    row = _kv(ws, row, t["reason"], klass["reason"], st)
    for note in doc.get("unreachable", []):  # an index capped by indicators without benchmarks
        row = _kv(ws, row, t["cap"], note, st)
        ws.cell(row - 1, 2).font = st.Font(bold=True, color=NOTICE_RED)
    row += 1

    # Scores against their thresholds.
    ws.cell(row, 1, t["scores"]).font = st.Font(bold=True, size=12)
    row += 1
    st.header(ws, row, [t["score"], t["value"], t["threshold"], t["for_class"], t["met"]])
    row += 1
    for s in doc["scores"]:
        pairs = list(s["thresholds"].items()) or [(None, None)]
        for klass_id, threshold in pairs:
            ws.cell(row, 1, s["name"])
            v = ws.cell(row, 2, s["value"])
            v.number_format = "0.00"
            if s["name"] not in {k.removeprefix("cpscore_score_") for k in names}:
                names[f"cpscore_score_{s['name']}"] = f"B{row}"
            if threshold is not None:
                ws.cell(row, 3, threshold).number_format = "0.00"
                lab = ws.cell(row, 4, level_label(klass_id, lang))
                st.level_cell(lab, klass_id)
                met = s["value"] is not None and s["value"] >= threshold
                ws.cell(row, 5, t["yes"] if met else t["no"]).font = st.Font(
                    bold=True, color="1A7F37" if met else NOTICE_RED
                )
            for col in range(1, 6):
                ws.cell(row, col).border = st.border
            row += 1
    row += 1

    # What blocks the next class.
    if doc["blockers"]:
        ws.cell(row, 1, t["blockers"]).font = st.Font(bold=True, size=12)
        row += 1
        for b in doc["blockers"]:
            c = ws.cell(row, 1, f"• {b['text']}")
            c.alignment = st.wrap
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
            _fit_height(ws, row, c.value, _span_width(ws, 1, 8), 11)
            row += 1
        row += 1

    # The three most valuable improvements (the document's ranking: limiting first, by points).
    if doc["gaps"]:
        ws.cell(row, 1, t["top"]).font = st.Font(bold=True, size=12)
        row += 1
        st.header(ws, row, [t["name"], t["limiting"], t["target_level"], t["target"], t["points"]])
        ws.merge_cells(start_row=row, start_column=5, end_row=row, end_column=5)
        row += 1
        for g in doc["gaps"][:3]:
            ws.cell(row, 1, g["name"]).alignment = st.wrap
            ws.cell(row, 2, t["limiting_mark"] if g["limiting"] else "")
            lab = ws.cell(row, 3, level_label(g["level"], lang))
            st.level_cell(lab, g["level"])
            # The current value, the target and the unit together (现值 88 kWh/t → Ⅰ级 ≤85 kWh/t).
            text = improvement_text(g, lang, points=False)
            c = ws.cell(row, 4, text)
            c.alignment = st.wrap
            ws.cell(row, 5, g["points"]).number_format = "0.00"
            for col in range(1, 6):
                ws.cell(row, col).border = st.border
                ws.cell(row, col).alignment = st.wrap
            row += 1
        _fit_rows(ws, row - len(doc["gaps"][:3]), row - 1, 11)
        row += 1

    from openpyxl.worksheet.pagebreak import Break

    ws.row_breaks.append(Break(id=row - 1))  # the group table and its chart start a new page
    row = _attainment(ws, ev, doc, lang, st, row)
    row += 1

    # Audit block.
    ws.cell(row, 1, t["audit"]).font = st.Font(bold=True, size=12)
    row += 1
    names["cpscore_audit"] = f"B{row}"
    rule = doc["class"]["rule"]
    for label, value in (
        (t["version"], doc["cpscore_version"]),
        (t["system_id"], sysb["id"]),
        (t["system_sha"], sysb["sha256"]),
        (t["input"], plant.get("file") or "—"),
        (t["input_sha"], plant.get("sha256") or "—"),
        (t["time"], when),
        (t["rule"], f"#{rule}" if rule is not None else "—"),
    ):
        row = _kv(ws, row, label, value, st)
        ws.cell(row - 1, 2).font = st.Font(name="Consolas", size=9)
    ws.freeze_panes = None


def _attainment(
    ws: Any, ev: Evaluation, doc: dict[str, Any], lang: str, st: _Styles, row: int
) -> int:
    """Share of each group's weight earned at each level (from the document's contributions)."""
    from openpyxl.chart import BarChart, Reference

    t = T[lang]
    sys = ev.system
    series = [s["name"] for s in doc["scores"]] if sys.method == "graded" else ["P1", "P2"]
    labels = (
        [level_label(n.removeprefix("Y_"), lang) for n in series]
        if sys.method == "graded"
        else series
    )
    ws.cell(row, 1, t["attainment"]).font = st.Font(bold=True, size=12)
    row += 1
    head = row
    st.header(ws, row, [t["group"], t["weight"], *labels])
    row += 1
    first = row
    for g in sys.groups:
        rows = [r for r in doc["indicators"] if r["group"] == g.id]
        weight = sum((r["weight"]["effective"] or 0.0) for r in rows)
        ws.cell(row, 1, g.name.get(lang)).alignment = st.wrap
        ws.cell(row, 2, g.weight).number_format = "0.00"
        for k, name in enumerate(series):
            got = sum((r["contributions"].get(name) or 0.0) for r in rows)
            share = got / weight if sys.method == "composite" else got / (weight * 100.0)
            c = ws.cell(row, 3 + k, round(share * 100.0, 2) if weight > 0 else None)
            c.number_format = "0.0"
        for col in range(1, 3 + len(series)):
            ws.cell(row, col).border = st.border
        row += 1
    last = row - 1
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = t["attainment"]
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.majorGridlines = None
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    data = Reference(ws, min_col=3, max_col=2 + len(series), min_row=head, max_row=last)
    cats = Reference(ws, min_col=1, min_row=first, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    colours = [_hex(lv.colour) for lv in sys.levels]
    for k, s in enumerate(chart.series):
        colour = colours[k % len(colours)]
        s.graphicalProperties.solidFill = colour
        s.graphicalProperties.line.solidFill = colour
    chart.height, chart.width = 8.5, 24
    chart.legend.position = "b"
    ws.add_chart(chart, f"A{row + 1}")
    return row + 19  # the chart's height in rows


def _value_text(row: dict[str, Any], lang: str) -> Any:
    t = T[lang]
    v = row["value"]
    if row["kind"] == "qualitative" and v is not None:
        return answer_text(v, lang)  # 是/否, Ⅱ级, 未达到: never "yes级"
    if row["status"] == "n/a":
        return t["n/a"]
    return v


def _source_text(row: dict[str, Any], lang: str) -> str:
    t = T[lang]
    p = row.get("provenance") or {}
    parts = []
    how = p.get("how")
    if how == "converted":
        parts.append(f"{t['converted']} {p.get('from', '')}")
    elif how in ("typed", "computed"):
        parts.append(t[how])
    if p.get("cell"):
        parts.append(p["cell"])
    if p.get("evidence"):
        parts.append(f"({p['evidence']})")
    return " ".join(parts)


def _indicators(ws: Any, ev: Evaluation, doc: dict[str, Any], lang: str, st: _Styles) -> None:
    t = T[lang]
    sys = ev.system
    graded = sys.method == "graded"
    scores = [s["name"] for s in doc["scores"]] if graded else ["P1", "P2"]
    level_cols = (
        [f"{t['benchmark']} {level_label(lv.id, lang)}" for lv in sys.levels]
        if graded
        else [t["benchmark"]]
    )
    headers = [
        t["id"],
        t["group"],
        t["name"],
        t["limiting"],
        t["level"],
        t["now"],
        t["unit"],
        *level_cols,
        t["nominal"],
        t["effective_w"],
        *(f"{t['contribution']} {s}" for s in scores),
        t["target_level"],
        t["target"],
        t["gap_abs"],
        t["gap_pct"],
        t["source"],
    ]
    st.header(ws, 1, headers, size=9)
    ws.row_dimensions[1].height = 32
    group_names = {g.id: g.name.get(lang) for g in sys.groups}
    for r, row in enumerate(doc["indicators"], start=2):
        values: list[Any] = [
            row["id"],
            group_names.get(row["group"], row["group"]),
            row["name"],
            "*" if row["limiting"] else "",
        ]
        status = row["status"]
        level = row["level"]
        level_text = (
            level_label(level, lang) if level else (t[status] if status != "ok" else t["none"])
        )
        values += [level_text, _value_text(row, lang), row["unit"]]
        if graded:
            values += [benchmark_text(row["benchmarks"].get(lv.id)) for lv in sys.levels]
        else:
            values.append(benchmark_text(row["benchmarks"].get("S_o")))
        if row.get("benchmark_basis"):  # a variant applied: say whose benchmarks these are
            values[2] += "\n" + t["basis"].format(basis=row["benchmark_basis"])
        values += [row["weight"]["nominal"], row["weight"]["effective"]]
        values += [row["contributions"].get(s) for s in scores]
        gap = row.get("gap") or {}
        target_level = level_label(gap["level"], lang) if gap.get("level") else ""
        values += [
            target_level,
            target_text(gap, t),
            gap.get("absolute"),
            gap.get("percent"),
            _source_text(row, lang),
        ]
        for c, v in enumerate(values, start=1):
            cell = ws.cell(r, c, v)
            cell.border = st.border
            cell.alignment = st.wrap
            cell.font = st.small
        st.level_cell(ws.cell(r, 5), level, status)
        if gap.get("level"):
            st.level_cell(ws.cell(r, len(headers) - 4), gap["level"])
        base = 8 + len(level_cols)
        ws.cell(r, base).number_format = "0.000"
        ws.cell(r, base + 1).number_format = "0.0000"
        for k in range(len(scores)):
            ws.cell(r, base + 2 + k).number_format = "0.00"
        ws.cell(r, len(headers) - 2).number_format = "General"
        ws.cell(r, len(headers) - 1).number_format = '0.0"%"'
        if row["limiting"]:
            ws.cell(r, 4).font = st.Font(bold=True, color=NOTICE_RED, size=9)
    widths = [15, 12, 18, 5, 8, 9, 8, *([13] * len(level_cols)), 6, 7]
    widths += [7] * len(scores) + [7, 10, 7, 7, 22]
    from openpyxl.utils import get_column_letter

    for k, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(k)].width = w
    _fit_rows(ws, 2, len(doc["indicators"]) + 1, 9)
    ws.freeze_panes = "D2"
    ws.print_title_rows = "1:1"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(doc['indicators']) + 1}"


def _path(
    ws: Any, ev: Evaluation, doc: dict[str, Any], nxt: NextClassPath, lang: str, st: _Styles
) -> None:
    t = T[lang]
    sys = ev.system
    for k, w in enumerate((18, 26, 16, 12, 10, 12, 12, 16, 22, 14, 14), start=1):
        ws.column_dimensions[chr(64 + k)].width = w
    current = sys.class_by_id(nxt.current).name.get(lang)
    title = t["top_class"]
    if nxt.target_class:
        title = t["path_title"].format(current, sys.class_by_id(nxt.target_class).name.get(lang))
    c = ws.cell(1, 1, title)
    c.font = st.Font(bold=True, size=14)
    ws.merge_cells("A1:K1")
    row = 3
    if nxt.status != "path":
        if nxt.status != "top":
            ws.cell(row, 1, t["unreachable"]).font = st.Font(bold=True, color=NOTICE_RED)
            row += 1
        for reason in nxt.reasons:
            c = ws.cell(row, 1, f"• {reason}")
            c.alignment = st.wrap
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=11)
            _fit_height(ws, row, c.value, _span_width(ws, 1, 11), 11)
            row += 1
        return
    # Scores now and after, against the next class's thresholds.
    st.header(ws, row, [t["score"], t["value"], t["after"], t["threshold"]])
    row += 1
    for name, s in nxt.scores.items():
        ws.cell(row, 1, name)
        ws.cell(row, 2, s["now"]).number_format = "0.00"
        ws.cell(row, 3, s["after"]).number_format = "0.00"
        op = ">" if s["op"] == "$gt" else "≥"
        ws.cell(row, 4, f"{op}{_fmt(s['threshold'])}")
        for col in range(1, 5):
            ws.cell(row, col).border = st.border
        row += 1
    row += 1
    header_row = row
    st.header(
        ws,
        row,
        [
            t["id"],
            t["name"],
            t["limiting"],
            t["now"],
            t["unit"],
            t["level_now"],
            t["target_level"],
            t["target"],
            t["change"],
            t["cost"],
            t["gain"],
        ],
    )
    ws.row_dimensions[row].height = 30
    row += 1
    for x in nxt.improvements:
        value = x.value
        if x.kind == "qualitative" and value is not None:
            value = answer_text(value, lang)
        change = ""
        if x.missing:
            change = t["provide"]
        elif x.target.get("absolute") is not None:
            change = f"{t[x.target['change']]} {_fmt(x.target['absolute'])} {x.unit}".strip()
        cells = [
            x.id,
            x.name,
            t["forced"] if x.forced else t["optional"],
            value if not x.missing else t["missing"],
            x.unit,
            level_label(x.level, lang) if x.level else (t["missing"] if x.missing else t["none"]),
            level_label(x.target_level, lang),
            target_text(x.target, t),
            change,
            x.cost,
            sum(x.points.values())
            if len(x.points) == 1
            else ", ".join(f"{k} +{_fmt(v)}" for k, v in x.points.items()),
        ]
        for col, v in enumerate(cells, start=1):
            cell = ws.cell(row, col, v)
            cell.border = st.border
            cell.alignment = st.wrap
        st.level_cell(ws.cell(row, 6), x.level, "ok" if x.level or not x.missing else "missing")
        st.level_cell(ws.cell(row, 7), x.target_level)
        if x.forced:
            ws.cell(row, 3).font = st.Font(bold=True, color=NOTICE_RED)
        ws.cell(row, 10).number_format = "0.0%"
        ws.cell(row, 11).number_format = "0.00"
        row += 1
    _fit_rows(ws, header_row + 1, row - 1, 11)
    ws.cell(row, 9, t["total"]).font = st.bold
    total = ws.cell(row, 10, nxt.cost)
    total.number_format = "0.0%"
    total.font = st.bold
    row += 2
    c = ws.cell(row, 1, t["cost_note"])
    c.alignment = st.wrap
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=11)
    _fit_height(ws, row, t["cost_note"], _span_width(ws, 1, 11), 11)
    ws.print_title_rows = f"{header_row}:{header_row}"


def _print_setup(ws: Any, doc: dict[str, Any], lang: str, when: str) -> None:
    """A4 landscape, fit to width; header: plant and date; footer: the notice (red) and page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    plant = doc["plant"]
    who = plant.get("name") or plant.get("id") or ""
    ws.oddHeader.left.text = _clip(f"{who} · {doc['system']['id']}", 90)
    ws.oddHeader.right.text = when[:10]
    ws.oddFooter.right.text = T[lang]["page"]
    if doc.get("notice"):
        ws.oddFooter.left.text = _clip(doc["notice"], HEADER_LIMIT - 60)
        ws.oddFooter.left.color = NOTICE_RED
        ws.oddFooter.left.size = 8
    ws.oddHeader.left.size = 9
    ws.oddHeader.right.size = 9


def _clip(text: str, n: int) -> str:
    text = text if len(text) <= n else text[: n - 1] + "…"
    return text.replace("&", "&&")  # & starts a header code
