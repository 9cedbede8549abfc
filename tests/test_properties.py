"""Properties of the engine on the bundled systems (hypothesis).

- improving one indicator never lowers any score or the class;
- every score stays within [0, 100];
- the order of groups and indicators in the system file changes nothing;
- the order of plants changes nothing;
- the single-plant path (evaluate_plant) and the DataFrame path agree.
"""

from __future__ import annotations

import copy
import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpscore.engine.evaluate import evaluate_frame, evaluate_plant
from cpscore.system.loader import build_system
from cpscore.system.model import Indicator, System

SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Building result documents costs a few ms each: fewer examples where every plant gets one.
DOC_SETTINGS = settings(SETTINGS, max_examples=12)
SYSTEM_FIXTURES = ["cement", "hazardous_waste"]


def _points(ind: Indicator) -> list[float]:
    """Benchmark numbers of an indicator and values just either side of them."""
    out: set[float] = set()
    bms = [
        *(ind.benchmarks or {}).values(),
        *(b for v in ind.variants for b in v.benchmarks.values()),
    ]
    for b in bms:
        for num in (b.value, b.low, b.high):
            if num is not None and num.const is not None:
                out |= {num.const, num.const * 0.99, num.const * 1.01, num.const + 1}
    return sorted(x for x in out if x >= 0) or [0.0, 1.0]


def _span(ind: Indicator) -> tuple[float, float]:
    pts = _points(ind)
    lo, hi = ind.plausible or (None, None)
    return (lo if lo is not None else 0.0), (hi if hi is not None else max(pts) * 2 + 1)


def value_strategy(system: System, ind: Indicator, missing: bool = True) -> st.SearchStrategy:
    if ind.quantitative:
        lo, hi = _span(ind)
        s = st.one_of(
            st.sampled_from(_points(ind)), st.floats(lo, hi, allow_nan=False, allow_subnormal=False)
        )
    elif ind.answer == "yes_no":
        # As typed in a sheet or a DataFrame: text, booleans, or 1/0 (1.0 in a column with blanks).
        s = st.sampled_from(["yes", "no", "是", "否", True, False, 1, 0])
    else:
        s = st.sampled_from([lv.id for lv in system.levels] + ["none", "Ⅱ级", "level III"])
    return st.one_of(st.none(), s) if missing else s


def fact_strategy(system: System) -> st.SearchStrategy[dict]:
    parts = {}
    for f in system.facts:
        if f.type == "enum":
            parts[f.id] = st.sampled_from(list(f.values))
        elif f.type == "boolean":
            parts[f.id] = st.booleans()
        else:
            lo, hi = f.plausible or (0, 1000)
            parts[f.id] = st.floats(lo or 0, hi if hi is not None else 1000, allow_nan=False)
    return st.fixed_dictionaries(parts)


def plant_strategy(system: System) -> st.SearchStrategy[dict]:
    values = st.fixed_dictionaries(
        {ind.id: value_strategy(system, ind) for ind in system.indicators}
    )
    return st.tuples(fact_strategy(system), values).map(lambda fv: {**fv[0], **fv[1]})


