"""The indicator table of a text-layer PDF, as published with the announcements.

pdfplumber (on pdfminer.six) gives the characters with their size and position and the ruling
lines; its table finder turns the lines into cell boxes. The boxes' edges give the rows and
columns, so a box over several of them is a merged cell (the 一级指标 and its weight). The text
of a cell is its characters, line by line; a raised or lowered small digit is ³ or ₂.
A table continued on the next pages (same columns) is joined, its repeated header dropped.
"""

from __future__ import annotations

import io
import re
import statistics
from pathlib import Path
from typing import Any

from cpscore.authoring.table_model import Cell, Place
from cpscore.common.errors import InputError, Location
from cpscore.common.i18n import _

from . import limits
from .frame import Frame
from .tables import RawTable, assemble
from .text import join_lines, lowered, raised

_PRIVATE = re.compile("[\ue000-\uf8ff]")
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def parse_pages(spec: str | None, count: int, path: str) -> list[int]:
    """'5-9,12' -> [5, 6, 7, 8, 9, 12] (1-based), within the document."""
    if not spec:
        return list(range(1, count + 1))
    out: list[int] = []
    for part in spec.split(","):
        m = re.fullmatch(r"\s*(\d+)\s*(?:[-–~]\s*(\d+))?\s*", part)
        if not m:
            raise InputError("pages", Location(path), repr(spec), _("pages such as 5-9 or 3,5-7"))
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        if not 1 <= a <= b <= count:
            raise InputError(
                "pages",
                Location(path),
                _("pages {spec}").format(spec=spec),
                _("pages between 1 and {n}").format(n=count),
            )
        out += range(a, b + 1)
    return sorted(set(out))


def _open(path: Path) -> Any:
    import logging

    import pdfplumber

    # pdfminer logs what it tolerates in a font or stream; the user sees one line or none.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    where = Location(str(path))
    try:
        pdf = pdfplumber.open(path)
        count = len(pdf.pages)
    except Exception as e:  # pdfminer raises many types for a damaged file
        inner = e.args[0] if e.args and isinstance(e.args[0], Exception) else e  # pdfplumber wraps
        if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError):
            raise InputError(
                "encrypted",
                where,
                _("an encrypted PDF (it needs a password)"),
                _("the PDF without encryption, as published"),
            ) from None
        raise InputError(
            "damaged",
            where,
            _("a damaged or unreadable PDF ({e})").format(e=type(e).__name__),
            _("the PDF as published (download it again)"),
        ) from None
    if any(p.rotation for p in pdf.pages):
        pdf.close()
        pdf = pdfplumber.open(unrotated(path))
    try:
        limits.bound(where, count, limits.MAX_PAGES, _("pages"))
        objects = sum(len(list(x.get_objids())) for x in pdf.doc.xrefs)
        limits.bound(where, objects, limits.MAX_OBJECTS, _("objects"))
    except InputError:
        pdf.close()
        raise
    return pdf


def unrotated(path: Path) -> io.BytesIO:
    """The document with every page's /Rotate removed, in memory (the file is not touched).

    pdfplumber turns the characters of a rotated page but not its ruling lines, so tables are
    read in the page's own frame, and the text direction is found from the characters
    (frame.py); the review renders the pages the same way.
    """
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        for page in doc:
            page.set_rotation(0)
        buf = io.BytesIO()
        doc.save(buf)
    finally:
        doc.close()
    buf.seek(0)
    return buf


def _check_text(page: Any, path: str) -> bool:
    """Whether the page has a text layer; refuse text that extracts as codes."""
    chars = page.chars
    where = Location(path, page=str(page.page_number))
    limits.bound(where, len(chars), limits.MAX_CHARS_PER_PAGE, _("characters on one page"))
    for ch in chars:
        text = ch.get("text", "")
        if text.startswith("(cid:") or _PRIVATE.search(text):
            raise InputError(
                "no_unicode",
                where,
                _("text that extracts as glyph codes ({text!r}, font {font})").format(
                    text=text, font=ch.get("fontname", "?")
                ),
                _(
                    "a PDF whose fonts map to Unicode (export it again from the source "
                    "document with fonts embedded; OCR is not supported)"
                ),
            )
    return any(ch.get("text", "").strip() for ch in chars)


def _lines(chars: list[dict[str, Any]]) -> list[str]:
    """The characters of one box as lines of text, top to bottom."""
    if not chars:
        return []
    mid = lambda c: (c["top"] + c["bottom"]) / 2  # noqa: E731
    chars = sorted(chars, key=mid)
    groups: list[list[dict[str, Any]]] = []
    first = 0.0
    for c in chars:
        if groups and mid(c) - first <= 0.7 * max(x["size"] for x in groups[-1]):
            groups[-1].append(c)
        else:
            groups.append([c])
            first = mid(c)
    return [_line_text(g) for g in groups]


