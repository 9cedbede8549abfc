"""The corpus of bad and hostile workbooks (tests/hostile/make_corpus.py) through the CLI.

Every case must end with exit 2 and a one-line-per-problem message naming the file, the cell and
the kind of problem, or with exit 0 and the finding that reports the interpretation; never a
traceback, and the input file is byte-for-byte unchanged.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile.make_corpus import ROW, Case, build

from cpscore.cli import main
from cpscore.common.errors import InputError, WorkbookErrors
from cpscore.read.workbook import read_plant_workbook

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(tempfile.mkdtemp(prefix="cpscore-hostile-"))
atexit.register(shutil.rmtree, CORPUS, True)
CASES = build(CORPUS)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(case: Case, fmt: str = "json") -> tuple[int, str, str]:
    args = ["evaluate", str(CORPUS / case.file), "--sector", case.sector, "--format", fmt]
    args += ["--lang", "en"]
    result = CliRunner().invoke(main, [*args, *(["--strict"] if case.strict else [])])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_corpus_has_at_least_40_bad_or_hostile_inputs():
    assert len(CASES) >= 40
    assert len({c.file for c in CASES}) == len(CASES)
    assert sum(1 for c in CASES if c.kind) >= 40


@pytest.mark.parametrize("case", [c for c in CASES if c.kind], ids=lambda c: c.file)
def test_refused_with_kind_file_and_cell(case: Case):
    path = CORPUS / case.file
    before = _sha(path)
    code, out, err = _run(case)
    assert _sha(path) == before, "the input was modified"
    assert code == 2
    # --format json: the error as JSON on stdout (issue 12), nothing on stderr.
    error = json.loads(out)["error"]
    assert error["kind"] == case.kind and error["file"] == str(path) and error["message"]
    if case.cell:
        assert error["cell"] == case.cell
    assert err == ""
    code, out, err = _run(case, "text")
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert f"[{case.kind}]" in err.splitlines()[0] or f"[{case.kind}]" in err
    assert str(path) in err
    if case.cell:
        assert f"cell {case.cell}:" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("case", [c for c in CASES if c.finding], ids=lambda c: c.file)
def test_interpreted_and_reported(case: Case):
    path = CORPUS / case.file
    before = _sha(path)
    code, out, err = _run(case)
    assert _sha(path) == before
    assert code == 0, err
    warnings = json.loads(out)["warnings"]
    assert case.finding in [w["code"] for w in warnings]
    assert all(str(path) in w.get("where", str(path)) for w in warnings)


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.kind and not c.strict], ids=lambda c: c.file
)
def test_api_raises_the_same_kind(case: Case, cement, hazardous_waste):
    system = cement if case.sector == "cement" else hazardous_waste
    with pytest.raises((InputError, WorkbookErrors)) as info:
        read_plant_workbook(CORPUS / case.file, system)
    err = info.value
    kinds = [e.kind for e in err.errors] if isinstance(err, WorkbookErrors) else [err.kind]
    assert kinds[0] == case.kind


def test_real_processes_print_no_traceback():
    """A handful of the worst files in real processes, run side by side to stay fast."""
    chosen = ["encrypted.xlsx", "billion-laughs.xlsx", "formula.xlsx"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CPSCORE_DEBUG", None)
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-m", "cpscore", "evaluate", str(CORPUS / name), "--sector", "cement"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        for name in chosen
    }
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 2, (name, err)
        assert "Traceback" not in err + out
        assert name in err


# -- what the interpretations produce ------------------------------------------------------------


def _value(case_file: str, indicator: str, cement) -> object:
    record = read_plant_workbook(CORPUS / case_file, cement)
    return record.row.get(indicator)


@pytest.mark.parametrize(
    ("case_file", "indicator", "expected"),
    [
        ("ok-tce.xlsx", "clinker_coal", 96.5),  # 0.0965 tce/t × 1000 kgce/tce
        ("ok-g-per-t.xlsx", "particulates_per_tonne", 0.08),  # 80 g/t ÷ 1000
        ("ok-full-width.xlsx", "clinker_coal", 96.5),  # '９６.５'
        ("ok-approx.xlsx", "clinker_coal", 96.5),  # '约96.5'
        ("ok-percent-text.xlsx", "waste_share", 32.0),  # '32%'
        ("ok-percent-format.xlsx", "waste_share", 32.0),  # 0.32 shown as 32% × 100
        ("ok-fraction-unit.xlsx", "waste_share", 32.0),  # 0.32 with unit 比例 × 100
        ("ok-fraction-plain.xlsx", "waste_share", 0.32),  # taken as typed, and reported
        ("ok-na.xlsx", "clinker_power", "n/a"),
        ("ok-dash.xlsx", "clinker_power", None),
        ("ok-blank.xlsx", "clinker_power", None),
        ("ok-english-headers.xlsx", "clinker_coal", 96.5),
    ],
)
def test_interpreted_values(case_file, indicator, expected, cement):
    assert _value(case_file, indicator, cement) == expected


def test_thousands_separators_in_a_fact(cement):
    record = read_plant_workbook(CORPUS / "ok-thousands.xlsx", cement)
    assert record.row["clinker_output_t"] == 1_550_000


def test_missing_value_scores_zero_and_is_not_treated_as_not_applicable(cement):
    from cpscore.pipeline import evaluate_workbook

    blank = evaluate_workbook(str(CORPUS / "ok-blank.xlsx"), cement).document(0, "en")
    na = evaluate_workbook(str(CORPUS / "ok-na.xlsx"), cement).document(0, "en")
    b = next(i for i in blank["indicators"] if i["id"] == "clinker_power")
    n = next(i for i in na["indicators"] if i["id"] == "clinker_power")
    assert b["status"] == "missing"
    assert b["contributions"] == {"Y_I": 0.0, "Y_II": 0.0, "Y_III": 0.0}
    full = evaluate_workbook(str(CORPUS / "ok-full-width.xlsx"), cement).document(0, "en")
    f = next(i for i in full["indicators"] if i["id"] == "clinker_power")
    assert b["weight"] == f["weight"]  # kept in the weighting, unlike n/a
    assert n["weight"]["effective"] == 0
    assert n["status"] == "n/a"
    # missing loses the indicator's effective weight (0.3 group × 0.2 = 0.06) at every level:
    # Y_III = 100 − 100 × 0.06 = 94; n/a re-normalises within the group, so Y_III stays 100.
    y = {s["name"]: s["value"] for s in blank["scores"]}
    y_na = {s["name"]: s["value"] for s in na["scores"]}
    assert y["Y_III"] == pytest.approx(100 - 100 * 0.06)
    assert y_na["Y_III"] == pytest.approx(100.0)


def test_strict_is_an_api_parameter(cement):
    from cpscore.pipeline import evaluate_workbook

    with pytest.raises(InputError) as info:
        evaluate_workbook(str(CORPUS / "ok-dash.xlsx"), cement, strict=True)
    assert info.value.kind == "missing_value"
    assert info.value.location.cell == f"E{ROW['clinker_power']}"
    # n/a is an answer, not a missing value: strict accepts it
    evaluate_workbook(str(CORPUS / "ok-na.xlsx"), cement, strict=True)


def test_other_sector_names_the_sector(cement):
    with pytest.raises(InputError) as info:
        read_plant_workbook(CORPUS / "other-sector.xlsx", cement)
    assert "hazardous-waste-incineration workbook" in info.value.found
    assert "--sector hazardous-waste-incineration" in info.value.expected


def test_examples_are_not_modified_by_reading(cement):
    paths = sorted((ROOT / "examples" / "cement").glob("*.xlsx"))
    before = {p: _sha(p) for p in paths}
    for p in paths:
        read_plant_workbook(p, cement)
    assert {p: _sha(p) for p in paths} == before


def test_reading_while_inspecting_gives_the_same_outcome(monkeypatch):
    """Large files are parsed by calamine while the inspection still scans their sheets
    (workbook.OVERLAP_FROM), after their extent was found from the XML streamed in pieces
    (safety.STREAM_EXTENT_FROM); forced on for the whole corpus, every file is refused with the
    same error, or read to the same values and findings, as when all runs one step at a time."""
    from cpscore.read import extent, safety, workbook

    def outcome(path: Path) -> object:
        try:
            opened = workbook.open_workbook(path)
        except InputError as e:
            return e.as_dict()
        info = {k: vars(v) for k, v in opened.inspection.sheets.items()}
        return opened.sheets, info, [f.message for f in opened.inspection.findings]

    files = sorted(CORPUS.iterdir())
    apart = [outcome(f) for f in files]
    monkeypatch.setattr(workbook, "OVERLAP_FROM", 0)
    monkeypatch.setattr(safety, "STREAM_EXTENT_FROM", 0)  # every sheet's extent streamed
    monkeypatch.setattr(extent, "PIECE", 64)  # in pieces shorter than a row: cut everywhere
    together = [outcome(f) for f in files]
    assert together == apart
    assert sum(isinstance(o, dict) for o in apart) >= 20  # refusals among them


@pytest.mark.parametrize("case", [c for c in CASES if c.used], ids=lambda c: c.file)
def test_value_used_in_the_result(case: Case):
    """Cases that are read: the value the result uses, through the CLI, not only exit 0."""
    code, out, err = _run(case)
    assert code == 0, err
    indicator, expected = case.used
    used = next(i for i in json.loads(out)["indicators"] if i["id"] == indicator)
    assert used["value"] == pytest.approx(expected)


def test_messages_quote_what_was_typed():
    """0,080 is refused as a comma number (not 80 kg/t out of range); a 100 KB text is quoted
    in at most 80 characters; footnote marks are named; a fullCalcOnLoad formula says why."""

    def err(file: str) -> str:
        return _run(next(c for c in CASES if c.file == file), "text")[2]

    got = err("comma-leading-zero.xlsx")
    assert "'0,080'" in got and "comma" in got and "implausible" not in got
    got = err("long-text.xlsx")
    quoted = got.split("text ", 1)[1].split(" for clinker_coal")[0]
    assert len(quoted) <= 80 and quoted.endswith(" characters)")  # a cell holds 32,767 at most
    assert len(got) < 1000
    got = err("footnote-sup.xlsx")
    assert "'96.5¹'" in got and "'¹'" in got
    assert "fullCalcOnLoad" in err("full-calc-on-load.xlsx")


def test_two_kilobyte_crashers_in_real_processes_and_in_a_batch(tmp_path):
    """The files that made calamine abort (8–48 GB allocations, a Rust panic) are refused in a
    real process with exit 2, and a batch with them and a good workbook still writes its list,
    listing each as rejected; under a 4 GB address-space limit, so an allocation would fail."""
    import resource

    tiny = sorted(p.name for p in CORPUS.glob("tiny-*.xlsx"))
    assert len(tiny) >= 6 and all((CORPUS / n).stat().st_size < 2048 for n in tiny)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CPSCORE_DEBUG", None)

    def limited() -> None:
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        cap = 4 << 30 if hard == resource.RLIM_INFINITY else min(hard, 4 << 30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cpscore", *args],
            capture_output=True,
            text=True,
            env=env,
            preexec_fn=limited,
            timeout=300,
        )

    for name in tiny[:2]:
        single = run("evaluate", str(CORPUS / name), "--sector", "cement")
        assert single.returncode == 2, single.stderr
        assert "Traceback" not in single.stderr and name in single.stderr
    good = CORPUS / "strict-plain.xlsx"
    for jobs in ("1", "2"):
        out = tmp_path / f"list-{jobs}.xlsx"
        files = [str(CORPUS / n) for n in tiny] + [str(good)]
        got = run("batch", *files, "--sector", "cement", "-o", str(out), "--jobs", jobs)
        assert got.returncode == 1, got.stderr
        assert out.exists()
        assert "Traceback" not in got.stderr
        assert "1 evaluated" in got.stderr and f"{len(tiny)} rejected" in got.stderr
        for n in tiny:
            assert n in got.stderr  # each rejected input listed on the terminal


# English left in a Chinese refusal: two English words in a row, once ids, quoted text, file
# names and commands are taken out. A damaged part's parser detail (zipfile's, the XML
# parser's) is quoted as the library wrote it, in parentheses after its exception name.
_ENGLISH = re.compile(r"[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}")
_NOT_PROSE = re.compile(
    r"--[a-z]+ [\w.-]+|'[^']*'|`[^`]*`|\[[a-z_]+\]|\b[\w.-]+\.(?:xlsx|xls|csv|ods|xml)\b"
)
_LIBRARY_DETAIL = re.compile(r"（\w+(?:Error|Zip\w*)：.*?）|（File is not a zip file）")


@pytest.mark.parametrize("case", [c for c in CASES if c.kind], ids=lambda c: c.file)
def test_refusals_read_in_chinese(case: Case):
    result = CliRunner().invoke(
        main,
        ["evaluate", str(CORPUS / case.file), "--sector", case.sector, "--lang", "zh"]
        + (["--strict"] if case.strict else []),
    )
    assert result.exit_code == 2
    line = result.stderr.strip().splitlines()[0]
    assert line.startswith("错误：") and "应为" in line, line
    rest = _LIBRARY_DETAIL.sub("", _NOT_PROSE.sub("", line))
    assert not _ENGLISH.search(rest), line


def test_a_text_file_named_xlsx_is_refused_in_chinese(tmp_path: Path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("hello world\n")
    zh = CliRunner().invoke(main, ["evaluate", str(bad), "--sector", "cement", "--lang", "zh"])
    assert zh.stderr.strip() == (
        f"错误：{bad}: 文本文件；应为.xlsx 工作簿（在 Excel 或 WPS 中：文件 > 另存为 > "
        "Excel 工作簿 (*.xlsx)） [not_a_workbook]"
    )
    en = CliRunner().invoke(main, ["evaluate", str(bad), "--sector", "cement", "--lang", "en"])
    assert "a text file; expected an .xlsx workbook (in Excel or WPS: File > Save As" in en.stderr
    assert zh.exit_code == en.exit_code == 2


def test_reading_workers_write_in_the_batchs_language(tmp_path):
    """Texts built in a reading worker follow the batch's language (--lang), not only
    CPSCORE_LANG (English for this suite): the shortened long text says 共 … 个字符 in Chinese."""
    from cpscore.batch.run import read_inputs
    from cpscore.common.i18n import set_language
    from cpscore.system.catalog import load

    case = next(c for c in CASES if c.file == "long-text.xlsx")
    for k in range(8):  # two chunks of four: one for the worker, one for this process
        os.link(CORPUS / case.file, tmp_path / f"copy-{k}.xlsx")
    set_language("zh")
    try:
        files = read_inputs(sorted(tmp_path.iterdir()), load(case.sector), jobs=2)
    finally:
        set_language(None)
    messages = [e["message"] for f in files for r in f.rejections for e in r.errors]
    assert len(messages) == 8
    assert all("个字符）" in m and "characters" not in m for m in messages), messages
