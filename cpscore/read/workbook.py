"""Reading a plant data workbook (DESIGN §5) into one row of plant data for a system.

Sheets: plant (key/value rows), indicators (one row per indicator), optional raw data. Chinese or
English headers in any order and case. Values are converted to the system's units where the unit
differs and can be converted; every interpretation is reported as a finding with its cell.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from cpscore.common.errors import Finding, InputError, Location, WorkbookErrors
from cpscore.common.i18n import Msg, join, language
from cpscore.system import units
from cpscore.system.answers import canonical_level, text_key
from cpscore.system.model import Fact, Indicator, System

from .safety import Inspection, SheetInfo, inspect
from .values import Parsed, cell_ref, integer_text, parse_number, quoted

PLANT_SHEETS = ("plant", "企业信息", "企业基本信息", "基本信息", "企业")
INDICATOR_SHEETS = ("indicators", "指标数据", "指标", "评价指标", "指标填报")
RAW_SHEETS = ("raw data", "raw", "原始数据")
INSTRUCTION_SHEETS = ("填写说明", "instructions")  # the template's own; not worth a finding

INDICATOR_HEADERS = {
    "id": ("id", "indicatorid", "指标编号", "指标代码", "编号", "代码"),
    "group": ("group", "一级指标"),
    "name": ("name", "indicator", "二级指标", "指标名称", "指标"),
    "unit": ("unit", "单位"),
    "value": ("value", "填报值", "数值", "实际值", "企业现状", "值"),
    "note": (
        "note",
        "evidence",
        "note / evidence",
        "source",
        "备注",
        "数据来源",
        "备注/数据来源",
        "依据",
        "说明",
    ),
    # The template's own reference column: read past without a finding.
    "reference": ("benchmarks (reference)", "基准值（参考）", "基准值(参考)", "reference"),
}
PLANT_KEYS = {
    "id": ("id", "plantid", "plant", "企业编号", "编号"),
    "name": ("name", "plantname", "企业名称", "名称"),
    "period": ("period", "evaluationperiod", "reportingyear", "评价期", "评价年度", "报告年度"),
    "system": ("system", "indicatorsystem", "指标体系"),
}
# A unit column saying the value is a fraction (0.95) of an indicator printed in %.
FRACTION_UNITS = ("fraction", "ratio", "比例", "小数", "比值")
NO_UNIT = ("", "-", "–", "—", "/")
# Share of a workbook's indicator ids that must belong to another system to name it.
OTHER_SYSTEM_SHARE = 0.8


@dataclass
class PlantRecord:
    """One plant as read: identity, the row for the scorer, and what was interpreted."""

    meta: dict[str, Any]
    row: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)


_key = text_key  # sheet, column and label names compared loosely


@dataclass
class OpenedWorkbook:
    """Cell values of every sheet (calamine) and what the pre-parse inspection found."""

    sheets: dict[str, list[list[Any]]]
    inspection: Inspection
    path: Path
    data: bytes | None = field(default=None, repr=False)  # the file, when it was read whole

    @cached_property
    def sha256(self) -> str:
        """The file's digest: of the bytes inspected and parsed, when it was read whole."""
        return (
            hashlib.sha256(self.data).hexdigest() if self.data is not None else sha256_of(self.path)
        )


def open_workbook(path: str | Path, meanwhile: Callable[[], None] | None = None) -> OpenedWorkbook:
    """Inspect the file (cpscore.read.safety), then read every sheet's values; never writes to it.

    A large file is read by calamine in a thread (its parser releases the GIL) as soon as the
    inspection has bounded every sheet, while the inspection goes on scanning the sheets, and
    then ``meanwhile`` runs (work that does not need the values).
    """
    path = Path(path)
    # A small file is read once: the inspection, calamine and the digest see the same bytes,
    # so the file cannot change between the check and the read either.
    data = _whole(path)
    big = data is None and path.is_file() and path.stat().st_size >= OVERLAP_FROM
    reading = _Reading(path, data)
    try:
        inspection = inspect(path, reading.start if big else None, data)  # InputError: not safe
        if reading.started and meanwhile is not None:
            meanwhile()
    finally:
        reading.join()  # never leave a parser running on a file that was refused
    if not reading.started:
        reading.run()
    if reading.error is not None:
        e = reading.error  # calamine raises its own and zip/XML errors for broken files
        raise InputError(
            "corrupt",
            Location(str(path)),
            Msg(
                "the file cannot be read as a workbook ({kind}: {e})",
                kind=type(e).__name__,
                e=quoted(str(e)),
            ),
            Msg("a complete .xlsx workbook; re-save it in Excel, WPS or LibreOffice"),
        )
    return OpenedWorkbook(reading.sheets, inspection, path, data)


