from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from dutylist.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
REPO = Path(__file__).parent.parent
PANLONG = REPO / "catalogs" / "panlong"


def durable_importable() -> bool:
    """durable-rules installs only on CPython < 3.13, and on 3.13 it installs but fails to
    import; the tests that hold the two engines together need it to import."""
    try:
        import durable.engine  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@pytest.fixture(autouse=True, scope="session")
def _snapshots_in_a_scratch_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never write into the user's cache folder."""
    import os

    os.environ["DUTYLIST_CACHE_DIR"] = str(tmp_path_factory.mktemp("dutylist-cache"))


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run the dutylist command line in-process, as a user would type it."""

    def run(*args: str) -> Run:
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A fresh copy of the minimal good catalogue; returns its catalogue folder."""
    shutil.copytree(MINIMAL, tmp_path / "minimal")
    return tmp_path / "minimal" / "catalog"
