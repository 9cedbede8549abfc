"""Worked examples of the graded method (通则 2013 / GB/T 43329), computed by hand.

Fixture ``graded-small.json`` (weights in brackets; effective weight = group x indicator):

    energy_group (0.6): energy [0.2, limiting] -> 0.12   lower; I ≤100 II ≤110 III ≤120
                                                          (route wet: I ≤130 II ≤140 III ≤150)
                        boiler_eff [0.4]        -> 0.24   higher; I ≥90 II ≥85 III ≥80;
                                                          applies when has_boiler
                        water [0.4]             -> 0.24   lower; I ≤10+5n II ≤15+5n III ≤20+5n
                                                          (n = layers)
    management (0.4):   ph [0.5]                -> 0.20   range; I 6.5–8.5 II 6–9 III 5.5–9.5
                        audit [0.5]             -> 0.20   qualitative, level answered
    classes: I: Y_I ≥ 85 and limiting_I; II: Y_II ≥ 85 and limiting_II; III: Y_III = 100.
    veto: accident -> at most III.

``graded-bonus.json``: core (1.0) = energy_a, energy_b (weight set total 0.6 split by output
share of output_a / output_b) + compliance [0.4, yes/no]; bonus group (0.1) = recycling [1.0].
"""

from __future__ import annotations

import pytest
from conftest import SYSTEMS, evaluate_rows

# Every indicator at level I for a dry-route plant with a boiler and 2 layers (water I: ≤ 20).
ALL_I = {
    "route": "dry",
    "layers": 2,
    "has_boiler": True,
    "energy": 95,
    "boiler_eff": 92,
    "water": 19,
    "ph": 7,
    "audit": "I",
}


def _scores(ev, plant: str) -> dict[str, float]:
    row = ev.summary().loc[plant]
    return {k: float(row[k]) for k in ("Y_I", "Y_II", "Y_III")}


def _indicator(doc: dict, ind_id: str) -> dict:
    return next(r for r in doc["indicators"] if r["id"] == ind_id)


def test_all_level_i_scores_100(graded_small):
    ev = evaluate_rows(graded_small, {"p": ALL_I})
    assert _scores(ev, "p") == {"Y_I": 100.0, "Y_II": 100.0, "Y_III": 100.0}
    assert ev.summary().loc["p", "class"] == "I"


def test_not_applicable_renormalises_within_group(graded_small):
    """boiler_eff does not apply (has_boiler false): the energy group's weights re-normalise.

    ω'(energy) = 0.2 / (0.2 + 0.4) = 1/3, ω'(water) = 0.4 / 0.6 = 2/3; group weights stay.
    energy 105 meets II, water 19 meets I, ph 7 meets I, audit answered II.
    Y_I   = 0.6·(2/3·100) + 0.4·(0.5·100)            = 40 + 20 = 60
    Y_II  = 0.6·(1/3·100 + 2/3·100) + 0.4·(0.5·100 + 0.5·100) = 60 + 40 = 100
    Y_III = 100
    Class: Y_I < 85; Y_II ≥ 85 and energy (limiting) meets II -> II.
    """
    ev = evaluate_rows(
        graded_small, {"p": ALL_I | {"has_boiler": False, "energy": 105, "audit": "II"}}
    )
    assert _scores(ev, "p") == pytest.approx({"Y_I": 60.0, "Y_II": 100.0, "Y_III": 100.0}, abs=1e-6)
    assert ev.summary().loc["p", "class"] == "II"
    doc = ev.document(0, "en")
    boiler = _indicator(doc, "boiler_eff")
    assert boiler["status"] == "n/a"
    assert boiler["weight"]["effective"] == 0.0
    # effective = group weight x re-normalised weight: 0.6·1/3 = 0.2 and 0.6·2/3 = 0.4
    assert _indicator(doc, "energy")["weight"]["effective"] == pytest.approx(0.2, abs=1e-6)
    assert _indicator(doc, "water")["weight"]["effective"] == pytest.approx(0.4, abs=1e-6)
    assert ev.facts(0)["missing_count"] == 0


