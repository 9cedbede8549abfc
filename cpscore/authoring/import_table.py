"""import-table: an indicator table as pasted from a published PDF into Excel/WPS → a system file.

Reading rules (the conventions of the printed tables):
- the header row is the row that names 二级指标; level columns are headed Ⅰ级/Ⅱ级/Ⅲ级(基准值),
  on the same row or on the row below a merged 基准值 header;
- a blank 一级指标 cell (a merged range, or left blank as printed) continues the group above;
  "〃" (or 同上) in any cell repeats the cell above; "同Ⅰ级" in a level cell repeats that level;
- ``*`` before (or after) an indicator's name marks it limiting (限定性指标);
- a row of level texts that are not benchmarks is a qualitative indicator, unless ``kind`` says so;
- the table ends at a row that starts with 注/说明 (footnotes).
Every cell that cannot be read is reported with its address; nothing is guessed.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpscore.authoring import table_layout as L
from cpscore.authoring.table_model import (
    CellIssue,
    Entries,
    Grid,
    TableSource,
    find_header,
    grid_from_values,
    map_columns,
)
from cpscore.common.errors import CpscoreError, InputError, Location, SystemFileError
from cpscore.common.i18n import Msg
from cpscore.read.values import cell_ref, parse_number
from cpscore.system.answers import is_blank

from .cells import DITTO_MARKS, looks_like_benchmark, normalise_text, parse_benchmark, render

_SAME_LEVEL = re.compile(r"^同(I{1,3}|IV|V)级(要求|基准值)?$")
_FOOTNOTE = re.compile(r"^(注|说明|备注|note)")


@dataclass
class ImportResult:
    doc: dict[str, Any]
    problems: list[CellIssue] = field(default_factory=list)  # cells that could not be read
    notes: list[CellIssue] = field(default_factory=list)  # interpretations, for review
    grid: Grid | None = None  # the table as read, with the place of every cell
    rows: dict[str, int] = field(default_factory=dict)  # group/indicator pointer -> grid row
    cols: dict[str, int] = field(default_factory=dict)  # column key -> grid column

    @property
    def ok(self) -> bool:
        return not self.problems


class TableImportError(CpscoreError):
    """The table has cells cpscore could not interpret; no system file was written."""

    exit_code = 1

    def __init__(self, path: str, problems: list[CellIssue]):
        self.path = path
        self.problems = problems
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = [
            str(
                Msg(
                    "{path}: {n} cell(s) could not be interpreted; no file written",
                    path=self.path,
                    n=len(self.problems),
                )
            )
        ]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


# --- reading the workbook -------------------------------------------------------------------


def _open(path: Path) -> Any:
    from python_calamine import CalamineWorkbook

    if not path.is_file():
        raise InputError("file", Location(str(path)), Msg("no such file"), Msg("an .xlsx workbook"))
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own types for every unreadable file
        raise InputError(
            "file",
            Location(str(path)),
            Msg("not a readable workbook ({e})", e=e),
            Msg("an .xlsx workbook"),
        ) from None


def _rows(book: Any, name: str) -> list[list[Any]]:
    return book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


def _meta_sheet(book: Any) -> str | None:
    names = {L.header_key(n): n for n in book.sheet_names}
    for alias in L.META_SHEET_ALIASES:
        if L.header_key(alias) in names:
            return names[L.header_key(alias)]
    return None


def _table_sheet(book: Any, sheet: str | None, path: Path) -> Grid:
    candidates = [sheet] if sheet else list(book.sheet_names)
    for name in candidates:
        if name not in book.sheet_names:
            raise InputError(
                "sheet",
                Location(str(path), name),
                Msg("no such sheet"),
                Msg("one of {join}", join=", ".join(book.sheet_names)),
            )
        rows = _rows(book, name)
        if find_header(rows) is not None:
            return grid_from_values(name, rows)
    raise no_header(str(path), sheet or "")


def no_header(path: str, where: str) -> InputError:
    return InputError(
        "header",
        Location(path, where),
        Msg("no header row naming 二级指标"),
        Msg(
            "a table with the columns 一级指标, 一级指标权重, 二级指标, 单位, 二级指标权重, Ⅰ/Ⅱ/Ⅲ级基准值"
        ),
    )


# --- metadata --------------------------------------------------------------------------------


def read_metadata(book: Any, sheet: str) -> tuple[Entries, list[CellIssue]]:
    """Key -> (value, where) from the key/value rows of the metadata sheet."""
    out: Entries = {}
    issues: list[CellIssue] = []
    for r, row in enumerate(_rows(book, sheet)):
        if len(row) < 2 or is_blank(row[0]):
            continue
        raw_key = _text(row[0])
        key = L.META_ALIASES.get(raw_key, raw_key)
        if key in ("key", "字段", "项目"):
            continue
        if key not in L.META_KEYS:
            issues.append(
                CellIssue(sheet, cell_ref(r, 0), raw_key, "unknown metadata key (see the guide)")
            )
            continue
        out[key] = (row[1], (sheet, cell_ref(r, 1)))
    return out, issues


def _meta_value(key: str, value: Any) -> tuple[Any, str]:
    """(value, problem) for one metadata entry."""
    if key in L.JSON_META:
        if isinstance(value, str) and key == "levels" and value.strip() in L.LEVEL_PRESETS:
            return copy.deepcopy(L.LEVEL_PRESETS[value.strip()]), ""
        if isinstance(value, str) and key == "classification":
            preset = value.strip()
            if preset in L.CLASSIFICATION_PRESETS:
                return copy.deepcopy(L.CLASSIFICATION_PRESETS[preset]), ""
        if not isinstance(value, str):
            return value, ""
        try:
            return json.loads(value), ""
        except json.JSONDecodeError as e:
            return None, f"not valid JSON ({e.msg} at column {e.colno})"
    if key in ("effective", "withdrawn"):
        text = _text(value)
        if key == "effective" and text.lower() in L.DRAFT_MARKS:
            return None, ""
        try:
            return dt.date.fromisoformat(text).isoformat(), ""
        except ValueError:
            return None, "not a date like 2014-04-01"
    if key == "cap":
        if isinstance(value, int | float):
            return (int(value) if float(value).is_integer() else value), ""
        return None, "not a number"
    if key == "source.announcement" and is_blank(value):
        return None, ""
    return _text(value), ""


# --- the table -------------------------------------------------------------------------------


@dataclass
class _Builder:
    grid: Grid
    cols: dict[str, int]
    levels: list[str]
    variables: frozenset[str] | None
    problems: list[CellIssue] = field(default_factory=list)
    notes: list[CellIssue] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)  # JSON pointer -> cell address
    rows: dict[str, int] = field(default_factory=dict)  # indicator/group pointer -> table row

    def problem(self, r: int, key: str, found: Any, message: str) -> None:
        self.problems.append(CellIssue(*self.where(r, key), _text(found), message))

    def note(self, r: int, key: str, found: Any, message: str) -> None:
        self.notes.append(CellIssue(*self.where(r, key), _text(found), message))

    def where(self, r: int, key: str) -> tuple[str, str]:
        return self.grid.address(r, self.cols.get(key, 0))

    def ref(self, r: int, key: str) -> str:
        area, spot = self.where(r, key)
        return f"{area}!{spot}"


def _resolve_dittos(
    rows: list[list[Any]], start: int, cols: dict[str, int], b: _Builder
) -> list[dict[str, Any]]:
    """Each data row as {column key: value}, with 〃 replaced by the cell above."""
    out: list[dict[str, Any]] = []
    prev: dict[str, Any] = {}
    for r in range(start, len(rows)):
        row = rows[r]
        cells = {k: (row[c] if c < len(row) else None) for k, c in cols.items()}
        if all(is_blank(v) for v in cells.values()):
            continue
        first = next((_text(v) for v in row if not is_blank(v)), "")
        if is_blank(cells.get("name")) and _FOOTNOTE.match(first):
            break  # footnotes below the table
        for k, v in cells.items():
            if isinstance(v, str) and v.strip() in DITTO_MARKS:
                if k == "name":
                    continue  # reported when the indicator is read
                if k not in prev:
                    b.problem(r, k, v, Msg("〃 (same as above) in the first row of the table"))
                    cells[k] = None
                else:
                    cells[k] = prev[k]
                    b.note(r, k, v, Msg("〃 read as {x1}", x1=repr(_text(prev[k])[:40])))
        cells["_row"] = r
        out.append(cells)
        prev = cells
    return out


def _json_cell(b: _Builder, r: int, key: str, value: Any, want: type) -> Any:
    if is_blank(value):
        return None
    try:
        data = json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError as e:
        b.problem(
            r, key, value, Msg("not valid JSON ({msg} at column {colno})", msg=e.msg, colno=e.colno)
        )
        return None
    if not isinstance(data, want):
        b.problem(r, key, value, Msg("expected a JSON {type}", type=want.__name__))
        return None
    return data


def _weight(b: _Builder, r: int, key: str, value: Any) -> float | None:
    p = parse_number(value)
    if p.kind == "number" and p.unit is None:
        return int(p.value) if p.value is not None and p.value.is_integer() else p.value
    what = Msg("no weight") if p.kind == "missing" else Msg("not a plain number")
    b.problem(
        r,
        key,
        value,
        Msg(
            "{what}; a weight must be a number such as 0.15 (output-weighted weights such as 0.8/n need weight_set in the extra column)",
            what=what,
        ),
    )
    return None


def _deep_merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _deep_merge(into[k], v)
        else:
            into[k] = v


def _yes(b: _Builder, r: int, key: str, value: Any) -> bool:
    t = _text(value).lower()
    if t in L.YES:
        return True
    if t not in L.NO:
        b.problem(r, key, value, Msg("expected yes or no"))
    return False


def _level_cells(b: _Builder, row: dict[str, Any]) -> dict[str, Any]:
    """Level id -> cell value, with 同Ⅰ级 replaced by that level's cell."""
    r = row["_row"]
    out = {lv: row.get(f"level:{lv}") for lv in b.levels}
    for lv in b.levels:
        v = out[lv]
        if isinstance(v, str):
            m = _SAME_LEVEL.match(normalise_text(v))
            if m and m.group(1) in out and m.group(1) != lv:
                out[lv] = out[m.group(1)]
                b.note(r, f"level:{lv}", v, Msg("read as the level {group} cell", group=m.group(1)))
    return out


