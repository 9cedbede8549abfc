"""The path to the next class: an exact minimum-cost cover, checked by hand and against brute force."""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cpscore.engine.evaluate import evaluate_frame
from cpscore.engine.next_class import (
    COUNT_PENALTY,
    Item,
    Option,
    feasible,
    objective,
    path_to_next_class,
    solve,
)
from cpscore.read.workbook import read_plant_workbook

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_exact_beats_greedy_by_hand():
    # Deficit 11 points. Cost per point: A 0.1/5 = 0.02, B 0.3/10 = 0.03, C 0.25/6 = 0.0417.
    # Greedy by ratio takes A then B: 0.1 + 0.3 = 0.40. Exact: A + C = 0.1 + 0.25 = 0.35 (11 points).
    items = [
        Item((Option(0, 0.1, (5.0,)),)),
        Item((Option(0, 0.3, (10.0,)),)),
        Item((Option(0, 0.25, (6.0,)),)),
    ]
    choice = solve(items, [11.0])
    assert choice == [0, None, 0]
    assert objective(items, choice) == pytest.approx(0.35 + 2 * COUNT_PENALTY)


def test_forced_item_takes_its_cheapest_sufficient_option():
    # The forced item must reach level II (option 0, cost 0.1, 4 points) or I (option 1, 0.5, 9).
    # Deficit 9: forced II (4) + D (5 points, 0.2) = 0.3 beats forced I alone = 0.5.
    items = [
        Item((Option(1, 0.1, (4.0,)), Option(0, 0.5, (9.0,))), forced=True),
        Item((Option(0, 0.2, (5.0,)),)),
    ]
    assert solve(items, [9.0]) == [0, 0]
    # No score gap: only the forced item, at its cheapest option.
    assert solve(items, [0.0]) == [0, None]


def test_infeasible_when_every_option_together_falls_short():
    items = [Item((Option(0, 0.1, (5.0,)),)), Item((Option(0, 0.1, (5.0,)),))]
    assert solve(items, [10.5]) is None
    assert solve([Item((), forced=True)], [0.0]) is None


def _brute_force(items: list[Item], deficits: list[float]) -> float:
    best = math.inf
    for combo in itertools.product(*[[None, *range(len(it.options))] for it in items]):
        choice = list(combo)
        if feasible(items, choice, deficits):
            best = min(best, objective(items, choice))
    return best


def test_solver_matches_brute_force_on_random_cases():
    rng = random.Random(20240611)
    for _ in range(400):
        n = rng.randint(0, 8)
        nm = rng.choice([1, 1, 2])
        items = []
        for _ in range(n):
            opts = []
            for lv in range(rng.randint(0 if rng.random() < 0.1 else 1, 3)):
                cost = rng.choice([0.0, 1.0, 2.0, round(rng.uniform(0, 1.5), 3)])
                gains = tuple(
                    rng.choice([0.0, 2.5, 5.0, round(rng.uniform(0, 12), 2)]) for _ in range(nm)
                )
                opts.append(Option(lv, cost, gains))
            items.append(Item(tuple(opts), forced=rng.random() < 0.2))
        deficits = [rng.choice([0.0, round(rng.uniform(0, 40), 2)]) for _ in range(nm)]
        expected = _brute_force(items, deficits)
        choice = solve(items, deficits)
        if math.isinf(expected):
            assert choice is None, (items, deficits)
        else:
            assert choice is not None, (items, deficits)
            assert feasible(items, choice, deficits)
            assert objective(items, choice) == pytest.approx(expected, abs=1e-9)


# -- on plants ------------------------------------------------------------------------------------


def test_cement_lagging_example_by_hand(cement):
    rec = read_plant_workbook(EXAMPLES / "cement" / "plant-lagging.xlsx", cement)
    ev = evaluate_frame(cement, pd.DataFrame([rec.row], index=["C-003"]))
    path = path_to_next_class(ev, 0, "en")
    # Y_III = 84.5 < 100: two indicators fail III. waste_share 8 % needs ≥ 10 % (cost 2/8 = 0.25,
    # weight 0.3 x 0.25 = 7.5 points); nox 1.75 needs ≤ 1.6 (cost 0.15/1.75 = 0.0857, 0.2 x 0.4 = 8
    # points). 84.5 + 7.5 + 8 = 100: both are needed.
    assert path.status == "path"
    assert (path.current, path.target_class) == ("lagging", "III")
    assert {x.id: x.cost for x in path.improvements} == {
        "waste_share": 0.25,
        "nox_per_tonne": round(0.15 / 1.75, 6),
    }
    assert path.scores["Y_III"] == {"now": 84.5, "after": 100.0, "op": "$gte", "threshold": 100.0}


def test_top_class_has_no_path(cement):
    rec = read_plant_workbook(EXAMPLES / "cement" / "plant-leading.xlsx", cement)
    ev = evaluate_frame(cement, pd.DataFrame([rec.row]))
    assert path_to_next_class(ev, 0).status == "top"


def test_veto_makes_the_next_class_unreachable(cement):
    rec = read_plant_workbook(EXAMPLES / "cement" / "plant-advanced.xlsx", cement)
    row = {**rec.row, "serious_pollution_accident": True}
    ev = evaluate_frame(cement, pd.DataFrame([row]))
    path = path_to_next_class(ev, 0, "en")
    assert ev.decisions[0].klass == "lagging"
    assert path.status == "unreachable"
    assert path.improvements == []
    assert "veto" in path.reasons[0]


def _apply(row: dict, path, system) -> dict:
    out = dict(row)
    for x in path.improvements:
        ind = system.indicator(x.id)
        if not ind.quantitative:
            out[x.id] = x.target_level
            continue
        v = x.target["value"]
        op = x.target["op"]
        # A strict benchmark's bound does not qualify; the next representable number does.
        out[x.id] = {
            "<": np.nextafter(v, -np.inf),
            ">": np.nextafter(v, np.inf),
        }.get(op, v)
    return out


def _random_rows(system, rng: np.random.Generator, n: int, base: dict) -> list[dict]:
    rows = []
    for _ in range(n):
        row = dict(base)
        for ind in system.indicators:
            v = row.get(ind.id)
            if ind.quantitative and isinstance(v, int | float):
                row[ind.id] = float(v) * float(rng.uniform(0.7, 1.5))
            elif not ind.quantitative and ind.answer == "level":
                row[ind.id] = rng.choice(["I", "II", "III", "none"])
            if rng.random() < 0.05:
                row[ind.id] = np.nan
        rows.append(row)
    return rows


@pytest.mark.parametrize("sector", ["cement", "hazardous-waste-incineration"])
def test_following_the_path_lifts_the_plant_one_class(sector, cement, hazardous_waste):
    system = cement if sector == "cement" else hazardous_waste
    base = read_plant_workbook(EXAMPLES / sector / "plant-advanced.xlsx", system).row
    rows = _random_rows(system, np.random.default_rng(7), 60, base)
    ev = evaluate_frame(system, pd.DataFrame(rows))
    paths = [path_to_next_class(ev, i) for i in range(len(rows))]
    todo = [i for i, p in enumerate(paths) if p.status == "path"]
    applied = [_apply(rows[i], paths[i], system) for i in todo]
    after = evaluate_frame(system, pd.DataFrame(applied))
    for k, i in enumerate(todo):
        rank = system.class_rank(ev.decisions[i].klass)
        assert system.class_rank(after.decisions[k].klass) <= rank - 1, (i, paths[i])
        for name, s in paths[i].scores.items():
            assert after.scores.scores[name][k] == pytest.approx(s["after"], abs=1e-6)
    assert len(todo) >= 20
