"""The worker allocator settings of benchmark 6, observed in real processes: under dask's
``MALLOC_TRIM_THRESHOLD_=65536`` a 1 MiB array is mapped afresh (glibc's mmap threshold is frozen
at 128 KiB); after :func:`keep_large_allocations` it comes from the heap. A thread allocates
from an arena of its own unless the worker starts with ``WORKER_ENVIRON`` (one arena)."""

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


ARENAS = """
import ctypes, os, sys, tempfile, threading

libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = libc.fopen.restype = ctypes.c_void_p
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = libc.free.argtypes = [ctypes.c_void_p]

def chunk():  # what a task does: large blocks, taken and given back
    for _ in range(4):
        libc.free(libc.malloc(4 << 20))

worker = threading.Thread(target=chunk)  # a task runs in a worker's thread
worker.start()
worker.join()
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "info.xml")
    fp = libc.fopen(path.encode(), b"w")
    libc.malloc_info(0, fp)
    libc.fclose(fp)
    print(open(path).read().count("<heap nr="))
"""


def _arenas(**env: str) -> int:
    """How many malloc arenas a process has after a thread allocated (glibc's malloc_info)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run(
        [sys.executable, "-c", ARENAS], env={**clean, **env}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return int(out.stdout)


def test_a_thread_allocates_from_the_main_arena_under_the_worker_environ():
    from cpscore.batch.allocator import WORKER_ENVIRON

    assert _arenas() == 2  # the thread got an arena of its own
    assert _arenas(**WORKER_ENVIRON) == 1


def test_local_cluster_workers_start_with_the_worker_environ_and_no_profiler():
    pytest.importorskip("distributed")
    from cpscore.batch.allocator import WORKER_ENVIRON
    from cpscore.batch.distributed import local_cluster

    with local_cluster(2) as client:
        seen = client.run(lambda: {k: __import__("os").environ.get(k) for k in WORKER_ENVIRON})
        trim = client.run(lambda: __import__("os").environ.get("MALLOC_TRIM_THRESHOLD_"))
        profiled = client.run(
            lambda: __import__("dask").config.get("distributed.worker.profile.enabled")
        )
    assert list(seen.values()) == [WORKER_ENVIRON, WORKER_ENVIRON]
    assert list(profiled.values()) == [False, False]
    assert set(trim.values()) == {"65536"}  # dask's own settings are kept beside it
