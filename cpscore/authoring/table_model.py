"""The one table model every reader of a published table feeds: rows of cells, each with its
text, its row/column span and its place in the source (a workbook cell, a box on a PDF page, a
cell of a Word table).

import-table interprets this model (〃, ``*``, comparators, groups …) once, whatever the source,
so an Excel paste, the PDF of the announcement and the Word draft are read by the same rules.
A merged cell holds its value at its top-left position; the positions it covers are ``None``.
Also here, as every reader and the interpretation share them: what a reader hands over
(:class:`TableSource`), a cell's issue (:class:`CellIssue`) and finding the header row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from cpscore.authoring import table_layout as L
from cpscore.read.values import cell_ref


@dataclass(frozen=True)
class Place:
    """Where a cell sits in its source: ``sheet``+``cell`` for a workbook; ``page`` and ``bbox``
    (x0, top, x1, bottom in PDF points, origin top-left) for a PDF; ``table``/``row``/``col``
    (1-based) for a Word document."""

    sheet: str = ""
    cell: str = ""
    page: int = 0
    bbox: tuple[float, float, float, float] | None = None
    table: int = 0
    row: int = 0
    col: int = 0
    turn: int = 0  # PDF: degrees the text is turned on the page (90: it runs up the page)

    @property
    def area(self) -> str:
        """The first part of an address: the sheet, the page or the table."""
        if self.page:
            return f"p.{self.page}"
        if self.table:
            return f"table {self.table}"
        return self.sheet

    @property
    def spot(self) -> str:
        """The second part: the cell, or the box on the page."""
        if self.bbox is not None:
            x0, top, x1, bottom = self.bbox
            return f"row {self.row} col {self.col} [{x0:.0f},{top:.0f},{x1:.0f},{bottom:.0f}]"
        if self.table:
            return f"row {self.row} col {self.col}"
        return self.cell

    def __str__(self) -> str:
        return f"{self.area}!{self.spot}" if self.spot else self.area

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {}
        for k in ("sheet", "cell", "page", "table", "row", "col"):
            v = getattr(self, k)
            if v:
                d[k] = v
        if self.bbox is not None:
            d["bbox"] = [round(v, 1) for v in self.bbox]
        return d


@dataclass(frozen=True)
class Cell:
    """One cell of a table as the source holds it."""

    value: Any  # text for documents; the typed value (number, date) for workbooks
    place: Place
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Grid:
    """A table: ``rows[r][c]`` is the Cell starting there, or None (empty, or covered by a
    merged cell). ``name`` names the table in messages (the sheet, or 'p.5' for a PDF)."""

    name: str
    rows: list[list[Cell | None]]
    source: str = "xlsx"  # xlsx | pdf | docx
    after: list[str] = field(default_factory=list)  # text lines below the table (footnotes …)
    title: str = ""  # the document's title, where the reader found one
    after_place: Place | None = None  # where the text below the table sits (PDF)

    @property
    def values(self) -> list[list[Any]]:
        return [[c.value if c is not None else None for c in row] for row in self.rows]

    def cell(self, r: int, c: int) -> Cell | None:
        """The cell at (r, c), or the merged cell covering it."""
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]) and self.rows[r][c]:
            return self.rows[r][c]
        return self._covered.get((r, c))

    @cached_property
    def _covered(self) -> dict[tuple[int, int], Cell]:
        out: dict[tuple[int, int], Cell] = {}
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                if cell is not None and (cell.rowspan > 1 or cell.colspan > 1):
                    for rr in range(r, r + cell.rowspan):
                        for cc in range(c, c + cell.colspan):
                            out.setdefault((rr, cc), cell)
        return out

    def place(self, r: int, c: int) -> Place:
        """Where position (r, c) sits; a covered position names the merged cell covering it."""
        cell = self.cell(r, c)
        return cell.place if cell is not None else self.fallback(r, c)

    def fallback(self, r: int, c: int) -> Place:
        if self.source == "xlsx":
            return Place(sheet=self.name, cell=cell_ref(r, c))
        return Place(sheet=self.name, cell=f"row {r + 1} col {c + 1}")

    def address(self, r: int, c: int) -> tuple[str, str]:
        p = self.place(r, c)
        return p.area or self.name, p.spot


def grid_from_values(name: str, values: list[list[Any]]) -> Grid:
    """A workbook sheet's values (merged ranges already blank but for their first cell)."""
    rows = [
        [
            None if v is None else Cell(v, Place(sheet=name, cell=cell_ref(r, c)))
            for c, v in enumerate(row)
        ]
        for r, row in enumerate(values)
    ]
    return Grid(name, rows, "xlsx")


@dataclass(frozen=True)
class CellIssue:
    """One cell of the workbook, and what is wrong with it (or what was interpreted)."""

    sheet: str
    cell: str
    found: str
    message: Any  # Msg (rendered in the reader's language when shown) or plain text

    @property
    def address(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def __str__(self) -> str:
        found = f" {self.found!r}:" if self.found else ""
        return f"{self.address}:{found} {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "found": self.found,
            "message": str(self.message),
        }


Entries = dict[str, tuple[Any, tuple[str, str]]]  # key -> (value, (sheet/area, cell))


@dataclass
class TableSource:
    """What a reader found in its file: the table, metadata entries and where they sit.

    ``entries`` win over ``base`` metadata (a key/value sheet, or what a document states, such as
    its classification section); ``defaults`` are used only where nothing else gives the key.
    """

    grid: Grid
    entries: Entries = field(default_factory=dict)
    defaults: Entries = field(default_factory=dict)
    problems: list[CellIssue] = field(default_factory=list)
    notes: list[CellIssue] = field(default_factory=list)
    meta_sheet: str | None = None  # where metadata is expected, for the "missing" messages


# --- the header ---------------------------------------------------------------------------


def find_header(rows: list[list[Any]]) -> int | None:
    for r, row in enumerate(rows[:30]):
        keys = {L.header_key(v) for v in row}
        if keys & {L.header_key(a) for a in L.PRINTED["name"][1] if a != "指标"}:
            return r
    return None


def map_columns(rows: list[list[Any]], hr: int) -> tuple[dict[str, int], int]:
    """Column key -> index, and the first data row (header may span two rows)."""
    header = rows[hr]
    below = rows[hr + 1] if hr + 1 < len(rows) else []
    cols: dict[str, int] = {}
    aliases = {
        L.header_key(a): key for key, (_, names) in L.PRINTED.items() for a in names if a != "指标"
    }
    extras = {k: k for k in (*L.GROUP_EXTRAS, *L.INDICATOR_EXTRAS)}
    two_rows = False
    for c, v in enumerate(header):
        k = L.header_key(v)
        lv = L.level_of_header(v)
        if lv:
            cols[f"level:{lv}"] = c
        elif k in aliases and aliases[k] not in cols:
            cols[aliases[k]] = c
        elif k == "权重":
            # A bare 权重 after 一级指标 is the group weight; after 二级指标, the indicator weight.
            cols["weight" if "name" in cols else "group_weight"] = c
        elif k in extras:
            cols[k] = c
        elif k.startswith(L.PRINTED_PREFIX):
            cols[L.PRINTED_PREFIX + k[len(L.PRINTED_PREFIX) :].upper()] = c
    for c, v in enumerate(below):
        lv = L.level_of_header(v)
        if lv and f"level:{lv}" not in cols:
            cols[f"level:{lv}"] = c
            two_rows = True
    return cols, hr + (2 if two_rows else 1)
