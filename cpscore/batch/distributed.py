"""National-scale runs on a Dask cluster: the same scoring function over pieces of parquet or CSV
tables, one task per piece, one computation for the whole job.

Inputs are plant tables (one row per plant-period; :mod:`cpscore.read.table`). Each task reads
its piece (a parquet file's row groups, or a CSV file) in chunks of ``chunk_rows`` rows, and for
each chunk rejects the rows that cannot be scored as written, scores the rest with
:func:`cpscore.engine.evaluate.score_frame`, appends both to its part files and counts the
results. Memory is bounded by the chunk, not by the table; nothing is shuffled (scoring is
row-wise: the id and the period stay columns, nothing is sorted or indexed); the graph is
computed once, and its only result is the summed counts of the summary
(:mod:`cpscore.batch.table_summary`). Workers compile the system's rules once per process.

For a Dask DataFrame of plants you already hold, :func:`score_dask` maps the scoring function
over its partitions lazily.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cpscore.common.errors import UsageError
from cpscore.common.i18n import _, language, set_language
from cpscore.engine.evaluate import score_frame
from cpscore.engine.rejections import rejected_rows
from cpscore.read.table import (
    ID_COLUMNS,
    CsvRange,
    TableLayout,
    csv_encoding,
    csv_ranges,
    identity_texts,
    open_csv_range,
    table_columns,
    table_files,
    table_kind,
    table_layout,
)
from cpscore.system.model import System

from . import table_summary
from .allocator import WORKER_ENVIRON, keep_large_allocations
from .table_outputs import REJECTED_COLUMNS, Parts, TableOutputs

__all__ = ["ID_COLUMNS", "TableRun", "run", "run_on_cluster", "score_dask", "score_partition"]

CHUNK_ROWS = 100_000  # rows scored at once: bounds a worker's memory
WAIT_FOR_WORKERS = 60  # seconds a scheduler may take to have a worker
PIECE_ROWS = 200_000  # parquet row groups are grouped into tasks of about this many rows
PIECE_BYTES = 32 << 20  # a CSV file is cut into tasks of about this many bytes (~200,000 rows)


# -- the scoring function, on rows that carry their id and period as columns --------------------


def score_partition(part: pd.DataFrame, system: System) -> pd.DataFrame:
    """The pandas scoring function on one partition indexed by plant id (for :func:`score_dask`)."""
    return score_frame(system, part)


def score_dask(frame: Any, system: System) -> Any:
    """Map the scoring function over every partition of a Dask DataFrame indexed by plant id
    (lazy; no shuffle: the index need not be sorted)."""
    meta = score_frame(system, pd.DataFrame(index=pd.Index(["_"], name=frame.index.name))).iloc[:0]
    return frame.map_partitions(score_partition, system, meta=meta)


def score_rows(system: System, rows: pd.DataFrame, layout: TableLayout) -> pd.DataFrame:
    """Score table rows: id (as text) and period first, then the results columns."""
    ids = identity_texts(rows[layout.id_column])
    plants = rows.drop(columns=[c for c in (layout.id_column, layout.period_column) if c])
    plants.index = pd.Index(ids, name=layout.id_column)
    out = score_frame(system, plants).reset_index()
    if layout.period_column:
        out.insert(1, layout.period_column, _periods(rows, layout))
    return out


def _periods(rows: pd.DataFrame, layout: TableLayout) -> np.ndarray:
    if not layout.period_column:
        return np.full(len(rows), "", dtype=object)
    return identity_texts(rows[layout.period_column])


def _arrow_schema(frame: pd.DataFrame) -> Any:
    """Every part file gets the same schema, whatever its rows hold (a part whose ``rule`` is
    all empty would otherwise be typed null and not read with the others)."""
    import pyarrow as pa

    def arrow(dtype: Any) -> Any:
        kind = np.dtype(dtype).kind if isinstance(dtype, np.dtype) else "O"
        return {"i": pa.int64(), "f": pa.float64(), "b": pa.bool_()}.get(kind, pa.string())

    return pa.schema([(str(c), arrow(frame[c].dtype)) for c in frame.columns])


def results_probe(system: System, layout: TableLayout) -> pd.DataFrame:
    """An empty results table with the real columns (one empty row taken through the path)."""
    probe = pd.DataFrame({layout.id_column: ["_"]})
    if layout.period_column:
        probe[layout.period_column] = ["_"]
    return score_rows(system, probe, layout).iloc[:0]


def rejected_columns(layout: TableLayout) -> list[str]:
    head = [layout.id_column, *([layout.period_column] if layout.period_column else [])]
    return [*head, "file", "row", *REJECTED_COLUMNS]


# -- one task: a piece of a table, read and scored chunk by chunk ------------------------------


@dataclass(frozen=True)
class Piece:
    """What one task reads: some row groups of a parquet file, or a CSV file's byte range."""

    number: int  # names its part files
    path: str  # as the user named it: what the rejected rows and messages show
    row_groups: tuple[int, ...] | None  # parquet only
    first_row: int  # 1-based number of the piece's first data row in its file
    # The file to read, made absolute on the client: a remote worker runs in a folder of its
    # own, where a relative path names another file.
    source: str
    csv_range: CsvRange | None = None  # CSV only
    encoding: str = "utf-8-sig"  # CSV only
    names: tuple[str, ...] = ()  # CSV only: the header's names, trimmed (cpscore.read.table)


