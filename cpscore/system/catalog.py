"""Finding indicator systems: bundled ones by sector and date, any one by id or path.

Listing reads only the identity fields of each file (no schema, no pandas), so ``cpscore systems``
stays fast; a system is fully validated when it is loaded for use.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cpscore.common.errors import UsageError
from cpscore.common.i18n import Msg

from .model import System
from .resources import systems_dir


@dataclass(frozen=True)
class Entry:
    id: str
    sector: str
    version: str
    title_zh: str
    title_en: str
    effective: str | None
    withdrawn: str | None
    status: str
    method: str
    indicators: int
    path: Path

    @property
    def draft(self) -> bool:
        return self.effective is None

    def in_force(self, on: dt.date) -> bool:
        if self.effective is None:
            return False
        start = dt.date.fromisoformat(self.effective)
        end = dt.date.fromisoformat(self.withdrawn) if self.withdrawn else dt.date.max
        return start <= on <= end


def _entry(path: Path) -> Entry | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
        return Entry(
            id=doc["id"],
            sector=doc["sector"],
            version=doc["version"],
            title_zh=doc["title"]["zh"],
            title_en=doc["title"].get("en", doc["title"]["zh"]),
            effective=doc["effective"],
            withdrawn=doc.get("withdrawn"),
            status=doc["status"],
            method=doc["method"],
            indicators=sum(len(g["indicators"]) for g in doc["groups"]),
            path=path,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # reported when loaded; listing never fails on one bad file


@lru_cache(maxsize=4)
def bundled(root: Path | None = None) -> tuple[Entry, ...]:
    root = root or systems_dir()
    found = (_entry(p) for p in sorted(root.glob("*/*.json")))
    return tuple(sorted((e for e in found if e), key=lambda e: (e.sector, e.effective or "")))


def sectors() -> list[str]:
    return sorted({e.sector for e in bundled()})


def resolve(
    sector: str | None = None, system: str | None = None, as_of: dt.date | None = None
) -> Path:
    """The file to load: --system ID|PATH wins; else the sector's version in force on as_of."""
    if system:
        p = Path(system)
        if p.suffix == ".json" or p.exists():
            if not p.is_file():
                raise UsageError(Msg("system file {system} not found", system=system))
            return p
        for e in bundled():
            if e.id == system:
                return e.path
        ids = ", ".join(e.id for e in bundled())
        raise UsageError(
            Msg("unknown system id {system}; bundled systems: {ids}", system=repr(system), ids=ids)
        )
    if not sector:
        raise UsageError(Msg("name a sector (--sector) or a system (--system ID|PATH)"))
    versions = [e for e in bundled() if e.sector == sector]
    if not versions:
        raise UsageError(
            Msg(
                "unknown sector {sector}; bundled sectors: {join}",
                sector=repr(sector),
                join=", ".join(sectors()),
            )
        )
    on = as_of or dt.date.today()
    in_force = [e for e in versions if e.in_force(on)]
    if not in_force and all(e.draft for e in versions) and as_of is None:
        # A sector known only from a draft: use the newest draft (its status and notice say so).
        return versions[-1].path
    if not in_force:
        dates = ", ".join(f"{e.id} from {e.effective}" for e in versions)
        raise UsageError(
            Msg(
                "no {sector} system was in force on {isoformat} ({dates})",
                sector=sector,
                isoformat=on.isoformat(),
                dates=dates,
            )
        )
    return max(in_force, key=lambda e: e.effective or "").path


def load(
    sector: str | None = None, system: str | None = None, as_of: dt.date | None = None
) -> System:
    from .loader import load_system

    return load_system(resolve(sector, system, as_of))


@lru_cache(maxsize=32)
def indicator_ids(path: Path) -> frozenset[str]:
    """The indicator ids of a system file, read without validation (to recognise workbooks)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
        return frozenset(i["id"] for g in doc["groups"] for i in g["indicators"])
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()
