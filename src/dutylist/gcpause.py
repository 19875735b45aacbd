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


class QuietCollector:
    """The collector of a long-lived process that holds a large heap which each piece of
    work changes a little (the language server: a city catalogue, re-checked on every
    keystroke). It is paused during the work; after it, what is alive is frozen out of
    the collector's sight (`gc.freeze`), so its later runs scan only what is new instead
    of millions of catalogue objects — a pause of a second at random keystrokes
    otherwise. Every `every` pieces of work the whole heap is collected once, so garbage
    in reference cycles among frozen objects is not kept for long.
    """

    def __init__(self, every: int = 50) -> None:
        self.every = every
        self.done = 0

    @contextmanager
    def working(self) -> Iterator[None]:
        with collector_paused():
            try:
                yield
            finally:
                self.done += 1
                if self.done % self.every == 0:
                    gc.unfreeze()
                    gc.collect()
                gc.freeze()
