"""Files a browser downloads, written by the same writers as ``cpscore evaluate -o`` and
``cpscore batch`` (scorecard, list workbook, CSV, JSON lines, HTML page) into a temporary folder."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi.responses import Response

if TYPE_CHECKING:
    from cpscore.engine.sector_list import SectorList

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_KINDS = {
    "xlsx": XLSX,
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def attachment(body: bytes, media_type: str, filename: str) -> Response:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


def written(tmp_root: Path, name: str, write: Any) -> bytes:
    tmp_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_root) as tmp:
        path = Path(tmp) / name
        write(path)
        return path.read_bytes()


def list_file(sl: SectorList, kind: str, tmp_root: Path) -> bytes:
    from cpscore.views.export_formats import write_csv, write_html, write_jsonl
    from cpscore.views.listbook import write_list_workbook

    writer = {
        "xlsx": write_list_workbook,
        "csv": write_csv,
        "jsonl": write_jsonl,
        "html": write_html,
    }
    return written(tmp_root, f"list.{kind}", lambda p: writer[kind](sl, p))
