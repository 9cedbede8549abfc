"""The association's list workbook: List, Statistics (with charts), Reduction potential, Rejected.

A view of :class:`cpscore.engine.sector_list.SectorList`. Every sheet opens with the system, the date
and, when the system is not official, its notice. Text a plant typed goes through
:func:`cpscore.views.neutralise.cell_value`, so it can never become a formula.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from cpscore.common.atomic import atomic_path
from cpscore.engine.sector_list import SectorList
from cpscore.system.plan import ADVANCED_SHARE_QUOTE, PLAN_TARGETS, PLAN_TITLE
from cpscore.views.mark import mark

from .neutralise import cell_value

SHEETS = {
    "list": ("名单", "List"),
    "stats": ("统计", "Statistics"),
    "reduction": ("减排潜力", "Reduction potential"),
    "rejected": ("未能评价的输入", "Rejected inputs"),
}
HEADER_ROW = 4  # rows 1-3: title, notice, blank


def sheet_name(key: str, lang: str) -> str:
    zh, en = SHEETS[key]
    return zh if lang == "zh" else en


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def write_list_workbook(sl: SectorList, path: str | Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    lang = sl.lang
    ws = wb.active
    ws.title = sheet_name("list", lang)
    streamed = sl.n >= STREAM_FROM
    _list_sheet(ws, sl, streamed)
    _stats_sheet(wb.create_sheet(sheet_name("stats", lang)), sl)
    _reduction_sheet(wb.create_sheet(sheet_name("reduction", lang)), sl)
    _rejected_sheet(wb.create_sheet(sheet_name("rejected", lang)), sl)
    mark(wb, "list")
    with atomic_path(path) as tmp:
        wb.save(tmp)
        if streamed:
            _stream_rows(tmp, "xl/worksheets/sheet1.xml", sl.table, HEADER_ROW + 1)
    return Path(path)


# -- helpers ---------------------------------------------------------------------------------


def _head(ws: Any, sl: SectorList, what: str) -> None:
    from openpyxl.styles import Font

    s = sl.system
    title = f"{what} · {s.title.get(sl.lang)} · {s.id} · {sl.date}"
    ws.cell(1, 1, cell_value(title)).font = Font(bold=True, size=13)
    notice = sl.notice()
    if notice:
        c = ws.cell(2, 1, cell_value(f"⚠ {s.status}: {notice}"))
        c.font = Font(bold=True, color="C00000")


def _table(
    ws: Any, row: int, headers: list[str], rows: list[list[Any]], formats: dict[int, str] | None
) -> int:
    """Write a header and rows from ``row``; returns the row after the table."""
    from openpyxl.styles import Font, PatternFill

    fill = PatternFill("solid", fgColor="DDEBF7")
    for c, h in enumerate(headers, start=1):
        cell = ws.cell(row, c, cell_value(h))
        cell.font = Font(bold=True)
        cell.fill = fill
    for r, values in enumerate(rows, start=row + 1):
        for c, v in enumerate(values, start=1):
            cell = ws.cell(r, c, cell_value(v))
            if formats and c in formats:
                cell.number_format = formats[c]
    return row + len(rows) + 1


def _widths(ws: Any, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w


# -- sheets ----------------------------------------------------------------------------------


def _list_sheet(ws: Any, sl: SectorList, streamed: bool) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    lang = sl.lang
    _head(ws, sl, _t(lang, "清洁生产水平评价名单", "Clean-production evaluation list"))
    _table(ws, HEADER_ROW, sl.columns, [] if streamed else sl.rows, None)
    end = HEADER_ROW + sl.n + 1
    ncol = len(sl.columns)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(ncol)}{max(end - 1, HEADER_ROW)}"
    if sl.n:
        # The class column takes its class's colour through conditional formatting (one rule per
        # class, not one style per cell), so a long list can be streamed (_stream_rows).
        first, last = HEADER_ROW + 1, end - 1
        for c in sl.system.classes:
            colour = c.colour.lstrip("#")
            fill = PatternFill("solid", fgColor=colour, bgColor=colour)
            rule = FormulaRule(formula=[f'$F{first}="{c.id}"'], fill=fill, stopIfTrue=True)
            ws.conditional_formatting.add(f"E{first}:E{last}", rule)
    _widths(ws, [6, 14, 30, 10, 26, 9, *([9] * len(sl.system.score_names)), 40])


STREAM_FROM = 1  # rows from which the List sheet rows are written as XML (openpyxl: ~200 µs a row)


def _cell_body(v: Any) -> str:
    """A cell's XML after its ``<c r="A1"`` opening: the type and the value."""
    if isinstance(v, bool):
        return f' t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int | float):
        return f"><v>{v!r}</v></c>"
    return f' t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}</t></is></c>'


