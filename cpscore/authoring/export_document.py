"""A system printed as the published document: title, the ruled indicator table (group cells
merged over their rows, the header repeated on every page, ``*`` before limiting indicators),
the footnote, and the classification section — as a PDF (reportlab) or a Word .docx.

What it prints is what the announcements print; importing the document onto the system as its
base gives the same system again (tested for every bundled system). The PDF uses reportlab's
built-in CID font STSong-Light, so it needs no font file; ³ and ₂, which that font lacks, are
printed as raised and lowered digits, as typeset documents do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from cpscore.authoring import table_layout as L
from cpscore.authoring.export_table import table_rows
from cpscore.common.atomic import atomic_path
from cpscore.common.errors import UsageError
from cpscore.common.i18n import _

from .documents.text import SUBSCRIPT, SUPERSCRIPT

FOOTNOTE = "注：带*的指标为限定性指标。"
_RAISED = {v: k for k, v in zip("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ", strict=True)}
_LOWERED = {v: k for k, v in zip("0123456789+-=()x", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₓ", strict=True)}
assert set(_RAISED) == {chr(c) for c in SUPERSCRIPT.values()}
assert set(_LOWERED) == {chr(c) for c in SUBSCRIPT.values()}


def printed_table(doc: dict[str, Any]) -> tuple[list[str], list[list[str]], list[tuple[int, int]]]:
    """The printed columns only: header, rows of texts, and each group's row span."""
    if doc.get("method") != "graded":
        raise UsageError(
            _(
                "a document is written for the graded (Ⅰ/Ⅱ/Ⅲ级基准值) layout; {id} uses the {m} method"
            ).format(id=doc.get("id"), m=doc.get("method"))
        )
    header, rows, spans = table_rows(doc)
    n = 6 + len(doc["levels"])
    texts = [[_text(v) for v in r[:n]] for r in rows]
    for first, last in spans:
        for r in range(first + 1, last + 1):
            texts[r][1] = texts[r][2] = ""  # printed once, in the merged group cell
    return header[:n], texts, spans


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def classification_lines(doc: dict[str, Any]) -> list[str]:
    """The classification section as the sector texts print it, or [] if the rules are not of
    the printed kind (index thresholds and what limiting / other indicators meet)."""
    names = {lv["id"]: lv.get("zh", lv["id"]) for lv in doc["levels"]}
    lines = []
    for rule in doc.get("classification", []):
        if rule.get("class") not in names:
            continue
        when = rule.get("when", {})
        conds = when.get("$and", [when])
        parts = []
        for c in conds:
            part = _condition(c)
            if part is None:
                return []
            parts.append(part)
        lines.append(f"{names[rule['class']]}：同时满足 {'；'.join(parts)}。")
    return (["清洁生产企业的评定", *lines]) if lines else []


def _condition(c: dict[str, Any]) -> str | None:
    if len(c) != 1:
        return None
    ((key, value),) = c.items()
    if key == "$gte" and isinstance(value, dict) and len(value) == 1:
        ((score, t),) = value.items()
        lv = score.removeprefix("Y_")
        op = "=" if t == 100 else "≥"
        return f"Y{L.ROMAN.get(lv, lv)}{op}{_text(t)}"
    for prefix, who in (("non_limiting_", "非限定性指标"), ("limiting_", "限定性指标")):
        if key.startswith(prefix) and value is True:
            lv = key.removeprefix(prefix)
            return f"{who}全部满足{L.ROMAN.get(lv, lv)}级基准值要求"
    return None


def _markup(text: str) -> str:
    """reportlab paragraph markup: escaped, ³/₂ as raised/lowered digits."""
    out = []
    for ch in text:
        if ch in _RAISED:
            out.append(f"<super>{escape(_RAISED[ch])}</super>")
        elif ch in _LOWERED:
            out.append(f"<sub>{escape(_LOWERED[ch])}</sub>")
        else:
            out.append(escape(ch))
    return "".join(out)