OVERLAP_FROM = 2 << 20  # bytes: below this, a thread costs more than the overlap saves


def _whole(path: Path) -> bytes | None:
    """A small regular file's bytes; None for anything else (a device, a pipe, a file grown
    past OVERLAP_FROM since it was measured, or one that cannot be read: the inspection then
    reads it from the path and says why)."""
    try:
        if not path.is_file():
            return None
        with path.open("rb") as fh:
            data = fh.read(OVERLAP_FROM + 1)
    except OSError:
        return None
    return data if len(data) <= OVERLAP_FROM else None


class _Reading:
    """calamine's read of every sheet, here or in a thread of its own."""

    def __init__(self, path: Path, data: bytes | None = None):
        self.path, self.data = path, data
        self.sheets: dict[str, list[list[Any]]] = {}
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None

    @property
    def started(self) -> bool:
        return self.thread is not None

    def start(self) -> None:
        self.thread = threading.Thread(target=self.run, name="cpscore-read", daemon=True)
        self.thread.start()

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()

    def run(self) -> None:
        from python_calamine import CalamineWorkbook

        try:
            if self.data is None:
                wb = CalamineWorkbook.from_path(str(self.path))
            else:
                wb = CalamineWorkbook.from_filelike(io.BytesIO(self.data))
            try:
                self.sheets = {
                    name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
                    for name in wb.sheet_names
                }
            finally:
                wb.close()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:  # reported by open_workbook, in the caller's thread
            # A Rust panic in the parser arrives as pyo3's PanicException, a BaseException:
            # it costs this one file, never the process.
            self.error = e


def _find_sheet(sheets: dict[str, Any], names: tuple[str, ...]) -> str | None:
    keyed = {_key(s): s for s in sheets}
    for n in names:
        if _key(n) in keyed:
            return keyed[_key(n)]
    return None


def _header(
    rows: list[list[Any]], wanted: dict[str, tuple[str, ...]]
) -> tuple[int, dict[str, int]] | None:
    """The header row (within the first 15) and the column of each known header."""
    aliases = {_key(a): field for field, names in wanted.items() for a in names}
    for r, row in enumerate(rows[:15]):
        cols: dict[str, int] = {}
        for c, cell in enumerate(row):
            # "备注/数据来源" and "note / evidence": any part of a header may name the field
            parts = [_key(cell), *(_key(p) for p in re.split(r"[/／]", str(cell or "")))]
            f = next((aliases[k] for k in parts if k in aliases), None)
            if f and f not in cols:
                cols[f] = c
        if "value" in cols and ("id" in cols or "name" in cols):
            return r, cols
    return None


_id_text = integer_text  # an id cell as text; 12.0 (a number typed as an id) reads as '12'


def _within(value: float, interval: tuple[float | None, float | None]) -> bool:
    lo, hi = interval
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def _range_text(interval: tuple[float | None, float | None] | None) -> str:
    lo, hi = interval or (None, None)
    return f"{'−∞' if lo is None else f'{lo:g}'}–{'∞' if hi is None else f'{hi:g}'}"


def _cell(rows: list[list[Any]], r: int, c: int | None) -> Any:
    if c is None or r >= len(rows) or c >= len(rows[r]):
        return None
    v = rows[r][c]
    return None if isinstance(v, str) and not v.strip() else v


def _exact_product(value: float, factor: float) -> float:
    """value × factor without binary artefacts (0.95 × 100 is 95, not 95.00000000000001)."""
    return float(Decimal(repr(value)) * Decimal(repr(factor)))


def _is_percent(unit: str) -> bool:
    return unit.strip() in ("%", "％")


