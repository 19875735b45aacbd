"""Pausing Python's cyclic garbage collector around bulk work.

Loading and checking a city catalogue allocates hundreds of thousands of long-lived
objects and frees almost none, and they form no reference cycles worth collecting: the
collector would only rescan the growing heap again and again (a third of the time at
city scale, and more than linear in the catalogue's size). Reference counting still
frees everything that is dropped.

Only the command line pauses it, around one command in its own process: a program that
uses dutylist as a library (a server reloading a catalogue) keeps its collector as it
set it. Such a program may wrap its own bulk work in `collector_paused()`.
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
