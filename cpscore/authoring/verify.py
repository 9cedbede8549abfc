"""verify: a system checked number by number and text by text against the official document.

The document is read again (onto the system as its base, so ids and rules line up) and the two
are compared in canonical form: names, units, weights, limiting marks, benchmarks and
requirement texts of every indicator, the group weights, and the classification rule where the
document states one. Only when nothing differs is the system marked ``official`` with a
``verification`` record (who, when, document title, file, SHA-256, pages, announcement) that a
later ``verify --check`` re-checks.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpscore.common.errors import CpscoreError
from cpscore.common.i18n import _
from cpscore.read.workbook import sha256_of
from cpscore.system.seal import SEAL_KEY, broken_seal, content_seal

from .import_table import CellIssue, ImportResult, import_table

# What a verification does not compare: the status it sets, and the record itself.
_UNCOMPARED = ("status", "notice", "verification")


@dataclass
class Comparison:
    """The system against the document: unreadable cells and differences (empty: equal)."""

    document: Path
    sha256: str
    title: str
    pages: list[int]
    reading: ImportResult
    problems: list[CellIssue] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)  # the diff's lines, as printed
    changes: int = 0  # how many values differ

    @property
    def same(self) -> bool:
        return not self.problems and not self.differences

    @property
    def count(self) -> int:
        return len(self.problems) + self.changes


def _comparable(doc: dict[str, Any]) -> dict[str, Any]:
    from .export_table import canonical

    out = canonical({k: v for k, v in doc.items() if k not in _UNCOMPARED})

    def drop_printed(x: Any) -> Any:  # the value is compared, not how the cell spelled it
        if isinstance(x, dict):
            return {k: drop_printed(v) for k, v in x.items() if k != "printed"}
        if isinstance(x, list):
            return [drop_printed(v) for v in x]
        return x

    return drop_printed(out)


def compare(system: dict[str, Any], document: str | Path, pages: str | None = None) -> Comparison:
    """Read the document onto the system and list every difference."""
    from .diff import diff_docs, render_text

    path = Path(document)
    # the status is the system's own (a base never passes an official status on)
    reading = import_table(path, {"status": system.get("status")}, pages=pages, base=system)
    grid = reading.grid
    found_pages = sorted(
        {c.place.page for row in (grid.rows if grid else []) for c in row if c and c.place.page}
    )
    title = (grid.title if grid else "") or system.get("source", {}).get("title", "")
    cmp = Comparison(path, sha256_of(path), title, found_pages, reading)
    cmp.problems = [p for p in reading.problems if "[system check]" not in str(p)]
    if reading.doc and _comparable(reading.doc) != _comparable(system):
        d = diff_docs(
            {k: v for k, v in system.items() if k not in _UNCOMPARED},
            {k: v for k, v in reading.doc.items() if k not in _UNCOMPARED},
        )
        lines = [x for x in render_text(d).splitlines()[2:] if x.strip()]
        cmp.differences = lines or [_("the system and the document differ (printed texts)")]
        cmp.changes = max(len(d.changes), 1)
    return cmp


class VerificationError(CpscoreError):
    """The system does not equal the document; nothing was written."""

    exit_code = 1

    def __init__(self, system: str, cmp: Comparison):
        self.system = system
        self.cmp = cmp
        super().__init__(self.describe())

    def describe(self) -> str:
        n = self.cmp.count
        lines = [
            _("{system}: {n} difference(s) from {doc}; nothing written").format(
                system=self.system, n=n, doc=self.cmp.document
            )
        ]
        lines += [f"  {p}" for p in self.cmp.problems]
        lines += [f"  {x}" for x in self.cmp.differences]
        return "\n".join(lines)


def verify(
    system_path: str | Path,
    document: str | Path,
    by: str,
    announcement: str | None = None,
    pages: str | None = None,
    output: str | Path | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Mark the system official with its verification record, if it equals the document.

    Raises VerificationError (nothing written) when anything differs. The system file is
    rewritten atomically (or ``output`` is written); the document is only read.
    """
    from cpscore.common.atomic import write_text
    from cpscore.system.loader import build_system

    from .export_table import load_doc

    if not by.strip():
        raise CpscoreError(_("--by needs the name of the person who checked the numbers"))
    system = load_doc(system_path)
    cmp = compare(system, document, pages)
    if not cmp.same:
        raise VerificationError(str(system_path), cmp)
    doc = copy.deepcopy(system)
    doc["status"] = "official"
    doc.pop("notice", None)
    if announcement:
        doc.setdefault("source", {})["announcement"] = announcement
    doc["verification"] = {
        "by": by.strip(),
        "date": (today or dt.datetime.now(dt.UTC).date()).isoformat(),
        "announcement": announcement or doc.get("source", {}).get("announcement"),
        "document": {
            "title": cmp.title,
            "file": cmp.document.name,
            "sha256": cmp.sha256,
            "pages": cmp.pages,
        },
        "tool": "cpscore verify",
    }
    doc["verification"][SEAL_KEY] = content_seal(doc)  # what was found equal, sealed
    doc = _in_order(doc)
    build_system(doc, str(system_path), "")  # the written file must load
    write_text(output or system_path, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return doc


def _in_order(doc: dict[str, Any]) -> dict[str, Any]:
    """``verification`` right after the status, as the schema lists it."""
    out: dict[str, Any] = {}
    for k, v in doc.items():
        if k != "verification":
            out[k] = v
        if k == "status":
            out["verification"] = doc["verification"]
    return out


def check(
    system_path: str | Path, document: str | Path, pages: str | None = None
) -> tuple[Comparison, list[str]]:
    """Whether the system still equals the document; also what the record says of it."""
    from .export_table import load_doc

    system = load_doc(system_path, check=False)
    cmp = compare(system, document, pages)
    remarks: list[str] = []
    record = system.get("verification")
    if system.get("status") != "official" or not record:
        remarks.append(
            _("the system is not marked official (status {s})").format(s=system.get("status"))
        )
    elif broken_seal(system) is not None:
        remarks.append(
            _("the file's content changed after it was verified on {date}").format(
                date=record.get("date")
            )
        )
    elif record.get("document", {}).get("sha256") != cmp.sha256:
        remarks.append(
            _("the document is not the file verified on {date} (SHA-256 differs)").format(
                date=record.get("date")
            )
        )
    return cmp, remarks
