"""Writing reports: atomically, and never over a catalogue file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dutylist.errors import UsageError

PROTECTED_SUFFIXES = (".yaml", ".yml")


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename, so a reader never
    sees half a report and an interrupted run leaves the old file whole."""
    if path.suffix.lower() in PROTECTED_SUFFIXES:
        raise UsageError(
            f"refusing to write a report to {path}: it would overwrite a YAML file",
            "choose an output name such as dutylist.sarif or report.json",
        )
    if path.is_dir():
        raise UsageError(f"{path} is a folder", "give a file name for the output")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise UsageError(
            f"cannot write to {folder}: {error.strerror}", "check the folder exists and is writable"
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(
            f"cannot write {path}: {error.strerror}", "check the path is writable"
        ) from None