def test_missing_scores_zero_and_is_flagged(graded_small):
    """The same plant, but boiler_eff applies and its value is missing: no re-normalisation.

    Effective weights: energy 0.12, boiler 0.24 (scores 0), water 0.24, ph 0.2, audit 0.2.
    Y_I   = water 24 + ph 20                          = 44   (energy only II, audit only II)
    Y_II  = energy 12 + water 24 + ph 20 + audit 20   = 76
    Y_III = 76
    Class: Y_III < 100 -> lagging.
    """
    ev = evaluate_rows(
        graded_small, {"p": ALL_I | {"boiler_eff": None, "energy": 105, "audit": "II"}}
    )
    assert _scores(ev, "p") == pytest.approx({"Y_I": 44.0, "Y_II": 76.0, "Y_III": 76.0}, abs=1e-6)
    assert ev.summary().loc["p", "class"] == "lagging"
    assert ev.facts(0)["missing_count"] == 1
    doc = ev.document(0, "en")
    boiler = _indicator(doc, "boiler_eff")
    assert boiler["status"] == "missing"
    assert boiler["gap"] == {"level": "III", "missing": True}
    assert boiler["weight"]["effective"] == pytest.approx(0.24, abs=1e-6)
    assert boiler["contributions"] == {"Y_I": 0.0, "Y_II": 0.0, "Y_III": 0.0}
    assert any(g["id"] == "boiler_eff" and g["missing"] for g in doc["gaps"])


@pytest.mark.parametrize(
    ("energy", "scores", "klass"),
    [
        # energy meets II only: Y_I = 100 - 12 = 88 ≥ 85, but the limiting indicator is not I.
        (105, (88.0, 100.0, 100.0), "II"),
        # energy meets III only: Y_II = 88 ≥ 85, but the limiting indicator is not II.
        (115, (88.0, 88.0, 100.0), "III"),
        # energy meets nothing: Y_III = 100 - 12 = 88 < 100.
        (125, (88.0, 88.0, 88.0), "lagging"),
    ],
)
def test_limiting_indicator_blocks_a_class(graded_small, energy, scores, klass):
    ev = evaluate_rows(graded_small, {"p": ALL_I | {"energy": energy}})
    assert tuple(_scores(ev, "p").values()) == pytest.approx(scores, abs=1e-6)
    assert ev.summary().loc["p", "class"] == klass
    if klass == "II":
        doc = ev.document(0, "en")
        limiting = [b for b in doc["blockers"] if b["kind"] == "limiting"]
        assert limiting == [
            {
                "class": "I",
                "kind": "limiting",
                "text": limiting[0]["text"],
                "level": "I",
                "indicators": ["energy"],
            }
        ]
        assert doc["gaps"][0]["id"] == "energy"  # limiting indicators rank first
        # energy must fall from 105 to 100: 5 kgce/t less, 5/105 = 4.7619 %
        assert doc["gaps"][0]["target"] == {
            "level": "I",
            "op": "<=",
            "value": 100.0,
            "absolute": 5.0,
            "percent": pytest.approx(4.761905, abs=1e-6),
            "change": "reduce",
        }


def test_veto_caps_the_class(graded_small):
    """Y_I = 100 and every limiting indicator meets I, but the veto caps the class at III."""
    ev = evaluate_rows(graded_small, {"clean": ALL_I, "incident": ALL_I | {"accident": True}})
    summary = ev.summary()
    assert summary.loc["clean", "class"] == "I"
    assert summary.loc["incident", "class"] == "III"
    assert summary.loc["incident", "Y_I"] == 100.0
    doc = ev.document(1, "en")
    assert doc["class"]["vetoes"] == ["accident"]
    assert "veto" in doc["class"]["reason"]
    assert doc["blockers"][0]["kind"] == "veto"


def test_variant_selects_benchmarks_by_plant_fact(graded_small):
    """energy = 125: the dry route's III (≤120) fails; the wet route's I (≤130) is met.

    dry: Y_I = Y_II = Y_III = 100 - 12 = 88 -> lagging;  wet: Y_I = 100 -> I.
    """
    ev = evaluate_rows(
        graded_small,
        {"dry": ALL_I | {"energy": 125}, "wet": ALL_I | {"energy": 125, "route": "wet"}},
    )
    assert _scores(ev, "dry") == pytest.approx({"Y_I": 88.0, "Y_II": 88.0, "Y_III": 88.0})
    assert _scores(ev, "wet") == pytest.approx({"Y_I": 100.0, "Y_II": 100.0, "Y_III": 100.0})
    assert list(ev.summary()["class"]) == ["lagging", "I"]
    wet = _indicator(ev.document(1, "en"), "energy")["benchmarks"]
    assert wet == {
        "I": {"op": "<=", "value": 130.0},
        "II": {"op": "<=", "value": 140.0},
        "III": {"op": "<=", "value": 150.0},
    }


