"""Plants read from workbooks, as what the engine evaluates: one frame, records and findings.

Plant workbooks give :class:`cpscore.read.workbook.PlantRecord`\\ s; wide sheets keep their
plants by column (:class:`cpscore.read.plant_rows.WideBlock`). Both become one DataFrame (a row
per plant: fact and indicator columns) with each plant's record and findings beside it. Imported
only by the process that scores: reading workers never import pandas.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from cpscore.common.errors import Finding
from cpscore.common.per_plant import PerPlant, concat

from .plant_rows import WideBlock
from .workbook import PlantRecord


@dataclass
class Plants:
    """The plants of one or more inputs, ready for :func:`cpscore.engine.evaluate.evaluate_frame`."""

    frame: pd.DataFrame
    meta: PerPlant[dict[str, Any]]
    findings: PerPlant[list[Finding]]


def plants_of(records: Sequence[PlantRecord | WideBlock]) -> Plants:
    """Records and wide blocks, in order, as one frame with their records and findings."""
    frames: list[pd.DataFrame] = []
    metas: list[Sequence[Any]] = []
    findings: list[Sequence[Any]] = []
    for is_block, group in itertools.groupby(records, key=lambda r: isinstance(r, WideBlock)):
        if is_block:
            for block in group:
                frames.append(block.frame())  # type: ignore[union-attr]
                metas.append(block.meta_view())  # type: ignore[union-attr]
                findings.append(block.findings_view())  # type: ignore[union-attr]
            continue
        recs = list(group)
        ids = [str(r.meta.get("id")) for r in recs]  # type: ignore[union-attr]
        frames.append(pd.DataFrame([r.row for r in recs], index=ids))  # type: ignore[union-attr]
        metas.append([{**r.meta, "provenance": r.provenance} for r in recs])  # type: ignore[union-attr]
        findings.append([list(r.findings) for r in recs])
    frame = frames[0] if len(frames) == 1 else pd.concat(frames)
    return Plants(frame, concat(metas), concat(findings))
