"""The empty wide form (DESIGN §5): one row per plant, for ``cpscore batch``.

A label row a person reads, the id row the reader keys on (:mod:`cpscore.read.wide_header`),
then one row per plant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cpscore.common.atomic import atomic_path
from cpscore.common.i18n import N_, gettext_in, status_word
from cpscore.read.wide_header import WIDE_META, WIDE_SHEET
from cpscore.system.model import System

from .neutralise import cell_value
from .template import answer_choices


def _label(system: System, key: str, kind: str, lang: str) -> str:
    if kind == "meta":
        meta = {"id": N_("plant id"), "name": N_("plant name"), "period": N_("evaluation period")}
        return gettext_in(meta[key], lang)
    if kind == "fact":
        f = system.fact(key)
        assert f is not None
        extra = f" ({f.unit})" if f.unit else (f" [{'/'.join(f.values)}]" if f.values else "")
        return f.name.get(lang) + extra
    ind = system.indicator(key)
    if ind.quantitative:
        return f"{ind.name.get(lang)} ({ind.unit})" if ind.unit else ind.name.get(lang)
    return f"{ind.name.get(lang)} [{'/'.join(answer_choices(system, ind, lang))}]"


def wide_columns(system: System) -> list[tuple[str, str]]:
    """(kind, key) of every column of the wide form, in order."""
    return [
        *(("meta", k) for k in WIDE_META),
        *(("fact", f.id) for f in system.facts),
        *(("indicator", ind.id) for ind in system.indicators),
    ]


def write_wide_workbook(
    system: System,
    path: str | Path,
    lang: str = "zh",
    plants: list[dict[str, Any]] | None = None,
) -> Path:
    """The wide form: a label row, the id row the reader keys on, then one row per plant.

    ``plants`` (optional) fills rows: each a dict of column keys (id, name, period, fact and
    indicator ids) to values.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = WIDE_SHEET[lang]
    cols = wide_columns(system)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for c, (kind, key) in enumerate(cols, start=1):
        label = ws.cell(1, c, _label(system, key, kind, lang))
        label.font = bold
        label.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(2, c, key).font = Font(italic=True, color="808080")
        ws.column_dimensions[label.column_letter].width = 18
    ws.row_dimensions[1].height = 60
    for r, plant in enumerate(plants or [], start=3):
        for c, (_kind, key) in enumerate(cols, start=1):
            ws.cell(r, c, cell_value(plant.get(key)))
    for r in range(3, 3 + max(len(plants or []), 20)):
        for c in range(1, len(cols) + 1):
            ws.cell(r, c).fill = fill
    ws.freeze_panes = "B3"
    notes = wb.create_sheet(gettext_in(N_("Instructions"), lang))
    notice = system.notice.get(lang) if system.notice and not system.official else ""
    for r, line in enumerate(
        [
            system.title.get(lang),
            f"{system.id} · {status_word(system.status, lang)}",
            notice,
            gettext_in(
                N_(
                    "One row per plant; row 2 holds the column codes, keep it. Quantitative: a number in the unit of row 1; qualitative: the best level met; n/a where it does not apply."
                ),
                lang,
            ),
        ],
        start=1,
    ):
        notes.cell(r, 1, line)
    notes.column_dimensions["A"].width = 100
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)
