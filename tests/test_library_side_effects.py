"""Using dutylist as a library leaves the host process as it was.

A server that opens a catalogue, or reloads one, keeps its garbage collector running
and its thresholds as it set them; only the command line pauses the collector, for its
own process, and restores it even when the command fails. Reloading the durable-rules
engine again and again does not grow memory without bound.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dutylist import cli
from dutylist.dispatcher import Dispatcher
from dutylist.semantics import compiled as compiled_module
from dutylist.session import open_session
from tests.conftest import PANLONG, durable_importable

HOST_THRESHOLDS = (1234, 17, 19)


@pytest.fixture
def host_collector() -> Iterator[None]:
    """A host with its own collector settings, put back afterwards."""
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.enable()
    gc.set_threshold(*HOST_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        (gc.enable if enabled else gc.disable)()


def _record_collector_during_compile(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Watch the collector's state while a catalogue is being compiled."""
    seen: list[bool] = []
    original = compiled_module.Compiled.__init__

    def watched(self: Any, catalog: Any) -> None:
        seen.append(gc.isenabled())
        original(self, catalog)

    monkeypatch.setattr(compiled_module.Compiled, "__init__", watched)
    return seen


def test_open_session_keeps_the_host_collector_running(
    host_collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUTYLIST_CACHE", "off")
    seen = _record_collector_during_compile(monkeypatch)
    open_session(PANLONG, "en")
    assert seen == [True]
    assert gc.isenabled()
    assert gc.get_threshold() == HOST_THRESHOLDS


def test_dispatcher_reload_keeps_the_host_collector_running(
    host_collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DUTYLIST_CACHE", "off")
    dispatcher = Dispatcher(PANLONG)
    seen = _record_collector_during_compile(monkeypatch)
    dispatcher.reload()
    assert seen == [True]
    assert gc.isenabled() and gc.get_threshold() == HOST_THRESHOLDS


def test_the_command_line_restores_the_collector_even_when_a_command_fails(
    host_collector: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    during: list[bool] = []

    def failing(args: Any) -> int:
        during.append(gc.isenabled())
        raise RuntimeError("a bug in a command")

    from dutylist.commands import explain

    monkeypatch.setattr(explain, "run", failing)
    assert cli.main(["explain", "DL301"]) == 3
    assert during == [False]  # paused for the command itself
    assert gc.isenabled()
    assert gc.get_threshold() == HOST_THRESHOLDS
    assert "internal error" in capsys.readouterr().err


def test_the_command_line_leaves_a_disabled_collector_disabled(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    enabled = gc.isenabled()
    gc.disable()
    try:
        assert cli.main(["explain", "DL301"]) == 0
        assert not gc.isenabled()
    finally:
        (gc.enable if enabled else gc.disable)()
    capsys.readouterr()


def test_the_console_script_leaves_without_turning_the_collector_on(tmp_path: Path) -> None:
    """Turned on as a command returns, the collector's first run rescans the whole
    catalogue just before the process leaves; the console script never turns it on."""
    import subprocess
    import sys

    probe = (
        "import gc, os, sys\n"
        "real_exit = os._exit\n"
        "def leaving(code):\n"
        "    sys.stderr.write(f'collector on at exit: {gc.isenabled()}\\n')\n"
        "    sys.stderr.flush()\n"
        "    real_exit(code)\n"
        "os._exit = leaving\n"
        "from dutylist.cli import run\n"
        "run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "who", "噪声扰民", "--at", "桃园社区", "--catalog",
         str(PANLONG)],
        capture_output=True, text=True, check=False,
        env={**os.environ, "DUTYLIST_CACHE_DIR": str(tmp_path)},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # undetermined: 噪声扰民 asks for its source
    assert "lead" in done.stdout
    assert "collector on at exit: False" in done.stderr


def test_the_language_server_runs_with_its_collector_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """`dutylist lsp` is long-running: under the console script's paused collector it
    turns it on, or garbage in cycles would only go at its every fiftieth check."""
    import argparse

    from dutylist.commands import lsp as lsp_command
    from dutylist.lsp import server as lsp_server

    seen: list[bool] = []
    monkeypatch.setattr(lsp_server, "serve_stdio", lambda: seen.append(gc.isenabled()))
    enabled = gc.isenabled()
    gc.disable()
    try:
        assert lsp_command.run(argparse.Namespace(lang=None)) == 0
    finally:
        (gc.enable if enabled else gc.disable)()
    assert seen == [True]


def _resident_mb() -> float:
    with open("/proc/self/statm") as stream:
        return int(stream.read().split()[1]) * 4096 / 1e6


@pytest.mark.skipif(not durable_importable(), reason="durable-rules does not import here")
def test_reloading_the_durable_engine_200_times_does_not_leak(tmp_path: Path) -> None:
    from dutylist.engine.durable import DurableEngine

    session = open_session(PANLONG, "en")
    for _ in range(5):  # the first engines warm the allocator and the C core's tables
        DurableEngine(session.compiled)
    gc.collect()
    before = _resident_mb()
    for _ in range(200):
        engine = DurableEngine(session.compiled)
        answer = engine.route("noise", "gulou", {"source": "社会生活", "night": True})
        assert answer.lead == "ga"
    del engine
    gc.collect()
    grown = _resident_mb() - before
    # each engine held 2.8 MB in the C core before its rulesets were freed: 560 MB
    assert grown < 20, f"resident memory grew by {grown:.0f} MB over 200 reloads"


@pytest.mark.skipif(not durable_importable(), reason="durable-rules does not import here")
def test_a_closed_durable_engine_refuses_to_answer() -> None:
    from dutylist.engine.durable import DurableEngine, DurableUnavailable

    engine = DurableEngine(open_session(PANLONG, "en").compiled)
    engine.close()
    with pytest.raises(DurableUnavailable, match="closed"):
        engine.route("noise", "gulou", {"source": "社会生活", "night": True})
