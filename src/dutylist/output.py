"""Writing reports: atomically, and never over a catalogue file."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from dutylist.errors import UsageError

PROTECTED_SUFFIXES = (".yaml", ".yml")


def write_atomic(path: Path, text: str, catalogue_file: bool = False) -> None:
    """Write `text` to `path` through a temporary file beside it and a rename, so a reader
    never sees half a report and a failed or interrupted run leaves the old file whole.

    Catalogue files are all YAML, so a YAML name is refused whatever it points to —
    unless `catalogue_file`: `import` writes a catalogue, having checked it may. A link
    named like a report is replaced by the report, never written through.
    """
    folder = check_target(path, catalogue_file)
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except (OSError, ValueError) as error:  # ValueError: a NUL in the name
        reason = getattr(error, "strerror", None) or str(error)
        raise UsageError(
            f"cannot write to {folder}: {reason}", "check the folder exists and is writable"
        ) from None
    try:
        os.chmod(temporary, _mode_for(path))
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(
            f"cannot write {path}: {error.strerror}", "check the path is writable"
        ) from None
    except BaseException:  # interrupted: no half-written temporary file is left behind
        Path(temporary).unlink(missing_ok=True)
        raise


def check_target(path: Path, catalogue_file: bool = False) -> Path:
    """Refuse an output path that must not or cannot be written, before any work is done;
    return the folder the report goes into."""
    if path.suffix.lower() in PROTECTED_SUFFIXES and not catalogue_file:
        raise UsageError(
            f"refusing to write a report to {path}: it would overwrite a YAML file",
            "choose an output name such as dutylist.sarif or report.json",
        )
    if path.is_dir():
        raise UsageError(f"{path} is a folder", "give a file name for the output")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        state = "is not a folder" if folder.exists() else "does not exist"
        raise UsageError(
            f"cannot write {path}: {folder} {state}", "write the report into an existing folder"
        )
    return folder


def _mode_for(path: Path) -> int:
    """The permissions a report gets: those of the file it replaces, else the usual ones
    (mkstemp's temporary file is private to its owner)."""
    try:
        info = path.lstat()
    except OSError:
        return _default_mode()
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else _default_mode()


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
