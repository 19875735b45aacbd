"""Paths as the loader lists them and as users read them (standard library only: the
start-up snapshot checks folders and files with these, without the YAML reader)."""

from __future__ import annotations

import os
from pathlib import Path

from dutylist.errors import UsageError

CATALOG_FILES = {
    "catalog.yaml": "catalog",
    "units.yaml": "units",
    "problems.yaml": "problems",
    "duties.yaml": "duties",
    "whistles.yaml": "whistles",
    "tasks.yaml": "tasks",
    "cases.yaml": "cases",
}
# every kind of file a schema is written for: the catalogue's, and a rules folder's
FILE_KINDS = (*CATALOG_FILES.values(), "rules")


def listing(folder: Path) -> list[str]:
    """The names in a folder, sorted, as the loader sees them (OSError if unreadable)."""
    return sorted(entry.name for entry in os.scandir(folder))


def display_path(path: Path) -> str:
    """The path as a user would write it: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def find_catalogs(path: Path) -> list[Path]:
    """The catalogue folders PATH stands for: itself, or each folder under its catalogs/."""
    if not path.exists():
        raise UsageError(f"{path} does not exist", "give a catalogue folder, e.g. catalogs/panlong")
    if not path.is_dir():
        raise UsageError(
            f"{path} is a file; dutylist takes a catalogue folder",
            f"try: {path.parent or '.'}",
        )
    if any((path / name).exists() for name in CATALOG_FILES):
        return [path]
    holder = path / "catalogs"
    if holder.is_dir():
        folders = sorted(p for p in holder.iterdir() if p.is_dir())
        if folders:
            return folders
    raise UsageError(
        f"{path} is not a catalogue folder (no catalog.yaml) and holds no catalogs/ folder",
        "give a catalogue folder, e.g. catalogs/panlong",
    )
