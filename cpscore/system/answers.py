"""The words plants write for 'does not apply', 'none met', yes/no and levels (Ⅱ级, ii, II).

Shared by the workbook readers and the scorer's input preparation; kept apart from both so a
reading worker process does not import pandas.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

NOT_APPLICABLE = frozenset({"n/a", "na", "not applicable", "不适用", "无此项", "不涉及"})
NONE_MET = frozenset({"none", "未达到", "不达标", "不符合", "below", "0"})
YES = frozenset({"yes", "y", "true", "是", "符合", "有", "1"})
NO = frozenset({"no", "n", "false", "否", "无", "0"})
ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V"}


@lru_cache(maxsize=4096)
def text_key(text: object) -> str:
    """A written name or label compared loosely: spaces, brackets, colons, '*' and case aside."""
    return re.sub(r"[\s_()（）\[\]【】:：*]", "", str(text or "")).lower()


def enum_vocabulary(spec: dict, values: tuple[str, ...]) -> dict[str, str]:
    """text_key of every way to write an enum fact's value (its id, its zh and en labels, as the
    template's drop-down shows them) -> the value id."""
    words = {v: v for v in values}
    for v, label in spec.get("value_labels", {}).items():
        for lang in ("zh", "en"):
            if label.get(lang):
                words[label[lang]] = v
    return {text_key(k): v for k, v in words.items()}


def canonical_level(text: str, level_ids: list[str]) -> str | None:
    """'Ⅱ级', 'ii', 'II' -> 'II' when it names a level; None otherwise."""
    t = text.strip()
    for k, v in ROMAN.items():
        t = t.replace(k, v)
    t = t.removesuffix("级").removeprefix("level").strip().upper()
    for lv in level_ids:
        if t == lv.upper():
            return lv
    return None


def is_blank(v: object) -> bool:
    """None, NaN or text of whitespace only: no value."""
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def is_bool(v: object) -> bool:
    return isinstance(v, bool | np.bool_)


def as_bool(v: object) -> bool | None:
    if is_bool(v):
        return bool(v)
    if is_blank(v):
        return None
    s = str(v).strip().lower()
    if s in YES:
        return True
    if s in NO:
        return False
    return None
