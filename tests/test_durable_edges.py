"""Regression tests for the durable-rules 2.0.28 behaviour cpscore relies on (DESIGN §4).

If an upgrade of durable-rules changes any of these, cpscore's decision module must be revisited.
Also: the vectorised condition evaluator (applicability, variants) agrees with durable-rules.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from conftest import FIXTURES
from durable.engine import Host, MessageNotHandledException, MessageObservedException
from hypothesis import given, settings
from hypothesis import strategies as st

from cpscore.engine import decision
from cpscore.system import conditions
from cpscore.system import rules as system_rules
from cpscore.system.checks import _anchored
from cpscore.system.loader import build_system

_names = (f"probe_{i}" for i in itertools.count())


def _host(rules: dict) -> tuple[Host, str]:
    name = next(_names)
    host = Host()
    host.set_rulesets({name: rules})
    return host, name


def _recording_rules(conds: dict[str, dict], fired: list[str]) -> dict:
    return {
        key: {"all": [{"m": copy.deepcopy(c)}], "run": (lambda k: lambda _c: fired.append(k))(key)}
        for key, c in conds.items()
    }


def test_assert_fact_fires_every_matching_rule_post_only_the_first():
    fired: list[str] = []
    conds = {"energy_ok": {"$lt": {"energy": 120}}, "water_ok": {"$lt": {"water": 5}}}
    host, name = _host(_recording_rules(conds, fired))
    host.assert_fact(name, {"sid": "a", "energy": 100, "water": 3})
    assert sorted(fired) == ["energy_ok", "water_ok"]
    fired.clear()
    host.post(name, {"sid": "b", "energy": 100, "water": 3})
    assert len(fired) == 1  # an event is consumed by one rule: never use post() for decisions


def test_no_matching_rule_raises_message_not_handled():
    host, name = _host(_recording_rules({"low": {"$lt": {"x": 1}}}, []))
    with pytest.raises(MessageNotHandledException):
        host.assert_fact(name, {"sid": "a", "x": 5})


def test_action_exceptions_are_swallowed_into_the_state():
    host, name = _host({"boom": {"all": [{"m": {"$gt": {"x": 0}}}], "run": lambda c: 1 / 0}})
    state = host.assert_fact(name, {"sid": "a", "x": 1})
    assert "exception" in state


@pytest.mark.parametrize("value", [1e-05, 1e20])
def test_exponent_form_numbers_are_rejected_in_facts(value):
    host, name = _host(_recording_rules({"any": {"$gt": {"x": -1}}}, []))
    with pytest.raises(Exception, match="204"):
        host.assert_fact(name, {"sid": "a", "x": value})


def test_exponent_form_numbers_are_rejected_in_thresholds():
    with pytest.raises(Exception, match="204"):
        _host(_recording_rules({"tiny": {"$lt": {"x": 0.00005}}}, []))


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        (0.00001, 0.0),  # would be written 1e-05
        (-0.00009, 0.0),
        (0.0001, 0.0001),  # written 0.0001: accepted as it is
        (85.0, 85.0),
        (np.float64(99.999999), 99.999999),
        (1e20, 1e15),
        (float("nan"), None),  # NaN never matches: leave the fact out
        (np.bool_(True), True),
        ("dry", "dry"),
    ],
)
def test_durable_value_keeps_numbers_out_of_exponent_form(value, sent):
    got = system_rules._durable_value(value)
    assert got == sent and type(got) is type(sent)
    if isinstance(got, float):
        assert "e" not in json.dumps(got)


def test_a_tiny_score_is_classified_not_rejected(graded_small):
    """A score of 0.00001 reaches the rules as 0.0 instead of failing with error 204."""
    facts = {"Y_I": 0.00001, "Y_II": 0.00001, "Y_III": 0.00001, "limiting_I": False}
    d = decision.decide_one(graded_small, facts | {"limiting_II": False, "accident": False})
    assert d is not None and d.klass == "lagging"


def test_set_rulesets_mutates_its_argument():
    rules = _recording_rules({"a": {"$gt": {"x": 0}}}, [])
    _host(rules)
    assert "run" not in rules["a"]


def test_compiling_a_system_leaves_its_rules_unchanged():
    doc = json.loads((FIXTURES / "systems" / "graded-small.json").read_text(encoding="utf-8"))
    system = build_system(copy.deepcopy(doc), "unchanged", "sha-unchanged-after-compile")
    system_rules.compiled(system)
    assert [r.when for r in system.classification] == [r["when"] for r in doc["classification"]]
    assert [v.when for v in system.vetoes] == [v["when"] for v in doc["vetoes"]]
    assert system.raw == doc


def test_identical_facts_need_retracting_in_one_sid():
    host, name = _host(_recording_rules({"any": {"$ex": {"x": 1}}}, []))
    fact = {"sid": "run", "x": 1}
    host.assert_fact(name, fact)
    with pytest.raises(MessageObservedException):
        host.assert_fact(name, fact)
    host.retract_fact(name, fact)
    for _ in range(3):  # assert then retract: the same fact can be asserted again
        host.assert_fact(name, fact)
        host.retract_fact(name, fact)


def test_one_sid_classifies_many_plants_with_identical_facts(graded_small):
    """2,000 plants with the same facts (more than durable-rules' 1,024 sessions) in one sid."""
    plant = {"Y_I": 88.0, "Y_II": 100.0, "Y_III": 100.0, "limiting_I": False, "limiting_II": True}
    n = 2000
    columns = {k: np.full(n, v) for k, v in dict(plant, accident=False).items()}
    # memoise=False: one assert + retract per plant, all in the one constant sid.
    decisions = decision.decide(graded_small, columns, [f"p{i}" for i in range(n)], memoise=False)
    assert {d.klass for d in decisions} == {"II"}
    assert {d.rule for d in decisions} == {1}


@pytest.mark.parametrize("which", ["cement", "hazardous_waste"])
def test_memoised_decisions_equal_one_run_per_plant(which, request):
    """Deciding once per rule-equivalent fact combination gives every plant the class (and the
    rule and vetoes) that one durable-rules run per plant gives."""
    from benchmarks.population import population
    from cpscore.engine.evaluate import decision_columns, evaluate_frame

    system = request.getfixturevalue(which)
    ev = evaluate_frame(system, population(system, 600, seed=5))
    columns = decision_columns(system, ev.scores)
    labels = [str(x) for x in ev.inputs.index]
    fast = decision.decide(system, columns, labels, memoise=True)
    slow = decision.decide(system, columns, labels, memoise=False)
    assert [(d.klass, d.rule, d.vetoes) for d in fast] == [
        (d.klass, d.rule, d.vetoes) for d in slow
    ]
    assert len({d.klass for d in slow}) >= 2


def test_a_rule_that_holds_through_nex_alone_fires_without_end():
    """Why cpscore's checks reject such rules: the process would hang on the first plant.

    Run in a child process whose action exits after 1,000 firings of one assert_fact.
    """
    code = textwrap.dedent(
        """
        import os
        from durable.engine import Host
        n = [0]
        def run(c):
            n[0] += 1
            if n[0] == 1000:
                print("looping", flush=True)
                os._exit(0)
        h = Host()
        h.set_rulesets({"r": {"a": {"all": [{"m": {"$nex": {"kind": 1}}}], "run": run}}})
        h.assert_fact("r", {"sid": "p", "x": 1})
        print("returned after", n[0], flush=True)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.stdout.strip() == "looping", done.stdout + done.stderr


def test_nex_anchored_by_a_present_fact_is_safe():
    fired: list[str] = []
    host, name = _host(
        _recording_rules({"a": {"$and": [{"$gt": {"x": 1}}, {"$nex": {"k": 1}}]}}, fired)
    )
    for message, expected in (({"x": 5}, ["a"]), ({"x": 5, "k": "v"}, []), ({"x": 0}, [])):
        fired.clear()
        message = {"sid": "s"} | message
        with contextlib.suppress(MessageNotHandledException):
            host.assert_fact(name, message)
        host.retract_fact(name, message)
        assert fired == expected


# ---- parity: cpscore.system.conditions.evaluate == durable-rules -------------------------------------

FACT_TYPES = {"num_a": "number", "num_b": "number", "flag": "boolean", "kind": "enum"}
KINDS = ["dry", "semi", "wet"]
NUMBERS = [-3, 0, 0.5, 1, 2.25, 5, 10, 85, 100]

numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers(-200, 200),
    st.floats(-200, 200, allow_nan=False)
    .map(lambda x: round(x, 3))
    .filter(lambda x: x == 0 or abs(x) >= 1e-4),
)


def _atom(name: str) -> st.SearchStrategy[dict]:
    kind = FACT_TYPES[name]
    exists = st.sampled_from(["$ex", "$nex"]).map(lambda op: {op: {name: 1}})
    if kind == "number":
        ops = st.sampled_from(["=", "$lt", "$lte", "$gt", "$gte", "$neq"])
        operand = numbers
    elif kind == "boolean":
        ops = st.sampled_from(["=", "$neq"])
        operand = st.booleans()
    else:
        ops = st.sampled_from(["=", "$neq", "$lt", "$gte"])
        operand = st.sampled_from(KINDS)
    comparison = st.tuples(ops, operand).map(
        lambda t: {name: t[1]} if t[0] == "=" else {t[0]: {name: t[1]}}
    )
    return st.one_of(comparison, exists)


atoms = st.sampled_from(list(FACT_TYPES)).flatmap(_atom)
condition_strategy = st.recursive(
    atoms,
    lambda inner: st.tuples(
        st.sampled_from(["$and", "$or"]), st.lists(inner, min_size=1, max_size=3)
    ).map(lambda t: {t[0]: t[1]}),
    max_leaves=6,
).filter(_anchored)  # what the checks accept in rules: $nex alone loops in durable-rules
plant_strategy = st.fixed_dictionaries(
    {
        "num_a": st.one_of(st.none(), numbers),
        "num_b": st.one_of(st.none(), numbers),
        "flag": st.one_of(st.none(), st.booleans()),
        "kind": st.one_of(st.none(), st.sampled_from(KINDS)),
    }
)


def _columns(plants: list[dict]) -> dict[str, np.ndarray]:
    """The arrays cpscore builds from a DataFrame: float with NaN, or object with None."""
    cols = {}
    for name, kind in FACT_TYPES.items():
        values = [p[name] for p in plants]
        if kind == "number":
            cols[name] = np.array([np.nan if v is None else float(v) for v in values])
        else:
            cols[name] = np.array(values, dtype=object)
    return cols


@settings(max_examples=60, deadline=None)
@given(
    conds=st.lists(condition_strategy, min_size=1, max_size=4),
    plants=st.lists(plant_strategy, min_size=1, max_size=6),
)
def test_vectorised_conditions_agree_with_durable_rules(conds, plants):
    fired: list[str] = []
    keyed = {f"c{k}": c for k, c in enumerate(conds)}
    host, name = _host(_recording_rules(keyed, fired))
    cols = _columns(plants)
    expected = {key: conditions.evaluate(c, cols, len(plants)) for key, c in keyed.items()}
    for i, plant in enumerate(plants):
        # Absent values are left out of the message, exactly as cpscore's decision module does.
        message = {"sid": "parity", "row": i} | {
            k: system_rules._durable_value(v) for k, v in plant.items() if v is not None
        }
        fired.clear()
        try:
            host.assert_fact(name, message)
        except MessageNotHandledException:
            pass
        finally:
            host.retract_fact(name, message)
        got = {key: key in fired for key in keyed}
        assert got == {key: bool(v[i]) for key, v in expected.items()}, (plant, keyed)


def test_durable_built_without_the_313_fix_is_one_clear_line(monkeypatch):
    """On Python 3.13 durable-rules 2.0.28 imports only when built with the PyEval_CallObject
    define; without it the user gets the command that rebuilds it, not an ImportError."""
    import importlib.abc
    import sys

    import durable

    from cpscore.common.errors import SetupError

    class Broken(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name == "durable.engine":
                raise ImportError("durable_rules_engine.so: undefined symbol: PyEval_CallObject")
            return None

    monkeypatch.delitem(sys.modules, "durable.engine")
    monkeypatch.delattr(durable, "engine")
    monkeypatch.setattr(sys, "meta_path", [Broken(), *sys.meta_path])
    with pytest.raises(SetupError) as info:
        system_rules._durable_engine()
    assert 'CPPFLAGS="-DPyEval_CallObject=PyObject_CallObject"' in str(info.value)
    assert "durable-rules==2.0.28" in str(info.value)
