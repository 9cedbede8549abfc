"""Test documents: a long system in the published layout, and hostile PDFs and Word files."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CEMENT = ROOT / "indicator_systems" / "cement" / "2014-illustrative.json"

# Metadata a document does not print, given with --set when importing without a base.
META = {
    "id": "long-test",
    "sector": "test",
    "version": "1",
    "issuer.zh": "测试机构",
    "source.issuer": "测试机构",
    "source.citation": "made up for the document tests",
    "status": "illustrative",
    "notice.zh": "测试用示例数据，非官方数值",
    "effective": "2020-01-01",
}

_UNITS = ["m³/t", "kg/t", "%", "mg/Nm³", "kgce/t", "tCO₂/t", "次/年", "h"]
_NAMES = [
    "单位产品取水量",
    "单位产品综合能耗（以标准煤计，含外购电力折算）",
    "工业用水重复利用率",
    "颗粒物排放浓度（小时均值，按基准含氧量折算）",
    "SO₂排放浓度",
    "余热回收利用率",
    "单位产品二氧化碳排放量",
    "设备检修频次",
]


def long_system() -> dict[str, Any]:
    """60 indicators in 3 groups: a table over three portrait pages, with wrapped names,
    units with ³ and ₂, limiting marks, comparator words, ranges and qualitative texts.
    Ids and the rest are cpscore's defaults, so an import without a base gives it exactly."""
    groups = []
    weights = [0.3, 0.3, 0.4]
    names = ["资源能源消耗指标", "污染物产生与排放指标", "清洁生产管理指标"]
    for gi in range(3):
        inds = []
        for ii in range(20):
            k = gi * 20 + ii
            ind: dict[str, Any] = {"id": f"g{gi + 1}_i{ii + 1}", "zh": f"{_NAMES[k % 8]}{k + 1}"}
            if gi == 2 and ii % 4 == 3:
                ind.update(
                    kind="qualitative",
                    answer="level",
                    requirements={
                        "I": {
                            "zh": f"建立完善的环境管理体系并通过认证，制度{k}全部落实，记录完整可查"
                        },
                        "II": {"zh": f"建立环境管理体系，制度{k}基本落实"},
                        "III": {"zh": "有环境管理制度"},
                    },
                )
            else:
                base = 10 + k
                ind.update(kind="quantitative", unit=_UNITS[k % 8])
                if k % 5 == 1:
                    ind["direction"] = "higher"
                    ind["benchmarks"] = {
                        "I": {"op": ">=", "value": 90},
                        "II": {"op": ">=", "value": 85},
                        "III": {"op": ">=", "value": 80},
                    }
                else:
                    ind["direction"] = "lower"
                    ind["benchmarks"] = {
                        "I": {"op": "<=", "value": base},
                        "II": {"op": "<=", "value": base + 5},
                        "III": {"op": "<=", "value": base + 10.5},
                    }
                    if k % 7 == 3:
                        ind["benchmarks"]["III"]["printed"] = f"不大于{base + 10.5}"
            ind["weight"] = 0.05
            if k % 6 == 0:
                ind["limiting"] = True
            inds.append(ind)
        groups.append(
            {"id": f"g{gi + 1}", "zh": names[gi], "weight": weights[gi], "indicators": inds}
        )
    cement = json.loads(CEMENT.read_text(encoding="utf-8"))
    doc = {
        "id": META["id"],
        "sector": META["sector"],
        "version": META["version"],
        "title": {"zh": "测试行业清洁生产评价指标体系"},
        "issuer": {"zh": META["issuer.zh"]},
        "source": {
            "title": "测试行业清洁生产评价指标体系",
            "issuer": META["source.issuer"],
            "citation": META["source.citation"],
        },
        "effective": META["effective"],
        "status": META["status"],
        "notice": {"zh": META["notice.zh"]},
        "method": "graded",
        "levels": [
            {"id": "I", "zh": "Ⅰ级", "en": "Level I"},
            {"id": "II", "zh": "Ⅱ级", "en": "Level II"},
            {"id": "III", "zh": "Ⅲ级", "en": "Level III"},
        ],
        "below": {"id": "lagging", "zh": "未达标", "en": "Below level III"},
        "groups": groups,
        "classification": copy.deepcopy(cement["classification"]),
    }
    return doc


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: Path, outdir: Path) -> Path:
    subprocess.run(
        [soffice(), "--headless", "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(outdir), "PATH": "/usr/bin:/bin"},
    )
    return outdir / (docx.stem + ".pdf")


def scanned_pdf(path: Path) -> None:
    """Two pages that are only an image (a scan): no text layer."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("RGB", (400, 300), "white")
    for x in range(50, 350):
        img.putpixel((x, 150), (0, 0, 0))
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        c.drawImage(ImageReader(img), 50, 400, 400, 300)
        c.showPage()
    c.save()


_TO_PUA = (
    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /PUA def "
    b"1 begincodespacerange <0000> <FFFF> endcodespacerange "
    b"2 beginbfchar <0041> <E001> <0042> <E002> endbfchar endcmap "
    b"CMapName currentdict /CMap defineresource pop end end"
)


def cid_pdf(path: Path, private_use: bool = False) -> None:
    """A page whose font has no Unicode map: its text extracts as (cid:…) codes; with
    ``private_use`` the map sends the glyphs to private-use code points instead."""
    content = b"BT /F1 12 Tf 72 720 Td <00410042> Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSunSubset /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R]" + (b" /ToUnicode 8 0 R" if private_use else b"") + b" >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSunSubset "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /SimSunSubset /Flags 4 /FontBBox [0 0 1000 1000] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ]
    if private_use:
        objs.append(b"<< /Length %d >>\nstream\n" % len(_TO_PUA) + _TO_PUA + b"\nendstream")
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(out)


def encrypted_pdf(path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=StandardEncryption("secret", "owner", strength=128))
    c.drawString(72, 720, "locked")
    c.showPage()
    c.save()


def text_only_pdf(path: Path, pages: int = 1) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    for n in range(pages):
        c.setFont("STSong-Light", 12)
        c.drawString(72, 720, f"关于发布清洁生产评价指标体系的公告 第{n + 1}页")
        c.showPage()
    c.save()


def turned_pdf(src: Path, target: Path, turn: int, page_rotation: int = 0) -> None:
    """Every (landscape) page of ``src`` drawn turned by ``turn`` degrees counter-clockwise on
    a portrait page, as announcements print wide tables; ``page_rotation`` sets /Rotate too,
    as when the page is meant to be shown turned."""
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(str(src))
    out = pdfium.PdfDocument.new()
    for i in range(len(source)):
        w, h = source[i].get_size()
        page = out.new_page(h, w)
        xobj = source.page_as_xobject(i, out)
        obj = xobj.as_pageobject()
        m = pdfium.PdfMatrix()
        if turn == 90:
            m = m.rotate(90, ccw=True).translate(h, 0)
        elif turn == 270:
            m = m.rotate(90, ccw=False).translate(0, w)
        obj.transform(m)
        page.insert_obj(obj)
        page.gen_content()
        if page_rotation:
            page.set_rotation(page_rotation)
    out.save(str(target))
    out.close()
    source.close()


def two_row_header_pdf(doc: dict[str, Any], path: Path) -> None:
    """The table as most announcements print it: 基准值 over the level columns, Ⅰ级/Ⅱ级/Ⅲ级 on
    the row below, the other headers merged over both rows; repeated on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from cpscore.authoring.export_document import _markup, printed_table

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    st = ParagraphStyle("c", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")
    header, rows, spans = printed_table(doc)
    levels = len(header) - 6
    top = [*header[:6], "基准值", *[""] * (levels - 1)]
    below = [""] * 6 + [h.replace("基准值", "") for h in header[6:]]
    data = [[Paragraph(_markup(v), st) for v in r] for r in (top, below, *rows)]
    style = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("SPAN", (6, 0), (-1, 0))]
    style += [("SPAN", (c, 0), (c, 1)) for c in range(6)]
    for first, last in spans:
        if last > first:
            style += [("SPAN", (c, first + 2), (c, last + 2)) for c in (1, 2)]
    widths = [24, 60, 34, 120, 44, 34, *[(523 - 316) / levels] * levels]
    table = Table(data, colWidths=widths, repeatRows=2)
    table.setStyle(TableStyle(style))
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=36, rightMargin=36).build([table])
