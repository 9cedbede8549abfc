"""Issue 11: outputs never touch inputs, nothing a batch finds takes it down, and every write
error names the output. Through the CLI (click's CliRunner) and real processes, as users run it."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_data import write_plants
from click.testing import CliRunner

from cpscore.cli import main

ROOT = Path(__file__).resolve().parent.parent
EVALUATE = [sys.executable, "-m", "cpscore", "evaluate"]
BATCH = [sys.executable, "-m", "cpscore", "batch"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result


@pytest.fixture
def folder(tmp_path, cement) -> Path:
    """Three submissions, P0001..P0003."""
    write_plants(cement, tmp_path / "in", 3)
    return tmp_path / "in"


# -- outputs and the inputs they must never touch ----------------------------------------------


def test_evaluate_refuses_an_output_that_is_its_input(folder, tmp_path):
    plant = folder / "plant-0001.xlsx"
    before = _sha(plant)
    link = tmp_path / "link.xlsx"
    link.symlink_to(plant)
    hard = tmp_path / "hard.xlsx"
    os.link(plant, hard)
    for out in (plant, link, hard, Path(os.path.relpath(plant))):
        got = _cli("evaluate", plant, "--sector", "cement", "-o", out)
        assert got.exit_code == 2, got.stderr
        assert "never replaces an input" in got.stderr and str(out) in got.stderr
    assert _sha(plant) == before


def test_batch_refuses_an_output_that_is_an_input(folder):
    plant = folder / "plant-0002.xlsx"
    before = _sha(plant)
    got = _cli("batch", folder, "--sector", "cement", "-o", plant)
    assert got.exit_code == 2 and "never replaces an input" in got.stderr
    assert _sha(plant) == before


def test_scorecards_into_the_submissions_folder_never_replace_an_input(tmp_path, cement):
    """A submission named like its plant's scorecard (P0001.xlsx): the scorecard takes the next
    free name; a second run skips the list and scorecards it finds, with a note."""
    from hostile.make_corpus import CEMENT_FACTS, CEMENT_VALUES

    from cpscore.views.template import write_plant_workbook

    subs = tmp_path / "subs"
    subs.mkdir()
    meta = {"id": "P0001", "name": "厂", "period": "2025"}
    write_plant_workbook(cement, subs / "P0001.xlsx", "zh", meta, CEMENT_FACTS, CEMENT_VALUES)
    before = _sha(subs / "P0001.xlsx")
    first = _cli(
        "batch", subs, "--sector", "cement", "-o", subs / "list.xlsx", "--scorecards", subs
    )
    assert first.exit_code == 0, first.stderr
    assert _sha(subs / "P0001.xlsx") == before
    assert (subs / "P0001-2.xlsx").exists()
    again = _cli(
        "batch", subs, "--sector", "cement", "-o", subs / "list.xlsx", "--scorecards", subs
    )
    assert again.exit_code == 0, again.stderr
    assert "1 input plants from" in again.stderr  # the list and the scorecard were not read
    assert again.stderr.count("written by cpscore") == 2
    assert _sha(subs / "P0001.xlsx") == before


def test_every_workbook_cpscore_writes_is_marked(folder, tmp_path):
    from cpscore.read.safety import inspect

    out = tmp_path / "list.xlsx"
    _cli("batch", folder, "--sector", "cement", "-o", out, "--scorecards", tmp_path / "cards")
    assert inspect(out).output_of == "list"
    cards = sorted((tmp_path / "cards").glob("*.xlsx"))
    assert len(cards) == 3 and {inspect(c).output_of for c in cards} == {"scorecard"}
    assert inspect(folder / "plant-0001.xlsx").output_of == ""  # templates are not marked


def test_template_does_not_replace_a_file_without_force(tmp_path):
    target = tmp_path / "plant.xlsx"
    target.write_bytes(b"a filled-in workbook")
    got = _cli("template", "cement", "-o", target)
    assert got.exit_code == 2 and "--force" in got.stderr
    assert target.read_bytes() == b"a filled-in workbook"
    assert _cli("template", "cement", "-o", target, "--force").exit_code == 0
    assert target.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "no space left on device"), (errno.EACCES, "permission denied")],
)
def test_write_errors_name_the_output_and_keep_the_previous_one(
    folder, tmp_path, monkeypatch, code, words
):
    out = tmp_path / "list.xlsx"
    assert _cli("batch", folder, "--sector", "cement", "-o", out).exit_code == 0
    before = _sha(out)

    def failing(fd):  # where a full disk shows at the latest: the data reaching the disk
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", failing)
    got = _cli("batch", folder, "--sector", "cement", "-o", out)
    assert got.exit_code == 2
    assert f"cannot write {out}: {words}" in got.stderr
    assert ".tmp" not in got.stderr and "internal error" not in got.stderr
    assert _sha(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_full_stdout_is_exit_2_with_one_line(folder):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open("/dev/full", "w") as full:
        got = subprocess.run(
            [*EVALUATE, str(folder / "plant-0001.xlsx"), "--sector", "cement", "--format", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=120,
        )
    assert got.returncode == 2, got.stderr
    assert got.stderr.strip() == "error: cannot write to standard output: no space left on device"


# -- batches: duplicates, missing inputs, what the terminal shows ------------------------------


def test_byte_identical_copy_counts_once(folder, tmp_path):
    shutil.copy(folder / "plant-0001.xlsx", folder / "plant-0001 (copy).xlsx")
    got = _cli("batch", folder, "--sector", "cement", "-o", tmp_path / "l.xlsx")
    assert got.exit_code == 0, got.stderr
    assert "3 input plants from 4 files: 3 evaluated, 0 rejected" in got.stderr
    assert "byte-identical" in got.stderr and "counted once" in got.stderr


def test_one_plant_id_with_different_content_is_rejected_twice(folder, tmp_path, cement):
    import random

    from batch_data import plant_values

    from cpscore.views.template import write_plant_workbook

    facts, values = plant_values(cement, random.Random(99))
    meta = {"id": "P0002", "name": "另一份", "period": "2025"}
    write_plant_workbook(cement, folder / "other.xlsx", "zh", meta, facts, values)
    jsonl = tmp_path / "l.jsonl"
    got = _cli("batch", folder, "--sector", "cement", "-o", tmp_path / "l.xlsx", "--json", jsonl)
    assert got.exit_code == 1
    assert "4 input plants from 4 files: 2 evaluated, 2 rejected" in got.stderr
    lines = [ln for ln in got.stderr.splitlines() if "[duplicate_plant]" in ln]
    assert len(lines) == 2
    assert any("other.xlsx" in ln and "plant-0002.xlsx" in ln.split(":", 2)[2] for ln in lines)
    import json

    records = [json.loads(ln) for ln in jsonl.read_text().splitlines()]
    ranked = [r["result"]["plant"]["id"] for r in records if r["record"] == "result"]
    assert sorted(ranked) == ["P0001", "P0003"]


def test_a_missing_input_is_a_usage_error_before_reading(folder, tmp_path):
    out = tmp_path / "l.xlsx"
    got = _cli("batch", folder, tmp_path / "nope.xlsx", "--sector", "cement", "-o", out)
    assert got.exit_code == 2 and "nope.xlsx: no such file or folder" in got.stderr
    assert not out.exists()


def test_terminal_lists_rejected_inputs_first_20(tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    for k in range(23):
        (bad / f"b{k:02d}.xlsx").write_bytes(b"not a workbook")
    got = _cli("batch", bad, "--sector", "cement", "-o", tmp_path / "l.xlsx", "--jobs", "1")
    assert got.exit_code == 1
    listed = [ln for ln in got.stderr.splitlines() if ln.startswith("  rejected: ")]
    assert len(listed) == 20 and "[not_a_workbook]" in listed[0] and "b00.xlsx" in listed[0]
    assert "… and 3 more; see the Rejected sheet" in got.stderr


def test_a_panic_in_the_parser_costs_one_file(folder, monkeypatch, cement):
    """pyo3's PanicException derives from BaseException: read here (jobs=1), it is one
    rejected input, not the end of the batch."""
    import python_calamine

    from cpscore.batch.run import run_batch

    class PanicException(BaseException):
        pass

    real_path = python_calamine.CalamineWorkbook.from_path
    real_bytes = python_calamine.CalamineWorkbook.from_filelike
    victim = next(Path(folder).rglob("plant-0002.xlsx")).read_bytes()

    def from_path(path, *a, **kw):
        if path.endswith("plant-0002.xlsx"):
            raise PanicException("capacity overflow")
        return real_path(path, *a, **kw)

    def from_filelike(fh, *a, **kw):  # a small workbook is parsed from the bytes read once
        if fh.getvalue() == victim:
            raise PanicException("capacity overflow")
        return real_bytes(fh, *a, **kw)

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", from_path)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", from_filelike)
    got = run_batch(cement, [folder], jobs=1)
    assert got.evaluated == 2
    assert [(r.kind, Path(r.file).name) for r in got.rejections] == [("corrupt", "plant-0002.xlsx")]
    assert "capacity overflow" in got.rejections[0].errors[0]["found"]


# -- wide workbooks --------------------------------------------------------------------------


def _wide(cement, tmp_path: Path, header: dict[str, str], extra: dict | None = None) -> Path:
    """A wide workbook of one plant, its header cells renamed as ``header`` says."""
    import openpyxl
    from hostile.make_corpus import CEMENT_FACTS, CEMENT_VALUES

    from cpscore.views.wide_template import write_wide_workbook

    path = tmp_path / "wide.xlsx"
    plant = {"id": 330100001.0, "name": "厂", "period": 2023.0, **CEMENT_FACTS, **CEMENT_VALUES}
    write_wide_workbook(cement, path, "zh", [plant | (extra or {})])
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ids = [c.value for c in ws[2]]
    ws.delete_rows(1)  # the id row heads the table
    for key, text in header.items():
        if key in ids:
            ws.cell(1, ids.index(key) + 1).value = text
        else:
            ws.cell(1, ws.max_column + 1).value = text
            ws.cell(2, ws.max_column).value = 99
    ws.cell(2, 1).value = 330100001.0
    ws.cell(2, ids.index("period") + 1).value = 2023.0
    wb.save(path)
    return path


def test_wide_fact_units_are_converted(tmp_path, cement):
    """5 kt/d is 5 × 1000 = 5000 t/d; 155 万t is 155 × 10,000 = 1,550,000 t, the output the
    reduction potential multiplies by; ids and periods typed as numbers are integer text."""
    import json

    path = _wide(
        cement,
        tmp_path,
        {"kiln_capacity_tpd": "熟料生产线规模 (kt/d)", "clinker_output_t": "年熟料产量 (万t)"},
        {"kiln_capacity_tpd": 5, "clinker_output_t": 155},
    )
    jsonl = tmp_path / "l.jsonl"
    got = _cli("batch", path, "--sector", "cement", "-o", tmp_path / "l.xlsx", "--json", jsonl)
    assert got.exit_code == 0, got.stderr
    record = json.loads(jsonl.read_text().splitlines()[0])
    assert record["result"]["plant"]["id"] == "330100001"
    assert record["result"]["plant"]["period"] == "2023"
    messages = [w["message"] for w in record["result"]["warnings"] if w["code"] == "converted"]
    assert "5 kt/d converted to 5000 t/d" in messages
    potential = record["reduction_potential"]
    assert {p["output"] for p in potential if p["output_fact"] == "clinker_output_t"} == {1_550_000}


def test_wide_one_indicator_in_two_columns_is_refused(tmp_path, cement):
    path = _wide(cement, tmp_path, {"clinker_coal_again": "clinker_coal"})
    got = _cli("batch", path, "--sector", "cement", "-o", tmp_path / "l.xlsx")
    assert got.exit_code == 1
    assert "[duplicate_column]" in got.stderr and "names clinker_coal again" in got.stderr


# -- interruptions and a killed parent ---------------------------------------------------------


def _children(pid: int) -> set[int]:
    """Every descendant of ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for child, parent in parents.items():
            if parent == p and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def many(tmp_path, cement) -> Path:
    """Enough workbooks that the batch is still reading when its workers have started (this
    process reads too while they start): 40 plants, each in ten copies."""
    folder = tmp_path / "many"
    write_plants(cement, folder, 40)
    for f in list(folder.glob("*.xlsx")):
        for k in range(1, 10):
            shutil.copyfile(f, folder / f"{f.stem}-copy{k}.xlsx")
    return folder


