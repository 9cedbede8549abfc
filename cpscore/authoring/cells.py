"""Reading one printed benchmark cell (基准值) as an explicit benchmark, or saying why not.

Published tables print benchmarks as "≤8", "≥82", "<30", ">7000h", "3-4次/年", "3～4",
"≤(10+5n)", "不大于 40", "3次以下". Each is turned into the benchmark JSON of the system schema
(``{"op": "<=", "value": 8}``, ``{"range": [3, 4]}``, ``{"op": "<=", "value": {"expr": "10 + 5 * n"}}``).
A cell that cannot be read this way is never guessed at: the reading carries the reason instead.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from cpscore.common.i18n import Msg
from cpscore.system import expressions

# Marks a person types for "no benchmark at this level".
EMPTY_MARKS = frozenset({"", "—", "——", "-", "–", "/", "／", "无", "不设", "n/a"})
# Marks for "same as the cell above" (〃 is the ditto mark printed in Chinese tables).
DITTO_MARKS = frozenset({"〃", "″", '"', "同上", "〃〃"})

_SYMBOLS = {"≦": "≤", "≧": "≥", "<=": "≤", ">=": "≥", "=<": "≤", "=>": "≥", "﹤": "<", "﹥": ">"}
# Words that print a comparator before the number; longest first so 不大于 wins over 大于.
_WORD_OPS = (
    ("不大于", "≤"),
    ("不高于", "≤"),
    ("不超过", "≤"),
    ("不多于", "≤"),
    ("不小于", "≥"),
    ("不低于", "≥"),
    ("不少于", "≥"),
    ("小于", "<"),
    ("低于", "<"),
    ("少于", "<"),
    ("大于", ">"),
    ("高于", ">"),
    ("多于", ">"),
    ("超过", ">"),
)
# 以下/以上 include the number itself (GB/T 1.1 drafting convention).
_SUFFIX_OPS = (("及以下", "≤"), ("以下", "≤"), ("及以上", "≥"), ("以上", "≥"))
_OPS = {"≤": "<=", "<": "<", "≥": ">=", ">": ">"}
_NUM = r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)"
_RANGE_SEP = r"(?:-|~|～|—|–|至|到)"
_TRAILING = "。．.;；,，、 "


@dataclass(frozen=True)
class Reading:
    """What one benchmark cell says.

    ``benchmark`` is the schema JSON (without ``printed``); ``None`` with ``empty`` True means the
    level has no published benchmark; ``None`` with a ``problem`` means the cell could not be read.
    ``notes`` say what was interpreted (a word read as a comparator, a unit written in the cell).
    """

    benchmark: dict[str, Any] | None = None
    empty: bool = False
    problem: Msg | str = ""
    notes: tuple[Msg, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.problem


def normalise_text(cell: object) -> str:
    """Full-width forms folded (NFKC), comparator variants unified, all whitespace removed."""
    text = unicodedata.normalize("NFKC", str(cell))
    for a, b in _SYMBOLS.items():
        text = text.replace(a, b)
    return re.sub(r"\s+", "", text)


def number_json(v: float) -> int | float:
    """7000.0 -> 7000 so written files read like the printed table."""
    return int(v) if float(v).is_integer() and abs(v) < 1e15 else float(v)


def format_number(v: float | int) -> str:
    """The shortest text that reads back as the same number (no exponent, no lost digits)."""
    v = number_json(v)
    if isinstance(v, int):
        return str(v)
    text = repr(v)
    if "e" in text or "E" in text:
        text = f"{v:.15f}".rstrip("0").rstrip(".")
    return text


def canonical_expr(expr: str) -> str:
    """One spelling per expression: ``10+5*n`` and ``10 + 5*n`` both read ``10 + 5 * n``."""
    return ast.unparse(expressions.parse(expr))


def render(benchmark: dict[str, Any]) -> str:
    """The printed form cpscore writes for a benchmark: ≤8, <30, ≥(82 + 2 * n), 3-4."""

    def num(n: Any) -> str:
        if isinstance(n, dict):
            return f"({canonical_expr(n['expr'])})"
        return format_number(n)

    if "range" in benchmark:
        low, high = benchmark["range"]
        return f"{num(low)}-{num(high)}"
    op = {"<=": "≤", ">=": "≥"}.get(benchmark["op"], benchmark["op"])
    return f"{op}{num(benchmark['value'])}"


def _unit_key(unit: str) -> str:
    return normalise_text(unit).replace("³", "3").replace("²", "2").lower()


def _parse_number(text: str, variables: frozenset[str] | None) -> tuple[Any, str]:
    """A constant or a bracketed expression at the start of text; returns (value, rest)."""
    m = re.match(_NUM, text)
    if m and not text[m.end() :].startswith(("+", "*", "/")):
        return number_json(float(m.group(0))), text[m.end() :]
    m = re.match(r"\(([0-9a-z.+\-*/]+)\)|([0-9.]+[+\-][0-9.]*\*?[a-z][0-9a-z.+\-*/]*)", text)
    if not m:
        return None, text
    raw = m.group(1) or m.group(2)
    # "5n" as printed means 5 * n.
    spelled = re.sub(r"(\d)([a-z])", r"\1*\2", raw)
    try:
        expr = canonical_expr(spelled)
        names = expressions.names(expr)
    except expressions.ExpressionError:
        return None, text
    if variables is not None:
        unknown = sorted(names - variables)
        if unknown:
            raise _Unreadable(
                Msg(
                    "the expression {expr} uses {names}, which is not a numeric fact of the "
                    "system (declare it under facts in the metadata sheet)",
                    expr=repr(raw),
                    names=", ".join(unknown),
                )
            )
    return {"expr": expr}, text[m.end() :]


class _Unreadable(Exception):
    pass


def parse_benchmark(
    cell: object,
    unit: str = "",
    name: str = "",
    variables: frozenset[str] | None = None,
) -> Reading:
    """Read one printed benchmark cell.

    ``unit`` is the indicator's unit column: a unit written in the cell must be that unit.
    ``name`` is the indicator's name: some tables repeat it inside the cell ("热灼减率<4%").
    ``variables`` are the numeric facts an expression such as ``(10+5n)`` may use (None: any).
    """
    if cell is None:
        return Reading(empty=True)
    if isinstance(cell, bool):
        return Reading(problem=Msg("a yes/no value, not a benchmark"))
    if isinstance(cell, int | float):
        return Reading(
            problem=Msg(
                "the number {number} has no comparator: write it as printed, e.g. ≤8 or ≥82",
                number=format_number(cell),
            )
        )
    folded = unicodedata.normalize("NFKC", str(cell))
    if re.search(r"\d[ \t\u3000]+\.?\d", folded):
        # "≤2 0" pasted from a PDF may be ≤20 or ≤2 with a stray 0: check it against the PDF.
        return Reading(problem=Msg("digits separated by a space; check the number against the PDF"))
    text = normalise_text(cell).rstrip(_TRAILING)
    if text.lower() in EMPTY_MARKS:
        return Reading(empty=True)
    notes: list[str] = []
    key = normalise_text(name).lstrip("*")
    if key and text.startswith(key) and len(text) > len(key):
        text = text[len(key) :].removeprefix("为")
        notes.append(Msg("indicator name repeated in the cell ignored"))
    try:
        return _parse(text, unit, variables, notes)
    except _Unreadable as e:
        return Reading(problem=e.args[0])


def _parse(text: str, unit: str, variables: frozenset[str] | None, notes: list[str]) -> Reading:
    if _comparator_count(text) > 1:
        return Reading(
            problem=Msg(
                "more than one comparator in one cell; if the benchmark depends on the "
                "plant, put each case in variants (extra column) and leave one benchmark here"
            )
        )
    op = ""
    if text[:1] in _OPS:
        op, text = text[0], text[1:]
    else:
        for word, sym in _WORD_OPS:
            if text.startswith(word):
                op, text = sym, text[len(word) :]
                notes.append(Msg("{word} read as {sym}", word=repr(word), sym=sym))
                break
    first, rest = _parse_number(text, variables)
    if first is None:
        return Reading(problem=Msg("no number where the benchmark should be"))
    bench: dict[str, Any]
    m = re.match(_RANGE_SEP, rest) if not op else None
    if m:
        # A range prints its unit once, after the second number.
        second, tail = _parse_number(rest[m.end() :], variables)
        if second is None:
            return Reading(problem=Msg("a range needs two numbers, e.g. 3-4"))
        if isinstance(first, int | float) and isinstance(second, int | float) and first > second:
            return Reading(
                problem=Msg("the range {first}-{second} runs backwards", first=first, second=second)
            )
        bench, rest = {"range": [first, second]}, tail
    else:
        if not op:
            for word, sym in _SUFFIX_OPS:
                pos = rest.find(word)
                if pos >= 0 and _unit_ok(rest[:pos] + rest[pos + len(word) :], unit):
                    op = sym
                    rest = rest[:pos] + rest[pos + len(word) :]
                    notes.append(Msg("{word} read as {sym}", word=repr(word), sym=sym))
                    break
        if not op:
            return Reading(
                problem=Msg(
                    "no comparator (≤ < ≥ > or a range): the printed cell must say how the "
                    "value is compared"
                )
            )
        bench = {"op": _OPS[op], "value": first}
    if rest:
        if not _unit_ok(rest, unit):
            where = (
                Msg("the unit column says {unit}", unit=repr(unit))
                if unit
                else Msg("the unit column is empty")
            )
            return Reading(
                problem=Msg(
                    "text {text} after the number, but {where}", text=repr(rest), where=where
                )
            )
        notes.append(Msg("unit {unit} written in the cell", unit=repr(rest)))
    return Reading(benchmark=bench, notes=tuple(notes))


def looks_like_benchmark(cell: object) -> bool:
    """A short cell starting with a comparator or a digit: meant as a number, not a text."""
    text = normalise_text(cell)
    return bool(text) and (
        text[0] in "≤≥<>"
        or text.startswith(tuple(w for w, _ in _WORD_OPS))
        or (text[0].isdigit() and len(text) <= 12)
    )


def _comparator_count(text: str) -> int:
    n = len(re.findall(r"[≤≥<>]", text))
    for word, _ in _WORD_OPS:  # longest first, so 不大于 is not counted again as 大于
        n += text.count(word)
        text = text.replace(word, "")
    return n


def _unit_ok(rest: str, unit: str) -> bool:
    if not rest:
        return True
    if not unit:
        return False
    # "3次" under the unit 次/年: the cell prints the unit's count word only.
    return _unit_key(rest) in (_unit_key(unit), _unit_key(unit).split("/")[0])
