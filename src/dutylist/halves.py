"""Reading one catalogue in two processes at once, each doing half of the duties.

A cold `who --batch` on two cores has both processes read the whole catalogue, and
the duties file is two thirds of that work at city scale (10,000 entries). Here each
process parses, validates and builds one half of the duties file's entries and hands
the other the duties it built; the rest of the catalogue each reads as usual.

The result is exactly the one reading of the whole folder gives, or nothing (None: the
caller reads the whole folder, which also words any problem). The split is taken at
the start of the middle entry of the `duties:` list — a line with `- ` at the list's
column — and only when nothing can reach across it: no anchors, aliases, merge keys,
tabs, directives or document markers in the file. A line at the list's column ends
every block or plain scalar of the entry before it; one inside a quoted scalar or a
flow collection leaves the first half unterminated, a YAML error. The second half is
parsed behind as many empty lines as precede it, so its positions are the whole
file's. Both halves must read, validate and build without a finding, come from the
same bytes, repeat no id across the split, and stay within the node budget together;
a partner that fails or goes away gives None too, never a wait.
"""

from __future__ import annotations

import dataclasses
import marshal
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dutylist import snapshot
from dutylist.load.build import Loaded, load_catalog
from dutylist.load.files import Parser, ReadFile
from dutylist.load.limits import Budget
from dutylist.load.splice import REACHING
from dutylist.load.yamlread import LocList, LocMap, parse_document

SHARED_KIND = "duties"
_KEY = re.compile(r"^duties:[ ]*(?:#[^\n]*)?\r?$", re.MULTILINE)
_ENTRY = re.compile(r"^( *)-(?:[ ]|\r?$)", re.MULTILINE)
_OTHER_KEY = re.compile(r"^[^\s#-]", re.MULTILINE)  # a line at column 0 starting a key
_FRAMING = re.compile(r"^(?:%|---|\.\.\.)", re.MULTILINE)  # directives, document markers
_LENGTH = 8  # bytes giving the length of a message


class CannotShare(Exception):
    """This process's half cannot be read so that the halves make the whole."""


@dataclass
class Partner:
    """This process's end of the exchange: `side` 0 reads the first half of the entries.
    Each sends one message and receives one; an empty one says "read it whole"."""

    side: int
    incoming: int
    outgoing: int
    other_end: tuple[int, int] = (-1, -1)  # the partner's descriptors, until forked

    @staticmethod
    def pair() -> tuple[Partner, Partner]:
        """Both ends, made before forking: the process of side 0 keeps the first and
        closes the second; the forked one calls `forget_other_end` on the second."""
        first_reads, second_writes = os.pipe()
        second_reads, first_writes = os.pipe()
        return (
            Partner(0, first_reads, first_writes, (second_reads, second_writes)),
            Partner(1, second_reads, second_writes, (first_reads, first_writes)),
        )

    def forget_other_end(self) -> None:
        """In the forked process: close the partner's descriptors, so that when the
        partner closes them too, this end reads the end of the pipe."""
        for descriptor in self.other_end:
            if descriptor >= 0:
                os.close(descriptor)
        self.other_end = (-1, -1)

    def exchange(self, message: bytes) -> bytes | None:
        """Send `message` while receiving the partner's (both may be larger than a
        pipe holds); None when the partner sent nothing or went away."""
        sender = threading.Thread(target=self._send, args=(message,), daemon=True)
        sender.start()
        try:
            received = self._receive()
        finally:
            sender.join()
        return received or None

    def _send(self, message: bytes) -> None:
        try:
            for part in (len(message).to_bytes(_LENGTH, "big"), message):
                left = memoryview(part)
                while left:
                    left = left[os.write(self.outgoing, left) :]
        except OSError:  # the partner went away: it reads the whole folder itself
            pass

    def _receive(self) -> bytes:
        with open(self.incoming, "rb", closefd=False) as stream:
            head = stream.read(_LENGTH)
            if len(head) < _LENGTH:
                return b""
            size = int.from_bytes(head, "big")
            body = stream.read(size)
        return body if len(body) == size else b""

    def close(self) -> None:
        for descriptor in (self.incoming, self.outgoing):
            if descriptor >= 0:
                os.close(descriptor)
        self.incoming = self.outgoing = -1


