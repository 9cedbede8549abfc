"""End to end through a real process: ``python -m cpscore evaluate`` on every example workbook."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT

EXPECTED = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))


def _cpscore(*args: str) -> subprocess.CompletedProcess:
    # The checkout first on the path, so the code under test is this tree's; a wide terminal so
    # that rich does not wrap the notice.
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    )
    env.update(COLUMNS="400", NO_COLOR="1", PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "cpscore", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("example", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_evaluate_example_workbook_json(example):
    done = _cpscore(
        "evaluate",
        str(EXAMPLES / example["file"]),
        "--sector",
        example["sector"],
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["class"]["level"] == example["class"], doc["class"]["reason"]
    assert doc["system"]["id"] == example["system"]
    assert doc["plant"]["id"] == example["plant"]
    assert doc["notice"] == doc["system"]["notice"]  # non-official: the notice travels along


@pytest.mark.parametrize(
    ("sector", "lang"), [("cement", "zh"), ("hazardous-waste-incineration", "en")]
)
def test_text_format_prints_the_notice(sector, lang):
    from cpscore.system.catalog import load

    system = load(sector, None, None)
    assert not system.official
    example = next(e for e in EXPECTED if e["sector"] == sector)
    done = _cpscore("evaluate", str(EXAMPLES / example["file"]), "--sector", sector, "--lang", lang)
    assert done.returncode == 0, done.stderr
    flat = " ".join(done.stdout.split())
    assert system.notice.get(lang) in flat, done.stdout


def test_evaluate_missing_workbook_is_an_input_error_without_traceback(tmp_path):
    done = _cpscore("evaluate", str(tmp_path / "nope.xlsx"), "--sector", "cement")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ")
