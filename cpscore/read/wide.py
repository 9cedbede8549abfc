"""Wide workbooks (DESIGN §5): one row per plant, one column per fact and indicator.

Associations collect a sector this way. The header row holds fact and indicator ids (or names,
optionally with a unit in brackets: ``单位熟料综合煤耗 (tce/t)``); the first column is the plant
id, with optional name and period columns. Each cell is read with the single-plant reader's rules
(:class:`cpscore.read.workbook._Reader`), so a value means the same in either form. A row with errors
is rejected on its own, naming its cells; the other rows are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cpscore.common.atomic import atomic_path
from cpscore.common.errors import Finding, InputError, Location
from cpscore.system.model import Fact, Indicator, System

from .plant_rows import MissingCells, WideBlock
from .safety import SheetInfo
from .values import cell_ref, column_letter
from .wide_columns import ColumnReading
from .workbook import PLANT_KEYS, PlantRecord, _cell, _key, _Reader, sha256_of

WIDE_SHEET = {"zh": "企业指标汇总", "en": "Plants"}
WIDE_META = ("id", "name", "period")
_HEADER_ROWS = 15
_UNIT_SUFFIX = re.compile(r"^(.*?)\s*[（(\[【]([^）)\]】]*)[）)\]】]\s*$")


@dataclass(frozen=True)
class Column:
    """What a header cell names: a plant key (id/name/period), a fact or an indicator."""

    kind: str  # meta | fact | indicator
    key: str
    unit: str | None = None  # unit written in the header, for indicators


@dataclass
class WideHeader:
    sheet: str
    row: int  # zero-based
    columns: dict[int, Column]
    ignored: dict[int, str]  # column -> header text not recognised

    @property
    def indicator_count(self) -> int:
        return sum(1 for c in self.columns.values() if c.kind == "indicator")


@dataclass
class RowRejection:
    """A wide row that cannot be evaluated, with every problem found in it."""

    plant_id: str | None
    row: int  # one-based, as Excel shows it
    errors: list[InputError]


def _lookup(system: System) -> dict[str, Column]:
    table: dict[str, Column] = {}
    for ind in system.indicators:
        for a in (ind.name.zh, ind.name.en, ind.id):
            table[_key(a)] = Column("indicator", ind.id)
    for f in system.facts:
        for a in (f.name.zh, f.name.en, f.id):
            table[_key(a)] = Column("fact", f.id)
    for k in WIDE_META:
        for a in PLANT_KEYS[k]:
            table[_key(a)] = Column("meta", k)
    return table


def _column(text: Any, table: dict[str, Column]) -> Column | None:
    if text is None or not str(text).strip():
        return None
    found = table.get(_key(text))
    if found is not None:
        return found
    m = _UNIT_SUFFIX.match(str(text).strip())
    if m:
        base = table.get(_key(m.group(1)))
        if base is not None and base.kind == "indicator":
            return Column("indicator", base.key, m.group(2).strip() or None)
        if base is not None:
            return base
    return None


def find_header(sheets: dict[str, list[list[Any]]], system: System) -> WideHeader | None:
    """The sheet and row that head a wide table: a plant id column and at least one indicator.

    Among candidate rows the one naming most indicators wins, the later one on a tie, so the
    template's label row above its id row is skipped.
    """
    table = _lookup(system)
    best: WideHeader | None = None
    for sheet, rows in sheets.items():
        for r, row in enumerate(rows[:_HEADER_ROWS]):
            cols: dict[int, Column] = {}
            ignored: dict[int, str] = {}
            seen: set[tuple[str, str]] = set()
            for c, cell in enumerate(row):
                col = _column(cell, table)
                if col is None:
                    if cell is not None and str(cell).strip():
                        ignored[c] = str(cell).strip()
                    continue
                if (col.kind, col.key) not in seen:
                    seen.add((col.kind, col.key))
                    cols[c] = col
            head = WideHeader(sheet, r, cols, ignored)
            if ("meta", "id") not in seen or head.indicator_count == 0:
                continue
            if best is None or head.indicator_count >= best.indicator_count:
                best = head
    return best


def read_wide_sheets(
    path: Path,
    sheets: dict[str, list[list[Any]]],
    system: System,
    header: WideHeader,
    sheet_info: dict[str, SheetInfo] | None = None,
    fast: bool = True,
) -> tuple[WideBlock, list[RowRejection]]:
    """Every data row below the header: the plants read (by column), and the rows rejected.

    Cells are classified a column at a time (:class:`cpscore.read.wide_columns.ColumnReading`): a plain number within the
    plausible range, a blank, or a text answer that reads cleanly is taken as it stands. A row
    holding anything else (or a missing or repeated id, a formula, a merged cell) is read cell by
    cell with the single-plant reader's rules, which report it. ``fast=False`` reads every row
    that way (tests compare the two).
    """
    rows = sheets[header.sheet]
    sheet = header.sheet
    body = rows[header.row + 1 :]
    id_col = next(c for c, col in header.columns.items() if col == Column("meta", "id"))
    indicators = {ind.id: ind for ind in system.indicators}
    facts = {f.id: f for f in system.facts}
    present = {col.key for col in header.columns.values() if col.kind == "indicator"}
    # Where each indicator's value sits, shared by every row (the result derives the cell).
    letters = {
        col.key: column_letter(c) for c, col in header.columns.items() if col.kind == "indicator"
    }
    sha = sha256_of(path)
    cols = ColumnReading(system, path, header, body, (sheet_info or {}).get(sheet))
    taken = ~cols.blank_row & (cols.ok if fast else False)
    slow: dict[int, PlantRecord] = {}  # body position -> record
    rejected: list[RowRejection] = []
    for k in np.flatnonzero(~cols.blank_row & ~taken).tolist():
        r = header.row + 1 + k
        reader = _Reader(system, path, sheet_info)
        meta = _read_row_slowly(reader, header, rows, r, indicators, facts, sheet)
        plant_id = meta.get("id")
        if not plant_id:
            reader.error(
                "missing_id",
                reader.loc(sheet, r, id_col),
                "no plant id in a row with data",
                "a plant id (企业编号) in the first column",
            )
        elif cols.first[plant_id] != k:
            reader.error(
                "duplicate_id",
                reader.loc(sheet, r, id_col),
                f"plant id {plant_id!r} again",
                f"one row per plant (first in row {header.row + 2 + cols.first[plant_id]})",
            )
        _check_required(reader, system, header, facts, sheet, r, id_col)
        if reader.errors:
            rejected.append(RowRejection(plant_id or None, r + 1, reader.errors))
            continue
        meta.update(file=str(path), sheet=sheet, row=r + 1, sha256=sha, columns=letters)
        slow[k] = PlantRecord(meta, reader.row, reader.findings, reader.provenance)
    accepted = taken.copy()
    accepted[list(slow)] = True
    keep = np.flatnonzero(accepted)
    notes = [
        Finding(
            "ignored_column",
            f"column {text!r} is not a fact or indicator of {system.id}; not read",
            location=Location(str(path), sheet, cell_ref(header.row, c)),
        )
        for c, text in header.ignored.items()
    ]
    absent = [
        Finding(
            "missing_column",
            f"no column for {ind.id} ({ind.name.zh}); treated as missing",
            ind.id,
            Location(str(path), sheet),
        )
        for ind in system.indicators
        if ind.id not in present
    ]
    block = WideBlock(
        file=str(path),
        sheet=sheet,
        sha256=sha,
        letters=letters,
        meta_keys=tuple(col.key for col in header.columns.values() if col.kind == "meta"),
        rows=keep + header.row + 2,
        meta={key: [col[k] for k in keep.tolist()] for key, col in cols.meta.items()},
        values={key: col[keep] for key, col in cols.values.items()},
        missing=[
            MissingCells(m.indicator, m.message, m.letter, m.mask[keep]) for m in cols.missing
        ],
        notes=notes,
        absent=absent,
    )
    position = {k: i for i, k in enumerate(keep.tolist())}
    for k, rec in slow.items():
        block.put(position[k], rec)
    rows[header.row + 1 :] = []  # read: let the cell values go (a national sheet is ~400 MB)
    return block, rejected


def _read_row_slowly(
    reader: _Reader,
    header: WideHeader,
    rows: list[list[Any]],
    r: int,
    indicators: dict[str, Indicator],
    facts: dict[str, Fact],
    sheet: str,
) -> dict[str, Any]:
    """One row, cell by cell, with the single-plant reader's rules and reports."""
    meta: dict[str, Any] = {}
    for c, col in header.columns.items():
        value = _cell(rows, r, c)
        loc = reader.loc(sheet, r, c)
        if col.kind == "meta":
            meta[col.key] = None if value is None else str(value).strip()
        elif col.kind == "fact":
            reader.fact(facts[col.key], value, loc)
        else:
            reader.value(indicators[col.key], value, col.unit, loc)
    return meta


