"""Labelled and unlabelled messages from a CSV file, read as people give them: UTF-8
with a header, the text in one or more named columns — or a clear refusal that names the
file, the line and what to do."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MAX_FIELD = 1_000_000  # characters of one field: a message is never longer


class CorpusError(Exception):
    pass


@dataclass(frozen=True)
class Message:
    id: str | None
    texts: tuple[str, ...]  # the named text columns, in the order named
    label: str | None


def columns_of(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise CorpusError("--text: name at least one column, e.g. --text title,text")
    return names


def read(path: Path, text_columns: Sequence[str], label: str | None = None) -> list[Message]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CorpusError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CorpusError(
            f"{path}:{line}: not UTF-8 (is it GBK? save it as UTF-8, e.g. iconv -f gbk -t utf-8)"
        ) from None
    if "\x00" in content:
        raise CorpusError(f"{path}: holds NUL bytes — not a text file")
    csv.field_size_limit(MAX_FIELD)
    reader = csv.DictReader(io.StringIO(content, newline=""))
    header = reader.fieldnames or []
    wanted = [*text_columns, *([label] if label else [])]
    missing = [c for c in wanted if c not in header]
    if missing:
        raise CorpusError(
            f"{path}: no column {', '.join(missing)} (its columns: {', '.join(header) or 'none'})"
        )
    messages = []
    try:
        for row in reader:
            texts = tuple((row.get(c) or "").strip() for c in text_columns)
            named = (row.get(label) or "").strip() if label else None
            if label and not named:
                raise CorpusError(f"{path}:{reader.line_num}: the {label} column is empty")
            messages.append(Message(row.get("id"), texts, named))
    except csv.Error as error:
        raise CorpusError(f"{path}:{reader.line_num}: {error}") from None
    if not messages:
        raise CorpusError(f"{path}: no rows under its header")
    return messages
