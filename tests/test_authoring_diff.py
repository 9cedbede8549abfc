"""diff between two versions: a modified copy of the bundled hazardous-waste draft."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from click.testing import CliRunner

from cpscore.authoring.diff import diff_docs, render_text
from cpscore.cli import main

ROOT = Path(__file__).resolve().parent.parent
HAZARDOUS = ROOT / "indicator_systems" / "hazardous-waste-incineration" / "draft-5878b99.json"


def _v2(doc):
    """A made-up next version: one weight, one benchmark, one flag, one rule, one indicator
    added, one removed, one id renamed."""
    new = copy.deepcopy(doc)
    new["version"] = "v2 (test)"
    pollutants = new["groups"][4]
    so2 = pollutants["indicators"][2]
    so2["benchmarks"]["II"] = {"op": "<=", "value": 50}
    so2["limiting"] = False
    pollutants["indicators"].append(
        {
            "id": "mercury",
            "zh": "汞及其化合物",
            "kind": "quantitative",
            "unit": "mg/Nm³",
            "direction": "lower",
            "weight": 0.03,
            "benchmarks": {"I": {"op": "<=", "value": 0.05}},
        }
    )
    new["groups"][1]["weight"] = 0.1
    del new["groups"][6]["indicators"][1]
    new["groups"][1]["indicators"][0]["id"] = "energy"
    new["classification"][0]["when"]["$and"].append({"non_limiting_II": True})
    return new


def test_structured_diff():
    old = json.loads(HAZARDOUS.read_text(encoding="utf-8"))
    d = diff_docs(old, _v2(old))
    got = {(c.change, c.area, c.where, _s(c.old), _s(c.new)) for c in d.changes}
    assert got == {
        (
            "changed",
            "metadata",
            "version",
            "draft (third-party transcription @5878b99)",
            "v2 (test)",
        ),
        ("changed", "weight", "energy_consumption", "0.12", "0.1"),
        ("changed", "limiting", "pollutant_emission/so2/limiting", "True", "False"),
        ("changed", "benchmark", "pollutant_emission/so2/II", "≤60", "≤50"),
        (
            "added",
            "indicator",
            "pollutant_emission/mercury",
            "None",
            "{'weight': 0.03, 'unit': 'mg/Nm³', 'benchmarks': {'I': '≤0.05'}}",
        ),
        (
            "removed",
            "indicator",
            "clean_production_management/energy_management",
            "{'weight': 0.5}",
            "None",
        ),
        # matched by its Chinese name: an id renamed, not one removed and one added
        ("changed", "indicator", "energy_consumption/energy", "energy_per_tonne", "energy"),
        (
            "changed",
            "rule",
            "rule/I",
            _s(old["classification"][0]),
            _s(_v2(old)["classification"][0]),
        ),
    }
    assert not d.same


def _s(v):
    return str(v)


def test_same_system_has_no_differences():
    old = json.loads(HAZARDOUS.read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    # formatting only: a printed text equal to cpscore's rendering, 1.0 for 1, defaults spelled out
    new["groups"][1]["indicators"][0]["weight"] = 1.0
    new["groups"][1]["indicators"][0]["limiting"] = False
    d = diff_docs(old, new)
    assert d.same and render_text(d).endswith("no differences")


def test_cli_exit_status_and_json(tmp_path):
    old = json.loads(HAZARDOUS.read_text(encoding="utf-8"))
    v2 = tmp_path / "v2.json"
    v2.write_text(json.dumps(_v2(old), ensure_ascii=False), encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["diff", str(HAZARDOUS), str(v2)])
    assert res.exit_code == 1
    assert "  ~ SO₂浓度（日均值） [pollutant_emission/so2/II]: ≤60 → ≤50" in res.output
    assert res.output.splitlines()[-1] == "8 difference(s): 1 added, 1 removed, 6 changed"
    res = runner.invoke(main, ["diff", str(HAZARDOUS), str(v2), "--format", "json"])
    data = json.loads(res.output)
    assert (res.exit_code, data["same"], len(data["changes"])) == (1, False, 8)
    res = runner.invoke(main, ["diff", str(HAZARDOUS), "hazardous-waste-incineration-draft"])
    assert res.exit_code == 0


def test_cli_text_in_chinese_by_default(tmp_path):
    old = json.loads(HAZARDOUS.read_text(encoding="utf-8"))
    v2 = tmp_path / "v2.json"
    v2.write_text(json.dumps(_v2(old), ensure_ascii=False), encoding="utf-8")
    res = CliRunner().invoke(main, ["diff", str(HAZARDOUS), str(v2), "--lang", "zh"])
    lines = res.output.splitlines()
    assert "基准值和要求：" in lines
    assert "  ~ SO₂浓度（日均值） [pollutant_emission/so2/II]: ≤60 → ≤50" in lines
    assert lines[-1] == "共 8 处差异：新增 1 处、删除 1 处、修改 6 处"
    same = CliRunner().invoke(main, ["diff", str(HAZARDOUS), str(HAZARDOUS), "--lang", "zh"])
    assert same.output.splitlines()[-1] == "没有差异"
