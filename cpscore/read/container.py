"""A workbook's zip container, its parts read straight from the bytes.

Python's zipfile reads a part through layers of file objects, about 25 µs a part before any
inflating; a plant workbook has a dozen parts and a batch thousands of workbooks. A workbook
read whole into memory (the small ones are) has its stored and deflated parts sliced from the
bytes and inflated in one call here, checked as zipfile checks them: the local header's
signature, no more output than the zip's directory declares, the declared size and the CRC.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

LOCAL_HEADER = 30  # bytes of a local file header before its name and extra field
_ZIP_MAGIC = b"PK\x03\x04"


def data_offset(header: bytes) -> int:
    """Where a part's data starts, counted from its local header (``header``: its 30 bytes)."""
    if len(header) < LOCAL_HEADER or header[:4] != _ZIP_MAGIC:
        raise zipfile.BadZipFile("Bad magic number for file header")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    return LOCAL_HEADER + name_len + extra_len


class Container(zipfile.ZipFile):
    """A zip read from a path, or from its bytes (then :meth:`part` slices them)."""

    def __init__(self, source: Path | bytes):
        self.data = source if isinstance(source, bytes) else None
        super().__init__(io.BytesIO(source) if isinstance(source, bytes) else source, "r")

    def part(self, name: str) -> bytes:
        """One part's bytes, whole. Raises zipfile.BadZipFile, zlib.error, EOFError or
        OSError for a damaged part, as zipfile does."""
        info = self.getinfo(name)
        if self.data is None or info.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            return self.read(name)
        start = info.header_offset + data_offset(
            self.data[info.header_offset : info.header_offset + LOCAL_HEADER]
        )
        raw = self.data[start : start + info.compress_size]
        if len(raw) < info.compress_size:
            raise EOFError("the part's data ends before its declared size")
        if info.file_size == 0:  # (a max_length of 0 would mean no limit to zlib)
            out = b""
        elif info.compress_type == zipfile.ZIP_STORED:
            out = raw[: info.file_size]
        else:
            out = zlib.decompressobj(-15).decompress(raw, info.file_size)  # never above it
        if len(out) != info.file_size:
            raise EOFError("Compressed file ended before the end-of-stream marker was reached")
        if zlib.crc32(out) != info.CRC:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {name!r}")
        return out
