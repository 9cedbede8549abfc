"""What a workbook file really is, checked before any spreadsheet parser sees it.

Plant workbooks come from hundreds of firms and occasionally from an attacker. Before calamine
reads a file, this module decides from its bytes whether it is an .xlsx at all (or a legacy .xls,
an encrypted workbook, a CSV or some other file), bounds the zip container (member count, sizes,
compression ratio, unsafe paths), refuses a DTD or entity declaration in every XML part, parses
the parts it reads as XML under defusedxml's rules (expat with defusedxml's refusals for the small
ones, defusedxml's own parser for the rest: no DTD, no entities, no external references) and
scans the sheets for what calamine does not expose: cells far outside
any plant workbook, formulas without a cached value, percentage number formats and merged cells.
Nothing here opens the file for writing, and nothing in a workbook is ever executed.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpscore.common.errors import Finding, InputError, Location
from cpscore.common.i18n import Msg

from .container import Container
from .extent import Extent, streamed_extent

# Limits, each far above any real plant or association workbook and far below what hurts.
MAX_FILE_BYTES = 256 << 20  # a plant workbook is tens of KB; a 100,000-plant wide one ~30 MB
MAX_MEMBERS = 2_000  # parts in the zip; Excel writes about a dozen, plus one per sheet/image
MAX_MEMBER_BYTES = 1 << 30  # uncompressed size of one part (a 100,000-plant wide sheet ~160 MB)
MAX_TOTAL_BYTES = 3 << 29  # uncompressed size of all parts together (1.5 GiB)
# Spreadsheet XML deflates 5-20x and runs of empty styled cells up to ~60x; bombs reach 1000x+.
# The ratio only counts for parts large enough to matter (Apache POI uses the same 1:100 rule).
MAX_RATIO = 100
RATIO_MIN_BYTES = 1 << 20
# calamine allocates the dense rectangle A1..last cell; these bound that rectangle. A wide
# workbook of a whole sector (up to 500,000 plants × 40 columns) fits; larger populations go
# through parquet/CSV and `batch --engine dask`.
MAX_ROWS = 500_000
MAX_COLS = 2_000
MAX_CELLS = 20_000_000
# calamine reserves what a shared-strings table declares (uniqueCount); an entry takes at least
# five bytes of XML (<si/>), so a true count is never above a fifth of the part's size.
MAX_STRINGS = MAX_CELLS
# The custom document property that marks a workbook cpscore wrote (list, scorecard): such a
# file found among submissions is skipped, never read back as a plant.
OUTPUT_MARK = "cpscore_output"

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS_XLSX = Msg("an .xlsx workbook (in Excel or WPS: File > Save As > Excel Workbook (*.xlsx))")
# Parts are found through their relationships, whose types end alike in the transitional
# (schemas.openxmlformats.org) and strict (purl.oclc.org/ooxml) namespaces: only the last
# segment of a type, and only the local name of an element or attribute, is ever compared.
_SHEET_TYPES = frozenset({"worksheet", "chartsheet", "dialogsheet", "macrosheet", "xlmacrosheet"})
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_BUILTIN_PERCENT_FORMATS = frozenset({9, 10})  # '0%' and '0.00%'
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# Markers that send a sheet to the full (slower) scan; most plant sheets have none of them.
# Each is looked for as a plain substring first (fast), then confirmed by its pattern.
_FULL_SCAN_MARKERS = (
    (b"<f", re.compile(rb"<f[ >/]")),
    (b't="e"', re.compile(rb'\st="e"')),
    (b"<mergeCell", re.compile(rb"<mergeCell[ >]")),
)


@dataclass
class SheetInfo:
    """What the sheet XML says beyond cell values: used extent and cells that need care."""

    name: str
    part: str
    state: str = "visible"  # visible | hidden | veryHidden, as workbook.xml says
    recalc: bool = False  # the workbook asks to be recalculated on load: no cached value holds
    max_row: int = 0  # 1-based; 0 for an empty sheet
    max_col: int = 0
    declared: str = ""  # <dimension ref=...> as written by the producer
    formulas_without_value: set[str] = field(default_factory=set)  # 'E5'
    percent_cells: set[str] = field(default_factory=set)  # cells with a % number format
    error_cells: dict[str, str] = field(default_factory=dict)  # 'E5' -> '#DIV/0!' (calamine: '')
    merged: list[str] = field(default_factory=list)  # 'E5:E6'

    def merged_range(self, ref: str) -> str | None:
        """The merged range containing cell ``ref``, if any."""
        if not self.merged:  # most sheets: asked once per value read
            return None
        rc = parse_ref(ref)
        if rc is None:
            return None
        for rng in self.merged:
            a, _, b = rng.partition(":")
            lo, hi = parse_ref(a), parse_ref(b or a)
            if lo and hi and lo[0] <= rc[0] <= hi[0] and lo[1] <= rc[1] <= hi[1]:
                return rng
        return None


@dataclass
class Inspection:
    """The result of inspecting one .xlsx file: its sheets and what was noticed."""

    sheets: dict[str, SheetInfo] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    output_of: str = ""  # what cpscore wrote this workbook as ('list', 'scorecard'), if it did


def parse_ref(ref: str) -> tuple[int, int] | None:
    """'E5' -> (5, 5): 1-based row and column."""
    m = _CELL_REF.match(ref.strip().upper())
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _error(kind: str, path: Path, found: str, expected: str, part: str = "") -> InputError:
    return InputError(kind, Location(str(path), part), found, expected)


# -- what kind of file ------------------------------------------------------------------------


def inspect(
    path: str | Path, bounded: Callable[[], None] | None = None, data: bytes | None = None
) -> Inspection:
    """Check ``path`` is a safe, readable .xlsx/.xlsm; raises InputError saying what it is instead.

    ``bounded`` is called as soon as the container is checked and every sheet's extent is known
    to be within the limits: from then on a parser may read the file (its memory is bounded)
    while the sheets are scanned for formulas, error values, merges and % formats.
    ``data``, the file's bytes when the caller read it whole, is what is inspected then.
    """
    path = Path(path)
    try:
        if data is None:
            size = path.stat().st_size
            with path.open("rb") as fh:
                head = fh.read(8)
        else:
            size, head = len(data), data[:8]
    except OSError as e:
        raise _error(
            "no_file",
            path,
            Msg("the file cannot be opened ({strerror})", strerror=e.strerror),
            SAVE_AS_XLSX,
        ) from None
    if size == 0:
        raise _error("not_a_workbook", path, Msg("an empty file (0 bytes)"), SAVE_AS_XLSX)
    if size > MAX_FILE_BYTES:
        raise _error(
            "too_large",
            path,
            Msg("a file of {x1:.0f} MiB", x1=size / 2**20),
            Msg("a workbook under {x1} MiB", x1=MAX_FILE_BYTES >> 20),
        )
    if head.startswith(OLE2_MAGIC):
        raise _ole2_error(path)
    if head.startswith(ZIP_MAGIC):
        return _inspect_zip(path, bounded, data)
    raise _other_file_error(path, head)


def _ole2_error(path: Path) -> InputError:
    """An OLE2 compound file is a legacy .xls, or an OOXML workbook encrypted with a password."""
    names = _ole2_stream_names(path)
    if "EncryptionInfo" in names or "EncryptedPackage" in names:
        return _error(
            "encrypted",
            path,
            Msg("an encrypted (password-protected) workbook"),
            Msg(
                "the workbook without a password to open (Excel: File > Info > Protect Workbook > Encrypt with Password, clear it, then save)"
            ),
        )
    what = Msg("a legacy Excel 97-2003 .xls workbook") if {"Workbook", "Book"} & names else None
    return _error(
        "legacy_xls",
        path,
        what or Msg("an OLE2 compound document (legacy Office format)"),
        SAVE_AS_XLSX,
    )


def _ole2_stream_names(path: Path) -> set[str]:
    """Names in the OLE2 directory, found by their 128-byte-aligned directory entries.

    Directory sectors start at 512 (v3) or 4096 (v4) byte boundaries, so every entry sits at a
    multiple of 128; an entry is a UTF-16LE name (64 bytes) followed by its byte length.
    """
    names: set[str] = set()
    with path.open("rb") as fh:
        data = fh.read(min(MAX_FILE_BYTES, 8 << 20))
    for off in range(512, len(data) - 127, 128):
        n = int.from_bytes(data[off + 64 : off + 66], "little")
        entry_type = data[off + 66]
        if 2 <= n <= 64 and n % 2 == 0 and entry_type in (1, 2, 5):
            raw = data[off : off + n - 2]
            try:
                name = raw.decode("utf-16-le")
            except UnicodeDecodeError:
                continue
            if name.isprintable():
                names.add(name)
    return names


def _other_file_error(path: Path, head: bytes) -> InputError:
    with path.open("rb") as fh:
        sample = fh.read(4096)
    text = _as_text(sample)
    if text is not None:
        low = text.lstrip("\ufeff \r\n\t").lower()
        if low.startswith(("<html", "<!doctype html", "<table")):
            return _error(
                "not_a_workbook",
                path,
                Msg("an HTML page saved with a spreadsheet name"),
                SAVE_AS_XLSX,
            )
        if low.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in low:
            return _error("not_a_workbook", path, Msg("an XML Spreadsheet 2003 file"), SAVE_AS_XLSX)
        lines = [ln for ln in text.splitlines() if ln.strip()][:5]
        delimited = lines and all(any(d in ln for d in ",;\t") for ln in lines)
        if delimited or path.suffix.lower() in (".csv", ".tsv", ".txt"):
            return _error(
                "csv",
                path,
                Msg("a CSV/text file"),
                Msg(
                    "the plant workbook (.xlsx) written by `cpscore template`; CSV loses sheets and units, so fill the template instead"
                ),
            )
        return _error("not_a_workbook", path, Msg("a text file"), SAVE_AS_XLSX)
    return _error(
        "not_a_workbook",
        path,
        Msg("a file starting with bytes {hex} (not a zip-based .xlsx)", hex=head[:4].hex(" ")),
        SAVE_AS_XLSX,
    )


def _as_text(sample: bytes) -> str | None:
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "gb18030"]
    for enc in encodings:
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            # the sample may end inside a multi-byte character
            try:
                text = sample[:-3].decode(enc)
            except UnicodeDecodeError:
                continue
        bad = sum(1 for ch in text if not ch.isprintable() and ch not in "\r\n\t")
        if bad <= len(text) // 100:
            return text
    return None


# -- the zip container ------------------------------------------------------------------------


def _inspect_zip(
    path: Path, bounded: Callable[[], None] | None, data: bytes | None = None
) -> Inspection:
    try:
        zf = Container(path if data is None else data)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise _error(
            "corrupt",
            path,
            Msg("a damaged or truncated zip container ({e})", e=e),
            Msg("a complete .xlsx file; copy it again or re-save it in Excel or WPS"),
        ) from None
    with zf:
        _check_members(path, zf)
        names = set(zf.namelist())
        if "mimetype" in names and b"opendocument" in _read_member(path, zf, "mimetype", False):
            raise _error(
                "not_a_workbook", path, Msg("an OpenDocument spreadsheet (.ods)"), SAVE_AS_XLSX
            )
        if "[Content_Types].xml" not in names:
            raise _error(
                "not_a_workbook",
                path,
                Msg("a zip archive that is not an Office file"),
                SAVE_AS_XLSX,
            )
        package = _Package(path, zf)
        if package.workbook not in names:
            other = Msg("a Word document") if "word/document.xml" in names else None
            other = other or (Msg("a PowerPoint file") if "ppt/presentation.xml" in names else None)
            raise _error(
                "not_a_workbook",
                path,
                other or Msg("an Office file without a workbook"),
                SAVE_AS_XLSX,
            )
        inspection = Inspection()
        package.read_workbook()
        package.check_strings()
        inspection.output_of = package.output_mark()
        scanned = {e.part for e in package.sheets} | package.parsed
        # Every XML part is decompressed here, bounded and defused, and any that holds cells
        # has its extent bounded too (a parser may read a part wherever it is); other parts
        # (images, printer settings …) are only bounded by their headers.
        styles = b""
        for name in sorted(n for n in names - scanned if _xml_kind(n)):
            data = _read_member(path, zf, name, True)
            if b"sheetData" in data:
                _measured(path, zf, SheetInfo(name, name), data, set())
            if name == package.styles:
                styles = data
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            inspection.findings.append(
                Finding(
                    "macros",
                    Msg("the workbook contains macros (VBA); they were ignored and never executed"),
                    location=Location(str(path)),
                )
            )
        if not styles and package.styles in names:  # a part also read as something else
            styles = _read_member(path, zf, package.styles, True)
        percent_styles = _percent_styles(styles)
        inspection.sheets = _inspect_sheets(
            path, zf, package.sheets, percent_styles, bounded, package.recalc
        )
        for sheet_name, info in inspection.sheets.items():
            if info.declared and _absurd_declared(info):
                inspection.findings.append(
                    Finding(
                        "dimension_ignored",
                        Msg(
                            "the sheet declares the range {declared} but its cells end at {x3}; the declared size was ignored",
                            declared=info.declared,
                            x3=_ref(info.max_row, info.max_col),
                        ),
                        location=Location(str(path), sheet_name),
                    )
                )
        return inspection


def _type_of(el: Any) -> str:
    """The last segment of a relationship's type: '.../relationships/worksheet' -> 'worksheet'."""
    return str(el.get("Type", "")).rstrip("/").rsplit("/", 1)[-1]


