"""`dutylist replay`: recorded cases answered by an old and a new catalogue."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from dutylist.cli import main

PANLONG = Path(__file__).parent.parent / "catalogs" / "panlong"
RULES = Path(__file__).parent.parent / "rules" / "panlong"


def _copy(root: Path) -> Path:
    shutil.copytree(PANLONG, root / "catalogs" / "panlong")
    shutil.copytree(RULES, root / "rules" / "panlong")
    return root / "catalogs" / "panlong"


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


@pytest.fixture
def handed_over(tmp_path: Path) -> Path:
    """Social-life noise (D021) handed from the police (ga) to city management (cgj)."""
    folder = _copy(tmp_path)
    _edit(
        folder,
        "duties.yaml",
        "    when: {source: 社会生活}\n    lead: ga\n    support: [scjg, wlj, sthj, cgj]",
        "    when: {source: 社会生活}\n    lead: cgj\n    support: [scjg, wlj, sthj, ga]",
    )
    return folder


def _social_noise_cases() -> list[dict]:
    """The bundled cases that D021 decides, read from cases.yaml itself: noise (by id or
    alias) with source 社会生活 — the count the replay must find."""
    cases = yaml.safe_load((PANLONG / "cases.yaml").read_text("utf-8"))["cases"]
    problems = yaml.safe_load((PANLONG / "problems.yaml").read_text("utf-8"))["problems"]
    noise = next(p for p in problems if p["id"] == "noise")
    names = {"noise", noise["name"], *noise.get("aliases", [])}
    return [
        c
        for c in cases
        if c["problem"] in names and (c.get("with") or {}).get("source") == "社会生活"
    ]


def test_the_bundled_cases_that_change_hands_and_the_load_each_unit_gains(
    handed_over: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _social_noise_cases()
    assert expected, "the bundled cases hold social-life noise"
    sides = ["--old", str(PANLONG), "--new", str(handed_over)]
    code = main(["replay", str(PANLONG / "cases.yaml"), *sides, "--format", "json", "--lang", "en"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["cases"] == len(yaml.safe_load((PANLONG / "cases.yaml").read_text())["cases"])
    moved = [c for c in report["changed"] if c["kind"] == "changed-hands"]
    assert sorted(c["case"].split(" ", 1)[1] for c in moved) == sorted(c["name"] for c in expected)
    assert all((c["old"]["lead"], c["new"]["lead"]) == ("ga", "cgj") for c in moved)
    ga, cgj = report["units"]["ga"]["led"], report["units"]["cgj"]["led"]
    assert ga["old"] - ga["new"] == len(expected) == cgj["new"] - cgj["old"]
    assert report["counts"]["same"] == report["cases"] - len(report["changed"])
    streets = {c["street"] for c in moved}
    assert "gulou" in streets and report["streets"]["gulou"]["changed-hands"] >= 1


def test_the_text_tables(handed_over: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["replay", str(PANLONG / "cases.yaml"), "--old", str(PANLONG), "--new", str(handed_over),
          "--lang", "en"])  # fmt: skip
    out = capsys.readouterr().out
    assert "cases replayed" in out
    assert "change hands" in out
    row = next(line for line in out.splitlines() if line.startswith("ga "))
    assert row.split()[3].startswith("-")  # ga's Δ of cases led is negative
    assert "桃源街酒吧夜间噪声" in out and "lead ga → cgj" in out


def test_a_batch_file_and_a_case_one_side_cannot_answer(
    handed_over: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in [
        *handed_over.glob("*.yaml"),
        *(handed_over.parent.parent / "rules").rglob("*.yaml"),
    ]:
        path.write_text(path.read_text("utf-8").replace("bar-disturbance", "bar-trouble"), "utf-8")
    batch = tmp_path / "cases.jsonl"
    batch.write_text(
        '{"problem": "noise", "at": "gulou.taoyuan", "with": {"source": "社会生活", "night": true}}\n'
        "\n"
        '{"problem": "bar-disturbance", "at": "gulou.taoyuan"}\n',
        "utf-8",
    )
    main(["replay", str(batch), "--old", str(PANLONG), "--new", str(handed_over),
          "--format", "json", "--lang", "en"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert report["cases"] == 2
    kinds = {c["case"]: c["kind"] for c in report["changed"]}
    assert kinds[f"{batch}:1"] == "changed-hands"
    assert kinds[f"{batch}:3"] == "unanswerable"
    why = next(c for c in report["changed"] if c["case"] == f"{batch}:3")["why_not"]
    assert why[0] is None and "bar-disturbance" in why[1]


def test_cases_from_the_whistle_store_since_a_date(
    handed_over: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "whistles.db")
    blows = [
        ["噪声扰民", "--at", "桃园社区", "--set", "source=社会生活", "--set", "night=true"],
        ["噪声扰民", "--at", "gulou", "--set", "source=交通", "--set", "night=false"],
    ]
    for words in blows:
        assert main(["whistle", "blow", *words, "--catalog", str(PANLONG), "--db", db]) == 0
    capsys.readouterr()
    today = dt.date.today()
    words = ["replay", "--store", db, "--old", str(PANLONG), "--new", str(handed_over)]
    main([*words, "--since", today.isoformat(), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["cases"] == 2
    assert [c["kind"] for c in report["changed"]] == ["changed-hands"]
    main([*words, "--since", (today + dt.timedelta(days=1)).isoformat(), "--format", "json"])
    assert json.loads(capsys.readouterr().out)["cases"] == 0


@pytest.mark.parametrize(
    ("words", "said"),
    [
        ([], "give the cases"),
        (["nowhere.jsonl"], "no such file"),
        (["--since", "2026-01-01", "x.jsonl"], "--since picks whistles of the store"),
    ],
)
def test_usage_mistakes(words: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", *words, "--old", str(PANLONG), "--new", str(PANLONG)]) == 2
    assert said in capsys.readouterr().err


def test_a_line_that_is_not_json_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "bad.jsonl"
    batch.write_text('{"problem": "noise"}\n{oops\n', "utf-8")
    assert main(["replay", str(batch), "--old", str(PANLONG), "--new", str(PANLONG)]) == 2
    assert f"{batch}:2: not JSON" in capsys.readouterr().err