def _column_cells(letter: str, rows: list[str], values: list[Any]) -> list[str]:
    """Each value's cell XML in one column ('' for an empty cell, as openpyxl writes none).

    Finite numbers are written as they are; text is neutralised (:func:`cell_value`) and
    escaped once per distinct value: a list repeats its class names.
    """
    opening = f'<c r="{letter}'
    bodies: dict[str, str] = {}
    out = []
    for r, v in zip(rows, values, strict=True):
        t = type(v)
        if t is int or (t is float and math.isfinite(v)):
            out.append(f'{opening}{r}"><v>{v!r}</v></c>')
            continue
        if v is None:
            out.append("")
            continue
        body = bodies.get(v) if t is str else None
        if body is None:
            c = cell_value(v)
            body = "" if c is None or c == "" else _cell_body(c)
            if t is str:
                bodies[v] = body
        out.append(f'{opening}{r}"{body}' if body else "")
    return out


def _stream_rows(path: Path, part: str, table: list[list[Any]], first_row: int) -> None:
    """Write the List sheet's data rows straight into its XML part: openpyxl spends ~200 µs a
    row, this ~10 µs. The rows are made a column at a time (:func:`_column_cells`) and written
    as a stream, _CHUNK rows at a time, so memory stays flat."""
    import zipfile

    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, len(table) + 1)]
    n = len(table[0]) if table else 0
    last = first_row + n - 1
    tmp = path.with_name(path.name + ".rows")
    with (
        zipfile.ZipFile(path) as src,
        zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != part:
                dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
                continue
            head, _, tail = data.decode("utf-8").partition("</sheetData>")
            head = re.sub(
                r'<dimension ref="([A-Z]+\d+):([A-Z]+)\d+"',
                rf'<dimension ref="\1:\g<2>{last}"',
                head,
                count=1,
            )
            streamed = zipfile.ZipInfo(info.filename, info.date_time)
            streamed.compress_type = zipfile.ZIP_DEFLATED  # a new ZipInfo would be stored raw
            streamed._compresslevel = 1  # type: ignore[attr-defined]  # fast, as for the others
            with (
                dst.open(streamed, "w", force_zip64=True) as part_out,
                _Behind(part_out) as out,
            ):
                out.write(head.encode("utf-8"))
                for a in range(0, n, _CHUNK):
                    rows = [str(r) for r in range(first_row + a, first_row + min(a + _CHUNK, n))]
                    cells = [
                        _column_cells(letter, rows, column[a : a + _CHUNK])
                        for letter, column in zip(letters, table, strict=True)
                    ]
                    out.write(
                        "".join(
                            f'<row r="{r}">{"".join(row)}</row>'
                            for r, row in zip(rows, zip(*cells, strict=True), strict=True)
                        ).encode("utf-8")
                    )
                out.write(("</sheetData>" + tail).encode("utf-8"))
    tmp.replace(path)


_CHUNK = 4096  # rows per piece of the streamed List sheet


class _Behind:
    """Writes a stream in a thread, one piece behind: deflating a piece (zlib releases the GIL)
    overlaps making the next one. At most two pieces wait; the first error is raised."""

    def __init__(self, out: Any):
        from concurrent.futures import ThreadPoolExecutor

        self.out = out
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="cpscore-deflate")
        self.pending: list[Any] = []

    def write(self, data: bytes) -> None:
        self.pending.append(self.pool.submit(self.out.write, data))
        while len(self.pending) > 2:
            self.pending.pop(0).result()

    def __enter__(self) -> _Behind:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            for f in self.pending:
                f.result()
        finally:
            self.pool.shutdown()


