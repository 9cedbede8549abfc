"""What a Chinese association officer sees (issue 12): yes/no in words, benchmarks that depend on
plant facts in words, an index capped by an indicator without benchmarks, the evaluation period,
readable terminal output on 80 columns, and the list workbook as printed.

Values are hand-made so each assertion has one right answer, stated beside it.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from cpscore.cli import main
from cpscore.common.i18n import set_language
from cpscore.views.template import write_plant_workbook

GRINDING = {
    "plant_type": "grinding_station",
    "cement_output_t": 800_000,
    "serious_pollution_accident": "否",
}
# A grinding station at level II on cement_power (grinding-station benchmarks: I ≤32, II ≤36,
# III ≤40), every other applicable indicator at I; legal_compliance (a yes/no indicator) 是.
GRINDING_VALUES = {
    "grinding_process": "I",
    "dust_control_equipment": "I",
    "cement_power": 35,
    "water_per_tonne": 0.1,
    "waste_share": 35,
    "particulates_per_tonne": 0.05,
    "high_grade_share": 80,
    "legal_compliance": "是",
    "clean_production_audit": "I",
    "environment_management": "I",
}


def _cli(*args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns)}
    env.pop("CPSCORE_LANG", None)  # Chinese, the users' default
    return subprocess.run(
        [sys.executable, "-m", "cpscore", *args], capture_output=True, text=True, env=env
    )


@pytest.fixture(scope="module")
def grinding(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    from cpscore.system.catalog import load

    system = load("cement")
    values = {k: v for k, v in GRINDING_VALUES.items() if k in {i.id for i in system.indicators}}
    path = tmp_path_factory.mktemp("g") / "grinding.xlsx"
    meta = {"id": "G-1", "name": "示例粉磨站", "period": "2025"}
    write_plant_workbook(system, path, "zh", meta, GRINDING, values)
    return path


def test_show_gives_variants_in_words() -> None:
    r = _cli("show", "cement", "--format", "json")
    doc = json.loads(r.stdout)
    cement_power = next(
        i for g in doc["groups"] for i in g["indicators"] if i["id"] == "cement_power"
    )
    assert cement_power["variants"][0]["words"] == "水泥粉磨站：Ⅰ级 ≤32，Ⅱ级 ≤36，Ⅲ级 ≤40"
    assert doc["status_label"] == "示例"
    table = _cli("show", "cement", columns=200).stdout
    row = next(x for x in table.splitlines() if "↳ 适用于水泥粉磨站" in x)
    assert [c.strip() for c in row.split("│")[5:8]] == ["≤32", "≤36", "≤40"]
    assert "grinding_station" not in table and "$gte" not in table
    en = json.loads(_cli("show", "cement", "--format", "json", "--lang", "en").stdout)
    words = [
        v["words"]
        for g in en["groups"]
        for i in g["indicators"]
        if i["id"] == "cement_power"
        for v in i["variants"]
    ]
    assert words == ["Cement grinding station: level I ≤32, level II ≤36, level III ≤40"]


def test_template_shows_variants_in_comment_and_reference_column(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert _cli("template", "cement", "-o", str(out)).returncode == 0
    ws = openpyxl.load_workbook(out)["指标数据"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "cement_power")
    assert row[6].value == "Ⅰ级 ≤85，Ⅱ级 ≤90，Ⅲ级 ≤95；水泥粉磨站：Ⅰ级 ≤32，Ⅱ级 ≤36，Ⅲ级 ≤40"
    assert "水泥粉磨站：Ⅰ级 ≤32，Ⅱ级 ≤36，Ⅲ级 ≤40" in row[2].comment.text
    assert "{" not in row[2].comment.text  # never the condition syntax
    # The enum fact's drop-down shows the system's Chinese labels.
    plant = openpyxl.load_workbook(out)["企业信息"]
    lists = [dv.formula1 for dv in plant.data_validations.dataValidation]
    assert any("水泥粉磨站" in (f or "") for f in lists)


def test_grinding_station_scored_on_its_benchmarks_and_no_reference_finding(
    grinding: Path,
) -> None:
    r = _cli("evaluate", str(grinding), "--format", "json")  # no --sector: the workbook names it
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    row = next(x for x in doc["indicators"] if x["id"] == "cement_power")
    # 35 kWh/t: above I (≤32), within II (≤36) of the grinding-station variant.
    assert row["level"] == "II"
    assert row["benchmarks"]["I"] == {"op": "<=", "value": 32.0}
    assert row["benchmark_basis"] == "水泥粉磨站"
    # The template's own reference column (基准值（参考）) is read past without a finding.
    assert not any("基准值" in w["message"] for w in doc["warnings"]), doc["warnings"]
    yes = next(x for x in doc["indicators"] if x["id"] == "legal_compliance")
    assert yes["value"] == "yes"


def test_scorecard_shows_applied_benchmarks_and_yes_no(grinding: Path, tmp_path: Path) -> None:
    out = tmp_path / "sc.xlsx"
    r = _cli("evaluate", str(grinding), "-o", str(out))
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[1]
    rows = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=2)}
    cp = rows["cement_power"]
    assert "（按“水泥粉磨站”的基准值）" in cp[2]
    assert cp[7:10] == ["≤32", "≤36", "≤40"]
    assert rows["legal_compliance"][5] == "是"  # never "yes级"
    assert not any("yes级" in str(v) or "no级" in str(v) for r in rows.values() for v in r)
    # The detail sheet prints at a readable size: two pages across, names repeated.
    assert ws.page_setup.fitToWidth == 2 and ws.print_title_cols == "$A:$D"
    summary = wb.worksheets[0]
    texts = [str(c.value) for r in summary.iter_rows() for c in r if c.value is not None]
    assert "2025" in texts  # the evaluation period
    # Improvements show the current value, the target and the unit: 35 → Ⅰ级 ≤32 kWh/t.
    assert any(t.startswith("现值 35 kWh/t → Ⅰ级 ≤32 kWh/t") for t in texts), texts


def test_text_output_on_80_columns(grinding: Path) -> None:
    r = _cli("evaluate", str(grinding))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert max(len(x) for x in lines) <= 80
    assert not any(re.fullmatch(r"\s*•\s*", x) for x in lines)  # no empty bullet
    assert "评价期 2025" in r.stdout
    assert "是" in r.stdout and "yes" not in r.stdout
    assert "现值 35 kWh/t → Ⅰ级 ≤32 kWh/t (-3 kWh/t, 8.6%)" in r.stdout
    # No number split across lines in the gap column ("≥40/00"): each target is whole.
    row = next(x for x in lines if "单位水泥综合电耗" in x)
    assert "→ Ⅰ级 ≤32" in row
    assert "(cement-2014-illustrative, 示例)" in r.stdout  # the status in words, not the token


def test_systems_keeps_sector_and_method_on_80_columns() -> None:
    for lang in ("zh", "en"):
        out = _cli("systems", "--lang", lang).stdout
        header = next(x for x in out.splitlines() if "sector" in x or "行业" in x)
        assert max(len(x) for x in out.splitlines()) <= 80
        assert ("method" in header) or ("方法" in header)
        assert "cement" in out and ("分级" in out or "graded" in out)


def test_capped_index_is_a_warning_and_explained() -> None:
    r = _cli("validate", "--bundled", "--lang", "en")
    assert r.returncode == 0
    # co2_per_tonne: group weight 0.05 × indicator weight 1.0 = 5 points never earned.
    assert "Y_III can reach at most 95 without the bonus group (100 with it)" in r.stdout
    lagging = EXAMPLES / "hazardous-waste-incineration" / "plant-lagging.xlsx"
    doc = json.loads(_cli("evaluate", str(lagging), "--format", "json").stdout)
    assert doc["class"]["level"] == "lagging"
    assert len(doc["unreachable"]) == 1 and "95" in doc["unreachable"][0]
    assert all(g["id"] != "co2_per_tonne" for g in doc["gaps"])  # never a target-less tip
    text = _cli("evaluate", str(lagging)).stdout
    assert "综合评价指数为何达不到门槛" in text


def test_error_lists_the_enum_labels_the_user_saw(tmp_path: Path) -> None:
    from cpscore.system.catalog import load

    system = load("cement")
    path = tmp_path / "bad.xlsx"
    facts = {**GRINDING, "plant_type": "磨粉站"}
    write_plant_workbook(system, path, "zh", {"id": "B", "period": "2025"}, facts, {})
    r = _cli("evaluate", str(path))
    assert r.returncode == 2
    assert "水泥（熟料）生产企业、水泥粉磨站" in r.stderr and "[bad_fact]" in r.stderr
    r = _cli("evaluate", str(path), "--lang", "en")
    assert "Cement (clinker) plant, Cement grinding station" in r.stderr
    # The label in the other language, or the id, is accepted.
    for typed in ("Cement grinding station", "grinding_station", "水泥粉磨站"):
        write_plant_workbook(
            system, path, "zh", {"id": "B", "period": "2025"}, {**GRINDING, "plant_type": typed}, {}
        )
        assert _cli("evaluate", str(path), "--format", "json").returncode == 0, typed


# -- the list workbook -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def batch20(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from batch_data import write_plants

    from cpscore.system.catalog import load

    folder = tmp_path_factory.mktemp("b20")
    write_plants(load("cement"), folder / "in", 20)
    out = folder / "out"
    out.mkdir()
    r = CliRunner().invoke(
        main,
        [
            "batch",
            str(folder / "in"),
            "--sector",
            "cement",
            "-o",
            str(out / "list.xlsx"),
            "--csv",
            str(out / "list.csv"),
            "--html",
            str(out / "list.html"),
            "--json",
            str(out / "list.jsonl"),
            "--lang",
            "zh",
        ],
    )
    assert r.exit_code == 0, r.output
    return out


def test_class_chart_one_series_a_category_per_class(batch20: Path) -> None:
    with zipfile.ZipFile(batch20 / "list.xlsx") as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = z.read(charts[0]).decode()
        bars = z.read(charts[1]).decode()
    from cpscore.system.catalog import load

    assert len(re.findall(r"<(?:c:)?ser>", xml)) == 1
    assert len(re.findall(r"<(?:c:)?dPt>", xml)) == 4  # I, II, III and below
    for c in load("cement").classes:  # each bar in its class's colour, in the system's order
        assert c.colour.lstrip("#").upper() in xml.upper()
    assert re.search(r'<(?:c:)?showVal val="1"', xml)
    ws = openpyxl.load_workbook(batch20 / "list.xlsx")["统计"]
    labels = [ws.cell(5 + k, 9).value for k in range(4)]
    assert labels[0].startswith("Ⅰ级") and labels[0].endswith("%)")
    # The indicator chart's categories are the names (column B), not the ids.
    assert "$B$" in bars


def test_print_setup_on_every_sheet(batch20: Path) -> None:
    wb = openpyxl.load_workbook(batch20 / "list.xlsx")
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert "&P" in ws.oddFooter.right.text
        assert "非官方" in ws.oddFooter.left.text
        assert "A1:" in " ".join(str(r) for r in ws.merged_cells.ranges)  # the title spans
    assert wb["名单"].print_title_rows == "$4:$4"
    rejected = wb["未能评价的输入"]
    assert rejected.cell(5, 1).value == "没有未能评价的输入。"


def test_number_formats_and_no_float_noise(batch20: Path) -> None:
    wb = openpyxl.load_workbook(batch20 / "list.xlsx")
    ws = wb["名单"]
    heads = [c.value for c in ws[4]]
    y1 = heads.index("Y_I") + 1
    water = next(k for k, h in enumerate(heads, 1) if h and str(h).startswith("单位产品颗粒物"))
    assert ws.cell(5, y1).number_format == "0.00"
    assert ws.cell(5, water).number_format == "0.00"  # benchmarks 0.1/0.15/0.2: 2 decimals
    noise = re.compile(r"\d\.\d*(?:0000|9999)\d")
    for f in ("list.csv", "list.html", "list.jsonl"):
        text = (batch20 / f).read_text(encoding="utf-8-sig")
        assert not noise.search(text), (f, noise.search(text))
    assert (
        "评价期" in (batch20 / "list.html").read_text()
        or "2025" in (batch20 / "list.html").read_text()
    )
    rows = list(csv.reader((batch20 / "list.csv").open(encoding="utf-8-sig")))
    assert "评价期" in rows[0]


def test_yes_no_in_list_outputs(batch20: Path) -> None:
    rows = list(csv.reader((batch20 / "list.csv").open(encoding="utf-8-sig")))
    col = next(k for k, h in enumerate(rows[0]) if h.startswith("环保法律法规"))
    assert {r[col] for r in rows[1:]} <= {"是", "否"}


def test_class_text_contrast_meets_wcag_aa() -> None:
    from cpscore.system.catalog import bundled
    from cpscore.system.loader import load_system
    from cpscore.views.listbook import contrast_ratio, text_colour

    assert round(contrast_ratio("FFFFFF", "000000"), 1) == 21.0
    assert round(contrast_ratio("777777", "FFFFFF"), 2) == 4.48  # the WCAG example colour
    for e in bundled():
        for c in load_system(e.path).classes:
            bg = c.colour.lstrip("#")
            assert contrast_ratio(text_colour(bg), bg) >= 4.5, (e.id, c.id, bg)


def test_ties_share_a_rank_and_order_by_higher_indices() -> None:
    from types import SimpleNamespace

    import numpy as np

    from cpscore.engine import sector_list

    ev = SimpleNamespace(
        n=4,
        # plants A, B, C, D, all in class II (class rank 1: I, II, III, below)
        class_ranks=np.array([1, 1, 1, 1]),
        scores=SimpleNamespace(
            scores={
                "Y_I": np.array([40.0, 60.0, 60.0, 10.0]),
                "Y_II": np.array([90.0, 90.0, 90.0, 95.0]),
                "Y_III": np.array([100.0, 100.0, 100.0, 100.0]),
            }
        ),
        meta=SimpleNamespace(column=lambda key: ["A", "B", "C", "D"]),
        system=SimpleNamespace(
            method="graded", levels=[SimpleNamespace(id=x) for x in ("I", "II", "III")]
        ),
    )

    # Within class II by Y_II (D 95 first), then by Y_I (B, C 60 before A 40), then plant id.
    order = sector_list.ranking(ev)
    assert order == [3, 1, 2, 0]
    # B and C tie on Y_II and Y_I: they share rank 2, and A is 4th (1, 2, 2, 4).
    assert sector_list.shared_ranks(ev, order) == [1, 2, 2, 4]


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_workbooks_print_within_page_bounds(batch20: Path, grinding: Path, tmp_path: Path) -> None:
    """As a person would print them: LibreOffice converts each workbook to PDF."""
    sc = tmp_path / "scorecard.xlsx"
    assert _cli("evaluate", str(grinding), "-o", str(sc)).returncode == 0
    tp = tmp_path / "template.xlsx"
    assert _cli("template", "cement", "-o", str(tp)).returncode == 0
    lst = tmp_path / "list.xlsx"
    shutil.copy(batch20 / "list.xlsx", lst)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(lst),
            str(sc),
            str(tp),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )

    def pages(pdf: Path) -> int:
        return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))

    # The List sheet's 20 plants fit one page; with statistics, charts, reduction and the
    # rejected sheet the workbook stays within 6 pages.
    assert pages(tmp_path / "list.pdf") <= 6
    assert pages(tmp_path / "scorecard.pdf") <= 10
    assert pages(tmp_path / "template.pdf") <= 8
    if shutil.which("pdftotext"):
        first = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "list.pdf"), "-"],
            capture_output=True,
            text=True,
        ).stdout
        assert all(f"P{k:04d}" in first for k in range(1, 21))  # the whole list on page 1
        for pdf in ("list.pdf", "scorecard.pdf"):
            shown = subprocess.run(
                ["pdftotext", str(tmp_path / pdf), "-"], capture_output=True, text=True
            ).stdout
            # No cell shows more digits than its format allows (formats carry ≤ 4 decimals).
            assert not re.search(r"\d\.\d{5,}", shown), (pdf, re.search(r"\d\.\d{5,}", shown))
    set_language(None)
