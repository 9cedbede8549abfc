"""Generated plant workbooks for batch tests: plausible plants around the benchmarks, plus broken ones.

    PYTHONPATH=. python tests/batch_data.py OUT_DIR 200     # 200 plants + the broken files

The plants are fictional and scored against the illustrative cement system; values are drawn
around each indicator's level I-III benchmarks so every class occurs.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

from cpscore.system.model import System
from cpscore.views.template import write_plant_workbook

# The broken files and the rejection each must produce: file name -> kind.
BROKEN = {
    "broken-not-a-zip.xlsx": "not_a_workbook",
    "broken-renamed-csv.xlsx": "csv",
    "broken-text-in-number.xlsx": "not_a_number",
    "broken-unknown-indicator.xlsx": "unknown_indicator",
    "broken-no-indicator-sheet.xlsx": "missing_sheet",
}
TEXT_INDICATOR = "clinker_coal"  # gets "abc" in the text-in-number file
UNKNOWN_ID = "clinker_cole"  # replaces TEXT_INDICATOR's id in the unknown-indicator file


def _bench(ind: Any, level: str) -> float | None:
    b = (ind.benchmarks or {}).get(level)
    return None if b is None or b.value is None or b.value.const is None else b.value.const


def plant_values(system: System, rng: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    """(facts, values) of one plausible plant."""
    clinker = rng.random() < 0.8
    facts: dict[str, Any] = {
        "plant_type": "clinker_line" if clinker else "grinding_station",
        "kiln_capacity_tpd": rng.choice([2500, 3200, 4000, 5000, 6000]) if clinker else None,
        "clinker_output_t": rng.randrange(600_000, 2_000_000, 1000) if clinker else None,
        "cement_output_t": rng.randrange(500_000, 2_500_000, 1000),
        "serious_pollution_accident": "是" if rng.random() < 0.01 else "否",
    }
    if clinker and rng.random() < 0.1:
        facts["clinker_output_t"] = None  # some plants do not state their output
    levels = [lv.id for lv in system.levels]
    # A plant has a typical level (index into levels, len(levels) = below all); most of its
    # indicators sit at that level, the rest anywhere.
    typical = rng.choices(range(len(levels) + 1), [2, 4, 2, 1])[0]
    values: dict[str, Any] = {}
    for ind in system.indicators:
        if ind.applies_when == {"plant_type": "clinker_line"} and not clinker:
            continue
        at = typical if rng.random() < 0.85 else rng.randrange(len(levels) + 1)
        if not ind.quantitative:
            if ind.answer == "yes_no":
                values[ind.id] = "是" if rng.random() < 0.97 else "否"
            elif at < len(levels):
                values[ind.id] = levels[at] + ("级" if rng.random() < 0.5 else "")
            else:
                values[ind.id] = "未达到"
            continue
        bounds = [_bench(ind, lv) for lv in levels]
        if any(b is None for b in bounds):
            continue
        values[ind.id] = round(_draw(ind, bounds, at, rng), 3)  # type: ignore[arg-type]
    return facts, values


def _draw(ind: Any, bounds: list[float], at: int, rng: random.Random) -> float:
    """A value meeting level ``at`` but not the level above it (below all for at = len)."""
    sign = 1.0 if ind.direction == "lower" else -1.0
    edges = [bounds[0] - sign * 0.1 * abs(bounds[-1] - bounds[0]), *bounds]
    edges.append(bounds[-1] + sign * 0.15 * abs(bounds[-1] - bounds[0]))
    lo, hi = sorted((edges[at], edges[at + 1]))
    x = rng.uniform(lo, hi)
    if ind.plausible:
        p_lo, p_hi = ind.plausible
        x = min(max(x, p_lo if p_lo is not None else x), p_hi if p_hi is not None else x)
    return max(x, 0.0)


def write_plants(system: System, folder: Path, n: int, seed: int = 7) -> list[str]:
    """n good plant workbooks named plant-0001.xlsx …; returns their plant ids."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = []
    for k in range(1, n + 1):
        facts, values = plant_values(system, rng)
        pid = f"P{k:04d}"
        meta = {"id": pid, "name": f"测试水泥厂{k}号", "period": "2025"}
        write_plant_workbook(system, folder / f"plant-{k:04d}.xlsx", "zh", meta, facts, values)
        ids.append(pid)
    return ids


def write_broken(system: System, folder: Path, seed: int = 11) -> dict[str, str]:
    """The broken files of BROKEN; returns file name -> expected rejection kind."""
    from openpyxl import load_workbook

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken-not-a-zip.xlsx").write_bytes(b"this is not a workbook\n")
    (folder / "broken-renamed-csv.xlsx").write_text(
        "id,value\nclinker_coal,100\n", encoding="utf-8"
    )
    facts, values = plant_values(system, rng)
    facts["plant_type"] = "clinker_line"
    write_plant_workbook(
        system,
        folder / "broken-text-in-number.xlsx",
        "zh",
        {"id": "BAD-TEXT"},
        facts,
        {**values, TEXT_INDICATOR: "abc"},
    )
    path = folder / "broken-unknown-indicator.xlsx"
    write_plant_workbook(system, path, "zh", {"id": "BAD-ID"}, facts, values)
    wb = load_workbook(path)
    ws = wb["指标数据"]
    ws.cell(indicator_row(system, TEXT_INDICATOR), 1, UNKNOWN_ID)
    wb.save(path)
    path = folder / "broken-no-indicator-sheet.xlsx"
    write_plant_workbook(system, path, "zh", {"id": "BAD-SHEET"}, facts, values)
    wb = load_workbook(path)
    del wb["指标数据"]
    wb.save(path)
    return dict(BROKEN)


def indicator_row(system: System, indicator_id: str) -> int:
    """One-based row of an indicator in the template's indicator sheet (header in row 1)."""
    return 2 + [ind.id for ind in system.indicators].index(indicator_id)


def main(argv: list[str]) -> None:
    from cpscore.system.catalog import load

    out, n = Path(argv[1]), int(argv[2]) if len(argv) > 2 else 200
    system = load("cement")
    write_plants(system, out, n)
    write_broken(system, out)
    print(f"wrote {n} plant workbooks and {len(BROKEN)} broken files to {out}")


if __name__ == "__main__":
    main(sys.argv)
