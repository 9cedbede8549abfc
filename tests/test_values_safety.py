"""Cell parsing and the pre-parse inspection helpers, case by case."""

from __future__ import annotations

import datetime as dt

import pytest

from cpscore.read.safety import SheetInfo, _is_percent_format, parse_ref
from cpscore.read.values import parse_number


@pytest.mark.parametrize(
    ("cell", "kind", "value", "unit"),
    [
        ("105 kgce/t", "number", 105.0, "kgce/t"),
        ("105(kgce/t)", "number", 105.0, "kgce/t"),
        ("约105", "number", 105.0, None),
        ("１０５", "number", 105.0, None),
        ("1,234.5", "number", 1234.5, None),
        ("1，234", "number", 1234.0, None),
        ("95%", "number", 95.0, "%"),
        ("９５％", "number", 95.0, "%"),
        ("-3.5", "number", -3.5, None),
        (7, "number", 7.0, None),
        ("—", "missing", None, None),
        ("", "missing", None, None),
        (None, "missing", None, None),
        ("N/A", "n/a", None, None),
        ("/", "n/a", None, None),
        ("不适用", "n/a", None, None),
        ("1,5", "invalid", None, None),  # decimal comma: never guessed
        ("12,34", "invalid", None, None),
        ("1 234", "invalid", None, None),
        ("<0.1", "invalid", None, None),
        ("#DIV/0!", "invalid", None, None),
        ("1e400", "invalid", None, None),
        (True, "invalid", None, None),
        (dt.date(2023, 1, 1), "invalid", None, None),
        (float("inf"), "invalid", None, None),
    ],
)
def test_parse_number(cell, kind, value, unit):
    p = parse_number(cell)
    assert (p.kind, p.value, p.unit) == (kind, value, unit)
    if kind in ("n/a", "invalid") or cell in ("1,234.5", "约105", "１０５"):
        assert p.note  # every interpretation and refusal says what it read


@pytest.mark.parametrize(
    ("code", "percent"),
    [
        ("0%", True),
        ("0.00%", True),
        ('0.0"%"', False),
        ("0.0\\%", False),
        ("[Red]0%", True),
        ("#,##0", False),
        ("[$%-409]0", False),
    ],
)
def test_percent_formats(code, percent):
    assert _is_percent_format(code) is percent


def test_refs_and_merged_ranges():
    assert parse_ref("E5") == (5, 5)
    assert parse_ref("$AA$10") == (10, 27)
    assert parse_ref("XFD1048576") == (1048576, 16384)
    assert parse_ref("5E") is None
    info = SheetInfo("s", "p", merged=["E5:E6", "A1:C1"])
    assert info.merged_range("E6") == "E5:E6"
    assert info.merged_range("B1") == "A1:C1"
    assert info.merged_range("E7") is None