def _stats_sheet(ws: Any, sl: SectorList) -> None:
    from openpyxl.chart import BarChart, Reference

    lang, s = sl.lang, sl.system
    _head(ws, sl, _t(lang, "统计", "Statistics"))
    rows = [[c.label, c.id, c.count, c.share] for c in sl.classes]
    rows.append([_t(lang, "合计", "total"), "", sl.n, 1.0 if sl.n else None])
    r0 = HEADER_ROW
    end = _table(
        ws,
        r0,
        [_t(lang, "等级", "class"), _t(lang, "代码", "id"), _t(lang, "企业数", "plants"), "%"],
        rows,
        {4: "0.0%"},
    )
    adv = s.class_by_id(sl.advanced_level).name.get(lang)
    end = _table(
        ws,
        end + 1,
        [
            _t(lang, "达到先进及以上", "advanced or better"),
            _t(lang, "企业数", "plants"),
            "%",
            _t(lang, "规划目标", "plan target"),
            _t(lang, "是否达到", "met"),
        ],
        [
            [
                f"{adv} {_t(lang, '及以上', 'or better')}",
                sl.advanced,
                sl.advanced_share,
                sl.target,
                None
                if sl.advanced_share is None
                else _t(lang, "是", "yes")
                if sl.advanced_share >= sl.target  # 70%以上: "以上" includes 70%
                else _t(lang, "否", "no"),
            ]
        ],
        {3: "0.0%", 4: "0.0%"},
    )
    ws.cell(end, 1, f"{PLAN_TITLE}: {ADVANCED_SHARE_QUOTE}")
    ind_row = end + 2
    levels = list(sl.indicators[0].shares) if sl.indicators else []
    headers = [
        _t(lang, "指标编号", "id"),
        _t(lang, "指标", "indicator"),
        _t(lang, "限定性", "limiting"),
        _t(lang, "适用企业数", "applicable"),
        _t(lang, "缺数", "missing"),
        *(f"{_t(lang, '达到', 'meets')} {lv}" for lv in levels),
    ]
    ind_rows = [
        [
            x.id,
            x.name,
            "*" if x.limiting else "",
            x.applicable,
            x.missing,
            *(x.shares[lv] for lv in levels),
        ]
        for x in sl.indicators
    ]
    ind_end = _table(ws, ind_row, headers, ind_rows, {6 + k: "0.0%" for k in range(len(levels))})
    _widths(ws, [30, 34, 10, 12, 10, 12, 12, 12])

    chart = BarChart()
    chart.title = _t(lang, "各等级企业数", "Plants per class")
    chart.add_data(Reference(ws, min_col=3, min_row=r0, max_row=r0 + len(sl.classes)), True)
    chart.set_categories(Reference(ws, min_col=2, min_row=r0 + 1, max_row=r0 + len(sl.classes)))
    chart.legend = None
    chart.height, chart.width = 7, 12
    ws.add_chart(chart, "J4")
    if ind_rows:
        bars = BarChart()
        bars.type = "bar"
        bars.title = _t(lang, "各指标达到各级的企业比例", "Share of plants meeting each level")
        bars.add_data(
            Reference(ws, min_col=6, max_col=5 + len(levels), min_row=ind_row, max_row=ind_end - 1),
            titles_from_data=True,
        )
        bars.set_categories(Reference(ws, min_col=1, min_row=ind_row + 1, max_row=ind_end - 1))
        bars.y_axis.number_format = "0%"
        bars.y_axis.scaling.min, bars.y_axis.scaling.max = 0, 1
        bars.height, bars.width = max(8, 0.6 * len(ind_rows)), 16
        ws.add_chart(bars, "J20")


