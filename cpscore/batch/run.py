"""Batch evaluation: every plant of a sector at once, as associations publish their lists.

Inputs are plant workbooks, folders (searched recursively for .xlsx) and wide workbooks (one row
per plant). Workbooks are *read* in parallel processes (durable-rules holds the GIL, so never
threads) into picklable :class:`~cpscore.read.workbook.PlantRecord`\\ s; scoring then runs once,
vectorised, over all plants in the parent. Every input plant is accounted for: it is evaluated,
or it is a :class:`Rejection` naming file, sheet, cell and reason. One bad file never stops the
batch, and the result does not depend on the number of processes.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, CancelledError, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cpscore.common.errors import Finding, InputError, Location, UsageError, WorkbookErrors
from cpscore.common.i18n import Msg, language, set_language
from cpscore.engine.batch_result import BatchResult, Rejection
from cpscore.read.plant_rows import WideBlock
from cpscore.read.workbook import PlantRecord
from cpscore.system.model import System

if TYPE_CHECKING:  # scoring (pandas, durable-rules) is not imported by reading workers
    pass

Progress = Callable[[int, int], None]  # (files done, files in all)


@dataclass
class FileResult:
    """What one input file yielded: plants read and plants rejected."""

    records: list[PlantRecord | WideBlock] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)  # e.g. a file cpscore wrote, skipped


# -- finding the input files -----------------------------------------------------------------


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Files as given, folders searched recursively for .xlsx; sorted per folder, no duplicates.

    Excel's lock files (``~$name.xlsx``) and hidden files are skipped. A named path that does not
    exist is a usage error (raised before anything is read).
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for item in inputs:
        p = Path(item)
        if not p.exists():
            raise UsageError(Msg("input {path}: no such file or folder", path=p))
        found = (
            sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() == ".xlsx"
                and not f.name.startswith(("~$", "."))
            )
            if p.is_dir()
            else [p]
        )
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


# -- reading one file (in a worker process) --------------------------------------------------


def _rejection(path: Path, errors: list[InputError], **kw: Any) -> Rejection:
    return Rejection(str(path), [e.as_dict() for e in errors], **kw)


def read_input(
    path: str | Path, system: System, meanwhile: Callable[[], None] | None = None
) -> FileResult:
    """One input file: a plant workbook or a wide workbook. Never raises.

    ``meanwhile`` runs while calamine parses a large file in its thread (see open_workbook).
    """
    from cpscore.read.workbook import has_indicator_sheet, open_workbook, plant_from_sheets

    path = Path(path)
    try:
        if not path.is_file():
            raise InputError(
                "no_file", Location(str(path)), Msg("no such file"), "a workbook (.xlsx)"
            )
        opened = open_workbook(path, meanwhile)
        if opened.inspection.output_of:  # a list or scorecard of an earlier run: not a plant
            note = Msg(
                "skipped: a {what} written by cpscore, not a submission",
                what=opened.inspection.output_of,
            )
            return FileResult(notes=[Finding("cpscore_output", note, location=Location(str(path)))])
        sheets = opened.sheets
        if has_indicator_sheet(sheets):
            return FileResult([plant_from_sheets(path, opened, system)])
        from cpscore.read.wide import read_wide_sheets
        from cpscore.read.wide_header import find_headers
        from cpscore.read.workbook import choose_sheet

        heads = find_headers(sheets, system)
        states = {name: info.state for name, info in opened.inspection.sheets.items()}
        chosen: list[Finding] = []
        # Two sheets with a wide table (a copy, a hidden old one): the visible one, or refused.
        sheet = choose_sheet(path, list(heads), states, chosen)
        header = heads[sheet] if sheet is not None else None
        if header is None:
            raise InputError(
                "missing_sheet",
                Location(str(path)),
                Msg(
                    "sheets {x1} with neither an indicator sheet nor a wide table", x1=list(sheets)
                ),
                Msg(
                    "a plant workbook (sheet 指标数据 / Indicators) or a wide workbook (a header row with 企业编号/id and indicator columns; cpscore template S --wide)"
                ),
            )
        block, rows = read_wide_sheets(
            path, sheets, system, header, opened.inspection.sheets, sha256=opened.sha256
        )
        block.notes[:0] = [*opened.inspection.findings, *chosen]
        return FileResult(
            [block] if len(block) else [],
            [_rejection(path, r.errors, plant_id=r.plant_id, row=r.row) for r in rows],
        )
    except Exception as e:
        return _rejected(path, e)


def read_plant(path: str | Path, system: System) -> FileResult:
    """One plant workbook, read as ``cpscore evaluate`` reads it (the same errors). Never raises."""
    from cpscore.read.workbook import read_plant_workbook

    path = Path(path)
    try:
        return FileResult([read_plant_workbook(path, system)])
    except Exception as e:
        return _rejected(path, e)


def _rejected(path: Path, e: Exception) -> FileResult:
    """The file's input errors as its rejection; any other exception is a defect in cpscore or
    a library, reported as one, never a traceback."""
    if isinstance(e, WorkbookErrors):
        return FileResult(rejections=[_rejection(path, e.errors)])
    if isinstance(e, InputError):
        return FileResult(rejections=[_rejection(path, [e])])
    return FileResult(rejections=[_internal(path, f"{type(e).__name__}: {e}")])


def _internal(path: Path, message: str) -> Rejection:
    error = InputError(
        "internal",
        Location(str(path)),
        message,
        Msg("a readable workbook (this is a cpscore defect; please report it with the file)"),
    )
    return _rejection(path, [error])


def import_scoring() -> None:
    """Import what scores and writes the list (pandas, durable-rules, openpyxl): this process
    does so while calamine parses a large workbook in its thread, instead of before reading."""
    import openpyxl.chart  # noqa: F401


_WORKER_SYSTEM: System | None = None
_WATCH_EVERY = 0.5  # seconds between a worker's looks at its parent


def _init_worker(system: System, parent: int | None = None, lang: str | None = None) -> None:
    """A reading worker: Ctrl-C is the parent's to handle (no traceback from each worker), the
    worker exits as soon as the process that started the batch is gone, and the texts it builds
    are in the batch's language (``--lang``, not only CPSCORE_LANG)."""
    global _WORKER_SYSTEM
    _WORKER_SYSTEM = system
    set_language(lang)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if parent is not None:
        threading.Thread(
            target=_watch_parent, args=(parent, os.getppid()), name="cpscore-watch", daemon=True
        ).start()


