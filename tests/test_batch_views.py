"""Wide workbooks, ranking, statistics, reduction potential, plan targets, formula neutralising."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from batch_data import plant_values
from conftest import EXAMPLES

from cpscore.batch.run import run_batch
from cpscore.engine.evaluate import evaluate_frame
from cpscore.engine.reduction import advanced_rank, reduction_potential
from cpscore.engine.sector_list import build, ranking
from cpscore.system.plan import PLAN_TARGETS, target_for
from cpscore.views.neutralise import cell_value
from cpscore.views.template import write_plant_workbook
from cpscore.views.wide_template import write_wide_workbook

# -- wide workbooks ------------------------------------------------------------------------------


def _plants(cement, n: int, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for k in range(n):
        facts, values = plant_values(cement, rng)
        out.append({"id": f"W{k:02d}", "name": f"宽表厂{k}", "period": "2025", **facts, **values})
    return out


def _write_plant_workbooks(cement, plants, folder):
    """Each plant of a wide workbook's rows as a plant workbook of its own."""
    fact_ids = {f.id for f in cement.facts}
    for p in plants:
        meta = {k: p[k] for k in ("id", "name", "period")}
        facts = {k: v for k, v in p.items() if k in fact_ids}
        values = {k: v for k, v in p.items() if k not in fact_ids and k not in meta}
        write_plant_workbook(cement, folder / f"{p['id']}.xlsx", "zh", meta, facts, values)


def test_wide_workbook_scores_like_plant_workbooks(tmp_path, cement):
    plants = _plants(cement, 12)
    plants[3]["clinker_coal"] = "0.1 tce/t"  # converted the same way in both forms
    plants[4]["waste_share"] = "25%"
    _write_plant_workbooks(cement, plants, tmp_path / "one")
    write_wide_workbook(cement, tmp_path / "wide.xlsx", "zh", plants)
    per_plant = run_batch(cement, [tmp_path / "one"], jobs=1)
    wide = run_batch(cement, [tmp_path / "wide.xlsx"], jobs=1)
    assert (wide.evaluated, wide.rejections) == (12, [])
    a = per_plant.evaluation.summary().sort_index()
    b = wide.evaluation.summary().sort_index()
    pd.testing.assert_frame_equal(a, b)
    ia, ib = per_plant.evaluation.inputs, wide.evaluation.inputs
    oa, ob = np.argsort(list(ia.index)), np.argsort(list(ib.index))
    np.testing.assert_array_equal(ia.values[oa], ib.values[ob])
    np.testing.assert_array_equal(ia.answers[oa], ib.answers[ob])
    assert wide.evaluation.meta[0]["row"] == 3  # label row, id row, then plants
    # The digest of the bytes read once, for every plant of the wide file and of each workbook
    digest = hashlib.sha256((tmp_path / "wide.xlsx").read_bytes()).hexdigest()
    assert {m["sha256"] for m in wide.evaluation.meta} == {digest}
    one = {Path(m["file"]).name: m["sha256"] for m in per_plant.evaluation.meta}
    assert one == {
        f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in (tmp_path / "one").iterdir()
    }


def test_plant_and_wide_workbooks_in_one_batch(tmp_path, cement):
    """Plant workbooks and a wide workbook holding the same plants under other ids, in one
    batch: each plant is listed twice with the same class and scores; records kept by column
    (the wide sheet) and as dicts (plant workbooks) read alike through the evaluation's
    per-plant views. Under one id the two copies would be duplicate_plant rejections."""
    plants = _plants(cement, 6)
    _write_plant_workbooks(cement, plants, tmp_path / "one")
    wide = [{**p, "id": "WIDE-" + str(p["id"])} for p in plants]
    write_wide_workbook(cement, tmp_path / "wide.xlsx", "zh", wide)
    got = run_batch(cement, [tmp_path / "one", tmp_path / "wide.xlsx"], jobs=1)
    ev = got.evaluation
    assert (ev.n, got.rejections) == (12, [])
    summary = ev.summary().reset_index(drop=True)
    first, second = summary.iloc[:6].reset_index(drop=True), summary.iloc[6:].reset_index(drop=True)
    pd.testing.assert_frame_equal(first, second)
    assert [m["file"].endswith("wide.xlsx") for m in ev.meta] == [False] * 6 + [True] * 6
    assert ev.meta.column("file") == [m["file"] for m in ev.meta]
    assert ev.meta.column("row") == [None] * 6 + [3, 4, 5, 6, 7, 8]
    assert ev.findings.counts().tolist() == [len(f) for f in ev.findings]
    docs = [ev.document(i) for i in range(12)]
    assert [d["class"] for d in docs[:6]] == [d["class"] for d in docs[6:]]


