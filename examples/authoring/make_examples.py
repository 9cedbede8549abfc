"""Write the authoring examples (run from the repository root: python examples/authoring/make_examples.py).

- ``table-export.xlsx``: ``cpscore export-table`` of the bundled hazardous-waste draft (clean layout).
- ``table-example.xlsx``: the same table as it looks after pasting from a PDF into Excel: a title
  row, a two-row header, merged and 〃 group cells, full-width and word comparators, a range,
  "3次以下", ``*`` for limiting indicators, footnotes below the table, metadata with Chinese keys —
  and one cell a PDF paste broke ("≤2 0"), which import-table reports instead of guessing.

Every number comes from the bundled system file (itself cited); only the printing varies.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment  # noqa: E402

from cpscore.authoring.cells import format_number  # noqa: E402
from cpscore.authoring.export_document import write_docx, write_pdf  # noqa: E402
from cpscore.authoring.export_table import export_table  # noqa: E402

HERE = Path(__file__).resolve().parent
SYSTEM = ROOT / "indicator_systems" / "hazardous-waste-incineration" / "draft-5878b99.json"
BROKEN_CELL = ("hcl", "II", "≤2 0")  # the one cell a PDF paste broke

# How a PDF paste prints some benchmarks (same numbers, other spellings).
SPELLINGS = {
    ("annual_operating_hours", "I"): ">7000h",
    ("annual_operating_hours", "II"): "＞6000 h",
    ("annual_operating_hours", "III"): "大于5000h",
    ("maintenance_shutdowns", "I"): "3次以下",
    ("maintenance_shutdowns", "II"): "3～4",
    ("maintenance_shutdowns", "III"): "≦5",
    ("co_daily_mean", "I"): "＜30",
    ("energy_per_tonne", "II"): "不大于40",
    ("water_per_tonne", "I"): "≤ 8",
    ("loss_on_ignition", "I"): "<4%",
}


def _cell(ind: dict, lv: str) -> str:
    if BROKEN_CELL[:2] == (ind["id"], lv):
        return BROKEN_CELL[2]
    if (ind["id"], lv) in SPELLINGS:
        return SPELLINGS[(ind["id"], lv)]
    if ind["kind"] == "qualitative":
        text = ind["requirements"].get(lv)
        return text["zh"] if text else "—"
    b = ind["benchmarks"].get(lv)
    if b is None:
        return "—"
    op = {"<=": "≤", ">=": "≥"}.get(b["op"], b["op"])
    return f"{op}{format_number(b['value'])}"


def messy(doc: dict, target: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([f"表1 {doc['title']['zh']}评价指标项目、权重及基准值"])
    ws.append(
        [
            "序号",
            "一级指标",
            "一级指标权重",
            "二级指标",
            "单位",
            "二级指标权重",
            "基准值",
            None,
            None,
            "id",
            "kind",
            "direction",
            "group_bonus",
        ]
    )
    ws.append([None] * 6 + ["Ⅰ级", "Ⅱ级", "Ⅲ级"])
    ws.merge_cells("G2:I2")
    for c in "ABCDEF":
        ws.merge_cells(f"{c}2:{c}3")
    n = 0
    for gi, g in enumerate(doc["groups"]):
        first = ws.max_row + 1
        for k, ind in enumerate(g["indicators"]):
            n += 1
            star = "*" if ind.get("limiting") else ""
            name = f"{star}{ind['zh']}" if n % 2 else f"{ind['zh']}{star.replace('*', '＊')}"
            # Group cells: merged for most groups, 〃 for the 5th, left blank for the 7th.
            if k == 0:
                group, gweight = g["zh"], g["weight"]
            elif gi == 4:
                group, gweight = "〃", "〃"
            else:
                group, gweight = None, None
            no_benchmarks = ind["kind"] == "quantitative" and not ind["benchmarks"]
            ws.append(
                [
                    n,
                    group,
                    gweight,
                    name,
                    ind.get("unit", "") or None,
                    ind["weight"],
                    *(_cell(ind, lv) for lv in ("I", "II", "III")),
                    ind["id"],
                    "定量" if no_benchmarks else None,
                    "逆向" if no_benchmarks else None,
                    "yes" if g.get("bonus") and k == 0 else None,
                ]
            )
        last = ws.max_row
        if last > first and gi not in (4, 6):
            for c in ("B", "C", "M"):
                ws.merge_cells(f"{c}{first}:{c}{last}")
    ws.append(["注：带*的指标为限定性指标；数值取自第三方应用中的团体标准草案转录。"])
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    meta = wb.create_sheet("体系信息")
    rows = [
        ("字段", "值"),
        ("id", doc["id"]),
        ("行业", doc["sector"]),
        ("版本", doc["version"]),
        ("标题", doc["title"]["zh"]),
        ("发布机构", doc["issuer"]["zh"]),
        ("source.title", doc["source"]["title"]),
        ("source.issuer", doc["source"]["issuer"]),
        ("来源", doc["source"]["citation"]),
        ("实施日期", "草案"),
        ("状态", doc["status"]),
        ("说明", doc["notice"]["zh"]),
        ("方法", "graded"),
        ("cap", 100),
        ("等级", json.dumps(doc["levels"], ensure_ascii=False)),
        ("below", json.dumps(doc["below"], ensure_ascii=False)),
        ("评定规则", json.dumps(doc["classification"], ensure_ascii=False)),
    ]
    for r in rows:
        meta.append(list(r))
    wb.save(target)


def as_published(doc: dict) -> dict:
    """The system with benchmarks spelled as a typeset document might (以下, 不大于, ＞ …)."""
    out = copy.deepcopy(doc)
    for g in out["groups"]:
        for ind in g["indicators"]:
            for lv, bench in (ind.get("benchmarks") or {}).items():
                if (ind["id"], lv) in SPELLINGS:
                    bench["printed"] = SPELLINGS[(ind["id"], lv)]
    return out


def main() -> None:
    doc = json.loads(SYSTEM.read_text(encoding="utf-8"))
    export_table(doc, HERE / "table-export.xlsx")
    messy(doc, HERE / "table-example.xlsx")
    # The document itself, as its holder receives it (same numbers; a stand-in for the PDF
    # attachment of an announcement and the Word file of a draft for comment).
    write_pdf(as_published(doc), HERE / "standard-example.pdf")
    write_docx(as_published(doc), HERE / "standard-example.docx")
    print("wrote", *(HERE / n for n in ("table-export.xlsx", "table-example.xlsx")), end=" ")
    print("standard-example.pdf/.docx")


if __name__ == "__main__":
    main()