def _indicator(
    b: _Builder, row: dict[str, Any], gi: int, ii: int, ptr: str
) -> dict[str, Any] | None:
    r = row["_row"]
    raw_name = _text(row.get("name"))
    if raw_name in DITTO_MARKS or not raw_name:
        b.problem(r, "name", raw_name, Msg("an indicator needs its own name"))
        return None
    name = raw_name
    limiting = False
    if name[:1] in "*＊" or name[-1:] in "*＊":
        limiting = True
        name = name.strip("*＊ ")
    if "limiting" in b.cols and not is_blank(row.get("limiting")):
        limiting = _yes(b, r, "limiting", row.get("limiting")) or limiting
    ind: dict[str, Any] = {"id": _text(row.get("id")) or f"g{gi + 1}_i{ii + 1}", "zh": name}
    if en := _text(row.get("en")):
        ind["en"] = en
    b.cells[ptr] = b.ref(r, "name")
    b.rows[ptr] = r
    b.cells[ptr + "/id"] = b.ref(r, "id" if "id" in b.cols else "name")
    extra = _json_cell(b, r, "extra", row.get("extra"), dict) or {}
    unit = _text(row.get("unit"))
    if unit in ("—", "-", "/", "–", "——"):
        unit = ""
    b.cells[ptr + "/unit"] = b.ref(r, "unit")
    weight_cell = row.get("weight")
    if not is_blank(weight_cell) or "weight_set" not in extra:
        weight = _weight(b, r, "weight", weight_cell)
        if weight is not None:
            ind["weight"] = weight
    b.cells[ptr + "/weight"] = b.ref(r, "weight")
    if limiting:
        ind["limiting"] = True

    cells = _level_cells(b, row)
    kind_text = _text(row.get("kind"))
    kind = L.KINDS.get(kind_text.lower()) if kind_text else None
    if kind_text and not kind:
        b.problem(
            r, "kind", kind_text, Msg("kind must be quantitative (定量) or qualitative (定性)")
        )
        return None
    readings = {
        lv: parse_benchmark(v, unit, name, b.variables)
        for lv, v in cells.items()
        if not is_blank(v) and _text(v) not in ("—", "-", "/", "——", "–")
    }
    if kind is None:
        read_ok = [lv for lv, x in readings.items() if x.ok]
        kind = "quantitative" if read_ok else "qualitative"
        if not read_ok:
            suspicious = [lv for lv in readings if looks_like_benchmark(cells[lv])]
            for lv in suspicious:
                b.problem(
                    r,
                    f"level:{lv}",
                    cells[lv],
                    Msg(
                        "{problem} (if the row is qualitative, say so in the kind column)",
                        problem=readings[lv].problem,
                    ),
                )
            if suspicious:
                return None
        if read_ok and len(read_ok) < len(readings):
            for lv, x in readings.items():
                if not x.ok:
                    b.problem(
                        r,
                        f"level:{lv}",
                        cells[lv],
                        Msg(
                            "{problem} (the other levels of this row are numeric benchmarks; if the row is qualitative, say so in the kind column)",
                            problem=x.problem,
                        ),
                    )
            return None
    ind["kind"] = kind
    if kind == "qualitative":
        if unit:
            ind["unit"] = unit
        ind["answer"] = "level"
        if text := _text(row.get("direction")):
            ind["direction"] = L.DIRECTIONS.get(text.lower(), text)
        reqs = {}
        for lv, v in cells.items():
            if not is_blank(v) and _text(v) not in ("—", "-", "/", "——", "–"):
                reqs[lv] = {"zh": _text(v)}
                b.cells[f"{ptr}/requirements/{lv}"] = b.ref(r, f"level:{lv}")
        ind["requirements"] = reqs
    else:
        ind["unit"] = unit
        benchmarks: dict[str, Any] = {}
        bad = False
        for lv, x in readings.items():
            b.cells[f"{ptr}/benchmarks/{lv}"] = b.ref(r, f"level:{lv}")
            if not x.ok:
                b.problem(r, f"level:{lv}", cells[lv], x.problem)
                bad = True
                continue
            if x.empty:
                continue
            bench = dict(x.benchmark or {})
            printed = _text(row.get(L.PRINTED_PREFIX + lv)) or _text(cells[lv])
            if printed != render(bench):
                bench["printed"] = printed
            for n in x.notes:
                b.note(r, f"level:{lv}", cells[lv], n)
            benchmarks[lv] = bench
        if bad:
            return None
        ind["direction"] = _direction(b, row, benchmarks)
        if not ind["direction"]:
            return None
        b.cells[ptr + "/direction"] = b.ref(r, "direction" if "direction" in b.cols else "name")
        ind["benchmarks"] = benchmarks
    for key in ("applies_when", "variants"):
        want = list if key == "variants" else dict
        data = _json_cell(b, r, key, row.get(key), want)
        if data is not None:
            ind[key] = data
            b.cells[f"{ptr}/{key}"] = b.ref(r, key)
    if "variants" in ind:
        _variant_strings(b, r, ind, unit, name)
    if note := _text(row.get("note")):
        ind["note"] = note
    _deep_merge(ind, extra)
    if extra:
        for k in extra:
            b.cells.setdefault(f"{ptr}/{k}", b.ref(r, "extra"))
    return ind


