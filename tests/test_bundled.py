"""Bundled systems are tested as data (DESIGN §8): each validates, and its embedded cases hold.

A case gives a plant's facts and values, the expected class and scores within an absolute
margin, and the hand arithmetic behind them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import SYSTEMS

from cpscore.engine.evaluate import evaluate_frame
from cpscore.system.catalog import bundled
from cpscore.system.loader import load_system

FILES = sorted(SYSTEMS.glob("*/*.json"))  # one folder per sector (coverage.json sits above them)


def _cases() -> list[tuple[Path, dict]]:
    out = []
    for path in FILES:
        doc = json.loads(path.read_text(encoding="utf-8"))
        out += [(path, case) for case in doc.get("cases", ())]
    return out


CASES = _cases()


def test_there_are_bundled_systems():
    assert len(FILES) >= 2
    # The catalog may read an installed copy (the wheel's _data): compare sector/file names.
    assert {(e.path.parent.name, e.path.name) for e in bundled()} == {
        (p.parent.name, p.name) for p in FILES
    }


@pytest.mark.parametrize("path", FILES, ids=[p.parent.name for p in FILES])
def test_bundled_system_validates(path):
    system = load_system(path)
    assert system.status in ("official", "unverified", "illustrative")
    if system.status != "official":
        assert system.notice is not None and system.notice.zh and system.notice.en


@pytest.mark.parametrize("path", FILES, ids=[p.parent.name for p in FILES])
def test_bundled_system_has_cases(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    cases = doc.get("cases", [])
    assert len(cases) >= 2
    for case in cases:
        assert case["expect"].get("arithmetic"), case["name"]


@pytest.mark.parametrize(
    ("path", "case"), CASES, ids=[f"{p.parent.name}: {c['name'][:50]}" for p, c in CASES]
)
def test_bundled_case(path, case):
    system = load_system(path)
    row = {**case.get("facts", {}), **case["values"]}
    unknown = set(row) - {f.id for f in system.facts} - {i.id for i in system.indicators}
    assert not unknown, f"case names unknown columns {unknown}"
    ev = evaluate_frame(system, pd.DataFrame([row], index=[case["name"]]))
    expect = case["expect"]
    summary = ev.summary().iloc[0]
    assert summary["class"] == expect["class"], ev.document(0, "en")["class"]["reason"]
    margin = expect.get("margin", 0.0)
    for name, value in expect.get("scores", {}).items():
        assert float(summary[name]) == pytest.approx(value, abs=margin), name
