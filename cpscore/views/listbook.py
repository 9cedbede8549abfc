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
from cpscore.common.i18n import N_, gettext_in, status_word
from cpscore.engine.sector_list import RANKING_RULE, SectorList, key_indicators
from cpscore.system.plan import ADVANCED_SHARE_QUOTE, PLAN_TARGETS, PLAN_TITLE
from cpscore.system.wording import level_label
from cpscore.views.mark import mark

from .neutralise import cell_value
from .numbers import INDEX_DECIMALS, excel_format, indicator_decimals

SHEETS = {
    "list": N_("List"),
    "stats": N_("Statistics"),
    "reduction": N_("Reduction potential"),
    "rejected": N_("Rejected inputs"),
}
HEADER_ROW = 4  # rows 1-3: title, notice, blank


def sheet_name(key: str, lang: str) -> str:
    return gettext_in(SHEETS[key], lang)


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


def _head(ws: Any, sl: SectorList, what: str, ncols: int = 8) -> None:
    """Title and notice across the printed width, wrapped, so a print-out never cuts them."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    s, lang = sl.system, sl.lang
    made = gettext_in(N_("made {date}"), lang).format(date=sl.date)
    title = f"{what} · {s.title.get(lang)} · {s.id} · {sl.period_text()} · {made}"
    last = get_column_letter(max(ncols, 4))
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.cell(1, 1, cell_value(title)).font = Font(bold=True, size=13)
    ws.cell(1, 1).alignment = wrap
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 36
    notice = sl.notice()
    if notice:
        c = ws.cell(2, 1, cell_value(f"⚠ {status_word(s.status, lang)}: {notice}"))
        c.font = Font(bold=True, color="C00000")
        c.alignment = wrap
        ws.merge_cells(f"A2:{last}2")
        ws.row_dimensions[2].height = 32


def _print_setup(ws: Any, sl: SectorList, header_row: int | None) -> None:
    """A4 landscape, fit to the page width, the table's header row on every page, and a footer
    with the notice of a non-official system and the page numbers."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.6
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
    notice = sl.notice()
    if notice:
        ws.oddFooter.left.text = gettext_in(
            N_("{status}: the numbers are not official"), sl.lang
        ).format(status=status_word(sl.system.status, sl.lang))
        ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = gettext_in(N_("page &P of &N"), sl.lang)
    ws.oddFooter.right.size = 8


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two sRGB colours given as RRGGBB."""

    def lum(hex_: str) -> float:
        rgb = [int(hex_.lstrip("#")[k : k + 2], 16) / 255 for k in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (one of them is always ≥ 4.5:1)."""
    return max(("000000", "FFFFFF"), key=lambda c: contrast_ratio(c, background))


def _table(
    ws: Any, row: int, headers: list[str], rows: list[list[Any]], formats: dict[int, str] | None
) -> int:
    """Write a header and rows from ``row``; returns the row after the table."""
    from openpyxl.styles import Alignment, Font, PatternFill

    fill = PatternFill("solid", fgColor="DDEBF7")
    for c, h in enumerate(headers, start=1):
        cell = ws.cell(row, c, cell_value(h))
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
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
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    lang = sl.lang
    ncol = len(sl.columns)
    _head(ws, sl, gettext_in(N_("Clean-production evaluation list"), lang), ncol)
    ws.cell(3, 1, gettext_in(RANKING_RULE, lang))
    formats = list_formats(sl)
    _table(ws, HEADER_ROW, sl.columns, [] if streamed else sl.rows, formats)
    if streamed and sl.n:
        # Style probes: the first data row's cells carry the column formats; the streamed rows
        # take over their style ids (_stream_rows).
        for c, fmt in formats.items():
            ws.cell(HEADER_ROW + 1, c).number_format = fmt
    end = HEADER_ROW + sl.n + 1
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(ncol)}{max(end - 1, HEADER_ROW)}"
    if sl.n:
        # The class column takes its class's colour through conditional formatting (one rule per
        # class, not one style per cell), so a long list can be streamed (_stream_rows).
        first, last = HEADER_ROW + 1, end - 1
        for c in sl.system.classes:
            colour = c.colour.lstrip("#")
            fill = PatternFill("solid", fgColor=colour, bgColor=colour)
            font = Font(bold=True, color=text_colour(colour))
            rule = FormulaRule(
                formula=[f'$F{first}="{c.id}"'], fill=fill, font=font, stopIfTrue=True
            )
            ws.conditional_formatting.add(f"E{first}:E{last}", rule)
    n_values = len(key_indicators(sl.system))
    _widths(ws, [6, 10, 18, 8, 26, 7, *([8] * len(sl.system.score_names)), 30, *([11] * n_values)])
    ws.row_dimensions[HEADER_ROW].height = 58  # long indicator names wrap over four lines
    _print_setup(ws, sl, HEADER_ROW)


