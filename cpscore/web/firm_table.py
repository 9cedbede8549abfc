"""A spreadsheet of firms to add to a campaign: columns id, name, contact (Chinese or English).

Read in a process of its own, like every upload (a .xlsx goes through the same safety inspection
and reader as plant workbooks: :func:`cpscore.read.workbook.open_workbook`).
"""

from __future__ import annotations

import csv
import io
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from cpscore.common.errors import CpscoreError, InputError, Location
from cpscore.common.i18n import _

HEADERS = {
    "code": ("id", "企业编号", "编号", "firm id", "code", "统一社会信用代码"),
    "name": ("name", "企业名称", "名称", "firm name", "firm"),
    "contact": ("contact", "联系人", "联系方式", "email", "邮箱", "电话"),
}


def _key(text: Any) -> str:
    return str(text or "").strip().lower()


def _rows_of(path: Path) -> list[list[Any]]:
    if path.suffix.lower() == ".csv":
        raw = path.read_bytes()[: 8 << 20]
        for enc in ("utf-8-sig", "gb18030"):
            try:
                return list(csv.reader(io.StringIO(raw.decode(enc))))
            except UnicodeDecodeError:
                continue
        raise InputError(
            "encoding",
            Location(path.name),
            _("a file in an unknown encoding"),
            _("UTF-8 or GB18030"),
        )
    from cpscore.read.workbook import open_workbook

    sheets = open_workbook(path).sheets
    return next(iter(sheets.values()), [])


def read_firms(path: Path, name: str) -> list[tuple[str, str, str]] | str:
    """(id, name, contact) per row, or the one-line problem (never raises)."""
    try:
        rows = _rows_of(path)
        header = next(
            (
                (r, row)
                for r, row in enumerate(rows[:20])
                if any(_key(c) in HEADERS["name"] for c in row)
            ),
            None,
        )
        if header is None:
            return _("{file}: no header row with a column 企业名称 / name").format(file=name)
        r0, row = header
        cols = {
            field: next((j for j, c in enumerate(row) if _key(c) in names), None)
            for field, names in HEADERS.items()
        }
        out = []
        for r in rows[r0 + 1 :]:

            def cell(field: str, r: list[Any] = r) -> str:
                j = cols[field]
                v = r[j] if j is not None and j < len(r) else ""
                return "" if v is None else str(v).strip()

            if cell("name"):
                out.append((cell("code") or cell("name"), cell("name"), cell("contact")))
        return out
    except CpscoreError as e:
        return e.describe().replace(str(path), name)
    except Exception as e:
        return f"{name}: {type(e).__name__}"


def read_firms_isolated(path: Path, name: str) -> list[tuple[str, str, str]] | str:
    ctx = multiprocessing.get_context("forkserver")
    try:
        with ProcessPoolExecutor(1, ctx) as ex:
            return ex.submit(read_firms, path, name).result(timeout=120)
    except (BrokenProcessPool, TimeoutError, OSError):
        return _("{file}: the spreadsheet could not be read").format(file=name)
