"""Reading one cell as a number the way a person meant it, and saying what was interpreted.

Handles numbers typed as text ("105 kgce/t", "约105", "１０５", "1,234.5", "95%"), markers for
"does not apply" and for "no value", and refuses what cannot be a number (dates, booleans, words).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cpscore.common.i18n import Msg, _

NA_MARKERS = frozenset({"n/a", "na", "not applicable", "不适用", "/", "无此项", "不涉及"})
MISSING_MARKERS = frozenset({"", "-", "—", "–", "--", "——", "无", "缺", "暂无", "null", "none"})
_APPROX = ("约", "大约", "≈", "~", "～", "approx.", "approx", "ca.")
_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*)$")
# Thousands separators only in groups of three: "1,234.5" is 1234.5, "1,5" is refused (a
# decimal comma in some locales; guessing would silently change the value tenfold).
# A leading group starting with 0 ("0,080") is never grouped: it is a decimal comma.
_GROUPED = re.compile(r"^([+-]?(?:[1-9]\d{0,2}|0(?![,，]))(?:[,，]\d{3})+)(\.\d+)?(?!\d)")
_EXCEL_ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!")
_BOUNDS = ("<", ">", "≤", "≥", "<=", ">=", "＜", "＞")


QUOTE_LIMIT = 80  # characters of a typed text quoted in a message


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """What was typed, as a message quotes it: repr, shortened to ``limit`` characters."""
    text = str(value)
    if len(text) <= limit:
        return repr(value) if isinstance(value, str) else text
    head = repr(text[: max(10, limit - 30)])[:-1]
    return f"{head}…' " + _("({n:,} characters)").format(n=len(text))


def integer_text(value: object) -> str | None:
    """An id or period as text: an integral number reads as its integer ('2023', not '2023.0')."""
    if value is None:
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@lru_cache(maxsize=1)
def _marks() -> re.Pattern[str]:
    """Superscript, subscript, circled, parenthesised and fraction digits (Unicode 'No'), not
    after a letter or a unit's / · ^ (m³, kg/m²). Built once, when a cell first needs it."""
    blocks = (range(0x80, 0x3400), range(0x1F100, 0x1F110))  # Latin-1 … CJK enclosed forms
    chars = "".join(chr(c) for b in blocks for c in b if unicodedata.category(chr(c)) == "No")
    return re.compile(r"(?<![^\W\d_])(?<![/·^])[" + re.escape(chars) + "]")


def _footnote_mark(text: str) -> str | None:
    """A footnote mark in a typed number: NFKC would fold '96.5¹' into 96.51, so such a mark is
    found before normalising (digits of other scripts are digits, and are left alone)."""
    if text.isascii():
        return None
    m = _marks().search(text)
    return m.group(0) if m else None


def is_real(v: object) -> bool:
    """An int or float cell (not a yes/no, which Python counts as an int)."""
    return isinstance(v, int | float) and not isinstance(v, bool)


@dataclass(frozen=True)
class Parsed:
    """A cell read as a value: kind is 'number', 'missing', 'n/a' or 'invalid'."""

    kind: str
    value: float | None = None
    unit: str | None = None  # unit written in the cell, if any
    note: str = ""  # what was interpreted, for the report


def parse_number(cell: object) -> Parsed:
    if cell is None:
        return Parsed("missing")
    if isinstance(cell, bool):
        return Parsed("invalid", note=Msg("a yes/no value ({cell})", cell=cell))
    if isinstance(cell, dt.date | dt.datetime | dt.time | dt.timedelta):
        return Parsed("invalid", note=Msg("a date or time ({cell})", cell=cell))
    if isinstance(cell, int | float):
        try:
            value = float(cell)
        except OverflowError:
            return Parsed("invalid", note=Msg("a number too large ({x1}…)", x1=str(cell)[:20]))
        if not math.isfinite(value):
            return Parsed("invalid", note=f"{cell}")
        return Parsed("number", value)
    if not isinstance(cell, str):
        return Parsed("invalid", note=Msg("a {kind} value", kind=type(cell).__name__))
    mark = _footnote_mark(cell)
    if mark is not None:
        return Parsed(
            "invalid",
            note=Msg(
                "text {typed} with the mark {mark}: superscript, subscript and circled digits "
                "are never digits of the value (put the footnote in the note column)",
                typed=quoted(cell.strip()),
                mark=repr(mark),
            ),
        )
    text = unicodedata.normalize("NFKC", str(cell)).strip()  # full-width digits and signs
    note: str | Msg = (
        ""
        if text == str(cell).strip()
        else Msg("full-width characters read as {text}", text=quoted(text))
    )
    low = text.lower()
    if low in NA_MARKERS:
        return Parsed("n/a", note=Msg("{text} read as not applicable", text=repr(text)))
    if low in MISSING_MARKERS:
        return Parsed(
            "missing", note=Msg("{text} read as no value", text=repr(text)) if text else ""
        )
    for prefix in _APPROX:
        if low.startswith(prefix):
            text = text[len(prefix) :].strip()
            note = _join(
                note,
                Msg(
                    "approximate value {cell} taken as {text}", cell=quoted(cell), text=quoted(text)
                ),
            )
            break
    if text.upper() in _EXCEL_ERRORS:
        return Parsed(
            "invalid", note=Msg("the Excel error value {text} (a formula that failed)", text=text)
        )
    if text.startswith(_BOUNDS):
        return Parsed(
            "invalid", note=Msg("a bound {x1}, not a measured value", x1=quoted(str(cell)))
        )
    grouped = _GROUPED.match(text)
    if grouped:
        text = re.sub("[,，]", "", grouped.group(0)) + text[grouped.end() :]
        note = _join(
            note,
            Msg(
                "{cell} read with thousands separators as {text}",
                cell=repr(str(cell).strip()),
                text=repr(text),
            ),
        )
    m = _NUMBER.match(text)
    if not m or re.match(r"[\d,，.]", m.group(2)):
        if re.search("[,，]", text):
            return Parsed(
                "invalid",
                note=Msg(
                    "text {cell} (a comma that is not a thousands separator)",
                    cell=quoted(str(cell)),
                ),
            )
        return Parsed("invalid", note=Msg("text {cell}", cell=quoted(str(cell))))
    value = float(m.group(1))
    if not math.isfinite(value):
        return Parsed("invalid", note=Msg("text {x1} (out of range)", x1=quoted(str(cell))))
    rest = m.group(2).strip()
    if rest[:1] in "([（【" and rest[-1:] in ")]）】":
        rest = rest[1:-1].strip()  # "105 (kgce/t)"
    if rest in ("%", "％"):
        return Parsed(
            "number",
            value,
            "%",
            _join(note, Msg("{cell} read as {value:g} %", cell=repr(cell), value=value)),
        )
    if rest:
        return Parsed(
            "number",
            value,
            rest,
            _join(note, Msg("unit {rest} written in the cell", rest=repr(rest))),
        )
    return Parsed("number", value, None, note)


def _join(a: str | Msg, b: str | Msg) -> str | Msg:
    return Msg("{a}; {b}", a=a, b=b) if a else b


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(row: int, col: int) -> str:
    """Zero-based row and column -> 'B7'."""
    return f"{column_letter(col)}{row + 1}"
