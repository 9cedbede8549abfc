"""Wide workbooks (DESIGN §5): one row per plant, one column per fact and indicator.

Associations collect a sector this way. The header row holds fact and indicator ids (or names,
optionally with a unit in brackets: ``单位熟料综合煤耗 (tce/t)``); the first column is the plant
id, with optional name and period columns. Each cell is read with the single-plant reader's rules
(:class:`cpscore.read.workbook._Reader`), so a value means the same in either form. A row with errors
is rejected on its own, naming its cells; the other rows are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cpscore.common.errors import Finding, InputError, Location, WorkbookErrors
from cpscore.common.i18n import Msg
from cpscore.system.model import Fact, Indicator, System

from .plant_rows import MissingCells, WideBlock
from .safety import SheetInfo
from .values import cell_ref, column_letter, integer_text, quoted
from .wide_columns import ColumnReading
from .wide_header import Column, WideHeader
from .workbook import PlantRecord, _cell, _Reader, sha256_of


@dataclass
class RowRejection:
    """A wide row that cannot be evaluated, with every problem found in it."""

    plant_id: str | None
    row: int  # one-based, as Excel shows it
    errors: list[InputError]


def read_wide_sheets(
    path: Path,
    sheets: dict[str, list[list[Any]]],
    system: System,
    header: WideHeader,
    sheet_info: dict[str, SheetInfo] | None = None,
    fast: bool = True,
    sha256: str | None = None,
) -> tuple[WideBlock, list[RowRejection]]:
    """Every data row below the header: the plants read (by column), and the rows rejected.

    Cells are classified a column at a time (:class:`cpscore.read.wide_columns.ColumnReading`): a plain number within the
    plausible range, a blank, or a text answer that reads cleanly is taken as it stands. A row
    holding anything else (or a missing or repeated id, a formula, a merged cell) is read cell by
    cell with the single-plant reader's rules, which report it. ``fast=False`` reads every row
    that way (tests compare the two). ``sha256`` is the file's digest when the caller has it
    (OpenedWorkbook.sha256), so the file is not read again for it.
    """
    rows = sheets[header.sheet]
    sheet = header.sheet
    _refuse_repeated(path, header, rows)
    body = rows[header.row + 1 :]
    id_col = next(c for c, col in header.columns.items() if col == Column("meta", "id"))
    indicators = {ind.id: ind for ind in system.indicators}
    facts = {f.id: f for f in system.facts}
    present = {col.key for col in header.columns.values() if col.kind == "indicator"}
    # Where each indicator's value sits, shared by every row (the result derives the cell).
    letters = {
        col.key: column_letter(c) for c, col in header.columns.items() if col.kind == "indicator"
    }
    sha = sha256 or sha256_of(path)
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
                Msg("no plant id in a row with data"),
                Msg("a plant id (企业编号) in the first column"),
            )
        elif cols.first[plant_id] != k:
            reader.error(
                "duplicate_id",
                reader.loc(sheet, r, id_col),
                Msg("plant id {plant_id} again", plant_id=repr(plant_id)),
                Msg(
                    "one row per plant (first in row {x1})",
                    x1=header.row + 2 + cols.first[plant_id],
                ),
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
            Msg(
                "column {text} is not a fact or indicator of {id}; not read",
                text=repr(text),
                id=system.id,
            ),
            location=Location(str(path), sheet, cell_ref(header.row, c)),
        )
        for c, text in header.ignored.items()
    ]
    absent = [
        Finding(
            "missing_column",
            Msg("no column for {id} ({name}); treated as missing", id=ind.id, name=ind.name),
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
            meta[col.key] = integer_text(value)
        elif col.kind == "fact":
            reader.fact(facts[col.key], value, loc, col.unit)
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
                Msg("no value for {name} ({id})", name=f.name, id=f.id),
                Msg(
                    "a value in the column {id}: {expected_fact}",
                    id=repr(f.id),
                    expected_fact=reader._expected_fact(facts[f.id]),
                ),
            )


def _refuse_repeated(path: Path, header: WideHeader, rows: list[list[Any]]) -> None:
    """One fact or indicator in two columns (by id and by name): which one holds the value is
    anybody's guess, so the workbook is refused naming both header cells."""
    errors = [
        InputError(
            "duplicate_column",
            Location(str(path), header.sheet, cell_ref(header.row, c)),
            Msg(
                "column {this} {text} names {key} again (first in column {first} {first_text})",
                this=column_letter(c),
                text=quoted(_cell(rows, header.row, c)),
                key=header.columns[first].key,
                first=column_letter(first),
                first_text=quoted(_cell(rows, header.row, first)),
            ),
            Msg("one column per fact and indicator: delete or rename the other"),
        )
        for c, first in sorted(header.repeated.items())
    ]
    if errors:
        raise WorkbookErrors(errors) if len(errors) > 1 else errors[0]
