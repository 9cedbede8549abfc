"""How far a sheet's cells reach, read from its XML before any spreadsheet parser sees it.

calamine allocates the whole rectangle from A1 to the last cell any row or cell names, so
:mod:`cpscore.read.safety` bounds that extent first. The XML is scanned whole, or, for a large sheet,
inflated in a thread (zlib releases the GIL) and scanned here piece by piece while the next
piece inflates. Nothing in this module judges the extent; it only measures it.
"""

from __future__ import annotations

import contextlib
import queue
import re
import threading
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from .container import LOCAL_HEADER, data_offset

# No closing quote: a number cut at the end of a streamed piece still counts (see Extent).
_ROW_NUMBER = re.compile(rb'<row r="(\d+)')
_FAR_CELL_ROW = re.compile(rb'<c r="[A-Z]+(\d{6,})')  # rows from 100,000 on
_LONG_COLUMN = re.compile(rb'<c r="([A-Z]{2,})\d')
_ONE_LETTER_COLUMN = re.compile(rb'<c r="([A-Z])\d')
_DIMENSION = re.compile(rb'<dimension ref="([^"]*)"')
# Forms the patterns above do not see: a namespace prefix (strict files may write <x:c>), a cell
# without a reference or whose first attribute is not r, a line break after the tag name, a
# reference in lowercase (a parser may take zz400000). Any of them sends the sheet to a full
# parse. Only cells matter: calamine places a cell by its own reference (a row's number counts
# only for a cell without one, which is odd already). Each pattern starts with a literal, so a
# regular sheet costs three passes at memchr speed and one count pair.
_PREFIXED = re.compile(rb":(?:c[\s>/]|dimension\b)")
# (each needs the byte after the tag, so a piece cut right there is not taken for an odd one)
_ODD_CELL = re.compile(rb'<c(?: r="[^A-Z]|[>/\t\n\r])')
_MARKUP_DECLARATION = re.compile(rb"<!")  # DTD, entity, comment or CDATA: Office writes none

PIECE = 16 << 20  # large: each call inflates without the GIL, each return waits for it
_OVERLAP = 4096
_SLICE = 1 << 20


class Extent:
    """The extent of a sheet's XML, fed whole or in overlapping pieces.

    Every pattern is a maximum or a first match, so a match seen twice in the overlap counts
    once; a match longer than the overlap is seen cut, and a cut row number of that length is
    already far beyond any limit.
    """

    def __init__(self) -> None:
        self.max_row = 0
        self._long: set[bytes] = set()
        self._short: set[bytes] = set()
        self._declared: bytes | None = None
        # Some cell or row is written in a form the patterns do not measure: only a parse of
        # the XML (cpscore.read.safety) can bound this sheet.
        self.irregular = False

    def feed(self, data: bytes) -> Extent:
        self.irregular = self.irregular or irregular(data)
        rows = _ROW_NUMBER.findall(data) + _FAR_CELL_ROW.findall(data)
        if rows:
            # int() refuses more than 4,300 digits; a dozen already exceeds every limit.
            self.max_row = max(self.max_row, *(int(r[:12]) for r in rows))
        self._long.update(_LONG_COLUMN.findall(data))
        if not self._long:  # one-letter columns matter only in a sheet without longer ones
            self._short.update(_ONE_LETTER_COLUMN.findall(data))
        if self._declared is None:
            found = _DIMENSION.search(data)
            self._declared = found.group(1) if found else None
        return self

    @property
    def max_col(self) -> int:
        return max(map(column_number, self._long or self._short), default=0)

    @property
    def declared(self) -> str:
        """The sheet's <dimension ref=...> as its producer wrote it ('' when none)."""
        return self._declared.decode("utf-8", "replace") if self._declared else ""


def irregular(data: bytes) -> bool:
    """Whether some cell or row in ``data`` is written in a form the patterns do not measure.

    Every ``<c `` must open ``<c r="``; the last bytes are left out of both counts alike, so a
    piece cut inside a tag is not taken for an odd one.
    """
    end = max(len(data) - 8, 0)
    return (
        data.count(b"<c ", 0, end) != data.count(b'<c r="', 0, end + 3)
        or _PREFIXED.search(data) is not None
        or _ODD_CELL.search(data) is not None
    )


def column_number(letters: bytes) -> int:
    """b'AB' -> 28; any number of letters (a hostile file may write more than Excel's three)."""
    n = 0
    for ch in letters[:12]:  # a dozen letters already exceed every limit
        n = n * 26 + ch - 64
    return n


def streamed_extent(path: Path, info: zipfile.ZipInfo) -> Extent | None:
    """The extent of a large sheet part, inflated in a thread while the patterns run here on
    overlapping pieces; nothing of the XML is kept. None when the part holds a markup
    declaration or an irregular cell (Extent.irregular), which only a check of the whole part
    judges. Raises zipfile.BadZipFile,
    EOFError, OSError or zlib.error for a damaged part."""
    pieces: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def inflate() -> None:
        try:
            for piece in inflated(path, info):
                pieces.put(piece)
                if stop.is_set():
                    break
            pieces.put(None)
        except BaseException as e:  # raised again below, in the calling thread
            pieces.put(e)

    worker = threading.Thread(target=inflate, name="cpscore-inflate", daemon=True)
    worker.start()
    extent, tail = Extent(), b""
    try:
        while (got := pieces.get()) is not None:
            if isinstance(got, BaseException):
                raise got
            buffer = tail + got
            if _MARKUP_DECLARATION.search(buffer):
                return None
            # Short calls: a regex holds the GIL to its end, and the inflating thread needs it
            # for a moment between pieces.
            for k in range(0, len(buffer), _SLICE):
                extent.feed(buffer[k : k + _SLICE + _OVERLAP])
            if extent.irregular:
                return None
            tail = buffer[-_OVERLAP:]
    finally:
        stop.set()
        while worker.is_alive():  # let the worker see the stop, or finish its put
            with contextlib.suppress(queue.Empty):
                pieces.get(timeout=0.05)
    return extent


def inflated(path: Path, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A stored or deflated part, a piece at a time, straight from the file: zlib inflates a
    whole piece per call without the GIL (zipfile's reader holds it for every 64 KB). As
    zipfile does, it stops at the declared size and checks the CRC, raising the same errors."""
    with path.open("rb") as fh:
        fh.seek(info.header_offset)
        fh.seek(info.header_offset + data_offset(fh.read(LOCAL_HEADER)))
        left, wanted, crc = info.compress_size, info.file_size, 0
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        pending = b""
        while wanted > 0 and (left > 0 or pending):
            if not pending:
                pending = fh.read(min(left, PIECE // 4))
                left -= len(pending)
                if not pending:
                    break
            if inflater is None:
                piece, pending = pending, b""
            else:
                piece = inflater.decompress(pending, min(PIECE, wanted))
                pending = inflater.unconsumed_tail
            piece = piece[:wanted]
            wanted -= len(piece)
            crc = zlib.crc32(piece, crc)
            if piece:
                yield piece
    if wanted > 0:
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")
    if crc != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
