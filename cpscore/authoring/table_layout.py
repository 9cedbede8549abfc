"""The shared layout of an indicator table workbook, read by import-table and written by export-table.

The table sheet prints the columns the published documents print (序号, 一级指标, 一级指标权重,
二级指标, 单位, 二级指标权重, Ⅰ/Ⅱ/Ⅲ级基准值; ``*`` before a limiting indicator's name). What the
printed table does not carry (ids, English names, kind, direction, applicability, variants…) sits
in extra columns to the right, headed by their English keys; the system's identity, levels, facts
and rules sit on a second sheet as key/value rows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

TABLE_SHEET = "指标表"
META_SHEET = "体系信息"
META_SHEET_ALIASES = ("体系信息", "system", "metadata", "元数据", "说明信息")

# Printed columns: key -> header written on export; aliases accepted on import (normalised).
PRINTED = {
    "no": ("序号", ("序号", "no", "no.")),
    "group": ("一级指标", ("一级指标", "一级评价指标", "group")),
    "group_weight": (
        "一级指标权重",
        ("一级指标权重", "一级权重", "一级指标权重值", "group_weight"),
    ),
    "name": ("二级指标", ("二级指标", "二级评价指标", "indicator", "指标")),
    "unit": ("单位", ("单位", "unit")),
    "weight": ("二级指标权重", ("二级指标权重", "二级权重", "二级指标权重值", "weight")),
    "limiting": ("限定性指标", ("限定性指标", "限定性", "limiting")),
}
# Extra columns, by English key (headers are the keys themselves).
GROUP_EXTRAS = ("group_id", "group_en", "group_bonus", "group_extra")
INDICATOR_EXTRAS = ("id", "en", "kind", "direction", "applies_when", "variants", "note", "extra")
JSON_COLUMNS = frozenset({"group_extra", "applies_when", "variants", "extra"})
PRINTED_PREFIX = "printed_"  # printed_I: the printed text when the cell shows the explicit form

ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "V": "Ⅴ"}
_LEVEL_HEADER = re.compile(r"^(I{1,3}|IV|V|[1-5])级(基准值)?$")


def header_key(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


def level_header(level_id: str) -> str:
    return f"{ROMAN.get(level_id, level_id)}级基准值"


def level_of_header(text: object) -> str | None:
    """'Ⅰ级基准值', 'I级基准值', 'Ⅲ级' -> 'I'/'III'; None for other headers."""
    m = _LEVEL_HEADER.match(header_key(text).upper())  # NFKC has turned Ⅲ into III
    if not m:
        return None
    lv = m.group(1)
    return {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V"}.get(lv, lv)


# Metadata keys in the order export writes them; dotted keys are nested objects.
META_KEYS = (
    "$schema",
    "id",
    "sector",
    "version",
    "title.zh",
    "title.en",
    "issuer.zh",
    "issuer.en",
    "source.title",
    "source.issuer",
    "source.announcement",
    "source.citation",
    "source.tables",
    "source.note",
    "effective",
    "withdrawn",
    "replaces",
    "scope.zh",
    "scope.en",
    "status",
    "notice.zh",
    "notice.en",
    "verification",
    "method",
    "composite",
    "renormalise",
    "cap",
    "levels",
    "below",
    "facts",
    "raw_inputs",
    "classification",
    "vetoes",
    "cases",
)
# Metadata written as JSON in its cell: lists and objects (from `levels` on, all of them).
JSON_META = frozenset(
    {
        "source.tables",
        "replaces",
        "composite",
        "verification",
        *META_KEYS[META_KEYS.index("levels") :],
    }
)
META_ALIASES = {
    "标题": "title.zh",
    "名称": "title.zh",
    "发布机构": "issuer.zh",
    "发布单位": "issuer.zh",
    "公告": "source.announcement",
    "公告号": "source.announcement",
    "来源": "source.citation",
    "出处": "source.citation",
    "实施日期": "effective",
    "生效日期": "effective",
    "版本": "version",
    "行业": "sector",
    "状态": "status",
    "方法": "method",
    "评价方法": "method",
    "评定规则": "classification",
    "等级": "levels",
    "适用范围": "scope.zh",
    "说明": "notice.zh",
}
META_HELP = {
    "id": "unique id, e.g. cement-2014",
    "sector": "sector slug, e.g. cement",
    "status": "official | unverified | illustrative (see the reference README)",
    "effective": "first day in force (YYYY-MM-DD); 'draft' for an unissued draft",
    "method": "graded (this layout)",
    "levels": "JSON list, or a preset: 2014 | 43329",
    "classification": "JSON rules, or a preset: 2013 | 43329",
    "source.citation": "where the numbers come from: URL, document and table numbers",
}

DRAFT_MARKS = frozenset({"", "draft", "草案", "征求意见稿", "null", "none"})

LEVEL_PRESETS: dict[str, list[dict[str, str]]] = {
    # Level names of the 2014–2017 sector texts (DESIGN §2a).
    "2014": [
        {"id": "I", "zh": "Ⅰ级 国际清洁生产领先水平", "en": "Level I: international leading level"},
        {"id": "II", "zh": "Ⅱ级 国内清洁生产先进水平", "en": "Level II: domestic advanced level"},
        {"id": "III", "zh": "Ⅲ级 国内清洁生产基本水平", "en": "Level III: domestic basic level"},
    ],
    # GB/T 43329—2023 era names (DESIGN §2a).
    "43329": [
        {
            "id": "I",
            "zh": "Ⅰ级 清洁生产先进（标杆）水平",
            "en": "Level I: advanced (benchmark) level",
        },
        {"id": "II", "zh": "Ⅱ级 清洁生产准入水平", "en": "Level II: entry level"},
        {"id": "III", "zh": "Ⅲ级 清洁生产一般水平", "en": "Level III: general level"},
    ],
}


def _all(*conds: dict[str, Any]) -> dict[str, Any]:
    return {"$and": list(conds)}


CLASSIFICATION_PRESETS: dict[str, list[dict[str, Any]]] = {
    # The usual 通则 table "清洁生产企业的评定" (DESIGN §2a); check it against the system's own text.
    "2013": [
        {"class": "I", "when": _all({"$gte": {"Y_I": 85}}, {"limiting_I": True})},
        {"class": "II", "when": _all({"$gte": {"Y_II": 85}}, {"limiting_II": True})},
        {"class": "III", "when": {"$gte": {"Y_III": 100}}},
        {"class": "lagging", "when": {"$lt": {"Y_III": 100}}},
    ],
    # GB/T 43329-era texts also require every non-limiting indicator to meet II for class I.
    "43329": [
        {
            "class": "I",
            "when": _all({"$gte": {"Y_I": 85}}, {"limiting_I": True}, {"non_limiting_II": True}),
        },
        {"class": "II", "when": _all({"$gte": {"Y_II": 85}}, {"limiting_II": True})},
        {"class": "III", "when": _all({"$gte": {"Y_III": 100}}, {"limiting_III": True})},
        {
            "class": "lagging",
            "when": {"$or": [{"$lt": {"Y_III": 100}}, {"limiting_III": False}]},
        },
    ],
}

YES = frozenset({"yes", "y", "true", "1", "是", "√", "✓", "*", "＊", "加分", "加分项", "x"})
NO = frozenset({"", "no", "n", "false", "0", "否", "-", "—"})
KINDS = {
    "quantitative": "quantitative",
    "定量": "quantitative",
    "定量指标": "quantitative",
    "qualitative": "qualitative",
    "定性": "qualitative",
    "定性指标": "qualitative",
}
DIRECTIONS = {
    "lower": "lower",
    "逆向": "lower",
    "≤": "lower",
    "越小越好": "lower",
    "higher": "higher",
    "正向": "higher",
    "≥": "higher",
    "越大越好": "higher",
    "range": "range",
    "区间": "range",
}


@dataclass(frozen=True)
class Column:
    key: str  # 'group', 'name', 'level:I', 'printed_I', 'id', ...
    index: int


def set_dotted(doc: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    for p in parts[:-1]:
        doc = doc.setdefault(p, {})
    doc[parts[-1]] = value


def get_dotted(doc: dict[str, Any], key: str) -> Any:
    for p in key.split("."):
        if not isinstance(doc, dict) or p not in doc:
            return None
        doc = doc[p]
    return doc


def has_dotted(doc: dict[str, Any], key: str) -> bool:
    for p in key.split("."):
        if not isinstance(doc, dict) or p not in doc:
            return False
        doc = doc[p]
    return True