def _die_with_parent() -> None:
    """Linux: the kernel kills this process when its parent (the forkserver, which itself exits
    with the batch's process) dies, even while a parser holds the GIL."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _watch_parent(parent: int, ppid: int) -> None:
    """Exit when the batch's process has gone (every platform; a thread needs the GIL)."""
    while True:
        time.sleep(_WATCH_EVERY)
        try:
            os.kill(parent, 0)
            alive = os.getppid() == ppid
        except ProcessLookupError:
            alive = False
        except OSError:
            alive = True  # it exists, owned by someone else: cannot be ours gone
        if not alive:
            os._exit(1)


def _read_in_worker(path: str) -> FileResult:
    assert _WORKER_SYSTEM is not None
    return read_input(path, _WORKER_SYSTEM)


def _task_in_worker(task: Callable[..., FileResult], path: str, args: tuple) -> FileResult:
    assert _WORKER_SYSTEM is not None
    return task(path, _WORKER_SYSTEM, *args)


def _read_chunk_in_worker(paths: list[str]) -> list[FileResult]:
    return [_read_in_worker(p) for p in paths]


def _context() -> Any:
    # Not fork: the parent may hold durable-rules timer threads, and forking a threaded process
    # can deadlock. forkserver starts workers from a clean process (spawn where unavailable).
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    # Imported once, not per worker; reading needs neither pandas nor durable-rules, so a
    # worker is ready in a fraction of the seconds they take to import (wide sheets import
    # pandas when the first one is read).
    ctx.set_forkserver_preload(["cpscore.batch.run", "python_calamine"])
    return ctx


def _read_isolated(path: Path, system: System) -> FileResult:
    """Re-read one file in a process of its own after a worker died (e.g. a crash in a reader),
    or here when no process can be started at all."""
    try:
        with ProcessPoolExecutor(
            1, _context(), _init_worker, (system, os.getpid(), language())
        ) as ex:
            future = ex.submit(_read_in_worker, str(path))
    except OSError:  # no process could be started (a sandbox, a process limit)
        return read_input(path, system)
    try:
        return future.result()
    except BrokenProcessPool:
        return FileResult(rejections=[_internal(path, "the workbook reader crashed on this file")])


