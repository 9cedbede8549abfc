"""The plant data template: structure guarded, inputs validated, and what it writes reads back."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from openpyxl import load_workbook

from cpscore.engine.evaluate import evaluate_frame
from cpscore.pipeline import evaluate_records
from cpscore.read.workbook import read_plant_workbook
from cpscore.views.template import (
    SHEET_INDICATORS,
    SHEET_PLANT,
    VALUE_COL,
    answer_choices,
    write_plant_workbook,
)


@pytest.fixture(params=["zh", "en"])
def lang(request):
    return request.param


def _rows_by_key(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}


def _validations(ws) -> dict[str, object]:
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out[rng.coord] = dv
    return out


def test_structure_is_protected_and_only_inputs_are_unlocked(tmp_path, cement, lang):
    path = write_plant_workbook(cement, tmp_path / "t.xlsx", lang)
    wb = load_workbook(path)
    for ws in wb.worksheets:
        assert ws.protection.sheet is True
        assert not ws.protection.password  # guards against accidents, not a secret
    wi = wb[SHEET_INDICATORS[lang]]
    for r in range(2, wi.max_row + 1):
        unlocked = {c for c in range(1, 8) if not wi.cell(r, c).protection.locked}
        assert unlocked == {VALUE_COL, VALUE_COL + 1}, r
    wp = wb[SHEET_PLANT[lang]]
    rows = _rows_by_key(wp)
    assert wp.cell(rows["system"], 2).value == cement.id
    assert wp.cell(rows["system"], 2).protection.locked
    for key in ("id", "name", "period", *(f.id for f in cement.facts)):
        assert not wp.cell(rows[key], 2).protection.locked, key


def test_validation_dropdowns_and_comments(tmp_path, cement, lang):
    path = write_plant_workbook(cement, tmp_path / "t.xlsx", lang)
    wb = load_workbook(path)
    wi = wb[SHEET_INDICATORS[lang]]
    dvs = _validations(wi)
    rows = _rows_by_key(wi)
    for ind in cement.indicators:
        r = rows[ind.id]
        dv = dvs[wi.cell(r, VALUE_COL).coordinate]
        if ind.quantitative:
            assert dv.type == "custom"
            assert f"ISNUMBER(E{r})" in dv.formula1
        else:
            assert dv.type == "list"
            assert dv.formula1 == '"' + ",".join(answer_choices(cement, ind, lang)) + '"'
        comment = wi.cell(r, 3).comment
        assert comment is not None and ind.id in comment.text
    # The clinker coal comment carries its benchmarks per level as the system states them.
    coal = cement.indicator("clinker_coal")
    text = wi.cell(rows["clinker_coal"], 3).comment.text
    for lv in cement.levels:
        assert coal.benchmarks[lv.id].describe() in text
    # Qualitative: the levels, none and n/a, in the sheet's language.
    expected = (
        ["Ⅰ级", "Ⅱ级", "Ⅲ级", "未达到", "不适用"]
        if lang == "zh"
        else ["I", "II", "III", "none", "n/a"]
    )
    assert answer_choices(cement, cement.indicator("kiln_process"), lang) == expected
    # Plant facts: the enum's labels and a plausible range on numbers.
    wp = wb[SHEET_PLANT[lang]]
    fdv = _validations(wp)
    prow = _rows_by_key(wp)
    plant_type = fdv[f"B{prow['plant_type']}"]
    assert plant_type.type == "list"
    label = "水泥粉磨站" if lang == "zh" else "Cement grinding station"
    assert label in plant_type.formula1
    capacity = fdv[f"B{prow['kiln_capacity_tpd']}"]
    assert (capacity.type, capacity.formula1, capacity.formula2) == ("decimal", "0", "15000")


def test_list_validations_fit_excel_limit(tmp_path, hazardous_waste, cement):
    # Excel refuses (repair prompt) a literal list longer than 255 characters.
    for system in (cement, hazardous_waste):
        for lang in ("zh", "en"):
            wb = load_workbook(write_plant_workbook(system, tmp_path / "t.xlsx", lang))
            for ws in wb.worksheets:
                for dv in ws.data_validations.dataValidation:
                    assert len(dv.formula1 or "") <= 255


CEMENT_FACTS = {
    "plant_type": ("clinker_line", {"zh": "水泥（熟料）生产企业", "en": "Cement (clinker) plant"}),
    "kiln_capacity_tpd": (5000.0, None),
    "clinker_output_t": (1_500_000.0, None),
    "cement_output_t": (2_100_000.0, None),
    "serious_pollution_accident": (False, {"zh": "否", "en": "no"}),
}


def _typed(value: object, lang: str) -> object:
    """What a person picks from the drop-down for a canonical answer."""
    zh = {
        "I": "Ⅰ级",
        "II": "Ⅱ级",
        "III": "Ⅲ级",
        "none": "未达到",
        "n/a": "不适用",
        "yes": "是",
        "no": "否",
    }
    return zh.get(value, value) if lang == "zh" and isinstance(value, str) else value


def test_round_trip_matches_the_python_api(tmp_path, cement, lang):
    values = {
        "kiln_process": "II",
        "grinding_process": "I",
        "dust_control_equipment": "none",
        "clinker_coal": 103.5,
        "clinker_power": 57.0,
        "cement_power": 84.0,
        "water_per_tonne": 0.18,
        "waste_heat_power": 35.0,
        "waste_share": 22.0,
        "particulates_per_tonne": 0.11,
        "so2_per_tonne": 0.2,
        "nox_per_tonne": 1.2,
        "high_grade_share": 65.0,
        "legal_compliance": "yes",
        "clean_production_audit": "n/a",
        # management_system left empty: missing, scores 0
    }
    path = write_plant_workbook(cement, tmp_path / "blank.xlsx", lang)
    wb = load_workbook(path)
    wp, wi = wb[SHEET_PLANT[lang]], wb[SHEET_INDICATORS[lang]]
    prow, irow = _rows_by_key(wp), _rows_by_key(wi)
    wp.cell(prow["id"], 2).value = "P-7"
    wp.cell(prow["period"], 2).value = "2025"
    for fact, (value, labels) in CEMENT_FACTS.items():
        wp.cell(prow[fact], 2).value = labels[lang] if labels else value
    for ind, value in values.items():
        wi.cell(irow[ind], VALUE_COL).value = _typed(value, lang)
    wi.cell(irow["clinker_coal"], VALUE_COL + 1).value = "2025 energy statistics"
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)

    rec = read_plant_workbook(filled, cement)
    assert rec.meta["id"] == "P-7" and rec.meta["period"] == "2025"
    assert rec.provenance["clinker_coal"]["evidence"] == "2025 energy statistics"
    from_workbook = evaluate_records(cement, [rec]).document(0, lang)
    facts = {k: v for k, (v, _) in CEMENT_FACTS.items()}
    frame = pd.DataFrame([{**facts, **values}], index=["P-7"])
    from_api = evaluate_frame(cement, frame).document(0, lang)

    assert from_workbook["class"]["level"] == from_api["class"]["level"]
    assert from_workbook["class"]["reason"] == from_api["class"]["reason"]
    assert from_workbook["scores"] == from_api["scores"]
    for a, b in zip(from_workbook["indicators"], from_api["indicators"], strict=True):
        for key in ("id", "value", "status", "level", "weight", "contributions", "gap"):
            assert a[key] == b[key], (a["id"], key)
    statuses = {r["id"]: r["status"] for r in from_workbook["indicators"]}
    assert statuses["clean_production_audit"] == "n/a"
    assert statuses["management_system"] == "missing"
    assert not math.isnan(from_workbook["scores"][0]["value"])
