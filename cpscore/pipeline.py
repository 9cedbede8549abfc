"""One path from files to an evaluation: read (cpscore.read), then score and class (cpscore.engine).

``cpscore evaluate`` and ``cpscore batch`` both come through here, so a plant reads top to bottom:
the workbook is read whole, then evaluated, then a view renders the result; no stage calls back
into one already left.
"""

from __future__ import annotations

from collections.abc import Sequence

from cpscore.common.errors import WorkbookErrors
from cpscore.engine.evaluate import evaluate_frame, missing_value_errors
from cpscore.engine.evaluation import Evaluation
from cpscore.read.plant_rows import WideBlock
from cpscore.read.records import plants_of
from cpscore.read.workbook import PlantRecord, read_plant_workbook
from cpscore.system.model import System


def evaluate_records(system: System, records: Sequence[PlantRecord | WideBlock]) -> Evaluation:
    """Evaluate plants read from workbooks in one pass: :class:`cpscore.read.workbook.PlantRecord`\\ s
    and the column-kept plants of wide sheets (:class:`cpscore.read.plant_rows.WideBlock`)."""
    plants = plants_of(records)
    return evaluate_frame(system, plants.frame, plants.meta, plants.findings)


def evaluate_workbook(path: str, system: System, strict: bool = False) -> Evaluation:
    """Read one plant workbook and evaluate it (raises InputError naming file, sheet and cell).

    With ``strict``, any missing value of an applicable indicator or required fact is an error.
    """
    ev = evaluate_records(system, [read_plant_workbook(path, system)])
    if strict:
        errors = missing_value_errors(ev, 0)
        if errors:
            raise WorkbookErrors(errors) if len(errors) > 1 else errors[0]
    return ev
