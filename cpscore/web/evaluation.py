"""Evaluating one uploaded workbook, entirely in a worker process, named as it was uploaded.

Both the campaign upload and the stateless API come through :class:`Evaluator`. The worker
processes of :class:`cpscore.batch.run.ReadingPool` read the file (the safety inspection and the
reader of ``cpscore evaluate``), score it and make the result documents, the path to the next
class and, when asked, the scorecard: uploads are scored in parallel on every core, and a reader
or engine that crashes costs that upload a rejection, never the service. This process scores only
the campaign lists (one at a time: durable-rules keeps one session per ruleset).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cpscore.batch.run import FileResult, ReadingPool, read_plant
from cpscore.common.errors import InputError, Location
from cpscore.common.i18n import Msg, set_language
from cpscore.engine.batch_result import Rejection
from cpscore.system.model import System

if TYPE_CHECKING:
    from cpscore.engine.evaluation import Evaluation

_SCORING = threading.Lock()
LANGS = ("zh", "en")


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


def line(error: dict[str, str]) -> str:
    """The one line the CLI prints for an input error, in the language in force."""
    where = Location(error.get("file", ""), error.get("sheet", ""), error.get("cell", ""))
    return InputError(error["kind"], where, error["found"], error["expected"]).describe()


def plain(obj: Any) -> Any:
    """JSON-safe: non-finite numbers become null (PostgreSQL's JSON refuses NaN)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    return obj


@dataclass
class Wanted:
    """What to make of one upload."""

    name: str  # the file as uploaded
    # Languages of the documents, paths and errors (the first is read in; errors are rendered
    # in the worker, which runs one task at a time, so its process language can be set).
    langs: tuple[str, ...] = LANGS  # result documents (and paths to the next class) wanted
    paths: bool = True
    strict: bool = False
    scorecard: str | None = None  # the scorecard's language, when one is wanted
    evaluated_at: dt.datetime | None = None
    tmp: str = ""  # where the worker may write the scorecard


@dataclass
class Refused(FileResult):
    """An upload that cannot be evaluated: its errors in each language asked for, each with the
    CLI's line (``line``)."""

    errors: dict[str, list[dict[str, str]]] = field(default_factory=dict)


@dataclass
class Evaluated(FileResult):
    documents: dict[str, Any] = field(default_factory=dict)
    paths: dict[str, Any] = field(default_factory=dict)
    klass: str | None = None
    score: float | None = None
    scorecard: bytes | None = None


def _refused(want: Wanted, errors_in: Callable[[], list[dict[str, str]]]) -> Refused:
    """``errors_in()`` (InputError dicts) rendered in every language wanted."""
    by_lang = {}
    for lang in want.langs or LANGS[:1]:
        set_language(lang)
        by_lang[lang] = [{**e, "line": line(e)} for e in errors_in()]
    set_language(want.langs[0] if want.langs else None)
    first = next(iter(by_lang.values()))
    return Refused(rejections=[Rejection(want.name, first)], errors=by_lang)


def _read(path: str, system: System, want: Wanted) -> FileResult:
    return relabel(read_plant(path, system), path, want.name)


def evaluate_upload(path: str, system: System, want: Wanted) -> FileResult:
    """In a worker: read, score and explain one plant workbook. Never raises."""
    set_language(want.langs[0] if want.langs else None)
    read = _read(path, system, want)
    if read.rejections:
        first = [e for r in read.rejections for e in r.errors]
        again = iter([first])  # the first language's errors are those just read

        def errors_in() -> list[dict[str, str]]:
            got = next(again, None)
            if got is None:  # another language: read once more, the messages in it
                got = [e for r in _read(path, system, want).rejections for e in r.errors]
            return got

        return _refused(want, errors_in)
    try:
        from cpscore.engine.evaluate import missing_value_errors
        from cpscore.engine.sector_list import rank_score
        from cpscore.pipeline import evaluate_records

        ev = evaluate_records(system, read.records)
        if want.strict and (errors := missing_value_errors(ev, 0)):
            return _refused(want, lambda: [e.as_dict() for e in errors])
        out = Evaluated(
            read.records,
            documents={lang: plain(ev.document(0, lang)) for lang in want.langs},
            paths={
                lang: plain(ev.next_class_path(0, lang).as_dict())
                for lang in (want.langs if want.paths else ())
            },
            klass=ev.decisions[0].klass,
            score=plain(float(rank_score(ev)[0])),
        )
        if want.scorecard:
            out.scorecard = scorecard_bytes(ev, want.scorecard, Path(want.tmp), want.evaluated_at)
        return out
    except Exception as e:  # a defect in cpscore or a library, or a system file's: reported
        found = f"{type(e).__name__}: {e}".replace(path, want.name)
        error = InputError(
            "internal",
            Location(want.name),
            found,
            Msg("a workbook cpscore can evaluate (this is a cpscore defect; please report it)"),
        )
        return _refused(want, lambda: [error.as_dict()])


def scorecard_bytes(ev: Evaluation, lang: str, tmp: Path, when: dt.datetime | None) -> bytes:
    from cpscore.views.scorecard import write_scorecard

    tmp.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp) as d:
        return write_scorecard(ev, 0, Path(d) / "scorecard.xlsx", lang, when).read_bytes()


@dataclass
class Outcome:
    """One upload: what the worker made of it, or the errors that stopped it (per language:
    InputError.as_dict() with the CLI's ``line``)."""

    result: Evaluated | None = None
    errors: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.result is not None


def score(system: System, records: list[Any]) -> Evaluation:
    """Score plants in this process (the campaign lists), one evaluation at a time."""
    from cpscore.pipeline import evaluate_records

    with _SCORING:
        return evaluate_records(system, records)


class Evaluator:
    """Worker pools per system (started on first use), shared by every request."""

    def __init__(self, workers: int = 1, timeout: float = 120.0):
        self.workers, self.timeout = workers, timeout
        self._pools: dict[str, ReadingPool] = {}
        self._lock = threading.Lock()

    def pool(self, system: System) -> ReadingPool:
        with self._lock:
            key = f"{system.id}:{system.sha256}"
            if key not in self._pools:
                self._pools[key] = ReadingPool(system, self.workers, self.timeout)
            return self._pools[key]

    def read(self, system: System, path: Path, name: str) -> FileResult:
        """The plant records of a stored file (for a list), read as ``cpscore evaluate`` does."""
        return relabel(self.pool(system).read(path, read_plant), str(path), name)

    def evaluate(self, system: System, path: Path, want: Wanted) -> Outcome:
        got = self.pool(system).read(path, evaluate_upload, want)
        if isinstance(got, Evaluated):
            return Outcome(got)
        if isinstance(got, Refused):
            return Outcome(errors=got.errors)
        # The pool's own report (a worker crashed or hung), in this process's language.
        relabel(got, str(path), want.name)
        errors = [{**e, "line": line(e)} for r in got.rejections for e in r.errors]
        return Outcome(errors={lang: errors for lang in want.langs or LANGS[:1]})

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for p in pools:
            p.close()
