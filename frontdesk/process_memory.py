"""glibc's malloc in the long-running processes (``serve``, ``worker``): arenas capped,
free memory handed back after the models load.

glibc gives threads their own malloc arenas (up to 8 per core) and rarely hands their freed
memory back to the system: a replica's request threads (14 at ready, 30+ under 32 chat
clients) each kept a few MB to tens of MB of slack, growing its resident memory under load
with nothing live in it (bench/RESULTS.md, "Memory per replica: where it goes"). Two arenas
is what glibc's own documentation suggests for such servers; the numpy and ONNX work of a
turn runs outside Python's allocator lock, but its allocations are few and large.
``MALLOC_ARENA_MAX`` in the environment, which glibc reads itself, takes precedence.

Loading the models frees as much as it keeps (decompressed model files, parsed JSON, the
conversions in between) in holes glibc does not return by itself: ``malloc_trim`` after
start-up gave back ~70 MB of a replica's resident memory.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import sys

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # mallopt parameter number, from glibc's malloc.h
DEFAULT_ARENAS = 2


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.gnu_get_libc_version  # noqa: B018 - musl and others lack it: not glibc
    except (OSError, AttributeError):
        return None
    return libc


def limit_malloc_arenas(arenas: int = DEFAULT_ARENAS) -> int | None:
    """Cap the process's malloc arenas at ``arenas``; returns the cap applied (None: not
    glibc, or ``MALLOC_ARENA_MAX`` already set). Call before the process starts threads."""
    libc = _glibc()
    if libc is None or os.environ.get("MALLOC_ARENA_MAX"):
        return None
    if libc.mallopt(M_ARENA_MAX, arenas) != 1:
        return None
    log.debug("malloc arenas capped at %d", arenas)
    return arenas


def trim_free_memory() -> bool:
    """Return the free pages of malloc's heaps to the system (``malloc_trim(0)``: a walk
    of the arenas, milliseconds); whether glibc did it."""
    libc = _glibc()
    return libc is not None and bool(libc.malloc_trim(0))
