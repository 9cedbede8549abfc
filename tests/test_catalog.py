"""Several versions per sector: --sector picks the version in force, --as-of the one in force
then, --system any one explicitly; drafts are used only when a sector has nothing else."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import SYSTEMS

from cpscore.common.errors import UsageError
from cpscore.system import catalog


def _version(
    root: Path, sector: str, sid: str, effective: str | None, withdrawn: str | None = None
) -> Path:
    doc = json.loads((SYSTEMS / "cement" / "2014-illustrative.json").read_text(encoding="utf-8"))
    doc.update(id=sid, sector=sector, effective=effective)
    if withdrawn:
        doc["withdrawn"] = withdrawn
    path = root / sector / f"{sid}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _version(tmp_path, "glass", "glass-2008", "2008-01-01", withdrawn="2018-06-30")
    _version(tmp_path, "glass", "glass-2018", "2018-07-01")
    _version(tmp_path, "paint", "paint-draft", None)
    entries = catalog.bundled.__wrapped__(tmp_path)
    monkeypatch.setattr(catalog, "bundled", lambda root=None: entries)
    return tmp_path


def test_sector_picks_the_version_in_force_today(library: Path) -> None:
    assert catalog.resolve("glass").name == "glass-2018.json"


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2010-05-01", "glass-2008.json"),
        ("2018-06-30", "glass-2008.json"),
        ("2018-07-01", "glass-2018.json"),
    ],
)
def test_as_of_picks_the_version_in_force_then(library: Path, as_of: str, expected: str) -> None:
    assert catalog.resolve("glass", as_of=dt.date.fromisoformat(as_of)).name == expected


def test_before_any_version_is_an_error_naming_the_versions(library: Path) -> None:
    with pytest.raises(
        UsageError, match=r"no glass system was in force on 2001-01-01 \(glass-2008 from 2008-01-01"
    ):
        catalog.resolve("glass", as_of=dt.date(2001, 1, 1))


def test_system_id_or_path_wins(library: Path) -> None:
    assert catalog.resolve("glass", system="glass-2008").name == "glass-2008.json"
    path = library / "glass" / "glass-2008.json"
    assert catalog.resolve(system=str(path)) == path


def test_a_sector_known_only_from_a_draft_uses_the_draft(library: Path) -> None:
    assert catalog.resolve("paint").name == "paint-draft.json"
    with pytest.raises(UsageError):
        catalog.resolve("paint", as_of=dt.date(2020, 1, 1))


def test_unknown_sector_and_id_list_what_exists(library: Path) -> None:
    with pytest.raises(UsageError, match="unknown sector 'steel'; bundled sectors: glass, paint"):
        catalog.resolve("steel")
    with pytest.raises(UsageError, match="unknown system id 'glass-1999'"):
        catalog.resolve(system="glass-1999")