@dataclass(frozen=True)
class Job:
    """Everything a task needs, sent with it to the worker."""

    system: System
    layout: TableLayout
    results: Parts
    rejected: Parts
    results_schema: Any
    rejected_schema: Any
    chunk_rows: int
    lang: str  # of the reasons, as on the client


def pieces(
    files: list[str], piece_rows: int = PIECE_ROWS, piece_bytes: int = PIECE_BYTES
) -> list[Piece]:
    """The tasks of a run: each parquet file's row groups in runs of about ``piece_rows`` rows
    (from the file footer; no row is read); each CSV file in ranges of about ``piece_bytes``
    bytes, cut at line ends (whole when it holds quotes: :func:`csv_ranges`)."""
    out: list[Piece] = []
    for path in files:
        source = os.path.abspath(path)
        if table_kind(path) == "csv":
            encoding = csv_encoding(path)
            names = tuple(table_columns(path, encoding))
            for part in csv_ranges(path, piece_bytes):
                out.append(
                    Piece(len(out), path, None, part.first_row, source, part, encoding, names)
                )
            continue
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(path).metadata
        group: list[int] = []
        rows = first = 1
        for g in range(meta.num_row_groups):
            n = meta.row_group(g).num_rows
            if group and rows - first + n > piece_rows:
                out.append(Piece(len(out), path, tuple(group), first, source))
                group, first = [], rows
            group.append(g)
            rows += n
        out.append(Piece(len(out), path, tuple(group), first, source))
    return out


def _chunks(piece: Piece, chunk_rows: int) -> Iterator[pd.DataFrame]:
    if piece.row_groups is None:
        yield from _csv_chunks(piece, chunk_rows)
        return
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(piece.source)
    for batch in pf.iter_batches(batch_size=chunk_rows, row_groups=list(piece.row_groups)):
        yield batch.to_pandas()


def _csv_chunks(piece: Piece, chunk_rows: int) -> Iterator[pd.DataFrame]:
    part = piece.csv_range
    assert part is not None  # every CSV piece is a range (the whole file at least)
    # The header's names as the layout read them (trimmed); the range that starts the file
    # skips its header line, later ranges have none.
    with open_csv_range(piece.source, part) as source:
        yield from pd.read_csv(
            source,
            dtype=str,
            encoding=piece.encoding,
            keep_default_na=False,
            na_values=[""],
            chunksize=chunk_rows,
            header=0 if part.start == 0 else None,
            names=list(piece.names),
        )


def _read_errors() -> tuple[type[BaseException], ...]:
    import pyarrow as pa

    return (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError, pa.ArrowException)


class _Task:
    """One piece's run: chunks in, part files and counts out."""

    def __init__(self, job: Job, piece: Piece):
        self.job = job
        self.piece = piece
        self.tallies: list[pd.DataFrame] = []
        self.rejected: list[pd.DataFrame] = []
        self.row = piece.first_row

    def scored(self) -> Iterator[pd.DataFrame]:
        job, layout = self.job, self.job.layout
        chunks = _chunks(self.piece, job.chunk_rows)
        while True:
            try:
                chunk = next(chunks)
            except StopIteration:
                return
            except _read_errors() as e:  # the rest of the piece is lost: one rejected row says so
                self.rejected.append(self._unreadable(e))
                return
            chunk = chunk.reset_index(drop=True)
            bad = rejected_rows(job.system, chunk, layout)
            if len(bad):
                self.rejected.append(self._rejected(chunk, bad))
                chunk = chunk.drop(index=bad.index)
            results = score_rows(job.system, chunk, layout)
            self.tallies.append(table_summary.tally(results, layout.period_column))
            self.row += len(chunk) + len(bad)
            yield results

    def _rejected(self, chunk: pd.DataFrame, bad: pd.DataFrame) -> pd.DataFrame:
        layout = self.job.layout
        rows = chunk.iloc[bad.index]
        out = pd.DataFrame({layout.id_column: identity_texts(rows[layout.id_column])})
        if layout.period_column:
            out[layout.period_column] = _periods(rows, layout)
        out["file"] = self.piece.path
        out["row"] = self.row + bad.index.to_numpy(dtype=np.int64)
        for c in REJECTED_COLUMNS:
            out[c] = bad[c].to_numpy()
        return out

    def _unreadable(self, error: BaseException) -> pd.DataFrame:
        layout = self.job.layout
        row = dict.fromkeys(rejected_columns(layout), "")
        reason = _("{path}: cannot read the table from row {row} on ({error})").format(
            path=self.piece.path, row=self.row, error=str(error).splitlines()[0][:200]
        )
        row.update(
            {"file": self.piece.path, "row": self.row, "kind": "unreadable_table", "problems": 1}
        )
        row["reason"] = f"{reason} [unreadable_table]"
        return pd.DataFrame([row])

    def run(self) -> pd.DataFrame:
        job, number = self.job, self.piece.number
        job.results.write(number, self.scored(), job.results_schema)
        job.rejected.write(number, iter(self.rejected), job.rejected_schema)
        tallies = [
            table_summary.tally_meta(),
            *self.tallies,
            *(table_summary.tally_rejected(_periods(r, job.layout)) for r in self.rejected),
        ]
        return (
            pd.concat(tallies, ignore_index=True)
            .groupby(table_summary.KEYS, sort=False, as_index=False)
            .sum()
        )


