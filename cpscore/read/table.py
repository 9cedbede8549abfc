"""Plant tables: parquet or CSV files with one row per plant-period (the national-scale input).

A table's columns are an id column (``id`` / ``plant_id`` / ``企业编号``), optionally a period
column (``period`` / ``评价期``, or any name given), the system's fact ids and indicator ids.
:func:`table_layout` reads only the files' headers (parquet schema, CSV first line) and refuses
a table that lacks a column the system needs, naming the file and the columns, so a national
job stops before a cluster starts rather than scoring every plant as missing. (Which rows the
scorer cannot read is the engine's to say: :mod:`cpscore.engine.rejections`.)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cpscore.common.errors import UsageError
from cpscore.common.i18n import _
from cpscore.system.model import System

ID_COLUMNS = ("id", "plant_id", "企业编号")
PERIOD_COLUMNS = ("period", "评价期")
PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv",)


@dataclass(frozen=True)
class TableLayout:
    """Where a plant table keeps each plant-period's identity."""

    id_column: str
    period_column: str | None


def table_files(inputs: Iterable[str]) -> list[str]:
    """The parquet/CSV files named (a folder stands for the tables inside it), all of one kind."""
    files: list[str] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(
                str(f) for f in p.rglob("*") if f.suffix.lower() in PARQUET_SUFFIXES + CSV_SUFFIXES
            )
            if not found:
                raise UsageError(_("{path}: a folder without parquet or CSV files").format(path=p))
            files += found
        elif p.is_file():
            files.append(str(p))
        else:
            raise UsageError(_("no such input: {path}").format(path=p))
    # A file named twice (by a glob and by its folder, say) is read once.
    files = list({Path(f).resolve(): f for f in reversed(files)}.values())[::-1]
    kinds = {table_kind(f) for f in files}
    if len(kinds) > 1:
        raise UsageError(_("the inputs mix parquet and CSV files; give one kind"))
    return files


