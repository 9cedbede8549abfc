"""The scoring function runs unchanged over partitions of a Dask DataFrame on a local cluster,
and gives the pandas result row for row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from benchmarks.population import population  # noqa: E402
from cpscore import distributed as dist  # noqa: E402
from cpscore.evaluate import score_frame  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as c,
        distributed.Client(c) as client,
    ):
        yield client


def _plants(system, n: int) -> pd.DataFrame:
    frame = population(system, n, seed=11)
    frame.index.name = "id"
    return frame


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_dask_equals_pandas_row_for_row(cluster, cement, tmp_path: Path, kind: str) -> None:
    plants = _plants(cement, 600)
    src = tmp_path / f"plants.{kind}"
    if kind == "parquet":
        plants.reset_index().to_parquet(src)
    else:
        plants.reset_index().to_csv(src, index=False, encoding="utf-8-sig")
    frame = dist.read_table([str(src)]).repartition(npartitions=5)
    got = dist.score_dask(frame, cement).compute().sort_index()
    want = score_frame(
        cement,
        pd.read_csv(
            src, dtype=str, encoding="utf-8-sig", keep_default_na=False, na_values=[""]
        ).set_index("id")
        if kind == "csv"
        else plants,
    ).sort_index()
    assert len(got) == len(plants)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_index_type=False)
    assert set(got["class"]) >= {"lagging"}


def test_run_writes_output(cluster, cement, tmp_path: Path) -> None:
    plants = _plants(cement, 200)
    src = tmp_path / "plants.parquet"
    plants.reset_index().to_parquet(src)
    out = tmp_path / "results.csv"
    assert dist.run([str(src)], cement, str(out)) == 200
    written = pd.read_csv(out, encoding="utf-8-sig", index_col=0)
    assert list(written["class"]) == list(score_frame(cement, plants)["class"])