def test_expression_benchmark(graded_small):
    """water = 33 against I ≤ 10 + 5n, II ≤ 15 + 5n, III ≤ 20 + 5n.

    n = 4: I ≤ 30, II ≤ 35, III ≤ 40 -> water meets II: Y_I = 100 - 24 = 76, Y_II = 100 -> II.
    n = 2: I ≤ 20, II ≤ 25, III ≤ 30 -> water meets none: Y_I = Y_II = Y_III = 76 -> lagging.
    """
    ev = evaluate_rows(
        graded_small,
        {"n4": ALL_I | {"water": 33, "layers": 4}, "n2": ALL_I | {"water": 33, "layers": 2}},
    )
    assert _scores(ev, "n4") == pytest.approx({"Y_I": 76.0, "Y_II": 100.0, "Y_III": 100.0})
    assert _scores(ev, "n2") == pytest.approx({"Y_I": 76.0, "Y_II": 76.0, "Y_III": 76.0})
    assert list(ev.summary()["class"]) == ["II", "lagging"]
    water = _indicator(ev.document(0, "en"), "water")
    assert water["level"] == "II"
    assert water["benchmarks"]["I"] == {"op": "<=", "value": 30.0}
    assert water["benchmarks"]["III"] == {"op": "<=", "value": 40.0}


@pytest.mark.parametrize(
    ("ph", "level", "scores", "klass"),
    [
        (6.5, "I", (100.0, 100.0, 100.0), "I"),  # the range is closed: 6.5 is inside 6.5–8.5
        (8.8, "II", (80.0, 100.0, 100.0), "II"),  # Y_I = 100 - 20
        (5.7, "III", (80.0, 80.0, 100.0), "III"),
        (9.7, None, (80.0, 80.0, 80.0), "lagging"),  # outside 5.5–9.5 on the high side
    ],
)
def test_range_benchmark(graded_small, ph, level, scores, klass):
    ev = evaluate_rows(graded_small, {"p": ALL_I | {"ph": ph}})
    assert tuple(_scores(ev, "p").values()) == pytest.approx(scores, abs=1e-6)
    assert ev.summary().loc["p", "class"] == klass
    row = _indicator(ev.document(0, "en"), "ph")
    assert row["level"] == level
    assert row["benchmarks"]["II"] == {"range": [6.0, 9.0]}


def test_output_weighted_weights_and_bonus_group(graded_bonus):
    """Weight set total 0.6 split by output share; the bonus group's 0.1 is added on top.

    ab: output_a 300, output_b 100 -> shares 0.75 / 0.25 -> weights 0.45 / 0.15.
        energy_a 9 (I), energy_b 27 (III only), compliance yes (I), recycling II.
        Y_I   = 45 + 0 + 40 + 0             = 85
        Y_II  = 45 + 0 + 40 + 10            = 95
        Y_III = 45 + 15 + 40 + 10 = 110 -> capped at 100
        Class I (Y_I ≥ 85; no limiting indicators).
    ba: outputs swapped -> weights 0.15 / 0.45.
        Y_I = 15 + 40 = 55; Y_II = 55 + 10 = 65; Y_III = 15 + 45 + 40 + 10 = 110 -> 100. Class III.
    """
    values = {"energy_a": 9, "energy_b": 27, "compliance": "yes", "recycling": "II"}
    ev = evaluate_rows(
        graded_bonus,
        {
            "ab": values | {"output_a": 300, "output_b": 100},
            "ba": values | {"output_a": 100, "output_b": 300},
        },
    )
    assert _scores(ev, "ab") == pytest.approx({"Y_I": 85.0, "Y_II": 95.0, "Y_III": 100.0})
    assert _scores(ev, "ba") == pytest.approx({"Y_I": 55.0, "Y_II": 65.0, "Y_III": 100.0})
    assert list(ev.summary()["class"]) == ["I", "III"]
    doc = ev.document(0, "en")
    assert _indicator(doc, "energy_a")["weight"]["nominal"] == pytest.approx(0.45)
    assert _indicator(doc, "energy_b")["weight"]["nominal"] == pytest.approx(0.15)
    # The uncapped contributions still add up to 110 on Y_III.
    total = sum(r["contributions"]["Y_III"] for r in doc["indicators"])
    assert total == pytest.approx(110.0)


