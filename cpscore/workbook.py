"""Reading a plant data workbook (DESIGN §5) into one row of plant data for a system.

Sheets: plant (key/value rows), indicators (one row per indicator), optional raw data. Chinese or
English headers in any order and case. Values are converted to the system's units where the unit
differs and can be converted; every interpretation is reported as a finding with its cell.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import units
from .errors import CpscoreError, Finding, InputError, Location
from .inputs import canonical_level
from .model import Fact, Indicator, System
from .values import Parsed, cell_ref, parse_number

PLANT_SHEETS = ("plant", "企业信息", "企业基本信息", "基本信息", "企业")
INDICATOR_SHEETS = ("indicators", "指标数据", "指标", "评价指标", "指标填报")
RAW_SHEETS = ("raw data", "raw", "原始数据")

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
}
PLANT_KEYS = {
    "id": ("id", "plantid", "plant", "企业编号", "编号"),
    "name": ("name", "plantname", "企业名称", "名称"),
    "period": ("period", "evaluationperiod", "reportingyear", "评价期", "评价年度", "报告年度"),
    "system": ("system", "indicatorsystem", "指标体系"),
}


class WorkbookErrors(CpscoreError):
    """Every problem found in one workbook, reported together."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__(self.describe())

    def describe(self) -> str:
        return "\n".join(e.describe() for e in self.errors)


@dataclass
class PlantRecord:
    """One plant as read: identity, the row for the scorer, and what was interpreted."""

    meta: dict[str, Any]
    row: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)


def _key(text: object) -> str:
    return re.sub(r"[\s_()（）\[\]【】:：*]", "", str(text or "")).lower()


