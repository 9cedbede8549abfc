"""Units of indicators and plant values, backed by pint (imported lazily: it costs half a second).

Sector tables print units such as ``kgce/t``, ``mg/Nm³``, ``ngTEQ/Nm³``, ``次/年`` or ``t/万元``.
They are normalised to pint syntax here. Coal equivalent, normal cubic metres, toxic equivalents,
CO2 mass and currency are their own dimensions, so cpscore never converts, say, kWh into kgce
(that needs a policy-chosen factor, not a unit rule).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

_DEFINITIONS = """
kgce = [coal_equivalent]
tce = 1000 * kgce
gce = 0.001 * kgce
Nm3 = [normal_volume]
kNm3 = 1000 * Nm3
TEQ_gram = [toxic_equivalent]
ngTEQ = 1e-9 * TEQ_gram
pgTEQ = 1e-12 * TEQ_gram
kgCO2 = [co2_mass]
tCO2 = 1000 * kgCO2
yuan = [currency]
wanyuan = 10000 * yuan
times = [occurrence]
wan_tonne = 10000 * metric_ton
"""

# Printed forms -> pint syntax, applied in order before parsing.
_REPLACEMENTS = [
    ("³", "3"),
    ("²", "2"),
    ("₂", "2"),
    ("·", "*"),
    ("％", "%"),
    ("万元", "wanyuan"),
    ("元", "yuan"),
    ("万kWh", "(10000*kWh)"),
    ("万吨", "wan_tonne"),  # 万t, as printed in output columns (年熟料产量 (万t))
    ("万t", "wan_tonne"),
    ("次", "times"),
    ("天", "day"),
    ("日", "day"),
    ("年", "year"),
    ("小时", "hour"),
    ("吨", "t"),
]
_TOKEN_FIXES = [
    (re.compile(r"\bk?Nm3\b|Nm\^3"), lambda m: m.group(0).replace("^", "")),
    (re.compile(r"ng\s*TEQ"), lambda m: "ngTEQ"),
    (re.compile(r"\bm3\b"), lambda m: "m**3"),
    (re.compile(r"\bm2\b"), lambda m: "m**2"),
    (re.compile(r"%"), lambda m: "percent"),
    (re.compile(r"\bt\b"), lambda m: "metric_ton"),
    (re.compile(r"\bkt\b"), lambda m: "kilotonne"),  # pint's kt is a knot
    (re.compile(r"\bh\b"), lambda m: "hour"),
    (re.compile(r"\ba\b"), lambda m: "year"),
    (re.compile(r"\bL\b"), lambda m: "liter"),
]


class UnitError(ValueError):
    """A unit that cannot be parsed, or two units that cannot be converted."""


@lru_cache(maxsize=1)
def registry() -> Any:
    import pint

    reg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for line in _DEFINITIONS.strip().splitlines():
        reg.define(line)
    return reg


@lru_cache(maxsize=1024)
def normalise(unit: str) -> str:
    """The pint spelling of a printed unit ('' and '-' mean dimensionless)."""
    text = (unit or "").strip()
    if text in ("", "-", "–", "—", "/"):
        return "dimensionless"
    for old, new in _REPLACEMENTS:
        text = text.replace(old, new)
    for pattern, repl in _TOKEN_FIXES:
        text = pattern.sub(repl, text)
    return text.replace(" ", "")


@lru_cache(maxsize=512)
def parse(unit: str) -> Any:
    """A pint Unit for a printed unit; raises UnitError when it does not parse."""
    reg = registry()
    try:
        return reg.parse_units(normalise(unit))
    except Exception as e:  # pint raises several unrelated types
        raise UnitError(f"unit {unit!r} is not understood ({e})") from None


def _cache_file() -> Path:
    from importlib.metadata import version

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "cpscore" / f"units-pint-{version('pint')}.json"


@lru_cache(maxsize=1)
def _known_good() -> set[str]:
    try:
        return set(json.loads(_cache_file().read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return set()


def check(unit: str) -> None:
    """Raise UnitError unless the unit parses. Units that parsed before are remembered in the user
    cache, so loading a system does not pay pint's half-second import every time."""
    key = normalise(unit)
    if key in _known_good():
        return
    parse(unit)
    known = _known_good()
    known.add(key)
    with contextlib.suppress(OSError):
        from cpscore.common.atomic import write_text

        write_text(_cache_file(), json.dumps(sorted(known)))


def same(a: str, b: str) -> bool:
    """Cheap textual test, so the common case never imports pint."""
    return normalise(a) == normalise(b)


@lru_cache(maxsize=512)
def factor(from_unit: str, to_unit: str) -> float:
    """Multiply a value in ``from_unit`` by this to get it in ``to_unit``."""
    if same(from_unit, to_unit):
        return 1.0
    src, dst = parse(from_unit), parse(to_unit)
    try:
        return float(registry().Quantity(1.0, src).to(dst).magnitude)
    except Exception:
        raise UnitError(f"cannot convert {from_unit!r} to {to_unit!r}") from None