def split_point(text: str) -> tuple[int, int] | None:
    """Where the second half of a duties file's entries starts: (the number of lines
    before it, its offset); None when the file cannot be split safely."""
    if REACHING.search(text) or _FRAMING.search(text):
        return None
    keys = list(_KEY.finditer(text))
    if len(keys) != 1:
        return None
    first = _ENTRY.search(text, keys[0].end())
    if first is None or _OTHER_KEY.search(text, keys[0].end()) is not None:
        return None
    between = text[keys[0].end() : first.start()].split("\n")
    if any(line.strip() and not line.lstrip().startswith("#") for line in between):
        return None  # the list does not start right under its key
    column = len(first.group(1))
    starts = [m.start() for m in _ENTRY.finditer(text, first.start()) if len(m.group(1)) == column]
    if len(starts) < 2:
        return None
    middle = starts[len(starts) // 2]
    return text.count("\n", 0, middle), middle


def _half_parser(side: int) -> Parser:
    """This side's half of a duties file's entries, as a document of that file kind;
    CannotShare when the file cannot be split (the reading around it — bytes, limits,
    digest, schema — is the one every file gets: `read_file`)."""

    def parse(text: str, budget: Budget | None) -> Any:
        point = split_point(text)
        if point is None:
            raise CannotShare
        lines_before, offset = point
        if side == 0:
            document = parse_document(text[:offset], budget)
            if not isinstance(document, LocMap) or not isinstance(document.get("duties"), LocList):
                raise CannotShare
            return document
        entries = parse_document("\n" * lines_before + text[offset:], budget)
        if not isinstance(entries, LocList):
            raise CannotShare
        document = LocMap((lines_before + 1, 1))
        document["duties"] = entries
        document.key_marks["duties"] = document.value_marks["duties"] = document.mark
        return document

    return parse


def load_in_halves(folder: Path, partner: Partner) -> Loaded | None:
    """The catalogue in `folder` (without field positions) read together with the
    partner process; None when it must be read whole. Either way the partner is
    answered, so neither process waits on the other."""
    try:
        parsers = {SHARED_KIND: _half_parser(partner.side)}
        loaded = load_catalog(folder, positions=False, parsers=parsers)
        mine = _shared_file(loaded)
        # any finding (a YAML or schema problem in a half included): read it whole, which
        # also says where
        if loaded.catalog is None or mine is None or loaded.findings:
            raise CannotShare
        message = marshal.dumps(
            {
                "digest": mine.digest,
                "nodes": mine.nodes,
                "duties": snapshot.pack(list(loaded.catalog.duties)),
            }
        )
    except CannotShare:
        partner.exchange(b"")
        return None
    answer = partner.exchange(message)
    if answer is None:
        return None
    try:
        return _joined(loaded, mine, marshal.loads(answer), partner.side)
    except (ValueError, TypeError, KeyError, EOFError):  # not what a partner sends
        return None


def _shared_file(loaded: Loaded) -> ReadFile | None:
    return next((f for f in loaded.files if f.kind == SHARED_KIND), None)


def _joined(loaded: Loaded, mine: ReadFile, theirs: dict[str, Any], side: int) -> Loaded | None:
    """The whole catalogue from this half and the partner's; None when they do not
    make the whole reading (other bytes, an id on both sides, too many nodes)."""
    assert loaded.catalog is not None
    if theirs["digest"] != mine.digest:
        return None  # the file changed between the two readings
    their_duties = tuple(snapshot.unpack(theirs["duties"]))
    own_duties = loaded.catalog.duties
    if {d.id for d in their_duties} & {d.id for d in own_duties}:
        return None  # a duplicate or another period of a duty: the builder must see both
    # the second half's list node is counted on both sides
    nodes = mine.nodes + theirs["nodes"] - 1
    total = sum(f.nodes for f in loaded.files) - mine.nodes + nodes
    if total > Budget().max_nodes:
        return None
    mine.nodes = nodes
    duties = own_duties + their_duties if side == 0 else their_duties + own_duties
    # `mine.document` keeps only this side's entries; nothing after loading reads it
    loaded.catalog = dataclasses.replace(loaded.catalog, duties=duties)
    return loaded
