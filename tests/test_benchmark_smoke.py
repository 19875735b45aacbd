"""The generator and the benchmark work end to end at a small scale (timings are not
asserted: they are for benchmarks/README.md, not for tests)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

KEYS = {
    "scale",
    "seed",
    "batch_cold_per_s",
    "batch_one_job_per_s",
    "load_s",
    "check_s",
    "peak_rss_mb",
    "route_per_s",
    "batch_per_s",
    "who_cold_s",
    "durable_per_s",
    "dict_per_s",
    "injected",
    "found",
}


def test_benchmark_runs_and_the_checker_finds_what_was_injected() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "run.py"),
            "--scale",
            "0.02",
            "--cases",
            "500",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == KEYS
    assert row["injected"] > 0 and row["found"] == row["injected"]
    assert row["route_per_s"] > 0 and row["batch_per_s"] > 0 and row["who_cold_s"] > 0
    assert row["batch_cold_per_s"] > 0 and row["batch_one_job_per_s"] > 0


def test_the_store_and_service_benchmark_runs_small() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "store.py"), "--stored", "300", "--count",
         "30", "--http-blows", "40", "--http-reads", "40", "--backends", "sqlite", "--json"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["sqlite"]
    assert {"blow_per_s", "http_blow_p99_ms", "http_get_p99_ms", "stats_unit_s",
            "sweep_ms"} <= set(figures)  # fmt: skip


def test_the_pages_benchmark_runs_small() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "pages.py"), "--scale", "0.02",
         "--requests", "20"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "autocomplete, place" in result.stdout and "dispatch page, all told" in result.stdout
