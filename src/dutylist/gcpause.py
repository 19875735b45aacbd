"""Pausing Python's cyclic garbage collector around bulk work.

Loading and checking a city catalogue allocates hundreds of thousands of long-lived
objects and frees almost none, and they form no reference cycles worth collecting: the
collector would only rescan the growing heap again and again (a third of the time at
city scale, and more than linear in the catalogue's size). Reference counting still
frees everything that is dropped.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
