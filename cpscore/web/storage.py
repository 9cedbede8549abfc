"""Keeping uploads: byte for byte as sent, hashed, and on disk before the database names them.

An upload is streamed into ``DATA/tmp`` (counted against the size limit as it arrives), hashed,
fsynced and renamed into ``DATA/uploads/<key>/<name>``; only then is its submission committed in
one transaction. A server killed at any point leaves the complete submission or none: a file
without a row is never shown, and ``DATA/tmp`` is emptied on start.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cpscore.common.errors import CpscoreError
from cpscore.common.i18n import _

CHUNK = 1 << 20


class TooLarge(CpscoreError):
    """An upload over the size limit; nothing of it is kept."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(
            _("the file is larger than the limit of {mb} MiB").format(mb=limit // 2**20)
        )


@dataclass
class Stored:
    path: Path  # absolute
    relative: str  # under the data folder, as the database keeps it
    filename: str  # as the sender named it (shown in messages)
    size: int
    sha256: str


def display_name(name: str | None) -> str:
    """The sender's file name without any folder, control characters or excess length."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:200] or "upload.xlsx"


def safe_name(name: str) -> str:
    stem = re.sub(r"[^\w.\-]+", "_", name).strip("._") or "upload.xlsx"
    return stem[:120]


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be fsynced
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def clean_tmp(data: Path) -> None:
    """Remove what uploads interrupted by a kill left behind."""
    tmp = data / "tmp"
    if tmp.is_dir():
        shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True, exist_ok=True)


def keep(source: BinaryIO, name: str | None, data: Path, limit: int) -> Stored:
    """Copy ``source`` into the data folder (see the module's note); TooLarge over ``limit``."""
    filename = display_name(name)
    tmp_dir = data / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(16)
    tmp = tmp_dir / f"{key}.part"
    digest, size = hashlib.sha256(), 0
    try:
        with open(tmp, "xb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(limit)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        folder = data / "uploads" / key[:2] / key
        folder.mkdir(parents=True)
        final = folder / safe_name(filename)
        os.replace(tmp, final)
        _fsync_dir(folder)
        _fsync_dir(folder.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return Stored(final, str(final.relative_to(data)), filename, size, digest.hexdigest())


def temporary(source: BinaryIO, name: str | None, data: Path, limit: int) -> Stored:
    """An upload kept only while it is evaluated (the API stores nothing): caller deletes it."""
    return keep(source, name, data / "tmp" / "api", limit)
