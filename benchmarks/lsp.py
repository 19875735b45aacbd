"""How fast the language server re-checks after a one-line edit, at city scale
(issue 17's target: diagnostics back in ≤ 0.2 s).

    python benchmarks/lsp.py [--scale 1] [--rounds 2]

Generates the synthetic city, opens its duties.yaml and a rules file in the server's
workspace (the same code `dutylist lsp` runs, with its collector discipline, without
the JSON-RPC framing), checks once cold, then makes one-line edits such as an author
makes — a lead, a support list, a place in a `when`, a legal basis, a typo and its
fix, a time limit in a rules file — and times each re-check. An edit that adds a line
(every later entry moves) is timed apart. Every re-check's findings are compared with
a full `dutylist check` of the same text written to disk, so a fast wrong answer
cannot pass.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent


def _line_edit(pattern: str, replace: Callable[[str], str], nth: int) -> Callable[[str], str]:
    """Change the nth line (counting from a tenth of the way in) that matches."""

    def edit(text: str) -> str:
        lines = text.split("\n")
        found = [n for n, line in enumerate(lines) if re.match(pattern, line)]
        number = found[(len(found) // 10 + nth * 97) % len(found)]
        lines[number] = replace(lines[number])
        return "\n".join(lines)

    return edit


def _insert_line(text: str) -> str:
    lines = text.split("\n")
    number = next(n for n in range(len(lines) // 2, len(lines)) if lines[n].startswith("  lead: "))
    lines.insert(number + 1, "  needs: [行政处罚]")
    return "\n".join(lines)


EDITS: list[tuple[str, str, Callable[[int], Callable[[str], str]]]] = [
    ("lead", "duties", lambda n: _line_edit(r"  lead: ", lambda line: "  lead: bm01", n)),
    ("support", "duties", lambda n: _line_edit(r"  support: ", lambda _: "  support: [bm02]", n)),
    ("place", "duties", lambda n: _line_edit(r"    at: \[st", lambda _: "    at: [st001]", n)),
    ("basis", "duties", lambda n: _line_edit(r"  basis: ", lambda line: line + "第二款", n)),
    ("typo", "duties", lambda n: _line_edit(r"  lead: ", lambda line: "  lead: bmm01", n + 1)),
    ("fix", "duties", lambda n: _line_edit(r"  lead: bmm01", lambda _: "  lead: bm01", 0)),
    (
        "time limit",
        "rules",
        lambda n: _line_edit(r"  respond_within: ", lambda _: "  respond_within: 20m", n),
    ),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=2, help="times through the edits")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from dutylist.checker import check_folder
    from dutylist.gcpause import QuietCollector
    from dutylist.lsp.workspace import Workspace
    from synth import generate

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        generate(root, scale=args.scale, seed=0, overlaps=0, gaps=0)
        folder = root / "catalogs" / "synth"
        files = {
            "duties": folder / "duties.yaml",
            "rules": root / "rules" / "synth" / "problems.yaml",
        }
        workspace = Workspace()
        collector = QuietCollector()  # as `dutylist lsp` runs its checks
        for path in files.values():
            workspace.set_text(path, path.read_text("utf-8"))
        started = time.perf_counter()
        with collector.working():
            workspace.check(files["duties"])
        cold = time.perf_counter() - started

        def timed(name: str, edit: Callable[[str], str]) -> float:
            path = files[name]
            text = edit(workspace.text_of(path))
            workspace.set_text(path, text)
            started = time.perf_counter()
            with collector.working():
                checked = workspace.check(path)
            took = time.perf_counter() - started
            assert checked is not None
            path.write_text(text, "utf-8")
            _, full = check_folder(folder)
            assert checked.findings == full, "the re-check differs from a full check"
            return took

        times: dict[str, list[float]] = {}
        for round_number in range(args.rounds):
            for label, name, make in EDITS:
                times.setdefault(label, []).append(timed(name, make(round_number)))
        inserted = timed("duties", _insert_line)
    every = [took for took_list in times.values() for took in took_list]
    median = statistics.median(every)
    print(f"scale {args.scale:g}: cold check of the open catalogue {cold:.2f} s")
    for label, took_list in times.items():
        print(f"  {label:<11} {' '.join(f'{took:.3f}' for took in took_list)} s")
    verdict = "met" if median <= 0.2 else "NOT met"
    print(
        f"  re-check after a one-line edit: median {median:.3f} s, max {max(every):.3f} s "
        f"over {len(every)} edits (target ≤ 0.2 s: {verdict})"
    )
    print(f"  an added line (every later entry moves): {inserted:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
