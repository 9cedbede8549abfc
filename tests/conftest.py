"""Shared fixtures: paths to the repository's data, and systems loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Messages in English for the suite (and the processes it starts), set before any fixture runs;
# Chinese is the users' default, checked by tests/test_i18n.py and tests/test_issue12.py.
os.environ["CPSCORE_LANG"] = "en"

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SYSTEMS = ROOT / "indicator_systems"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def cement():
    from cpscore.system.loader import load_system

    return load_system(SYSTEMS / "cement" / "2014-illustrative.json")


@pytest.fixture(scope="session")
def hazardous_waste():
    from cpscore.system.loader import load_system

    return load_system(SYSTEMS / "hazardous-waste-incineration" / "draft-5878b99.json")


def _load(path: Path):
    from cpscore.system.loader import load_system

    return load_system(path)


@pytest.fixture(scope="session")
def graded_small():
    """Graded fixture: n/a re-normalisation, limiting, veto, variant, expression and range benchmarks."""
    return _load(FIXTURES / "systems" / "graded-small.json")


@pytest.fixture(scope="session")
def graded_bonus():
    """Graded fixture: an output-weighted weight set and a bonus group, index capped at 100."""
    return _load(FIXTURES / "systems" / "graded-bonus.json")


@pytest.fixture(scope="session")
def composite_small():
    """Composite (NDRC 2005-2010) fixture: a = 0.6, b = 0.4, ratio cap 1.2."""
    return _load(FIXTURES / "systems" / "composite-small.json")


def evaluate_rows(system, rows: dict[str, dict]):
    """Evaluate plants given as {plant id: {column: value}} through the DataFrame path."""
    import pandas as pd

    from cpscore.engine.evaluate import evaluate_frame

    return evaluate_frame(system, pd.DataFrame.from_dict(rows, orient="index"))


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    """Messages in English unless a test asks for a language (Chinese is the default for users;
    tests/test_i18n.py checks it). Views still take their own ``lang``."""
    from cpscore.common.i18n import set_language

    monkeypatch.setenv("CPSCORE_LANG", "en")  # a test may have changed it
    set_language(None)
    yield
    set_language(None)
