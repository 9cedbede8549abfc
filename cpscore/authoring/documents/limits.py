"""Sane bounds for reading a document: file size, pages, objects, characters and time.

A published indicator system is tens of pages; these bounds are far above any of them and far
below what would exhaust memory or hold a batch for minutes. Input is only ever opened for reading.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from cpscore.common.errors import InputError, Location
from cpscore.common.i18n import _

MAX_BYTES = 200 * 1024 * 1024
MAX_PAGES = 1000
MAX_OBJECTS = 2_000_000
MAX_CHARS_PER_PAGE = 200_000
MAX_SECONDS = 120.0
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 (.doc), also behind a renamed .docx


def check_file(path: Path) -> None:
    where = Location(str(path))
    if not path.is_file():
        raise InputError("file", where, _("no such file"), _("a .pdf or .docx document"))
    bound_bytes(
        where, path.stat().st_size, MAX_BYTES, _("{n} MB"), _("a document of at most {n} MB")
    )
    with path.open("rb") as f:
        head = f.read(8)
    if head == _OLE:
        raise InputError(
            "doc_format",
            where,
            _("a Word 97-2003 .doc file (or an encrypted Office file)"),
            _("a .docx: open it in Word or WPS and save as .docx (or export it as PDF)"),
        )


def bound_bytes(where: Location, n: int, limit: int, found: str, expected: str) -> None:
    """Refuse a document of more than ``limit`` bytes; ``found`` and ``expected`` say it in MB
    (``{n}``)."""
    if n > limit:
        mb = 1024 * 1024
        raise InputError(
            "too_large", where, found.format(n=n // mb), expected.format(n=limit // mb)
        )


def bound(where: Location, n: int, limit: int, what: str) -> None:
    """Refuse a document with more than ``limit`` of something (pages, objects, characters)."""
    if n > limit:
        raise InputError(
            "too_large", where, f"{n} {what}", _("at most {n}").format(n=limit) + f" {what}"
        )


@dataclass
class Clock:
    """The time budget of one document."""

    path: str
    limit: float = MAX_SECONDS
    start: float = 0.0

    def __post_init__(self) -> None:
        self.start = time.monotonic()

    def check(self, page: int) -> None:
        if time.monotonic() - self.start > self.limit:
            raise InputError(
                "too_slow",
                Location(self.path, page=str(page)),
                _("reading took more than {s:.0f} s").format(s=self.limit),
                _("a document that can be read in time; give the table's pages with --pages"),
            )
