"""Run every benchmark and print each figure beside a baseline measured in the same run.

    python -m benchmarks            # full run (several minutes)
    python -m benchmarks --quick    # smaller sizes, for a smoke test

Figures are ratios against a baseline from this very run, so they do not depend on the machine:
1. scoring core: plant-indicator evaluations/s vs zen-engine (same table) and vs a per-plant
   loop of cpscore's own public API (target ≥ 20× zen-engine);
2. a folder of plant workbooks → list workbook vs a bare calamine read of the same files on the
   same cores (target ≤ 1.5×);
3. one wide workbook end to end vs a calamine read of it (target ≤ 1.5×), and peak memory
   (target ≤ 1 GiB);
4. `cpscore evaluate` on one plant vs the import floor (target ≤ 1.5×); `--help` and `systems`
   must not import pandas;
5. growth: time per plant at 10^3, 10^4, 10^5 plants stays flat;
6. the web service: 50 concurrent uploads on loopback, latency distribution vs one upload alone
   (benchmarks/web_load.py).
Timings are never asserted in unit tests; this is where they live.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYSTEM = "hazardous-waste-incineration"
ROWS: list[tuple[str, str, str, str, str]] = []


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    best = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def row(name: str, figure: str, baseline: str, ratio: float | None, target: str) -> None:
    r = "" if ratio is None else f"{ratio:.2f}×"
    ROWS.append((name, figure, baseline, r, target))
    print(f"  {name}: {figure} | baseline {baseline} | {r} | target {target}", flush=True)


def bench_core(sizes: list[int]) -> None:
    import zen

    from benchmarks.population import population
    from benchmarks.zen_model import decision_model
    from cpscore.engine.evaluate import evaluate_frame, evaluate_plant
    from cpscore.system.catalog import load

    system = load(SYSTEM)
    k = len(system.indicators)
    decision = zen.ZenEngine().create_decision(decision_model(system))
    sample = population(system, 2000, seed=1)
    records = [
        {c: (None if isinstance(v, float) and math.isnan(v) else v) for c, v in r.items()}
        for r in sample.to_dict("records")
    ]
    zen_s = timed(lambda: [decision.evaluate(r) for r in records])
    zen_rate = len(records) * k / zen_s
    loop = records[:300]
    ind_ids = {i.id for i in system.indicators}
    loop_s = timed(
        lambda: [evaluate_plant(system, {c: v for c, v in r.items() if c in ind_ids}) for r in loop]
    )
    loop_rate = len(loop) * k / loop_s
    for n in sizes:
        frame = population(system, n, seed=2)
        s = timed(lambda frame=frame: evaluate_frame(system, frame), repeat=1 if n >= 10**5 else 3)
        rate = n * k / s
        row(
            f"1. scoring core, {n:,} plants",
            f"{rate:,.0f} evals/s",
            f"zen-engine {zen_rate:,.0f}/s",
            rate / zen_rate,
            "≥ 20×",
        )
        row(
            f"1. scoring core, {n:,} plants",
            f"{rate:,.0f} evals/s",
            f"per-plant API loop {loop_rate:,.0f}/s",
            rate / loop_rate,
            "—",
        )


_FLOOR = """
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from python_calamine import CalamineWorkbook

