"""Batch evaluation: every input plant accounted for, parallel = serial, wide = per plant, outputs."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from batch_data import (
    BROKEN,
    TEXT_INDICATOR,
    UNKNOWN_ID,
    indicator_row,
    plant_values,
    write_broken,
    write_plants,
)
from click.testing import CliRunner

from cpscore.batch.run import read_input, run_batch
from cpscore.cli import main
from cpscore.system.catalog import load
from cpscore.views.neutralise import is_formula_like
from cpscore.views.template import write_plant_workbook

N_PLANTS = 30


@pytest.fixture(scope="module")
def folder(tmp_path_factory, cement) -> Path:
    root = tmp_path_factory.mktemp("plants")
    write_plants(cement, root / "plants", N_PLANTS)
    write_broken(cement, root / "plants" / "sub")  # found by the recursive search
    return root / "plants"


@pytest.fixture(scope="module")
def serial(folder, cement):
    return run_batch(cement, [folder], jobs=1)


def _summary(result):
    ev = result.evaluation
    return ev.summary().assign(id=[m["id"] for m in ev.meta]).reset_index(drop=True)


def test_every_input_plant_is_evaluated_or_rejected(folder, serial):
    files = list(folder.rglob("*.xlsx"))
    assert len(files) == N_PLANTS + len(BROKEN)
    assert serial.evaluated == N_PLANTS
    assert len(serial.rejections) == len(BROKEN)
    assert serial.inputs == len(files) == serial.evaluated + len(serial.rejections)
    assert serial.exit_code == 1
    got = {Path(r.file).name: r.kind for r in serial.rejections}
    assert got == BROKEN


def test_rejections_name_file_sheet_and_cell(serial, cement):
    by_name = {Path(r.file).name: r for r in serial.rejections}
    text = by_name["broken-text-in-number.xlsx"].errors
    assert [(e["kind"], e["sheet"], e["cell"]) for e in text] == [
        ("not_a_number", "指标数据", f"E{indicator_row(cement, TEXT_INDICATOR)}")
    ]
    assert "text 'abc'" in text[0]["found"]
    unknown = by_name["broken-unknown-indicator.xlsx"].errors
    assert [(e["kind"], e["sheet"], e["cell"]) for e in unknown] == [
        ("unknown_indicator", "指标数据", f"A{indicator_row(cement, TEXT_INDICATOR)}")
    ]
    assert UNKNOWN_ID in unknown[0]["found"]
    assert "did you mean 'clinker_coal'" in unknown[0]["expected"]
    for r in serial.rejections:
        assert r.errors[0]["file"] == r.file


def test_results_do_not_depend_on_jobs(folder, cement, serial):
    parallel = run_batch(cement, [folder], jobs=2)
    assert _summary(parallel).equals(_summary(serial))
    assert [m["file"] for m in parallel.evaluation.meta] == [
        m["file"] for m in serial.evaluation.meta
    ]
    assert [r.as_dict() for r in parallel.rejections] == [r.as_dict() for r in serial.rejections]
    assert parallel.evaluation.document(3, "en") == serial.evaluation.document(3, "en")


def test_an_unexpected_exception_becomes_an_internal_rejection(tmp_path, cement, monkeypatch):
    import cpscore.read.workbook

    path = tmp_path / "p.xlsx"
    write_plant_workbook(cement, path, "zh", {"id": "X"}, *plant_values(cement, _rng()))

    def boom(_path, _meanwhile=None):
        raise RuntimeError("simulated defect")

    monkeypatch.setattr(cpscore.read.workbook, "open_workbook", boom)
    got = read_input(path, cement)
    assert got.records == []
    assert [(r.kind, r.errors[0]["found"]) for r in got.rejections] == [
        ("internal", "RuntimeError: simulated defect")
    ]


def _rng():
    import random

    return random.Random(3)


# -- CLI: exit status and outputs --------------------------------------------------------------


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_worker_that_dies_loses_no_plant(folder, cement, serial, monkeypatch):
    """A reader that kills its worker process (as a crash in a native library would) breaks the
    pool; the chunks it held are read again file by file, each in a process of its own, and the
    files that kill that one too are rejected as 'internal'. Every input is still accounted for
    and the plants read are those of the serial run."""
    import multiprocessing
    import time

    from cpscore.batch import run as batch

    main_pid, real = os.getpid(), batch.read_input
    victims = {p.name for p in batch.expand_inputs([folder])[:3]}  # the front: a worker's

    def dying(path, system, meanwhile=None):
        if os.getpid() != main_pid and Path(path).name in victims:
            os._exit(3)
        if os.getpid() == main_pid:
            time.sleep(0.01)  # let the feeder hand the front chunk to a worker
        return real(path, system, meanwhile)

    monkeypatch.setattr(batch, "read_input", dying)  # inherited by forked workers
    monkeypatch.setattr(batch, "_context", lambda: multiprocessing.get_context("fork"))
    result = run_batch(cement, [folder], jobs=2)
    assert result.inputs == serial.inputs
    crashed = [r for r in result.rejections if r.kind == "internal"]
    assert sorted(Path(r.file).name for r in crashed) == sorted(victims)
    assert {r.errors[0]["found"] for r in crashed} == {"the workbook reader crashed on this file"}
    ids = {m["id"] for m in serial.evaluation.meta}
    assert {m["id"] for m in result.evaluation.meta} == ids - {
        m["id"] for m in serial.evaluation.meta if Path(m["file"]).name in victims
    }


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_no_worker_process_can_start(folder, cement, serial, monkeypatch):
    """Where no process can be started (a sandbox, a process limit), a parallel batch reads
    every file in this process instead, with the serial result."""
    import multiprocessing

    from cpscore.batch import run as batch

    class NoProcesses(type(multiprocessing.get_context("spawn"))):
        def Process(self, *args, **kwargs):  # multiprocessing's name
            raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(batch, "_context", lambda: NoProcesses())
    got = run_batch(cement, [folder], jobs=2)
    pd_a, pd_b = _summary(got), _summary(serial)
    assert pd_a.equals(pd_b)
    assert [r.as_dict() for r in got.rejections] == [r.as_dict() for r in serial.rejections]


def test_cli_exit_status(tmp_path, folder):
    runner = CliRunner()
    ok = runner.invoke(
        main,
        [
            "batch",
            str(folder / "plant-0001.xlsx"),
            "--sector",
            "cement",
            "-o",
            str(tmp_path / "a.xlsx"),
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "a.xlsx").is_file()
    some_bad = runner.invoke(
        main,
        ["batch", str(folder), "--sector", "cement", "-o", str(tmp_path / "b.xlsx"), "--jobs", "1"],
    )
    assert some_bad.exit_code == 1
    assert f"{N_PLANTS + len(BROKEN)} input plants" in some_bad.output
    assert f"{N_PLANTS} evaluated, {len(BROKEN)} rejected" in some_bad.output
    for args in (
        ["batch", str(folder), "--sector", "no-such-sector", "-o", str(tmp_path / "c.xlsx")],
        ["batch", str(folder), "--sector", "cement", "-o", str(tmp_path / "c.csv")],
        ["batch", str(tmp_path / "empty"), "--sector", "cement", "-o", str(tmp_path / "c.xlsx")],
        ["batch", "--sector", "cement", "-o", str(tmp_path / "c.xlsx")],
    ):
        (tmp_path / "empty").mkdir(exist_ok=True)
        res = runner.invoke(main, args)
        assert res.exit_code == 2, (args, res.output)
    assert not (tmp_path / "c.xlsx").exists()


def test_help_documents_exit_status():
    res = CliRunner().invoke(main, ["batch", "--help"])
    assert "0  every input plant was evaluated" in res.output
    assert "1  some inputs were rejected" in res.output
    assert "2  usage error" in res.output


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, cement) -> Path:
    """Plants whose typed text tries formulas and HTML, and one rejected file."""
    root = tmp_path_factory.mktemp("hostile")
    rng = _rng()
    names = {
        "H1": '=HYPERLINK("http://evil.example","x")',
        "H2": "<script>alert(1)</script>",
        "H3": "@SUM(A1:A9)",
    }
    for pid, name in names.items():
        facts, values = plant_values(cement, rng)
        path = root / f"{pid}.xlsx"
        write_plant_workbook(cement, path, "zh", {"id": pid}, facts, values)
        _type_text(path, {"name": name, "period": "+2025"})
    (root / "bad.xlsx").write_bytes(b"nope")
    out = root / "out"
    res = CliRunner().invoke(
        main,
        [
            "batch",
            str(root),
            "--sector",
            "cement",
            "--jobs",
            "1",
            "-o",
            str(out / "list.xlsx"),
            "--csv",
            str(out / "list.csv"),
            "--json",
            str(out / "list.jsonl"),
            "--html",
            str(out / "list.html"),
            "--lang",
            "zh",
        ],
    )
    assert res.exit_code == 1, res.output
    return out


def _type_text(path: Path, typed: dict[str, str]) -> None:
    """Put text in plant-sheet cells as a person typing '=… would (a text cell, not a formula)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["企业信息"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in typed:
            row[1].value = typed[row[0].value]
            row[1].data_type = "s"
    wb.save(path)


