"""What `dutylist diff` costs at city scale, against one `dutylist check` (target ≤ 2×).

    python benchmarks/diff.py [--scale 1] [--seed 0] [--runs 3]

Generates the synthetic city, copies it, makes the small edit of a pull request (one
duty's lead changed, one threshold moved, one duty removed) and times, each in a fresh
process, `dutylist check` of the new side and `dutylist diff OLD NEW` (median of the
runs). Prints the regions the diff found, so a figure of 0 regions cannot pass.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent


def _timed(words: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "dutylist", *words], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"dutylist {' '.join(words)} failed: {done.stderr}")
    return elapsed, done.stdout


def edit(folder: Path) -> None:
    """Three edits of one pull request, on the first duties that allow them."""
    path = folder / "duties.yaml"
    text = path.read_text("utf-8")
    text = re.sub(r"(\n  lead: )(\S+)", r"\1bm01", text, count=1)  # a lead handed over
    text = re.sub(r"\{lt: (\d+)\}", lambda m: f"{{lt: {int(m.group(1)) + 5}}}", text, count=1)
    first = text.index("\n- id:")
    second = text.index("\n- id:", first + 1)
    third = text.index("\n- id:", second + 1)
    text = text[:second] + text[third:]  # one duty dropped
    path.write_text(text, "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from synth import generate

    with tempfile.TemporaryDirectory() as scratch:
        old_root = Path(scratch) / "old"
        generate(old_root, scale=args.scale, seed=args.seed, overlaps=0, gaps=0)
        new_root = Path(scratch) / "new"
        shutil.copytree(old_root, new_root)
        old = old_root / "catalogs" / "synth"
        new = new_root / "catalogs" / "synth"
        edit(new)
        checks = [_timed(["check", str(new), "--format", "json"])[0] for _ in range(args.runs)]
        diffs = []
        report = ""
        for _ in range(args.runs):
            elapsed, report = _timed(["diff", str(old), str(new), "--format", "json"])
            diffs.append(elapsed)
    found = json.loads(report)
    check_s, diff_s = statistics.median(checks), statistics.median(diffs)
    ratio = diff_s / check_s
    print(f"scale {args.scale:g}, seed {args.seed}: one small edit")
    print(f"  check (new side)   {check_s:6.2f} s")
    print(f"  diff old new       {diff_s:6.2f} s   = {ratio:.2f}× check (target ≤ 2×: "
          f"{'met' if ratio <= 2 else 'NOT met'})")  # fmt: skip
    regions = found["routing"]["regions"]
    print(f"  {len(regions)} regions of {len({r['problem'] for r in regions})} problems, "
          f"{found['routing']['cells']} cells; duties changed "
          f"{len(found['items']['duty']['changed'])}, removed "
          f"{len(found['items']['duty']['removed'])}")  # fmt: skip
    return 0 if regions else 1


if __name__ == "__main__":
    raise SystemExit(main())
