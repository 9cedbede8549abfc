"""Parts sliced from a workbook's bytes (cpscore.read.container) are what zipfile reads, and a
damaged part fails as zipfile fails: never more bytes than the zip's directory declares."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from cpscore.read.container import Container
from tests.hostile.make_corpus import _lying_sizes

EXAMPLE = Path(__file__).parent.parent / "examples" / "cement" / "plant-advanced.xlsx"
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError)


def _zip(path: Path, parts: dict[str, bytes], method: int) -> Path:
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_every_part_of_a_real_workbook_equals_zipfile():
    data = EXAMPLE.read_bytes()
    with Container(data) as sliced, zipfile.ZipFile(EXAMPLE) as plain:
        names = plain.namelist()
        assert len(names) > 5
        for name in names:
            assert sliced.part(name) == plain.read(name), name


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_stored_deflated_and_empty_parts(tmp_path, method):
    parts = {"a.xml": b"<a>" + "水泥".encode() * 5000 + b"</a>", "empty.xml": b""}
    path = _zip(tmp_path / "t.zip", parts, method)
    with Container(path.read_bytes()) as z:
        assert {n: z.part(n) for n in parts} == parts
    with Container(path) as z:  # from a path: zipfile's own reader
        assert z.part("a.xml") == parts["a.xml"]


def test_a_part_larger_than_declared_is_damaged_and_never_read_beyond(tmp_path):
    src = _zip(tmp_path / "src.zip", {"s.xml": b"<c/>" * 10_000}, zipfile.ZIP_DEFLATED)
    _lying_sizes(src, tmp_path / "lying.zip", "s.xml")  # declares 100 bytes
    data = (tmp_path / "lying.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "lying.zip") as plain, pytest.raises(zipfile.BadZipFile):
        plain.read("s.xml")  # zipfile: stops at 100 bytes, then the CRC fails
    with Container(data) as z, pytest.raises(zipfile.BadZipFile, match="CRC"):
        z.part("s.xml")  # inflated to the 100 bytes declared (zlib's max_length), no further


def test_truncated_data_and_a_bad_local_header(tmp_path):
    path = _zip(tmp_path / "t.zip", {"a.xml": b"<a/>" * 4000}, zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as plain:
        info = plain.getinfo("a.xml")
    start = info.header_offset + 30 + len(b"a.xml")
    broken = (
        bytes(data[:start])
        + b"\x00" * info.compress_size
        + bytes(data[start + info.compress_size :])
    )
    with Container(broken) as z, pytest.raises(DAMAGED):
        z.part("a.xml")
    struct.pack_into("<4s", data, info.header_offset, b"XXXX")
    with Container(bytes(data)) as z, pytest.raises(zipfile.BadZipFile, match="magic"):
        z.part("a.xml")


@pytest.mark.parametrize("part", ["xl/workbook.xml", "_rels/.rels", "xl/_rels/workbook.xml.rels"])
def test_a_dtd_the_byte_check_cannot_see_is_refused_by_the_parser(tmp_path, part):
    """In UTF-16 a DOCTYPE is not the bytes '<!DOCTYPE': the expat parser that reads the
    relationships and the workbook must refuse it itself, as defusedxml would."""
    from cpscore.common.errors import InputError
    from cpscore.read.safety import inspect
    from tests.hostile.make_corpus import _rezip

    with zipfile.ZipFile(EXAMPLE) as z:
        text = z.read(part).decode("utf-8")
    body = re.sub(r"^<\?xml[^>]*\?>", "", text)
    root = re.match(r"\s*<([\w:]+)", body).group(1)
    doc = f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE {root} [<!ENTITY a "b">]>{body}'
    encoded = doc.encode("utf-16")
    assert b"<!" not in encoded  # invisible to _read_member's byte check
    bad = tmp_path / "utf16-dtd.xlsx"
    _rezip(EXAMPLE, bad, {part: encoded})
    for data in (None, bad.read_bytes()):  # from the path and from the bytes read once
        with pytest.raises(InputError) as got:
            inspect(bad, None, data)
        assert got.value.kind == "xml_entities", got.value
        assert part in str(got.value)
    plain = tmp_path / "utf16.xlsx"  # the same part in UTF-16 without the DTD reads as before
    _rezip(
        EXAMPLE, plain, {part: f'<?xml version="1.0" encoding="UTF-16"?>{body}'.encode("utf-16")}
    )
    assert inspect(plain).sheets.keys() == inspect(EXAMPLE).sheets.keys()


class _Unseekable:
    """A stream zipfile cannot seek back in: it then writes each part's sizes after its data
    (a data descriptor), as LibreOffice does."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, b: bytes) -> int:
        self.data += b
        return len(b)

    def flush(self) -> None:
        pass

    def tell(self) -> int:  # zipfile asks for the position, then finds it cannot seek
        raise OSError("unseekable")


def test_parts_written_with_data_descriptors_and_zip64_headers():
    parts = {"a.xml": b"<a>" + b"x" * 50_000 + b"</a>", "b.xml": "指标".encode() * 999}
    out = _Unseekable()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            with z.open(name, "w", force_zip64=True) as fh:
                fh.write(data)
    data = bytes(out.data)
    with Container(data) as c:
        infos = c.infolist()
        assert {i.flag_bits & 0x08 for i in infos} == {0x08}  # sizes after the data
        # zip64 extra fields in the local headers, which part() must step over
        assert all(struct.unpack_from("<H", data, i.header_offset + 28)[0] > 0 for i in infos)
        assert {n: c.part(n) for n in parts} == parts


def test_a_damaged_mimetype_part_is_a_corrupt_file(tmp_path):
    """The first part read to tell an .ods from an .xlsx goes through the same checked read as
    every other (it used to end in an internal error)."""
    from cpscore.common.errors import InputError
    from cpscore.read.safety import inspect

    path = tmp_path / "mimetype.xlsx"
    with zipfile.ZipFile(EXAMPLE) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet" * 10)
        for name in src.namelist():
            z.writestr(name, src.read(name))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("mimetype")
    start = info.header_offset + 30 + len("mimetype")
    data[start : start + info.compress_size] = b"\xff" * info.compress_size
    for raw in (None, bytes(data)):
        path.write_bytes(bytes(data))
        with pytest.raises(InputError) as got:
            inspect(path, None, raw)
        assert got.value.kind == "corrupt" and "mimetype" in str(got.value)