def _start_batch(many: Path, tmp_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [*BATCH, str(many), "--sector", "cement", "-o", str(tmp_path / "l.xlsx"), "--jobs", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )


def _wait_for_workers(proc: subprocess.Popen[str], n: int) -> set[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        kids = _children(proc.pid)
        if len(kids) >= n:
            return kids
        time.sleep(0.05)
    pytest.skip("the batch finished before its workers could be seen")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_workers_and_forkserver_exit_when_the_batch_is_killed(many, tmp_path):
    proc = _start_batch(many, tmp_path)
    kids = _wait_for_workers(proc, 3)  # the forkserver and two workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(k) for k in kids):
        time.sleep(0.1)
    assert [k for k in kids if _alive(k)] == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_ctrl_c_is_one_line(many, tmp_path):
    proc = _start_batch(many, tmp_path)
    kids = _wait_for_workers(proc, 3)
    os.killpg(proc.pid, signal.SIGINT)  # the terminal sends it to the whole group
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == "interrupted; no output written"
    assert not (tmp_path / "l.xlsx").exists()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(k) for k in kids):
        time.sleep(0.1)
    assert [k for k in kids if _alive(k)] == []


@pytest.mark.parametrize(("state", "outcome"), [("hidden", "ignored"), ("visible", "ambiguous")])
def test_wide_workbook_with_a_second_table(tmp_path, cement, state, outcome):
    """A copy of the wide sheet with other numbers: hidden, the visible sheet is read (its
    96.5, not the copy's 150) and the copy reported; visible too, the workbook is refused."""
    import json

    import openpyxl

    path = _wide(cement, tmp_path, {})
    wb = openpyxl.load_workbook(path)
    copy = wb.copy_worksheet(wb.worksheets[0])
    copy.title = "旧表"
    ids = [c.value for c in wb.worksheets[0][1]]
    copy.cell(2, ids.index("clinker_coal") + 1).value = 150
    copy.sheet_state = state
    wb.save(path)
    jsonl = tmp_path / "l.jsonl"
    got = _cli("batch", path, "--sector", "cement", "-o", tmp_path / "l.xlsx", "--json", jsonl)
    records = [json.loads(ln) for ln in jsonl.read_text().splitlines()]
    if outcome == "ignored":
        assert got.exit_code == 0, got.stderr
        result = records[0]["result"]
        used = next(i for i in result["indicators"] if i["id"] == "clinker_coal")
        assert used["value"] == 96.5
        assert any(
            w["code"] == "ignored_copy" and "旧表" in w["message"] for w in result["warnings"]
        )
    else:
        assert got.exit_code == 1
        assert "[ambiguous_sheet]" in got.stderr and "旧表" in got.stderr
