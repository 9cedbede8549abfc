"""The normalised, read-only model of an indicator system (清洁生产评价指标体系).

Built by :mod:`cpscore.system.loader` from a validated JSON file; every other module reads this model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

Condition = dict[str, Any]

OPS = ("<", "<=", ">", ">=")


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    @classmethod
    def of(cls, d: dict[str, str] | None, fallback: str = "") -> Text:
        d = d or {}
        zh = d.get("zh") or fallback
        return cls(zh=zh, en=d.get("en") or zh)


@dataclass(frozen=True)
class Level:
    id: str
    name: Text
    colour: str


@dataclass(frozen=True)
class Number:
    """A benchmark number: a constant, or an expression of plant facts (e.g. ``10 + 5 * n``)."""

    const: float | None = None
    expr: str | None = None

    def __str__(self) -> str:
        return self.expr if self.expr is not None else f"{self.const:g}"


@dataclass(frozen=True)
class Benchmark:
    """What a value must satisfy for one level: ``op value`` or a closed range ``[low, high]``."""

    op: str | None = None
    value: Number | None = None
    low: Number | None = None
    high: Number | None = None
    printed: str = ""

    @property
    def is_range(self) -> bool:
        return self.low is not None

    def describe(self) -> str:
        if self.printed:
            return self.printed
        if self.is_range:
            return f"{self.low}–{self.high}"
        op = {"<=": "≤", ">=": "≥"}.get(self.op or "", self.op or "")
        return f"{op}{self.value}"


@dataclass(frozen=True)
class Variant:
    when: Condition
    benchmarks: dict[str, Benchmark]
    note: str = ""


@dataclass(frozen=True)
class Fact:
    id: str
    name: Text
    type: str  # number | boolean | enum | string
    unit: str = ""
    values: tuple[str, ...] = ()
    required: bool = False
    default: Any = None
    plausible: tuple[float | None, float | None] | None = None
    help: Text | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    name: Text
    kind: str  # quantitative | qualitative
    group: str
    unit: str = ""
    direction: str = ""  # lower | higher | range ('' for qualitative)
    weight: float | None = None
    weight_set: str | None = None
    output_fact: str | None = None
    limiting: bool = False
    benchmarks: dict[str, Benchmark] | None = None  # None: not given; {}: published without any
    benchmark: float | None = None  # composite method
    variants: tuple[Variant, ...] = ()
    requirements: dict[str, Text] = field(default_factory=dict)
    answer: str = "level"
    applies_when: Condition | None = None
    formula: str | None = None
    plausible: tuple[float | None, float | None] | None = None
    reduction: dict[str, str] | None = None
    definition: Text | None = None

    @property
    def quantitative(self) -> bool:
        return self.kind == "quantitative"


@dataclass(frozen=True)
class Group:
    id: str
    name: Text
    weight: float
    bonus: bool
    part: str  # composite: quantitative | qualitative; graded: ''
    weight_sets: dict[str, float]
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class ClassRule:
    klass: str
    when: Condition
    note: str = ""


@dataclass(frozen=True)
class Veto:
    id: str
    when: Condition
    max_class: str
    name: Text


@dataclass(frozen=True)
class Source:
    title: str
    issuer: str
    citation: str
    announcement: str | None = None
    tables: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class System:
    """One published version of a sector's indicator system."""

    id: str
    sector: str
    version: str
    title: Text
    issuer: Text
    source: Source
    effective: str | None
    withdrawn: str | None
    status: str
    notice: Text | None
    method: str  # graded | composite
    levels: tuple[Level, ...]
    below: Level
    facts: tuple[Fact, ...]
    raw_inputs: tuple[Fact, ...]
    groups: tuple[Group, ...]
    classification: tuple[ClassRule, ...]
    vetoes: tuple[Veto, ...]
    renormalise: str
    cap: float | None
    composite: dict[str, float] | None
    path: str
    sha256: str
    raw: dict[str, Any]

    # Cached: these are asked for once per plant and cell on national-scale runs. A frozen
    # dataclass allows cached_property (it writes the instance __dict__ directly).
    @cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for g in self.groups for i in g.indicators)

    @cached_property
    def enum_vocabularies(self) -> dict[str, dict[str, str]]:
        """Per enum fact: every way to write a value (id, zh or en label) -> the value id."""
        from .answers import enum_vocabulary

        specs = {x["id"]: x for x in self.raw.get("facts", ())}
        return {
            f.id: enum_vocabulary(specs.get(f.id, {}), tuple(f.values))
            for f in self.facts
            if f.type == "enum"
        }

    @cached_property
    def classes(self) -> tuple[Level, ...]:
        """Every class a plant can get, best first, ending with the class below all levels."""
        return (*self.levels, self.below)

    @cached_property
    def class_index(self) -> dict[str, int]:
        """Class id -> rank (0 = best)."""
        return {c.id: k for k, c in enumerate(self.classes)}

    def class_rank(self, class_id: str) -> int:
        try:
            return self.class_index[class_id]
        except KeyError:
            raise ValueError(f"{class_id!r} is not a class of {self.id}") from None

    def class_by_id(self, class_id: str) -> Level:
        return self.classes[self.class_rank(class_id)]

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)

    @property
    def official(self) -> bool:
        return self.status == "official"

    @property
    def verification(self) -> dict[str, Any] | None:
        v = self.raw.get("verification")
        # An official file edited after its check loads as unverified: its record no longer holds.
        return v if isinstance(v, dict) and self.official else None

    def status_label(self, lang: str | None = None) -> str:
        """The status as every output names it: an official system with who verified it, when."""
        return status_label(self.status, self.verification, lang)

    @cached_property
    def score_names(self) -> tuple[str, ...]:
        if self.method == "composite":
            return ("P", "P1", "P2")
        return tuple(f"Y_{lv.id}" for lv in self.levels)


def status_label(status: str, verification: dict[str, Any] | None, lang: str | None = None) -> str:
    """'官方，张三 2026-12-01 核对' / 'official, verified by 张三 on 2026-12-01'; else the status
    word (未核实, 示例 …) in the reader's language."""
    from cpscore.common.i18n import language, status_word

    if status != "official" or not verification:
        return status_word(status, lang)
    by, date = verification.get("by", "?"), verification.get("date", "?")
    if (lang or language()) == "en":
        return f"official, verified by {by} on {date}"
    return f"官方，{by} {date} 核对"