def test_wide_rows_are_rejected_one_by_one(tmp_path, cement):
    plants = _plants(cement, 4)
    plants[1]["clinker_power"] = "abc"
    plants[2]["plant_type"] = None  # a required fact
    write_wide_workbook(cement, tmp_path / "wide.xlsx", "en", plants)
    got = run_batch(cement, [tmp_path / "wide.xlsx"], jobs=1)
    assert got.evaluated == 2 and got.inputs == 4
    assert sorted(m["id"] for m in got.evaluation.meta) == ["W00", "W03"]
    cols = [*("id", "name", "period"), *(f.id for f in cement.facts)]
    cols += [i.id for i in cement.indicators]
    letter = lambda key: chr(ord("A") + cols.index(key))  # noqa: E731 (all columns < Z here)
    rej = {r.plant_id: r for r in got.rejections}
    assert [(r.row, e["sheet"], e["cell"], e["kind"]) for r in [rej["W01"]] for e in r.errors] == [
        (4, "Plants", f"{letter('clinker_power')}4", "not_a_number")
    ]
    assert [(e["cell"], e["kind"]) for e in rej["W02"].errors] == [
        (f"{letter('plant_type')}5", "missing_fact")
    ]


def test_empty_wide_template_has_every_column(tmp_path, cement):
    from python_calamine import CalamineWorkbook

    write_wide_workbook(cement, tmp_path / "w.xlsx", "zh")
    rows = CalamineWorkbook.from_path(str(tmp_path / "w.xlsx")).get_sheet_by_name("企业指标汇总")
    ids = rows.to_python()[1]
    assert ids == ["id", "name", "period", *(f.id for f in cement.facts)] + [
        i.id for i in cement.indicators
    ]
    got = run_batch(cement, [tmp_path / "w.xlsx"], jobs=1)
    assert (got.inputs, got.exit_code) == (0, 0)  # an empty form holds no plants
    from openpyxl import load_workbook

    from cpscore.batch.outputs import write_outputs

    write_outputs(got, tmp_path / "l.xlsx", html_path=tmp_path / "l.html", lang="en")
    lst = load_workbook(tmp_path / "l.xlsx")["List"]
    assert [lst.cell(4, c).value for c in (1, 2)] == ["rank", "plant id"]
    assert lst.max_row == 4


# -- ranking and statistics ----------------------------------------------------------------------


def _frame(cement, rows: dict[str, dict]) -> pd.DataFrame:
    return pd.DataFrame(list(rows.values()), index=list(rows))


def test_ranking_by_class_then_class_score_then_id(cement):
    from cpscore.pipeline import evaluate_workbook

    ev = evaluate_workbook(str(EXAMPLES / "cement" / "plant-advanced.xlsx"), cement)
    base = {**ev.inputs.facts}
    row = {k: (v[0] if hasattr(v, "__len__") else v) for k, v in base.items()}
    doc = ev.document(0, "en")
    values = {r["id"]: r["value"] for r in doc["indicators"]}
    plants = {
        "B": {**row, **values},  # the advanced example: II with Y_II = 100
        "A": {**row, **values},  # same as B: the tie is broken by id
        # waste share 15 % meets III, not II: Y_II = 100 − 0.15 × 0.5 × 100 = 92.5, still II
        "C": {**row, **values, "waste_share": 15.0},
        # NOx 1.7 kg/t fails III (≤ 1.6): Y_III = 100 − 0.2 × 0.4 × 100 = 92 < 100, lagging
        "D": {**row, **values, "nox_per_tonne": 1.7},
        # waste share 5 % fails III too, but the II rule (Y_II ≥ 85, limiting meet II) holds:
        # II with Y_II = 92.5, tied with C and placed after it by id
        "E": {**row, **values, "waste_share": 5.0},
    }
    ev = evaluate_frame(cement, _frame(cement, plants))
    summary = ev.summary()
    assert summary.loc[["A", "C", "E"], "Y_II"].tolist() == [100.0, 92.5, 92.5]
    assert summary.loc[["C", "D", "E"], "class"].tolist() == ["II", "lagging", "II"]
    assert summary.loc["D", "Y_III"] == 92.0
    assert [summary.index[i] for i in ranking(ev)] == ["A", "B", "C", "E", "D"]


