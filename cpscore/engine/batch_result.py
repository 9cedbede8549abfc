"""The outcome of evaluating many inputs: the plants evaluated, and every input rejected with why.

Made by :func:`cpscore.batch.run.run_batch`; the ranked list (:mod:`cpscore.engine.sector_list`)
and every batch output read it. Importing it costs no pandas, so reading workers can make
rejections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cpscore.common.errors import Finding
from cpscore.system.model import System

if TYPE_CHECKING:
    from .evaluation import Evaluation


@dataclass
class Rejection:
    """One input plant (a workbook, or a row of a wide workbook) that could not be evaluated."""

    file: str
    errors: list[dict[str, str]]  # InputError.as_dict(): kind, file, sheet, cell, found, expected
    plant_id: str | None = None
    row: int | None = None  # the row of a wide workbook

    @property
    def kind(self) -> str:
        return self.errors[0]["kind"] if self.errors else "internal"

    @staticmethod
    def reason_of(error: dict[str, str]) -> str:
        return f"{error['found']}; expected {error['expected']}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "plant_id": self.plant_id,
            "row": self.row,
            "errors": [{**e, "reason": self.reason_of(e)} for e in self.errors],
        }


@dataclass
class BatchResult:
    system: System
    evaluation: Evaluation | None  # None when no plant could be evaluated
    rejections: list[Rejection]
    files: list[str]
    notes: list[Finding] = field(default_factory=list)  # inputs skipped or counted once

    @property
    def evaluated(self) -> int:
        return self.evaluation.n if self.evaluation is not None else 0

    @property
    def inputs(self) -> int:
        """Input plants: every one is either evaluated or rejected."""
        return self.evaluated + len(self.rejections)

    @property
    def exit_code(self) -> int:
        """0 when every input plant was evaluated, 1 when some were rejected (and listed)."""
        return 1 if self.rejections else 0
