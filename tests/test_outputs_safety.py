"""Outputs are atomic and formula-safe; inputs are never modified."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from cpscore.common.atomic import atomic_path, write_text
from cpscore.views.neutralise import for_csv, for_html, is_formula_like, set_cell

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "＝1+1"]


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]


def test_failure_mid_write_keeps_the_previous_output(tmp_path):
    target = tmp_path / "list.csv"
    write_text(target, "complete,old\n")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half a new fi")
        raise RuntimeError("disk full")
    assert target.read_text() == "complete,old\n"
    assert _leftovers(tmp_path) == []


def test_interrupt_mid_write_leaves_nothing(tmp_path):
    target = tmp_path / "card.json"
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as tmp:
        tmp.write_text("{")
        raise KeyboardInterrupt
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_success_replaces_and_has_ordinary_permissions(tmp_path):
    target = tmp_path / "out.json"
    write_text(target, "old")
    write_text(target, "new")
    assert target.read_text() == "new"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert _leftovers(tmp_path) == []


def test_template_writer_failure_keeps_previous_workbook(tmp_path, cement, monkeypatch):
    from openpyxl import Workbook

    from cpscore.views.template import write_plant_workbook

    target = tmp_path / "plant.xlsx"
    write_plant_workbook(cement, target)
    before = target.read_bytes()

    def broken_save(self, filename):
        Path(filename).write_bytes(b"PK\x03\x04 partial")
        raise OSError("device removed")

    monkeypatch.setattr(Workbook, "save", broken_save)
    from cpscore.common.atomic import OutputError

    with pytest.raises(OutputError) as info:  # names the output, never the temporary file
        write_plant_workbook(cement, target)
    assert str(target) in str(info.value) and ".tmp" not in str(info.value)
    assert target.read_bytes() == before
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_neutralised(text):
    assert is_formula_like(text)
    assert for_csv(text) == "'" + text
    assert for_html(text).startswith("&#x27;")
    assert "<" not in for_html("<script>" + text)


@pytest.mark.parametrize("value", ["-3.5", "+12", "-1e3", "plain", "某厂", 42, -3.5, None])
def test_plain_values_pass_unchanged(value):
    assert for_csv(value) == value


def test_csv_round_trip_keeps_text_inert():
    buf = io.StringIO()
    csv.writer(buf).writerow([for_csv(t) for t in HOSTILE])
    row = next(csv.reader(io.StringIO(buf.getvalue())))
    assert row == ["'" + t for t in HOSTILE]


def test_html_escapes_markup():
    assert for_html('<img src=x onerror="alert(1)">') == (
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    )


def test_xlsx_cell_keeps_text_exactly_and_is_not_a_formula(tmp_path):
    from openpyxl import Workbook, load_workbook

    wb = Workbook()
    for r, text in enumerate(HOSTILE, start=1):
        set_cell(wb.active.cell(r, 1), text)
    wb.save(tmp_path / "x.xlsx")
    ws = load_workbook(tmp_path / "x.xlsx").active
    for r, text in enumerate(HOSTILE, start=1):
        cell = ws.cell(r, 1)
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_template_stores_plant_text_as_text(tmp_path, cement):
    from openpyxl import load_workbook

    from cpscore.views.template import write_plant_workbook

    name = '=HYPERLINK("http://evil","click")'
    path = write_plant_workbook(cement, tmp_path / "p.xlsx", meta={"name": name})
    ws = load_workbook(path)["企业信息"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == name)
    assert cell.data_type == "s" and cell.quotePrefix
