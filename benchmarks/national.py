"""Benchmark 6: a national year on a local Dask cluster against one process, in the same run.

12 monthly parquet files of 400,000 cement plants (4.8 M plant-periods; row groups of 100,000
rows) → results parquet + summary through the CLI as the README writes it
(`cpscore batch … --engine dask --jobs 2`: a local cluster of 2 single-threaded worker
processes), against the same rows scored in one process with ``score_frame`` (read, score,
write, file by file). Peak memory is the resident memory of the whole process tree (CLI,
scheduler, nannies, workers), sampled with psutil. The same run at 3 files (1.2 M rows) gives
the per-row time and the peak memory at a quarter of the size. Each run is made twice,
alternately, and its best time counts (the machine's speed drifts from minute to minute).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

SYSTEM = "cement"
PLANTS = 400_000
ROW_GROUP = 100_000
REPEAT = 2  # runs of each side, alternately; the best time counts

_BASELINE = """
import sys
from pathlib import Path
import pandas as pd
from cpscore.system.catalog import load
from cpscore.engine.evaluate import score_frame

system = load(sys.argv[1])
out = Path(sys.argv[2])
out.mkdir()
for k, path in enumerate(sys.argv[3:]):
    rows = pd.read_parquet(path)
    plants = rows.drop(columns=["plant_id", "period"])
    plants.index = pd.Index(rows["plant_id"].astype(str), name="plant_id")
    results = score_frame(system, plants).reset_index()
    results.insert(1, "period", rows["period"].astype(str).to_numpy())
    results.to_parquet(out / f"part.{k:05d}.parquet", index=False)
"""


def monthly_files(folder: Path, months: int, plants: int) -> list[str]:
    """One parquet file per month: the same plant ids, values drawn afresh each month."""
    from benchmarks.population import population
    from cpscore.system.catalog import load

    system = load(SYSTEM)
    folder.mkdir()
    files = []
    for m in range(1, months + 1):
        frame = population(system, plants, seed=100 + m).rename_axis("plant_id").reset_index()
        frame.insert(1, "period", f"2025-{m:02d}")
        path = folder / f"2025-{m:02d}.parquet"
        frame.to_parquet(path, index=False, row_group_size=ROW_GROUP)
        files.append(str(path))
    return files


def measured(cmd: list[str]) -> tuple[float, int]:
    """Wall time and peak resident memory (bytes) of a command and every process it starts."""
    import psutil

    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not done.is_set():
            rss = 0
            with contextlib.suppress(psutil.Error):
                for p in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):  # a process may end meanwhile
                        rss += p.memory_info().rss
            peak = max(peak, rss)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - t
    done.set()
    sampler.join()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd[:4]}… failed: {err.decode(errors='replace')[-2000:]}")
    return elapsed, peak


def bench_national(tmp: Path, row, months: int = 12, plants: int = PLANTS) -> None:
    files = monthly_files(tmp / "national", months, plants)
    quarter = files[: max(1, months // 4)]
    n_all, n_quarter = months * plants, len(quarter) * plants

    def cluster(which: list[str], name: str) -> tuple[float, int]:
        out = str(tmp / f"{name}.parquet")
        cli = [sys.executable, "-m", "cpscore", "batch", *which, "--sector", SYSTEM]
        return measured([*cli, "--engine", "dask", "-o", out, "--jobs", "2"])

    def baseline() -> tuple[float, int]:
        shutil.rmtree(tmp / "baseline", ignore_errors=True)
        return measured([sys.executable, "-c", _BASELINE, SYSTEM, str(tmp / "baseline"), *files])

    # This machine's speed drifts by 10-20% from minute to minute (the same command took 41.7
    # and 50.7 s within minutes): each side runs twice, alternately, and its best time counts;
    # memory counts at its highest.
    runs: dict[str, list[tuple[float, int]]] = {"base": [], "ours": [], "small": []}
    for _ in range(REPEAT):
        runs["base"].append(baseline())
        runs["ours"].append(cluster(files, "results"))
        runs["small"].append(cluster(quarter, "results-quarter"))
    (base_s, base_peak), (ours_s, ours_peak), (small_s, small_peak) = (
        (min(t for t, _ in r), max(m for _, m in r)) for r in runs.values()
    )
    gib = 1024**3
    row(
        f"6. national year, {n_all / 1e6:.1f} M plant-periods ({months} files) → parquet + summary",
        f"{ours_s:.1f} s on 2 workers",
        f"one process, score_frame: {base_s:.1f} s",
        ours_s / base_s,
        "≤ 0.7×",
    )
    row(
        "6. peak memory of the process tree",
        f"{ours_peak / 2**20:,.0f} MiB (one process: {base_peak / 2**20:,.0f} MiB)",
        "4,096 MiB",
        ours_peak / (4 * gib),
        "≤ 1.0×",
    )
    row(
        f"6. per-row time, {n_quarter / 1e6:.1f} M → {n_all / 1e6:.1f} M",
        f"{small_s / n_quarter * 1e6:.2f} → {ours_s / n_all * 1e6:.2f} µs/row",
        f"{small_s / n_quarter * 1e6:.2f} µs at {n_quarter / 1e6:.1f} M",
        (ours_s / n_all) / (small_s / n_quarter),
        "flat (≤ 1.0×)",
    )
    row(
        f"6. peak memory, {n_quarter / 1e6:.1f} M → {n_all / 1e6:.1f} M",
        f"{small_peak / 2**20:,.0f} → {ours_peak / 2**20:,.0f} MiB",
        f"{small_peak / 2**20:,.0f} MiB",
        ours_peak / small_peak,
        "within 25% (0.75–1.25×)",
    )
