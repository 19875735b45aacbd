"""durable-rules is guarded: a catalogue past its limits is refused with the reason,
never a hang or a crash, and the default engine still answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import durable_importable

pytestmark = pytest.mark.skipif(
    not durable_importable(),
    reason="durable-rules does not install on this Python (3.13+)",
)


def _many_places(folder: Path, count: int) -> None:
    """`count` communities, each with its own noise duty: one flag field per community."""
    units = folder / "units.yaml"
    lines = [f"  - {{id: c{i}, name: 社区{i}, kind: community, parent: jd}}" for i in range(count)]
    units.write_text(units.read_text(encoding="utf-8") + "\n".join(lines) + "\n", "utf-8")
    duties = folder / "duties.yaml"
    extra = [
        f"  - {{id: N{i}, problem: noise, lead: cgj, when: {{at: [c{i}]}}}}" for i in range(count)
    ]
    duties.write_text(duties.read_text(encoding="utf-8") + "\n".join(extra) + "\n", "utf-8")


def test_too_many_fields_is_refused_with_the_reason(minimal: Path, run_cli) -> None:
    _many_places(minimal, 300)
    refused = run_cli(
        "who", "noise", "--at", "c7", "--engine", "durable", "--catalog", str(minimal)
    )
    assert refused.code == 2
    assert "durable-rules takes at most 250" in refused.err
    assert "--engine index" in refused.err
    answered = run_cli(
        "who",
        "noise",
        "--at",
        "c7",
        "--set",
        "night=false",
        "--catalog",
        str(minimal),
        "--format",
        "json",
    )
    assert answered.code == 0


def test_within_the_limits_both_engines_agree(minimal: Path, run_cli) -> None:
    _many_places(minimal, 40)
    for place in ("c0", "c39", "jd", "qu"):
        index = run_cli(
            "who",
            "noise",
            "--at",
            place,
            "--set",
            "night=true",
            "--catalog",
            str(minimal),
            "--format",
            "json",
        )
        durable = run_cli(
            "who",
            "noise",
            "--at",
            place,
            "--set",
            "night=true",
            "--engine",
            "durable",
            "--catalog",
            str(minimal),
            "--format",
            "json",
        )
        assert index.out == durable.out