def read(path):
    wb = CalamineWorkbook.from_path(path)
    return sum(len(wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names)

if __name__ == "__main__":
    paths = sorted(str(p) for p in Path(sys.argv[1]).rglob("*.xlsx"))
    with ProcessPoolExecutor(int(sys.argv[2])) as pool:
        print(sum(pool.map(read, paths, chunksize=16)))
"""


def _calamine_read(folder: Path, jobs: int) -> None:
    """The floor: a fresh interpreter reading every file with python-calamine on ``jobs`` cores."""
    subprocess.run(
        [sys.executable, "-c", _FLOOR, str(folder), str(jobs)], check=True, capture_output=True
    )


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "cpscore", *args]


def bench_folder(n: int, tmp: Path) -> None:
    from benchmarks.population import population
    from cpscore.system.catalog import load
    from cpscore.views.template import write_plant_workbook

    system = load(SYSTEM)
    folder = tmp / "plants"
    frame = population(system, n, seed=3)
    ind_ids = [i.id for i in system.indicators]
    for pid, r in frame.iterrows():
        values = {c: r[c] for c in ind_ids if not (isinstance(r[c], float) and math.isnan(r[c]))}
        write_plant_workbook(system, folder / f"{pid}.xlsx", "zh", {"id": pid}, {}, values)
    jobs = os.cpu_count() or 1
    floor = timed(lambda: _calamine_read(folder, jobs), repeat=3)
    out = tmp / "list.xlsx"
    ours = timed(
        lambda: subprocess.run(
            _cli("batch", str(folder), "--sector", SYSTEM, "-o", str(out)),
            check=True,
            capture_output=True,
        )
    )
    row(
        f"2. folder of {n:,} workbooks → list",
        f"{ours:.2f} s",
        f"calamine read {floor:.2f} s",
        ours / floor,
        "≤ 1.5×",
    )


def bench_wide(n: int, tmp: Path) -> None:
    from benchmarks.population import population
    from cpscore.system.catalog import load
    from cpscore.views.wide_template import write_wide_workbook

    system = load(SYSTEM)
    path = tmp / "wide" / "wide.xlsx"
    path.parent.mkdir()
    frame = population(system, n, seed=4)
    plants = [
        {
            "id": pid,
            **{
                k: v
                for k, v in row.items()
                if not (isinstance(v, float) and math.isnan(v)) and v is not None
            },
        }
        for pid, row in zip(frame.index, frame.to_dict("records"), strict=True)
    ]
    write_wide_workbook(system, path, "zh", plants)
    floor = timed(lambda: _calamine_read(path.parent, 1), repeat=3)
    out = tmp / "wide-list.xlsx"
    code = (
        "import resource, subprocess, sys; "
        f"subprocess.run({_cli('batch', str(path), '--sector', SYSTEM, '-o', str(out))!r}, check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    t = time.perf_counter()
    peak_kib = int(
        subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout
    )
    ours = time.perf_counter() - t
    row(
        f"3. wide workbook, {n:,} plants",
        f"{ours:.2f} s",
        f"calamine read {floor:.2f} s",
        ours / floor,
        "≤ 1.5×",
    )
    row(
        f"3. wide workbook, {n:,} plants",
        f"peak {peak_kib / 1024:.0f} MiB",
        "1024 MiB",
        peak_kib / 1024 / 1024,
        "≤ 1.0×",
    )


def bench_startup() -> None:
    example = ROOT / "examples" / "hazardous-waste-incineration" / "plant-advanced.xlsx"
    floor_cmd = [sys.executable, "-c", "import pandas, openpyxl, jsonschema, durable.lang"]
    ours_cmd = _cli("evaluate", str(example), "--sector", SYSTEM, "--format", "json")
    floor = timed(lambda: subprocess.run(floor_cmd, check=True, capture_output=True), repeat=5)
    ours = timed(lambda: subprocess.run(ours_cmd, check=True, capture_output=True), repeat=5)
    row(
        "4. evaluate one plant",
        f"{ours:.2f} s",
        f"import floor {floor:.2f} s",
        ours / floor,
        "≤ 1.5×",
    )
    for args in (["--help"], ["systems"]):
        probe = (
            f"import sys, runpy; sys.argv = ['cpscore', *{args!r}]\n"
            "try:\n    runpy.run_module('cpscore', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print('PANDAS' if 'pandas' in sys.modules else 'NOPANDAS', file=sys.stderr)"
        )
        err = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stderr
        t = timed(
            lambda args=args: subprocess.run(_cli(*args), check=True, capture_output=True), repeat=3
        )
        row(
            f"4. cpscore {' '.join(args)}",
            f"{t:.2f} s",
            "imports pandas?",
            None,
            "no" if "NOPANDAS" in err else "YES (fix)",
        )


def bench_growth(sizes: list[int]) -> None:
    from benchmarks.population import population
    from cpscore.engine.evaluate import evaluate_frame
    from cpscore.system.catalog import load

    system = load(SYSTEM)
    per_plant = []
    for n in sizes:
        frame = population(system, n, seed=5)
        s = timed(lambda frame=frame: evaluate_frame(system, frame), repeat=3 if n < 10**5 else 1)
        per_plant.append(s / n)
        row(
            f"5. growth, {n:,} plants",
            f"{s / n * 1e6:.1f} µs/plant",
            f"{per_plant[0] * 1e6:.1f} µs at {sizes[0]:,}",
            per_plant[-1] / per_plant[0],
            "flat (≤ 1.0× beyond fixed costs)",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (smoke test)")
    parser.add_argument(
        "--only", type=int, action="append", help="run only benchmark N (repeatable)"
    )
    parser.add_argument("--json", type=Path, help="also write the table as JSON")
    args = parser.parse_args()
    only = set(args.only or [1, 2, 3, 4, 5, 6])
    q = args.quick
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if 1 in only:
            bench_core([10**3, 10**4] if q else [10**3, 10**4, 10**5, 10**6])
        if 2 in only:
            bench_folder(100 if q else 1000, tmp)
        if 3 in only:
            bench_wide(10**4 if q else 10**5, tmp)
        if 4 in only:
            bench_startup()
        if 5 in only:
            bench_growth([10**3, 10**4] if q else [10**3, 10**4, 10**5])
        if 6 in only:
            from benchmarks.web_load import bench_web

            bench_web(10 if q else 50, row=row)
    print()
    width = [max(len(r[i]) for r in ROWS) for i in range(5)] if ROWS else [0] * 5
    header = ("benchmark", "figure", "baseline", "ratio", "target")
    width = [max(w, len(h)) for w, h in zip(width, header, strict=True)]
    for r in (header, *ROWS):
        print("  ".join(c.ljust(w) for c, w in zip(r, width, strict=True)))
    if args.json:
        args.json.write_text(
            json.dumps(
                [dict(zip(header, r, strict=True)) for r in ROWS], ensure_ascii=False, indent=2
            )
        )


if __name__ == "__main__":
    main()
