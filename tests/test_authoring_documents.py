"""import-table from the published document itself: PDF and Word files in the published layout,
made three ways (reportlab, python-docx, LibreOffice converting the .docx), each imported and
compared with the system it was made from; the bundled systems round-trip through both formats;
hostile and broken documents are refused with one line each."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from documents import (
    META,
    cid_pdf,
    docx_to_pdf,
    encrypted_pdf,
    long_system,
    scanned_pdf,
    soffice,
    text_only_pdf,
    turned_pdf,
    two_row_header_pdf,
)

from cpscore.authoring.documents import limits
from cpscore.authoring.export_document import write_docx, write_pdf
from cpscore.authoring.export_table import canonical
from cpscore.authoring.import_table import import_table
from cpscore.cli import main
from cpscore.common.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_FILES = sorted((ROOT / "indicator_systems").glob("*/*.json"))


@pytest.fixture(scope="module")
def long_docs(tmp_path_factory):
    d = tmp_path_factory.mktemp("long")
    doc = long_system()
    write_pdf(doc, d / "long.pdf", landscape=False)
    write_docx(doc, d / "long.docx")
    return doc, d


def test_long_table_over_three_pages_reads_back_exactly(long_docs):
    doc, d = long_docs
    with pdfplumber.open(d / "long.pdf") as pdf:
        assert len(pdf.pages) == 3  # the header is repeated on pages 2 and 3
        assert all("二级指标" in p.extract_text() for p in pdf.pages)
    result = import_table(d / "long.pdf", META)
    assert result.problems == []
    assert canonical(result.doc) == canonical(doc)
    # every indicator's place is a box on its page; rows of the three pages are all there
    pages = {result.grid.place(r, result.cols["name"]).page for r in result.rows.values()}
    assert pages == {1, 2, 3}


def test_pdf_reads_superscripts_wrapped_names_and_comparator_words(long_docs):
    _doc, d = long_docs
    result = import_table(d / "long.pdf", META)
    inds = [i for g in result.doc["groups"] for i in g["indicators"]]
    assert inds[0]["unit"] == "m³/t" and inds[5]["unit"] == "tCO₂/t"
    # the long name wraps over two lines in its cell and is read as one text
    assert inds[1]["zh"] == "单位产品综合能耗（以标准煤计，含外购电力折算）2"
    assert inds[0]["limiting"] is True and "limiting" not in inds[1]
    # 不大于13.5 printed, read as ≤ with the printed text kept
    assert inds[3]["benchmarks"]["III"] == {"op": "<=", "value": 23.5, "printed": "不大于23.5"}
    assert any("'不大于' read as ≤" in n.message for n in result.notes)
    # the footnote under the table and the classification section were seen
    assert any("注：带*的指标为限定性指标" in n.found for n in result.notes)
    assert any("preset 2013" in n.message for n in result.notes)


def test_docx_with_merged_cells_reads_back_exactly(long_docs):
    doc, d = long_docs
    result = import_table(d / "long.docx", META)
    assert result.problems == []
    assert canonical(result.doc) == canonical(doc)
    place = result.grid.place(result.rows["/groups/1"], result.cols["group"])
    assert (place.table, place.col) == (1, 2)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_pdf_of_the_docx_reads_back_exactly(long_docs, tmp_path):
    doc, d = long_docs
    pdf = docx_to_pdf(d / "long.docx", tmp_path)
    result = import_table(pdf, META)
    assert result.problems == []
    assert canonical(result.doc) == canonical(doc)


def test_docx_two_row_header_paragraphs_and_superscript_runs(tmp_path):
    """A hand-made Word table: 基准值 merged across the level columns (levels on the row below),
    a cell of two paragraphs, m³ written with a superscript run, SO₂ with a subscript run."""
    import docx

    d = docx.Document()
    d.add_paragraph("某行业清洁生产评价指标体系")
    t = d.add_table(rows=4, cols=8)
    t.style = "Table Grid"
    top = ["一级指标", "一级指标权重", "二级指标", "单位", "二级指标权重", "基准值", "", ""]
    for c, v in enumerate(top):
        t.cell(0, c).text = v
    for c, v in enumerate(["Ⅰ级", "Ⅱ级", "Ⅲ级"], start=5):
        t.cell(1, c).text = v
    for c in range(5):
        t.cell(0, c).merge(t.cell(1, c))
    t.cell(0, 5).merge(t.cell(0, 7))
    t.cell(2, 0).text, t.cell(2, 1).text = "资源消耗", "1"
    t.cell(2, 0).merge(t.cell(3, 0))
    t.cell(2, 1).merge(t.cell(3, 1))
    p = t.cell(2, 2).paragraphs[0]
    p.add_run("单位产品")
    t.cell(2, 2).add_paragraph("取水量")
    unit = t.cell(2, 3).paragraphs[0]
    unit.add_run("m")
    unit.add_run("3").font.superscript = True
    unit.add_run("/t")
    for c, v in enumerate(["0.5", "≤1", "≤2", "30以下"], start=4):
        t.cell(2, c).text = v
    name = t.cell(3, 2).paragraphs[0]
    name.add_run("*SO")
    name.add_run("2").font.subscript = True
    name.add_run("排放浓度")
    t.cell(3, 3).text = "mg/m3"
    for c, v in enumerate(["0.5", "≤10", "≤20", "〃"], start=4):
        t.cell(3, c).text = v
    path = tmp_path / "hand.docx"
    d.save(path)
    result = import_table(path, {**META, "classification": "2013"})
    assert result.problems == []
    [g] = result.doc["groups"]
    a, b = g["indicators"]
    assert (a["zh"], a["unit"]) == ("单位产品取水量", "m³/t")
    assert (b["zh"], b.get("limiting")) == ("SO₂排放浓度", True)
    assert a["benchmarks"]["III"] == {"op": "<=", "value": 30, "printed": "30以下"}
    # 〃 repeats the cell above: 30以下, read as ≤ 30
    assert b["benchmarks"]["III"] == {"op": "<=", "value": 30, "printed": "30以下"}
    assert result.doc["title"]["zh"] == "某行业清洁生产评价指标体系"
    assert str(result.grid.place(result.rows["/groups/0/indicators/1"], 2)) == "table 1!row 4 col 3"


@pytest.mark.parametrize("path", SYSTEM_FILES, ids=lambda p: p.parent.name)
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_bundled_systems_round_trip_through_the_document(path, fmt, tmp_path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    out = tmp_path / f"s.{fmt}"
    res = CliRunner().invoke(main, ["export-table", str(path), "-o", str(out)])
    assert res.exit_code == 0, res.output
    system = tmp_path / "s.json"
    res = CliRunner().invoke(
        main, ["import-table", str(out), "-o", str(system), "--base", str(path)]
    )
    assert res.exit_code == 0, res.output
    assert canonical(json.loads(system.read_text(encoding="utf-8"))) == canonical(doc)


def test_the_printed_numbers_come_from_the_document_not_the_base(tmp_path):
    """The base gives ids and rules only: a weight and a benchmark changed in the base are
    read from the document."""
    doc = json.loads(SYSTEM_FILES[0].read_text(encoding="utf-8"))
    write_pdf(doc, tmp_path / "s.pdf")
    base = copy.deepcopy(doc)
    ind = base["groups"][1]["indicators"][0]
    ind["weight"] = 0.9
    ind["benchmarks"]["I"] = {"op": "<=", "value": 1}
    result = import_table(tmp_path / "s.pdf", base=base)
    got = result.doc["groups"][1]["indicators"][0]
    want = doc["groups"][1]["indicators"][0]
    assert (got["id"], got["weight"], got["benchmarks"]["I"]) == (
        want["id"],
        want["weight"],
        want["benchmarks"]["I"],
    )


def test_pages_option_selects_the_table_pages(long_docs):
    _doc, d = long_docs
    result = import_table(d / "long.pdf", META, pages="1-2")
    names = [i["zh"] for g in result.doc["groups"] for i in g["indicators"]]
    assert 20 < len(names) < 60  # the rows of page 3 are not read
    with pytest.raises(InputError, match="pages between 1 and 3"):
        import_table(d / "long.pdf", META, pages="2-7")


def test_document_without_classification_says_to_set_it(long_docs, tmp_path):
    doc, _ = long_docs
    doc = copy.deepcopy(doc)
    doc["classification"] = [
        {"class": "I", "when": {"$gte": {"P": 1}}},
    ]  # not of the printed kind: the writer leaves the section out
    write_pdf(doc, tmp_path / "x.pdf")
    meta = {k: v for k, v in META.items()}
    result = import_table(tmp_path / "x.pdf", meta)
    assert "metadata classification missing" in " ".join(str(p) for p in result.problems)
    assert any("--set classification" in n.message for n in result.notes)


def test_classification_section_43329_is_recognised(long_docs, tmp_path):
    from cpscore.authoring import table_layout as L

    doc = copy.deepcopy(long_docs[0])
    doc["classification"] = copy.deepcopy(L.CLASSIFICATION_PRESETS["43329"])
    write_pdf(doc, tmp_path / "x.pdf")
    result = import_table(tmp_path / "x.pdf", META)
    assert result.problems == []
    assert result.doc["classification"] == L.CLASSIFICATION_PRESETS["43329"]


# --- hostile and broken documents -------------------------------------------------------------


def _refused(path: Path, *args: str) -> str:
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    out = path.parent / "out.json"
    res = CliRunner().invoke(main, ["import-table", str(path), "-o", str(out), *args])
    assert res.exit_code == 2, res.output
    assert not out.exists()
    assert "Traceback" not in res.output
    lines = [x for x in res.output.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # input never modified
    return lines[0]


def test_scanned_pdf_names_its_pages_and_says_no_ocr(tmp_path):
    scanned_pdf(tmp_path / "scan.pdf")
    line = _refused(tmp_path / "scan.pdf")
    assert "p.1-2" in line and "no text layer" in line and "OCR is not supported" in line


def test_cid_codes_name_the_page_and_font(tmp_path):
    cid_pdf(tmp_path / "cid.pdf")
    line = _refused(tmp_path / "cid.pdf")
    assert "p.1" in line and "(cid:" in line and "SimSunSubset" in line


def test_private_use_characters_name_the_page_and_font(tmp_path):
    cid_pdf(tmp_path / "pua.pdf", private_use=True)
    line = _refused(tmp_path / "pua.pdf")
    assert "p.1" in line and "SimSunSubset" in line and "glyph codes" in line


def test_encrypted_pdf(tmp_path):
    encrypted_pdf(tmp_path / "locked.pdf")
    assert "encrypted PDF" in _refused(tmp_path / "locked.pdf")


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", b"not a pdf at all", b""],
    ids=["truncated", "garbage", "empty"],
)
def test_damaged_pdf(tmp_path, data):
    (tmp_path / "bad.pdf").write_bytes(data)
    assert "damaged or unreadable PDF" in _refused(tmp_path / "bad.pdf")


def test_damaged_docx(tmp_path):
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04 broken")
    assert "not a readable .docx" in _refused(tmp_path / "bad.docx")


def test_doc_is_refused_with_save_as_docx(tmp_path):
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert "save as .docx" in _refused(tmp_path / "old.doc")
    # the same bytes behind a .docx name
    (tmp_path / "renamed.docx").write_bytes((tmp_path / "old.doc").read_bytes())
    assert "save as .docx" in _refused(tmp_path / "renamed.docx")


def test_pdf_without_a_table(tmp_path):
    text_only_pdf(tmp_path / "notice.pdf")
    assert "no table whose header names 二级指标" in _refused(tmp_path / "notice.pdf")


def test_limits_pages_objects_and_time(tmp_path, monkeypatch):
    text_only_pdf(tmp_path / "three.pdf", pages=3)
    monkeypatch.setattr(limits, "MAX_PAGES", 2)
    assert "3 pages; expected at most 2 pages" in _refused(tmp_path / "three.pdf")
    monkeypatch.setattr(limits, "MAX_PAGES", 1000)
    monkeypatch.setattr(limits, "MAX_OBJECTS", 5)
    assert "objects; expected at most 5 objects" in _refused(tmp_path / "three.pdf")
    monkeypatch.setattr(limits, "MAX_OBJECTS", 2_000_000)
    monkeypatch.setattr(limits, "MAX_SECONDS", -1.0)
    monkeypatch.setattr(limits.Clock, "__init__", _clock_with(-1.0))
    assert "reading took more than" in _refused(tmp_path / "three.pdf")


def _clock_with(limit: float):
    def init(self, path: str, limit_: float = limit, start: float = 0.0) -> None:
        self.path, self.limit, self.start = path, limit, 0.0
        self.__post_init__()

    return init


def test_unreadable_cell_in_a_pdf_is_reported_at_its_page_and_box(tmp_path, monkeypatch):
    from cpscore.authoring import export_document

    printed = export_document.printed_table

    def broken(doc):
        header, rows, spans = printed(doc)
        rows[2][7] = "≤2 0"  # a space inside the number, as a bad typesetting leaves it
        return header, rows, spans

    monkeypatch.setattr(export_document, "printed_table", broken)
    write_pdf(long_system(), tmp_path / "x.pdf")
    out = tmp_path / "x.json"
    args = ["import-table", str(tmp_path / "x.pdf"), "-o", str(out)]
    for k, v in META.items():
        args += ["--set", f"{k}={v}"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1 and not out.exists()
    assert "p.1!row 4 col 8 [" in res.output and "'≤2 0': digits separated by a space" in res.output


@pytest.mark.parametrize(
    ("turn", "rotate"),
    [(90, 0), (270, 0), (90, 90), (270, 270), (90, 270)],
    ids=["up", "down", "up-shown-landscape", "down-shown-landscape", "upside-down"],
)
def test_tables_printed_sideways_read_back_exactly(tmp_path, turn, rotate):
    """A landscape table drawn turned on a portrait page (text running up or down the page),
    with and without /Rotate telling the viewer to show it turned."""
    doc = json.loads(SYSTEM_FILES[0].read_text(encoding="utf-8"))
    write_pdf(doc, tmp_path / "flat.pdf")
    turned_pdf(tmp_path / "flat.pdf", tmp_path / "turned.pdf", turn, rotate)
    result = import_table(tmp_path / "turned.pdf", base=doc)
    assert result.problems == []
    assert canonical(result.doc) == canonical(doc)
    # the page's /Rotate is set aside; the turn is the text's on the page itself
    assert result.grid.place(result.rows["/groups/0/indicators/0"], 3).turn == turn


def test_classification_table_of_the_2014_texts_is_recognised():
    from cpscore.authoring import table_layout as L
    from cpscore.authoring.documents.classification import recognise

    rows = [
        "表3 清洁生产企业的评定",
        "企业清洁生产水平 评定条件",
        "Ⅰ级（国际清洁生产领先水平） 同时满足：——YⅠ≥85；——限定性指标全部满足Ⅰ级基准值要求。",
        "Ⅱ级（国内清洁生产先进水平） 同时满足：——YⅡ≥85；——限定性指标全部满足Ⅱ级基准值要求及以上。",
        "Ⅲ级（国内清洁生产基本水平） 满足：YⅢ=100。",
    ]
    rules, message = recognise(rows)
    assert rules == L.CLASSIFICATION_PRESETS["2013"] and "preset 2013" in message
    # a threshold of its own: read as stated, the class below derived from the last level
    rules, message = recognise([r.replace("YⅡ≥85", "YⅡ≥80") for r in rows])
    assert rules[1]["when"]["$and"][0] == {"$gte": {"Y_II": 80}}
    assert rules[-1] == {"class": "lagging", "when": {"$lt": {"Y_III": 100}}}
    assert recognise(["注：带*的指标为限定性指标"])[0] is None


def test_a_diagonal_watermark_does_not_enter_the_cells(tmp_path):
    """Drafts carry 征求意见稿 across the page; its turned characters are not cell text."""
    doc = json.loads(SYSTEM_FILES[0].read_text(encoding="utf-8"))
    write_pdf(doc, tmp_path / "draft.pdf", watermark="征求意见稿 征求意见稿 征求意见稿")
    with pdfplumber.open(tmp_path / "draft.pdf") as pdf:
        assert "征求意见稿" in "".join(c["text"] for c in pdf.pages[0].chars)
    result = import_table(tmp_path / "draft.pdf", base=doc)
    assert result.problems == []
    assert canonical(result.doc) == canonical(doc)


def test_two_row_header_with_basis_value_merged_over_the_levels(long_docs, tmp_path):
    doc, _ = long_docs
    two_row_header_pdf(doc, tmp_path / "two.pdf")
    with pdfplumber.open(tmp_path / "two.pdf") as pdf:
        assert len(pdf.pages) >= 2  # the two header rows repeat on every page
    title = doc["title"]["zh"]  # this page prints the table only
    meta = {**META, "classification": "2013", "title.zh": title, "source.title": title}
    result = import_table(tmp_path / "two.pdf", meta)
    assert result.problems == []
    assert canonical(result.doc) == canonical(doc)


def test_documents_over_the_size_limits_are_refused(long_docs, monkeypatch):
    """The file (any document) and the unpacked .docx, each against its limit in MB."""
    from cpscore.authoring.documents import docx as docx_reader

    _doc, d = long_docs
    monkeypatch.setattr(limits, "MAX_BYTES", 1024)  # the long PDF is several KB
    got = _refused(d / "long.pdf")
    assert "0 MB" in got and "a document of at most 0 MB" in got
    monkeypatch.setattr(limits, "MAX_BYTES", 200 * 1024 * 1024)
    monkeypatch.setattr(docx_reader, "MAX_INFLATED", 1000)  # bytes; the .docx unpacks to more
    got = _refused(d / "long.docx")
    assert "0 MB when unpacked" in got and "a document of at most 0 MB unpacked" in got
