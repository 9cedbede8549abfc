"""Property-based tests: arbitrary cell values and arbitrary system JSON never raise anything but
cpscore's own errors (hypothesis)."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpscore.common.errors import CpscoreError, Location
from cpscore.read.values import parse_number
from cpscore.read.workbook import _Reader
from cpscore.system.loader import build_system

ROOT = Path(__file__).resolve().parent.parent
CEMENT_DOC = json.loads(
    (ROOT / "indicator_systems/cement/2014-illustrative.json").read_text("utf-8")
)

cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.from_regex(
        r"\A[约~≈]?\s?[+-]?[0-9０-９]{1,4}([.,，][0-9]{1,3})*\s?(%|％|kgce/t|tce/t|g/t|kg/t)?\Z"
    ),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(deadline=None)
@given(cells)
def test_parse_number_always_answers(cell):
    p = parse_number(cell)
    assert p.kind in ("number", "missing", "n/a", "invalid")
    if p.kind == "number":
        assert isinstance(p.value, float) and math.isfinite(p.value)
    if isinstance(cell, dt.date | dt.time | dt.timedelta | bool):
        assert p.kind == "invalid"


@given(st.integers(-(10**6), 10**6).map(lambda n: n / 100))
def test_plain_numbers_read_back_exactly(x):
    assert parse_number(repr(x)).value == x
    assert parse_number(x).value == x


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=80, deadline=None
)
@given(
    cell=cells,
    unit=st.one_of(st.none(), st.text(max_size=8), st.sampled_from(["比例", "tce/t", "%", "-"])),
    pct=st.booleans(),
)
def test_reader_value_collects_errors_and_never_raises(cement, cell, unit, pct):
    from cpscore.read.safety import SheetInfo

    info = SheetInfo("指标数据", "xl/worksheets/sheet3.xml")
    if pct:
        info.percent_cells.add("E5")
    reader = _Reader(cement, Path("plant.xlsx"), {"指标数据": info})
    for ind in cement.indicators:
        reader.value(ind, cell, unit, Location("plant.xlsx", "指标数据", "E5"))
    for ind_id, v in reader.row.items():
        assert v == "n/a" or v in {"I", "II", "III", "none", "yes", "no"} or math.isfinite(v), (
            ind_id
        )
    assert all(e.location.cell == "E5" for e in reader.errors)


def _build(doc):
    """Anything but cpscore's own errors fails the test (hypothesis reports the input)."""
    with contextlib.suppress(CpscoreError):
        build_system(doc, "fuzz.json", "0" * 64)


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_loader_on_arbitrary_json(doc):
    _build(doc)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


PATHS = [p for p in _paths(CEMENT_DOC) if p]


@settings(max_examples=150, deadline=None)
@given(
    path=st.sampled_from(PATHS),
    replacement=json_values,
    delete=st.booleans(),
)
def test_loader_on_mutated_system(path, replacement, delete):
    doc = copy.deepcopy(CEMENT_DOC)
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    _build(doc)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1e308, 1e-300, 10**30])
def test_loader_on_odd_numbers_in_benchmarks(bad):
    doc = copy.deepcopy(CEMENT_DOC)
    doc["groups"][1]["indicators"][0]["benchmarks"]["I"]["value"] = bad
    _build(doc)
