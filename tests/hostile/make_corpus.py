"""Generate the corpus of bad and hostile plant workbooks: python tests/hostile/make_corpus.py DIR

Each case is built from a valid cement (or hazardous-waste) workbook written by
``cpscore template`` and then broken in one way. A case states what cpscore must answer: the
``kind`` of the InputError (exit 2) and the cell named, or the code of the finding that reports
an interpretation (exit 0). tests/test_hostile.py runs every case through the CLI.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SYSTEMS = ROOT / "indicator_systems"

# The fictional clinker line of the examples, which reaches level I under the illustrative
# cement system (examples/generate.py).
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from examples.generate import CEMENT_FACTS  # noqa: E402
from examples.generate import CEMENT_TOP as CEMENT_VALUES  # noqa: E402

# Rows of the template's indicator sheet (header in row 1), value column E, unit column D.
ROW: dict[str, int] = {}
HW_VALUES = {"energy_per_tonne": 28, "dioxins": 0.2, "particulates": 8, "so2": 35, "nox": 140}


@dataclass(frozen=True)
class Case:
    """One corpus file and what cpscore must say about it."""

    name: str
    file: str
    kind: str = ""  # expected InputError kind (exit 2)
    finding: str = ""  # expected finding code (exit 0)
    cell: str = ""  # the cell the message must name
    sector: str = "cement"
    strict: bool = False
    used: tuple[str, object] | None = None  # (indicator, the value the result must use)


def _cement(path: Path, values: dict | None = None, facts: dict | None = None) -> Path:
    from cpscore.system.catalog import load
    from cpscore.views.template import write_plant_workbook

    write_plant_workbook(
        load("cement"),
        path,
        "zh",
        meta={"id": "X-001", "name": "语料厂 (corpus plant)", "period": "2023"},
        facts=CEMENT_FACTS | (facts or {}),
        values=CEMENT_VALUES | (values or {}),
    )
    return path


def _edit(path: Path, fn: Callable, values: dict | None = None) -> Path:
    """A valid cement workbook, then ``fn(indicator_sheet, workbook)`` applied with openpyxl."""
    import openpyxl

    _cement(path, values)
    wb = openpyxl.load_workbook(path)
    fn(wb["指标数据"], wb)
    wb.save(path)
    return path


def _rezip(src: Path, dst: Path, replace: dict[str, bytes], add: dict[str, bytes] | None = None):
    """Copy an .xlsx replacing or adding parts (raw bytes, so anything can be put in)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def _sheet_xml(src: Path) -> str:
    with zipfile.ZipFile(src) as z:
        return z.read("xl/worksheets/sheet3.xml").decode()


def _lying_sizes(src: Path, dst: Path, member: str) -> None:
    """Declare a part 100 bytes long in both zip headers while it really expands further."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo(member)
        real = info.file_size
    struct.pack_into("<I", data, info.header_offset + 22, 100)  # local header: uncompressed size
    name = member.encode()
    central = data.find(b"PK\x01\x02")
    while struct.unpack_from("<H", data, central + 28)[0] != len(name) or (
        data[central + 46 : central + 46 + len(name)] != name
    ):
        central = data.find(b"PK\x01\x02", central + 4)
    assert struct.unpack_from("<I", data, central + 24)[0] == real
    struct.pack_into("<I", data, central + 24, 100)  # central directory: uncompressed size
    dst.write_bytes(bytes(data))


_STRICT = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": (
        "http://purl.oclc.org/ooxml/spreadsheetml/main"
    ),
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
        "http://purl.oclc.org/ooxml/officeDocument/relationships"
    ),
}


def _strict(src: Path, dst: Path, edit: Callable[[str, str], str] | None = None) -> Path:
    """The workbook in the ISO 29500 strict namespaces (as Excel's "Strict Open XML" saves)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith((".xml", ".rels")):
                text = data.decode()
                for old, new in _STRICT.items():
                    text = text.replace(old, new)
                data = (edit(info.filename, text) if edit else text).encode()
            zout.writestr(info.filename, data)
    return dst


def _tiny(
    dst: Path,
    cells: str = "",
    strings: str | None = None,
    sheet_part: str = "xl/worksheets/sheet1.xml",
    prefix: str = "",
) -> Path:
    """A minimal strict workbook of about 1.5 KB: one sheet (at ``sheet_part``), shared strings."""
    ns = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    rns = "http://purl.oclc.org/ooxml/officeDocument/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{ns}"' if prefix else f'xmlns="{ns}"'
    strings = strings or f'<sst xmlns="{ns}" count="1" uniqueCount="1"><si><t>id</t></si></sst>'
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rns}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{ns}" xmlns:r="{rns}"><sheets>'
            '<sheet name="指标数据" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rns}/worksheet" '
            f'Target="/{sheet_part}"/><Relationship Id="rId2" Type="{rns}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>',
        )
        z.writestr(
            sheet_part,
            f'<{p}worksheet {xmlns}><{p}sheetData><{p}row r="1"><{p}c r="A1" t="s"><{p}v>0</{p}v>'
            f"</{p}c></{p}row>{cells}</{p}sheetData></{p}worksheet>",
        )
        z.writestr("xl/sharedStrings.xml", strings)
    return dst