def _target(source: str, el: Any) -> str | None:
    """The part a relationship of part ``source`` points to (None for an external target)."""
    if el.get("TargetMode", "") == "External":
        return None
    target = str(el.get("Target", "")).replace("\\", "/")
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lstrip("/")


def _rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _rel_id(el: dict[str, str]) -> str:
    """A sheet's r:id, in whichever relationships namespace (transitional or strict)."""
    for key, value in el.items():
        if key.startswith("{") and _local(key) == "id" and "relationships" in key:
            return str(value)
    return ""


@dataclass
class _SheetEntry:
    name: str
    part: str
    state: str = "visible"


class _Package:
    """The parts of the package that a parser reads, found through the relationships."""

    def __init__(self, path: Path, zf: Container):
        self.path, self.zf = path, zf
        self.names = set(zf.namelist())
        self.parsed: set[str] = set()  # parts already read and checked here
        root = self._relationships("", "_rels/.rels")
        self.workbook = next(
            (t for k, t in root if k == "officeDocument" and t in self.names), "xl/workbook.xml"
        )
        self.custom = [t for k, t in root if k == "custom-properties"]
        self.sheets: list[_SheetEntry] = []
        self.strings: list[str] = []
        self.styles = posixpath.join(posixpath.dirname(self.workbook), "styles.xml")
        self.recalc = False

    def _relationships(self, source: str, rels: str) -> list[tuple[str, str]]:
        """(type, target part) of every internal relationship in part ``rels``."""
        if rels not in self.names:
            return []
        self.parsed.add(rels)
        out = []
        for tag, el in _elements(self.path, self.zf, rels):
            if tag == "Relationship":
                target = _target(source, el)
                if target is not None:
                    out.append((_type_of(el), target))
        return out

    def read_workbook(self) -> None:
        """Sheets in workbook order (name, part, visibility), the shared strings and styles
        wherever they are, and whether the workbook asks to be recalculated on load."""
        targets: dict[str, str] = {}
        rels = _rels_of(self.workbook)
        if rels in self.names:
            self.parsed.add(rels)
            for tag, el in _elements(self.path, self.zf, rels):
                if tag != "Relationship":
                    continue
                target = _target(self.workbook, el)
                kind = _type_of(el)
                if target is None:
                    continue
                if kind in _SHEET_TYPES:
                    targets[str(el.get("Id", ""))] = target
                elif kind == "sharedStrings":
                    self.strings.append(target)
                elif kind == "styles":
                    self.styles = target
        # A parser may look for the shared strings at the usual place whatever the rels say.
        usual = posixpath.join(posixpath.dirname(self.workbook), "sharedStrings.xml")
        self.strings = list(dict.fromkeys([*self.strings, usual, "xl/sharedStrings.xml"]))
        self.parsed.add(self.workbook)
        seen: dict[str, str] = {}
        for tag, el in _elements(self.path, self.zf, self.workbook):
            if tag == "calcPr":
                self.recalc = str(el.get("fullCalcOnLoad", "")).lower() in ("1", "true", "on")
            if tag != "sheet":
                continue
            name, part = str(el.get("name", "")), targets.get(_rel_id(el), "")
            if not part:
                continue
            if name.casefold() in seen:  # Excel's sheet names are unique regardless of case
                raise _error(
                    "ambiguous_sheet",
                    self.path,
                    Msg(
                        "two sheets named {a!r} and {b!r} in the workbook's list of sheets",
                        a=seen[name.casefold()],
                        b=name,
                    ),
                    Msg("one sheet per name; rename or delete one copy in Excel or WPS"),
                    name,
                )
            seen[name.casefold()] = name
            state = str(el.get("state", "visible")) or "visible"
            self.sheets.append(_SheetEntry(name, part, state))

    def check_strings(self) -> None:
        """The shared-strings table's declared counts, which a parser reserves memory for."""
        sizes = {i.filename: i.file_size for i in self.zf.infolist()}
        for part in self.strings:
            if part not in self.names:
                continue
            data = _read_member(self.path, self.zf, part, True)
            self.parsed.add(part)
            head = re.search(rb"<(?:[\w.-]+:)?sst\b([^>]*)>", data[:65536])
            attrs = head.group(1) if head else b""
            for attr in (b"uniqueCount", b"count"):
                text = _attr(attrs, attr)
                if text is None:
                    continue
                ceiling = MAX_STRINGS
                if attr == b"uniqueCount":
                    ceiling = min(ceiling, sizes[part] // 5 + 1)
                try:
                    declared = int(text)
                except ValueError:
                    declared = -1
                if not 0 <= declared <= ceiling:
                    raise _error(
                        "declared_size",
                        self.path,
                        Msg(
                            "a shared-strings table ({part}) declaring {attr}={value}",
                            part=part,
                            attr=attr.decode(),
                            value=_shortened(text, 30),
                        ),
                        Msg(
                            "a count the part really holds (at most {n}); re-save it in Excel or WPS",
                            n=ceiling,
                        ),
                    )

    def output_mark(self) -> str:
        """What cpscore wrote this workbook as, from its custom document property; '' if not."""
        for part in dict.fromkeys([*self.custom, "docProps/custom.xml"]):
            if part not in self.names:
                continue
            self.parsed.add(part)
            for _event, el in _iterparse(self.path, self.zf, part, ("end",)):
                if _local(el.tag) == "property" and el.get("name") == OUTPUT_MARK:
                    return "".join(el.itertext()).strip() or "output"
        return ""


def _shortened(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _inspect_sheets(
    path: Path,
    zf: Container,
    parts: list[_SheetEntry],
    percent_styles: set[int],
    bounded: Callable[[], None] | None,
    recalc: bool = False,
) -> dict[str, SheetInfo]:
    """Every sheet's extent (within the limits), then its formulas, errors, merges and % cells.

    With ``bounded``, it is called between the two steps; a large sheet's extent is then found
    from its XML streamed, and a large sheet's XML is inflated again for the second step (small
    sheets' XML is kept), so no large sheet is held in memory while a parser reads the file.
    """
    names = set(zf.namelist())
    sheets: dict[str, SheetInfo] = {}
    kept: dict[str, bytes] = {}
    parsed: set[str] = set()  # sheets measured by a full parse already
    for entry in parts:
        sheet_name, part = entry.name, entry.part
        if part not in names:
            raise _error(
                "corrupt",
                path,
                Msg(
                    "sheet {sheet_name} refers to a missing part {part}",
                    sheet_name=repr(sheet_name),
                    part=part,
                ),
                Msg("a complete .xlsx file; re-save it in Excel or WPS"),
            )
        info = sheets[sheet_name] = SheetInfo(sheet_name, part, entry.state, recalc)
        member = zf.getinfo(part)
        streamed = (
            bounded is not None
            and member.file_size >= STREAM_EXTENT_FROM
            and member.compress_type in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED)
            and _streamed_extent(path, zf, info)
        )
        if streamed:
            continue
        data = _read_member(path, zf, part, xml=True)
        if _measured(path, zf, info, data, percent_styles):
            parsed.add(sheet_name)
        elif bounded is None:
            _scan_sheet(path, zf, info, percent_styles, data)
        elif len(data) < STREAM_EXTENT_FROM:
            kept[part] = data
    if bounded is not None:
        bounded()
        for info in sheets.values():
            if info.name in parsed:
                continue
            data = kept.pop(info.part, None) or _read_member(path, zf, info.part, xml=True)
            _scan_sheet(path, zf, info, percent_styles, data)
    return sheets


def _measured(
    path: Path, zf: Container, info: SheetInfo, data: bytes, percent_styles: set[int]
) -> bool:
    """The sheet's extent, within the limits; True when that took a full parse (cells written
    with a prefix or without their reference), which also found its formulas, merges …"""
    extent = Extent().feed(data)
    if not extent.irregular:
        _extent(path, info, extent)
        return False
    _full_scan(path, zf, info, percent_styles, data)
    return True


def _check_members(path: Path, zf: Container) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _error(
            "zip_bomb",
            path,
            Msg("a zip container with {n} parts", n=len(infos)),
            Msg("at most {MAX_MEMBERS} parts", MAX_MEMBERS=MAX_MEMBERS),
        )
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in re.split(r"[\\/]", name) or ":" in name:
            raise _error(
                "unsafe_zip",
                path,
                Msg("a part with an unsafe path {name}", name=repr(name)),
                Msg("relative part names inside the workbook"),
            )
        if info.flag_bits & 0x1:
            raise _error(
                "encrypted",
                path,
                Msg("an encrypted zip part {name}", name=repr(name)),
                Msg("the workbook without a password"),
            )
        if info.file_size > MAX_MEMBER_BYTES:
            raise _error(
                "zip_bomb",
                path,
                Msg(
                    "part {name} expands to {x3:.0f} MiB",
                    name=repr(name),
                    x3=info.file_size / 2**20,
                ),
                Msg("parts under {x1} MiB", x1=MAX_MEMBER_BYTES >> 20),
            )
        if info.file_size >= RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            raise _error(
                "zip_bomb",
                path,
                Msg("part {name} compressed {ratio:.0f}:1", name=repr(name), ratio=ratio),
                Msg("a compression ratio under {MAX_RATIO}:1", MAX_RATIO=MAX_RATIO),
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise _error(
            "zip_bomb",
            path,
            Msg("parts expanding to {x1:.0f} MiB in all", x1=total / 2**20),
            Msg("under {x1} MiB", x1=MAX_TOTAL_BYTES >> 20),
        )


def _xml_kind(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def _read_member(path: Path, zf: Container, name: str, xml: bool) -> bytes:
    """Decompress one part fully; XML parts must not declare a DTD or entities.

    zipfile stops at the size the zip's directory declares (checked by _check_members), so a
    part cannot expand beyond it; a part that would is damaged (its CRC no longer matches).
    """
    try:
        data = zf.part(name)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as e:
        raise _corrupt(path, name, e) from None
    # What defusedxml forbids, found without parsing: Office never writes either declaration.
    if xml and b"<!" in data and _DTD.search(data):
        raise _error(
            "xml_entities",
            path,
            Msg("part {name} declares a DTD or entities", name=repr(name)),
            Msg("workbook XML without DOCTYPE or ENTITY declarations (Office never writes them)"),
        )
    return data


def _corrupt(path: Path, name: str, e: Exception) -> InputError:
    return _error(
        "corrupt",
        path,
        Msg("a damaged part {name} ({kind}: {e})", name=repr(name), kind=type(e).__name__, e=e),
        Msg("a complete .xlsx file; copy it again or re-save it in Excel or WPS"),
    )


def _entities_error(path: Path, name: str, kind: str) -> InputError:
    return _error(
        "xml_entities",
        path,
        Msg("part {name} declares a DTD or entities ({kind})", name=repr(name), kind=kind),
        Msg("workbook XML without DOCTYPE or ENTITY declarations (Office never writes them)"),
    )


def _elements(path: Path, zf: Container, name: str) -> list[tuple[str, dict[str, str]]]:
    """Every element of a small XML part (relationships, the workbook), in document order: its
    local name and attributes (namespaced ones keyed '{uri}name', as ElementTree keys them).

    expat alone, with the handlers that defusedxml sets (any DTD, entity or external reference
    aborts the parse), for the parts of which only attributes are read: building elements
    through ElementTree's iterparse cost more than inflating the part.
    """
    import pyexpat

    data = _read_member(path, zf, name, xml=True)
    found: list[tuple[str, dict[str, str]]] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if any("}" in k for k in attrs):
            attrs = {("{" + k if "}" in k else k): v for k, v in attrs.items()}
        found.append((tag.rsplit("}", 1)[-1], attrs))

    def refusing(kind: str) -> Callable[..., None]:
        def refuse(*_args: Any) -> None:
            raise _entities_error(path, name, kind)

        return refuse

    parser = pyexpat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refusing("DTDForbidden")
    parser.EntityDeclHandler = parser.UnparsedEntityDeclHandler = refusing("EntitiesForbidden")
    parser.ExternalEntityRefHandler = refusing("ExternalReferenceForbidden")
    try:
        parser.Parse(data, True)
    except (pyexpat.ExpatError, ValueError) as e:
        raise _corrupt(path, name, e) from None
    return found


def _iterparse(
    path: Path, zf: Container, name: str, events: tuple[str, ...], data: bytes | None = None
) -> Any:
    """Events of one XML part (``data``, or the part as _read_member reads it), parsed by
    defusedxml with DTDs and entities forbidden."""
    import io

    import defusedxml
    from defusedxml.ElementTree import ParseError, iterparse

    if data is None:
        data = _read_member(path, zf, name, xml=True)
    try:
        yield from iterparse(
            io.BytesIO(data), events, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException as e:
        raise _entities_error(path, name, type(e).__name__) from None
    except (ParseError, ValueError) as e:
        raise _corrupt(path, name, e) from None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


_NUM_FMT = re.compile(rb"<(?:\w+:)?numFmt\b([^>]*)>")
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*)>")
_CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", re.S)


def _attr(attrs: bytes, name: bytes) -> str | None:
    m = re.search(rb"\b" + name + rb'="([^"]*)"', attrs)
    return html.unescape(m.group(1).decode("utf-8", "replace")) if m else None


def _percent_styles(data: bytes) -> set[int]:
    """Indexes of cellXfs whose number format shows a percentage (styles.xml read as text: it
    holds only attributes, and a DTD was already refused by _read_member)."""
    custom: dict[int, str] = {}
    for m in _NUM_FMT.finditer(data):
        fmt_id = _attr(m.group(1), b"numFmtId")
        if fmt_id and fmt_id.isdigit():
            custom[int(fmt_id)] = _attr(m.group(1), b"formatCode") or ""
    cell_xfs = _CELL_XFS.search(data)
    xfs = []
    for m in _XF.finditer(cell_xfs.group(0) if cell_xfs else b""):
        fmt_id = _attr(m.group(1), b"numFmtId") or "0"
        xfs.append(int(fmt_id) if fmt_id.isdigit() else 0)
    percent = {i for i, f in custom.items() if _is_percent_format(f)} | _BUILTIN_PERCENT_FORMATS
    percent -= {i for i, f in custom.items() if not _is_percent_format(f)}
    return {k for k, fmt in enumerate(xfs) if fmt in percent}


def _is_percent_format(code: str) -> bool:
    """A '%' that is not quoted or escaped makes Excel show value × 100."""
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)
    return "%" in code


def _scan_sheet(
    path: Path, zf: Container, info: SheetInfo, percent_styles: set[int], data: bytes
) -> None:
    """Formulas, error cells, merges and % styles: a sheet with none needs nothing more than
    its extent (:func:`_extent`); one with some is parsed in full."""
    styled = percent_styles and re.search(
        rb' s="(?:' + b"|".join(str(k).encode() for k in sorted(percent_styles)) + rb')"', data
    )
    if styled or any(text in data and pattern.search(data) for text, pattern in _FULL_SCAN_MARKERS):
        info.max_row = info.max_col = 0  # counted again, cell by cell
        _full_scan(path, zf, info, percent_styles, data)


def _extent(path: Path, info: SheetInfo, extent: Extent) -> None:
    """The last row and column any cell or row names, within the limits (calamine allocates
    the whole rectangle up to them)."""
    info.max_row, info.max_col, info.declared = extent.max_row, extent.max_col, extent.declared
    if info.max_row > MAX_ROWS:
        raise _error(
            "dimensions",
            path,
            Msg("a cell in row {max_row}", max_row=info.max_row),
            Msg("sheets within {MAX_ROWS} rows (delete the far-away cells)", MAX_ROWS=MAX_ROWS),
            info.name,
        )
    if info.max_col > MAX_COLS or info.max_row * info.max_col > MAX_CELLS:
        raise _error(
            "dimensions",
            path,
            Msg("a {rows} × {cols} sheet", rows=info.max_row, cols=info.max_col),
            Msg(
                "sheets within {MAX_COLS} columns and {MAX_CELLS} cells (delete the far-away cells)",
                MAX_COLS=MAX_COLS,
                MAX_CELLS=MAX_CELLS,
            ),
            info.name,
        )


STREAM_EXTENT_FROM = 8 << 20  # bytes of sheet XML from which its extent is found streaming


def _streamed_extent(path: Path, zf: Container, info: SheetInfo) -> bool:
    """A large sheet's extent from its XML streamed (cpscore.read.extent); False when only the whole
    part can be judged (it holds a markup declaration)."""
    try:
        extent = streamed_extent(path, zf.getinfo(info.part))
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as e:
        raise _corrupt(path, info.part, e) from None
    if extent is not None:
        _extent(path, info, extent)
    return extent is not None


def _full_scan(
    path: Path, zf: Container, info: SheetInfo, percent_styles: set[int], data: bytes
) -> None:
    row, col = 0, 0
    formula = value = False
    ref = cell_type = text = ""
    style = 0
    for event, el in _iterparse(path, zf, info.part, ("start", "end"), data):
        tag = _local(el.tag)
        if event == "start":
            if tag == "row":
                r = el.get("r")
                row = _number(r) if r and r.isdigit() else row + 1
                col = 0
                if row > MAX_ROWS:
                    raise _error(
                        "dimensions",
                        path,
                        Msg("a row numbered {n}", n=_shortened(str(r or row), 20)),
                        Msg("sheets within {n} rows (delete the far-away cells)", n=MAX_ROWS),
                        info.name,
                    )
            elif tag == "c":
                rc = _loose_ref(el.get("r", ""))
                row, col = rc if rc else (max(row, 1), col + 1)
                formula = value = False
                cell_type, text = el.get("t", ""), ""
                style = int(el.get("s", "0")) if (el.get("s") or "0").isdigit() else 0
                ref = _ref(row, col)
                info.max_row, info.max_col = max(info.max_row, row), max(info.max_col, col)
                if row > MAX_ROWS or col > MAX_COLS or info.max_row * info.max_col > MAX_CELLS:
                    raise _error(
                        "dimensions",
                        path,
                        Msg(
                            "a cell at {ref}, making a {max_row} × {max_col} sheet",
                            ref=ref,
                            max_row=info.max_row,
                            max_col=info.max_col,
                        ),
                        Msg(
                            "sheets within {MAX_ROWS} rows, {MAX_COLS} columns and {MAX_CELLS} cells (delete the far-away cells)",
                            MAX_ROWS=MAX_ROWS,
                            MAX_COLS=MAX_COLS,
                            MAX_CELLS=MAX_CELLS,
                        ),
                        info.name,
                    )
            continue
        if tag == "dimension":
            info.declared = el.get("ref", "")
        elif tag == "f":
            formula = True
        elif tag == "v":
            value, text = bool(el.text), el.text or ""
        elif tag == "is":
            value = True
        elif tag == "c":
            # A workbook that asks to be recalculated on load (fullCalcOnLoad, as xlsxwriter
            # writes it with 0 as every cached value) has no cached value to trust.
            if formula and (info.recalc or (not value and el.get("t") not in ("str", "inlineStr"))):
                info.formulas_without_value.add(ref)
            if cell_type == "e":
                info.error_cells[ref] = text or "#error"
            if style in percent_styles:
                info.percent_cells.add(ref)
            el.clear()
        elif tag == "mergeCell":
            info.merged.append(el.get("ref", ""))
        elif tag == "row":
            el.clear()


_LOOSE_REF = re.compile(r"^\$?([A-Za-z]+)\$?(\d+)$")


def _number(digits: str) -> int:
    """A row number as written; one of more than nine digits is beyond every limit anyway."""
    return int(digits) if len(digits) <= 9 else 10**9


def _loose_ref(ref: str) -> tuple[int, int] | None:
    """A cell reference of any length (a hostile file may write more letters or digits than
    Excel allows, and a parser may still take it): (row, column), 1-based."""
    m = _LOOSE_REF.match(ref.strip())
    if not m:
        return None
    letters = m.group(1).upper()
    col = 0
    for ch in letters[:8]:
        col = col * 26 + ord(ch) - 64
    return _number(m.group(2)), col if len(letters) <= 8 else 10**9


def _ref(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _absurd_declared(info: SheetInfo) -> bool:
    a, _, b = info.declared.partition(":")
    end = parse_ref(b or a)
    return end is not None and (end[0] > MAX_ROWS or end[1] > MAX_COLS)
