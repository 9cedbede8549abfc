"""Worked examples of the composite method (NDRC 试行 systems, 2005-2010), computed by hand.

Fixture ``composite-small.json``: P = 0.6·P1 + 0.4·P2, S_i capped at 1.2.

    quantitative (P1, 100 points): energy  K=30  lower,  S_o = 100
                                   reuse   K=30  higher, S_o = 80   (group "resources", 60)
                                   cod     K=40  lower,  S_o = 50   (group "pollution", 40)
    qualitative (P2, 100 points):  audit   F=60  yes/no
                                   ems     F=40  yes/no
    classes: advanced P ≥ 90; general 75 ≤ P < 90; lagging P < 75.
"""

from __future__ import annotations

import pytest
from conftest import evaluate_rows

CASES = {
    # energy 80:  S = 100/80 = 1.25 -> cap 1.2 -> 1.2·30 = 36
    # reuse 72:   S = 72/80 = 0.9             -> 0.9·30 = 27
    # cod 40:     S = 50/40 = 1.25 -> cap 1.2 -> 1.2·40 = 48
    # P1 = 36 + 27 + 48 = 111;  P2 = 60 (audit yes, ems no)
    # P = 0.6·111 + 0.4·60 = 66.6 + 24 = 90.6 -> advanced
    "capped": (
        {"energy": 80, "reuse": 72, "cod": 40, "audit": "yes", "ems": "no"},
        {"P1": 111.0, "P2": 60.0, "P": 90.6},
        "advanced",
    ),
    # energy 125: S = 100/125 = 0.8 -> 24;  reuse 60: S = 0.75 -> 22.5;  cod 62.5: S = 0.8 -> 32
    # P1 = 78.5;  P2 = 60 + 40 = 100;  P = 0.6·78.5 + 0.4·100 = 47.1 + 40 = 87.1 -> general
    "general": (
        {"energy": 125, "reuse": 60, "cod": 62.5, "audit": "yes", "ems": "yes"},
        {"P1": 78.5, "P2": 100.0, "P": 87.1},
        "general",
    ),
    # as "general" but ems no: P2 = 60;  P = 47.1 + 24 = 71.1 -> lagging
    "lagging": (
        {"energy": 125, "reuse": 60, "cod": 62.5, "audit": "yes", "ems": "no"},
        {"P1": 78.5, "P2": 60.0, "P": 71.1},
        "lagging",
    ),
    # reuse does not apply: energy takes the group's 60 points (30 / 30 · 60).
    # energy 125: 0.8·60 = 48;  cod 50: S = 1 -> 40;  P1 = 88;  P2 = 100
    # P = 0.6·88 + 0.4·100 = 52.8 + 40 = 92.8 -> advanced
    "reuse n/a": (
        {"energy": 125, "reuse": "n/a", "cod": 50, "audit": "yes", "ems": "yes"},
        {"P1": 88.0, "P2": 100.0, "P": 92.8},
        "advanced",
    ),
    # reuse missing: it scores 0 and its 30 points are lost.
    # P1 = 24 + 0 + 40 = 64;  P = 0.6·64 + 0.4·100 = 38.4 + 40 = 78.4 -> general
    "reuse missing": (
        {"energy": 125, "reuse": None, "cod": 50, "audit": "yes", "ems": "yes"},
        {"P1": 64.0, "P2": 100.0, "P": 78.4},
        "general",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_composite_worked_example(composite_small, name):
    values, scores, klass = CASES[name]
    ev = evaluate_rows(composite_small, {name: values})
    row = ev.summary().loc[name]
    assert {k: float(row[k]) for k in scores} == pytest.approx(scores, abs=1e-6)
    assert row["class"] == klass


def test_composite_document_ratios_and_status(composite_small):
    values, _, _ = CASES["capped"]
    ev = evaluate_rows(
        composite_small,
        {"capped": values, "missing": CASES["reuse missing"][0], "na": CASES["reuse n/a"][0]},
    )
    rows = {r["id"]: r for r in ev.document(0, "en")["indicators"]}
    assert rows["energy"]["ratio"] == pytest.approx(1.2)  # 1.25 capped
    assert rows["reuse"]["ratio"] == pytest.approx(0.9)
    assert rows["energy"]["contributions"] == {"P1": pytest.approx(36.0)}
    assert rows["audit"]["contributions"] == {"P2": pytest.approx(60.0)}
    assert rows["ems"]["contributions"] == {"P2": 0.0}
    assert rows["energy"]["benchmarks"]["S_o"] == {"value": 100, "direction": "lower"}
    missing = {r["id"]: r for r in ev.document(1, "en")["indicators"]}
    assert missing["reuse"]["status"] == "missing"
    assert ev.facts(1)["missing_count"] == 1
    na = {r["id"]: r for r in ev.document(2, "en")["indicators"]}
    assert na["reuse"]["status"] == "n/a"
    assert na["energy"]["weight"]["effective"] == pytest.approx(60.0)
    assert ev.facts(2)["missing_count"] == 0
    assert [s["name"] for s in ev.document(0, "en")["scores"]] == ["P", "P1", "P2"]


def test_composite_parameters_are_read_from_the_system(composite_small):
    """Changing a and b in the file changes P: a = 0.3, b = 0.7 for the 'capped' plant.

    P = 0.3·111 + 0.7·60 = 33.3 + 42 = 75.3 -> general (was 90.6, advanced).
    """
    import dataclasses

    system = dataclasses.replace(
        composite_small,
        composite={"a": 0.3, "b": 0.7, "ratio_cap": 1.2},
        sha256="a-and-b-changed",
    )
    values, _, _ = CASES["capped"]
    row = evaluate_rows(system, {"p": values}).summary().loc["p"]
    assert float(row["P"]) == pytest.approx(75.3, abs=1e-6)
    assert row["class"] == "general"
