"""Shared fixtures: paths to the repository's data, and systems loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SYSTEMS = ROOT / "indicator_systems"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def cement():
    from cpscore.loader import load_system

    return load_system(SYSTEMS / "cement" / "2014-illustrative.json")


@pytest.fixture(scope="session")
def hazardous_waste():
    from cpscore.loader import load_system

    return load_system(SYSTEMS / "hazardous-waste-incineration" / "draft-5878b99.json")
