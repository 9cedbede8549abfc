"""Evaluating one uploaded workbook: read in a worker process, scored here, named as uploaded.

Both the campaign upload and the stateless API come through :class:`Evaluator`. Reading (the
safety inspection and the parsers) happens only in :class:`cpscore.batch.run.ReadingPool`'s
processes; this process scores the records they return, one evaluation at a time (durable-rules
keeps one session per ruleset, so two threads must never score at once).
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cpscore.batch.run import FileResult, ReadingPool
from cpscore.common.errors import InputError, Location
from cpscore.system.model import System

if TYPE_CHECKING:
    from cpscore.engine.evaluation import Evaluation

_SCORING = threading.Lock()


@dataclass
class Outcome:
    """One upload: its plant records and evaluation, or the errors that stopped it."""

    records: list[Any] = field(default_factory=list)
    evaluation: Evaluation | None = None
    errors: list[dict[str, str]] = field(default_factory=list)  # InputError.as_dict()

    @property
    def ok(self) -> bool:
        return self.evaluation is not None


def relabel(obj: Any, old: str, new: str) -> Any:
    """Every string in ``obj`` (dicts, lists, dataclasses, in place) with ``old`` put as ``new``:
    messages name the file as the firm called it, not where the service keeps it."""
    if isinstance(obj, str):
        return obj.replace(old, new)
    if isinstance(obj, dict):
        for k, v in obj.items():
            obj[k] = relabel(v, old, new)
    elif isinstance(obj, list):
        for k, v in enumerate(obj):
            obj[k] = relabel(v, old, new)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            setattr(obj, f.name, relabel(getattr(obj, f.name), old, new))
    return obj


def message(error: dict[str, str]) -> str:
    """The one line the CLI prints for an input error."""
    where = Location(error.get("file", ""), error.get("sheet", ""), error.get("cell", ""))
    return InputError(error["kind"], where, error["found"], error["expected"]).describe()


def score(system: System, records: list[Any]) -> Evaluation:
    from cpscore.engine.evaluate import evaluate_records

    with _SCORING:
        return evaluate_records(system, records)


class Evaluator:
    """Reading pools per system (started on first use), shared by every request."""

    def __init__(self, workers: int = 1, timeout: float = 120.0):
        self.workers, self.timeout = workers, timeout
        self._pools: dict[str, ReadingPool] = {}
        self._lock = threading.Lock()

    def pool(self, system: System) -> ReadingPool:
        with self._lock:
            key = f"{system.id}:{system.sha256}"
            if key not in self._pools:
                self._pools[key] = ReadingPool(system, self.workers, self.timeout, plants_only=True)
            return self._pools[key]

    def read(self, system: System, path: Path, name: str) -> FileResult:
        result = self.pool(system).read(path)
        return relabel(result, str(path), name)

    def evaluate(self, system: System, path: Path, name: str, strict: bool = False) -> Outcome:
        read = self.read(system, path, name)
        if read.rejections:
            return Outcome(errors=[e for r in read.rejections for e in r.errors])
        ev = score(system, read.records)
        if strict:
            from cpscore.engine.evaluate import missing_value_errors

            errors = missing_value_errors(ev, 0)
            if errors:
                return Outcome(errors=[e.as_dict() for e in errors])
        return Outcome(read.records, ev)

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for p in pools:
            p.close()
