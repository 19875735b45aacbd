"""A long-running dispatcher's handle on one catalogue: route from many threads, reload
after an edit without stopping.

Reloading builds a whole new engine from the files and then swaps one reference, so a
case routed during a reload is answered by the old catalogue or the new one, never by a
mixture; a reload that finds errors keeps the old engine and raises.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

from dutylist.engine.answer import Answer
from dutylist.engine.index import IndexEngine
from dutylist.engine.router import Router
from dutylist.engine.select import make_engine
from dutylist.i18n import Lang
from dutylist.session import Session, open_session


class Dispatcher:
    def __init__(
        self, path: Path, engine: str = "index", lang: Lang = "en", prepare: bool = True
    ) -> None:
        """`prepare=False` answers each problem's cells as they are first asked for (one
        case from the command line), instead of all of them up front (a service)."""
        self.path = path
        self.engine_name = engine
        self.lang = lang
        self.prepare = prepare
        self._reloading = threading.Lock()
        self._current = self._build()
        # a dated catalogue: an engine per period asked for, built on first use
        self._by_period: dict[int, tuple[Session, Router]] = {}

    def _build(self) -> tuple[Session, Router]:
        session = open_session(self.path, self.lang)
        engine = make_engine(session.compiled, self.engine_name)
        if self.prepare and isinstance(engine, IndexEngine):
            engine.prepare()
        return session, engine

    @property
    def session(self) -> Session:
        return self._current[0]

    def current(self) -> tuple[Session, Router]:
        """The catalogue and the engine built from it, as one pair (a reload swaps both)."""
        return self._current

    def current_on(self, day: dt.date | None) -> tuple[Session, Router]:
        """The catalogue and an engine for what is in force on `day` (default today):
        the current pair itself when nothing in the catalogue is dated."""
        session, engine = self._current
        if not session.dated:
            return session, engine
        compiled = session.on(day)
        held = self._by_period.get(id(compiled))
        if held is None or held[0] is not session:  # a reload made a new session
            held = (session, make_engine(compiled, self.engine_name))
            self._by_period = {**self._by_period, id(compiled): held}
        return held

    def route(
        self, problem: str, place: str | None = None, values: dict[str, Any] | None = None
    ) -> Answer:
        engine = self._current[1]  # one read: the whole case sees one catalogue
        return engine.route(problem, place, values)

    def reload(self) -> None:
        """Read the catalogue again; raises (keeping the current one) if it cannot be used."""
        with self._reloading:
            self._current = self._build()
            self._by_period = {}
