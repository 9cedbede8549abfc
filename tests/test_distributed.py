"""National-scale runs on a Dask cluster give the pandas result row for row, keep each
plant-period's id and period, reject bad rows with their reason and count the summary on the
cluster. The CLI is run as the README writes it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pq = pytest.importorskip("pyarrow.parquet")

from benchmarks.population import population  # noqa: E402
from cpscore.batch import distributed as dist  # noqa: E402
from cpscore.batch.table_outputs import TableOutputs  # noqa: E402
from cpscore.common.errors import UsageError  # noqa: E402
from cpscore.engine.evaluate import score_frame  # noqa: E402
from cpscore.read.table import table_files, table_layout  # noqa: E402


@pytest.fixture(autouse=True)
def english():
    """Messages in English: what is asserted here are the msgids."""
    from cpscore.common.i18n import set_language

    set_language("en")
    yield
    set_language(None)


@pytest.fixture(scope="module")
def cluster():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as c,
        distributed.Client(c) as client,
    ):
        yield client


def monthly_tables(system, folder: Path, id_column: str, months: int, n: int) -> pd.DataFrame:
    """``months`` parquet files of the same ``n`` plants (values differ by month), row groups of
    97 rows; returns all rows as one frame in file order."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = []
    for m in range(1, months + 1):
        f = population(system, n, seed=m).rename_axis(id_column).reset_index()
        f.insert(1, "period", f"2025-{m:02d}")
        f.to_parquet(folder / f"2025-{m:02d}.parquet", index=False, row_group_size=97)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def pandas_results(system, rows: pd.DataFrame, id_column: str, period: str | None) -> pd.DataFrame:
    """The reference: score_frame in one process, id and period put back as the first columns."""
    plants = rows.drop(columns=[c for c in (id_column, period) if c])
    plants.index = pd.Index(rows[id_column].astype(str), name=id_column)
    want = score_frame(system, plants).reset_index()
    if period:
        want.insert(1, period, rows[period].astype(str).to_numpy())
    return want


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in English (the messages asserted here are the msgids)."""
    cmd = [sys.executable, "-m", "cpscore", "batch", *args, "--lang", "en"]
    return subprocess.run(cmd, capture_output=True, text=True)


def test_readme_recipe_parquet_in_parquet_out(cement, tmp_path: Path) -> None:
    # The README's command, with the README's `plant_id`: both failed before (a pyarrow
    # TypeError on `scheduler`, a KeyError on 'id').
    rows = monthly_tables(cement, tmp_path / "data", "plant_id", 3, 400)
    out = tmp_path / "results.parquet"
    files = sorted(str(p) for p in (tmp_path / "data").glob("2025-*.parquet"))
    proc = cli(*files, "--sector", "cement", "--engine", "dask", "-o", str(out), "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    parts = sorted(p.name for p in out.iterdir())
    # 400 rows in row groups of 97 = 5 groups per file, all in one task per file: 3 part files.
    assert parts == ["part.00000.parquet", "part.00001.parquet", "part.00002.parquet"]
    got = pd.read_parquet(out)
    want = pandas_results(cement, rows, "plant_id", "period")
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert list(got.columns[:2]) == ["plant_id", "period"]
    assert set(got["status"]) == {"illustrative"}  # every row says the numbers are not official

    summary = json.loads((tmp_path / "results.summary.json").read_text(encoding="utf-8"))
    assert summary["id_column"] == "plant_id" and summary["period_column"] == "period"
    assert [p["period"] for p in summary["periods"]] == ["2025-01", "2025-02", "2025-03"]
    for p in summary["periods"]:
        month = want[want["period"] == p["period"]]
        counts = month["class"].value_counts()
        assert p["plants"] == 400 and p["rejected"] == 0
        assert {c["class"]: c["plants"] for c in p["classes"]} == {
            c.id: int(counts.get(c.id, 0)) for c in cement.classes
        }
        advanced = int(month["class"].isin(["I", "II"]).sum())  # cement: II is 先进
        assert p["advanced_or_better"] == advanced
        assert p["advanced_share"] == pytest.approx(advanced / 400)
        assert p["meets_target"] is (advanced / 400 >= 0.7)
        assert p["with_missing_values"] == int((month["missing_count"] > 0).sum())
    assert summary["all_periods"]["plants"] == 1200
    assert summary["target"]["advanced_share"] == 0.7
    assert summary["system"]["status"] == "illustrative" and summary["system"]["notice"]
    rejected = pd.read_parquet(tmp_path / "results.rejected.parquet")
    assert len(rejected) == 0 and "reason" in rejected.columns
    assert "scored 1,200 plant-periods" in proc.stderr
    assert "2025-02: 400 plants" in proc.stderr


def test_csv_in_csv_out_with_chinese_columns(cement, tmp_path: Path) -> None:
    rows = population(cement, 300, seed=7).rename_axis("企业编号").reset_index()
    rows.insert(1, "评价期", np.where(np.arange(300) < 150, "2024", "2025"))
    src = tmp_path / "plants.csv"
    rows.to_csv(src, index=False, encoding="utf-8-sig")
    out = tmp_path / "out" / "results.csv"
    proc = cli(str(src), "--sector", "cement", "--engine", "dask", "-o", str(out), "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese header
    got = pd.read_csv(out, encoding="utf-8-sig", dtype={"企业编号": str, "评价期": str})
    reread = pd.read_csv(
        src, dtype=str, encoding="utf-8-sig", keep_default_na=False, na_values=[""]
    )
    want = pandas_results(cement, reread, "企业编号", "评价期")
    for c in want.columns:  # CSV gives '' back as NaN
        if want[c].dtype == object or str(want[c].dtype) == "str":
            want[c] = want[c].replace("", np.nan)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    summary = json.loads((tmp_path / "out" / "results.summary.json").read_text(encoding="utf-8"))
    assert [(p["period"], p["plants"]) for p in summary["periods"]] == [
        ("2024", 150),
        ("2025", 150),
    ]


def _bad_table(cement) -> pd.DataFrame:
    rows = population(cement, 40, seed=3).rename_axis("id").reset_index().astype(object)
    rows.insert(1, "period", "2025")
    rows["plant_type"] = "clinker_line"
    rows.loc[3, "clinker_coal"] = "about 105 kg"  # text in a number column
    rows.loc[5, "plant_type"] = "kiln"  # not one of the enum's values
    rows.loc[7, "kiln_process"] = "maybe"  # not a level
    rows.loc[7, "clinker_power"] = "n/a"  # fine: does not apply
    rows.loc[9, "id"] = None  # no id
    rows.loc[11, "plant_type"] = None  # a required fact without a value
    rows.loc[12, "kiln_capacity_tpd"] = 99999  # outside 0–15000 t/d
    rows.loc[13, "legal_compliance"] = "是"  # fine: yes
    return rows


def _bad_csv(cement, tmp_path: Path):
    """The bad table as bad.csv: its path, the input files and their layout."""
    src = tmp_path / "bad.csv"
    _bad_table(cement).to_csv(src, index=False, encoding="utf-8-sig")
    files = table_files([str(src)])
    return src, files, table_layout(cement, files)


def test_bad_rows_are_rejected_with_their_reason(cluster, cement, tmp_path: Path) -> None:
    src, files, layout = _bad_csv(cement, tmp_path)
    outputs = TableOutputs.plan(str(tmp_path / "r.parquet"), files)
    # Chunks of 4 rows: row numbers stay right across chunks.
    done = dist.run(files, cement, layout, outputs, chunk_rows=4)
    rejected = pd.read_parquet(tmp_path / "r.rejected.parquet")
    assert list(rejected["row"]) == [4, 6, 8, 10, 12, 13]  # 1-based data rows of the file
    assert list(rejected["kind"]) == [
        "not_a_number",
        "bad_fact",
        "bad_answer",
        "missing_id",
        "missing_fact",
        "implausible",
    ]
    assert set(rejected["file"]) == {str(src)}
    assert rejected["reason"].iloc[0] == (
        "clinker_coal: 'about 105 kg'; expected a number in kgce/t, or n/a [not_a_number]"
    )
    assert (
        "plant_type: 'kiln'; expected one of clinker_line, grinding_station"
        in rejected["reason"].iloc[1]
    )
    assert rejected["id"].iloc[3] == ""
    assert done.rejected == 6 and done.scored == 34
    assert done.summary["all_periods"]["rejected"] == 6
    got = pd.read_parquet(tmp_path / "r.parquet")
    good = pd.read_csv(
        src, dtype=str, encoding="utf-8-sig", keep_default_na=False, na_values=[""]
    ).drop(index=[3, 5, 7, 9, 11, 12])
    pd.testing.assert_frame_equal(
        got, pandas_results(cement, good.reset_index(drop=True), "id", "period"), check_dtype=False
    )
    # The cells that were fine stayed in: n/a for clinker_power, 是 for legal compliance.
    assert got.loc[got["id"] == "P0000013", "level.legal_compliance"].item() != ""


def test_a_large_csv_is_shared_by_the_workers(cluster, cement, tmp_path: Path) -> None:
    # One CSV cut into ranges of ~1.5 KB (several tasks): the same results in the same order
    # and the same row numbers of the rejected rows as when it is read whole.
    _src, files, layout = _bad_csv(cement, tmp_path)
    runs = {}
    for name, piece_bytes in (("whole", 1 << 30), ("cut", 1500)):
        outputs = TableOutputs.plan(str(tmp_path / f"{name}.parquet"), files)
        runs[name] = dist.run(files, cement, layout, outputs, piece_bytes=piece_bytes)
    assert runs["whole"].pieces == 1 and runs["cut"].pieces >= 4
    whole, cut = (pd.read_parquet(tmp_path / f"{n}.parquet") for n in ("whole", "cut"))
    pd.testing.assert_frame_equal(cut, whole)
    assert len(cut) == 34
    rejected = pd.read_parquet(tmp_path / "cut.rejected.parquet")
    assert list(rejected["row"]) == [4, 6, 8, 10, 12, 13]
    paths = ("results", "rejected_rows")
    same = [{k: v for k, v in r.summary.items() if k not in paths} for r in runs.values()]
    assert same[0] == same[1]


def test_csv_as_other_writers_save_it(cluster, cement, tmp_path: Path) -> None:
    # Excel on Chinese Windows saves CSV in GBK; hand-made headers put spaces after the commas.
    # Both give the results of the UTF-8 file, also cut into several tasks (a GBK character
    # never holds the byte of a line end or a quote).
    rows = population(cement, 60, seed=9).rename_axis("企业编号").reset_index()
    rows.insert(1, "评价期", "2025")
    rows.insert(2, "企业名称", [f"第{k}水泥厂" for k in range(60)])  # Chinese in every row
    plain = tmp_path / "plain.csv"
    rows.to_csv(plain, index=False, encoding="utf-8-sig")
    gbk = tmp_path / "gbk.csv"
    rows.to_csv(gbk, index=False, encoding="gbk")
    spaced = tmp_path / "spaced.csv"
    header, *lines = plain.read_text(encoding="utf-8-sig").splitlines()
    spaced.write_text("\n".join([", ".join(header.split(",")), *lines]) + "\n", encoding="utf-8")
    stray = tmp_path / "stray.csv"  # two empty columns at the end, as Excel may leave them
    stray.write_text("\n".join([header + ",,", *(x + ",," for x in lines)]) + "\n", "utf-8")
    got = {}
    for src in (plain, gbk, spaced, stray):
        files = table_files([str(src)])
        outputs = TableOutputs.plan(str(tmp_path / f"{src.stem}.parquet"), files)
        done = dist.run(files, cement, table_layout(cement, files), outputs, piece_bytes=2000)
        assert done.pieces >= 3 and done.rejected == 0 and done.scored == 60
        got[src.stem] = pd.read_parquet(tmp_path / f"{src.stem}.parquet")
    pd.testing.assert_frame_equal(got["gbk"], got["plain"])
    pd.testing.assert_frame_equal(got["spaced"], got["plain"])
    pd.testing.assert_frame_equal(got["stray"], got["plain"])
    assert list(got["plain"]["企业编号"][:2]) == ["P0000000", "P0000001"]


def test_ids_and_periods_stored_as_numbers_read_as_typed(cluster, cement, tmp_path: Path):
    # A parquet integer column with a gap arrives as floats: 330100001.0 is plant 330100001.
    rows = population(cement, 6, seed=2).reset_index(drop=True)
    rows.insert(0, "plant_id", [330100001.0 + k for k in range(6)])
    rows.loc[3, "plant_id"] = np.nan
    rows.insert(1, "period", 2025.0)
    src = tmp_path / "numbers.parquet"
    rows.to_parquet(src, index=False)
    files = table_files([str(src)])
    outputs = TableOutputs.plan(str(tmp_path / "r.parquet"), files)
    dist.run(files, cement, table_layout(cement, files), outputs)
    got = pd.read_parquet(tmp_path / "r.parquet")
    assert list(got["plant_id"]) == [
        "330100001",
        "330100002",
        "330100003",
        "330100005",
        "330100006",
    ]
    assert set(got["period"]) == {"2025"}
    rejected = pd.read_parquet(tmp_path / "r.rejected.parquet")
    assert list(rejected[["plant_id", "period", "row", "kind"]].itertuples(index=False)) == [
        ("", "2025", 4, "missing_id")
    ]


def test_csv_that_cannot_be_read_as_written_is_a_usage_error(cement, tmp_path: Path) -> None:
    rows = population(cement, 5, seed=9).rename_axis("id").reset_index()
    utf16 = tmp_path / "unicode-text.csv"  # Excel's "Unicode text" is UTF-16
    rows.to_csv(utf16, index=False, encoding="utf-16")
    with pytest.raises(UsageError, match="neither UTF-8 nor GBK/GB18030"):
        table_layout(cement, table_files([str(utf16)]))
    twice = tmp_path / "twice.csv"
    rows.insert(1, "dup", 1.0)
    rows.to_csv(twice, index=False)
    twice.write_text(twice.read_text().replace("dup,", "clinker_coal,", 1))
    with pytest.raises(UsageError, match="the column 'clinker_coal' appears twice"):
        table_layout(cement, table_files([str(twice)]))


def dask_cli(*inputs: str | Path, out: Path, extra: tuple[str, ...] = ()):
    """`cpscore batch INPUTS --sector cement --engine dask -o OUT …`"""
    return cli(*map(str, inputs), "--sector", "cement", "--engine", "dask", "-o", str(out), *extra)


def test_cli_exit_status_and_usage_errors(cement, tmp_path: Path) -> None:
    rows = _bad_table(cement)
    src = tmp_path / "bad.parquet"
    rows.astype(str).replace({"None": None, "nan": None}).to_parquet(src, index=False)
    proc = dask_cli(src, out=tmp_path / "res.csv", extra=("--jobs", "1"))
    assert proc.returncode == 1, proc.stderr  # some rows rejected, the job done
    assert "6 rejected" in proc.stderr
    assert len(pd.read_csv(tmp_path / "res.rejected.csv")) == 6

    # A missing column stops before any cluster starts, naming the file and the columns.
    rows.drop(columns=["water_per_tonne"]).astype(str).to_parquet(tmp_path / "m.parquet")
    x, r = tmp_path / "x.csv", tmp_path / "r.csv"
    proc = dask_cli(tmp_path / "m.parquet", out=x)
    assert proc.returncode == 2
    assert "m.parquet: no column for water_per_tonne of cement-2014-illustrative" in proc.stderr
    proc = dask_cli(src, out=x, extra=("--period-column", "month"))
    assert proc.returncode == 2 and "no period column 'month'" in proc.stderr
    proc = dask_cli(src, out=src)
    assert proc.returncode == 2 and "would be written over the input" in proc.stderr
    proc = dask_cli(src, out=r, extra=("--html", "x.html"))
    assert proc.returncode == 2 and "--engine dask writes one results table" in proc.stderr
    assert not x.exists() and not r.exists()


def test_period_column_named(cluster, cement, tmp_path: Path) -> None:
    rows = population(cement, 50, seed=9).rename_axis("id").reset_index()
    rows["month"] = "2025-07"
    rows.to_parquet(tmp_path / "t.parquet")
    files = [str(tmp_path / "t.parquet")]
    layout = table_layout(cement, files, "month")
    assert (layout.id_column, layout.period_column) == ("id", "month")
    dist.run(files, cement, layout, TableOutputs.plan(str(tmp_path / "o.parquet"), files))
    got = pd.read_parquet(tmp_path / "o.parquet")
    assert list(got.columns[:2]) == ["id", "month"] and set(got["month"]) == {"2025-07"}
    # Without a period column the rows are scored all the same; the summary has no periods.
    layout = table_layout(cement, files)
    assert layout.period_column is None
    done = dist.run(files, cement, layout, TableOutputs.plan(str(tmp_path / "o.csv"), files))
    assert done.summary["periods"] == [] and done.summary["all_periods"]["plants"] == 50


def test_outputs_replace_a_previous_run_but_not_other_folders(cement, tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    population(cement, 5, seed=1).rename_axis("id").reset_index().to_csv(src, index=False)
    (tmp_path / "mine.parquet").mkdir()
    (tmp_path / "mine.parquet" / "notes.txt").write_text("keep me")
    with pytest.raises(UsageError, match="not a cpscore output"):
        TableOutputs.plan(str(tmp_path / "mine.parquet"), [str(src)])
    with pytest.raises(UsageError, match="written over the input"):
        # last year's results as this year's input: the folder would be replaced
        TableOutputs.plan(
            str(tmp_path / "r.parquet"), [str(tmp_path / "r.parquet" / "part.00000.parquet")]
        )
    with pytest.raises(UsageError, match=r"\.parquet folder or a \.csv file"):
        TableOutputs.plan(str(tmp_path / "r.xlsx"), [str(src)])
    prev = tmp_path / "r.parquet"
    prev.mkdir()
    (prev / "part.00007.parquet").write_bytes(b"old")
    plan = TableOutputs.plan(str(prev), [str(src)])
    with plan.staged() as stage:
        Path(stage.results.folder, "part.00000.parquet").write_bytes(b"new")
        stage.publish((["id"], ["id"]), "{}")
    assert sorted(p.name for p in prev.iterdir()) == ["part.00000.parquet"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_score_dask_on_a_dask_frame(cluster, cement) -> None:
    import dask.dataframe as dd

    plants = population(cement, 120, seed=2).rename_axis("id")
    frame = dd.from_pandas(plants, npartitions=4)
    got = dist.score_dask(frame, cement).compute()
    pd.testing.assert_frame_equal(
        got, score_frame(cement, plants), check_dtype=False, check_index_type=False
    )
