"""Per-plant records kept by column: what a national wide workbook reads into.

A wide sheet of 100,000 plants would otherwise become 100,000 dicts of metadata and lists of
findings, built before anyone asks for them. :class:`WideBlock` keeps the plants of one sheet as
columns and makes a plant's metadata or findings when they are asked for (a scorecard, a JSON
line); lists ask for whole columns (:meth:`PerPlant.column`, :meth:`PerPlant.counts`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cpscore.common.errors import Finding, Location
from cpscore.common.per_plant import PerPlant

from .values import is_real
from .workbook import PlantRecord


@dataclass
class MissingCells:
    """The blank cells of one indicator column, each reported as a 'missing' finding."""

    indicator: str
    message: str
    letter: str  # the column, for the finding's cell
    mask: np.ndarray  # per plant of the block


@dataclass
class WideBlock:
    """The plants of one wide sheet, by column, in sheet order.

    Rows that needed interpretation were read cell by cell and are kept whole in ``slow``
    (position -> record); every other plant is a position in the columns.
    """

    file: str
    sheet: str
    sha256: str
    letters: dict[str, str]  # indicator id -> column letter (every plant shares them)
    meta_keys: tuple[str, ...]  # id, name, period: those the header has, in its order
    rows: np.ndarray  # 1-based sheet row of each plant
    meta: dict[str, list[Any]]  # meta key -> one value per plant
    values: dict[str, np.ndarray]  # fact or indicator id -> one value per plant (NaN/None: none)
    missing: list[MissingCells]
    notes: list[Finding]  # every plant's first findings (columns not read)
    absent: list[Finding]  # every plant's last findings (indicators without a column)
    slow: dict[int, PlantRecord] = field(default_factory=dict)
    extra: dict[int, list[Finding]] = field(default_factory=dict)  # added after reading

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def ids(self) -> list[Any]:
        return self.meta["id"]

    def frame(self) -> Any:
        """The plants as the scorer reads them (a DataFrame): one row each, fact and indicator
        columns."""
        import pandas as pd

        return pd.DataFrame(self.values, index=pd.Index([str(x) for x in self.ids]))

    def plant_meta(self, i: int) -> dict[str, Any]:
        rec = self.slow.get(i)
        if rec is not None:
            return {**rec.meta, "provenance": rec.provenance}
        meta = {k: self.meta[k][i] for k in self.meta_keys}
        meta.update(
            file=self.file,
            sheet=self.sheet,
            row=int(self.rows[i]),
            sha256=self.sha256,
            columns=self.letters,
            provenance={},
        )
        return meta

    def keep(self, mask: np.ndarray) -> WideBlock:
        """The block with only the plants where ``mask`` holds (others dropped by the batch)."""
        where = np.flatnonzero(mask)
        new = {int(old): k for k, old in enumerate(where.tolist())}
        return dataclasses.replace(
            self,
            rows=self.rows[where],
            meta={key: [col[i] for i in where.tolist()] for key, col in self.meta.items()},
            values={key: col[where] for key, col in self.values.items()},
            missing=[dataclasses.replace(m, mask=m.mask[where]) for m in self.missing],
            slow={new[i]: rec for i, rec in self.slow.items() if i in new},
            extra={new[i]: f for i, f in self.extra.items() if i in new},
        )

    def put(self, i: int, rec: PlantRecord) -> None:
        """Plant i as read cell by cell: its record stands for it instead of the columns."""
        for key in rec.row.keys() - self.values.keys():
            self.values[key] = np.full(len(self), None, dtype=object)
        for key, column in self.values.items():
            value = rec.row.get(key)
            if column.dtype.kind == "f" and not is_real(value):
                if value is not None:  # e.g. 'n/a' in a number column: kept as read
                    self.values[key] = column = column.astype(object)
                else:
                    value = np.nan
            column[i] = value
        for key, col in self.meta.items():
            col[i] = rec.meta.get(key)
        for m in self.missing:
            m.mask[i] = False
        self.slow[i] = rec

    def plant_findings(self, i: int) -> list[Finding]:
        """The sheet's notes, the plant's own cell findings, missing columns, later flags."""
        rec = self.slow.get(i)
        if rec is not None:
            own = rec.findings
        else:
            row = int(self.rows[i])
            own = [
                Finding(
                    "missing",
                    m.message,
                    m.indicator,
                    Location(self.file, self.sheet, f"{m.letter}{row}"),
                )
                for m in self.missing
                if m.mask[i]
            ]
        return [*self.notes, *own, *self.absent, *self.extra.get(i, [])]

    def meta_column(self, key: str) -> list[Any]:
        shared = {"file": self.file, "sheet": self.sheet, "sha256": self.sha256}
        if key in self.meta_keys:
            out = list(self.meta[key])
        elif key == "row":
            out = self.rows.tolist()
        elif key in shared:
            out = [shared[key]] * len(self)
        else:
            out = [None] * len(self)
        for i, rec in self.slow.items():
            out[i] = rec.meta.get(key)
        return out

    def finding_counts(self) -> np.ndarray:
        counts = np.full(len(self), len(self.notes) + len(self.absent), dtype=np.int64)
        for m in self.missing:
            counts += m.mask
        for i, rec in self.slow.items():  # their masks are cleared (put)
            counts[i] += len(rec.findings)
        for i, extra in self.extra.items():
            counts[i] += len(extra)
        return counts

    def meta_view(self) -> PerPlant[dict[str, Any]]:
        return PerPlant(len(self), self.plant_meta, self.meta_column)

    def findings_view(self) -> PerPlant[list[Finding]]:
        return PerPlant(len(self), self.plant_findings, counts=self.finding_counts)

    def records(self) -> list[PlantRecord]:
        """Every plant as a :class:`PlantRecord` (tests, and callers wanting dicts)."""
        frame = self.frame()
        out = []
        for i in range(len(self)):
            meta = self.plant_meta(i)
            provenance = meta.pop("provenance")
            rec = self.slow.get(i)
            row = rec.row if rec is not None else _present(frame.iloc[i].to_dict())
            out.append(PlantRecord(meta, row, self.plant_findings(i), provenance))
        return out


def _present(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None and not (isinstance(v, float) and v != v)}
