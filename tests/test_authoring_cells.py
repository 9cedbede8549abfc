"""The benchmark cell parser: every printed form it reads, and every form it refuses (with why)."""

from __future__ import annotations

import pytest

from cpscore.authoring.cells import canonical_expr, format_number, parse_benchmark, render

N = frozenset({"n"})


@pytest.mark.parametrize(
    ("cell", "unit", "name", "expected"),
    [
        ("≤8", "L/m2", "", {"op": "<=", "value": 8}),
        ("≥82", "%", "", {"op": ">=", "value": 82}),
        ("<30", "mg/Nm³", "", {"op": "<", "value": 30}),
        (">7000h", "h", "", {"op": ">", "value": 7000}),
        ("＞6000 h", "h", "", {"op": ">", "value": 6000}),  # full-width >, space before the unit
        ("≦5", "", "", {"op": "<=", "value": 5}),  # the Japanese-style ≦
        ("＜30", "", "", {"op": "<", "value": 30}),
        ("<=0.5", "", "", {"op": "<=", "value": 0.5}),
        ("≤ 8", "", "", {"op": "<=", "value": 8}),
        ("≥90%", "%", "", {"op": ">=", "value": 90}),
        ("3-4次/年", "次/年", "", {"range": [3, 4]}),
        ("3～4", "", "", {"range": [3, 4]}),
        ("3~4", "", "", {"range": [3, 4]}),
        ("3至4", "", "", {"range": [3, 4]}),
        ("不大于40", "", "", {"op": "<=", "value": 40}),
        ("不低于90", "", "", {"op": ">=", "value": 90}),
        ("大于5000h", "h", "", {"op": ">", "value": 5000}),
        ("3次以下", "次/年", "", {"op": "<=", "value": 3}),  # 以下 includes the number
        ("5以上", "", "", {"op": ">=", "value": 5}),
        ("热灼减率<4%。", "%", "热灼减率", {"op": "<", "value": 4}),  # name repeated in the cell
        (
            "各条焚烧线停炉检修次数为3次以下/年。",
            "次/年",
            "各条焚烧线停炉检修次数",
            {"op": "<=", "value": 3},
        ),
        ("≤(10+5n)", "kWh/m²", "", {"op": "<=", "value": {"expr": "10 + 5 * n"}}),
        ("≤ (25+10n)", "", "", {"op": "<=", "value": {"expr": "25 + 10 * n"}}),
        ("≤（0.14+0.08n）", "", "", {"op": "<=", "value": {"expr": "0.14 + 0.08 * n"}}),
        ("≥(90+2n)", "%", "", {"op": ">=", "value": {"expr": "90 + 2 * n"}}),
    ],
)
def test_reads_printed_benchmarks(cell, unit, name, expected):
    reading = parse_benchmark(cell, unit, name, N)
    assert reading.ok, reading.problem
    assert reading.benchmark == expected


@pytest.mark.parametrize("cell", [None, "", "—", "-", "/", "  "])
def test_empty_marks_mean_no_benchmark(cell):
    reading = parse_benchmark(cell)
    assert reading.empty and reading.ok and reading.benchmark is None


@pytest.mark.parametrize(
    ("cell", "unit", "problem"),
    [
        (8, "", "the number 8 has no comparator: write it as printed, e.g. ≤8 or ≥82"),
        (
            "5次/年",
            "次/年",
            "no comparator (≤ < ≥ > or a range): the printed cell must say how the value is compared",
        ),
        ("≤2 0", "", "digits separated by a space; check the number against the PDF"),
        ("≥82%", "", "text '%' after the number, but the unit column is empty"),
        ("≤5g/t", "kg/t", "text 'g/t' after the number, but the unit column says 'kg/t'"),
        ("4-3", "", "the range 4-3 runs backwards"),
        ("≤", "", "no number where the benchmark should be"),
        (
            "≤0.5（新建）/≤1.0（现有）",
            "",
            "more than one comparator in one cell; if the benchmark depends on the plant, put each "
            "case in variants (extra column) and leave one benchmark here",
        ),
        (
            "≤(10+5m)",
            "",
            "the expression '10+5m' uses m, which is not a numeric fact of the system (declare it "
            "under facts in the metadata sheet)",
        ),
        (True, "", "a yes/no value, not a benchmark"),
    ],
)
def test_refuses_what_it_cannot_read(cell, unit, problem):
    reading = parse_benchmark(cell, unit, "", N)
    assert reading.benchmark is None
    assert reading.problem == problem


def test_notes_say_what_was_interpreted():
    reading = parse_benchmark("3次以下", "次/年")
    assert reading.notes == ("'以下' read as ≤", "unit '次' written in the cell")


@pytest.mark.parametrize(
    "bench",
    [
        {"op": "<=", "value": 8},
        {"op": "<", "value": 0.05},
        {"op": ">=", "value": 1234567},
        {"op": ">", "value": 0.0001},
        {"range": [3, 4.5]},
        {"op": "<=", "value": {"expr": "10 + 5 * n"}},
        {"range": [{"expr": "2 * n"}, {"expr": "3 + n"}]},
    ],
)
def test_render_reads_back_as_the_same_benchmark(bench):
    assert parse_benchmark(render(bench), variables=N).benchmark == bench


def test_number_formatting_keeps_every_digit():
    assert format_number(7000.0) == "7000"
    assert format_number(0.1 + 0.2) == "0.30000000000000004"
    assert format_number(1e-05) == "0.00001"
    assert canonical_expr("10+5*n") == canonical_expr("10 + 5*n") == "10 + 5 * n"
