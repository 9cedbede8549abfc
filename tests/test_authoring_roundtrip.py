"""export-table then import-table gives the same system, for every bundled system and a fixture
that uses expressions, variants, applicability, output-weighted weights and yes/no answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from cpscore.authoring.export_table import canonical, export_table
from cpscore.authoring.import_table import import_table
from cpscore.cli import main
from cpscore.system.loader import load_system

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_FILES = sorted((ROOT / "indicator_systems").glob("*/*.json"))
FIXTURE = ROOT / "tests" / "fixtures" / "authoring-layers-illustrative.json"


@pytest.mark.parametrize("path", [*SYSTEM_FILES, FIXTURE], ids=lambda p: p.stem)
def test_export_then_import_is_identical(path, tmp_path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    export_table(doc, tmp_path / "t.xlsx")
    result = import_table(tmp_path / "t.xlsx")
    assert result.problems == []
    assert canonical(result.doc) == canonical(doc)
    # and the imported file passes the schema and the semantic checks
    (tmp_path / "s.json").write_text(json.dumps(result.doc, ensure_ascii=False), encoding="utf-8")
    imported = load_system(tmp_path / "s.json")
    assert [i.id for i in imported.indicators] == [i.id for i in load_system(path).indicators]


def test_export_prints_the_published_columns(tmp_path):
    export_table(json.loads(FIXTURE.read_text(encoding="utf-8")), tmp_path / "t.xlsx")
    sheet = CalamineWorkbook.from_path(str(tmp_path / "t.xlsx")).get_sheet_by_name("指标表")
    rows = sheet.to_python()
    assert rows[1][:9] == [
        "序号",
        "一级指标",
        "一级指标权重",
        "二级指标",
        "单位",
        "二级指标权重",
        "Ⅰ级基准值",
        "Ⅱ级基准值",
        "Ⅲ级基准值",
    ]
    first = rows[2]
    # limiting star, expression benchmarks as printed: ≤(10 + 5 * n) needs no printed text,
    # the printed "≤ (25+10n)" reads back as the same benchmark so the cell shows it.
    assert first[3] == "*单位产品电耗"
    assert first[6:9] == ["≤(10 + 5 * n)", "≤ (25+10n)", "≤(55 + 10 * n)"]
    # the group name and weight are merged over the group's three rows
    assert ((2, 1), (4, 1)) in sheet.merged_cell_ranges
    assert rows[3][1] == ""


def test_printed_text_that_does_not_read_back_goes_to_its_own_column(tmp_path):
    doc = json.loads(
        (ROOT / "indicator_systems/hazardous-waste-incineration/draft-5878b99.json").read_text(
            encoding="utf-8"
        )
    )
    export_table(doc, tmp_path / "t.xlsx")
    rows = (
        CalamineWorkbook.from_path(str(tmp_path / "t.xlsx")).get_sheet_by_name("指标表").to_python()
    )
    header = rows[1]
    furnace = next(r for r in rows if r[3] == "炉膛温度<850℃记录次数（每天，除启停炉外）")
    assert furnace[header.index("Ⅰ级基准值")] == "≤5"
    assert furnace[header.index("printed_I")].startswith("炉膛内焚烧温度<850℃")


def test_cli_round_trip_and_diff(tmp_path):
    runner = CliRunner()
    xlsx, out = tmp_path / "t.xlsx", tmp_path / "s.json"
    res = runner.invoke(main, ["export-table", "cement", "-o", str(xlsx)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["import-table", str(xlsx), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert res.output.startswith(f"wrote {out} (cement-2014-illustrative, 16 indicators")
    res = runner.invoke(main, ["diff", "cement", str(out)])
    assert (res.exit_code, res.output.splitlines()[-1]) == (0, "no differences")
    res = runner.invoke(main, ["validate", str(out)])
    assert res.exit_code == 0