def test_statistics_of_the_three_examples(cement):
    result = run_batch(cement, [EXAMPLES / "cement"], jobs=1)
    sl = build(result, "en")
    # examples/expected.json: leading I, advanced II, lagging.
    assert [(c.id, c.count) for c in sl.classes] == [
        ("I", 1),
        ("II", 1),
        ("III", 0),
        ("lagging", 1),
    ]
    assert sum(c.count for c in sl.classes) == sl.n == 3
    assert advanced_rank(cement) == 1
    assert sl.advanced == 2 and sl.advanced_share == pytest.approx(2 / 3)
    nox = next(x for x in sl.indicators if x.id == "nox_per_tonne")
    # nox: 0.75 (I), 1.1 (II), 1.75 (none) -> I 1/3, II 2/3, III 2/3
    assert nox.shares == pytest.approx({"I": 1 / 3, "II": 2 / 3, "III": 2 / 3})
    advanced = [x.shares["II"] for x in sl.indicators]
    assert advanced == sorted(advanced)  # the indicators holding the sector back come first
    assert [row[0] for row in sl.rows] == [1, 2, 3]
    assert [row[5] for row in sl.rows] == ["I", "II", "lagging"]


# -- reduction potential -------------------------------------------------------------------------


def test_reduction_potential_hand_computed(cement):
    from cpscore.pipeline import evaluate_workbook

    ev = evaluate_workbook(str(EXAMPLES / "cement" / "plant-lagging.xlsx"), cement)
    got = {p["indicator"]: p for p in reduction_potential(ev, 0)}
    # NOx: 1.75 kg/t against the advanced (II) benchmark ≤ 1.2 kg/t, 1 550 000 t clinker a year:
    # (1.75 − 1.2) × 1 550 000 = 852 500 kg.
    assert got["nox_per_tonne"]["benchmark"] == 1.2
    assert got["nox_per_tonne"]["quantity"] == pytest.approx(0.55 * 1_550_000)
    assert got["nox_per_tonne"]["unit"] == "kg"
    # SO2 0.15 kg/t is within ≤ 0.2: nothing to save.
    assert got["so2_per_tonne"]["quantity"] == 0.0
    # clinker coal of a 5000 t/d line: the ≥ 4000 t/d variant's II benchmark is ≤ 102 kgce/t.
    assert got["clinker_coal"]["benchmark"] == 102.0


def test_sector_reduction_sums_plants_and_sits_beside_the_plan(cement):
    plants = {
        "a": {"plant_type": "clinker_line", "clinker_output_t": 1_000_000, "nox_per_tonne": 1.5},
        "b": {"plant_type": "clinker_line", "clinker_output_t": 2_000_000, "nox_per_tonne": 1.3},
        "c": {"plant_type": "clinker_line", "nox_per_tonne": 1.9},  # no output given
        "d": {"plant_type": "clinker_line", "clinker_output_t": 500_000, "nox_per_tonne": 1.0},
    }
    from cpscore.engine.batch_result import BatchResult

    ev = evaluate_frame(cement, _frame(cement, plants))
    sl = build(BatchResult(cement, ev, [], []), "zh")
    nox = next(r for r in sl.reductions if r.total.substance == "NOx")
    # (1.5 − 1.2) × 1e6 + (1.3 − 1.2) × 2e6 + 0 = 300 000 + 200 000 kg = 500 t
    assert nox.total.quantity == pytest.approx(500_000)
    assert nox.tonnes == pytest.approx(500)
    assert nox.total.without_output == 1
    assert nox.target is not None and nox.target.printed == "120万吨"
    assert reduction_potential(ev, 2)[0]["quantity"] is None


def test_plan_targets_as_printed():
    assert target_for("SO2").printed == "60万吨"
    assert target_for("二氧化硫").key == "so2"
    assert target_for("氨氮 ammonia nitrogen").printed == "10.8万吨"
    assert target_for("标准煤 standard coal") is None
    assert target_for("crude oil") is None  # 'cr' is not chromium inside a word
    assert {t.key: t.printed for t in PLAN_TARGETS} == {
        "cod": "65万吨",
        "so2": "60万吨",
        "nh3n": "10.8万吨",
        "nox": "120万吨",
        "mercury": "638吨",
        "chromium": "73万吨",
        "lead": "0.2万吨",
    }


