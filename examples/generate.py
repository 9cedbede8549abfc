"""Regenerate the example plant workbooks from the values below: python examples/generate.py

Each example states the class it must reach; tests/test_examples.py checks it through the CLI.
The plants are fictional; the cement numbers are scored against an illustrative system.
"""

from __future__ import annotations

import json
from pathlib import Path

from cpscore.system.catalog import load
from cpscore.views.template import write_plant_workbook

HERE = Path(__file__).resolve().parent

CEMENT_FACTS = {
    "plant_type": "clinker_line",
    "kiln_capacity_tpd": 5000,
    "clinker_output_t": 1_550_000,
    "cement_output_t": 2_000_000,
    "serious_pollution_accident": "否",
}
CEMENT_TOP = {
    "kiln_process": "Ⅰ级",
    "grinding_process": "Ⅰ级",
    "dust_control_equipment": "Ⅰ级",
    "clinker_coal": 96.5,
    "clinker_power": 54,
    "cement_power": 82,
    "water_per_tonne": 0.12,
    "waste_heat_power": 39,
    "waste_share": 32,
    "particulates_per_tonne": 0.08,
    "so2_per_tonne": 0.09,
    "nox_per_tonne": 0.75,
    "high_grade_share": 72,
    "legal_compliance": "是",
    "clean_production_audit": "Ⅰ级",
    "management_system": "Ⅱ级",
}
CEMENT_MIDDLE = CEMENT_TOP | {
    "grinding_process": "Ⅱ级",
    "clinker_coal": "0.1 tce/t",
    "clinker_power": 58,
    "cement_power": 88,
    "water_per_tonne": 0.2,
    "waste_heat_power": 33,
    "waste_share": "25%",
    "particulates_per_tonne": 0.12,
    "so2_per_tonne": 0.15,
    "nox_per_tonne": 1.1,
    "high_grade_share": 60,
    "clean_production_audit": "Ⅱ级",
}
CEMENT_LAGGING = CEMENT_MIDDLE | {
    "nox_per_tonne": 1.75,
    "waste_share": 8,
    "management_system": "Ⅲ级",
}

HW_TOP = {
    "information_management": "Ⅰ级",
    "seepage_control": "Ⅰ级",
    "pollution_control_capability": "Ⅱ级",
    "annual_operating_hours": 7600,
    "maintenance_shutdowns": 3,
    "furnace_below_850c_records": 2,
    "co_daily_mean": 25,
    "loss_on_ignition": 3.5,
    "automation": "Ⅱ级",
    "first_grade_efficiency_share": "Ⅰ级",
    "energy_per_tonne": 28,
    "water_per_tonne": 7,
    "denox_reagent_per_tonne": 2.4,
    "desulphurisation_reagent_per_tonne": 9,
    "dioxins": 0.2,
    "particulates": 8,
    "so2": 35,
    "nox": 140,
    "hf": 0.8,
    "hcl": 9,
    "slag_rate": 20,
    "fly_ash_rate": 4,
    "co2_per_tonne": 1.1,
    "clean_production_audit": "Ⅰ级",
    "energy_management": "Ⅰ级",
    "steam_recycling": "Ⅰ级",
    "fly_ash_utilisation": "Ⅱ级",
    "slag_utilisation": "Ⅰ级",
}
HW_MIDDLE = HW_TOP | {
    "information_management": "Ⅱ级",
    "annual_operating_hours": 6500,
    "maintenance_shutdowns": 4,
    "co_daily_mean": 45,
    "loss_on_ignition": 4.2,
    "energy_per_tonne": 36,
    "water_per_tonne": 9.5,
    "dioxins": 0.35,
    "particulates": 12,
    "so2": 55,
    "nox": 180,
    "hcl": 18,
    "slag_rate": 27,
    "fly_ash_rate": 8,
    "clean_production_audit": "Ⅱ级",
    "energy_management": "Ⅱ级",
}
HW_LAGGING = HW_MIDDLE | {"dioxins": 0.6, "energy_per_tonne": 55, "steam_recycling": "n/a"}

EXAMPLES = [
    # file, sector, plant id, name, facts, values, expected class
    (
        "cement/plant-leading.xlsx",
        "cement",
        "C-001",
        "示例水泥一厂 (Example Cement No.1)",
        CEMENT_FACTS,
        CEMENT_TOP,
        "I",
    ),
    (
        "cement/plant-advanced.xlsx",
        "cement",
        "C-002",
        "示例水泥二厂 (Example Cement No.2)",
        CEMENT_FACTS,
        CEMENT_MIDDLE,
        "II",
    ),
    (
        "cement/plant-lagging.xlsx",
        "cement",
        "C-003",
        "示例水泥三厂 (Example Cement No.3)",
        CEMENT_FACTS,
        CEMENT_LAGGING,
        "lagging",
    ),
    (
        "hazardous-waste-incineration/plant-leading.xlsx",
        "hazardous-waste-incineration",
        "H-001",
        "示例危废焚烧甲厂",
        {},
        HW_TOP,
        "I",
    ),
    (
        "hazardous-waste-incineration/plant-advanced.xlsx",
        "hazardous-waste-incineration",
        "H-002",
        "示例危废焚烧乙厂",
        {},
        HW_MIDDLE,
        "II",
    ),
    (
        "hazardous-waste-incineration/plant-lagging.xlsx",
        "hazardous-waste-incineration",
        "H-003",
        "示例危废焚烧丙厂",
        {},
        HW_LAGGING,
        "lagging",
    ),
]


def main() -> None:
    manifest = []
    for rel, sector, pid, name, facts, values, expected in EXAMPLES:
        system = load(sector)
        notes = {k: "示例数据 / example data" for k in values}
        write_plant_workbook(
            system,
            HERE / rel,
            "zh",
            {"id": pid, "name": name, "period": "2025"},
            facts,
            values,
            notes,
        )
        manifest.append(
            {"file": rel, "sector": sector, "system": system.id, "plant": pid, "class": expected}
        )
    (HERE / "expected.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
