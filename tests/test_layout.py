"""The package's folders are its pipeline (README "Architecture"): imports go down the stack only,
and one plant from ``cpscore evaluate`` to the printed class passes read → engine → views once."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import cpscore

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("common", "system", "read", "engine", "views", "batch", "authoring")


def test_import_contracts_are_kept():
    """pyproject's import-linter contracts: layers cli → batch/authoring → pipeline → views →
    engine → read → system → common, and no two sibling modules or folders importing each other."""
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_what_it_owns_and_may_import(stage):
    doc = ast.get_docstring(ast.parse((ROOT / "cpscore" / stage / "__init__.py").read_text()))
    assert doc and len(doc) > 80
    if stage != "common":
        assert "May import" in doc


def _stage(module: str) -> str:
    return module.split(".")[1]


def test_one_evaluate_reads_top_to_bottom():
    """Trace the calls of one ``cpscore evaluate``: leaving out the libraries every stage uses
    (system, common) and the orchestrators (cli with its click wording, pipeline), the stages run read, engine,
    views, each once, in that order."""
    for m in pkgutil.walk_packages(cpscore.__path__, "cpscore."):
        if m.name.startswith(("cpscore.web", "cpscore.__main__")):
            continue
        importlib.import_module(m.name)  # so import-time code is not traced
    from cpscore import cli

    seen: list[str] = []

    def profile(frame, event, _arg):
        if event == "call":
            name = frame.f_globals.get("__name__", "")
            if name.startswith("cpscore."):
                stage = _stage(name)
                if stage not in ("system", "common", "cli", "cli_words", "pipeline") and (
                    not seen or seen[-1] != stage
                ):
                    seen.append(stage)

    args = ["evaluate", str(ROOT / "examples/cement/plant-advanced.xlsx"), "--sector", "cement"]
    sys.setprofile(profile)
    try:
        result = CliRunner().invoke(cli.main, args)
    finally:
        sys.setprofile(None)
    assert result.exit_code == 0, result.output
    assert seen == ["read", "engine", "views"]


def test_public_api_from_cpscore_itself():
    """The public API keeps working from ``cpscore``, each name the function its stage owns."""
    from cpscore.batch import distributed, outputs, run
    from cpscore.engine import evaluate
    from cpscore.system import catalog

    assert cpscore.load is catalog.load
    assert cpscore.evaluate_frame is evaluate.evaluate_frame
    assert cpscore.evaluate_plant is evaluate.evaluate_plant
    assert cpscore.score_frame is evaluate.score_frame
    assert cpscore.run_batch is run.run_batch
    assert cpscore.write_outputs is outputs.write_outputs
    assert cpscore.score_dask is distributed.score_dask
    with pytest.raises(AttributeError):
        _ = cpscore.no_such_name