def read_inputs(
    paths: list[Path], system: System, jobs: int | None = None, progress: Progress | None = None
) -> list[FileResult]:
    """Read every file, in parallel when jobs > 1; results in the order of ``paths``.

    Chunks of files are taken from the front for the workers and from the back by this process,
    until none is left: the time a worker needs to start is spent reading here, not waiting, so
    a batch is never slower in parallel than in one process.
    """
    if jobs is None:
        jobs = os.cpu_count() or 1
    jobs = max(1, min(jobs, len(paths)))
    total = len(paths)
    tick = progress or (lambda _done, _total: None)
    tick(0, total)
    if jobs == 1:
        results = []
        for k, p in enumerate(paths):
            results.append(read_input(p, system, import_scoring))
            tick(k + 1, total)
        return results
    size = max(4, min(32, total // (jobs * 32) or 1))
    chunks = _Chunks([paths[i : i + size] for i in range(0, total, size)], total, tick)
    # jobs counts this process too: it reads alongside jobs - 1 workers, fed by a thread (so
    # starting the pool, which takes a moment, does not hold up the reading here).
    ex = ProcessPoolExecutor(jobs - 1, _context(), _init_worker, (system, os.getpid(), language()))
    try:
        feeder = threading.Thread(
            target=chunks.feed, args=(ex, jobs), name="cpscore-feed", daemon=True
        )
        feeder.start()
        while (k := chunks.take(back=True)) is not None:
            chunks.done(k, [read_input(p, system, import_scoring) for p in chunks.paths[k]])
        feeder.join()
    except BaseException:  # Ctrl-C: stop the workers now, do not wait for their chunks
        _stop(ex)
        raise
    ex.shutdown(wait=True)
    results: list[FileResult] = []
    for k, chunk in enumerate(chunks.paths):
        got = chunks.got[k]
        if got is None:  # its worker died (e.g. a crash in a reader): file by file, isolated
            got = [_read_isolated(p, system) for p in chunk]
            chunks.done(k, got)
        results += got
    return results


def _stop(ex: ProcessPoolExecutor) -> None:
    processes = list((getattr(ex, "_processes", None) or {}).values())
    ex.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.terminate()


class _Chunks:
    """Chunks of paths claimed from either end, and what reading them gave."""

    def __init__(self, paths: list[list[Path]], total: int, tick: Progress):
        self.paths, self.total, self.tick = paths, total, tick
        self.got: list[list[FileResult] | None] = [None] * len(paths)
        self.lo, self.hi, self.read = 0, len(paths), 0
        self.lock = threading.Lock()

    def take(self, back: bool) -> int | None:
        with self.lock:
            if self.lo >= self.hi:
                return None
            if back:
                self.hi -= 1
                return self.hi
            self.lo += 1
            return self.lo - 1

    def done(self, k: int, got: list[FileResult]) -> None:
        with self.lock:
            self.got[k] = got
            self.read += len(got)
            self.tick(self.read, self.total)

    def feed(self, ex: ProcessPoolExecutor, jobs: int) -> None:
        """Keep each worker one chunk ahead, from the front, until the chunks run out."""
        running: dict[Any, int] = {}
        try:
            while True:
                while len(running) < jobs and (k := self.take(back=False)) is not None:
                    running[ex.submit(_read_chunk_in_worker, [str(p) for p in self.paths[k]])] = k
                if not running:
                    return
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in finished:
                    self.done(running.pop(fut), fut.result())
        except (BrokenProcessPool, OSError):
            return  # a worker died, or none could start: chunks left are read again, isolated
        except (RuntimeError, CancelledError):  # the pool was shut down under it (Ctrl-C)
            return


# -- the batch -------------------------------------------------------------------------------


@dataclass
class _Occurrence:
    """One plant as found in one input: a workbook, or a row of a wide workbook."""

    pid: str
    sha: str
    file: str
    where: str
    record: int  # index into the records
    position: int | None = None  # the plant's position in a wide block
    row: int | None = None


def _occurrences(records: list[PlantRecord | WideBlock]) -> list[_Occurrence]:
    out = []
    for k, r in enumerate(records):
        if isinstance(r, WideBlock):
            for i, (pid, row) in enumerate(zip(r.ids, r.rows.tolist(), strict=True)):
                out.append(
                    _Occurrence(str(pid), r.sha256, r.file, f"{r.file} row {row}", k, i, row)
                )
        else:
            file = str(r.meta.get("file", ""))
            row = r.meta.get("row")
            where = file + (f" row {row}" if row else "")
            out.append(
                _Occurrence(str(r.meta.get("id")), str(r.meta.get("sha256")), file, where, k)
            )
    return out


def resolve_duplicates(
    records: list[PlantRecord | WideBlock],
) -> tuple[list[PlantRecord | WideBlock], list[Rejection], list[Finding]]:
    """One plant id in two inputs. Byte-identical files (a submission sent twice) count once,
    with a note; different content under one id is neither ranked nor counted: every copy is
    rejected as ``duplicate_plant``, naming the other files."""
    groups: dict[str, list[_Occurrence]] = {}
    for o in _occurrences(records):
        groups.setdefault(o.pid, []).append(o)
    dropped: set[tuple[int, int | None]] = set()
    rejections: list[Rejection] = []
    notes: list[Finding] = []
    for pid, found in groups.items():
        if len(found) < 2:
            continue
        first, rest = found[0], []
        for o in found[1:]:
            if o.sha == first.sha and o.file != first.file:
                dropped.add((o.record, o.position))
                notes.append(
                    Finding(
                        "duplicate_file",
                        Msg(
                            "plant {pid}: the file is byte-identical to {first}; counted once",
                            pid=pid,
                            first=first.file,
                        ),
                        location=Location(o.file),
                    )
                )
            else:
                rest.append(o)
        if not rest:
            continue
        clash = [first, *rest]
        for o in clash:
            dropped.add((o.record, o.position))
            others = ", ".join(x.where for x in clash if x is not o)
            error = InputError(
                "duplicate_plant",
                Location(o.file),
                Msg(
                    "plant id {pid} also in {others}, with different content",
                    pid=pid,
                    others=others,
                ),
                Msg(
                    "one submission per plant: remove the wrong one (neither is ranked or counted)"
                ),
            )
            rejections.append(_rejection(Path(o.file), [error], plant_id=pid, row=o.row))
    kept: list[PlantRecord | WideBlock] = []
    for k, r in enumerate(records):
        if isinstance(r, WideBlock):
            mask = np.array([(k, i) not in dropped for i in range(len(r))], dtype=bool)
            block = r if mask.all() else r.keep(mask)
            if len(block):
                kept.append(block)
        elif (k, None) not in dropped:
            kept.append(r)
    return kept, rejections, notes


def run_batch(
    system: System,
    inputs: Iterable[str | Path],
    jobs: int | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Read, score and class every input plant; rejections listed, never raised."""
    paths = expand_inputs(inputs)
    if not paths:
        raise UsageError(Msg("no input workbooks: name .xlsx files or folders that contain some"))
    files = read_inputs(paths, system, jobs, progress)
    records, duplicates, notes = resolve_duplicates([rec for f in files for rec in f.records])
    rejections = [rej for f in files for rej in f.rejections] + duplicates
    notes = [n for f in files for n in f.notes] + notes
    from cpscore.pipeline import evaluate_records

    evaluation = evaluate_records(system, records) if records else None
    return BatchResult(system, evaluation, rejections, [str(p) for p in paths], notes)


# -- reading for a long-running service ------------------------------------------------------


class ReadingPool:
    """Worker processes that read workbooks for one system, kept warm across many files.

    For a service that reads uploads one by one: a file never reaches a parser in the calling
    process. A reader that crashes or hangs costs its own file a rejection and the pool is
    started again; other files that were being read when it broke are read once more.
    """

    def __init__(self, system: System, workers: int = 1, timeout: float = 120.0):
        self.system, self.workers, self.timeout = system, max(1, workers), timeout
        self._ex: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._ex is None:
                self._ex = ProcessPoolExecutor(
                    self.workers, _context(), _init_worker, (self.system,)
                )
            return self._ex

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._ex is broken:
                self._ex = None
        for proc in list(getattr(broken, "_processes", {}).values()):
            proc.kill()  # a hung reader: the pool cannot cancel a running task otherwise
        broken.shutdown(wait=False, cancel_futures=True)

    def read(
        self, path: str | Path, task: Callable[..., FileResult] = read_input, *args: Any
    ) -> FileResult:
        """``task(path, system, *args)`` in a worker process: by default read one file as
        ``cpscore batch`` does (:func:`read_plant`: as ``cpscore evaluate`` does). The task is a
        module-level function that never raises; a crash or a hang is a rejection."""
        path = Path(path)
        for attempt in (1, 2):
            try:
                ex = self._pool()
                future = ex.submit(_task_in_worker, task, str(path), args)
            except (OSError, RuntimeError):  # no process could be started, or pool shut down
                if attempt == 2:
                    return FileResult(
                        rejections=[_internal(path, "no reading process could be started")]
                    )
                continue
            try:
                return future.result(timeout=self.timeout)
            except TimeoutError:
                self._restart(ex)
                return FileResult(
                    rejections=[_internal(path, f"reading took over {self.timeout:.0f} s")]
                )
            except BrokenProcessPool:
                self._restart(ex)  # another file may have broken it: try once more
        return FileResult(rejections=[_internal(path, "the workbook reader crashed on this file")])

    def close(self) -> None:
        with self._lock:
            ex, self._ex = self._ex, None
        if ex is not None:
            ex.shutdown(wait=True, cancel_futures=True)
