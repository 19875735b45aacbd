"""Bytes on disk → text, with the encodings policy staff actually save in.

Only UTF-8 is accepted (with or without a BOM). Anything else gets a problem that
says what the file seems to be and how to convert it, at the first bad byte.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from dutylist.load.yamlread import YamlProblem, YamlRefused

MAX_FILE_BYTES = 64 * 1024 * 1024


def read_text(path: Path) -> str:
    """Read a catalogue file as text; raise YamlRefused (DL002/DL007) if it cannot be."""
    data = _read_bytes(path)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise YamlRefused(YamlProblem("DL002", (1, 1), "DL002.utf16", {}))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlRefused(_not_utf8(data, error.start)) from None


def _read_bytes(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise YamlRefused(YamlProblem("DL007", (0, 0), "DL007.directory", {}))
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            limit_mb = MAX_FILE_BYTES // (1024 * 1024)
            raise YamlRefused(
                YamlProblem(
                    "DL007", (0, 0), "DL007.too_large", {"mb": size // 2**20, "limit": limit_mb}
                )
            )
        return path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise YamlRefused(YamlProblem("DL007", (0, 0), "DL007", {"reason": reason})) from None


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
