"""import-table on the messy example and on small hand-made tables: what it reads, and the exact
cells it reports instead of guessing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from cpscore.authoring.export_table import canonical
from cpscore.authoring.import_table import import_table
from cpscore.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SYSTEMS = ROOT / "indicator_systems"
MESSY = EXAMPLES / "authoring" / "table-example.xlsx"
HAZARDOUS = SYSTEMS / "hazardous-waste-incineration" / "draft-5878b99.json"


def _numbers(doc):
    """What the printed table fixes: names, weights, units, directions, benchmarks, texts, flags."""
    out = []
    for g in canonical(doc)["groups"]:
        inds = []
        for i in g["indicators"]:
            bms = {
                lv: {k: v for k, v in b.items() if k != "printed"}
                for lv, b in (i.get("benchmarks") or {}).items()
            }
            reqs = {lv: t["zh"] for lv, t in (i.get("requirements") or {}).items()}
            inds.append(
                (
                    i["id"],
                    i["zh"],
                    i["kind"],
                    i.get("unit"),
                    i.get("direction"),
                    i["weight"],
                    i.get("limiting", False),
                    bms,
                    reqs,
                )
            )
        out.append((g["zh"], g["weight"], g.get("bonus", False), inds))
    return out


def test_messy_example_reports_the_one_broken_cell():
    result = import_table(MESSY)
    assert [str(p) for p in result.problems] == [
        "Sheet1!H23: '≤2 0': digits separated by a space; check the number against the PDF "
        "(the other levels of this row are numeric benchmarks; if the row is qualitative, say so "
        "in the kind column)"
    ]


def test_messy_example_notes_each_interpretation():
    notes = [str(n) for n in import_table(MESSY).notes]
    assert "Sheet1!G8: '3次以下': '以下' read as ≤" in notes
    assert "Sheet1!H14: '不大于40': '不大于' read as ≤" in notes
    assert "Sheet1!B19: '〃': 〃 read as '污染物产生与排放'" in notes


def test_messy_example_fixed_gives_the_bundled_numbers(tmp_path):
    fixed = tmp_path / "fixed.xlsx"
    wb = openpyxl.load_workbook(MESSY)
    wb["Sheet1"]["H23"] = "≤20"  # what the PDF prints
    wb.save(fixed)
    result = import_table(fixed)
    assert result.problems == []
    bundled = json.loads(HAZARDOUS.read_text(encoding="utf-8"))
    # Every weight, benchmark, text and flag equals the bundled system; group ids were not in the
    # table, so they are generated (g1…g8).
    assert _numbers(result.doc) == _numbers(bundled)
    assert [g["id"] for g in result.doc["groups"]] == [f"g{k}" for k in range(1, 9)]
    assert result.doc["classification"] == bundled["classification"]
    assert result.doc["effective"] is None


def test_cli_writes_nothing_when_a_cell_is_unreadable(tmp_path):
    out = tmp_path / "system.json"
    res = CliRunner().invoke(main, ["import-table", str(MESSY), "-o", str(out)])
    assert res.exit_code == 1
    assert not out.exists()
    assert "Sheet1!H23: '≤2 0'" in res.output


def _table(tmp_path, rows, meta=None):
    """A small table workbook: header row, data rows, optional metadata rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
            "一级指标",
            "一级指标权重",
            "二级指标",
            "单位",
            "二级指标权重",
            "Ⅰ级基准值",
            "Ⅱ级基准值",
            "Ⅲ级基准值",
        ]
    )
    for r in rows:
        ws.append(r)
    m = wb.create_sheet("体系信息")
    base = {
        "id": "t-1",
        "sector": "t",
        "version": "1",
        "title.zh": "测试体系",
        "issuer.zh": "测试",
        "source.title": "t",
        "source.issuer": "t",
        "source.citation": "made up for a test",
        "effective": "2020-01-01",
        "status": "illustrative",
        "notice.zh": "测试用示例数据",
        "classification": "2013",
    }
    for k, v in {**base, **(meta or {})}.items():
        if v is not None:
            m.append([k, v])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    return path


def test_validation_problems_point_at_the_cell(tmp_path):
    path = _table(
        tmp_path,
        [
            ["资源消耗", 0.6, "取水量", "m³/t", 0.5, "≤1", "≤2", "≤3"],
            [None, None, "电耗", "kWh/t", 0.4, "≤10", "≤20", "≤30"],
            ["管理", 0.4, "审核", None, 1, "全流程", "主要工序", "计划"],
        ],
    )
    result = import_table(path)
    assert [str(p) for p in result.problems] == [
        "Sheet!A2: /groups/0: indicator weights of group 'g1' sum to 0.9, expected 1 [system check]"
    ]


def test_benchmark_order_problem_points_at_the_level_cell(tmp_path):
    path = _table(tmp_path, [["资源消耗", 1, "取水量", "m³/t", 1, "≤3", "≤2", "≤4"]])
    [problem] = import_table(path).problems
    assert problem.address == "Sheet!G2"  # level II (≤2) is stricter than level I (≤3)
    assert "stricter" in problem.message


