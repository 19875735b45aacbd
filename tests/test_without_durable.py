"""Where durable-rules cannot be imported (Python 3.13+), everything else still works and
`--engine durable` says why it cannot run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

BROKEN = 'raise ImportError("undefined symbol: PyEval_CallObject")\n'


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    fake = tmp_path / "fake" / "durable"
    fake.mkdir(parents=True, exist_ok=True)
    (fake / "__init__.py").write_text(BROKEN, "utf-8")
    (fake / "engine.py").write_text(BROKEN, "utf-8")
    env = {"PYTHONPATH": str(tmp_path / "fake"), "PATH": "/usr/bin:/bin", "DUTYLIST_CACHE": "off"}
    return subprocess.run(
        [sys.executable, "-m", "dutylist", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )


def test_check_and_who_work_without_durable(tmp_path: Path) -> None:
    assert _run(tmp_path, "check", "catalogs/panlong", "--today", "2019-08-15").returncode == 0
    who = _run(
        tmp_path,
        "who",
        "违建",
        "--at",
        "gulou",
        "--set",
        "stage=在建",
        "--catalog",
        "catalogs/panlong",
    )
    assert who.returncode == 0 and "cgj" in who.stdout


def test_durable_engine_explains_why_it_is_missing(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        "who",
        "违建",
        "--at",
        "gulou",
        "--set",
        "stage=在建",
        "--engine",
        "durable",
        "--catalog",
        "catalogs/panlong",
    )
    assert result.returncode == 2
    assert "durable-rules engine is not available" in result.stderr
    assert "Traceback" not in result.stderr
