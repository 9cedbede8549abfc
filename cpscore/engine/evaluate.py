"""The pipeline for a DataFrame of plants: prepare → score (vectorised) → decide (rules) → explain.

``evaluate_frame`` is the one code path; a single plant is a one-row frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from cpscore.common.errors import Finding, InputError, Location
from cpscore.common.i18n import Msg
from cpscore.engine.inputs import prepare
from cpscore.system.model import System

from .decision import decide
from .evaluation import Evaluation
from .scoring import Scores, score


def decision_columns(system: System, sc: Scores) -> dict[str, np.ndarray]:
    """The facts the rules read (scores, limiting checks, plant facts), one array per fact."""
    inp = sc.inputs
    inds = system.indicators
    applicable = ~inp.not_applicable
    limiting = np.array([ind.limiting for ind in inds], dtype=bool)
    columns: dict[str, np.ndarray] = dict(sc.scores)
    if system.method == "graded":
        for li, lv in enumerate(system.levels):
            ok = sc.meets[:, :, li] | ~applicable
            columns[f"limiting_{lv.id}"] = ok[:, limiting].all(axis=1)
            columns[f"non_limiting_{lv.id}"] = ok[:, ~limiting].all(axis=1)
            columns[f"all_{lv.id}"] = ok.all(axis=1)
    missing = applicable & ~inp.given
    columns["missing_count"] = missing.sum(axis=1).astype(float)
    columns["limiting_missing_count"] = missing[:, limiting].sum(axis=1).astype(float)
    for f in system.facts:
        columns[f.id] = inp.facts[f.id]
    return columns


def evaluate_frame(
    system: System,
    plants: pd.DataFrame,
    meta: Sequence[dict[str, Any]] | None = None,
    findings: Sequence[list[Finding]] | None = None,
) -> Evaluation:
    """Score and class every row of ``plants`` (columns: fact ids and indicator ids)."""
    inputs = prepare(system, plants)
    sc = score(system, inputs)
    columns = decision_columns(system, sc)
    labels = list(map(str, plants.index.tolist()))
    decisions = decide(system, columns, labels)
    meta = meta or [{"id": label} for label in labels]
    findings = findings or [[] for _ in labels]
    return Evaluation(system, sc, columns, decisions, meta, findings)  # type: ignore[arg-type]


def evaluate_plant(
    system: System,
    values: dict[str, Any],
    facts: dict[str, Any] | None = None,
    plant_id: str = "plant",
    lang: str = "zh",
) -> dict[str, Any]:
    """Evaluate one plant given as dicts; returns the result document."""
    frame = pd.DataFrame([{**(facts or {}), **values}], index=[plant_id])
    return evaluate_frame(system, frame).document(0, lang)


def missing_value_errors(ev: Evaluation, i: int) -> list[InputError]:
    """Plant i's applicable indicators and required facts without a value, as input errors.

    ``--strict`` turns these into a rejection; otherwise they score 0 at every level and are
    flagged (a missing value is never treated as "does not apply").
    """
    inp, sys = ev.inputs, ev.system
    meta = ev.meta[i] if ev.meta else {}
    file = str(meta.get("file", meta.get("id", "")))
    provenance = meta.get("provenance", {})
    errors: list[InputError] = []
    for f in sys.facts:
        value = inp.facts[f.id][i]
        if f.required and (value is None or (isinstance(value, float) and value != value)):
            errors.append(
                InputError(
                    "missing_value",
                    Location(file),
                    Msg("no value for the plant fact {name} ({id})", name=f.name, id=f.id),
                    "a value (--strict)",
                )
            )
    missing = ~inp.not_applicable[i] & ~inp.given[i]
    for j in np.flatnonzero(missing):
        ind = sys.indicators[j]
        sheet, _, cell = str(provenance.get(ind.id, {}).get("cell", "")).rpartition("!")
        errors.append(
            InputError(
                "missing_value",
                Location(file, sheet, cell),
                Msg("no value for {id} ({name})", id=ind.id, name=ind.name),
                Msg("a value, or n/a where the indicator does not apply to the plant (--strict)"),
            )
        )
    return errors


def results_frame(ev: Evaluation) -> pd.DataFrame:
    """One row per plant: class, rank, scores, the rule that fired, missing count and the level
    met by every indicator (``level.<id>``, '' when none). The tabular form of the documents.
    Every row names the system and its status (official, unverified, illustrative)."""
    sys_ = ev.system
    out = ev.summary()
    out.insert(0, "system", sys_.id)
    out.insert(1, "status", sys_.status)
    out["missing_count"] = ev.columns["missing_count"].astype(np.int64)
    names = np.array([lv.id for lv in sys_.levels] + [""], dtype=object)
    status = ev.scores.status
    for j, ind in enumerate(sys_.indicators):
        levels = names[ev.scores.level[:, j]]
        levels[status[:, j] != "ok"] = ""
        out[f"level.{ind.id}"] = levels
    return out


def score_frame(system: System, plants: pd.DataFrame) -> pd.DataFrame:
    """The pure scoring function: a DataFrame of plants in, a DataFrame of results out.

    It is what a distributed run maps over partitions (see :mod:`cpscore.batch.distributed`).
    """
    return results_frame(evaluate_frame(system, plants))