def test_csv_has_bom_and_neutralised_formulas(hostile):
    raw = (hostile / "list.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["名次", "企业编号", "企业名称"]
    names = {r[1]: r[2] for r in rows[1:]}
    assert names["H1"] == '\'=HYPERLINK("http://evil.example","x")'
    assert names["H3"] == "'@SUM(A1:A9)"
    assert {r[3] for r in rows[1:]} == {"+2025"}  # a plain signed number is not a formula
    assert not any(is_formula_like(cell) for r in rows for cell in r)
    # cement is illustrative: every row says so, in a last column
    assert rows[0][-1] == "注意（数值非官方）"
    assert {r[-1] for r in rows[1:]} == {"示例: " + load("cement").notice.zh}  # status in words


def test_list_workbook_has_no_formulas_and_every_sheet(hostile):
    from openpyxl import load_workbook

    wb = load_workbook(hostile / "list.xlsx")
    assert wb.sheetnames == ["名单", "统计", "减排潜力", "未能评价的输入"]
    for ws in wb.worksheets:
        assert "示例" in str(ws["A2"].value)  # the notice of a non-official system
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    lst = wb["名单"]
    assert lst.freeze_panes == "C5"
    assert lst.auto_filter.ref == "A4:R7"
    assert {lst.cell(r, 3).value for r in range(5, 8)} >= {"'@SUM(A1:A9)"}
    rejected = wb["未能评价的输入"]
    assert rejected["B5"].value.endswith("bad.xlsx")
    assert rejected["G5"].value == "not_a_workbook"
    assert len(wb["统计"]._charts) == 2


def test_html_is_escaped_and_self_contained(hostile):
    page = (hostile / "list.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "url(" not in page and "@import" not in page
    assert '<meta name="viewport"' in page
    assert "示例数据" in page  # the notice banner of the illustrative system


def test_jsonl_one_line_per_plant_and_per_rejection(hostile):
    lines = [json.loads(x) for x in (hostile / "list.jsonl").read_text("utf-8").splitlines()]
    assert [x["record"] for x in lines] == ["result"] * 3 + ["rejected"]
    assert [x["rank"] for x in lines[:3]] == [1, 2, 3]
    assert lines[3]["errors"][0]["kind"] == "not_a_workbook"
    assert {x["result"]["plant"]["id"] for x in lines[:3]} == {"H1", "H2", "H3"}


@pytest.mark.skipif(not os.environ.get("CPSCORE_SLOW"), reason="set CPSCORE_SLOW=1 (200 workbooks)")
def test_two_hundred_workbooks(tmp_path, cement):
    write_plants(cement, tmp_path, 200)
    write_broken(cement, tmp_path)
    result = run_batch(cement, [tmp_path])
    assert (result.evaluated, len(result.rejections)) == (200, len(BROKEN))