PLAN_TEXT = Path("/work/shared/reference/industrial-clean-production-plan-12th-fyp.txt")


@pytest.mark.skipif(not PLAN_TEXT.is_file(), reason="the plan text is not in this checkout")
def test_plan_targets_are_in_the_plan_text():
    text = PLAN_TEXT.read_text(encoding="utf-8")
    for t in PLAN_TARGETS:
        assert t.printed in text, t.key
        quoted = t.section.split("：", 1)[1]
        assert quoted in text, t.key
    assert "重点行业70%以上企业达到清洁生产评价指标体系中的“清洁生产先进企业”水平" in text


# -- neutralising --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+86 10 1234", "'+86 10 1234"),
        ("-2", "-2"),  # a plain signed number is not a formula
        ("-A1", "'-A1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("水泥厂 = 好", "水泥厂 = 好"),
        ("a\x01b", "ab"),
    ],
)
def test_neutralise(typed, written):
    assert cell_value(typed) == written


def test_scorecards_equal_single_evaluate_runs(tmp_path, cement):
    scorecard = pytest.importorskip("cpscore.views.scorecard")
    from openpyxl import load_workbook

    from cpscore.batch.outputs import write_outputs
    from cpscore.pipeline import evaluate_workbook

    src = EXAMPLES / "cement"
    result = run_batch(cement, [src], jobs=1)
    write_outputs(result, tmp_path / "l.xlsx", scorecards=tmp_path / "cards", lang="zh")
    for plant in src.glob("*.xlsx"):
        ev = evaluate_workbook(str(plant), cement)
        single = tmp_path / f"single-{plant.stem}.xlsx"
        scorecard.write_scorecard(ev, 0, single, "zh")
        batch = tmp_path / "cards" / f"{ev.meta[0]['id']}.xlsx"
        a, b = load_workbook(single), load_workbook(batch)
        assert a.sheetnames == b.sheetnames
        for wa, wb in zip(a.worksheets, b.worksheets, strict=True):
            va = [[c.value for c in r] for r in wa.iter_rows()]
            vb = [[c.value for c in r] for r in wb.iter_rows()]
            diff = [
                (r, c)
                for r, (ra, rb) in enumerate(zip(va, vb, strict=True))
                for c, (x, y) in enumerate(zip(ra, rb, strict=True))
                if x != y
            ]
            # only a timestamp may differ
            assert all(_is_timestamp(va[r][c]) for r, c in diff), diff


