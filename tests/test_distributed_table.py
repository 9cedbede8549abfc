"""The pieces of a national run that need no cluster: which table rows are rejected and why, the
columns a table must have, the task split and the summary's arithmetic."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.population import population
from cpscore.batch import table_summary
from cpscore.common.errors import UsageError
from cpscore.engine.rejections import rejected_rows
from cpscore.read.table import TableLayout, table_files, table_layout

LAYOUT = TableLayout("id", None)


@pytest.fixture(autouse=True)
def english():
    """Messages in English: what is asserted here are the msgids."""
    from cpscore.common.i18n import set_language

    set_language("en")
    yield
    set_language(None)


def _rows(cement, n: int = 6) -> pd.DataFrame:
    rows = population(cement, n, seed=4).rename_axis("id").reset_index().astype(object)
    rows["plant_type"] = "clinker_line"
    rows["kiln_capacity_tpd"] = 5000.0
    return rows


def test_cells_the_scorer_reads_are_not_rejected(cement) -> None:
    rows = _rows(cement)
    rows.loc[0, "kiln_process"] = "Ⅱ级"
    rows.loc[1, "kiln_process"] = "level II"
    rows.loc[2, "clinker_coal"] = "n/a"
    rows.loc[3, "clinker_coal"] = "  "  # blank: missing, scored 0, not rejected
    rows.loc[4, "legal_compliance"] = "是"
    rows.loc[5, "clinker_power"] = "105.5"  # a number as text (CSV)
    assert rejected_rows(cement, rows, LAYOUT).empty


def test_enum_facts_written_as_their_labels(cement) -> None:
    # A regulator's table may carry the labels the template's drop-down shows, in zh or en.
    from cpscore.engine.evaluate import score_frame

    ids = _rows(cement)
    ids["plant_type"] = ["clinker_line", "grinding_station"] * 3
    labels = ids.copy()
    labels["plant_type"] = [
        "水泥（熟料）生产企业",
        "水泥粉磨站",
        "Cement (clinker) plant",
        "cement grinding station",  # case and spaces aside, as the workbook reader compares
        " clinker_line ",
        "水泥 粉磨站",
    ]
    assert rejected_rows(cement, labels, LAYOUT).empty
    got, want = (score_frame(cement, f.set_index("id")) for f in (labels, ids))
    pd.testing.assert_frame_equal(got, want)
    labels.loc[0, "plant_type"] = "水泥厂"  # a label the system does not have
    assert list(rejected_rows(cement, labels, LAYOUT)["kind"]) == ["bad_fact"]


def test_each_kind_of_bad_cell(cement) -> None:
    rows = _rows(cement)
    rows["clinker_coal"] = rows["clinker_coal"].astype(float)
    rows.loc[0, "clinker_coal"] = np.inf
    rows.loc[1, "kiln_process"] = "level 9"
    rows.loc[2, "serious_pollution_accident"] = "perhaps"
    rows.loc[3, "legal_compliance"] = "partly"
    rows.loc[4, "plant_type"] = "kiln"
    rows.loc[4, "cement_power"] = "12 kWh"  # two problems in one row
    got = rejected_rows(cement, rows, LAYOUT)
    assert list(got.index) == [0, 1, 2, 3, 4]
    assert list(got["kind"]) == ["not_a_number", "bad_answer", "bad_fact", "bad_answer", "bad_fact"]
    assert list(got["problems"]) == [1, 1, 1, 1, 2]
    assert (
        got.loc[0, "reason"]
        == "clinker_coal: inf; expected a number in kgce/t, or n/a [not_a_number]"
    )
    assert got.loc[1, "reason"] == (
        "kiln_process: 'level 9'; expected a level (I / II / III), none or n/a [bad_answer]"
    )
    assert "serious_pollution_accident: 'perhaps'; expected yes/no" in got.loc[2, "reason"]
    assert got.loc[4, "reason"] == (
        "plant_type: 'kiln'; expected one of clinker_line, grinding_station [bad_fact]; "
        "cement_power: '12 kWh'; expected a number in kWh/t, or n/a [not_a_number]"
    )


def test_a_yes_no_column_where_a_number_belongs(cement) -> None:
    rows = _rows(cement, 2)
    rows["water_per_tonne"] = pd.Series([True, False], dtype=bool)
    assert list(rejected_rows(cement, rows, LAYOUT)["kind"]) == ["not_a_number"] * 2


def test_layout_and_missing_columns(cement, tmp_path: Path) -> None:
    rows = _rows(cement).rename(columns={"id": "plant_id"})
    rows["评价期"] = "2025"
    rows.to_csv(tmp_path / "a.csv", index=False, encoding="utf-8-sig")
    assert table_layout(cement, [str(tmp_path / "a.csv")]) == TableLayout("plant_id", "评价期")
    # Optional facts may be missing (their default applies); indicators and plant_type may not.
    rows.drop(columns=["kiln_capacity_tpd"]).to_csv(tmp_path / "b.csv", index=False)
    assert table_layout(cement, [str(tmp_path / "b.csv")]).id_column == "plant_id"
    rows.drop(columns=["plant_id"]).to_csv(tmp_path / "c.csv", index=False)
    with pytest.raises(
        UsageError, match=r"c\.csv: no plant id column; expected one of id / plant_id / 企业编号"
    ):
        table_layout(cement, [str(tmp_path / "c.csv")])
    rows.drop(columns=["nox_per_tonne"]).to_parquet(tmp_path / "d.parquet")
    with pytest.raises(UsageError, match=r"d\.parquet: no column for nox_per_tonne"):
        table_layout(cement, [str(tmp_path / "d.parquet")])
    with pytest.raises(UsageError, match="mix parquet and CSV"):
        table_files([str(tmp_path / "a.csv"), str(tmp_path / "d.parquet")])
    with pytest.raises(UsageError, match="no such input"):
        table_files([str(tmp_path / "none.parquet")])
    a = str(tmp_path / "a.csv")
    assert table_files([a, f"{tmp_path}/./a.csv", str(tmp_path / "b.csv")]) == [
        a,
        str(tmp_path / "b.csv"),
    ]
    (tmp_path / "d.parquet").unlink()
    # a folder stands for the tables in it
    assert table_files([str(tmp_path)]) == [str(tmp_path / f) for f in ("a.csv", "b.csv", "c.csv")]


def test_pieces_group_row_groups(cement, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from cpscore.batch.distributed import pieces

    rows = _rows(cement, 10)
    rows.to_parquet(tmp_path / "t.parquet", row_group_size=3)  # groups of 3, 3, 3, 1 rows
    got = pieces([str(tmp_path / "t.parquet")], piece_rows=6)
    assert [(p.number, p.row_groups, p.first_row) for p in got] == [(0, (0, 1), 1), (1, (2, 3), 7)]


def test_csv_ranges_cut_at_line_ends(tmp_path: Path) -> None:
    from cpscore.read.table import csv_ranges, open_csv_range

    lines = [b"\xef\xbb\xbfid,x\r\n"] + [f"P{k:03d},{k * 1.5}\r\n".encode() for k in range(1, 301)]
    src = tmp_path / "t.csv"
    src.write_bytes(b"".join(lines))
    got = csv_ranges(str(src), 500)
    assert len(got) > 5
    assert got[0].start == 0 and got[-1].end == src.stat().st_size
    assert all(a.end == b.start for a, b in itertools.pairwise(got))  # no gap, no overlap
    for part in got:
        with open_csv_range(str(src), part) as fh:
            data = fh.read()
        assert len(data) == part.end - part.start and data.endswith(b"\n")  # whole lines
        assert len(data) >= 450 or part is got[-1]
        if part.start:  # first_row: the data row number of the range's first line
            assert data.startswith(f"P{part.first_row:03d},".encode())
    # A quote anywhere: a field may hold a line break, so the file is not cut.
    src.write_bytes(b"".join(lines[:-1]) + b'P300,"1,5"\r\n')
    assert [(r.start, r.first_row) for r in csv_ranges(str(src), 500)] == [(0, 1)]


def test_identity_texts() -> None:
    from cpscore.read.table import identity_texts

    got = identity_texts(pd.Series([330100001.0, np.nan, 2.5, np.inf, -7.0]))
    assert list(got) == ["330100001", "", "2.5", "inf", "-7"]
    assert list(identity_texts(pd.Series(["P01", None, "2025-01"]))) == ["P01", "", "2025-01"]
    assert list(identity_texts(pd.Series([2025, 2026]))) == ["2025", "2026"]


def test_summary_arithmetic(cement) -> None:
    # 2025: 10 + 60 of 100 at II or better = 70% (meets ">70%", which the plan writes 70%以上);
    # 2026: 69 of 100 = 69% (does not); both: 139 / 200 = 69.5% (does not).
    counts = pd.DataFrame(
        [
            ("2025", "I", 10, 1, 0),
            ("2025", "II", 60, 0, 0),
            ("2025", "III", 20, 5, 0),
            ("2025", "lagging", 10, 2, 0),
            ("2025", "", 0, 0, 3),
            ("2026", "II", 69, 0, 0),
            ("2026", "III", 31, 0, 0),
        ],
        columns=["period", "class", "plants", "missing", "rejected"],
    ).set_index(["period", "class"])
    doc = table_summary.summary(cement, counts, "period", {})
    y25, y26 = doc["periods"]
    assert (y25["plants"], y25["advanced_or_better"], y25["advanced_share"]) == (100, 70, 0.7)
    assert y25["meets_target"] is True and y25["rejected"] == 3 and y25["with_missing_values"] == 8
    assert (y26["advanced_share"], y26["meets_target"]) == (0.69, False)
    assert [c["plants"] for c in y26["classes"]] == [0, 69, 31, 0]
    assert doc["all_periods"]["advanced_share"] == pytest.approx(0.695)
    assert doc["all_periods"]["meets_target"] is False
    assert doc["advanced"]["classes"] == ["I", "II"]
    lines = table_summary.lines(doc)
    assert lines[0].startswith("2025: 100 plants, 70 at advanced or better (70.0%), meets")


def test_tally_counts_one_partition(cement) -> None:
    results = pd.DataFrame(
        {
            "period": ["a", "a", "b"],
            "class": ["II", "II", "lagging"],
            "missing_count": [0, 2, 0],
        }
    )
    got = pd.concat(
        [
            table_summary.tally(results, "period"),
            table_summary.tally_rejected(np.array(["b", "b"], dtype=object)),
        ]
    )
    assert sorted(map(tuple, got.to_numpy().tolist())) == [
        ("a", "II", 2, 1, 0),
        ("b", "", 0, 0, 2),
        ("b", "lagging", 1, 0, 0),
    ]
    assert list(table_summary.tally(results.iloc[:0], None).columns) == [
        "period",
        "class",
        "plants",
        "missing",
        "rejected",
    ]