def _check_required(
    reader: _Reader,
    system: System,
    header: WideHeader,
    facts: dict[str, Fact],
    sheet: str,
    r: int,
    id_col: int,
) -> None:
    fact_cols = {col.key: c for c, col in header.columns.items() if col.kind == "fact"}
    for f in system.facts:
        c = fact_cols.get(f.id, id_col)
        bad = any(e.location.cell == cell_ref(r, c) for e in reader.errors)
        if f.required and reader.row.get(f.id) is None and not bad:
            reader.error(
                "missing_fact",
                reader.loc(sheet, r, c),
                f"no value for {f.name.zh} ({f.id})",
                f"a value in the column {f.id!r}: {reader._expected_fact(facts[f.id])}",
            )


# -- the empty wide form ---------------------------------------------------------------------


def _label(system: System, key: str, kind: str, lang: str) -> str:
    if kind == "meta":
        return {
            "id": ("企业编号", "plant id"),
            "name": ("企业名称", "plant name"),
            "period": ("评价期", "evaluation period"),
        }[key][0 if lang == "zh" else 1]
    if kind == "fact":
        f = system.fact(key)
        assert f is not None
        extra = f" ({f.unit})" if f.unit else (f" [{'/'.join(f.values)}]" if f.values else "")
        return f.name.get(lang) + extra
    ind = system.indicator(key)
    if ind.quantitative:
        return f"{ind.name.get(lang)} ({ind.unit})" if ind.unit else ind.name.get(lang)
    from cpscore.views.template import answer_choices

    return f"{ind.name.get(lang)} [{'/'.join(answer_choices(system, ind, lang))}]"


