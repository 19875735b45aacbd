"""Bytes on disk → text, with the encodings policy staff actually save in.

Only regular files are read: the file is opened without blocking and checked before a
byte is read, so a named pipe or a device standing where a catalogue file should be is
refused at once instead of waited on forever. A file larger than MAX_FILE_BYTES, or one
that would take its catalogue past its `Budget` of bytes, is refused before it is read
(`dutylist.load.limits`).

Only UTF-8 is accepted (with or without a BOM). Anything else gets a problem that
says what the file seems to be and how to convert it, at the first bad byte.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from dutylist.load.limits import MAX_FILE_BYTES, MB, Budget
from dutylist.load.problems import YamlProblem, YamlRefused

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_text(path: Path, budget: Budget | None = None) -> str:
    """Read a catalogue file as text; raise YamlRefused (DL002/DL007) if it cannot be."""
    return decode(read_bytes(path, budget))


def decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise YamlRefused(YamlProblem("DL002", (1, 1), "DL002.utf16", {}))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlRefused(_not_utf8(data, error.start)) from None


def read_bytes(path: Path, budget: Budget | None = None) -> bytes:
    """The bytes of a regular file within the limits; raise YamlRefused (DL007) if not."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        if path.is_dir():  # Windows refuses to open a folder at all
            raise _refused("DL007.directory", {}) from None
        raise _unreadable(path, error) from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise _refused("DL007.directory", {})
        if not stat.S_ISREG(info.st_mode):
            raise _refused("DL007.special", {})
        _check_size(info.st_size, budget)
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read(MAX_FILE_BYTES + 1)  # the file may have grown since fstat
    except OSError as error:
        raise _unreadable(path, error) from None
    finally:
        os.close(descriptor)
    charge(data, budget)
    return data


def charge(data: bytes, budget: Budget | None) -> None:
    """Count a file's bytes against its catalogue's budget; raise YamlRefused (DL007)
    when they are too many. Bytes an editor holds count as bytes on disk do."""
    _check_size(len(data), budget)
    if budget is not None:
        budget.bytes += len(data)


def _check_size(size: int, budget: Budget | None) -> None:
    if size > MAX_FILE_BYTES:
        raise _refused("DL007.too_large", {"mb": _mb(size), "limit": _mb(MAX_FILE_BYTES)})
    if budget is not None and budget.bytes + size > budget.max_bytes:
        raise _refused(
            "DL007.catalogue_too_large",
            {"mb": _mb(size), "used": _mb(budget.bytes), "limit": _mb(budget.max_bytes)},
        )


def _mb(size: int) -> str:
    """Megabytes as people read them: '50', '16.5', '0.2'."""
    return f"{size / MB:.1f}".removesuffix(".0")


def _refused(key: str, args: dict[str, object]) -> YamlRefused:
    return YamlRefused(YamlProblem("DL007", (0, 0), key, args))


def _unreadable(path: Path, error: OSError) -> YamlRefused:
    reason = error.strerror or type(error).__name__
    try:
        target = os.readlink(path)  # as written in the link, when it is one
    except OSError:
        return _refused("DL007", {"reason": reason})
    return _refused("DL007.link", {"target": target, "reason": reason})


def _not_utf8(data: bytes, offset: int) -> YamlProblem:
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    if _looks_like_utf16(data):
        return YamlProblem("DL002", (1, 1), "DL002.utf16", {})
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return YamlProblem("DL002", (line, column), "DL002", {"byte": f"0x{data[offset]:02X}"})
    return YamlProblem("DL002", (line, column), "DL002.gbk", {})


def _looks_like_utf16(data: bytes) -> bool:
    sample = data[:200]
    return len(sample) >= 4 and sample.count(0) >= len(sample) // 3
