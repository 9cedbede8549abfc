"""Coverage data: 19 key sectors, every bundled system listed, README and CLI show the same."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cpscore.cli import main
from cpscore.system.catalog import bundled
from cpscore.system.coverage import load_coverage, markdown, rows

ROOT = Path(__file__).resolve().parent.parent


def test_the_19_key_sectors_of_the_plan():
    sectors = load_coverage()["sectors"]
    assert len(sectors) == 19
    assert sum(s["group"] == "high-emission" for s in sectors) == 11
    assert sum(s["group"] == "heavy-metal" for s in sectors) == 8
    assert len({s["sector"] for s in sectors}) == 19
    # every sector says what is missing (or that the system is complete)
    assert all(s["missing"] for s in sectors)


def test_every_bundled_system_is_listed_with_its_status():
    listed = {r.system: r for r in rows() if r.system}
    assert set(listed) == {e.id for e in bundled()}
    for e in bundled():
        assert listed[e.id].status == e.status
        assert listed[e.id].source and listed[e.id].missing


def test_referenced_systems_exist():
    ids = {e.id for e in bundled()}
    for s in load_coverage()["sectors"]:
        assert set(s["systems"]) <= ids, s["sector"]


def test_electroplating_and_pcb_are_not_bundled_and_say_why():
    data = load_coverage()
    plating = next(s for s in data["sectors"] if s["sector"] == "electroplating")
    assert plating["systems"] == []
    assert "0.39 of the first-level weight" in plating["missing"]
    assert "per-indicator weights are known for only some rows" in data["not_bundled"]["pcb"]


def test_readme_carries_the_same_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- coverage:start -->\n", 1)[1].split("\n<!-- coverage:end -->", 1)[0]
    assert block == markdown()


def test_cli_coverage():
    runner = CliRunner()
    res = runner.invoke(main, ["systems", "--coverage", "--format", "json"])
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert len([r for r in data if r["group"] != "other"]) == 19
    res = runner.invoke(main, ["systems", "--coverage", "--format", "markdown"])
    assert res.output.rstrip("\n") == markdown()