def wide_columns(system: System) -> list[tuple[str, str]]:
    """(kind, key) of every column of the wide form, in order."""
    return [
        *(("meta", k) for k in WIDE_META),
        *(("fact", f.id) for f in system.facts),
        *(("indicator", ind.id) for ind in system.indicators),
    ]


def write_wide_workbook(
    system: System,
    path: str | Path,
    lang: str = "zh",
    plants: list[dict[str, Any]] | None = None,
) -> Path:
    """The wide form: a label row, the id row the reader keys on, then one row per plant.

    ``plants`` (optional) fills rows: each a dict of column keys (id, name, period, fact and
    indicator ids) to values.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from cpscore.views.neutralise import cell_value

    wb = Workbook()
    ws = wb.active
    ws.title = WIDE_SHEET[lang]
    cols = wide_columns(system)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for c, (kind, key) in enumerate(cols, start=1):
        label = ws.cell(1, c, _label(system, key, kind, lang))
        label.font = bold
        label.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(2, c, key).font = Font(italic=True, color="808080")
        ws.column_dimensions[label.column_letter].width = 18
    ws.row_dimensions[1].height = 60
    for r, plant in enumerate(plants or [], start=3):
        for c, (_kind, key) in enumerate(cols, start=1):
            ws.cell(r, c, cell_value(plant.get(key)))
    for r in range(3, 3 + max(len(plants or []), 20)):
        for c in range(1, len(cols) + 1):
            ws.cell(r, c).fill = fill
    ws.freeze_panes = "B3"
    notes = wb.create_sheet("填写说明" if lang == "zh" else "Instructions")
    notice = system.notice.get(lang) if system.notice and not system.official else ""
    for r, line in enumerate(
        [
            system.title.get(lang),
            f"{system.id} · {system.status}",
            notice,
            "每行一个企业；第2行为列代码，请勿修改。定量指标填数值（单位见第1行），定性指标填达到的最高级别，不适用填 n/a。"
            if lang == "zh"
            else "One row per plant; row 2 holds the column codes, keep it. Quantitative: a number in the unit of row 1; qualitative: the best level met; n/a where it does not apply.",
        ],
        start=1,
    ):
        notes.cell(r, 1, line)
    notes.column_dimensions["A"].width = 100
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)