def _reduction_sheet(ws: Any, sl: SectorList) -> None:
    lang = sl.lang
    _head(
        ws,
        sl,
        _t(
            lang,
            "减排潜力（全部企业达到先进水平）",
            "Reduction potential (every plant at the advanced level)",
        ),
    )
    ws.cell(
        3,
        1,
        _t(
            lang,
            f"每家企业：max(0, 指标值 − {sl.advanced_level}级基准值) × 企业填报的年产量；按物质汇总。规划目标为全国工业总量目标，仅作对照。",
            f"Per plant: max(0, value − level {sl.advanced_level} benchmark) × the annual output the workbook gives; summed by substance. Plan targets are national totals for all industry, shown for scale.",
        ),
    )
    headers = [
        _t(lang, "物质/资源", "substance"),
        _t(lang, "年削减潜力", "potential per year"),
        _t(lang, "单位", "unit"),
        _t(lang, "折合吨", "in t"),
        _t(lang, "计入企业数", "plants counted"),
        _t(lang, "超基准但缺产量的企业", "above benchmark, no output given"),
        _t(lang, "指标", "indicators"),
        _t(lang, "规划2015年目标", "plan 2015 target"),
        _t(lang, "目标（吨）", "target (t)"),
        _t(lang, "规划出处", "where in the plan"),
        _t(lang, "说明", "note"),
    ]
    rows = [
        [
            x.total.substance,
            x.total.quantity,
            x.total.unit,
            x.tonnes,
            x.total.plants,
            x.total.without_output,
            ", ".join(x.total.indicators),
            f"{x.target.name} {x.target.printed}" if x.target else None,
            x.target.tonnes if x.target else None,
            x.target.section if x.target else None,
            x.target.note if x.target else None,
        ]
        for x in sl.reductions
    ]
    end = _table(ws, HEADER_ROW, headers, rows, {2: "#,##0.0", 4: "#,##0.000", 9: "#,##0"})
    named = {x.target.key for x in sl.reductions if x.target}
    others = [t for t in PLAN_TARGETS if t.key not in named]
    if others:
        ws.cell(
            end + 1,
            1,
            _t(lang, "本指标体系未涉及的规划目标", "Plan targets this system does not measure"),
        )
        end = _table(
            ws,
            end + 2,
            [
                _t(lang, "规划目标", "plan target"),
                _t(lang, "目标（吨）", "target (t)"),
                _t(lang, "规划出处", "where in the plan"),
            ],
            [[f"{t.name} {t.printed}", t.tonnes, t.section] for t in others],
            {2: "#,##0"},
        )
    ev = sl.evaluation
    if ev is None:
        return
    ws.cell(end + 1, 1, _t(lang, "各企业明细", "Per plant"))
    detail = []
    for i in sl.order:
        for p in sl.per_plant_reduction.get(i, []):
            detail.append(
                [
                    sl.rank_of[i],
                    ev.meta[i].get("id"),
                    p.indicator,
                    p.substance,
                    p.value,
                    p.benchmark,
                    p.excess,
                    p.indicator_unit,
                    p.output,
                    p.quantity,
                    p.unit,
                ]
            )
    _table(
        ws,
        end + 2,
        [
            _t(lang, "名次", "rank"),
            _t(lang, "企业编号", "plant id"),
            _t(lang, "指标", "indicator"),
            _t(lang, "物质/资源", "substance"),
            _t(lang, "指标值", "value"),
            _t(lang, "先进基准", "advanced benchmark"),
            _t(lang, "超出", "excess"),
            _t(lang, "指标单位", "unit"),
            _t(lang, "年产量", "annual output"),
            _t(lang, "年削减潜力", "potential per year"),
            _t(lang, "单位", "unit"),
        ],
        detail,
        {10: "#,##0.0"},
    )
    _widths(ws, [22, 18, 10, 12, 12, 14, 34, 22, 14, 50, 40])


def _rejected_sheet(ws: Any, sl: SectorList) -> None:
    lang = sl.lang
    _head(ws, sl, _t(lang, "未能评价的输入", "Rejected inputs"))
    rows = []
    for k, rej in enumerate(sl.result.rejections, start=1):
        for e in rej.errors:
            rows.append(
                [
                    k,
                    rej.file,
                    rej.plant_id,
                    rej.row,
                    e.get("sheet"),
                    e.get("cell"),
                    e.get("kind"),
                    rej.reason_of(e),
                ]
            )
    ws.cell(
        3,
        1,
        _t(
            lang,
            f"输入企业 {sl.result.inputs} 家：已评价 {sl.n} 家，未能评价 {len(sl.result.rejections)} 家。",
            f"{sl.result.inputs} input plants: {sl.n} evaluated, {len(sl.result.rejections)} rejected.",
        ),
    )
    _table(
        ws,
        HEADER_ROW,
        [
            "#",
            _t(lang, "文件", "file"),
            _t(lang, "企业编号", "plant id"),
            _t(lang, "行", "row"),
            _t(lang, "工作表", "sheet"),
            _t(lang, "单元格", "cell"),
            _t(lang, "类型", "kind"),
            _t(lang, "原因", "reason"),
        ],
        rows,
        None,
    )
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    _widths(ws, [5, 40, 14, 6, 14, 8, 18, 80])
