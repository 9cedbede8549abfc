"""The schema and the semantic checks reject broken systems, naming the JSON pointer and the problem.

Each failure mode is one small mutation of the good fixture ``graded-small.json`` (or
``composite-small.json``), written to a temporary file and loaded like any system file.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from cpscore.cli import main
from cpscore.common.errors import SystemFileError
from cpscore.system.loader import load_system

GOOD = FIXTURES / "systems" / "graded-small.json"
GOOD_COMPOSITE = FIXTURES / "systems" / "composite-small.json"
ENERGY = "/groups/0/indicators/0"  # energy: lower-is-better, limiting, I ≤100 II ≤110 III ≤120
BOILER = "/groups/0/indicators/1"


def _good(path: Path = GOOD) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _set(doc: dict, pointer: str, value) -> dict:
    *parents, last = pointer.strip("/").split("/")
    node = doc
    for p in parents:
        node = node[int(p)] if isinstance(node, list) else node[p]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return doc


def _del(doc: dict, pointer: str) -> dict:
    *parents, last = pointer.strip("/").split("/")
    node = doc
    for p in parents:
        node = node[int(p)] if isinstance(node, list) else node[p]
    del node[int(last) if isinstance(node, list) else last]
    return doc


def _duplicate_indicator(doc: dict) -> dict:
    doc["groups"][1]["indicators"][0]["id"] = "water"
    return doc


# (name, mutation, pointer, words the message must contain)
CASES: list[tuple[str, Callable[[dict], dict], str, str]] = [
    (
        "missing required field",
        lambda d: _del(d, f"{ENERGY}/kind"),
        ENERGY,
        "'kind' is a required property",
    ),
    (
        "wrong enum",
        lambda d: _set(d, "/method", "weighted"),
        "/method",
        "'weighted' is not one of ['graded', 'composite']",
    ),
    (
        "wrong type",
        lambda d: _set(d, "/groups/0/weight", "0.6"),
        "/groups/0/weight",
        "'0.6' is not of type 'number'",
    ),
    (
        "group weights do not sum to 1",
        lambda d: _set(d, "/groups/0/weight", 0.5),
        "/groups",
        "weights of the non-bonus groups sum to 0.9, expected 1",
    ),
    (
        "indicator weights within a group do not sum to 1",
        lambda d: _set(d, f"{ENERGY}/weight", 0.3),
        "/groups/0",
        "indicator weights of group 'energy_group' sum to 1.1, expected 1",
    ),
    (
        "level II stricter than level I",
        lambda d: _set(d, f"{ENERGY}/benchmarks/II", {"op": "<=", "value": 95}),
        f"{ENERGY}/benchmarks/II",
        "level II benchmark 95 is stricter than level I benchmark 100",
    ),
    (
        "level III stricter than level II in a variant",
        lambda d: _set(d, f"{ENERGY}/variants/0/benchmarks/III", {"op": "<=", "value": 135}),
        f"{ENERGY}/variants/0/benchmarks/III",
        "level III benchmark 135 is stricter than level II benchmark 140",
    ),
    (
        "comparator contradicts the direction",
        lambda d: _set(d, f"{BOILER}/benchmarks/III", {"op": "<=", "value": 80}),
        f"{BOILER}/benchmarks/III/op",
        "comparator '<=' on a higher-is-better indicator",
    ),
    (
        "unknown fact in applies_when",
        lambda d: _set(d, f"{BOILER}/applies_when", {"has_boilers": True}),
        f"{BOILER}/applies_when",
        "unknown name 'has_boilers'",
    ),
    (
        "unknown fact in a classification rule",
        lambda d: _set(d, "/classification/2/when", {"$gte": {"Y_IIII": 100}}),
        "/classification/2/when",
        "unknown name 'Y_IIII'",
    ),
    (
        "unknown fact in a veto",
        lambda d: _set(d, "/vetoes/0/when", {"incident": True}),
        "/vetoes/0/when",
        "unknown name 'incident'",
    ),
    (
        "unknown fact in a variant",
        lambda d: _set(d, f"{ENERGY}/variants/0/when", {"process": "wet"}),
        f"{ENERGY}/variants/0/when",
        "unknown name 'process'",
    ),
    (
        "unknown fact in an expression benchmark",
        lambda d: _set(d, "/groups/0/indicators/2/benchmarks/I/value", {"expr": "10 + 5 * floors"}),
        "/groups/0/indicators/2/benchmarks/I",
        "unknown fact 'floors' in benchmark expression",
    ),
    (
        "unknown level in benchmarks",
        lambda d: _set(d, f"{ENERGY}/benchmarks/IV", {"op": "<=", "value": 130}),
        f"{ENERGY}/benchmarks/IV",
        "unknown level 'IV'",
    ),
    (
        "unit that does not parse",
        lambda d: _set(d, f"{ENERGY}/unit", "kgce/tt"),
        f"{ENERGY}/unit",
        "unit 'kgce/tt' is not understood",
    ),
    (
        "rule threshold in exponent form",
        lambda d: _set(d, "/classification/3/when", {"$lt": {"Y_III": 1e-05}}),
        "/classification/3/when",
        "number 1e-05 cannot be given to durable-rules (exponent form)",
    ),
    (
        "veto that holds through $nex alone (durable-rules loops)",
        lambda d: _set(d, "/vetoes/0/when", {"$nex": {"accident": 1}}),
        "/vetoes/0/when",
        "this rule can hold through $nex alone, which durable-rules fires without end",
    ),
    (
        "rule with an $or branch of $nex alone",
        lambda d: _set(
            d, "/classification/2/when", {"$or": [{"$gte": {"Y_III": 100}}, {"$nex": {"route": 1}}]}
        ),
        "/classification/2/when",
        "this rule can hold through $nex alone",
    ),
    (
        "no rule for the bottom class",
        lambda d: _del(d, "/classification/3"),
        "/classification",
        "corner(s) of the score space match no rule",
    ),
    (
        "unknown class in a rule",
        lambda d: _set(d, "/classification/3/class", "failing"),
        "/classification/3/class",
        "unknown class 'failing'",
    ),
    (
        "unknown class in a veto",
        lambda d: _set(d, "/vetoes/0/max_class", "IV"),
        "/vetoes/0/max_class",
        "unknown class 'IV'",
    ),
    (
        "enum fact compared with a value not in its list",
        lambda d: _set(d, f"{ENERGY}/variants/0/when", {"route": "semi-dry"}),
        f"{ENERGY}/variants/0/when",
        "'semi-dry' is not one of ['dry', 'wet'] for 'route'",
    ),
    (
        "enum fact in applies_when compared with a value not in its list",
        lambda d: _set(d, f"{BOILER}/applies_when", {"route": "Dry"}),
        f"{BOILER}/applies_when",
        "'Dry' is not one of ['dry', 'wet'] for 'route'",
    ),
    (
        "variant threshold in exponent form",
        lambda d: _set(d, f"{ENERGY}/variants/0/when", {"$gt": {"layers": 1e-05}}),
        f"{ENERGY}/variants/0/when",
        "number 1e-05 cannot be given to durable-rules (exponent form)",
    ),
    (
        "boolean fact compared with a number",
        lambda d: _set(d, f"{BOILER}/applies_when", {"has_boiler": 1}),
        f"{BOILER}/applies_when",
        "'has_boiler' is a yes/no fact; compare it for equality with true or false",
    ),
    (
        "duplicate indicator ids",
        _duplicate_indicator,
        "/groups",
        "indicator id 'water' is used 2 times",
    ),
    (
        "empty range",
        lambda d: _set(d, "/groups/1/indicators/0/benchmarks/I", {"range": [8.5, 6.5]}),
        "/groups/1/indicators/0/benchmarks/I/range",
        "range 8.5–6.5 is empty",
    ),
    (
        "notice missing on an illustrative system",
        lambda d: _del(d, "/notice"),
        "/",
        "'notice' is a required property",
    ),
]


def _write(tmp_path: Path, doc: dict, name: str = "bad.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_good_fixtures_load():
    for path in sorted((FIXTURES / "systems").glob("*.json")):
        assert load_system(path).status == "illustrative"


@pytest.mark.parametrize(("name", "mutate", "pointer", "words"), CASES, ids=[c[0] for c in CASES])
def test_broken_system_is_rejected(tmp_path, name, mutate, pointer, words):
    path = _write(tmp_path, mutate(copy.deepcopy(_good())))
    with pytest.raises(SystemFileError) as err:
        load_system(path)
    problems = [(p.pointer or "/", p.message) for p in err.value.problems]
    assert any(ptr == pointer and words in msg for ptr, msg in problems), problems
    text = str(err.value)
    assert str(path) in text  # the message names the file ...
    assert f"{pointer}: " in text  # ... the JSON pointer ...
    assert words in text  # ... and the problem


def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "id": "x",\n  "sector": \n}\n', encoding="utf-8")
    with pytest.raises(SystemFileError) as err:
        load_system(path)
    assert str(err.value) == (
        f"{path}: invalid indicator system (1 problem(s))\n"
        "  /: invalid JSON at line 4 column 1: Expecting value"
    )


def test_not_utf8_is_rejected(tmp_path):
    path = tmp_path / "gbk.json"
    path.write_bytes('{"id": "水泥"}'.encode("gbk"))
    with pytest.raises(SystemFileError, match="not UTF-8 text"):
        load_system(path)


@pytest.mark.parametrize(
    ("mutate", "pointer", "words"),
    [
        (
            lambda d: _set(d, "/composite/b", 0.5),
            "/composite",
            "a + b = 1.1, expected 1",
        ),
        (
            lambda d: _set(d, "/groups/1/weight", 50),
            "/groups",
            "points of the quantitative groups sum to 110, expected 100",
        ),
        (
            lambda d: _del(d, "/groups/0/indicators/0/benchmark"),
            "/groups/0/indicators/0/benchmark",
            "a composite quantitative indicator needs one benchmark S_o > 0",
        ),
        (
            lambda d: _del(d, "/composite"),
            "/",
            "'composite' is a required property",
        ),
    ],
    ids=["a+b", "points", "no S_o", "no parameters"],
)
def test_broken_composite_system_is_rejected(tmp_path, mutate, pointer, words):
    path = _write(tmp_path, mutate(copy.deepcopy(_good(GOOD_COMPOSITE))))
    with pytest.raises(SystemFileError) as err:
        load_system(path)
    assert any((p.pointer or "/") == pointer and words in p.message for p in err.value.problems), (
        err.value.problems
    )


def test_every_problem_is_reported_at_once(tmp_path):
    doc = _good()
    _set(doc, f"{ENERGY}/unit", "kgce/tt")
    _set(doc, f"{BOILER}/applies_when", {"has_boilers": True})
    with pytest.raises(SystemFileError) as err:
        load_system(_write(tmp_path, doc))
    pointers = {p.pointer for p in err.value.problems}
    assert {f"{ENERGY}/unit", f"{BOILER}/applies_when"} <= pointers


def test_validate_exit_codes(tmp_path):
    runner = CliRunner()
    good = [str(p) for p in sorted((FIXTURES / "systems").glob("*.json"))]
    bad = _write(tmp_path, _set(_good(), "/groups/0/weight", 0.5))

    ok = runner.invoke(main, ["validate", *good])
    assert ok.exit_code == 0, ok.output
    assert ok.output.count(": valid (") == len(good)

    bundled = runner.invoke(main, ["validate", "--bundled"])
    assert bundled.exit_code == 0, bundled.output

    mixed = runner.invoke(main, ["validate", good[0], str(bad)])
    assert mixed.exit_code == 1
    assert f"{bad}: invalid indicator system (1 problem(s))" in mixed.output
    assert "/groups: weights of the non-bonus groups sum to 0.9, expected 1" in mixed.output
    assert f"{good[0]}: valid" in mixed.output

    nothing = runner.invoke(main, ["validate"])
    assert nothing.exit_code == 2
