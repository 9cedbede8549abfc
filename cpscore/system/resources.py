"""Where the bundled indicator systems and schemas live: inside the wheel, or beside the package."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # cpscore/, where the wheel puts _data


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} not found beside {_PACKAGE}")


@lru_cache(maxsize=1)
def systems_dir() -> Path:
    return _find("indicator_systems")


@lru_cache(maxsize=1)
def schemas_dir() -> Path:
    return _find("schemas")
