"""`cpscore batch --engine dask --scheduler ADDRESS` against a real cluster: a scheduler and two
workers started here as separate processes (`dask scheduler`, `dask worker`, on loopback), and
stopped here. The CLI's output equals the pandas result row for row."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from tests.test_distributed import monthly_tables, pandas_results  # noqa: E402

DASK = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")


def _wait_for(path: Path, procs: list[subprocess.Popen], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        dead = [p for p in procs if p.poll() is not None]
        if dead or time.monotonic() > deadline:
            pytest.fail(f"the Dask scheduler did not start: {dead[0].args if dead else 'timeout'}")
        time.sleep(0.2)


@pytest.fixture
def scheduler(tmp_path: Path):
    """The address of a scheduler with two single-threaded workers, each its own process."""
    with _cluster(tmp_path, ("w1", "w2")) as address:
        yield address


@contextlib.contextmanager
def _cluster(tmp_path: Path, workers: tuple[str, ...]):
    """A `dask scheduler` and one `dask worker` process per name; stopped on leaving."""
    if DASK is None:
        pytest.skip("the `dask` command is not installed")
    info = tmp_path / "scheduler.json"
    common = ["--no-dashboard"]
    procs = [
        subprocess.Popen(
            [
                DASK,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--scheduler-file",
                str(info),
                *common,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        _wait_for(info, procs)
        for name in workers:
            (tmp_path / name).mkdir()
            procs.append(
                subprocess.Popen(
                    [
                        DASK,
                        "worker",
                        "--scheduler-file",
                        str(info),
                        "--host",
                        "127.0.0.1",
                        "--nthreads",
                        "1",
                        "--nworkers",
                        "1",
                        "--name",
                        name,
                        "--local-directory",
                        str(tmp_path / name / "dask"),
                        *common,
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    cwd=tmp_path / name,  # a worker of its own, in a folder of its own
                )
            )
        address = json.loads(info.read_text())["address"]
        if workers:
            with distributed.Client(address, timeout="60s") as client:
                client.wait_for_workers(len(workers), timeout=120)
                assert len(client.scheduler_info()["workers"]) == len(workers)
        yield address
    finally:
        for p in reversed(procs):  # workers first, then the scheduler: only what we started
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_cli_against_a_scheduler_and_two_worker_processes(cement, scheduler, tmp_path: Path):
    rows = monthly_tables(cement, tmp_path / "data", "plant_id", 4, 250)
    # Paths relative to where the command runs, as a user types them: the workers run in
    # folders of their own and must still find the inputs and the staging folder.
    files = sorted(f"data/{p.name}" for p in (tmp_path / "data").glob("*.parquet"))
    out = tmp_path / "results.parquet"
    cmd = [sys.executable, "-m", "cpscore", "batch", *files, "--sector", "cement"]
    cmd += ["--engine", "dask", "-o", "results.parquet", "--lang", "en", "--scheduler", scheduler]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    got = pd.read_parquet(out)
    pd.testing.assert_frame_equal(
        got, pandas_results(cement, rows, "plant_id", "period"), check_dtype=False
    )
    summary = json.loads((tmp_path / "results.summary.json").read_text(encoding="utf-8"))
    assert [p["plants"] for p in summary["periods"]] == [250, 250, 250, 250]
    # Both worker processes ran tasks: each imported the scoring code to unpickle one.
    with distributed.Client(scheduler) as client:
        # a lambda travels by value (this test module is not importable on the workers)
        ran = client.run(lambda: "cpscore.batch.distributed" in __import__("sys").modules)
        # dask's workers run with MALLOC_TRIM_THRESHOLD_=65536: the tasks raised the thresholds
        raised = client.run(
            lambda: __import__("cpscore.batch.allocator", fromlist=["_"]).keep_large_allocations()
        )
    assert list(ran.values()) == [True, True], ran
    assert list(raised.values()) == [True, True], raised

    # An unreachable scheduler is a usage error, not a traceback.
    bad = subprocess.run(
        [*cmd[:-1], "tcp://127.0.0.1:1"], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert bad.returncode == 2 and "cannot reach the Dask scheduler" in bad.stderr


def test_a_scheduler_without_workers_is_a_usage_error(cement, tmp_path: Path, monkeypatch):
    from cpscore.batch import distributed as dist
    from cpscore.common.errors import UsageError
    from cpscore.common.i18n import set_language

    monthly_tables(cement, tmp_path / "data", "id", 1, 20)
    monkeypatch.setattr(dist, "WAIT_FOR_WORKERS", 3)  # seconds; 60 in use
    set_language("en")
    try:
        with _cluster(tmp_path, ()) as address:
            t = time.monotonic()
            with pytest.raises(UsageError, match="has no workers \\(waited 3 s\\)"):
                dist.run_on_cluster(
                    [str(tmp_path / "data")], cement, str(tmp_path / "r.parquet"), address
                )
            assert time.monotonic() - t < 30
    finally:
        set_language(None)
    assert not (tmp_path / "r.parquet").exists()  # nothing written