def table_kind(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in CSV_SUFFIXES:
        return "csv"
    raise UsageError(
        _("{path}: --engine dask reads parquet or CSV tables, not {suffix!r} files").format(
            path=path, suffix=suffix
        )
    )


CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # UTF-8 (BOM or not); GBK as Chinese Excel saves CSV
SNIFF_BYTES = 1 << 20


def csv_encoding(path: str) -> str:
    """The text encoding of a CSV file, from its first MiB: UTF-8, else GB18030 (a superset of
    the GBK that Excel writes on Chinese Windows); a usage error when it is neither."""
    import codecs

    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as e:
        raise UsageError(
            _("{path}: not a readable table ({reason})").format(path=path, reason=e)
        ) from None
    for encoding in CSV_ENCODINGS:
        try:  # not final: the sample may end inside a character
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UsageError(
        _(
            "{path}: the text is neither UTF-8 nor GBK/GB18030; save the CSV as UTF-8 "
            "(Excel: CSV UTF-8)"
        ).format(path=path)
    )


def identity_texts(values: Any) -> Any:
    """A column of ids or periods as the texts they read as: an integral number as its integer
    ('330100001', '2025': a parquet integer column with a gap arrives as floats), a missing
    value as ''; an object array."""
    import numpy as np

    missing = values.isna().to_numpy()
    out = values.astype(str).to_numpy(dtype=object)
    if values.dtype.kind == "f":
        v = values.to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            integral = ~missing & np.isfinite(v) & (v == np.round(v)) & (np.abs(v) < 2**53)
        out[integral] = v[integral].astype(np.int64).astype(str)
    out[missing] = ""
    return out


def table_columns(path: str, encoding: str | None = None) -> list[str]:
    """A table's column names, from the parquet schema or the CSV header (no rows read); a CSV
    header's names without the spaces around them, an empty one as ``Unnamed: i`` (in
    ``encoding`` when the caller has found it already)."""
    try:
        if table_kind(path) == "parquet":
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        with open(path, encoding=encoding or csv_encoding(path), newline="") as fh:
            # Excel leaves empty names for stray columns: named as pandas names them, so that
            # two of them are not one column twice.
            row = next(csv.reader(fh), [])
            return [c.strip() or f"Unnamed: {i}" for i, c in enumerate(row)]
    except (OSError, UnicodeDecodeError, ValueError, csv.Error) as e:
        raise UsageError(
            _("{path}: not a readable table ({reason})").format(path=path, reason=e)
        ) from None


def needed_columns(system: System) -> list[str]:
    """Columns a table must have: every indicator (unless its formula can compute it) and every
    required plant fact. Optional facts may be absent (their default applies)."""
    cols = [f.id for f in system.facts if f.required and f.default is None]
    cols += [ind.id for ind in system.indicators if not ind.formula]
    return cols


def table_layout(system: System, files: list[str], period_column: str | None = None) -> TableLayout:
    """The id and period columns shared by every file; a usage error naming the file and the
    missing columns when one lacks what the system needs."""
    id_column: str | None = None
    period: str | None = period_column
    needed = needed_columns(system)
    for path in files:
        columns = table_columns(path)
        twice = sorted({c for c in columns if columns.count(c) > 1})
        if twice:
            raise UsageError(
                _("{path}: the column {names} appears twice; keep one").format(
                    path=path, names=", ".join(repr(c) for c in twice)
                )
            )
        ids = [c for c in ID_COLUMNS if c in columns]
        if not ids:
            raise UsageError(
                _("{path}: no plant id column; expected one of {names}").format(
                    path=path, names=" / ".join(ID_COLUMNS)
                )
            )
        if id_column is None:
            id_column = ids[0]
        elif id_column not in columns:
            raise UsageError(
                _("{path}: no column {column!r}, the id column of {first}").format(
                    path=path, column=id_column, first=files[0]
                )
            )
        if period_column is not None and period_column not in columns:
            raise UsageError(
                _("{path}: no period column {column!r} (--period-column)").format(
                    path=path, column=period_column
                )
            )
        if period_column is None:
            found = next((c for c in PERIOD_COLUMNS if c in columns), None)
            if path == files[0]:
                period = found
            elif found != period:
                raise UsageError(
                    _("{path}: period column {found!r}, but {first} has {expected!r}").format(
                        path=path, found=found, first=files[0], expected=period
                    )
                )
        missing = [c for c in needed if c not in columns]
        if missing:
            raise UsageError(
                _(
                    "{path}: no column for {missing} of {system}; expected a column per indicator "
                    "and required fact (`cpscore template {sector} --wide` lists them)"
                ).format(
                    path=path, missing=", ".join(missing), system=system.id, sector=system.sector
                )
            )
    assert id_column is not None
    return TableLayout(id_column, period)


# -- a large CSV file in byte ranges, so that several workers share it -----------------------

SCAN_BLOCK = 8 << 20  # bytes read at a time when a CSV file is cut into ranges


@dataclass(frozen=True)
class CsvRange:
    """Bytes ``start``..``end`` of a CSV file: whole lines; ``first_row`` is the 1-based number
    of its first data row (the header is line 1 of the file, in the first range only)."""

    start: int
    end: int
    first_row: int


def csv_ranges(path: str, piece_bytes: int) -> list[CsvRange]:
    """A CSV file cut at line ends into ranges of about ``piece_bytes`` bytes, in one pass over
    the file with no row parsed. A file holding a quote character is not cut (one range): a
    quoted field may hold a line break, and only a parse could tell which line ends end rows."""
    size = Path(path).stat().st_size
    whole = [CsvRange(0, size, 1)]
    if size <= piece_bytes:
        return whole
    cuts: list[tuple[int, int]] = []  # (byte after a line end, line ends before it)
    target, lines, offset = piece_bytes, 0, 0
    with open(path, "rb") as fh:
        while block := fh.read(SCAN_BLOCK):
            if b'"' in block:
                return whole
            while target < offset + len(block) and target < size:
                at = block.find(b"\n", max(0, target - offset))
                if at < 0:
                    break
                lines_before = lines + block.count(b"\n", 0, at) + 1
                cuts.append((offset + at + 1, lines_before))
                target = offset + at + 1 + piece_bytes
            lines += block.count(b"\n")
            offset += len(block)
    cuts = [(b, n) for b, n in cuts if b < size]
    starts = [(0, 0), *cuts]
    return [
        CsvRange(b, (starts[k + 1][0] if k + 1 < len(starts) else size), max(1, n))
        for k, (b, n) in enumerate(starts)
    ]


class _RangeFile(io.RawIOBase):
    """Bytes ``start``..``end`` of a file, as a file of their own (for pandas' CSV parser)."""

    def __init__(self, path: str, start: int, end: int):
        self._fh = open(path, "rb")  # noqa: SIM115 - closed with this object
        self._fh.seek(start)
        self._left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        n = self._fh.readinto(memoryview(buffer)[: max(0, min(len(buffer), self._left))])
        self._left -= n or 0
        return n or 0

    def close(self) -> None:
        self._fh.close()
        super().close()


def open_csv_range(path: str, part: CsvRange) -> io.BufferedReader:
    """The range as a binary file (close it when done)."""
    return io.BufferedReader(_RangeFile(path, part.start, part.end), 1 << 20)
