"""How fast the language server re-checks after a one-line edit, at city scale
(issue 17's target: diagnostics back in ≤ 0.2 s).

    python benchmarks/lsp.py [--scale 1] [--edits 5]

Generates the synthetic city, opens its duties.yaml in the server's workspace (the
same code `dutylist lsp` runs, without the JSON-RPC framing), checks once cold, then
changes one duty's lead line after line and times each re-check. Prints the figures
against the target; the findings of each re-check are compared with a full
`dutylist check` of the same text written to disk, so a fast wrong answer cannot pass.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from synth import generate

    from dutylist.checker import check_folder
    from dutylist.lsp.workspace import Workspace

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        generate(root, scale=args.scale, seed=0, overlaps=0, gaps=0)
        duties = root / "catalogs" / "synth" / "duties.yaml"
        text = duties.read_text("utf-8")
        workspace = Workspace()
        workspace.set_text(duties, text)
        started = time.perf_counter()
        workspace.check(duties)
        cold = time.perf_counter() - started
        lines = text.split("\n")
        leads = [n for n, line in enumerate(lines) if line.startswith("  lead: ")]
        times = []
        for edit in range(args.edits):
            number = leads[edit * 97 % len(leads)]
            lines[number] = "  lead: bm01" if lines[number] != "  lead: bm01" else "  lead: bm02"
            edited = "\n".join(lines)
            workspace.set_text(duties, edited)
            started = time.perf_counter()
            checked = workspace.check(duties)
            times.append(time.perf_counter() - started)
            assert checked is not None
            duties.write_text(edited, "utf-8")
            _, full = check_folder(duties.parent)
            assert [f.code for f in checked.findings] == [f.code for f in full], "differs"
    median = statistics.median(times)
    print(f"scale {args.scale:g}: cold check of the open catalogue {cold:.2f} s")
    print(f"  re-check after a one-line edit: median {median:.2f} s, max {max(times):.2f} s "
          f"over {len(times)} edits (target ≤ 0.2 s: {'met' if median <= 0.2 else 'NOT met'})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
