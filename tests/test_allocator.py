"""The worker allocator setting of benchmark 6, observed in a real process: under dask's
``MALLOC_TRIM_THRESHOLD_=65536`` a 1 MiB array is mapped afresh (glibc's mmap threshold is frozen
at 128 KiB); after :func:`keep_large_allocations` it comes from the heap."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)

PROBE = """
import ctypes, sys
from cpscore.batch.allocator import keep_large_allocations

class Info(ctypes.Structure):  # struct mallinfo2 (glibc >= 2.33)
    _fields_ = [(n, ctypes.c_size_t) for n in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
                 "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Info
raised = keep_large_allocations() if sys.argv[1] == "set" else False
libc.malloc.restype = ctypes.c_void_p
mapped = ""
for _ in range(2):  # a 1 MiB block, freed, then asked for again
    before = libc.mallinfo2().hblks
    block = libc.malloc(1 << 20)
    mapped += str(libc.mallinfo2().hblks - before)
    libc.free(ctypes.c_void_p(block))
print(raised, mapped)
"""


def _probe(mode: str, **env: str) -> tuple[str, str]:
    """Whether the thresholds were raised, and for each of two 1 MiB blocks whether it was
    mapped afresh (1) or taken from the heap (0)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, mode],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return out[0], out[1]


def test_dask_default_maps_every_large_block_until_raised():
    assert _probe("leave", MALLOC_TRIM_THRESHOLD_="65536") == ("False", "11")  # mapped each time
    assert _probe("set", MALLOC_TRIM_THRESHOLD_="65536") == ("True", "00")  # from the heap


def test_left_alone_without_dask_env_or_with_an_operator_mmap_threshold():
    # glibc's adaptive threshold, untouched: it rises once the first mapped block is freed
    assert _probe("set") == ("False", "10")
    operator = {"MALLOC_TRIM_THRESHOLD_": "65536", "MALLOC_MMAP_THRESHOLD_": "131072"}
    assert _probe("set", **operator) == ("False", "11")