def _is_timestamp(v) -> bool:
    import datetime as dt
    import re

    return isinstance(v, dt.datetime) or bool(re.search(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d", str(v)))


@pytest.mark.parametrize("which", ["cement", "hazardous_waste"])
def test_vectorised_blocking_equals_the_per_plant_blockers(which, request):
    """The list's 'limiting indicators blocking the next class' equal each document's blockers."""
    from benchmarks.population import population
    from cpscore.engine.evaluate import evaluate_frame
    from cpscore.engine.result import blockers, blocking_limiting

    system = request.getfixturevalue(which)
    ev = evaluate_frame(system, population(system, 400, seed=21))
    fast = blocking_limiting(ev)
    assert any(fast)  # the population reaches plants that a limiting indicator holds back
    for i in range(ev.n):
        slow = [
            x for b in blockers(ev, i, "en") if b["kind"] == "limiting" for x in b["indicators"]
        ]
        assert [system.indicators[j].id for j in fast[i]] == list(dict.fromkeys(slow))


def test_fast_wide_path_reports_like_the_cell_by_cell_reader(tmp_path, hazardous_waste):
    """Rows taken column by column give the same row values, findings (code, cell, message),
    metadata and result documents as the single-plant reader's rules applied cell by cell,
    including rows that need interpretation (a converted unit, n/a, a fraction of a percent,
    a duplicate id, a text answer with the level written in Chinese)."""
    import math

    from benchmarks.population import population
    from cpscore.pipeline import evaluate_records
    from cpscore.read import wide, wide_header
    from cpscore.read.workbook import open_workbook

    frame = population(hazardous_waste, 60, seed=3)  # 3% missing values and answers
    plants = [
        {
            "id": pid,
            **{
                k: v
                for k, v in row.items()
                if v is not None and not (isinstance(v, float) and math.isnan(v))
            },
        }
        for pid, row in zip(frame.index, frame.to_dict("records"), strict=True)
    ]
    plants[5]["so2"] = "55 mg/Nm³"  # converted: always the reporting path
    plants[6]["hcl"] = "n/a"
    plants[7]["slag_rate"] = 0.5  # a percentage typed as a fraction: reported
    plants[8]["id"] = plants[9]["id"]  # a repeated id: rejected
    plants[10]["automation"] = "Ⅱ级"
    plants[11]["name"] = "  "
    path = tmp_path / "wide.xlsx"
    write_wide_workbook(hazardous_waste, path, "zh", plants)

    def read(fast):
        opened = open_workbook(path)
        header = wide_header.find_header(opened.sheets, hazardous_waste)
        return wide.read_wide_sheets(
            path, opened.sheets, hazardous_waste, header, opened.inspection.sheets, fast=fast
        )

    def shape(block):
        return [
            (
                r.meta,
                r.row,
                r.provenance,
                [(f.code, f.indicator, str(f.location), f.message) for f in r.findings],
            )
            for r in block.records()
        ]

    (fast, fast_rejected), (slow, slow_rejected) = read(True), read(False)
    assert len(slow.slow) == len(slow) == 59  # every plant read cell by cell
    assert 0 < len(fast.slow) < 10  # only the rows that need it
    assert shape(fast) == shape(slow)

    def rejected(rows):
        return [(r.row, [e.as_dict() for e in r.errors]) for r in rows]

    assert rejected(fast_rejected) == rejected(slow_rejected) != []
    assert any(f.code == "missing" for r in fast.records() for f in r.findings)
    a, b = evaluate_records(hazardous_waste, [fast]), evaluate_records(hazardous_waste, [slow])
    assert [a.document(i) for i in range(a.n)] == [b.document(i) for i in range(b.n)]


def test_streamed_list_sheet_equals_the_openpyxl_one(tmp_path, cement, monkeypatch):
    """A long List sheet is written as XML rows; it reads back cell for cell like the one
    openpyxl writes, with the filter over every row, and LibreOffice-style readers accept it."""
    from openpyxl import load_workbook

    from benchmarks.population import population
    from cpscore.engine.batch_result import BatchResult
    from cpscore.engine.evaluate import evaluate_frame
    from cpscore.engine.sector_list import build
    from cpscore.views import listbook

    frame = population(cement, 300, seed=8)
    frame.index = ['=HYPERLINK("x")', *frame.index[1:]]  # a plant id that must stay inert
    ev = evaluate_frame(cement, frame)
    sl = build(BatchResult(cement, ev, [], ["x"]), "zh")

    def cells(path):
        ws = load_workbook(path)[listbook.sheet_name("list", "zh")]
        # openpyxl writes floats to 16 digits, the stream writes them exactly (repr).
        rows = [
            [float(f"{v:.12g}") if isinstance(v, float) else v for v in r]
            for r in ws.iter_rows(values_only=True)
        ]
        return rows, ws.auto_filter.ref

    monkeypatch.setattr(listbook, "STREAM_FROM", 10**9)
    listbook.write_list_workbook(sl, tmp_path / "plain.xlsx")
    monkeypatch.setattr(listbook, "STREAM_FROM", 1)
    listbook.write_list_workbook(sl, tmp_path / "streamed.xlsx")
    plain, streamed = cells(tmp_path / "plain.xlsx"), cells(tmp_path / "streamed.xlsx")
    assert streamed == plain
    ids = [r[1] for r in streamed[0][listbook.HEADER_ROW :]]
    assert '\'=HYPERLINK("x")' in ids and not any(str(i).startswith("=") for i in ids)
    assert streamed[1] == f"A{listbook.HEADER_ROW}:{streamed[1].split(':')[1]}"
    from python_calamine import CalamineWorkbook

    rows = (
        CalamineWorkbook.from_path(str(tmp_path / "streamed.xlsx"))
        .get_sheet_by_name(listbook.sheet_name("list", "zh"))
        .to_python()
    )
    assert len(rows) == listbook.HEADER_ROW + 300
