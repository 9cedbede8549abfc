"""The indicator table of a document: found among its tables, its continuations joined.

A long table is printed over several pages (PDF) or split into several tables (Word); each part
has the same columns and usually repeats the header, which is dropped. What follows the table
(footnotes, the classification section) is kept for the metadata it states.
"""

from __future__ import annotations

from dataclasses import dataclass

from cpscore.authoring.table_model import (
    Cell,
    CellIssue,
    Grid,
    TableSource,
    find_header,
    map_columns,
)
from cpscore.common.errors import InputError, Location
from cpscore.common.i18n import _

from .classification import recognise
from .text import join_lines


@dataclass
class RawTable:
    """One table as a reader found it: rows of cells, its column edges (PDF) and its page."""

    rows: list[list[Cell | None]]
    xs: tuple[float, ...] = ()
    page: int = 0
    bbox: tuple[float, ...] = ()

    @property
    def ncols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def texts(self, r: int) -> list[str]:
        return [str(c.value) if c else "" for c in self.rows[r]]


def _continues(first: RawTable, part: RawTable) -> bool:
    if part.ncols != first.ncols:
        return False
    if first.xs and part.xs and len(first.xs) == len(part.xs):
        return all(abs(a - b) <= 3.0 for a, b in zip(first.xs, part.xs, strict=True))
    return True


def _is_rest_of_row(row: list[Cell | None], key_cols: list[int]) -> bool:
    """A row broken over a page: its second part has neither number nor weight of its own."""
    blank = all(c >= len(row) or row[c] is None or not str(row[c].value) for c in key_cols)
    return bool(key_cols) and blank and any(c is not None and str(c.value) for c in row)


def _joined(above: list[Cell | None], rest: list[Cell | None]) -> list[Cell | None]:
    """The two parts of a row broken over a page as one row (texts joined, first place kept)."""
    out = list(above)
    for c, cell in enumerate(rest):
        if cell is None or not str(cell.value):
            continue
        if c < len(out) and out[c] is not None:
            top = out[c]
            out[c] = Cell(
                join_lines([str(top.value), str(cell.value)]), top.place, top.rowspan, top.colspan
            )
        elif c < len(out):
            out[c] = cell
    return out


def assemble(
    tables: list[RawTable],
    path: str,
    kind: str,
    texts: dict[int, list[str]],
    title: str,
    textless: list[int],
):  # -> TableSource

    start = next(
        (k for k, t in enumerate(tables) if find_header(Grid("", t.rows).values) is not None),
        None,
    )
    if start is None:
        where = _("pages without text: {p}").format(p=textless) if textless else ""
        raise InputError(
            "header",
            Location(path, where),
            _("no table whose header names 二级指标"),
            _(
                "a ruled table with the columns 一级指标, 权重, 二级指标, 单位, 二级指标权重, "
                "Ⅰ/Ⅱ/Ⅲ级基准值 (give the table's pages with --pages)"
            ),
        )
    first = tables[start]
    grid_rows = [list(r) for r in first.rows]
    values = Grid("", first.rows).values
    hr = find_header(values) or 0
    cols, body = map_columns(values, hr)
    header = [first.texts(r) for r in range(hr, body)]
    key_cols = [cols[k] for k in ("no", "weight") if k in cols]
    parts = [first]
    k = start + 1
    while k < len(tables) and _continues(first, tables[k]):
        part = tables[k]
        r = 0
        while r < len(part.rows) and part.texts(r) in header:
            r += 1  # the header repeated on the new page
        if r < len(part.rows) and grid_rows and _is_rest_of_row(part.rows[r], key_cols):
            grid_rows[-1] = _joined(grid_rows[-1], part.rows[r])
            r += 1
        grid_rows += [list(x) for x in part.rows[r:]]
        parts.append(part)
        k += 1
    pages = sorted({p.page for p in parts if p.page})
    name = f"p.{pages[0]}" if pages else "table 1"
    grid = Grid(name, grid_rows, kind, title=title)
    after: list[str] = []
    last_page = parts[-1].page
    for n in sorted(texts):
        if n >= last_page:
            after += texts[n]
    for t in tables[k:]:
        after += [" ".join(x for x in t.texts(r) if x) for r in range(len(t.rows))]
    grid.after = after
    source = TableSource(grid, meta_sheet="--set KEY=VALUE")
    area = f"p.{last_page}" if last_page else name
    for line in after:
        if line.startswith(("注", "说明", "备注")):
            source.notes.append(CellIssue(area, "", line[:80], _("footnote below the table")))
    if title:
        for key in ("title.zh", "source.title"):
            source.defaults[key] = (title, (name, "title"))
    rules, message = recognise(after)
    if rules is not None:
        source.entries["classification"] = (rules, (area, "classification section"))
        source.notes.append(CellIssue(area, "", "", message))
    else:
        source.notes.append(CellIssue(area, "", "", message))
    if textless:
        source.notes.append(
            CellIssue(str(textless), "", "", _("pages without a text layer were skipped"))
        )
    return source