def write_pdf(
    doc: dict[str, Any], target: str | Path, landscape: bool = True, watermark: str = ""
) -> None:
    """The system as a PDF in the published layout (A4, landscape by default); ``watermark``
    prints a text across every page, as drafts for comment carry 征求意见稿."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turn
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
    header, rows, spans = printed_table(doc)
    data = [[Paragraph(_markup(h), cell) for h in header]]
    data += [[Paragraph(_markup(v), cell) for v in r] for r in rows]
    size = turn(A4) if landscape else A4
    width = size[0] - 72
    fixed = [24, 58, 34, 0, 44, 34]
    levels = len(header) - 6
    name_w = max(110.0, (width - sum(fixed)) * 0.3)
    level_w = (width - sum(fixed) - name_w) / max(levels, 1)
    widths = [*fixed[:3], name_w, *fixed[4:], *([level_w] * levels)]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for first, last in spans:
        if last > first:
            for c in (1, 2):
                style.append(("SPAN", (c, first + 1), (c, last + 1)))
    table = Table(data, colWidths=widths, repeatRows=1, splitInRow=0)
    table.setStyle(TableStyle(style))
    story = [Paragraph(_markup(doc["title"]["zh"]), title), Spacer(1, 12)]
    story += [Paragraph("表1 评价指标项目、权重及基准值", body), Spacer(1, 6), table]
    story += [Spacer(1, 6), Paragraph(_markup(FOOTNOTE), body)]
    lines = classification_lines(doc)
    if lines:
        story.append(Spacer(1, 12))
        story += [Paragraph(_markup(x), body) for x in lines]

    def mark(canvas: Any, _doc: Any) -> None:
        if watermark:
            canvas.saveState()
            canvas.setFont(font, 60)
            canvas.setFillGray(0.85)
            canvas.translate(size[0] / 2, size[1] / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, 0, watermark)
            canvas.restoreState()

    with atomic_path(target) as tmp:
        SimpleDocTemplate(
            str(tmp),
            pagesize=size,
            leftMargin=36,
            rightMargin=36,
            topMargin=36,
            bottomMargin=36,
            title=doc["title"]["zh"],
        ).build(story, onFirstPage=mark, onLaterPages=mark)


def _runs(paragraph: Any, text: str) -> None:
    """A paragraph's text, ³/₂ as superscript/subscript runs (as Word writes m³, SO₂)."""
    buf = ""
    for ch in text:
        if ch in _RAISED or ch in _LOWERED:
            if buf:
                paragraph.add_run(buf)
                buf = ""
            run = paragraph.add_run(_RAISED.get(ch) or _LOWERED[ch])
            if ch in _RAISED:
                run.font.superscript = True
            else:
                run.font.subscript = True
        else:
            buf += ch
    if buf:
        paragraph.add_run(buf)


def write_docx(doc: dict[str, Any], target: str | Path) -> None:
    """The system as a Word .docx: the table with its group cells merged (vertical merges)."""
    import docx
    from docx.enum.section import WD_ORIENT

    header, rows, spans = printed_table(doc)
    d = docx.Document()
    section = d.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    _runs(d.add_paragraph(), doc["title"]["zh"])
    d.add_paragraph("表1 评价指标项目、权重及基准值")
    table = d.add_table(rows=len(rows) + 1, cols=len(header))
    table.style = "Table Grid"
    from docx.oxml import OxmlElement

    for c, h in enumerate(header):
        _runs(table.cell(0, c).paragraphs[0], h)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated per page
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v:
                _runs(table.cell(r, c).paragraphs[0], v)
    for first, last in spans:
        if last > first:
            for c in (1, 2):
                table.cell(first + 1, c).merge(table.cell(last + 1, c))
    d.add_paragraph(FOOTNOTE)
    for line in classification_lines(doc):
        _runs(d.add_paragraph(), line)
    with atomic_path(target) as tmp:
        d.save(str(tmp))


def export_document(doc: dict[str, Any], target: str | Path) -> None:
    """Write the system as .pdf or .docx, by the target's suffix."""
    suffix = Path(target).suffix.lower()
    if suffix == ".pdf":
        write_pdf(doc, target)
    elif suffix == ".docx":
        write_docx(doc, target)
    else:
        raise UsageError(_("a document is written as .pdf or .docx"))
