"""The C allocator of a Dask worker process, set for scoring large chunks.

dask's nanny starts every worker with ``MALLOC_TRIM_THRESHOLD_=65536``. Setting any glibc
threshold also freezes glibc's adaptive mmap threshold at 128 KiB, so every array of a
100,000-row chunk is mapped and unmapped afresh, page by page: scoring then runs about 1.5x
slower (benchmark 6). A task calls :func:`keep_large_allocations` once per process to give such a
worker the thresholds glibc itself would have reached (32 MiB mmap threshold) and a trim
threshold of 64 MiB; what a worker keeps is then at most one chunk's working set.

A task runs in a thread of the worker, and glibc gives that thread an arena of its own, made of
64 MiB heaps that are unmapped as soon as they fall empty and mapped afresh for the next chunk:
the same rows then score about 10% slower than in the main thread (measured in one process,
``MALLOC_ARENA_MAX`` unset against 1). The arena exists before any task runs, so only the
worker's environment can prevent it: :data:`WORKER_ENVIRON` is what cpscore's own local cluster
starts its single-threaded workers with, and what the README asks of ``dask worker``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 2**20  # glibc's own ceiling for its adaptive threshold on 64-bit
TRIM_THRESHOLD = 64 * 2**20
# One arena: a single-threaded worker's task thread allocates from the main heap, as one process
# does (its other threads, the event loop and comms, allocate little).
WORKER_ENVIRON = {"MALLOC_ARENA_MAX": "1"}


@functools.cache
def keep_large_allocations() -> bool:
    """Raise the thresholds when the environment froze them (dask's default) and the process
    runs on glibc; True when they were raised. Thresholds the environment names for mmap
    itself are the operator's choice and are left alone."""
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):  # not glibc (musl, macOS): nothing to set
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