class _Reader:
    def __init__(self, system: System, path: Path, sheet_info: dict[str, SheetInfo] | None = None):
        self.system = system
        self.path = path
        self.errors: list[InputError] = []
        self.findings: list[Finding] = []
        self.row: dict[str, Any] = {}
        self.provenance: dict[str, dict[str, Any]] = {}
        # What the sheet XML says about cells (formulas, % formats, merges); empty if unknown.
        self.sheet_info: dict[str, SheetInfo] = sheet_info or {}

    def loc(self, sheet: str, r: int | None = None, c: int | None = None) -> Location:
        return Location(
            str(self.path), sheet, cell_ref(r, c) if r is not None and c is not None else ""
        )

    def error(self, kind: str, loc: Location, found: str, expected: str) -> None:
        self.errors.append(InputError(kind, loc, found, expected))

    def note(self, code: str, message: str, loc: Location, indicator: str = "") -> None:
        self.findings.append(Finding(code, message, indicator, loc))

    # -- plant sheet ---------------------------------------------------------------------------

    def plant(self, sheet: str, rows: list[list[Any]]) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        facts = {_key(a): f for f in self.system.facts for a in (f.id, f.name.zh, f.name.en)}
        keys = {_key(a): k for k, names in PLANT_KEYS.items() for a in names}
        refused: set[str] = set()  # facts already reported as unreadable
        for r, _row in enumerate(rows):
            label, value = _cell(rows, r, 0), _cell(rows, r, 1)
            if label is None:
                continue
            k = _key(label)
            if k in keys:
                meta.setdefault(keys[k], integer_text(value))
            elif k in facts:
                before = len(self.errors)
                self.fact(facts[k], value, self.loc(sheet, r, 1))
                if len(self.errors) > before:
                    refused.add(facts[k].id)
        for f in self.system.facts:
            if f.required and self.row.get(f.id) is None and f.id not in refused:
                self.error(
                    "missing_fact",
                    self.loc(sheet),
                    Msg("no value for {name} ({id})", name=f.name, id=f.id),
                    Msg(
                        "a row '{id}' with {expected_fact}",
                        id=f.id,
                        expected_fact=self._expected_fact(f),
                    ),
                )
        return meta

    def _expected_fact(self, f: Fact) -> Msg:
        if f.type == "enum":
            return Msg("one of {values}", values=join(enum_labels(self.system, f)))
        if f.type == "number":
            return Msg("a number in {unit}", unit=f.unit) if f.unit else Msg("a number")
        if f.type == "boolean":
            return Msg("yes/no")
        return Msg("text")

    def fact(self, f: Fact, value: Any, loc: Location, header_unit: str | None = None) -> None:
        """One fact's cell; ``header_unit`` is a unit its column's header names (wide form)."""
        if value is None:
            return
        if f.type == "number":
            p = parse_number(value)
            if p.kind != "number":
                self.error(
                    "bad_fact",
                    loc,
                    Msg(
                        "{value} for {name}",
                        value=p.note if p.kind == "invalid" and p.note else quoted(value),
                        name=f.name,
                    ),
                    self._expected_fact(f),
                )
                return
            if p.note:
                self.note("interpreted", p.note, loc, f.id)
            value = p.value
            given = p.unit or header_unit
            if given and not units.same(given, f.unit or ""):
                try:
                    factor = units.factor(given, f.unit) if f.unit else None
                except units.UnitError:
                    factor = None
                if factor is None:
                    self.error(
                        "unit",
                        loc,
                        Msg("unit {unit} for {id}", unit=quoted(given), id=f.id),
                        Msg("a number in {unit}", unit=f.unit),
                    )
                    return
                value = _exact_product(p.value, factor)  # type: ignore[arg-type]
                self.note(
                    "converted",
                    Msg(
                        "{value} {given_unit} converted to {result} {unit}",
                        value=format(p.value, "g"),
                        given_unit=given,
                        result=format(value, "g"),
                        unit=f.unit,
                    ),
                    loc,
                    f.id,
                )
            if f.plausible and not _within(value, f.plausible):  # type: ignore[arg-type]
                self.error(
                    "implausible",
                    loc,
                    Msg("{value:g} {unit} for {id}", value=value, unit=f.unit, id=f.id),
                    Msg(
                        "a value within {x1} {unit} (the system's plausible range)",
                        x1=_range_text(f.plausible),
                        unit=f.unit,
                    ),
                )
                return
            self.row[f.id] = value
        elif f.type == "boolean":
            from cpscore.system.answers import as_bool

            b = as_bool(value)
            if b is None:
                self.error(
                    "bad_fact",
                    loc,
                    Msg("{value} for {name}", value=quoted(value), name=f.name),
                    Msg("yes/no"),
                )
            self.row[f.id] = b
        elif f.type == "enum":
            text = str(value).strip()
            match = self.system.enum_vocabularies[f.id].get(_key(text))
            if match is None:
                self.error(
                    "bad_fact",
                    loc,
                    Msg("{text} for {name}", text=quoted(text), name=f.name),
                    self._expected_fact(f),
                )
            self.row[f.id] = match
        else:
            self.row[f.id] = str(value).strip()

    # -- indicator sheet -----------------------------------------------------------------------

    def indicators(self, sheet: str, rows: list[list[Any]]) -> None:
        found = _header(rows, INDICATOR_HEADERS)
        if found is None:
            self.error(
                "no_header",
                self.loc(sheet),
                Msg("no header row with an id (指标编号) and a value (填报值) column"),
                Msg("headers such as 指标编号/id, 指标名称/name, 单位/unit, 填报值/value"),
            )
            return
        hr, cols = found
        for c, cell in enumerate(rows[hr]):
            if c not in cols.values() and _cell(rows, hr, c) is not None:
                self.note(
                    "ignored_column",
                    Msg("column {cell} is not read", cell=quoted(cell)),
                    self.loc(sheet, hr, c),
                )
        by_id = {ind.id: ind for ind in self.system.indicators}
        by_name = {
            _key(a): ind for ind in self.system.indicators for a in (ind.name.zh, ind.name.en)
        }
        seen: dict[str, str] = {}
        unknown: list[InputError] = []
        ids_given: list[str] = []
        for r in range(hr + 1, len(rows)):
            ident, name = _cell(rows, r, cols.get("id")), _cell(rows, r, cols.get("name"))
            if ident is None and name is None:
                continue
            ident_text = _id_text(ident)
            if ident_text is not None:
                ids_given.append(ident_text)
            ind = by_id.get(ident_text) if ident_text is not None else by_name.get(_key(name))
            if ind is None and ident is None:
                continue  # a heading or comment row
            if ind is None:
                unknown.append(
                    InputError(
                        "unknown_indicator",
                        self.loc(sheet, r, cols.get("id", 0)),
                        Msg("unknown indicator id {ident}", ident=quoted(ident)),
                        self._suggest(str(ident_text)[:200]),
                    )
                )
                continue
            vloc = self.loc(sheet, r, cols["value"])
            if ind.id in seen:
                self.error(
                    "duplicate_indicator",
                    vloc,
                    Msg("a second row for {id}", id=ind.id),
                    Msg("one row per indicator (first at {x1})", x1=seen[ind.id]),
                )
                continue
            seen[ind.id] = vloc.cell
            self.value(ind, _cell(rows, r, cols["value"]), _cell(rows, r, cols.get("unit")), vloc)
            evidence = _cell(rows, r, cols.get("note"))
            self.provenance.setdefault(ind.id, {"how": "typed"})
            self.provenance[ind.id]["cell"] = f"{sheet}!{vloc.cell}"
            if evidence is not None:
                self.provenance[ind.id]["evidence"] = str(evidence)
        other = self._other_system(ids_given, len(unknown)) if unknown else None
        if other is not None:
            self.error(*other)
            return
        self.errors += unknown
        for ind in self.system.indicators:
            if ind.id not in seen:
                self.note(
                    "missing_row",
                    Msg(
                        "no row for {id} ({name}); treated as missing: scores 0 at every level",
                        id=ind.id,
                        name=ind.name,
                    ),
                    self.loc(sheet),
                    ind.id,
                )

    def _suggest(self, ident: str) -> str:
        ids = [i.id for i in self.system.indicators]
        close = difflib.get_close_matches(ident, ids, n=1, cutoff=0.5)
        if not close:  # typed in another case or with spaces: compare normalised ids
            keyed = {_key(i): i for i in ids}
            close = difflib.get_close_matches(_key(ident), list(keyed), n=1, cutoff=0.5)
            close = [keyed[c] for c in close]
        if close:
            return Msg(
                "an indicator id of {system} (did you mean {id}?)",
                system=self.system.id,
                id=repr(close[0]),
            )
        return Msg("an indicator id of {system}", system=self.system.id)

    def _other_system(
        self, ids: list[str], n_unknown: int
    ) -> tuple[str, Location, str, str] | None:
        """When most ids are unknown here but belong to another bundled system, say which."""
        from cpscore.system.catalog import bundled, indicator_ids

        if not ids or n_unknown * 2 <= len(ids):
            return None
        best: tuple[float, Any] | None = None
        for entry in bundled():
            if entry.id == self.system.id:
                continue
            share = sum(i in indicator_ids(entry.path) for i in ids) / len(ids)
            if share >= OTHER_SYSTEM_SHARE and (best is None or share > best[0]):
                best = (share, entry)
        if best is None:
            return None
        share, entry = best
        return (
            "other_sector",
            Location(str(self.path)),
            Msg(
                "this workbook looks like a {sector} workbook (system {system}): {share:.0%} of"
                " its indicator ids belong to it, {unknown} of {total} are unknown in {own}",
                sector=entry.sector,
                system=entry.id,
                share=share,
                unknown=n_unknown,
                total=len(ids),
                own=self.system.id,
            ),
            Msg(
                "a {own_sector} workbook for {own}, or run with --sector {sector}"
                " (or --system {system})",
                own_sector=self.system.sector,
                own=self.system.id,
                sector=entry.sector,
                system=entry.id,
            ),
        )

    def _cell_info(self, loc: Location) -> SheetInfo | None:
        return self.sheet_info.get(loc.sheet) if loc.cell else None

    def value(self, ind: Indicator, cell: Any, unit_cell: Any, loc: Location) -> None:
        info = self._cell_info(loc)
        if info is not None:
            if loc.cell in info.formulas_without_value:
                found = (
                    Msg(
                        "a formula for {ind} in a workbook that asks to be recalculated when opened "
                        "(fullCalcOnLoad), so its cached value cannot be trusted",
                        ind=ind.id,
                    )
                    if info.recalc
                    else Msg("a formula without a cached value for {id}", id=ind.id)
                )
                self.error(
                    "formula_no_value",
                    loc,
                    found,
                    Msg(
                        "a saved result: open and save the file in Excel or WPS, or type the value"
                    ),
                )
                return
            if loc.cell in info.error_cells:
                self.error(
                    "not_a_number",
                    loc,
                    Msg(
                        "the Excel error value {x1} for {id} (a formula that failed)",
                        x1=info.error_cells[loc.cell],
                        id=ind.id,
                    ),
                    Msg("a value: fix the formula or type the number"),
                )
                return
            merged = info.merged_range(loc.cell)
            if merged is not None:
                self.error(
                    "merged_cell",
                    loc,
                    Msg("the value cell of {id} is merged ({merged})", id=ind.id, merged=merged),
                    Msg(
                        "one unmerged value cell per indicator: unmerge the cells and type each value"
                    ),
                )
                return
        if not ind.quantitative:
            self.answer(ind, cell, loc)
            return
        percent_format = (
            info is not None
            and loc.cell in info.percent_cells
            and isinstance(cell, int | float)
            and not isinstance(cell, bool)
        )
        p: Parsed = parse_number(cell)
        if p.note:
            self.note("interpreted", p.note, loc, ind.id)
        if p.kind == "invalid":
            self.error(
                "not_a_number",
                loc,
                Msg("{note} for {id} ({name})", note=p.note, id=ind.id, name=ind.name),
                Msg("a number in {x1}", x1=ind.unit or "the indicator unit"),
            )
            return
        if p.kind == "n/a":
            self.row[ind.id] = "n/a"
            return
        if p.kind == "missing":
            self.note(
                "missing",
                Msg(
                    "no value for {id} ({name}): scores 0 at every level", id=ind.id, name=ind.name
                ),
                loc,
                ind.id,
            )
            return
        value: float = p.value  # type: ignore[assignment]
        if percent_format:
            if not _is_percent(ind.unit):
                self.error(
                    "unit",
                    loc,
                    Msg(
                        "a value formatted as a percentage ({x1:g}%) for {id}",
                        x1=_exact_product(value, 100),
                        id=ind.id,
                    ),
                    Msg("a number in {x1}, not a percentage", x1=ind.unit or "the indicator unit"),
                )
                return
            shown = _exact_product(value, 100)
            self.note(
                "percent_format",
                Msg(
                    "the cell shows {shown:g}% (stored as {value:g}); read as {shown:g} %",
                    shown=shown,
                    value=value,
                ),
                loc,
                ind.id,
            )
            self.provenance[ind.id] = {"how": "converted", "from": f"{value:g} shown as {shown:g}%"}
            value = shown
        else:
            unit_text = "" if unit_cell is None else str(unit_cell).strip()
            unit_text = "" if unit_text in NO_UNIT else unit_text
            given_unit = p.unit or unit_text or ind.unit
            converted = self._convert(ind, value, given_unit, loc)
            if converted is None:
                return
            value = converted
            if (
                _is_percent(ind.unit)
                and given_unit == ind.unit
                and p.unit is None
                and 0 < value <= 1
            ):
                self.note(
                    "ambiguous_percentage",
                    Msg(
                        "{value:g} read as {value:g} % (not {x4:g} %); if a fraction was meant, type {x6:g}% or write 'fraction' (比例) in the unit column",
                        value=value,
                        x4=_exact_product(value, 100),
                        x6=_exact_product(value, 100),
                    ),
                    loc,
                    ind.id,
                )
        if ind.plausible and not _within(value, ind.plausible):
            self.error(
                "implausible",
                loc,
                Msg("{value:g} {unit} for {id}", value=value, unit=ind.unit, id=ind.id),
                Msg(
                    "a value within the plausible range {x1} {unit} the system states",
                    x1=_range_text(ind.plausible),
                    unit=ind.unit,
                ),
            )
            return
        self.row[ind.id] = value

    def _convert(
        self, ind: Indicator, value: float, given_unit: str, loc: Location
    ) -> float | None:
        """The value in the indicator's unit, reported when converted; None after an error."""
        if _is_percent(ind.unit) and _key(given_unit) in {_key(u) for u in FRACTION_UNITS}:
            factor = 100.0
        elif units.same(given_unit, ind.unit):
            return value
        else:
            try:
                factor = units.factor(given_unit, ind.unit)
            except units.UnitError:
                self.error(
                    "unit",
                    loc,
                    Msg("unit {given_unit} for {id}", given_unit=quoted(given_unit), id=ind.id),
                    Msg("{unit} or a unit convertible to it", unit=repr(ind.unit)),
                )
                return None
        result = _exact_product(value, factor)
        msg = Msg(
            "{value} {given_unit} converted to {result} {unit}",
            value=format(value, "g"),
            given_unit=given_unit,
            result=format(result, "g"),
            unit=ind.unit,
        )
        self.note("converted", msg, loc, ind.id)
        self.provenance[ind.id] = {"how": "converted", "from": f"{value:g} {given_unit}"}
        return result

    def answer(self, ind: Indicator, cell: Any, loc: Location) -> None:
        from cpscore.system.answers import NONE_MET, NOT_APPLICABLE, as_bool

        if cell is None:
            self.note(
                "missing",
                Msg(
                    "no answer for {id} ({name}): scores 0 at every level", id=ind.id, name=ind.name
                ),
                loc,
                ind.id,
            )
            return
        text = str(cell).strip()
        levels = [lv.id for lv in self.system.levels]
        if text.lower() in NOT_APPLICABLE:
            self.row[ind.id] = "n/a"
            return
        if ind.answer == "yes_no":
            b = as_bool(cell)
            if b is not None:
                self.row[ind.id] = "yes" if b else "no"
                return
            self.error(
                "bad_answer",
                loc,
                Msg("{text} for {id}", text=quoted(text), id=ind.id),
                Msg("yes/no or n/a"),
            )
            return
        lv = canonical_level(text, levels)
        if lv is not None:
            self.row[ind.id] = lv
        elif text.lower() in NONE_MET:
            self.row[ind.id] = "none"
        else:
            self.error(
                "bad_answer",
                loc,
                Msg("{text} for {id}", text=quoted(text), id=ind.id),
                Msg("the best level met ({join}), none, or n/a", join="/".join(levels)),
            )

    def raw(self, sheet: str, rows: list[list[Any]]) -> None:
        names = {_key(a): f for f in self.system.raw_inputs for a in (f.id, f.name.zh, f.name.en)}
        for r in range(len(rows)):
            label = _cell(rows, r, 0)
            f = names.get(_key(label)) if label is not None else None
            if f is None:
                continue
            p = parse_number(_cell(rows, r, 1))
            if p.kind == "number":
                self.row[f.id] = p.value
            elif p.kind == "invalid":
                self.error(
                    "not_a_number",
                    self.loc(sheet, r, 1),
                    Msg("{note} for {id}", note=p.note, id=f.id),
                    "a number",
                )


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_plant_workbook(path: str | Path, system: System) -> PlantRecord:
    """Read one plant; raises InputError / WorkbookErrors naming file, sheet and cell.

    The file is opened read-only and checked by :func:`cpscore.read.safety.inspect` before any
    parser reads it. Every interpretation (converted unit, % format, ignored sheet or column,
    missing value) is returned as a finding.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            "no_file", Location(str(path)), Msg("no such file"), Msg("a plant workbook (.xlsx)")
        )
    opened = open_workbook(path)
    if opened.inspection.output_of:
        raise InputError(
            "cpscore_output",
            Location(str(path)),
            Msg(
                "a {what} written by cpscore, not a plant workbook",
                what=opened.inspection.output_of,
            ),
            Msg("the plant's own workbook (`cpscore template` writes an empty one)"),
        )
    return plant_from_sheets(path, opened, system)


def _named(sheets: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    """Every sheet whose name is one of ``names`` (any case, spaces, brackets), in sheet order."""
    keys = {_key(n) for n in names}
    return [s for s in sheets if _key(s) in keys]


SHOWN = "visible"


def choose_sheet(
    path: Path, candidates: list[str], states: dict[str, str], findings: list[Finding]
) -> str | None:
    """The one sheet to read among ``candidates`` (each could be the sheet wanted), or None.

    A person in Excel sees the visible sheets only: one visible candidate is read and every
    hidden one is reported as ignored; two visible candidates, or none visible among several,
    are ambiguous (InputError naming both). A lone hidden candidate is read and reported; a lone
    very hidden one (Excel cannot show it without a macro editor) is refused.
    """
    candidates = list(dict.fromkeys(candidates))
    if not candidates:
        return None
    shown = [s for s in candidates if states.get(s, SHOWN) == SHOWN]
    if len(shown) > 1 or (not shown and len(candidates) > 1):
        pair = shown if len(shown) > 1 else candidates
        raise InputError(
            "ambiguous_sheet",
            Location(str(path), pair[1]),
            Msg(
                "two sheets that could both be the one to read: {a!r} and {b!r}",
                a=pair[0],
                b=pair[1],
            ),
            Msg("one such sheet: delete or rename the other copy"),
        )
    if not shown:
        only = candidates[0]
        if states.get(only) == "veryHidden":
            raise InputError(
                "hidden_sheet",
                Location(str(path), only),
                Msg("the sheet to read, {s!r}, is very hidden (Excel does not show it)", s=only),
                Msg("a visible sheet: make it visible (VBA editor: Visible = xlSheetVisible)"),
            )
        findings.append(
            Finding(
                "hidden_sheet",
                Msg("sheet {s!r} is hidden in Excel; it was read", s=only),
                location=Location(str(path), only),
            )
        )
        return only
    for other in candidates:
        if other != shown[0]:
            findings.append(
                Finding(
                    "ignored_copy",
                    Msg(
                        "sheet {o!r} ({state}) was ignored: sheet {s!r}, the visible one, was read",
                        o=other,
                        state=states.get(other, SHOWN),
                        s=shown[0],
                    ),
                    location=Location(str(path), other),
                )
            )
    return shown[0]


def has_indicator_sheet(sheets: dict[str, Any]) -> bool:
    """A plant workbook (as opposed to a wide one): an indicator sheet, by name or by header."""
    return _find_sheet(sheets, INDICATOR_SHEETS) is not None or any(
        _header(rows, INDICATOR_HEADERS) is not None for rows in sheets.values()
    )


def plant_from_sheets(path: Path, opened: OpenedWorkbook, system: System) -> PlantRecord:
    """One plant from an already opened (and inspected) plant workbook."""
    sheets = opened.sheets
    if not any(
        _cell(rows, r, c) is not None
        for rows in sheets.values()
        for r, row in enumerate(rows)
        for c in range(len(row))
    ):
        raise InputError(
            "empty_workbook",
            Location(str(path)),
            Msg("a workbook whose {n} sheet(s) hold no values", n=len(sheets)),
            Msg("the plant workbook written by `cpscore template`, filled in"),
        )
    reader = _Reader(system, path, opened.inspection.sheets)
    reader.findings += opened.inspection.findings
    states = {name: info.state for name, info in opened.inspection.sheets.items()}
    plant_sheet = choose_sheet(path, _named(sheets, PLANT_SHEETS), states, reader.findings)
    named = _named(sheets, INDICATOR_SHEETS)
    others = set(sheets) - {plant_sheet} - set(_named(sheets, (*RAW_SHEETS, *INSTRUCTION_SHEETS)))
    # A sheet with the indicator header is a candidate as much as one with the name: two of
    # them (a copy, last year's data) are ambiguous, whichever way each was recognised.
    by_header = [
        s
        for s in sheets
        if s in others and s not in named and _header(sheets[s], INDICATOR_HEADERS)
    ]
    ind_sheet = choose_sheet(path, [*named, *by_header], states, reader.findings)
    if ind_sheet is None:
        raise InputError(
            "missing_sheet",
            Location(str(path)),
            Msg("sheets {sheets}", sheets=list(sheets)),
            Msg("an indicator sheet named 指标数据 or Indicators (as `cpscore template` writes)"),
        )
    if ind_sheet not in named:
        reader.note(
            "sheet_by_header",
            Msg(
                "no sheet named 指标数据/Indicators; read the indicators from sheet {ind_sheet}, found by its header row",
                ind_sheet=repr(ind_sheet),
            ),
            Location(str(path), ind_sheet),
        )
    meta: dict[str, Any] = {}
    if plant_sheet is None:
        required = [f for f in system.facts if f.required]
        if required:
            reader.error(
                "missing_sheet",
                Location(str(path)),
                Msg("no plant sheet (sheets {x1}), so no value for ", x1=list(sheets))
                + ", ".join(f"{f.name.zh} ({f.id})" for f in required),
                Msg("a plant sheet named 企业信息 or Plant (as `cpscore template` writes)"),
            )
        else:
            reader.note(
                "no_plant_sheet",
                Msg("no plant sheet (企业信息 / Plant); plant facts are missing"),
                Location(str(path)),
            )
    else:
        meta = reader.plant(plant_sheet, sheets[plant_sheet])
    reader.indicators(ind_sheet, sheets[ind_sheet])
    raw_sheet = _find_sheet(sheets, RAW_SHEETS)
    if raw_sheet is not None:
        reader.raw(raw_sheet, sheets[raw_sheet])
    noted = {f.location.sheet for f in reader.findings if f.code == "ignored_copy"}
    for extra in sorted(set(sheets) - {plant_sheet, ind_sheet, raw_sheet} - noted):
        if _key(extra) in {_key(n) for n in INSTRUCTION_SHEETS}:
            continue
        reader.note(
            "ignored_sheet",
            Msg("sheet {extra} is not read", extra=repr(extra)),
            Location(str(path), extra),
        )
    other_sector = [e for e in reader.errors if e.kind == "other_sector"]
    if other_sector:  # the other errors would only repeat that this is the wrong system
        raise other_sector[0]
    if reader.errors:
        raise WorkbookErrors(reader.errors) if len(reader.errors) > 1 else reader.errors[0]
    if meta.get("system") and meta["system"] != system.id:
        reader.note(
            "other_system",
            Msg(
                "the workbook names system {x1}; evaluated with {id}",
                x1=quoted(meta["system"]),
                id=system.id,
            ),
            Location(str(path)),
        )
    meta.setdefault("id", None)
    meta["id"] = meta["id"] or path.stem
    meta["file"] = str(path)
    meta["sha256"] = opened.sha256
    return PlantRecord(meta, reader.row, reader.findings, reader.provenance)


def enum_labels(system: System, f: Fact) -> list[str]:
    """An enum fact's values as the template's drop-down shows them, in the reader's language."""
    lang = language()
    spec = next((x for x in system.raw.get("facts", ()) if x["id"] == f.id), {})
    labels = spec.get("value_labels", {})
    return [labels.get(v, {}).get(lang) or labels.get(v, {}).get("zh") or v for v in f.values]


def named_system(path: str | Path) -> str | None:
    """The system id the workbook's plant sheet names (row 'system' / 指标体系), if any.

    ``cpscore template`` writes it, so ``cpscore evaluate PLANT.xlsx`` needs no --sector.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            "no_file", Location(str(path)), Msg("no such file"), Msg("a plant workbook (.xlsx)")
        )
    sheets = open_workbook(path).sheets
    plant_sheet = _find_sheet(sheets, PLANT_SHEETS)
    if plant_sheet is None:
        return None
    wanted = {_key(a) for a in PLANT_KEYS["system"]}
    rows = sheets[plant_sheet]
    for r in range(len(rows)):
        label, value = _cell(rows, r, 0), _cell(rows, r, 1)
        if label is not None and _key(label) in wanted and value is not None:
            return str(value).strip() or None
    return None