def list_formats(sl: SectorList) -> dict[int, str]:
    """Excel number format per 1-based List column: indices with 2 decimals, indicator values
    with the decimals of their benchmarks (cpscore.views.numbers)."""
    s = sl.system
    first_score = 7
    formats = {1: "0"}
    for k in range(len(s.score_names)):
        formats[first_score + k] = excel_format(INDEX_DECIMALS)
    first_value = first_score + len(s.score_names) + 1
    for k, j in enumerate(key_indicators(s)):
        formats[first_value + k] = excel_format(indicator_decimals(s.indicators[j]))
    return formats


STREAM_FROM = 1  # rows from which the List sheet rows are written as XML (openpyxl: ~200 µs a row)


def _cell_body(v: Any) -> str:
    """A cell's XML after its ``<c r="A1"`` opening: the type and the value."""
    if isinstance(v, bool):
        return f' t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int | float):
        return f"><v>{v!r}</v></c>"
    return f' t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}</t></is></c>'


def _column_cells(
    letter: str, rows: list[str], values: list[Any], style: str | None = None
) -> list[str]:
    """Each value's cell XML in one column ('' for an empty cell, as openpyxl writes none).

    Finite numbers are written as they are; text is neutralised (:func:`cell_value`) and
    escaped once per distinct value: a list repeats its class names.
    """
    opening = f'<c r="{letter}'
    attr = f' s="{style}"' if style else ""
    bodies: dict[str, str] = {}
    out = []
    for r, v in zip(rows, values, strict=True):
        t = type(v)
        if t is int or (t is float and math.isfinite(v)):
            out.append(f'{opening}{r}"{attr}><v>{v!r}</v></c>')
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
        out.append(f'{opening}{r}"{attr}{body}' if body else "")
    return out


