"""export-table: a system file → the printed table layout, to compare with the PDF line by line.

Benchmarks are written as printed when the printed text reads back as the same benchmark;
otherwise the cell shows the explicit form (≤5) and the printed text goes to ``printed_<level>``.
Everything the printed table does not carry goes to the extra columns and the metadata sheet, so
importing the exported workbook gives the same system (see :func:`canonical`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cpscore.authoring import table_layout as L
from cpscore.common.atomic import atomic_path
from cpscore.common.errors import UsageError
from cpscore.common.i18n import Msg
from cpscore.views.mark import mark

from .cells import parse_benchmark, render

# Indicator keys shown in their own columns; the rest go to the `extra` JSON column.
_SHOWN = frozenset(
    {
        "id",
        "zh",
        "en",
        "kind",
        "unit",
        "direction",
        "weight",
        "limiting",
        "benchmarks",
        "applies_when",
        "variants",
        "note",
        "answer",
    }
)
_GROUP_SHOWN = frozenset({"id", "zh", "en", "weight", "bonus", "indicators"})


def _json(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False)


def _benchmark_cells(ind: dict[str, Any], lv: str, facts: frozenset[str]) -> tuple[str, str]:
    """(cell text, printed_<lv> text) for one quantitative benchmark."""
    bench = (ind.get("benchmarks") or {}).get(lv)
    if bench is None:
        return "—", ""
    explicit = {k: v for k, v in bench.items() if k != "printed"}
    printed = bench.get("printed", "")
    if printed:
        back = parse_benchmark(printed, ind.get("unit", ""), ind["zh"], facts)
        if back.ok and back.benchmark == _plain(explicit):
            return printed, ""
    return render(explicit), printed


def _plain(bench: dict[str, Any]) -> dict[str, Any]:
    """Benchmark JSON with canonical numbers and expressions, for comparison."""
    return canonical({"b": bench})["b"]


def _extra(ind: dict[str, Any], levels: list[str]) -> dict[str, Any]:
    extra = {k: v for k, v in ind.items() if k not in _SHOWN and k != "requirements"}
    if ind.get("kind") == "qualitative":
        if ind.get("answer", "level") != "level":
            extra["answer"] = ind["answer"]
        reqs = ind.get("requirements") or {}
        rest = {}
        for lv, text in reqs.items():
            more = {k: v for k, v in text.items() if k != "zh"}
            if more or lv not in levels:
                rest[lv] = more if lv in levels else text
        if rest:
            extra["requirements"] = rest
    elif "requirements" in ind:
        extra["requirements"] = ind["requirements"]
    return extra


def table_rows(doc: dict[str, Any]) -> tuple[list[str], list[list[Any]], list[tuple[int, int]]]:
    """Header, data rows and the (first, last) data-row span of each group."""
    levels = [lv["id"] for lv in doc["levels"]]
    facts = frozenset(f["id"] for f in doc.get("facts", ()) if f.get("type") == "number")
    header_keys = ["no", "group", "group_weight", "name", "unit", "weight"]
    header_keys += [f"level:{lv}" for lv in levels]
    rows: list[dict[str, Any]] = []
    spans: list[tuple[int, int]] = []
    n = 0
    for g in doc["groups"]:
        first = len(rows)
        gextra = {k: v for k, v in g.items() if k not in _GROUP_SHOWN}
        for ind in g["indicators"]:
            n += 1
            row: dict[str, Any] = {
                "no": n,
                "group": g["zh"],
                "group_weight": g["weight"],
                "name": ("*" if ind.get("limiting") else "") + ind["zh"],
                "unit": ind.get("unit", ""),
                "weight": ind.get("weight"),
                "group_id": g["id"],
                "group_en": g.get("en", ""),
                "group_bonus": "yes" if g.get("bonus") else "",
                "group_extra": _json(gextra) if gextra else "",
                "id": ind["id"],
                "en": ind.get("en", ""),
                "kind": ind["kind"],
                "direction": ind.get("direction", ""),
                "applies_when": _json(ind["applies_when"]) if "applies_when" in ind else "",
                "variants": _json(ind["variants"]) if "variants" in ind else "",
                "note": ind.get("note", ""),
            }
            extra = _extra(ind, levels)
            row["extra"] = _json(extra) if extra else ""
            for lv in levels:
                if ind["kind"] == "quantitative":
                    cell, printed = _benchmark_cells(ind, lv, facts)
                    row[f"level:{lv}"] = cell
                    row[L.PRINTED_PREFIX + lv] = printed
                else:
                    text = (ind.get("requirements") or {}).get(lv)
                    row[f"level:{lv}"] = text["zh"] if text else "—"
            rows.append(row)
        spans.append((first, len(rows) - 1))
    optional = [L.PRINTED_PREFIX + lv for lv in levels]
    optional += [*L.GROUP_EXTRAS, *L.INDICATOR_EXTRAS]
    always = {"group_id", "id", "kind", "direction"}
    header_keys += [k for k in optional if k in always or any(r.get(k) for r in rows)]
    header = [_header(k) for k in header_keys]
    return header, [[r.get(k, "") for k in header_keys] for r in rows], spans


def _header(key: str) -> str:
    if key.startswith("level:"):
        return L.level_header(key.split(":", 1)[1])
    if key in L.PRINTED:
        return L.PRINTED[key][0]
    return key


def metadata_rows(doc: dict[str, Any]) -> list[tuple[str, Any, str]]:
    out = []
    for key in L.META_KEYS:
        if not L.has_dotted(doc, key):
            continue
        value = L.get_dotted(doc, key)
        if key in L.JSON_META:
            value = _json(value)
        elif key == "effective" and value is None:
            value = "draft"
        elif value is None:
            value = ""
        out.append((key, value, L.META_HELP.get(key, "")))
    return out


def export_table(doc: dict[str, Any], target: str | Path) -> None:
    """Write the table workbook for a system document (the raw JSON of a system file)."""
    if doc.get("method") != "graded":
        raise UsageError(
            Msg(
                "export-table writes the graded (Ⅰ/Ⅱ/Ⅲ级基准值) layout; {get} uses the {get2} method",
                get=doc.get("id"),
                get2=doc.get("method"),
            )
        )
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    header, rows, spans = table_rows(doc)
    wb = Workbook()
    ws = wb.active
    ws.title = L.TABLE_SHEET
    ws.append([f"{doc['title']['zh']} 评价指标项目、权重及基准值"])
    ws.append(header)
    for row in rows:
        ws.append([None if v == "" or v is None else v for v in row])
    group_cols = [
        i + 1
        for i, h in enumerate(header)
        if h in (L.PRINTED["group"][0], L.PRINTED["group_weight"][0], *L.GROUP_EXTRAS)
    ]
    for first, last in spans:
        if last > first:
            for c in group_cols:
                ws.merge_cells(start_row=first + 3, end_row=last + 3, start_column=c, end_column=c)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    for cell in ws[2]:
        cell.font = Font(bold=True)
    ws["A1"].font = Font(bold=True)
    widths = {"二级指标": 28, "一级指标": 16, "extra": 40, "variants": 40, "applies_when": 30}
    for i, h in enumerate(header):
        letter = ws.cell(row=2, column=i + 1).column_letter
        ws.column_dimensions[letter].width = widths.get(h, 30 if "基准值" in h else 12)
    ws.freeze_panes = "A3"

    meta = wb.create_sheet(L.META_SHEET)
    meta.append(["key", "value", "说明 / help"])
    for key, value, help_text in metadata_rows(doc):
        meta.append([key, value, help_text])
    meta.column_dimensions["A"].width = 20
    meta.column_dimensions["B"].width = 80
    meta.column_dimensions["C"].width = 50
    for row in meta.iter_rows(min_row=2):
        row[1].alignment = wrap
    mark(wb, "indicator table")
    with atomic_path(target) as tmp:
        wb.save(tmp)


def canonical(doc: Any) -> Any:
    """A system document in one normal form, for comparing two documents.

    Two documents with the same canonical form describe the same system: numbers compare by
    value, expressions by their parsed form, a ``printed`` text equal to cpscore's own rendering
    is dropped, and defaults written out or left implicit (limiting false, answer level, bonus
    false, renormalise within_group, a null announcement) count the same.
    """
    from .cells import canonical_expr

    if isinstance(doc, list):
        return [canonical(x) for x in doc]
    if not isinstance(doc, dict):
        if isinstance(doc, float) and doc.is_integer():
            return int(doc)
        return doc
    out: dict[str, Any] = {}
    for k, v in doc.items():
        if k == "expr" and isinstance(v, str):
            try:
                out[k] = canonical_expr(v)
            except ValueError:
                out[k] = v
            continue
        if v is None and k != "effective":
            continue
        if (k, v) in (("limiting", False), ("answer", "level"), ("bonus", False)):
            continue
        if (k, v) == ("renormalise", "within_group"):
            continue
        out[k] = canonical(v)
    if "printed" in out and ("op" in out or "range" in out):
        plain = {k: v for k, v in out.items() if k != "printed"}
        try:
            if out["printed"] == render(plain):
                del out["printed"]
        except (KeyError, TypeError, ValueError):
            pass
    return out


def load_doc(ref: str | Path, check: bool = True) -> dict[str, Any]:
    """The raw document of a system (bundled id, sector or path), schema-validated; with
    ``check`` also semantically checked (diff compares drafts that may not add up yet)."""
    from cpscore.system.catalog import bundled, resolve
    from cpscore.system.loader import load_system

    ref = str(ref)
    sector = ref if any(e.sector == ref for e in bundled()) else None
    return load_system(resolve(sector, None if sector else ref), check=check).raw