def test_bonus_never_pushes_index_above_100(graded_bonus):
    """All I plus recycling I: 60 + 40 + 10 = 110 on every level, capped at 100."""
    values = {"energy_a": 9, "energy_b": 19, "compliance": "yes", "recycling": "I"}
    ev = evaluate_rows(graded_bonus, {"p": values | {"output_a": 1, "output_b": 1}})
    assert _scores(ev, "p") == {"Y_I": 100.0, "Y_II": 100.0, "Y_III": 100.0}


def test_product_without_output_does_not_apply(graded_bonus):
    """output_b = 0: energy_b is n/a and energy_a carries the set's whole 0.6.

    energy_a 11 (II), compliance no: Y_I = 0; Y_II = Y_III = 60 -> lagging.
    The missing energy_b value does not count: it does not apply.
    """
    ev = evaluate_rows(
        graded_bonus,
        {"p": {"energy_a": 11, "compliance": "no", "output_a": 500, "output_b": 0}},
    )
    assert _scores(ev, "p") == pytest.approx({"Y_I": 0.0, "Y_II": 60.0, "Y_III": 60.0})
    assert ev.summary().loc["p", "class"] == "lagging"
    assert ev.facts(0)["missing_count"] == 1  # recycling (bonus) is missing; energy_b is n/a
    doc = ev.document(0, "en")
    assert _indicator(doc, "energy_b")["status"] == "n/a"
    assert _indicator(doc, "energy_a")["weight"]["effective"] == pytest.approx(0.6)


def test_no_output_of_any_product_leaves_the_group_to_the_other_indicators(graded_bonus):
    """output_a = output_b = 0: the whole weight set is n/a; compliance fills the group.

    ω'(compliance) = 0.4 / 0.4 = 1 -> Y_I = Y_II = Y_III = 100 with compliance yes -> I.
    (Re-normalising by the realised total 0.4 instead of the declared 1.0 gave 40.)
    """
    ev = evaluate_rows(
        graded_bonus,
        {"p": {"compliance": "yes", "recycling": "none", "output_a": 0, "output_b": 0}},
    )
    assert _scores(ev, "p") == pytest.approx({"Y_I": 100.0, "Y_II": 100.0, "Y_III": 100.0})
    assert ev.summary().loc["p", "class"] == "I"


def test_a_variant_keeps_its_own_comparator(tmp_path):
    """A variant printing '<' where the default prints '≤' decides ties its own way, plant by
    plant: 98 kgce/t meets '≤98' on a small kiln but not '<98' on a large one."""
    import json

    import pandas as pd

    from cpscore.engine.evaluate import evaluate_frame
    from cpscore.system.loader import load_system

    doc = json.loads((SYSTEMS / "cement" / "2014-illustrative.json").read_text(encoding="utf-8"))
    doc["cases"] = []
    coal = doc["groups"][1]["indicators"][0]
    assert coal["id"] == "clinker_coal"
    coal["benchmarks"]["I"] = {"op": "<=", "value": 98}
    coal["variants"][0]["benchmarks"]["I"] = {"op": "<", "value": 98}
    path = tmp_path / "cement-strict.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    system = load_system(path)
    plants = pd.DataFrame(
        {
            "plant_type": ["clinker_line", "clinker_line"],
            "kiln_capacity_tpd": [2500, 5000],  # the variant applies from 4000 t/d
            "clinker_coal": [98.0, 98.0],
        },
        index=["small", "large"],
    )
    ev = evaluate_frame(system, plants)
    j = [i.id for i in system.indicators].index("clinker_coal")
    assert [system.levels[lv].id for lv in ev.scores.level[:, j]] == ["I", "II"]
    small, large = (ev.document(i, "en") for i in range(2))
    assert _indicator(small, "clinker_coal")["benchmarks"]["I"] == {"op": "<=", "value": 98.0}
    assert _indicator(large, "clinker_coal")["benchmarks"]["I"] == {"op": "<", "value": 98.0}
