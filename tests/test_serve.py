"""`dutylist serve` as a district runs it: a real server process on 127.0.0.1, killed
with SIGKILL in the middle of a bounded load, and started again — every blow it
acknowledged is there, nothing is half-written, the log still verifies, and retrying
what was not acknowledged makes no duplicate."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dutylist.store.log import Store
from tests.conftest import PANLONG
from tests.serving import Server, free_port

CLIENTS = 4
PER_CLIENT = 60  # blows each client tries at most: the load is bounded in count
KILL_AFTER = 40  # acknowledged blows before the kill
CASE = {"problem": "noise", "place": "gulou.taoyuan", "values": {"source": "社会生活"}}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path / "whistles.db", free_port())
    yield running
    running.stop()


def test_every_acknowledged_blow_survives_a_sigkill_under_load(server: Server) -> None:
    store = Store(server.db)
    token = store.create_token("gulou")[1]
    store.close()
    server.start()

    acknowledged: dict[str, str] = {}  # idempotency key → whistle
    lock = threading.Lock()
    enough = threading.Event()

    def client(number: int) -> None:
        for n in range(PER_CLIENT):
            key = f"c{number}-{n}"
            try:
                status, body = server.request("POST", "/api/whistles", token, CASE,
                                              {"Idempotency-Key": key})  # fmt: skip
            except OSError:  # the server is gone: what was not answered was not promised
                return
            assert status in (200, 201), body
            with lock:
                acknowledged[key] = body["whistle"]
                if len(acknowledged) >= KILL_AFTER:
                    enough.set()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    assert enough.wait(timeout=120), "the load did not get going"
    server.kill()
    for thread in threads:
        thread.join(timeout=60)
    assert len(acknowledged) >= KILL_AFTER

    # after the crash: the log is whole, every acknowledged blow is there as it was answered
    store = Store(server.db)
    try:
        assert store.verify() == []
        ids = store.whistle_ids()
        for whistle in ids:
            timeline = store.events(whistle)
            assert timeline[0].kind == "blow" and len(timeline) == 1
        for key, whistle in acknowledged.items():
            found = store.whistle_by_key(key)
            assert found is not None and found.id == whistle, key
    finally:
        store.close()

    # and the service comes back: every blow retried with its key, none blown twice
    server.start()
    for number in range(CLIENTS):
        for n in range(PER_CLIENT):
            key = f"c{number}-{n}"
            status, body = server.request("POST", "/api/whistles", token, CASE,
                                          {"Idempotency-Key": key})  # fmt: skip
            if key in acknowledged:
                assert (status, body["whistle"]) == (200, acknowledged[key])
            else:
                assert status in (200, 201)  # it may have been written, just not answered
    status, _ = server.request("GET", "/api/whistles/W000001", token)
    assert status == 200
    store = Store(server.db)
    try:
        assert len(store.whistle_ids()) == CLIENTS * PER_CLIENT
        assert store.verify() == []
    finally:
        store.close()


def test_the_server_says_plainly_when_its_port_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "dutylist", "serve", "--catalog", str(PANLONG),
             "--db", str(tmp_path / "w.db"), "--port", str(port)],
            capture_output=True, text=True, timeout=60, env={**os.environ, "LANG": "C.UTF-8"},
        )  # fmt: skip
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