def run_piece(piece: Piece, job: Job) -> pd.DataFrame:
    """What each Dask task runs; returns the piece's counts for the summary."""
    keep_large_allocations()
    set_language(job.lang)
    try:
        return _Task(job, piece).run()
    finally:
        set_language(None)


# -- the job -----------------------------------------------------------------------------------


@dataclass
class TableRun:
    """What a national run produced: the output paths and the summary document."""

    outputs: TableOutputs
    summary: dict[str, Any]
    pieces: int

    @property
    def scored(self) -> int:
        return int(self.summary["all_periods"]["plants"])

    @property
    def rejected(self) -> int:
        return int(self.summary["all_periods"]["rejected"])


def run(
    files: list[str],
    system: System,
    layout: TableLayout,
    outputs: TableOutputs,
    chunk_rows: int = CHUNK_ROWS,
    piece_rows: int = PIECE_ROWS,
    piece_bytes: int = PIECE_BYTES,
) -> TableRun:
    """Score the tables on the current Dask client (or scheduler) and publish the outputs."""
    import dask.dataframe as dd

    todo = pieces(files, piece_rows, piece_bytes)
    probe = results_probe(system, layout)
    rejected_probe = pd.DataFrame(
        {
            c: pd.Series([], dtype=np.int64 if c in ("row", "problems") else object)
            for c in rejected_columns(layout)
        }
    )
    with outputs.staged() as stage:
        job = Job(
            system,
            layout,
            stage.results,
            stage.rejected,
            _arrow_schema(probe),
            _arrow_schema(rejected_probe),
            chunk_rows,
            language(),
        )
        tallies = dd.from_map(
            run_piece, todo, job=job, meta=table_summary.tally_meta(), enforce_metadata=False
        )
        # The one computation: every task reads, scores and writes its piece; the counts are
        # summed on the cluster in a tree (split_out=1, so no shuffle) and only they come back.
        counts = tallies.groupby(table_summary.KEYS).sum(split_out=1).compute()
        context = {
            "inputs": files,
            "results": str(outputs.results),
            "rejected_rows": str(outputs.rejected),
            "id_column": layout.id_column,
        }
        doc = table_summary.summary(system, counts, layout.period_column, context)
        stage.publish(
            (list(probe.columns), list(rejected_probe.columns)), table_summary.to_json(doc)
        )
    return TableRun(outputs, doc, len(todo))


# A worker's profiler samples the task thread's stack every 10 ms for the dashboard, which the
# CLI's own cluster does not serve: without it a national run takes 7-10% less CPU (benchmark 6).
LOCAL_WORKER_CONFIG = {"distributed.worker.profile.enabled": False}


@contextlib.contextmanager
def local_cluster(workers: int | None) -> Iterator[Any]:
    """A client of a local cluster of single-threaded worker processes, started with dask's
    environment for workers plus cpscore's allocator setting (allocator.WORKER_ENVIRON), and
    without the dashboard or its profiler."""
    import dask
    from distributed import Client, LocalCluster

    environ = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **WORKER_ENVIRON}
    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ": environ, **LOCAL_WORKER_CONFIG}),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def run_on_cluster(
    inputs: list[str],
    system: System,
    output: str,
    address: str | None = None,
    workers: int | None = None,
    period_column: str | None = None,
) -> TableRun:
    """`cpscore batch --engine dask`: check the inputs' columns and the outputs, then connect to
    a scheduler (or start a local cluster of single-threaded worker processes) and run."""
    files = table_files(inputs)
    layout = table_layout(system, files, period_column)
    outputs = TableOutputs.plan(output, files)
    try:
        from distributed import Client
    except ImportError:
        raise UsageError(
            _("--engine dask needs the dask extra: pip install 'cpscore[dask]'")
        ) from None
    if address:
        try:
            client = Client(address, timeout="10s")
        except OSError as e:
            raise UsageError(
                _("cannot reach the Dask scheduler at {address} ({error})").format(
                    address=address, error=e
                )
            ) from None
        with client:
            try:  # a scheduler without workers would leave the job waiting for ever
                client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
            except TimeoutError:
                raise UsageError(
                    _("the Dask scheduler at {address} has no workers (waited {seconds} s)").format(
                        address=address, seconds=WAIT_FOR_WORKERS
                    )
                ) from None
            return run(files, system, layout, outputs)
    with local_cluster(workers):
        return run(files, system, layout, outputs)
