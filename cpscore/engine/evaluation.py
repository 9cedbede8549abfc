"""The evaluation of n plants under one system: what every view and document reads.

Made by :func:`cpscore.engine.evaluate.evaluate_frame`; holds the scores, the decision facts, the
decision per plant and each plant's record and findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from cpscore.common.errors import Finding
from cpscore.common.per_plant import PerPlant, as_per_plant
from cpscore.engine.inputs import Inputs
from cpscore.system.model import System

from .decision import Decision, _plain
from .scoring import Scores

if TYPE_CHECKING:
    from .next_class import NextClassPath


@dataclass
class Evaluation:
    """Results for n plants under one system; views (text, JSON, Excel) read from here."""

    system: System
    scores: Scores
    columns: dict[str, np.ndarray]  # decision facts, one array per fact
    decisions: list[Decision]
    # Per plant: its record (id, name, period, source …) and the findings of reading it. Lists
    # are taken as they are; wide sheets make them on demand (cpscore.read.plant_rows), and whole
    # columns are asked for with meta.column(key) and findings.counts().
    meta: PerPlant[dict[str, Any]]
    findings: PerPlant[list[Finding]]

    def __post_init__(self) -> None:
        self.meta = as_per_plant(self.meta)
        self.findings = as_per_plant(self.findings)

    @property
    def inputs(self) -> Inputs:
        return self.scores.inputs

    def facts(self, i: int) -> dict[str, Any]:
        """The decision facts of plant i (what the rules read)."""
        return facts_of(self.columns, i)

    @property
    def n(self) -> int:
        return self.inputs.n

    @cached_property
    def class_ranks(self) -> np.ndarray:
        """Per plant, the index of its class in ``system.classes`` (0 = best)."""
        table = self.system.class_index
        return np.fromiter((table[d.klass] for d in self.decisions), np.int64, len(self.decisions))

    def summary(self) -> pd.DataFrame:
        """One row per plant: class, rank (0 = best), scores and the rule that fired."""
        data: dict[str, Any] = {
            "class": [d.klass for d in self.decisions],
            "class_rank": self.class_ranks,
        }
        data.update(self.scores.scores)
        data["rule"] = [d.rule for d in self.decisions]
        return pd.DataFrame(data, index=self.inputs.index)

    def document(self, i: int, lang: str = "zh") -> dict[str, Any]:
        """Plant i's result document (schemas/result.schema.json): what every view renders."""
        from .result import build_document

        return build_document(self, i, lang)

    def next_class_path(self, i: int, lang: str = "zh") -> NextClassPath:
        """Plant i's cheapest improvements to the next class (升级路径), for the scorecard."""
        from .next_class import path_to_next_class

        return path_to_next_class(self, i, lang)


def facts_of(columns: dict[str, np.ndarray], i: int) -> dict[str, Any]:
    """The decision facts of plant i as plain Python values (for reasons and blockers)."""
    return {k: _plain(v[i]) for k, v in columns.items()}
