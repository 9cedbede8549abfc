"""The outputs of a national-scale run, written by the workers and published in one step.

For ``-o results.parquet`` (a folder of part files) or ``-o results.csv`` (one file):

- ``results.parquet/part.00000.parquet`` …, or ``results.csv``: one row per scored plant-period;
- ``results.rejected.parquet/`` or ``results.rejected.csv``: one row per rejected plant-period,
  with its reason;
- ``results.summary.json``: the summary (see :mod:`cpscore.batch.table_summary`).

Workers write their partition's part files into a staging folder beside the output (so the
output must be on storage the workers can write); nothing appears under the output names until
every partition is done, and then each output replaces the previous one whole. An output is
never written over an input, and a folder that is not a previous run's output is never replaced.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cpscore.common.atomic import atomic_path, write_text
from cpscore.common.errors import UsageError
from cpscore.common.i18n import _

PART = "part.{number:05d}.{suffix}"
REJECTED_COLUMNS = ("kind", "problems", "reason")


@dataclass(frozen=True)
class Parts:
    """Where the workers write one output's part files, and in which format."""

    folder: str
    kind: str  # parquet | csv

    def path(self, number: int) -> Path:
        return Path(self.folder) / PART.format(number=number, suffix=self.kind)

    def write(self, number: int, frames: Iterator[pd.DataFrame], schema: object) -> None:
        """Write one partition's rows (given in chunks) as one part file, atomically: a task that
        Dask runs again after a worker died rewrites the same part, never a second one."""
        target = self.path(number)
        with atomic_path(target) as tmp:
            if self.kind == "parquet":
                import pyarrow as pa
                import pyarrow.parquet as pq

                with pq.ParquetWriter(tmp, schema) as writer:  # type: ignore[arg-type]
                    for frame in frames:
                        writer.write_table(
                            pa.Table.from_pandas(frame, schema=schema, preserve_index=False)  # type: ignore[arg-type]
                        )
            else:
                with open(tmp, "w", encoding="utf-8", newline="") as fh:
                    for frame in frames:
                        frame.to_csv(fh, header=False, index=False)


@dataclass(frozen=True)
class TableOutputs:
    """The three output paths of a run, checked before any work starts."""

    results: Path
    rejected: Path
    summary: Path

    @property
    def kind(self) -> str:
        return "parquet" if self.results.suffix.lower() in (".parquet", ".pq") else "csv"

    @classmethod
    def plan(cls, output: str, inputs: list[str]) -> TableOutputs:
        out = Path(output)
        suffix = out.suffix.lower()
        if suffix not in (".parquet", ".pq", ".csv"):
            raise UsageError(
                _(
                    "{path}: the results of --engine dask are a .parquet folder or a .csv file"
                ).format(path=output)
            )
        stem = out.with_suffix("")
        plan = cls(out, Path(f"{stem}.rejected{out.suffix}"), Path(f"{stem}.summary.json"))
        sources = [Path(p).resolve() for p in inputs]
        for target in plan.paths():
            resolved = target.resolve()
            for src in sources:
                if src == resolved or resolved in src.parents:
                    raise UsageError(
                        _("{target}: would be written over the input {input}").format(
                            target=target, input=src
                        )
                    )
            if target.is_dir() and not _is_parts_folder(target):
                raise UsageError(
                    _("{target}: a folder that is not a cpscore output; choose another -o").format(
                        target=target
                    )
                )
        return plan

    def paths(self) -> tuple[Path, Path, Path]:
        return (self.results, self.rejected, self.summary)

    @contextlib.contextmanager
    def staged(self) -> Iterator[Staging]:
        """A staging folder beside the results; removed whatever happens."""
        self.results.parent.mkdir(parents=True, exist_ok=True)
        # Absolute: the workers write here, and a remote worker runs in a folder of its own.
        parent = self.results.parent.absolute()
        folder = Path(tempfile.mkdtemp(prefix=f".{self.results.name}.", dir=parent))
        try:
            stage = Staging(self, folder)
            for parts in (stage.results, stage.rejected):
                Path(parts.folder).mkdir()
            yield stage
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Staging:
    outputs: TableOutputs
    folder: Path

    @property
    def results(self) -> Parts:
        return Parts(str(self.folder / "results"), self.outputs.kind)

    @property
    def rejected(self) -> Parts:
        return Parts(str(self.folder / "rejected"), self.outputs.kind)

    def publish(self, headers: tuple[list[str], list[str]], summary_json: str) -> None:
        """Move the finished outputs into place (results, rejected, then the summary)."""
        for parts, target, header in (
            (self.results, self.outputs.results, headers[0]),
            (self.rejected, self.outputs.rejected, headers[1]),
        ):
            if parts.kind == "parquet":
                _replace_folder(Path(parts.folder), target)
            else:
                _concatenate_csv(Path(parts.folder), target, header)
        write_text(self.outputs.summary, summary_json)


def _is_parts_folder(folder: Path) -> bool:
    return all(p.name.startswith("part.") for p in folder.iterdir())


def _replace_folder(new: Path, target: Path) -> None:
    """``new`` takes the place of ``target`` (a previous run's folder, or a file) in one rename."""
    old = None
    if target.exists() or target.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
        os.replace(target, old / target.name)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _concatenate_csv(folder: Path, target: Path, header: list[str]) -> None:
    """One CSV (UTF-8 with BOM, so Excel reads the Chinese) from the part files, in order."""
    import csv

    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out, lineterminator="\n").writerow(header)
        for part in sorted(folder.iterdir()):
            with open(part, encoding="utf-8", newline="") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)