def _frame(rows: list[dict], index: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame(rows, index=index or [f"p{i}" for i in range(len(rows))])


def _better(system: System, ind: Indicator, old, data) -> object:
    """A value at least as good as ``old`` (missing -> anything is an improvement)."""
    if old is None:
        return data.draw(value_strategy(system, ind, missing=False), label="new")
    if ind.quantitative:
        lo, hi = _span(ind)
        if ind.direction == "lower":
            return data.draw(
                st.floats(min(lo, old), old, allow_nan=False, allow_subnormal=False), label="new"
            )
        return data.draw(
            st.floats(old, max(hi, old), allow_nan=False, allow_subnormal=False), label="new"
        )
    if ind.answer == "yes_no":
        return data.draw(st.sampled_from(["yes", True, 1]), label="new")
    order = [lv.id for lv in system.levels] + ["none"]
    old = {"Ⅱ级": "II", "level III": "III"}.get(old, old)
    return data.draw(st.sampled_from(order[: order.index(old) + 1]), label="new")


@pytest.mark.parametrize("fixture", SYSTEM_FIXTURES)
@SETTINGS
@given(data=st.data())
def test_improving_one_indicator_never_hurts(request, fixture, data):
    system = request.getfixturevalue(fixture)
    plant = data.draw(plant_strategy(system), label="plant")
    ind = data.draw(
        st.sampled_from([i for i in system.indicators if i.direction != "range"]), label="ind"
    )
    better = plant | {ind.id: _better(system, ind, plant[ind.id], data)}
    summary = evaluate_frame(system, _frame([plant, better])).summary()
    before, after = summary.iloc[0], summary.iloc[1]
    for name in system.score_names:
        assert after[name] >= before[name], name
    assert after["class_rank"] <= before["class_rank"]


@pytest.mark.parametrize("fixture", SYSTEM_FIXTURES)
@SETTINGS
@given(data=st.data())
def test_scores_stay_within_0_and_100(request, fixture, data):
    system = request.getfixturevalue(fixture)
    plants = data.draw(st.lists(plant_strategy(system), min_size=1, max_size=6), label="plants")
    ev = evaluate_frame(system, _frame(plants))
    for name in system.score_names:
        values = ev.scores.scores[name]
        assert np.all((values >= 0) & (values <= 100)), (name, values)
    # cumulative levels: Y_I ≤ Y_II ≤ Y_III
    ys = [ev.scores.scores[n] for n in system.score_names]
    for a, b in itertools.pairwise(ys):
        assert np.all(a <= b)


def _reordered(system: System, data) -> System:
    doc = copy.deepcopy(system.raw)
    doc["groups"] = data.draw(st.permutations(doc["groups"]), label="groups")
    for g in doc["groups"]:
        g["indicators"] = data.draw(st.permutations(g["indicators"]), label=f"{g['id']} order")
    order = json.dumps([[i["id"] for i in g["indicators"]] for g in doc["groups"]])
    return build_system(doc, f"{system.path} (reordered)", f"reordered {order}")


def _comparable(ev, i: int) -> dict:
    """What must not depend on any order: class, scores, and each indicator's row by id."""
    doc = ev.document(i, "en")
    return {
        "class": doc["class"]["level"],
        "rule": doc["class"]["rule"],
        "scores": {s["name"]: s["value"] for s in doc["scores"]},
        "indicators": {
            r["id"]: (r["status"], r["level"], r["value"], r["weight"], r["contributions"])
            for r in doc["indicators"]
        },
        "gaps": [g["id"] for g in doc["gaps"]],
    }


@pytest.mark.parametrize("fixture", SYSTEM_FIXTURES)
@DOC_SETTINGS
@given(data=st.data())
def test_order_of_groups_and_indicators_changes_nothing(request, fixture, data):
    system = request.getfixturevalue(fixture)
    plants = data.draw(st.lists(plant_strategy(system), min_size=1, max_size=4), label="plants")
    other = _reordered(system, data)
    a = evaluate_frame(system, _frame(plants))
    b = evaluate_frame(other, _frame(plants))
    for i in range(len(plants)):
        left, right = _comparable(a, i), _comparable(b, i)
        for r in (left, right):
            r["indicators"] = {k: tuple(_round(x) for x in v) for k, v in r["indicators"].items()}
        assert left == right


def _round(x):
    if isinstance(x, float):
        return round(x, 6)
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    return x


@pytest.mark.parametrize("fixture", SYSTEM_FIXTURES)
@DOC_SETTINGS
@given(data=st.data())
def test_order_of_plants_changes_nothing(request, fixture, data):
    system = request.getfixturevalue(fixture)
    plants = data.draw(st.lists(plant_strategy(system), min_size=2, max_size=6), label="plants")
    ids = [f"p{i}" for i in range(len(plants))]
    perm = data.draw(st.permutations(range(len(plants))), label="perm")
    a = evaluate_frame(system, _frame(plants, ids))
    b = evaluate_frame(system, _frame([plants[k] for k in perm], [ids[k] for k in perm]))
    pd.testing.assert_frame_equal(a.summary(), b.summary().loc[ids])
    for pos, k in enumerate(perm):
        assert a.document(k, "en") == b.document(pos, "en")


@pytest.mark.parametrize("fixture", SYSTEM_FIXTURES)
@DOC_SETTINGS
@given(data=st.data())
def test_single_plant_path_agrees_with_dataframe_path(request, fixture, data):
    system = request.getfixturevalue(fixture)
    plants = data.draw(st.lists(plant_strategy(system), min_size=2, max_size=5), label="plants")
    # Sprinkle explicit n/a answers so that columns mix numbers, text and blanks.
    for p in plants:
        for ind in system.indicators:
            if data.draw(st.integers(0, 9), label="n/a?") == 0:
                p[ind.id] = "n/a"
    ids = [f"p{i}" for i in range(len(plants))]
    ev = evaluate_frame(system, _frame(plants, ids))
    fact_ids = {f.id for f in system.facts}
    for i, p in enumerate(plants):
        facts = {k: v for k, v in p.items() if k in fact_ids}
        values = {k: v for k, v in p.items() if k not in fact_ids}
        single = evaluate_plant(system, values, facts, plant_id=ids[i], lang="en")
        assert single == ev.document(i, "en")


def test_nan_and_none_are_both_missing(cement):
    """A blank cell read as NaN and a Python None are the same missing value."""
    base = {"plant_type": "clinker_line", "kiln_capacity_tpd": 3000.0}
    ev = evaluate_frame(
        cement, _frame([base | {"clinker_coal": math.nan}, base | {"clinker_coal": None}])
    )
    docs = [ev.document(i, "en") for i in range(2)]
    assert [
        next(r for r in d["indicators"] if r["id"] == "clinker_coal")["status"] for d in docs
    ] == [
        "missing",
        "missing",
    ]


def test_an_answer_reads_the_same_whatever_the_other_plants_typed(cement):
    """A yes/no column holding 1 and a blank is float (1.0, NaN); True beside text is object."""
    base = {"plant_type": "grinding_station"}
    alone = [
        evaluate_frame(cement, _frame([base | {"legal_compliance": v}])).document(0, "en")
        for v in (1, True)
    ]
    mixed = evaluate_frame(
        cement,
        _frame([base | {"legal_compliance": 1}, base | {"legal_compliance": None}]),
    )
    mixed_bool = evaluate_frame(
        cement,
        _frame([base | {"legal_compliance": True}, base | {"legal_compliance": "否"}]),
    )

    def level(doc):
        return next(r for r in doc["indicators"] if r["id"] == "legal_compliance")["level"]

    assert [level(d) for d in alone] == ["I", "I"]
    assert level(mixed.document(0, "en")) == "I"
    assert level(mixed_bool.document(0, "en")) == "I"
    assert level(mixed_bool.document(1, "en")) is None


def test_scoring_in_blocks_equals_scoring_at_once(monkeypatch, hazardous_waste):
    """Large populations are scored in blocks of CHUNK plants; the result is the same array for
    array as scoring them all at once."""
    import numpy as np

    from benchmarks.population import population
    from cpscore.engine import scoring
    from cpscore.engine.inputs import prepare

    inputs = prepare(hazardous_waste, population(hazardous_waste, 2500, seed=9))
    monkeypatch.setattr(scoring, "CHUNK", 1000)  # three blocks, the last one short
    blocked = scoring.score(hazardous_waste, inputs)
    monkeypatch.setattr(scoring, "CHUNK", 10**9)
    whole = scoring.score(hazardous_waste, inputs)
    for name in scoring.PER_PLANT_ARRAYS:
        np.testing.assert_array_equal(getattr(blocked, name), getattr(whole, name), err_msg=name)
    for k in whole.scores:
        np.testing.assert_array_equal(blocked.scores[k], whole.scores[k])
