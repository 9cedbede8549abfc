"""review: one self-contained HTML page that puts every reading beside the spot it came from.

One row per indicator: what cpscore read (group, weight, name, unit, comparator and value per
level, limiting mark, requirement texts) beside the image of that row cropped from the PDF page
(pypdfium2, 2× = 144 dpi, inlined as a data: PNG), or, for a .docx, the cell texts as the
document holds them. Group weights and the classification rule have their own rows. Rows where
a cell was interpreted (〃, 以下 read as ≤, an expression) or where the system file differs from
the document are marked and listed first. No script, no network.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

from cpscore.common.i18n import _, language

from .cells import render
from .import_table import ImportResult
from .table_model import Grid
from .verify import Comparison, compare

SCALE = 3.0  # pages rendered at 216 dpi, crops then fitted to WIDTH
WIDTH = 1200  # px: a row crop fits a laptop screen with its 8-pt digits ~14 px high
_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:16px;color:#222}
h1{font-size:20px} .meta{color:#555;font-size:13px}
table{border-collapse:collapse;width:100%;max-width:1240px;table-layout:fixed} col.g{width:170px} td,th{border:1px solid #bbb;padding:6px;vertical-align:top;font-size:13px}
th{background:#eee;text-align:left} img{max-width:100%;display:block} tr.crop td{border-top:none;padding-top:0}
tr.flag{background:#fff4d6} tr.diff{background:#fde2e2} .why{color:#a15c00;font-size:12px}
.bad{color:#b00020;font-weight:bold} .lv{display:block;padding-left:1.5em;text-indent:-1.5em} .cell{font-family:monospace;white-space:pre-wrap}
ul.first li{margin:2px 0}
"""


def _png(image: Any) -> str:
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


