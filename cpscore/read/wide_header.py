"""The header row of a wide workbook: which column holds the plant id, which fact, which indicator.

Headers name ids or names in either language, optionally with a unit in brackets
(``单位熟料综合煤耗 (tce/t)``); the row naming most indicators heads the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cpscore.system.model import System

from .workbook import PLANT_KEYS, _key

WIDE_SHEET = {"zh": "企业指标汇总", "en": "Plants"}
WIDE_META = ("id", "name", "period")
_HEADER_ROWS = 15
_UNIT_SUFFIX = re.compile(r"^(.*?)\s*[（(\[【]([^）)\]】]*)[）)\]】]\s*$")


@dataclass(frozen=True)
class Column:
    """What a header cell names: a plant key (id/name/period), a fact or an indicator."""

    kind: str  # meta | fact | indicator
    key: str
    unit: str | None = None  # unit written in the header, for facts and indicators


@dataclass
class WideHeader:
    sheet: str
    row: int  # zero-based
    columns: dict[int, Column]
    ignored: dict[int, str]  # column -> header text not recognised
    # column -> the earlier column naming the same fact or indicator (by id and by name)
    repeated: dict[int, int] = field(default_factory=dict)

    @property
    def indicator_count(self) -> int:
        return sum(1 for c in self.columns.values() if c.kind == "indicator")


def _lookup(system: System) -> dict[str, Column]:
    table: dict[str, Column] = {}
    for ind in system.indicators:
        for a in (ind.name.zh, ind.name.en, ind.id):
            table[_key(a)] = Column("indicator", ind.id)
    for f in system.facts:
        for a in (f.name.zh, f.name.en, f.id):
            table[_key(a)] = Column("fact", f.id)
    for k in WIDE_META:
        for a in PLANT_KEYS[k]:
            table[_key(a)] = Column("meta", k)
    return table


def _column(text: Any, table: dict[str, Column]) -> Column | None:
    if text is None or not str(text).strip():
        return None
    found = table.get(_key(text))
    if found is not None:
        return found
    m = _UNIT_SUFFIX.match(str(text).strip())
    if m:
        base = table.get(_key(m.group(1)))
        if base is not None and base.kind in ("indicator", "fact"):
            return Column(base.kind, base.key, m.group(2).strip() or None)
        if base is not None:
            return base
    return None


def find_headers(sheets: dict[str, list[list[Any]]], system: System) -> dict[str, WideHeader]:
    """Each sheet's header row, for the sheets that have one: a plant id column and at least
    one indicator. Among a sheet's candidate rows the one naming most indicators wins, the
    later one on a tie, so the template's label row above its id row is skipped."""
    table = _lookup(system)
    found: dict[str, WideHeader] = {}
    for sheet, rows in sheets.items():
        for r, row in enumerate(rows[:_HEADER_ROWS]):
            cols: dict[int, Column] = {}
            ignored: dict[int, str] = {}
            seen: dict[tuple[str, str], int] = {}
            repeated: dict[int, int] = {}
            for c, cell in enumerate(row):
                col = _column(cell, table)
                if col is None:
                    if cell is not None and str(cell).strip():
                        ignored[c] = str(cell).strip()
                    continue
                if (col.kind, col.key) not in seen:
                    seen[(col.kind, col.key)] = c
                    cols[c] = col
                elif col.kind != "meta":
                    repeated[c] = seen[(col.kind, col.key)]
            head = WideHeader(sheet, r, cols, ignored, repeated)
            if ("meta", "id") not in seen or head.indicator_count == 0:
                continue
            best = found.get(sheet)
            if best is None or head.indicator_count >= best.indicator_count:
                found[sheet] = head
    return found


def find_header(sheets: dict[str, list[list[Any]]], system: System) -> WideHeader | None:
    """The header naming most indicators among every sheet's (the later sheet on a tie)."""
    best: WideHeader | None = None
    for head in find_headers(sheets, system).values():
        if best is None or head.indicator_count >= best.indicator_count:
            best = head
    return best
