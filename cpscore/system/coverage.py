"""Library coverage: the 19 key sectors of the plan and every bundled system, with what is missing.

The data lives in ``indicator_systems/coverage.json``; the README table and ``cpscore systems
--coverage`` are both rendered from it, so they cannot drift apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .catalog import Entry, bundled
from .resources import systems_dir

COVERAGE_FILE = "coverage.json"
GROUP_LABEL = {"high-emission": "high-emission (11)", "heavy-metal": "heavy-metal (8)"}


@dataclass(frozen=True)
class Row:
    sector: str
    zh: str
    group: str  # high-emission | heavy-metal | other
    system: str  # bundled id or ''
    version: str
    status: str  # status of the bundled system, or 'none'
    source: str
    missing: str

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


def load_coverage() -> dict[str, Any]:
    return json.loads((systems_dir() / COVERAGE_FILE).read_text(encoding="utf-8"))


def rows(data: dict[str, Any] | None = None) -> list[Row]:
    """One row per key sector (one per bundled system where a sector has several), then the
    bundled systems outside the 19 sectors."""
    data = data or load_coverage()
    entries: dict[str, Entry] = {e.id: e for e in bundled()}
    notes = data.get("systems", {})
    out: list[Row] = []
    seen: set[str] = set()

    def system_row(sector: dict[str, Any] | None, e: Entry) -> Row:
        seen.add(e.id)
        note = notes.get(e.id, {})
        return Row(
            sector=sector["sector"] if sector else e.sector,
            zh=sector["zh"] if sector else e.title_zh,
            group=sector["group"] if sector else "other",
            system=e.id,
            version=e.version,
            status=e.status,
            source=note.get("source", ""),
            missing=note.get("missing", sector["missing"] if sector else ""),
        )

    for s in data["sectors"]:
        found = [entries[i] for i in s["systems"] if i in entries]
        if found:
            out += [system_row(s, e) for e in found]
            continue
        out.append(
            Row(
                sector=s["sector"],
                zh=s["zh"],
                group=s["group"],
                system="",
                version="",
                status="none",
                source="; ".join([s["found"], *s["sources"]]),
                missing=s["missing"],
            )
        )
    out += [system_row(None, e) for e in entries.values() if e.id not in seen]
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(data: dict[str, Any] | None = None) -> str:
    """The README coverage table."""
    lines = [
        "| sector | group | system | version | status | source | missing |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows(data):
        lines.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    f"{r.zh} ({r.sector})",
                    r.group,
                    f"`{r.system}`" if r.system else "—",
                    r.version or "—",
                    r.status,
                    r.source,
                    r.missing,
                )
            )
            + " |"
        )
    return "\n".join(lines)
