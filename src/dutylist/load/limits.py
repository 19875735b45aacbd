"""How much dutylist reads, in one place (README, "Limits").

Time and memory grow with the number of YAML nodes (keys, values, list items) far more
than with bytes: 16 MB of `[1,1,1,…]` is eight million nodes. So one catalogue may hold
MAX_CATALOG_NODES nodes in all, besides the byte limits that stop a file from being read
at all. Within them a check ends in seconds; beyond them the file is refused with a
DL007 finding that says which limit and what to do.
"""

from __future__ import annotations

MB = 1024 * 1024
MAX_FILE_BYTES = 16 * MB  # one file: refused before it is read
MAX_CATALOG_BYTES = 32 * MB  # all the files of one catalogue, rules included
MAX_CATALOG_NODES = 4_000_000  # 16 MB of units written one a line are 2,200,000
MAX_DEPTH = 100  # lists and mappings inside each other
MAX_EXPANSION_FACTOR = 20  # aliases may make a document this many times its size …
MAX_EXPANSION_FLOOR = 200_000  # … or this many nodes, whichever is more


class Budget:
    """What one catalogue may still read: all its files share one budget."""

    def __init__(self, max_bytes: int = MAX_CATALOG_BYTES, max_nodes: int = MAX_CATALOG_NODES):
        self.max_bytes = max_bytes
        self.max_nodes = max_nodes
        self.bytes = 0
        self.nodes = 0
