"""The Excel scorecard is a view of the result document: its key cells hold the document's values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cpscore.engine.next_class import path_to_next_class
from cpscore.pipeline import evaluate_workbook
from cpscore.views.scorecard import T, write_scorecard
from cpscore.views.template import write_plant_workbook

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
WHEN = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)


def _named(wb, name):
    dn = wb.defined_names[name]
    ((sheet, ref),) = list(dn.destinations)
    return wb[sheet][ref.replace("$", "")]


def _fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:].upper()


@pytest.fixture(scope="module")
def advanced(cement):
    return evaluate_workbook(str(EXAMPLES / "cement" / "plant-advanced.xlsx"), cement)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_summary_holds_the_documents_class_scores_notice_and_audit(tmp_path, advanced, lang):
    out = write_scorecard(advanced, 0, tmp_path / "s.xlsx", lang, evaluated_at=WHEN)
    doc = advanced.document(0, lang)
    wb = load_workbook(out)
    t = T[lang]
    assert wb.sheetnames == [t["summary"], t["indicators"], t["path"]]
    klass = _named(wb, "cpscore_class")
    assert klass.value == doc["class"]["label"]
    assert _fill(klass) == doc["class"]["colour"].lstrip("#").upper()
    assert klass.font.sz >= 20
    assert _named(wb, "cpscore_reason").value == doc["class"]["reason"]
    for s in doc["scores"]:
        assert _named(wb, f"cpscore_score_{s['name']}").value == s["value"]
    notice = _named(wb, "cpscore_notice")
    assert doc["notice"] in notice.value
    assert notice.font.color.rgb.endswith("C00000") and notice.font.b
    # Audit block: the hashes are those of the files themselves.
    summary = wb[t["summary"]]
    texts = {str(c.value) for row in summary.iter_rows() for c in row if c.value is not None}
    example = EXAMPLES / "cement" / "plant-advanced.xlsx"
    assert hashlib.sha256(example.read_bytes()).hexdigest() in texts
    system_file = Path(advanced.system.path).read_bytes()
    assert hashlib.sha256(system_file).hexdigest() in texts
    assert WHEN.isoformat(timespec="seconds") in texts
    assert doc["cpscore_version"] in texts
    # Print: every page says the system is not official and names the plant.
    for k, ws in enumerate(wb.worksheets):
        assert ws.page_setup.orientation == "landscape"
        # The indicator detail (sheet 2) runs two pages across at a readable size (issue 12).
        assert ws.page_setup.fitToWidth == (2 if k == 1 else 1)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert doc["notice"][:20] in ws.oddFooter.left.text
        assert doc["plant"]["name"] in ws.oddHeader.left.text
        assert "2025-03-01" in ws.oddHeader.right.text
    assert summary._charts, "the attainment chart"


def test_indicator_sheet_is_the_trace_with_one_colour_per_level(tmp_path, advanced, cement):
    out = write_scorecard(advanced, 0, tmp_path / "s.xlsx", "en", evaluated_at=WHEN)
    doc = advanced.document(0, "en")
    ws = load_workbook(out)["Indicators"]
    headers = [c.value for c in ws[1]]
    assert ws.freeze_panes == "D2"
    assert ws.print_title_rows == "$1:$1"
    colours = {lv.id: lv.colour.lstrip("#").upper() for lv in cement.classes}
    col = {h: k + 1 for k, h in enumerate(headers)}
    assert ws.max_row == len(doc["indicators"]) + 1
    for r, row in enumerate(doc["indicators"], start=2):
        assert ws.cell(r, 1).value == row["id"]
        assert ws.cell(r, col["Weight"]).value == row["weight"]["nominal"]
        assert ws.cell(r, col["Contribution Y_II"]).value == row["contributions"]["Y_II"]
        if row["level"]:
            assert _fill(ws.cell(r, col["Level met"])) == colours[row["level"]]
        if row["gap"] and "percent" in row["gap"]:
            assert ws.cell(r, col["Gap %"]).value == row["gap"]["percent"]
    coal = next(
        r for r, row in enumerate(doc["indicators"], start=2) if row["id"] == "clinker_coal"
    )
    assert ws.cell(coal, col["Benchmark level I"]).value == "≤98"
    assert ws.cell(coal, col["Limiting"]).value == "*"
    assert "converted from 0.1 tce/t" in ws.cell(coal, col["Source"]).value


def test_path_sheet_lists_the_optimal_improvements(tmp_path, advanced):
    out = write_scorecard(advanced, 0, tmp_path / "s.xlsx", "en", evaluated_at=WHEN)
    ws = load_workbook(out)["Path to next class"]
    path = path_to_next_class(advanced, 0, "en")
    ids = [c.value for c in ws["A"] if c.value in {x.id for x in path.improvements}]
    assert ids == [x.id for x in path.improvements]
    total = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 9).value == "Total")
    assert ws.cell(total, 10).value == path.cost


def test_official_system_has_no_notice(tmp_path, advanced):
    official = dataclasses.replace(advanced.system, status="official")
    ev = dataclasses.replace(advanced, system=official)
    wb = load_workbook(write_scorecard(ev, 0, tmp_path / "s.xlsx", "zh", evaluated_at=WHEN))
    assert "cpscore_notice" not in wb.defined_names
    for ws in wb.worksheets:
        assert not ws.oddFooter.left.text


def test_headers_and_footers_fit_excels_limit(tmp_path, advanced):
    wb = load_workbook(write_scorecard(advanced, 0, tmp_path / "s.xlsx", "en"))
    for ws in wb.worksheets:
        for part in (ws.oddHeader, ws.oddFooter):
            text = "".join((getattr(part, p).text or "") for p in ("left", "center", "right"))
            assert len(text) < 255


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_both_workbooks(tmp_path, advanced, cement):
    # A workbook LibreOffice cannot parse would not convert; one it repairs still converts, so
    # the structural tests above (limits Excel enforces) carry the rest.
    card = write_scorecard(advanced, 0, tmp_path / "scorecard.xlsx", "zh")
    template = write_plant_workbook(cement, tmp_path / "template.xlsx", "zh")
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(card),
            str(template),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    for name in ("scorecard.pdf", "template.pdf"):
        pdf = (tmp_path / name).read_bytes()
        assert pdf.startswith(b"%PDF")
        assert pdf.count(b"/Type /Page") + pdf.count(b"/Type/Page") >= 2
