"""How levels and numbers are written in every output: Ⅱ级 / level II, 88.4.

Shared by the reasons the engine writes and by every view, so a level or a number reads the same
in the terminal, the scorecard and the list.
"""

from __future__ import annotations

from typing import Any

from .i18n import N_, gettext_in

ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "V": "Ⅴ"}


def level_label(level_id: str, lang: str) -> str:
    # Chinese writes levels with the Roman numeral characters (Ⅱ级), English with letters.
    shown = ROMAN.get(level_id, level_id) if lang == "zh" else level_id
    return gettext_in(N_("level {level}"), lang).format(level=shown)


def number_text(v: Any) -> str:
    """A value as the views print it: up to 4 decimals, no trailing zeros, '' for none."""
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)
