"""`dutylist who`, `duties` and `test` as a dispatcher and a CI pipeline use them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dutylist.engine.index import IndexEngine
from dutylist.load.build import load_catalog
from dutylist.semantics.cells import cell_space, thresholds
from dutylist.semantics.compiled import Compiled
from tests.conftest import REPO, durable_importable

PANLONG = str(REPO / "catalogs" / "panlong")
HAS_DURABLE = durable_importable()


def test_who_by_names_answers_in_json(run_cli) -> None:
    result = run_cli(
        "who",
        "违法建设",
        "--at",
        "鼓楼街道",
        "--set",
        "stage=在建",
        "--catalog",
        PANLONG,
        "--format",
        "json",
    )
    assert result.code == 0
    answer = json.loads(result.out)
    assert answer["status"] == "routed"
    assert answer["problem"]["id"] == "illegal-construction"
    assert answer["place"] == {"id": "gulou", "name": "鼓楼街道"}
    assert answer["lead"]["id"] == "cgj"
    assert answer["whistle"]["blower"]["id"] == "gulou"
    assert answer["respond_within_minutes"] == 30
    assert answer["duties"] and answer["rules"]
    assert all({"id", "name"} <= set(unit) for unit in answer["support"])


def test_alias_and_text_answer(run_cli) -> None:
    result = run_cli(
        "who", "违建", "--at", "gulou", "--set", "stage=在建", "--catalog", PANLONG, "--lang", "zh"
    )
    assert result.code == 0
    assert "主责" in result.out and "区城市管理局" in result.out


def test_left_out_attribute_is_undetermined_with_its_options(run_cli) -> None:
    result = run_cli(
        "who", "illegal-construction", "--at", "gulou", "--catalog", PANLONG, "--format", "json"
    )
    assert result.code == 1
    answer = json.loads(result.out)
    assert answer["status"] == "undetermined"
    assert answer["lead"] is None
    assert answer["decided_by"]["attribute"] == "stage"
    assert answer["decided_by"]["options"]["在建"] == {"status": "routed", "lead": "cgj"}


def test_explain_lists_every_duty_with_its_first_failed_condition(run_cli) -> None:
    result = run_cli(
        "who",
        "illegal-construction",
        "--at",
        "gulou",
        "--set",
        "stage=在建",
        "--catalog",
        PANLONG,
        "--format",
        "json",
        "--explain",
    )
    rows = json.loads(result.out)["considered"]
    duties = [r for r in rows if r["kind"] == "duty"]
    assert any(r["matched"] for r in duties)
    failed = [r for r in duties if not r["matched"]]
    assert failed and all(r["failed"] and r["line"] > 0 for r in failed)
    text = run_cli(
        "who",
        "illegal-construction",
        "--at",
        "gulou",
        "--set",
        "stage=在建",
        "--catalog",
        PANLONG,
        "--explain",
        "--lang",
        "en",
    ).out
    assert "Considered:" in text and "duties.yaml:" in text


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["who", "违法建筑"], "unknown problem"),
        (["who", "违法建设", "--at", "鼓搂街"], "unknown place"),
        (["who", "违法建设", "--at", "cgj"], "not a place"),
        (["who", "违法建设", "--set", "stage"], "expected KEY=VALUE"),
        (["who", "违法建设", "--set", "stage=再建"], "allowed: 在建, 已建成"),
        (["who", "违法建设", "--set", "area_m2=很大"], "takes a number"),
        (["who", "违法建设", "--set", "colour=red"], "has no attribute 'colour'"),
        (["who"], "name a problem"),
        (["who", "违法建设", "--engine", "drools"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_with_one_line_reason(run_cli, args: list[str], reason: str) -> None:
    result = run_cli(*args, "--catalog", PANLONG)
    assert result.code == 2
    assert reason in result.err
    assert "Traceback" not in result.err
    assert result.err.startswith("dutylist: ")


def test_near_miss_problem_suggests(run_cli) -> None:
    result = run_cli("who", "illegal-constrution", "--catalog", PANLONG)
    assert result.code == 2
    assert "did you mean illegal-construction?" in result.err


def test_a_broken_catalogue_cannot_route(run_cli, minimal: Path) -> None:
    duties = minimal / "duties.yaml"
    duties.write_text(
        duties.read_text(encoding="utf-8").replace("lead: hbj\n", "lead: hbjj\n", 1), "utf-8"
    )
    result = run_cli("who", "noise", "--catalog", str(minimal))
    assert result.code == 2
    assert "cannot be loaded" in result.err and "DL201" in result.err


def test_batch_answers_every_line_and_reports_bad_ones(run_cli, tmp_path: Path) -> None:
    lines = [
        {"problem": "违法建设", "at": "gulou", "with": {"stage": "在建"}},
        "not json",
        {"problem": "nothing-like-this"},
        {"problem": "noise", "at": "gulou", "with": {"source": "社会生活", "night": True}},
    ]
    batch = tmp_path / "cases.jsonl"
    batch.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
        + "\n",
        "utf-8",
    )
    result = run_cli("who", "--batch", str(batch), "--catalog", PANLONG)
    answers = [json.loads(line) for line in result.out.splitlines()]
    assert len(answers) == 4
    assert answers[0]["lead"]["id"] == "cgj"
    assert answers[1]["line"] == 2 and "not JSON" in answers[1]["error"]
    assert answers[2]["line"] == 3 and "unknown problem" in answers[2]["error"]
    assert answers[3]["lead"]["id"] == "ga"
    assert result.code == 1


def test_duties_reverse_query(run_cli) -> None:
    result = run_cli("duties", "城管", "--catalog", PANLONG, "--format", "json")
    assert result.code == 0
    report = json.loads(result.out)
    assert report["unit"]["id"] == "cgj"
    assert report["leads"] and all(d["lead"] == "cgj" for d in report["leads"])
    assert "street" in {w["id"] for w in report["reports_for_whistles"]}
    street = json.loads(run_cli("duties", "gulou", "--catalog", PANLONG, "--format", "json").out)
    assert "street" in {w["id"] for w in street["may_blow"]}


def test_bundled_cases_pass(run_cli) -> None:
    result = run_cli("test", PANLONG)
    assert result.code == 0, result.out
    assert result.out.splitlines()[-1].endswith(" passed, 0 failed")


def test_a_failing_case_names_its_line(run_cli, minimal: Path) -> None:
    cases = minimal / "cases.yaml"
    cases.write_text(cases.read_text(encoding="utf-8").replace("lead: cgj", "lead: hbj"), "utf-8")
    result = run_cli("test", str(minimal))
    assert result.code == 1
    first, last = result.out.splitlines()[0], result.out.splitlines()[-1]
    assert "cases.yaml:2:5" in first and "lead: expected hbj, got cgj" in first
    assert last == "0 passed, 1 failed"
    junit = run_cli("test", str(minimal), "--format", "junit").out
    assert "<testsuite" in junit and 'failures="1"' in junit


@pytest.mark.skipif(not HAS_DURABLE, reason="durable-rules does not install on this Python (3.13+)")
def test_both_engines_agree_on_every_bundled_case() -> None:
    from dutylist.engine.durable import DurableEngine

    loaded = load_catalog(Path(PANLONG))
    assert loaded.catalog is not None
    compiled = Compiled(loaded.catalog)
    index, durable = IndexEngine(compiled), DurableEngine(compiled)
    checked = 0
    for problem, compiled_problem in compiled.problems.items():
        reps = _representatives(compiled, problem)
        full = _first_of_each(reps)
        for place in compiled.tree.places:
            assert (
                durable.route(problem, place, full).comparable()
                == index.route(problem, place, full).comparable()
            )
            assert (
                durable.route(problem, place, {}).comparable()
                == index.route(problem, place, {}).comparable()
            )
            checked += 2
        for name in compiled_problem.problem.attributes:
            for value in reps[name]:
                case = {**full, name: value}
                assert (
                    durable.route(problem, "gulou", case).comparable()
                    == index.route(problem, "gulou", case).comparable()
                )
        assert thresholds(compiled_problem, "nothing") == []
    assert checked > 1000


def _representatives(compiled: Compiled, problem: str) -> dict[str, list[object]]:
    return {axis.name: list(axis.representatives) for axis in cell_space(compiled, problem).axes}


def _first_of_each(reps: dict[str, list[object]]) -> dict[str, object]:
    return {name: values[0] for name, values in reps.items() if values}


def test_batch_lines_are_exactly_the_json_answers() -> None:
    import dataclasses

    from dutylist.engine.answer import Answer
    from dutylist.report.answer_json import AnswerLines, answer_json

    loaded = load_catalog(Path(PANLONG))
    assert loaded.catalog is not None
    engine = IndexEngine(Compiled(loaded.catalog))
    lines = AnswerLines(loaded.catalog)
    for problem in loaded.catalog.problems:
        for place in engine.compiled.tree.places:
            for values in (
                {},
                _first_of_each(_representatives(engine.compiled, problem)),
            ):
                answer = engine.route(problem, place, values)
                # and the same case when no rule names a whistle (none of Panlong's)
                silent = Answer(dataclasses.replace(answer.verdict, whistle=None), place, None)
                for shown in (answer, silent):
                    assert json.loads(lines.line(shown)) == answer_json(shown, loaded.catalog)
                    assert lines.line(shown) == json.dumps(
                        answer_json(shown, loaded.catalog), ensure_ascii=False
                    )


def test_a_large_batch_in_two_processes_is_exactly_the_one_process_output(tmp_path: Path) -> None:
    """Past 20,000 lines a batch file is answered by forked workers; the output must be
    the same bytes, in input order, with every error at its own line number."""
    import subprocess
    import sys

    cases = [
        '{"problem": "noise", "at": "gulou", "with": {"source": "社会生活", "night": true}}',
        '{"problem": "违建", "at": "鼓楼街道", "with": {"stage": "已建成", "area_m2": "1200"}}',
        '{"problem": "违建", "at": "gulou"}',
        '{"problem": "illegal-construction", "at": "gulou", "with": {"stage": "拆了"}}',
    ]
    lines = [cases[i % len(cases)] for i in range(24_999)] + ["not json"]
    batch = tmp_path / "cases.jsonl"
    batch.write_text("\n".join(lines) + "\n", "utf-8")
    outputs = {}
    cache = tmp_path / "cache"  # empty: the two-process run reads the YAML
    for jobs in ("2", "1"):
        done = subprocess.run(
            [sys.executable, "-m", "dutylist", "who", "--batch", str(batch), "--jobs", jobs,
             "--catalog", str(PANLONG), "--lang", "en"],
            capture_output=True, check=False, env={**os.environ, "DUTYLIST_CACHE_DIR": str(cache)},
        )  # fmt: skip
        assert done.returncode == 1, done.stderr  # undetermined and bad lines are not routed
        outputs[jobs] = done.stdout
        if jobs == "2":  # its snapshot was written by a process of its own, and is whole
            assert len(list(cache.glob("*.snapshot"))) == 1
    assert outputs["1"] == outputs["2"]
    answers = outputs["2"].decode("utf-8").splitlines()
    assert len(answers) == 25_000
    assert json.loads(answers[0])["lead"]["id"] == "ga"
    assert json.loads(answers[1])["lead"]["id"] == "cgj"  # "1200" read as a number
    assert json.loads(answers[2])["status"] == "undetermined"
    assert json.loads(answers[20_003]) == {
        "line": 20_004,
        "code": "DL604",
        "error": "'拆了' is not a value of stage (allowed: 在建, 已建成)",
    }
    assert json.loads(answers[-1])["line"] == 25_000


def test_near_misses_are_found_among_thousands_of_ids() -> None:
    """A city's 7,000 community ids are compared through their rarer character pairs,
    not one by one; the near miss must still be found."""
    from dataclasses import dataclass

    from dutylist.lookup import Lookup

    @dataclass
    class Place:
        id: str
        name: str
        aliases: tuple[str, ...] = ()

    places = {
        f"st{s:03d}.c{c:02d}": Place(f"st{s:03d}.c{c:02d}", f"第{s}街道第{c}社区")
        for s in range(300)
        for c in range(25)
    }
    lookup = Lookup(places)
    assert lookup.suggest("sst291.c21")[0] == "st291.c21"  # one letter too many
    assert "st042.c07" in lookup.suggest("第42街道第7社")
    assert lookup.suggest("完全无关的名字") == []


def test_a_failed_batch_worker_has_its_share_answered_by_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    import argparse
    import os

    from dutylist.commands import who

    def failing_worker(
        args: object, share: object, lang: object, partner: object = None
    ) -> who._Worker:
        ready, said = os.pipe()
        pid = os.fork()
        if pid == 0:
            os._exit(4)  # as a worker that could not open the catalogue: nothing said
        os.close(said)
        return who._Worker(pid, tmp_path / "never-written.jsonl", ready)

    monkeypatch.setattr(who, "_fork_worker", failing_worker)
    lines = [
        json.dumps({"problem": p, "at": "gulou", "with": {}}, ensure_ascii=False) + "\n"
        for p in ("noise", "illegal-construction", "water-supply", "street-vending") * 6000
    ]
    args = argparse.Namespace(catalog=Path(PANLONG), engine="index", jobs=2)
    assert who._batch_in_parallel(args, lines, "en") == 1
    answers = capsysbinary.readouterr().out.decode("utf-8").splitlines()
    assert len(answers) == len(lines)
    expected = [json.loads(line)["problem"] for line in lines]
    seen = [json.loads(a)["problem"]["id"] for a in answers]
    assert seen == expected  # every line answered once, in input order