def _variant_strings(b: _Builder, r: int, ind: dict[str, Any], unit: str, name: str) -> None:
    """Variant benchmarks may be written as printed text ("≤105"), read like level cells."""
    for v in ind["variants"]:
        if not isinstance(v, dict) or not isinstance(v.get("benchmarks"), dict):
            continue
        for lv, cell in list(v["benchmarks"].items()):
            if isinstance(cell, str):
                x = parse_benchmark(cell, unit, name, b.variables)
                if not x.ok or x.empty:
                    b.problem(r, "variants", cell, x.problem or Msg("an empty variant benchmark"))
                    continue
                bench = dict(x.benchmark or {})
                if cell.strip() != render(bench):
                    bench["printed"] = cell.strip()
                v["benchmarks"][lv] = bench


def _direction(b: _Builder, row: dict[str, Any], benchmarks: dict[str, Any]) -> str:
    r = row["_row"]
    text = _text(row.get("direction"))
    if text:
        d = L.DIRECTIONS.get(text.lower())
        if not d:
            b.problem(r, "direction", text, Msg("direction must be lower, higher or range"))
        return d or ""
    ops = {x["op"] for x in benchmarks.values() if "op" in x}
    if not ops:
        if benchmarks:
            return "range"
        b.problem(
            r,
            "name",
            row.get("name"),
            Msg(
                "a quantitative indicator without benchmarks needs its direction (lower or higher) in the direction column"
            ),
        )
        return ""
    if ops <= {"<", "<="}:
        return "lower"
    if ops <= {">", ">="}:
        return "higher"
    b.problem(
        r,
        "name",
        row.get("name"),
        Msg(
            "the comparators of this row point both ways (≤ and ≥); state the direction in the direction column"
        ),
    )
    return ""