def _read_sheets(path: Path) -> dict[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        return {
            name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in wb.sheet_names
        }
    except Exception as e:  # calamine raises its own and zip/XML errors for broken files
        raise InputError(
            "not_a_workbook",
            Location(str(path)),
            f"the file cannot be read as a workbook ({type(e).__name__}: {e})",
            "an .xlsx workbook (Excel, WPS or LibreOffice)",
        ) from None


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
            f = aliases.get(_key(cell))
            if f and f not in cols:
                cols[f] = c
        if "value" in cols and ("id" in cols or "name" in cols):
            return r, cols
    return None


def _cell(rows: list[list[Any]], r: int, c: int | None) -> Any:
    if c is None or r >= len(rows) or c >= len(rows[r]):
        return None
    v = rows[r][c]
    return None if isinstance(v, str) and not v.strip() else v


class _Reader:
    def __init__(self, system: System, path: Path):
        self.system = system
        self.path = path
        self.errors: list[InputError] = []
        self.findings: list[Finding] = []
        self.row: dict[str, Any] = {}
        self.provenance: dict[str, dict[str, Any]] = {}

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
        for r, _row in enumerate(rows):
            label, value = _cell(rows, r, 0), _cell(rows, r, 1)
            if label is None:
                continue
            k = _key(label)
            if k in keys:
                meta.setdefault(keys[k], None if value is None else str(value).strip())
            elif k in facts:
                self.fact(facts[k], value, self.loc(sheet, r, 1))
        for f in self.system.facts:
            if f.required and self.row.get(f.id) is None:
                self.error(
                    "missing_fact",
                    self.loc(sheet),
                    f"no value for {f.name.zh} ({f.id})",
                    f"a row '{f.id}' with {self._expected_fact(f)}",
                )
        return meta

    def _expected_fact(self, f: Fact) -> str:
        if f.type == "enum":
            return "one of " + ", ".join(f.values)
        return {
            "number": f"a number{f' in {f.unit}' if f.unit else ''}",
            "boolean": "是/否 (yes/no)",
        }.get(f.type, "text")

    def fact(self, f: Fact, value: Any, loc: Location) -> None:
        if value is None:
            return
        if f.type == "number":
            p = parse_number(value)
            if p.kind != "number":
                self.error("bad_fact", loc, f"{value!r} for {f.name.zh}", self._expected_fact(f))
                return
            self.row[f.id] = p.value
        elif f.type == "boolean":
            from .inputs import _as_bool

            b = _as_bool(value)
            if b is None:
                self.error("bad_fact", loc, f"{value!r} for {f.name.zh}", "是/否 (yes/no)")
            self.row[f.id] = b
        elif f.type == "enum":
            text = str(value).strip()
            labels = {f"{v}": v for v in f.values}
            raw = self.system.raw["facts"]
            spec = next(x for x in raw if x["id"] == f.id)
            for v, lab in spec.get("value_labels", {}).items():
                labels[lab.get("zh", v)] = v
                labels[lab.get("en", v)] = v
            match = {_key(k): v for k, v in labels.items()}.get(_key(text))
            if match is None:
                self.error("bad_fact", loc, f"{text!r} for {f.name.zh}", self._expected_fact(f))
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
                "no header row with an id (指标编号) and a value (填报值) column",
                "headers such as 指标编号/id, 指标名称/name, 单位/unit, 填报值/value",
            )
            return
        hr, cols = found
        by_id = {ind.id: ind for ind in self.system.indicators}
        by_name = {
            _key(a): ind for ind in self.system.indicators for a in (ind.name.zh, ind.name.en)
        }
        seen: dict[str, str] = {}
        for r in range(hr + 1, len(rows)):
            ident, name = _cell(rows, r, cols.get("id")), _cell(rows, r, cols.get("name"))
            if ident is None and name is None:
                continue
            ind = by_id.get(str(ident).strip()) if ident is not None else by_name.get(_key(name))
            if ind is None and ident is None:
                continue  # a heading or comment row
            if ind is None:
                self.error(
                    "unknown_indicator",
                    self.loc(sheet, r, cols.get("id", 0)),
                    f"unknown indicator id {ident!r}",
                    self._suggest(str(ident)),
                )
                continue
            vloc = self.loc(sheet, r, cols["value"])
            if ind.id in seen:
                self.error(
                    "duplicate_indicator",
                    vloc,
                    f"a second row for {ind.id}",
                    f"one row per indicator (first at {seen[ind.id]})",
                )
                continue
            seen[ind.id] = vloc.cell
            self.value(ind, _cell(rows, r, cols["value"]), _cell(rows, r, cols.get("unit")), vloc)
            evidence = _cell(rows, r, cols.get("note"))
            self.provenance.setdefault(ind.id, {"how": "typed"})
            self.provenance[ind.id]["cell"] = f"{sheet}!{vloc.cell}"
            if evidence is not None:
                self.provenance[ind.id]["evidence"] = str(evidence)
        for ind in self.system.indicators:
            if ind.id not in seen:
                self.note(
                    "missing_row",
                    f"no row for {ind.id} ({ind.name.zh}); treated as missing",
                    self.loc(sheet),
                    ind.id,
                )

    def _suggest(self, ident: str) -> str:
        ids = [i.id for i in self.system.indicators]
        close = difflib.get_close_matches(ident, ids, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"an indicator id of {self.system.id}{hint}"

    def value(self, ind: Indicator, cell: Any, unit_cell: Any, loc: Location) -> None:
        if not ind.quantitative:
            self.answer(ind, cell, loc)
            return
        p: Parsed = parse_number(cell)
        if p.note:
            self.note("interpreted", p.note, loc, ind.id)
        if p.kind == "invalid":
            self.error(
                "not_a_number",
                loc,
                f"{p.note} for {ind.id} ({ind.name.zh})",
                f"a number in {ind.unit or 'the indicator unit'}",
            )
            return
        if p.kind == "n/a":
            self.row[ind.id] = "n/a"
            return
        if p.kind == "missing":
            self.note(
                "missing",
                f"no value for {ind.id} ({ind.name.zh}): scores 0 at every level",
                loc,
                ind.id,
            )
            return
        given_unit = p.unit or (str(unit_cell).strip() if unit_cell is not None else "") or ind.unit
        value = p.value
        if not units.same(given_unit, ind.unit):
            try:
                f = units.factor(given_unit, ind.unit)
            except units.UnitError:
                self.error(
                    "unit",
                    loc,
                    f"unit {given_unit!r} for {ind.id}",
                    f"{ind.unit!r} or a unit convertible to it",
                )
                return
            value = p.value * f  # type: ignore[operator]
            msg = f"{p.value:g} {given_unit} converted to {value:g} {ind.unit}"
            self.note("converted", msg, loc, ind.id)
            self.provenance[ind.id] = {"how": "converted", "from": f"{p.value:g} {given_unit}"}
        if ind.plausible:
            lo, hi = ind.plausible
            if (lo is not None and value < lo) or (hi is not None and value > hi):  # type: ignore[operator]
                self.error(
                    "implausible",
                    loc,
                    f"{value:g} {ind.unit} for {ind.id}",
                    f"a value within the plausible range {lo:g}–{hi:g} {ind.unit} the system states",
                )
                return
        self.row[ind.id] = value

    def answer(self, ind: Indicator, cell: Any, loc: Location) -> None:
        from .inputs import NONE_MET, NOT_APPLICABLE, _as_bool

        if cell is None:
            self.note(
                "missing",
                f"no answer for {ind.id} ({ind.name.zh}): scores 0 at every level",
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
            b = _as_bool(cell)
            if b is not None:
                self.row[ind.id] = "yes" if b else "no"
                return
            self.error("bad_answer", loc, f"{text!r} for {ind.id}", "是/否 (yes/no) or n/a")
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
                f"{text!r} for {ind.id}",
                f"the best level met ({'/'.join(levels)}), none, or n/a",
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
                    "not_a_number", self.loc(sheet, r, 1), f"{p.note} for {f.id}", "a number"
                )


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_plant_workbook(path: str | Path, system: System) -> PlantRecord:
    """Read one plant; raises InputError / WorkbookErrors naming file, sheet and cell."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no_file", Location(str(path)), "no such file", "a plant workbook (.xlsx)")
    return plant_from_sheets(path, read_sheets(path), system)


def read_sheets(path: str | Path) -> dict[str, list[list[Any]]]:
    """Every sheet's cell values (python-calamine); InputError 'not_a_workbook' when unreadable."""
    return _read_sheets(Path(path))


def has_indicator_sheet(sheets: dict[str, Any]) -> bool:
    return _find_sheet(sheets, INDICATOR_SHEETS) is not None


def plant_from_sheets(
    path: Path, sheets: dict[str, list[list[Any]]], system: System
) -> PlantRecord:
    """One plant from the already-read sheets of a plant workbook (see read_plant_workbook)."""
    reader = _Reader(system, path)
    plant_sheet = _find_sheet(sheets, PLANT_SHEETS)
    ind_sheet = _find_sheet(sheets, INDICATOR_SHEETS)
    if ind_sheet is None:
        raise InputError(
            "missing_sheet",
            Location(str(path)),
            f"sheets {list(sheets)}",
            "an indicator sheet named 指标数据 or Indicators",
        )
    meta: dict[str, Any] = {}
    if plant_sheet is None:
        reader.note(
            "no_plant_sheet",
            "no plant sheet (企业信息 / Plant); plant facts are missing",
            Location(str(path)),
        )
    else:
        meta = reader.plant(plant_sheet, sheets[plant_sheet])
    reader.indicators(ind_sheet, sheets[ind_sheet])
    raw_sheet = _find_sheet(sheets, RAW_SHEETS)
    if raw_sheet is not None:
        reader.raw(raw_sheet, sheets[raw_sheet])
    for extra in set(sheets) - {plant_sheet, ind_sheet, raw_sheet}:
        reader.note("ignored_sheet", f"sheet {extra!r} is not read", Location(str(path), extra))
    if reader.errors:
        raise WorkbookErrors(reader.errors) if len(reader.errors) > 1 else reader.errors[0]
    if meta.get("system") and meta["system"] != system.id:
        reader.note(
            "other_system",
            f"the workbook names system {meta['system']!r}; evaluated with {system.id}",
            Location(str(path)),
        )
    meta.setdefault("id", None)
    meta["id"] = meta["id"] or path.stem
    meta["file"] = str(path)
    meta["sha256"] = sha256_of(path)
    return PlantRecord(meta, reader.row, reader.findings, reader.provenance)