def test_group_weight_conflict_and_missing_metadata(tmp_path):
    path = _table(
        tmp_path,
        [
            ["资源消耗", 1, "取水量", "m³/t", 0.5, "≤1", "≤2", "≤3"],
            [None, 0.5, "电耗", "kWh/t", 0.5, "≤10", "≤20", "≤30"],
        ],
        meta={"status": None, "classification": None},
    )
    assert [str(p) for p in import_table(path).problems] == [
        "Sheet!B3: '0.5': differs from the weight of group '资源消耗' above (1); start a new group by naming it",
        "体系信息: metadata status missing (official | unverified | illustrative (see the reference README))",
        "体系信息: metadata classification missing (JSON rules, or a preset: 2013 | 43329)",
    ]


def test_limiting_star_ditto_and_same_level(tmp_path):
    path = _table(
        tmp_path,
        [
            ["资源消耗", 1, "*取水量", "m³/t", 0.5, "≤1", "≤2", "≤3"],
            ["〃", "〃", "电耗＊", "〃", 0.5, "≤10", "同Ⅰ级", "≤30"],
        ],
    )
    result = import_table(path)
    assert result.problems == []
    a, b = result.doc["groups"][0]["indicators"]
    assert (a["zh"], a["limiting"], b["zh"], b["limiting"]) == ("取水量", True, "电耗", True)
    assert b["unit"] == "m³/t"  # 〃 in the unit column
    assert b["benchmarks"]["II"] == {"op": "<=", "value": 10}  # 同Ⅰ级: the level I cell
    assert [g["id"] for g in result.doc["groups"]] == ["g1"]
    assert [i["id"] for i in result.doc["groups"][0]["indicators"]] == ["g1_i1", "g1_i2"]


def test_weight_that_depends_on_the_plant_is_refused(tmp_path):
    path = _table(tmp_path, [["资源综合利用", 1, "锌利用率④", "%", "0.8/n", "≥82", "≥80", "≥75"]])
    [problem] = import_table(path).problems
    assert problem.address == "Sheet!E2"
    assert problem.found == "0.8/n"
    assert problem.message.startswith("not a plain number")


def test_quantitative_row_with_broken_cells_is_not_taken_for_text(tmp_path):
    path = _table(tmp_path, [["资源消耗", 1, "取水量", "m³/t", 1, "≤1 0", "≤2 0", "≤3 0"]])
    assert [p.address for p in import_table(path).problems] == ["Sheet!F2", "Sheet!G2", "Sheet!H2"]


def test_options_override_the_metadata_sheet(tmp_path):
    path = _table(tmp_path, [["资源消耗", 1, "取水量", "m³/t", 1, "≤1", "≤2", "≤3"]])
    result = import_table(path, {"status": "unverified", "levels": "2014"})
    assert result.doc["status"] == "unverified"
    assert result.doc["levels"][0]["zh"] == "Ⅰ级 国际清洁生产领先水平"


def test_not_a_table(tmp_path):
    from cpscore.common.errors import InputError

    wb = openpyxl.Workbook()
    wb.active.append(["name", "value"])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(InputError, match="no header row naming 二级指标"):
        import_table(tmp_path / "x.xlsx")


def test_input_file_is_not_modified(tmp_path):
    copy = tmp_path / "messy.xlsx"
    shutil.copy(MESSY, copy)
    before = copy.read_bytes()
    import_table(copy)
    assert copy.read_bytes() == before


def test_unknown_option_key_is_reported(tmp_path):
    path = _table(tmp_path, [["资源消耗", 1, "取水量", "m³/t", 1, "≤1", "≤2", "≤3"]])
    assert [str(p) for p in import_table(path, {"stauts": "official"}).problems] == [
        "--set stauts: unknown metadata key (see the guide)"
    ]


def test_notes_and_problems_read_in_the_readers_language(tmp_path):
    out = tmp_path / "s.json"
    args = ["import-table", str(MESSY), "-o", str(out), "--notes"]
    zh = CliRunner().invoke(main, [*args, "--lang", "zh"]).stderr
    assert "Sheet1!G8: '3次以下': '以下' 读作 ≤" in zh
    assert "Sheet1!G7: '>7000h': 单元格中写有单位 'h'" in zh
    assert "Sheet1!H23: '≤2 0': 数字之间有空格；请对照 PDF 核对该数字" in zh
    assert "有 1 个单元格无法解读；未写出文件" in zh
    en = CliRunner().invoke(main, [*args, "--lang", "en"]).stderr
    assert "Sheet1!G8: '3次以下': '以下' read as ≤" in en
    assert "Sheet1!G7: '>7000h': unit 'h' written in the cell" in en
    # The notes are kept as messages: the same result reads in either language when shown.
    from cpscore.common.i18n import set_language

    note = next(n for n in import_table(MESSY).notes if n.address == "Sheet1!G7")
    try:
        set_language("zh")
        assert note.as_dict()["message"] == "单元格中写有单位 'h'"
        set_language("en")
        assert note.as_dict()["message"] == "unit 'h' written in the cell"
    finally:
        set_language(None)
