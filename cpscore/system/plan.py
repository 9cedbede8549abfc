"""Targets of 《工业清洁生产推行"十二五"规划》 (the 12th five-year industrial clean-production plan).

Transcribed from the plan text in shared/reference/industrial-clean-production-plan-12th-fyp.txt:
表1 "十二五"工业清洁生产主要指标 (2015 column) and the seven key projects of 四、重点工程. These
are national targets for the whole of industry (not per sector); a sector's reduction potential is
shown beside them for scale only. Numbers are copied as printed, never rounded or derived, except
``tonnes``, the printed quantity written out in tonnes (1 万吨 = 10 000 t).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLAN_TITLE = "《工业清洁生产推行“十二五”规划》"

# 二、（三）主要目标: "到2015年，通过实施重点工程有效削减主要污染物产生量；重点行业70%以上企业
# 达到清洁生产评价指标体系中的“清洁生产先进企业”水平" — and 表1: 重点行业达到“清洁生产先进企业”比例
# 2015年 [>70%].
ADVANCED_SHARE_TARGET = 0.70
ADVANCED_SHARE_QUOTE = (
    "到2015年……重点行业70%以上企业达到清洁生产评价指标体系中的“清洁生产先进企业”水平"
    "（二、（三）主要目标；表1：重点行业达到“清洁生产先进企业”比例 2015年 [>70%]）"
)


@dataclass(frozen=True)
class PlanTarget:
    """One 2015 reduction target of the plan, as printed, with where it is printed."""

    key: str
    name: str  # the plan's own words for what is reduced
    printed: str  # the 2015 figure as printed in 表1
    tonnes: float  # the same quantity in tonnes
    section: str
    aliases: tuple[str, ...]  # how a system's reduction "substance" may name it
    note: str = ""


PLAN_TARGETS: tuple[PlanTarget, ...] = (
    PlanTarget(
        "cod",
        "化学需氧量",
        "65万吨",
        650_000.0,
        "表1；四（一）化学需氧量削减工程：到2015年削减化学需氧量产生量65万吨/年",
        ("cod", "化学需氧量"),
    ),
    PlanTarget(
        "so2",
        "二氧化硫（排放量）",
        "60万吨",
        600_000.0,
        "表1；四（二）二氧化硫削减工程：到2015年削减二氧化硫排放量60万吨/年",
        ("so2", "so₂", "二氧化硫"),
        "the plan counts SO2 emission (排放量), not generation",
    ),
    PlanTarget(
        "nh3n",
        "氨氮",
        "10.8万吨",
        108_000.0,
        "表1；四（三）氨氮削减工程：到2015年削减氨氮产生量10.8万吨/年",
        ("氨氮", "nh3-n", "nh3n", "ammonia nitrogen", "ammonia"),
    ),
    PlanTarget(
        "nox",
        "氮氧化物",
        "120万吨",
        1_200_000.0,
        "表1；四（四）氮氧化物削减工程（水泥行业）：削减氮氧化物产生量120万吨/年",
        ("nox", "noₓ", "氮氧化物"),
    ),
    PlanTarget(
        "mercury",
        "汞使用量",
        "638吨",
        638.0,
        "表1；四（五）汞污染削减工程：到2015年，削减汞使用量638吨/年",
        ("汞", "hg", "mercury"),
        "the plan counts mercury use (使用量)",
    ),
    PlanTarget(
        "chromium",
        "铬渣及含铬污泥",
        "73万吨",
        730_000.0,
        "表1；四（六）铬污染削减工程：到2015年削减铬渣及含铬污泥产生量73万吨/年",
        ("铬", "cr", "chromium"),
        "the plan counts chromium slag and chromium-bearing sludge",
    ),
    PlanTarget(
        "lead",
        "铅尘",
        "0.2万吨",
        2_000.0,
        "表1；四（七）铅污染削减工程：到2015年削减铅尘0.2万吨/年、废水中铅60吨/年、减少铅使用量18万吨/年",
        ("铅", "pb", "lead"),
        "表1 lists lead dust (铅尘); 四（七） adds 60 t/a of lead in waste water and 18万吨/a of lead use",
    ),
)


def target_for(substance: str) -> PlanTarget | None:
    """The plan target a system's reduction substance names ('SO2', '二氧化硫 SO2', 'NOx' …)."""
    text = substance.lower()
    for t in PLAN_TARGETS:
        for alias in t.aliases:
            # Latin aliases must stand as words ('cr' is not in 'crude'); Chinese ones anywhere.
            pattern = rf"(?<![a-z0-9]){re.escape(alias)}(?![a-z0-9])" if alias.isascii() else None
            if (pattern and re.search(pattern, text)) or (not pattern and alias in text):
                return t
    return None