def _probe_styles(head: str, first_row: int) -> tuple[str, dict[str, str]]:
    """The style ids of the probe row's cells by column letter, and the XML without that row."""
    m = re.search(rf'<row r="{first_row}"[^>]*>(.*?)</row>|<row r="{first_row}"[^>]*/>', head)
    if not m:
        return head, {}
    styles = dict(re.findall(rf'<c r="([A-Z]+){first_row}" s="(\d+)"', m.group(1) or ""))
    return head[: m.start()] + head[m.end() :], styles


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
            head, styles = _probe_styles(head, first_row)
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
                        _column_cells(letter, rows, column[a : a + _CHUNK], styles.get(letter))
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
    _head(ws, sl, gettext_in(N_("Statistics"), lang), 8)
    rows = [[c.label, c.id, c.count, c.share] for c in sl.classes]
    rows.append([gettext_in(N_("total"), lang), "", sl.n, 1.0 if sl.n else None])
    r0 = HEADER_ROW
    end = _table(
        ws,
        r0,
        [
            gettext_in(N_("class"), lang),
            gettext_in(N_("id"), lang),
            gettext_in(N_("plants"), lang),
            "%",
        ],
        rows,
        {4: "0.0%"},
    )
    adv = s.class_by_id(sl.advanced_level).name.get(lang)
    end = _table(
        ws,
        end + 1,
        [
            gettext_in(N_("advanced or better"), lang),
            gettext_in(N_("plants"), lang),
            "%",
            gettext_in(N_("plan target"), lang),
            gettext_in(N_("met"), lang),
        ],
        [
            [
                f"{adv} {gettext_in(N_('or better'), lang)}",
                sl.advanced,
                sl.advanced_share,
                sl.target,
                None
                if sl.advanced_share is None
                else gettext_in(N_("yes"), lang)
                if sl.advanced_share >= sl.target  # 70%以上: "以上" includes 70%
                else gettext_in(N_("no"), lang),
            ]
        ],
        {3: "0.0%", 4: "0.0%"},
    )
    ws.cell(end, 1, f"{PLAN_TITLE}: {ADVANCED_SHARE_QUOTE}")
    ind_row = end + 2
    levels = list(sl.indicators[0].shares) if sl.indicators else []
    headers = [
        gettext_in(N_("id"), lang),
        gettext_in(N_("indicator"), lang),
        gettext_in(N_("limiting"), lang),
        gettext_in(N_("applicable"), lang),
        gettext_in(N_("missing"), lang),
        *(
            gettext_in(N_("meets {level}"), lang).format(level=level_label(lv, lang))
            for lv in levels
        ),
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
    _print_setup(ws, sl, None)
    ws.add_chart(_class_chart(ws, sl, r0), f"A{ind_end + 2}")
    if ind_rows:
        bars = BarChart()
        bars.type = "bar"
        bars.title = gettext_in(N_("Share of plants meeting each level"), lang)
        bars.add_data(
            Reference(ws, min_col=6, max_col=5 + len(levels), min_row=ind_row, max_row=ind_end - 1),
            titles_from_data=True,
        )
        # Categories are the indicator names in the reader's language, not the ids.
        bars.set_categories(Reference(ws, min_col=2, min_row=ind_row + 1, max_row=ind_end - 1))
        for k, lv in enumerate(s.levels[: len(bars.series)]):
            bars.series[k].graphicalProperties.solidFill = lv.colour.lstrip("#")
            bars.series[k].graphicalProperties.line.solidFill = lv.colour.lstrip("#")
        bars.y_axis.number_format = "0%"
        bars.y_axis.scaling.min, bars.y_axis.scaling.max = 0, 1
        bars.y_axis.delete = False
        bars.x_axis.delete = False
        bars.legend.position = "b"
        bars.height, bars.width = max(8, 0.7 * len(ind_rows)), 22
        ws.add_chart(bars, f"A{ind_end + 19}")


def _class_chart(ws: Any, sl: SectorList, r0: int) -> Any:
    """One series of plant counts, a category per class in the system's order, each bar in its
    class's colour, labelled with the count; the category names carry the share."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.marker import DataPoint

    lang = sl.lang
    # Column I holds the category labels: the class name and its share ("Ⅱ级 … (35.0%)").
    ws.cell(r0, 9, gettext_in(N_("chart label"), lang))
    for k, c in enumerate(sl.classes, start=1):
        ws.cell(r0 + k, 9, f"{c.label} ({c.share * 100:.1f}%)" if sl.n else c.label)
    ws.column_dimensions["I"].hidden = True
    chart = BarChart()
    chart.title = gettext_in(N_("Plants per class"), lang)
    n = len(sl.classes)
    chart.add_data(Reference(ws, min_col=3, min_row=r0, max_row=r0 + n), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=9, min_row=r0 + 1, max_row=r0 + n))
    series = chart.series[0]
    for k, c in enumerate(sl.classes):
        colour = sl.system.class_by_id(c.id).colour.lstrip("#")
        point = DataPoint(idx=k)
        point.graphicalProperties.solidFill = colour
        point.graphicalProperties.line.solidFill = colour
        series.dPt.append(point)
    series.dLbls = DataLabelList()
    series.dLbls.showVal = True
    for flag in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
        setattr(series.dLbls, flag, False)
    chart.legend = None
    chart.y_axis.title = gettext_in(N_("plants"), lang)
    chart.y_axis.majorGridlines = None
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.visible_cells_only = False  # the label column is hidden
    chart.height, chart.width = 8, 22
    return chart


def _reduction_sheet(ws: Any, sl: SectorList) -> None:
    lang = sl.lang
    _head(
        ws,
        sl,
        gettext_in(N_("Reduction potential (every plant at the advanced level)"), lang),
        11,
    )
    ws.cell(
        3,
        1,
        gettext_in(
            N_(
                "Per plant: max(0, value − level {level} benchmark) × the annual output the workbook gives; summed by substance. Plan targets are national totals for all industry, shown for scale."
            ),
            lang,
        ).format(level=sl.advanced_level),
    )
    headers = [
        gettext_in(N_("substance"), lang),
        gettext_in(N_("potential per year"), lang),
        gettext_in(N_("unit"), lang),
        gettext_in(N_("in t"), lang),
        gettext_in(N_("plants counted"), lang),
        gettext_in(N_("above benchmark, no output given"), lang),
        gettext_in(N_("indicators"), lang),
        gettext_in(N_("plan 2015 target"), lang),
        gettext_in(N_("target (t)"), lang),
        gettext_in(N_("where in the plan"), lang),
        gettext_in(N_("note"), lang),
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
            gettext_in(N_("Plan targets this system does not measure"), lang),
        )
        end = _table(
            ws,
            end + 2,
            [
                gettext_in(N_("plan target"), lang),
                gettext_in(N_("target (t)"), lang),
                gettext_in(N_("where in the plan"), lang),
            ],
            [[f"{t.name} {t.printed}", t.tonnes, t.section] for t in others],
            {2: "#,##0"},
        )
    ev = sl.evaluation
    if ev is None:
        return
    ws.cell(end + 1, 1, gettext_in(N_("Per plant"), lang))
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
    first = end + 3
    _table(
        ws,
        end + 2,
        [
            gettext_in(N_("rank"), lang),
            gettext_in(N_("plant id"), lang),
            gettext_in(N_("indicator"), lang),
            gettext_in(N_("substance"), lang),
            gettext_in(N_("value"), lang),
            gettext_in(N_("advanced benchmark"), lang),
            gettext_in(N_("excess"), lang),
            gettext_in(N_("unit"), lang),
            gettext_in(N_("annual output"), lang),
            gettext_in(N_("potential per year"), lang),
            gettext_in(N_("unit"), lang),
        ],
        detail,
        {9: "#,##0", 10: "#,##0.0"},
    )
    # Value, benchmark and excess with the decimals of the indicator's benchmarks.
    decimals = {ind.id: indicator_decimals(ind) for ind in sl.system.indicators}
    for r, row in enumerate(detail, start=first):
        fmt = excel_format(decimals.get(row[2], 2))
        for c in (5, 6, 7):
            ws.cell(r, c).number_format = fmt
    _widths(ws, [22, 18, 10, 12, 12, 14, 34, 22, 14, 50, 40])
    _print_setup(ws, sl, HEADER_ROW)


def _rejected_sheet(ws: Any, sl: SectorList) -> None:
    lang = sl.lang
    _head(ws, sl, gettext_in(N_("Rejected inputs"), lang), 8)
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
        gettext_in(N_("{inputs} input plants: {n} evaluated, {rejected} rejected."), lang).format(
            inputs=sl.result.inputs, n=sl.n, rejected=len(sl.result.rejections)
        ),
    )
    _table(
        ws,
        HEADER_ROW,
        [
            "#",
            gettext_in(N_("file"), lang),
            gettext_in(N_("plant id"), lang),
            gettext_in(N_("row"), lang),
            gettext_in(N_("sheet"), lang),
            gettext_in(N_("cell"), lang),
            gettext_in(N_("kind"), lang),
            gettext_in(N_("reason"), lang),
        ],
        rows,
        None,
    )
    if not rows:
        ws.cell(HEADER_ROW + 1, 1, gettext_in(N_("No input was rejected."), lang))
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    _widths(ws, [5, 40, 14, 6, 14, 8, 18, 80])
    _print_setup(ws, sl, HEADER_ROW)