def _line_text(chars: list[dict[str, Any]]) -> str:
    chars = sorted(chars, key=lambda c: c["x0"])
    size = max(c["size"] for c in chars)
    base = statistics.median(c["bottom"] for c in chars if c["size"] >= 0.9 * size)
    out = ""
    prev = None
    for c in chars:
        t = c["text"]
        if prev is not None and t != " " and not out.endswith(" "):
            gap = c["x0"] - prev["x1"]
            if gap > 0.3 * size and (t.isascii() or out[-1:].isascii()):
                out += " "
        if c["size"] < 0.85 * size and t.strip():
            if c["bottom"] < base - 0.15 * size:
                t = raised(t)
            elif c["bottom"] > base + 0.05 * size:
                t = lowered(t)
        out += t
        prev = c
    return re.sub(r"\s+", " ", out).strip()


def _inside(c: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x = (c["x0"] + c["x1"]) / 2
    y = (c["top"] + c["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _edges(values: list[float]) -> list[float]:
    """Distinct edges, points closer than 1 pt taken as one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > 1.0:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda k: abs(edges[k] - v))


def _raw_table(page: Any, table: Any, frame: Frame, chars: list[dict[str, Any]]) -> RawTable:
    """Cells from the table finder's boxes, rows and columns taken in the reading frame."""
    page_boxes = {frame.box(tuple(b)): tuple(b) for b in table.cells}
    boxes = list(page_boxes)
    xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])
    nrows, ncols = len(ys) - 1, len(xs) - 1
    rows: list[list[Cell | None]] = [[None] * ncols for _row in range(nrows)]
    chars = [c for c in chars if c.get("text", "").strip() or c.get("text") == " "]
    for box in boxes:
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        if r1 <= r0 or c1 <= c0:
            continue
        text = join_lines(_lines([c for c in chars if _inside(c, box)]))
        place = Place(
            page=page.page_number, bbox=page_boxes[box], row=r0 + 1, col=c0 + 1, turn=frame.turn
        )
        rows[r0][c0] = Cell(text, place, r1 - r0, c1 - c0)
    return RawTable(rows, tuple(xs), page.page_number, frame.box(tuple(table.bbox)))


def _text_below(
    page: Any, chars: list[dict[str, Any]], bottom: float, turn: int
) -> tuple[list[str], Place | None]:
    chars = [c for c in chars if c["top"] >= bottom and c.get("text", "").strip()]
    if not chars:
        return [], None
    boxes = [c["page_box"] for c in chars]
    box = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    return _lines(chars), Place(page=page.page_number, bbox=box, turn=turn)


def read_pdf(path: Path, pages: str | None = None):  # -> TableSource
    clock = limits.Clock(str(path))
    pdf = _open(path)
    try:
        selected = parse_pages(pages, len(pdf.pages), str(path))
        tables: list[RawTable] = []
        textless: list[int] = []
        texts: dict[int, list[str]] = {}
        below: dict[int, Place | None] = {}
        title = ""
        for n in selected:
            clock.check(n)
            page = pdf.pages[n - 1]
            try:
                has_text = _check_text(page, str(path))
                found = page.find_tables(_TABLE_SETTINGS) if has_text else []
            except InputError:
                raise
            except Exception as e:
                raise InputError(
                    "damaged",
                    Location(str(path), page=str(n)),
                    _("a page that cannot be read ({e})").format(e=type(e).__name__),
                    _("the PDF as published (download it again)"),
                ) from None
            if not has_text:
                textless.append(n)
                continue
            frame = Frame.of(page)
            chars = frame.chars(page.chars)
            if not title:
                title = _title(chars)
            parts = sorted(
                (_raw_table(page, t, frame, chars) for t in found), key=lambda t: t.bbox[1]
            )
            tables += parts
            last = max((t.bbox[3] for t in parts), default=0.0)
            texts[n], below[n] = _text_below(page, chars, last, frame.turn)
            page.close()  # frees the page's parsed objects: memory stays flat over pages
        if not tables and textless:
            raise InputError(
                "no_text_layer",
                Location(str(path), page=_ranges(textless)),
                _("no text layer (a scanned document)"),
                _("a PDF with text, as published; OCR is not supported"),
            )
        source = assemble(tables, str(path), "pdf", texts, title, textless)
        last = max((c.place.page for r in source.grid.rows for c in r if c), default=0)
        source.grid.after_place = below.get(last)
        return source
    finally:
        pdf.close()


def _title(chars: list[dict[str, Any]]) -> str:
    """The document's title: the largest text on its first page with text that names a system."""
    lines: dict[float, list[dict[str, Any]]] = {}
    for c in chars:
        lines.setdefault(round(c["top"]), []).append(c)
    best = ""
    best_size = 0.0
    for chars in lines.values():
        text = _line_text(chars)
        size = max(c["size"] for c in chars)
        if "指标体系" in text and size > best_size:
            best, best_size = text, size
    return best


def _ranges(pages: list[int]) -> str:
    out: list[str] = []
    for p in pages:
        if out and "-" not in out[-1] and int(out[-1]) == p - 1:
            out[-1] = f"{out[-1]}-{p}"
        elif out and "-" in out[-1] and int(out[-1].split("-")[1]) == p - 1:
            out[-1] = f"{out[-1].split('-')[0]}-{p}"
        else:
            out.append(str(p))
    return ",".join(out)
