"""Cell text as a person reads it: wrapped lines joined, raised and lowered digits as ³ and ₂."""

from __future__ import annotations

SUPERSCRIPT = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
SUBSCRIPT = str.maketrans("0123456789+-=()x", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₓ")


def raised(text: str) -> str:
    return text.translate(SUPERSCRIPT)


def lowered(text: str) -> str:
    return text.translate(SUBSCRIPT)


def join_lines(lines: list[str]) -> str:
    """Lines of one cell as one text: a wrap is no space in Chinese, nor inside a number; a space
    between two Latin words that the wrap separated."""
    out = ""
    for line in (x.strip() for x in lines):
        if not line:
            continue
        if (
            out
            and out[-1].isascii()
            and out[-1].isalpha()
            and line[0].isascii()
            and line[0].isalpha()
        ):
            out += " "
        out += line
    return out