def _groups(b: _Builder, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for row in rows:
        r = row["_row"]
        name = _text(row.get("group"))
        if name and (not groups or name != groups[-1]["zh"]):
            gi = len(groups)
            g: dict[str, Any] = {"id": _text(row.get("group_id")) or f"g{gi + 1}", "zh": name}
            ptr = f"/groups/{gi}"
            b.cells[ptr] = b.ref(r, "group")
            b.rows[ptr] = r
            b.cells[ptr + "/id"] = b.ref(r, "group_id" if "group_id" in b.cols else "group")
            b.cells[ptr + "/weight"] = b.ref(r, "group_weight")
            if en := _text(row.get("group_en")):
                g["en"] = en
            weight = _weight(b, r, "group_weight", row.get("group_weight"))
            if weight is not None:
                g["weight"] = weight
            if _yes(b, r, "group_bonus", row.get("group_bonus")):
                g["bonus"] = True
            extra = _json_cell(b, r, "group_extra", row.get("group_extra"), dict)
            if extra:
                _deep_merge(g, extra)
            g["indicators"] = []
            g["_weight_cell"] = row.get("group_weight")
            groups.append(g)
        elif not groups:
            b.problem(
                r, "group", row.get("group"), Msg("the first row needs its 一级指标 (group) name")
            )
            continue
        else:
            g = groups[-1]
            w = row.get("group_weight")
            if not is_blank(w) and parse_number(w).value != parse_number(g["_weight_cell"]).value:
                b.problem(
                    r,
                    "group_weight",
                    w,
                    Msg(
                        "differs from the weight of group {x1} above ({x3}); start a new group by naming it",
                        x1=repr(g["zh"]),
                        x3=_text(g["_weight_cell"]),
                    ),
                )
        gi = len(groups) - 1
        ii = len(g["indicators"])
        ind = _indicator(b, row, gi, ii, f"/groups/{gi}/indicators/{ii}")
        if ind is not None:
            g["indicators"].append(ind)
    for g in groups:
        del g["_weight_cell"]
    return groups


# --- putting it together ---------------------------------------------------------------------


def read_workbook(path: Path, sheet: str | None = None) -> TableSource:
    """The table sheet of a workbook and its metadata sheet."""
    book = _open(path)
    grid = _table_sheet(book, sheet, path)
    source = TableSource(grid)
    meta_sheet = _meta_sheet(book)
    if meta_sheet:
        source.entries, source.problems = read_metadata(book, meta_sheet)
        source.meta_sheet = meta_sheet
    return source


def read_source(path: Path, sheet: str | None = None, pages: str | None = None) -> TableSource:
    """The table model of any supported file: a workbook, a PDF or a Word document."""
    suffix = path.suffix.lower()
    if suffix in (".pdf", ".docx", ".doc"):
        from cpscore.authoring.documents import read_document

        return read_document(path, pages)
    if pages:
        raise InputError(
            "option", Location(str(path)), Msg("--pages given"), Msg("a PDF for --pages")
        )
    return read_workbook(path, sheet)


def import_table(
    path: str | Path,
    overrides: dict[str, Any] | None = None,
    sheet: str | None = None,
    *,
    pages: str | None = None,
    base: dict[str, Any] | None = None,
) -> ImportResult:
    """Read a published table (.xlsx as pasted, .pdf, .docx) into a system document; every
    unreadable cell is a problem.

    ``overrides`` are metadata entries (dotted keys such as ``title.zh``) that win over the
    metadata sheet. ``base`` is an existing system document that supplies what the printed table
    does not carry (ids, English names, facts, rules, metadata), matched by indicator name.
    The document is validated (schema and semantic checks) when every cell was read; validation
    problems are reported at the cell they come from.
    """
    path = Path(path)
    return interpret(read_source(path, sheet, pages), str(path), overrides, base)


def interpret(
    source: TableSource,
    path: str,
    overrides: dict[str, Any] | None = None,
    base: dict[str, Any] | None = None,
) -> ImportResult:
    """The system document a table model describes (the rules in the module docstring)."""
    from cpscore.authoring import base_system

    grid = source.grid
    rows = grid.values
    hr = find_header(rows)
    if hr is None:
        raise no_header(path, grid.name)
    cols, start = map_columns(rows, hr)
    problems: list[CellIssue] = []
    notes: list[CellIssue] = list(source.notes)
    for key in ("group", "group_weight", "name", "weight"):
        if key not in cols:
            header = L.PRINTED[key][0]
            problems.append(CellIssue(*grid.address(hr, 0), "", f"no {header} column"))
    levels = [
        k.split(":", 1)[1] for k in sorted(cols, key=lambda k: cols[k]) if k.startswith("level:")
    ]
    if not levels:
        problems.append(CellIssue(*grid.address(hr, 0), "", "no Ⅰ级/Ⅱ级/Ⅲ级基准值 columns"))
    if problems:
        return ImportResult({}, problems, notes)
    problems += source.problems

    meta_cells: dict[str, str] = {}
    doc: dict[str, Any] = {}
    entries: Entries = dict(source.defaults)
    if base is not None:
        entries.update(base_system.metadata_entries(base))
    entries.update(source.entries)
    for key, value in (overrides or {}).items():
        key = L.META_ALIASES.get(key, key)
        if key not in L.META_KEYS:
            problems.append(
                CellIssue(f"--set {key}", "", "", "unknown metadata key (see the guide)")
            )
            continue
        entries[key] = (value, (f"--{key}", ""))
    for key in L.META_KEYS:
        if key not in entries:
            continue
        raw, (area, cell) = entries[key]
        if is_blank(raw) and key not in ("effective", "source.announcement"):
            continue
        value, problem = _meta_value(key, raw)
        if problem:
            problems.append(CellIssue(area, cell, _text(raw), f"{key}: {problem}"))
            continue
        L.set_dotted(doc, key, value)
        meta_cells["/" + key.replace(".", "/")] = f"{area}!{cell}" if cell else area
    _defaults(doc, levels, notes, source.meta_sheet or L.META_SHEET)

    facts = doc.get("facts") if isinstance(doc.get("facts"), list) else []
    variables = frozenset(
        f["id"] for f in facts if isinstance(f, dict) and f.get("type") == "number" and "id" in f
    )
    b = _Builder(grid, cols, levels, variables)
    data_rows = _resolve_dittos(rows, start, cols, b)
    if base is not None:
        base_system.fill_rows(base, data_rows, cols)
    doc["groups"] = _groups(b, data_rows)
    problems += b.problems
    notes += b.notes
    problems += _missing_metadata(doc, source.meta_sheet)
    result = ImportResult(_ordered(doc), problems, notes, grid, b.rows, cols)
    if problems:
        return result
    result.problems += validation_problems(result.doc, path, {**meta_cells, **b.cells}, grid.name)
    return result


def _defaults(doc: dict[str, Any], levels: list[str], notes: list[CellIssue], sheet: str) -> None:
    if "method" not in doc:
        doc["method"] = "graded"
    if "levels" not in doc:
        doc["levels"] = [
            {"id": lv, "zh": f"{L.ROMAN.get(lv, lv)}级", "en": f"Level {lv}"} for lv in levels
        ]
        notes.append(
            CellIssue(
                sheet, "", "", Msg("levels not given: named Ⅰ级/Ⅱ级/… from the table headers")
            )
        )
    if "below" not in doc:
        last = levels[-1] if levels else ""
        doc["below"] = {"id": "lagging", "zh": "未达标", "en": f"Below level {last}"}
        notes.append(
            CellIssue(sheet, "", "", Msg("below not given: the class below is 未达标 (lagging)"))
        )


_REQUIRED_META = (
    "id",
    "sector",
    "version",
    "title.zh",
    "issuer.zh",
    "source.title",
    "source.issuer",
    "source.citation",
    "status",
    "classification",
)


def _missing_metadata(doc: dict[str, Any], meta_sheet: str | None) -> list[CellIssue]:
    where = meta_sheet or f"{L.META_SHEET} (sheet missing)"
    missing = [k for k in _REQUIRED_META if not L.has_dotted(doc, k)]
    if "effective" not in doc:
        missing.append("effective")
    if doc.get("status") in ("unverified", "illustrative") and not L.has_dotted(doc, "notice.zh"):
        missing.append("notice.zh")
    return [
        CellIssue(where, "", "", f"metadata {k} missing ({L.META_HELP.get(k, 'see the guide')})")
        for k in missing
    ]


def _ordered(doc: dict[str, Any]) -> dict[str, Any]:
    """Keys in the order the bundled files use, so written files read alike."""
    order = [k.split(".")[0] for k in L.META_KEYS]
    out = {k: doc[k] for k in dict.fromkeys(order) if k in doc and k not in ("groups",)}
    tail = ("classification", "vetoes", "cases")
    head = {k: v for k, v in out.items() if k not in tail}
    return {
        **head,
        "groups": doc.get("groups", []),
        **{k: out[k] for k in tail if k in out},
    }


def validation_problems(
    doc: dict[str, Any], path: str, cells: dict[str, str], sheet: str
) -> list[CellIssue]:
    """Schema and semantic problems of the built document, located at their cells."""
    from cpscore.system.loader import build_system

    try:
        build_system(doc, path, "")
    except SystemFileError as e:
        out = []
        for p in e.problems:
            where = _cell_for(p.pointer, cells, sheet) or sheet
            sheet_name, _, cell = where.partition("!")
            out.append(CellIssue(sheet_name, cell, "", f"{p} [system check]"))
        return out
    return []


def _cell_for(pointer: str, cells: dict[str, str], sheet: str) -> str:
    """The cell a JSON pointer came from: the nearest enclosing part that has one."""
    while pointer:
        if pointer in cells:
            where = cells[pointer]
            return where if "!" in where or where.startswith("--") else f"{sheet}!{where}"
        pointer = pointer.rsplit("/", 1)[0]
    return ""


def write_system(doc: dict[str, Any], target: str | Path) -> None:
    from cpscore.common.atomic import write_text

    write_text(target, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