def _sheets_state(src: Path, dst: Path, states: dict[str, str]) -> Path:
    """Set sheets' visibility (hidden / veryHidden) in workbook.xml."""
    with zipfile.ZipFile(src) as z:
        wb = z.read("xl/workbook.xml").decode()
    for name, state in states.items():
        wb = re.sub(
            rf'(<sheet name="{re.escape(name)}"[^>]*?)state="visible"', rf'\1state="{state}"', wb
        )
    return _rezip(src, dst, {"xl/workbook.xml": wb.encode()})


def build(out: Path) -> list[Case]:
    """Write every corpus file into ``out``; returns the cases."""
    import openpyxl
    from openpyxl.styles import Alignment

    from cpscore.system.catalog import load

    out.mkdir(parents=True, exist_ok=True)
    ROW.update({ind.id: r for r, ind in enumerate(load("cement").indicators, start=2)})
    base = _cement(out / "_base.xlsx")
    cases: list[Case] = []

    def case(name: str, file: str, **kw) -> None:
        cases.append(Case(name, file, **kw))

    # -- not a workbook at all ----------------------------------------------------------------
    (out / "png.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    case("binary file named .xlsx", "png.xlsx", kind="not_a_workbook")
    (out / "zero.xlsx").write_bytes(b"")
    case("empty file", "zero.xlsx", kind="not_a_workbook")
    (out / "truncated.xlsx").write_bytes(base.read_bytes()[: base.stat().st_size // 2])
    case("truncated xlsx", "truncated.xlsx", kind="corrupt")
    sheet = _sheet_xml(base)
    _rezip(base, out / "bad-xml.xlsx", {"xl/worksheets/sheet3.xml": sheet[:-40].encode()})
    case("malformed sheet XML", "bad-xml.xlsx", kind="corrupt")
    (out / "plant.csv").write_text(
        "指标编号,填报值\nclinker_coal,96.5\nclinker_power,54\n", encoding="utf-8"
    )
    case("CSV file", "plant.csv", kind="csv")
    (out / "csv-named.xlsx").write_text("id,value\nclinker_coal,96.5\n", encoding="gb18030")
    case("CSV renamed .xlsx", "csv-named.xlsx", kind="csv")
    (out / "page.xls").write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    case("HTML saved as .xls", "page.xls", kind="not_a_workbook")
    with zipfile.ZipFile(out / "plain.xlsx", "w") as z:
        z.writestr("readme.txt", "not a workbook")
    case("plain zip archive", "plain.xlsx", kind="not_a_workbook")
    with zipfile.ZipFile(out / "word.xlsx", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    case("Word document named .xlsx", "word.xlsx", kind="not_a_workbook")
    with zipfile.ZipFile(out / "sheet.ods", "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    case("OpenDocument spreadsheet", "sheet.ods", kind="not_a_workbook")

    # -- legacy and encrypted -----------------------------------------------------------------
    import xlwt

    book = xlwt.Workbook()
    book.add_sheet("指标数据").write(0, 0, "指标编号")
    book.save(str(out / "legacy.xls"))
    case("legacy .xls", "legacy.xls", kind="legacy_xls")
    shutil.copy(out / "legacy.xls", out / "legacy-renamed.xlsx")
    case("legacy .xls renamed .xlsx", "legacy-renamed.xlsx", kind="legacy_xls")
    from msoffcrypto.format.ooxml import OOXMLFile

    with base.open("rb") as fh, (out / "encrypted.xlsx").open("wb") as dst:
        OOXMLFile(fh).encrypt("secret", dst)
    case("password-encrypted workbook", "encrypted.xlsx", kind="encrypted")

    # -- sheets --------------------------------------------------------------------------------
    openpyxl.Workbook().save(out / "empty.xlsx")
    case("empty workbook", "empty.xlsx", kind="empty_workbook")
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active["A1"] = "企业年度报告"
    wb.active["A2"] = "some text, no table"
    wb.save(out / "no-sheets.xlsx")
    case("no indicator sheet", "no-sheets.xlsx", kind="missing_sheet")

    def drop_plant(ws, wb):
        del wb["企业信息"]

    _edit(out / "no-plant-sheet.xlsx", drop_plant)
    case("plant sheet missing (required fact)", "no-plant-sheet.xlsx", kind="missing_sheet")

    def bad_headers(ws, wb):
        for c in ws[1]:
            c.value = f"列{c.column}"

    _edit(out / "no-header.xlsx", bad_headers)
    case("headers not recognised", "no-header.xlsx", kind="no_header")

    # -- hostile containers --------------------------------------------------------------------
    padded = sheet.replace("<sheetData>", "<sheetData>" + " " * (3 << 20), 1)
    _rezip(base, out / "ratio-bomb.xlsx", {"xl/worksheets/sheet3.xml": padded.encode()})
    case("compression ratio bomb", "ratio-bomb.xlsx", kind="zip_bomb")
    _rezip(base, out / "many-parts.xlsx", {}, {f"xl/media/p{i}.bin": b"x" for i in range(2100)})
    case("too many zip parts", "many-parts.xlsx", kind="zip_bomb")
    _lying_sizes(base, out / "lying-size.xlsx", "xl/worksheets/sheet3.xml")
    # zipfile stops at the declared size, so the CRC no longer matches: a damaged file.
    case("zip part larger than declared", "lying-size.xlsx", kind="corrupt")
    _rezip(base, out / "traversal.xlsx", {}, {"../../evil.txt": b"x"})
    case("zip path traversal", "traversal.xlsx", kind="unsafe_zip")
    _rezip(base, out / "absolute.xlsx", {}, {"/etc/evil.txt": b"x"})
    case("absolute zip path", "absolute.xlsx", kind="unsafe_zip")
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
            for i in range(1, 10)
        )
        + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    )
    _rezip(base, out / "billion-laughs.xlsx", {}, {"xl/sharedStrings.xml": laughs.encode()})
    case("billion laughs entities", "billion-laughs.xlsx", kind="xml_entities")
    xxe = sheet.replace(
        "<worksheet",
        '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><worksheet',
        1,
    ).replace("<v>96.5</v>", "<v>&xxe;</v>")
    _rezip(base, out / "xxe.xlsx", {"xl/worksheets/sheet3.xml": xxe.encode()})
    case("external entity in a sheet", "xxe.xlsx", kind="xml_entities")
    with zipfile.ZipFile(base) as z:
        ct = z.read("[Content_Types].xml").decode()
    ct = re.sub(r"^(<\?xml[^>]*\?>)?", r"\1<!DOCTYPE Types [<!ENTITY a 'b'>]>", ct, count=1)
    _rezip(base, out / "dtd-content-types.xlsx", {"[Content_Types].xml": ct.encode()})
    case("DTD in [Content_Types].xml", "dtd-content-types.xlsx", kind="xml_entities")
    far = sheet.replace(
        "</sheetData>", '<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>'
    )
    _rezip(base, out / "far-row.xlsx", {"xl/worksheets/sheet3.xml": far.encode()})
    case("cell in the last row", "far-row.xlsx", kind="dimensions")
    far = sheet.replace("</row>", '<c r="XFD1"><v>1</v></c></row>', 1)
    _rezip(base, out / "far-column.xlsx", {"xl/worksheets/sheet3.xml": far.encode()})
    case("cell in the last column", "far-column.xlsx", kind="dimensions")
    declared = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', sheet)
    _rezip(base, out / "declared-dimension.xlsx", {"xl/worksheets/sheet3.xml": declared.encode()})
    case("absurd declared dimension", "declared-dimension.xlsx", finding="dimension_ignored")
    _rezip(base, out / "macros.xlsm", {}, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 fake vba"})
    case("macro-enabled workbook", "macros.xlsm", finding="macros")

    # -- indicator rows ------------------------------------------------------------------------
    def set_id(ind: str, new: str):
        return lambda ws, wb: setattr(ws.cell(ROW[ind], 1), "value", new)

    _edit(out / "unknown-id.xlsx", set_id("clinker_coal", "clinker_cole"))
    case(
        "unknown id (typo)",
        "unknown-id.xlsx",
        kind="unknown_indicator",
        cell=f"A{ROW['clinker_coal']}",
    )

    def duplicate(ws, wb):
        ws.append(["clinker_power", "", "", "kWh/t", 60])

    _edit(out / "duplicate.xlsx", duplicate)
    case(
        "duplicate indicator row",
        "duplicate.xlsx",
        kind="duplicate_indicator",
        cell=f"E{len(ROW) + 2}",
    )
    from cpscore.views.template import write_plant_workbook

    write_plant_workbook(
        load("hazardous-waste-incineration"), out / "other-sector.xlsx", "zh", values=HW_VALUES
    )
    case("another sector's workbook", "other-sector.xlsx", kind="other_sector")

    # -- numbers -------------------------------------------------------------------------------
    for name, value, kind in (
        ("words", "about a hundred", "not_a_number"),
        ("decimal comma", "96,5", "not_a_number"),
        ("bound", "<100", "not_a_number"),
        ("date", dt.datetime(2023, 5, 1), "not_a_number"),
        ("boolean", True, "not_a_number"),
        ("excel error", "#DIV/0!", "not_a_number"),
        ("implausible", 5000, "implausible"),
        ("negative", -96.5, "implausible"),
        ("unit not convertible", "96.5 kWh/t", "unit"),
        ("unknown unit", "96.5 furlongs", "unit"),
    ):
        _cement(out / f"value-{name.replace(' ', '-')}.xlsx", {"clinker_coal": value})
        case(
            f"clinker_coal: {name}",
            f"value-{name.replace(' ', '-')}.xlsx",
            kind=kind,
            cell=f"E{ROW['clinker_coal']}",
        )

    def percent_format_wrong(ws, wb):
        ws.cell(ROW["clinker_coal"], 5).number_format = "0%"

    _edit(out / "percent-on-kgce.xlsx", percent_format_wrong, {"clinker_coal": 0.965})
    case(
        "% format on a kgce/t value",
        "percent-on-kgce.xlsx",
        kind="unit",
        cell=f"E{ROW['clinker_coal']}",
    )

    def formula(ws, wb):
        ws.cell(ROW["clinker_coal"], 5).value = "=90+6.5"

    _edit(out / "formula.xlsx", formula)
    case(
        "formula without cached value",
        "formula.xlsx",
        kind="formula_no_value",
        cell=f"E{ROW['clinker_coal']}",
    )

    def merged(ws, wb):
        ws.merge_cells(f"E{ROW['clinker_coal']}:E{ROW['clinker_power']}")
        ws.cell(ROW["clinker_coal"], 5).alignment = Alignment(vertical="center")

    _edit(out / "merged.xlsx", merged)
    case("merged value cells", "merged.xlsx", kind="merged_cell", cell=f"E{ROW['clinker_coal']}")
    _cement(out / "bad-answer.xlsx", {"kiln_process": "maybe"})
    case(
        "qualitative answer not a level",
        "bad-answer.xlsx",
        kind="bad_answer",
        cell=f"E{ROW['kiln_process']}",
    )
    _cement(out / "bad-fact.xlsx", facts={"plant_type": "steel mill"})
    case("enum fact not a value", "bad-fact.xlsx", kind="bad_fact", cell="B6")
    _cement(out / "implausible-fact.xlsx", facts={"kiln_capacity_tpd": 99_999})
    case("implausible fact", "implausible-fact.xlsx", kind="implausible", cell="B7")
    _cement(out / "strict-blank.xlsx", {"clinker_power": None})
    case(
        "blank value under --strict",
        "strict-blank.xlsx",
        kind="missing_value",
        cell=f"E{ROW['clinker_power']}",
        strict=True,
    )

    # -- interpretations that are reported, not refused ----------------------------------------
    for name, values, code in (
        ("tce", {"clinker_coal": "0.0965 tce/t"}, "converted"),
        ("g-per-t", {"particulates_per_tonne": "80 g/t"}, "converted"),
        ("full-width", {"clinker_coal": "９６.５"}, "interpreted"),
        ("approx", {"clinker_coal": "约96.5"}, "interpreted"),
        ("percent-text", {"waste_share": "32%"}, "interpreted"),
        ("fraction-plain", {"waste_share": 0.32}, "ambiguous_percentage"),
        ("dash", {"clinker_power": "—"}, "missing"),
        ("blank", {"clinker_power": None}, "missing"),
        ("na", {"clinker_power": "N/A"}, "interpreted"),
    ):
        _cement(out / f"ok-{name}.xlsx", values)
        case(f"reported: {name}", f"ok-{name}.xlsx", finding=code)
    _cement(out / "ok-thousands.xlsx", facts={"clinker_output_t": "1,550,000"})
    case("reported: thousands separators", "ok-thousands.xlsx", finding="interpreted")

    def percent_format(ws, wb):
        ws.cell(ROW["waste_share"], 5).number_format = "0%"

    _edit(out / "ok-percent-format.xlsx", percent_format, {"waste_share": 0.32})
    case("reported: % formatted cell", "ok-percent-format.xlsx", finding="percent_format")

    def fraction_unit(ws, wb):
        ws.cell(ROW["waste_share"], 4).value = "比例"

    _edit(out / "ok-fraction-unit.xlsx", fraction_unit, {"waste_share": 0.32})
    case("reported: fraction unit column", "ok-fraction-unit.xlsx", finding="converted")

    def english_headers(ws, wb):
        order = ["value", "UNIT", "Name", "ID", "Group", "Note"]
        rows = [[c.value for c in r] for r in ws.iter_rows()]
        src = [4, 3, 2, 0, 1, 5]
        ws.delete_rows(1, ws.max_row)
        ws.append(order)
        for r in rows[1:]:
            ws.append([r[i] for i in src])
        ws["G1"] = "审核人"
        wb.create_sheet("附件")["A1"] = "photos"

    _edit(out / "ok-english-headers.xlsx", english_headers)
    case(
        "reported: headers reordered, extra column",
        "ok-english-headers.xlsx",
        finding="ignored_column",
    )
    _edit(out / "ok-extra-sheet.xlsx", english_headers)
    case("reported: extra sheet", "ok-extra-sheet.xlsx", finding="ignored_sheet")

    def renamed(ws, wb):
        ws.title = "Sheet2"

    _edit(out / "ok-renamed-sheet.xlsx", renamed)
    case("reported: indicator sheet renamed", "ok-renamed-sheet.xlsx", finding="sheet_by_header")
    _issue11_cases(out, base, sheet, case)
    base.unlink()
    return cases


def _issue11_cases(out: Path, base: Path, sheet: str, case: Callable[..., None]) -> None:
    """Issue 11: numbers read wrongly, strict workbooks, ambiguous sheets, 2 KB crashers."""
    e_coal = f"E{ROW['clinker_coal']}"
    # -- footnote marks, decimal commas, long texts ---------------------------------------------
    for file, indicator, value in (
        ("footnote-sup.xlsx", "clinker_coal", "96.5¹"),
        ("footnote-circled.xlsx", "clinker_coal", "96.5①"),
        ("footnote-sub.xlsx", "clinker_coal", "96.5₁"),
        ("comma-leading-zero.xlsx", "so2_per_tonne", "0,080"),  # a decimal comma, not thousands
    ):
        _cement(out / file, {indicator: value})
        case(f"{indicator}: {value}", file, kind="not_a_number", cell=f"E{ROW[indicator]}")
    _cement(out / "long-text.xlsx", {"clinker_coal": "很长的说明" * 20_000})
    case("a 100 KB text for a number", "long-text.xlsx", kind="not_a_number", cell=e_coal)

    # -- formulas whose cached value is a placeholder (xlsxwriter's 0, fullCalcOnLoad) ---------
    stale = re.sub(
        rf'(<c r="{e_coal}"[^>]*>)<v>96.5</v>', r"\1<f>90+6.5</f><v>0</v>", sheet, count=1
    )
    assert stale != sheet
    with zipfile.ZipFile(base) as z:
        wb_xml = z.read("xl/workbook.xml").decode()
    assert 'fullCalcOnLoad="1"' in wb_xml
    _rezip(base, out / "full-calc-on-load.xlsx", {"xl/worksheets/sheet3.xml": stale.encode()})
    case("fullCalcOnLoad, cached 0", "full-calc-on-load.xlsx", kind="formula_no_value", cell=e_coal)

    # -- strict Open XML: every check of a transitional workbook --------------------------------
    _strict(base, out / "strict-plain.xlsx")
    case("strict workbook, read as typed", "strict-plain.xlsx", used=("clinker_coal", 96.5))
    _strict(out / "ok-percent-format.xlsx", out / "strict-percent.xlsx")
    # 0.32 shown as 32 %: read as 32 (×100), as in the transitional workbook
    case(
        "strict: % format",
        "strict-percent.xlsx",
        finding="percent_format",
        used=("waste_share", 32),
    )
    _strict(out / "formula.xlsx", out / "strict-formula.xlsx")
    case(
        "strict: formula without value", "strict-formula.xlsx", kind="formula_no_value", cell=e_coal
    )
    _strict(out / "merged.xlsx", out / "strict-merged.xlsx")
    case("strict: merged value cells", "strict-merged.xlsx", kind="merged_cell", cell=e_coal)
    _strict(out / "full-calc-on-load.xlsx", out / "strict-full-calc.xlsx")
    case("strict: fullCalcOnLoad", "strict-full-calc.xlsx", kind="formula_no_value", cell=e_coal)
    error_cell = re.sub(
        rf'<c r="{e_coal}"[^>]*>.*?</c>',
        f'<c r="{e_coal}" t="e"><v>#DIV/0!</v></c>',
        sheet,
        count=1,
    )
    _rezip(base, out / "error-cell.xlsx", {"xl/worksheets/sheet3.xml": error_cell.encode()})
    _strict(out / "error-cell.xlsx", out / "strict-error.xlsx")
    (out / "error-cell.xlsx").unlink()
    case("strict: #DIV/0! cell", "strict-error.xlsx", kind="not_a_number", cell=e_coal)
    _strict(
        out / "far-row.xlsx",
        out / "strict-prefixed-far.xlsx",
        lambda name, text: (
            re.sub(r"<(/?)(row|c|v)\b", r"<\1x:\2", text).replace(
                "<worksheet ", '<worksheet xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main" '
            )
            if name.endswith("sheet3.xml")
            else text
        ),
    )
    case(
        "strict, prefixed tags, cell in the last row", "strict-prefixed-far.xlsx", kind="dimensions"
    )

    # -- 2 KB files that made calamine abort ----------------------------------------------------
    far = '<row r="400000"><c r="ZZ400000"><v>1</v></c></row>'
    _tiny(out / "tiny-strict-far.xlsx", far)
    case("strict, one cell at ZZ400000", "tiny-strict-far.xlsx", kind="dimensions")
    _tiny(
        out / "tiny-prefixed-far.xlsx", far.replace("<", "<x:").replace("<x:/", "</x:"), prefix="x"
    )
    case("prefixed tags, ZZ400000", "tiny-prefixed-far.xlsx", kind="dimensions")
    _tiny(out / "tiny-attr-order.xlsx", '<row r="400000"><c s="0" r="ZZ400000"><v>1</v></c></row>')
    case("cell with s before r, ZZ400000", "tiny-attr-order.xlsx", kind="dimensions")
    _tiny(out / "tiny-lowercase-ref.xlsx", far.replace("ZZ400000", "zz400000"))
    case("lowercase reference zz400000", "tiny-lowercase-ref.xlsx", kind="dimensions")
    _tiny(out / "tiny-no-row-number.xlsx", far.replace(' r="400000"', ""))
    case("far cell in a row without a number", "tiny-no-row-number.xlsx", kind="dimensions")
    _tiny(out / "tiny-sheet-elsewhere.xlsx", far, sheet_part="data/plant/sheet.xml")
    case("sheet part outside xl/worksheets", "tiny-sheet-elsewhere.xlsx", kind="dimensions")
    ns = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    for name, count in (("2e9", "2000000000"), ("2p64", str(2**64 - 1))):
        _tiny(
            out / f"tiny-sst-{name}.xlsx",
            strings=f'<sst xmlns="{ns}" count="{count}" uniqueCount="{count}"><si><t>id</t></si></sst>',
        )
        case(f"shared strings declaring {count}", f"tiny-sst-{name}.xlsx", kind="declared_size")

    # -- sheets that could be the one read ------------------------------------------------------
    def copy_of_indicators(title: str, state: str) -> Callable:
        """A second indicator sheet holding last year's 150 for clinker_coal."""

        def edit(ws, wb):
            copy = wb.copy_worksheet(ws)
            copy.title = title
            copy.cell(ROW["clinker_coal"], 5).value = 150
            copy.sheet_state = state

        return edit

    # beside one visible sheet, a hidden or very hidden copy is reported and its 150 not read
    for file, title, state in (
        ("hidden-copy.xlsx", "指标数据 (旧)", "hidden"),
        ("very-hidden-copy.xlsx", "Indicators", "veryHidden"),
    ):
        _edit(out / file, copy_of_indicators(title, state))
        case(
            f"{state} copy of the indicator sheet",
            file,
            finding="ignored_copy",
            used=("clinker_coal", 96.5),
        )
    _edit(out / "two-indicator-sheets.xlsx", copy_of_indicators("指标数据 (2)", "visible"))
    case("two visible indicator sheets", "two-indicator-sheets.xlsx", kind="ambiguous_sheet")

    def only_very_hidden(ws, wb):
        ws.sheet_state = "veryHidden"
        wb.active = 0

    _edit(out / "very-hidden-only.xlsx", only_very_hidden)
    case("the indicator sheet very hidden", "very-hidden-only.xlsx", kind="hidden_sheet")
    with zipfile.ZipFile(base) as z:
        wb_xml = z.read("xl/workbook.xml").decode()
    dup = wb_xml.replace('name="企业信息"', 'name="指标数据"', 1)
    _rezip(base, out / "duplicate-sheet-names.xlsx", {"xl/workbook.xml": dup.encode()})
    case(
        "two sheets with one name in workbook.xml",
        "duplicate-sheet-names.xlsx",
        kind="ambiguous_sheet",
    )


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    built = build(target)
    buf = io.StringIO()
    for c in built:
        print(f"{c.file:32} {c.kind or 'finding:' + c.finding}", file=buf)
    print(buf.getvalue() + f"{len(built)} cases in {target}")
