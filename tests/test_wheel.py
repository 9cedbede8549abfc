"""A normal, non-editable install ships the systems and schemas inside the wheel.

Builds the wheel, installs it into a fresh virtual environment and evaluates an example from a
folder where the source tree is not importable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp / "dist"),
            str(ROOT),
        ],
        check=True,
    )
    (wheel,) = (tmp / "dist").glob("cpscore-*.whl")
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True)
    return env_dir


def test_wheel_contains_systems_and_schemas(installed: Path) -> None:
    python = installed / "bin" / "python"
    out = subprocess.run(
        [
            str(python),
            "-c",
            "from cpscore.system.resources import systems_dir, schemas_dir; print(systems_dir()); print(schemas_dir())",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=installed,
    ).stdout.split()
    assert all("site-packages/cpscore/_data" in p for p in out)


def test_installed_cli_evaluates_an_example(installed: Path, tmp_path: Path) -> None:
    cpscore = installed / "bin" / "cpscore"
    # The default language (Chinese) is what a user gets: the suite's CPSCORE_LANG is not passed on.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CPSCORE_LANG")}
    proc = subprocess.run(
        [
            str(cpscore),
            "evaluate",
            str(EXAMPLES / "cement" / "plant-advanced.xlsx"),
            "--sector",
            "cement",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["class"]["level"] == "II"
    assert doc["system"]["status"] == "illustrative"
    assert "示例数据" in doc["notice"]
