"""The indicator table of a Word (.docx) document, as the drafts for comment are circulated.

python-docx opens the file; the cells are read from the table XML itself so that merged cells
(gridSpan across, vMerge down) become one cell with its span. A cell's paragraphs are joined as
one text; superscript and subscript runs are written as ³ and ₂.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from cpscore.authoring.table_model import Cell, Place
from cpscore.common.errors import InputError, Location
from cpscore.common.i18n import _

from . import limits
from .tables import RawTable, assemble
from .text import join_lines, lowered, raised

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_INFLATED = 500 * 1024 * 1024


def _open(path: Path) -> Any:
    import docx

    where = Location(str(path))
    try:
        with zipfile.ZipFile(path) as z:
            inflated = sum(i.file_size for i in z.infolist())
            if "word/document.xml" not in z.namelist():
                raise zipfile.BadZipFile("no word/document.xml")
    except zipfile.BadZipFile:
        raise InputError(
            "damaged",
            where,
            _("not a readable .docx (damaged, or another format renamed)"),
            _("a Word .docx document"),
        ) from None
    limits.bound_bytes(
        where,
        inflated,
        MAX_INFLATED,
        _("{n} MB when unpacked"),
        _("a document of at most {n} MB unpacked"),
    )
    try:
        return docx.Document(str(path))
    except Exception as e:  # python-docx/lxml raise their own types for broken parts
        raise InputError(
            "damaged",
            where,
            _("a damaged .docx ({e})").format(e=type(e).__name__),
            _("a Word .docx document"),
        ) from None


def _paragraph_text(p: Any) -> str:
    out = ""
    for run in p.iter(f"{_W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{_W}t"))
        va = run.find(f"{_W}rPr/{_W}vertAlign")
        align = va.get(f"{_W}val") if va is not None else ""
        out += (
            raised(text)
            if align == "superscript"
            else lowered(text)
            if align == "subscript"
            else text
        )
    return out


def _cell_text(tc: Any) -> str:
    return join_lines([_paragraph_text(p) for p in tc.findall(f"{_W}p")])


def _raw_table(tbl: Any, number: int) -> RawTable:
    rows: list[list[Cell | None]] = []
    open_cells: dict[int, tuple[int, int]] = {}  # column -> (row, col) of the cell merging down
    for r, tr in enumerate(tbl.findall(f"{_W}tr")):
        row: list[Cell | None] = []
        col = 0
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        if before is not None:
            col = int(before.get(f"{_W}val", "0"))
            row += [None] * col
        for tc in tr.findall(f"{_W}tc"):
            pr = tc.find(f"{_W}tcPr")
            span_el = pr.find(f"{_W}gridSpan") if pr is not None else None
            span = int(span_el.get(f"{_W}val", "1")) if span_el is not None else 1
            vm = pr.find(f"{_W}vMerge") if pr is not None else None
            vmerge = None if vm is None else (vm.get(f"{_W}val") or "continue")
            if vmerge == "continue" and col in open_cells:
                rr, cc = open_cells[col]
                above = rows[rr][cc]
                if above is not None:
                    rows[rr][cc] = Cell(above.value, above.place, above.rowspan + 1, above.colspan)
                row += [None] * span
            else:
                place = Place(table=number, row=r + 1, col=col + 1)
                row.append(Cell(_cell_text(tc), place, 1, span))
                row += [None] * (span - 1)
                if vmerge == "restart":
                    open_cells[col] = (r, col)
                else:
                    open_cells.pop(col, None)
            col += span
        rows.append(row)
    return RawTable(rows, (), 0, ())


def read_docx(path: Path):  # -> TableSource
    clock = limits.Clock(str(path))
    document = _open(path)
    body = document.element.body
    tables: list[RawTable] = []
    texts: dict[int, list[str]] = {0: []}
    title = ""
    seen_table = False
    for el in body.iterchildren():
        if el.tag == f"{_W}tbl":
            tables.append(_raw_table(el, len(tables) + 1))
            seen_table = True
            clock.check(0)
        elif el.tag == f"{_W}p":
            text = _paragraph_text(el).strip()
            if not title and "指标体系" in text:
                title = text
            if seen_table and text:
                texts[0].append(text)
    return assemble(tables, str(path), "docx", texts, title, [])
