"""The classification section of a document (清洁生产企业的评定), where it can be recognised.

The sector texts state, per level, the index it needs (YⅠ≥85, YⅢ=100) and what the limiting
indicators (限定性指标) and, in GB/T 43329-era texts, the other indicators must meet. What is
recognised becomes the classification rules; anything else is left to ``--set classification``.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from typing import Any

from cpscore.authoring import table_layout as L
from cpscore.common.i18n import _

_Y = re.compile(r"Y_?[{(（]?(I{1,3}|IV|V)[})）]?\s*(≥|>=|=|＝)\s*(\d+(?:\.\d+)?)")
_LIMITING = re.compile(r"(?<!非)限定性指标(?:全部|均|都)?(?:满足|达到)(I{1,3}|IV|V)级")
_OTHERS = re.compile(r"非限定性指标(?:全部|均|都)?(?:满足|达到)(I{1,3}|IV|V)级")
_ROMAN = str.maketrans({"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V"})


def _number(text: str) -> int | float:
    v = float(text)
    return int(v) if v.is_integer() else v


def recognise(lines: list[str]) -> tuple[list[dict[str, Any]] | None, str]:
    """(rules, what was recognised) or (None, why not) from the text after the table."""
    text = unicodedata.normalize("NFKC", " ".join(lines)).translate(_ROMAN)
    text = re.sub(r"\s+", "", text)
    found = list(_Y.finditer(text))
    if not found:
        return None, _(
            "no classification section recognised; give the rule with "
            "--set classification=2013|43329|JSON"
        )
    rules: list[dict[str, Any]] = []
    seen: set[str] = set()
    for k, m in enumerate(found):
        level, threshold = m.group(1), _number(m.group(3))
        if level in seen:
            continue
        seen.add(level)
        end = found[k + 1].start() if k + 1 < len(found) else min(len(text), m.end() + 120)
        segment = text[m.end() : end]
        conds: list[dict[str, Any]] = [{"$gte": {f"Y_{level}": threshold}}]
        for lm in _LIMITING.finditer(segment):
            conds.append({f"limiting_{lm.group(1)}": True})
        for om in _OTHERS.finditer(segment):
            conds.append({f"non_limiting_{om.group(1)}": True})
        rules.append({"class": level, "when": conds[0] if len(conds) == 1 else {"$and": conds}})
    for preset in ("2013", "43329"):
        full = L.CLASSIFICATION_PRESETS[preset]
        if [r for r in full if r["class"] != "lagging"] == rules:
            msg = _("classification section read as the preset {preset}").format(preset=preset)
            return copy.deepcopy(full), msg
    last = rules[-1]["when"]
    negations = [_negate(c) for c in (last.get("$and", [last]))]
    lagging = negations[0] if len(negations) == 1 else {"$or": negations}
    rules.append({"class": "lagging", "when": lagging})
    levels = ", ".join(r["class"] for r in rules[:-1])
    msg = _("classification section read for levels {levels}; check it in the review")
    return rules, msg.format(levels=levels)


def _negate(cond: dict[str, Any]) -> dict[str, Any]:
    if "$gte" in cond:
        return {"$lt": cond["$gte"]}
    ((key, value),) = cond.items()
    return {key: not value}