class _Pages:
    """Rendered pages of a PDF, each rendered once."""

    def __init__(self, path: Path):
        import pypdfium2 as pdfium

        self.pdf = pdfium.PdfDocument(str(path))
        self.images: dict[int, Any] = {}

    def crop(
        self, page: int, box: tuple[float, float, float, float], trim: bool = False, turn: int = 0
    ) -> str:
        """The box of the page as a data: PNG; ``trim``: only the inked part inside the box
        (a merged cell many rows tall shows its text, not its white space)."""
        from PIL import ImageOps

        if page not in self.images:
            pdf_page = self.pdf[page - 1]
            pdf_page.set_rotation(0)  # boxes are in the page's own frame (documents/pdf.py)
            self.images[page] = pdf_page.render(scale=SCALE).to_pil().convert("L")
        img = self.images[page]
        pad = 3
        x0, top, x1, bottom = box
        area = (
            max(0, int((x0 - pad) * SCALE)),
            max(0, int((top - pad) * SCALE)),
            min(img.width, int((x1 + pad) * SCALE)),
            min(img.height, int((bottom + pad) * SCALE)),
        )
        part = img.crop(area)
        if trim:
            inset = int(2 * SCALE) + pad * int(SCALE)
            inner = part.crop((inset, inset, part.width - inset, part.height - inset))
            ink = ImageOps.invert(inner).point(lambda v: 255 if v > 60 else 0).getbbox()
            if ink:
                m = int(4 * SCALE)
                part = inner.crop((max(0, ink[0] - m), max(0, ink[1] - m), ink[2] + m, ink[3] + m))
        if turn:  # a table printed sideways: the crop turned so that it reads upright
            part = part.rotate(-turn, expand=True, fillcolor=255)
        if part.width > WIDTH:
            part = part.resize((WIDTH, max(1, part.height * WIDTH // part.width)))
        return _png(part)

    def close(self) -> None:
        self.pdf.close()


def _row_box(
    grid: Grid, r: int, first_col: int
) -> tuple[int, tuple[float, float, float, float], int] | None:
    """The page and box of table row r from the indicator's name on (the group cells have
    their own rows): the height of the row's own cells."""
    cells = [
        c
        for c in grid.rows[r][first_col:]
        if c is not None and c.place.bbox is not None and c.rowspan == 1
    ]
    if not cells:
        return None
    boxes = [c.place.bbox for c in cells]
    box = (
        min(b[0] for b in boxes),  # type: ignore[index]
        min(b[1] for b in boxes),  # type: ignore[index]
        max(b[2] for b in boxes),  # type: ignore[index]
        max(b[3] for b in boxes),  # type: ignore[index]
    )
    return cells[0].place.page, box, cells[0].place.turn


def _bench(b: dict[str, Any] | None) -> str:
    if not b:
        return "—"
    plain = {k: v for k, v in b.items() if k != "printed"}
    text = render(plain)
    return f"{text}（印：{b['printed']}）" if b.get("printed") and b["printed"] != text else text


def _reading(ind: dict[str, Any], levels: list[str]) -> str:
    parts = []
    star = "★ 限定性 " if ind.get("limiting") else ""
    parts.append(
        f"<b>{star}{html.escape(ind['zh'])}</b> · {html.escape(ind.get('unit') or '—')} · "
        f"{_('weight')} {ind.get('weight', '—')}"
    )
    for lv in levels:
        if ind.get("kind") == "qualitative":
            t = (ind.get("requirements") or {}).get(lv)
            text = t["zh"] if t else "—"
        else:
            text = _bench((ind.get("benchmarks") or {}).get(lv))
        parts.append(f"<span class=lv>{lv}: {html.escape(text)}</span>")
    return parts[0] + "".join(parts[1:])


def _row_notes(result: ImportResult, grid: Grid, r: int) -> list[str]:
    addresses = {"!".join(grid.address(r, c)) for c in result.cols.values()}
    return [f"{n.found} → {n.message}" for n in result.notes if n.address in addresses]


def _doc_text(grid: Grid, r: int) -> str:
    texts = []
    for c in range(len(grid.rows[r])):
        cell = grid.rows[r][c]
        if cell is not None and str(cell.value):
            texts.append(f"[{cell.place.row},{cell.place.col}] {cell.value}")
    return "<div class=cell>" + html.escape("\n".join(texts)) + "</div>"


def render_review(system: dict[str, Any], cmp: Comparison) -> str:
    """The review page as HTML text."""
    result = cmp.reading
    grid = result.grid
    doc = result.doc or {}
    levels = [lv["id"] for lv in doc.get("levels", system.get("levels", []))]
    pages = _Pages(cmp.document) if grid is not None and grid.source == "pdf" else None
    by_id = {i["id"]: i for g in system.get("groups", []) for i in g["indicators"]}
    body: list[str] = []
    differing: list[str] = []  # listed before the interpreted rows
    first: list[str] = []
    try:
        for gi, g in enumerate(doc.get("groups", [])):
            gptr = f"/groups/{gi}"
            body.append(_group_row(g, gptr, result, pages, system))
            for ii, ind in enumerate(g["indicators"]):
                ptr = f"{gptr}/indicators/{ii}"
                r = result.rows.get(ptr)
                if r is None or grid is None:
                    continue
                notes = _row_notes(result, grid, r)
                theirs = by_id.get(ind["id"])
                differs = theirs is not None and _plain(theirs) != _plain(ind)
                cls = "diff" if differs or theirs is None else ("flag" if notes else "")
                anchor = f"r{gi}-{ii}"
                if cls:
                    why = _("differs from the system file") if cls == "diff" else "; ".join(notes)
                    item = f'<li><a href="#{anchor}">{html.escape(ind["zh"])}</a> — {html.escape(why)}</li>'
                    (differing if cls == "diff" else first).append(item)
                box = _row_box(grid, r, result.cols.get("name", 0))
                if pages is not None and box:
                    shown = f'<div class=meta>p.{box[0]}</div><img alt="" src="{pages.crop(box[0], box[1], turn=box[2])}">'
                else:
                    shown = _doc_text(grid, r)
                system_cell = ""
                if differs:
                    system_cell = (
                        f"<div class=bad>{_('system file')}:</div>{_reading(theirs, levels)}"
                    )
                elif theirs is None:
                    system_cell = f"<div class=bad>{_('not in the system file')}</div>"
                why = "".join(f"<div class=why>⚑ {html.escape(n)}</div>" for n in notes)
                body.append(
                    f'<tr id="{anchor}" class="{cls}"><td>{html.escape(g["zh"])}<br>'
                    f"<span class=meta>{html.escape(ind['id'])}</span></td>"
                    f"<td>{_reading(ind, levels)}{why}{system_cell}</td></tr>"
                    f'<tr class="crop {cls}"><td colspan=2>{shown}</td></tr>'
                )
        body.append(_classification_row(doc, grid, pages))
    finally:
        if pages is not None:
            pages.close()
    status = (
        _("equal: the system equals the document")
        if cmp.same
        else _("{n} difference(s): see the marked rows").format(n=cmp.count)
    )
    first = differing + first
    problems = "".join(f"<li class=bad>{html.escape(str(p))}</li>" for p in cmp.problems)
    diffs = "".join(f"<li>{html.escape(x)}</li>" for x in cmp.differences)
    title = html.escape(system.get("title", {}).get("zh", system.get("id", "")))
    return (
        f"<!DOCTYPE html><html lang={language()}><head><meta charset=utf-8>"
        f"<title>{title} — {_('review')}</title><style>{_CSS}</style></head><body>"
        f"<h1>{title}</h1><div class=meta>{html.escape(str(cmp.document))} · SHA-256 "
        f"{cmp.sha256[:16]}… · {_('pages')} {cmp.pages or '—'} · {html.escape(status)}</div>"
        + (f"<h2>{_('Look here first')}</h2><ul class=first>{''.join(first)}</ul>" if first else "")
        + (f"<ul>{problems}{diffs}</ul>" if problems or diffs else "")
        + f"<table><col class=g><col><tr><th>{_('group')}</th><th>{_('what cpscore read')} / "
        f"{_('the document')}</th></tr>{''.join(body)}</table></body></html>"
    )


def _plain(ind: dict[str, Any]) -> Any:
    from .verify import _comparable

    return _comparable({"i": ind})["i"]


def _group_row(
    g: dict[str, Any], ptr: str, result: ImportResult, pages: _Pages | None, system: dict[str, Any]
) -> str:
    grid = result.grid
    r = result.rows.get(ptr)
    shown = ""
    if grid is not None and r is not None:
        crops = []
        for key in ("group", "group_weight"):
            cell = grid.cell(r, result.cols.get(key, 0))
            if pages is not None and cell is not None and cell.place.bbox is not None:
                src = pages.crop(cell.place.page, cell.place.bbox, trim=True, turn=cell.place.turn)
                crops.append(
                    f'<img alt="" style="display:inline-block;vertical-align:middle;margin-right:24px" src="{src}">'
                )
            elif cell is not None:
                crops.append(f"<div class=cell>{html.escape(str(cell.value))}</div>")
        shown = "".join(crops)
    theirs = next((x for x in system.get("groups", []) if x.get("id") == g["id"]), None)
    bad = theirs is not None and theirs.get("weight") != g.get("weight")
    weight_cell = f"<div class=bad>{_('system file')}: {theirs.get('weight')}</div>" if bad else ""
    return (
        f'<tr class="{"diff" if bad else ""}"><th>{html.escape(g["zh"])}</th>'
        f"<th>{_('group weight')} {g.get('weight')}{weight_cell}<div>{shown}</div></th></tr>"
    )


def _classification_row(doc: dict[str, Any], grid: Grid | None, pages: _Pages | None) -> str:
    import json

    rules = doc.get("classification")
    text = html.escape(json.dumps(rules, ensure_ascii=False)) if rules else "—"
    shown = ""
    if grid is not None and grid.after_place is not None:
        p = grid.after_place
        if pages is not None and p.bbox is not None:
            shown = f'<img alt="" src="{pages.crop(p.page, p.bbox, turn=p.turn)}">'
    if grid is not None and not shown:
        shown = "<div class=cell>" + html.escape("\n".join(grid.after)) + "</div>"
    return (
        f"<tr><th>{_('classification')}</th><td class=cell>{text}</td></tr>"
        f'<tr class="crop"><td colspan=2>{shown}</td></tr>'
    )


def write_review(
    system_path: str | Path, document: str | Path, output: str | Path, pages: str | None = None
) -> Comparison:
    """Write the review page of a system against its document; the comparison is returned."""
    from cpscore.common.atomic import write_text

    from .export_table import load_doc

    system = load_doc(system_path, check=False)
    cmp = compare(system, document, pages)
    write_text(output, render_review(system, cmp))
    return cmp
