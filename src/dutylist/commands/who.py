"""`dutylist who PROBLEM [--at PLACE] [--set KEY=VALUE ...]`: route one case, or a batch."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dutylist.casein import CaseError, CaseReader, parse_settings, read_case
from dutylist.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    add_common,
    add_on_option,
    add_subcommand,
    catalog_path,
    lang_of,
)
from dutylist.engine.answer import Answer
from dutylist.engine.considered import considered
from dutylist.engine.router import Router
from dutylist.engine.select import ENGINES, make_engine
from dutylist.errors import UsageError
from dutylist.i18n import Lang
from dutylist.model import Catalog
from dutylist.report.answer_json import AnswerLines, answer_json
from dutylist.report.answer_text import AnswerText
from dutylist.session import open_session

if TYPE_CHECKING:
    from dutylist.halves import Partner

PARALLEL_FROM = 20_000  # lines: below this, forking costs more than it saves

EXAMPLES = """\
examples:
  dutylist who 违法建设 --at 鼓楼街道 --set stage=在建
  dutylist who noise --at gulou --set source=社会生活 --set night=true --format json
  dutylist who 违建 --at gulou          no stage given: the answer says what it depends on
  dutylist who noise --at gulou --set source=社会生活 --set night=true --explain
  dutylist who noise --at gulou --set source=社会生活 --on 2027-01-01   as in force that day
  dutylist who --batch cases.jsonl > answers.jsonl   one JSON case per line, one answer per line
  echo '{"problem": "noise", "at": "gulou", "with": {"night": true}}' | dutylist who --batch -
exit: 0 routed; 1 gap, overlap or undetermined (in a batch: any line not routed);
      2 a usage error, an unknown problem or place, or a catalogue that cannot be loaded.
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "who",
        "route one case: who must report for this problem, here",
        "Answer who must report for a problem at a place: the whistle and its blower, the "
        "lead, the supporting units, the time limit, the escalation, and why. PROBLEM and "
        "PLACE take an id, a name or an alias.",
        EXAMPLES,
    )
    parser.add_argument("problem", nargs="?", metavar="PROBLEM", help="problem id, name or alias")
    parser.add_argument(
        "--at",
        metavar="PLACE",
        help="district, street or community (default: the catalogue's root)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an attribute of the case (repeatable)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="show every duty and rule considered and why it matched or not",
    )
    parser.add_argument(
        "--batch",
        metavar="FILE",
        help="read one JSON case per line from FILE ('-': standard input)",
    )
    parser.add_argument(
        "--text",
        metavar="MESSAGE",
        help="what the resident said: the problem, place and attributes are read from it",
    )
    parser.add_argument(
        "--model",
        type=Path,
        metavar="MODEL",
        help="with --text: a model from `dutylist train` whose labels are problem ids",
    )
    parser.add_argument(
        "--engine", choices=ENGINES, default="index", help="routing engine (default: index)"
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=min(2, os.cpu_count() or 1),
        metavar="N",
        help="with --batch FILE of 20,000 lines or more: answer in N processes, output in "
        "input order (default: 2 on a machine with 2 cores or more; 1: one process)",
    )
    add_on_option(parser)
    add_common(parser, ("text", "json"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    lang = lang_of(args)
    if args.text is not None:
        return _from_text(args, lang)
    if args.batch is None and args.problem is None:
        raise UsageError(
            "name a problem, or give --batch FILE",
            "for example: dutylist who 违法建设 --at 鼓楼街道",
        )
    if args.batch is not None and (args.problem or args.set or args.at):
        raise UsageError(
            "--batch reads the cases from its file; leave out PROBLEM, --at and --set", None
        )
    if args.batch not in (None, "-") and not Path(args.batch).is_file():
        state = "is a folder" if Path(args.batch).is_dir() else "no such file"
        raise UsageError(
            f"cannot read {args.batch}: {state}",
            "give a file of JSON lines, or - for standard input",
        )
    settings = parse_settings(args.set)  # a mistake on the command line before any reading
    if args.batch is not None:
        return _batch(args, lang)
    session = open_session(catalog_path(args), lang)
    compiled = session.on(args.on)
    engine = make_engine(compiled, args.engine)
    case = read_case(compiled.catalog, args.problem, args.at, settings)
    answer = engine.route(case.problem.id, case.place.id, case.values)
    if args.format == "json":
        document = answer_json(answer, compiled.catalog)
        if session.dated:
            document["on"] = (args.on or dt.date.today()).isoformat()
        if args.explain:
            rows = considered(compiled, case.problem, case.place.id, case.values)
            document["considered"] = [_row_json(row) for row in rows]
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        text = AnswerText(compiled.catalog, lang)
        if session.dated:
            day = (args.on or dt.date.today()).isoformat()
            sys.stdout.write(
                f"（按 {day} 生效的清单）\n" if lang == "zh" else f"(as in force on {day})\n"
            )
        sys.stdout.write(text.render(answer))
        if args.explain:
            sys.stdout.write(
                text.explain(considered(compiled, case.problem, case.place.id, case.values))
            )
    return EXIT_OK if answer.status == "routed" else EXIT_FINDINGS


def _from_text(args: argparse.Namespace, lang: Lang) -> int:
    """`who --text`: the case read from the message, then answered as any other; what
    was read from where shown with --explain; what is missing named, to ask the caller."""
    from dutylist.text.reading import TextReader, found_json

    if args.batch is not None or args.problem is not None:
        raise UsageError("--text reads the case from the message: leave out PROBLEM and --batch")
    if not args.text.strip():
        raise UsageError("--text is empty", "give what the resident said")
    session = open_session(catalog_path(args), lang)
    compiled = session.on(args.on)
    reader = TextReader(compiled.catalog)
    decided = _model_problem(args, compiled.catalog, reader)
    reading = reader.read(args.text[:20_000], decided)
    reading.values.update(parse_settings(args.set))
    if args.at:
        reading.place = args.at
    read = found_json(reading.found, compiled.catalog)
    missing = reading.missing()
    if missing:
        ask = {"problem": ("what the problem is", "是什么问题"), "place": ("where it is", "在哪里")}
        asked = [ask[m][0 if lang == "en" else 1] for m in missing]
        if args.format == "json":
            document = {"status": "undetermined", "missing": missing, "read": read}
            sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        else:
            said = ", ".join(asked) if lang == "en" else "、".join(asked)
            head = "undetermined: ask the caller " if lang == "en" else "尚不确定：请向来电人问明"
            sys.stdout.write(head + said + "\n" + _read_text(read, lang))
        return EXIT_FINDINGS
    assert reading.problem is not None
    engine = make_engine(compiled, args.engine)
    case = read_case(compiled.catalog, reading.problem, reading.place, reading.values)
    answer = engine.route(case.problem.id, case.place.id, case.values)
    if args.format == "json":
        document = {**answer_json(answer, compiled.catalog), "read": read}
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        text = AnswerText(compiled.catalog, lang)
        sys.stdout.write(text.render(answer))
        if args.explain:
            sys.stdout.write(_read_text(read, lang))
            sys.stdout.write(
                text.explain(considered(compiled, case.problem, case.place.id, case.values))
            )
    return EXIT_OK if answer.status == "routed" else EXIT_FINDINGS


def _model_problem(args: argparse.Namespace, catalog: Any, reader: Any) -> str | None:
    """The problem a model decides: `--model`, else the catalogue's own — from its
    messages.csv, or, when it keeps none, from its names, aliases and cases, which is
    asked only when no problem's name or alias is written in the text (a name written
    says more than a model of names). None: the names in the text decide."""
    from dutylist import snapshot
    from dutylist.text.catalogued import NAMED, catalogue_model
    from dutylist.text.corpus import CorpusError
    from dutylist.text.modelfile import ModelUnusable, load

    text = args.text[:20_000]
    try:
        if args.model is not None:
            model = load(args.model)
        else:
            cache = snapshot.cache_dir() if snapshot.enabled() else None
            found = catalogue_model(catalog, cache)
            if found is None:
                return None
            if found.meta.get("file") == NAMED:
                if reader.problems.find(text):
                    return None
                text = _without(text, reader.places.find(text))  # places are no problems
            model = found
    except (ModelUnusable, CorpusError) as error:
        raise UsageError(str(error)) from None
    [decision] = model.classify([(text,) + ("",) * (model.columns - 1)])
    return decision.decided if decision.decided in catalog.problems else None


def _without(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """The text with the named spans left out."""
    for start, end, _, _ in sorted(spans, reverse=True):
        text = text[:start] + text[end:]
    return text


def _read_text(read: list[Any], lang: Lang) -> str:
    lines = ["", "从来电内容中读出：" if lang == "zh" else "Read from the message:"]
    for item in read:
        named = f"{item['value']}" + (f"（{item['name']}）" if item.get("name") else "")
        model = "分类模型" if lang == "zh" else "the model"
        where = f"“{item['from']}” @{item['at'][0]}" if item["from"] else model
        lines.append(f"  {item['field']}: {named} ← {where} ({item['how']})")
    return "\n".join(lines) + "\n"


def _row_json(row: Any) -> dict[str, Any]:
    from dutylist.report.conditions_text import condition_text

    return {
        "kind": row.kind,
        "id": row.id,
        "file": row.location.file,
        "line": row.location.line,
        "matched": row.matched,
        "failed": condition_text(row.failed) if row.failed is not None else None,
        "value": row.value if row.given else None,
        "given": row.given,
    }


def _lines(source: str) -> Iterator[str]:
    """Lines of the batch; bytes that are not UTF-8 become U+FFFD and fail that line only."""
    if source == "-":
        for raw in sys.stdin.buffer:
            yield raw.decode("utf-8", errors="replace")
        return
    try:
        with Path(source).open(encoding="utf-8", errors="replace") as stream:
            yield from stream
    except OSError as error:
        raise UsageError(
            f"cannot read {source}: {error.strerror}",
            "give a readable file, or - for standard input",
        ) from None


def _open(args: argparse.Namespace, lang: Lang) -> tuple[Router, Catalog]:
    session = open_session(catalog_path(args), lang)
    compiled = session.on(args.on)
    return make_engine(compiled, args.engine), compiled.catalog


def _batch(args: argparse.Namespace, lang: Lang) -> int:
    source = args.batch
    if source != "-" and args.jobs > 1 and hasattr(os, "fork"):
        lines = list(_lines(source))
        if len(lines) >= PARALLEL_FROM:
            return _batch_in_parallel(args, lines, lang)
        engine, catalog = _open(args, lang)
        routed = _answer(engine, catalog, enumerate(lines, 1), sys.stdout.write, lang)
    else:
        engine, catalog = _open(args, lang)
        routed = _answer(engine, catalog, enumerate(_lines(source), 1), sys.stdout.write, lang)
    return EXIT_OK if routed else EXIT_FINDINGS


def _answer(
    engine: Router,
    catalog: Catalog,
    lines: Iterable[tuple[int, str]],
    write: Callable[[str], Any],
    lang: Lang,
) -> bool:
    """Answer each numbered line in order (streaming: a line is written before the next
    is read), one output line per non-blank input line; True when every one was routed."""
    reader = CaseReader(catalog)
    answers = AnswerLines(catalog)
    all_routed = True
    for number, line in lines:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            answer = _route_request(engine, reader, request)
        except (ValueError, UsageError) as error:
            write(json.dumps(_line_error(number, error, lang), ensure_ascii=False) + "\n")
            all_routed = False
            continue
        all_routed = all_routed and answer.status == "routed"
        write(answers.line(answer) + "\n")
    return all_routed


def _share(line: str, jobs: int) -> int:
    """Which process answers a line: cases of one problem go to one process, so each
    process compiles only its share of the problems. Any rule would be correct (the
    output is put back in input order); this one only makes it fast."""
    at = line.find('"problem"')
    if at < 0:
        return 0
    start = line.find('"', at + 9)  # the problem as written: the text after its colon
    return hash(line[start : line.find('"', start + 1)]) % jobs


def _batch_in_parallel(args: argparse.Namespace, lines: list[str], lang: Lang) -> int:
    """A large batch file shared among `--jobs` processes: this one and forked copies,
    each opening the catalogue itself (so a cold load, too, runs on every core) and
    answering its share of the lines into a file of its own; the answers are then
    written out in input order, so the output is exactly that of one process. A worker
    that fails has its share answered here: nothing is lost, nothing is answered twice."""
    jobs = args.jobs
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    owner = [_share(line, jobs) for _, line in numbered]
    shares = [[item for item, who in zip(numbered, owner, strict=True) if who == worker]
              for worker in range(jobs)]  # fmt: skip
    sys.stdout.flush()
    workers: list[_Worker] = []
    try:
        # the first worker is forked last, so that only it holds the other end of the
        # pipes along which it and this process read a cold catalogue's YAML together
        from dutylist.halves import Partner  # it reads YAML: not for a warm start

        for number in range(2, jobs):
            workers.append(_fork_worker(args, shares[number], lang))
        mine, theirs = Partner.pair()
        # it stores the snapshot of a catalogue read from its YAML, after its answers are
        # handed over: from its own heap (a process forked from this one to store it
        # copied the pages this one touched meanwhile, and was a third process on two
        # cores) and while this one merges
        workers.insert(0, _fork_worker(args, shares[1], lang, partner=theirs))
        theirs.close()
        session = open_session(catalog_path(args), lang, remember=False, partner=mine)
        engine, catalog = make_engine(session.compiled, args.engine), session.catalog
        part, routed = _answer_here(engine, catalog, shares[0], lang)
        answered = [part]
        for number, forked in enumerate(workers, 1):
            status = forked.answered()
            if status is None:  # the worker failed: answer its share here
                part, ok = _answer_here(engine, catalog, shares[number], lang)
                if number == 1 and session.store_snapshot is not None:
                    session.store_snapshot()
            else:
                ok = status
                part = forked.output.read_bytes().splitlines(keepends=True)
            routed = routed and ok
            answered.append(part)
        nexts = [iter(part).__next__ for part in answered]
        sys.stdout.buffer.write(b"".join([nexts[who]() for who in owner]))
        sys.stdout.flush()
    finally:
        for forked in workers:
            forked.finish()
    return EXIT_OK if routed else EXIT_FINDINGS


def _answer_here(
    engine: Router, catalog: Catalog, share: list[tuple[int, str]], lang: Lang
) -> tuple[list[bytes], bool]:
    part: list[bytes] = []
    keep = part.append
    return part, _answer(engine, catalog, share, lambda text: keep(text.encode()), lang)


@dataclass
class _Worker:
    """A forked process answering a share of a batch into `output`; when its answers are
    all written it sends one byte on `ready`: b"0" all routed, b"1" some not. Nothing
    (the pipe closed first) means it failed, and its share is answered again."""

    pid: int
    output: Path
    ready: int
    reaped: bool = False

    def answered(self) -> bool | None:
        """Whether every line of the share was routed; None when the worker failed."""
        with os.fdopen(self.ready, "rb") as pipe:
            self.ready = -1
            said = pipe.read(1)
        if said in (b"0", b"1"):
            return said == b"0"
        self.finish()
        return None

    def finish(self) -> None:
        """Wait for the worker (it may still be storing the snapshot: never left half
        written); one still answering when this process failed is stopped first."""
        if self.ready >= 0:
            os.close(self.ready)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
        if not self.reaped:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.reaped = True
        self.output.unlink(missing_ok=True)


def _fork_worker(
    args: argparse.Namespace,
    share: list[tuple[int, str]],
    lang: Lang,
    partner: Partner | None = None,
) -> _Worker:
    """A forked process answering `share` into a file. With a `partner` (this process's
    end of the pipes) it reads a cold catalogue's YAML together with this process, and
    then stores the snapshot (a cache: if it cannot, the next run reads the YAML again)."""
    handle, name = tempfile.mkstemp(prefix="dutylist-batch-", suffix=".jsonl")
    ready, said = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready)
        code = 0
        try:
            if partner is not None:
                partner.forget_other_end()
            session = open_session(catalog_path(args), lang, remember=False, partner=partner)
            engine, catalog = make_engine(session.compiled, args.engine), session.catalog
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                routed = _answer(engine, catalog, share, out.write, lang)
            os.write(said, b"0" if routed else b"1")
            os.close(said)
            if partner is not None and session.store_snapshot is not None:
                session.store_snapshot()
        except BaseException:  # the parent answers the share itself
            code = 4
        finally:
            os._exit(code)
    os.close(handle)
    os.close(said)
    return _Worker(pid, Path(name), ready)


def _jobs(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise UsageError(f"--jobs {text}: give a number of processes from 1 to 64", "e.g. --jobs 2")
    return int(text)


def _line_error(number: int, error: Exception, lang: Lang) -> dict[str, Any]:
    """The object a batch writes for a line it cannot answer: its number, the code of the
    case error (DL601–DL606) if it is one, and the reason with its hint."""
    if not isinstance(error, UsageError):
        return {"line": number, "error": f"not JSON: {error}"}
    reason, hint = error.localised(lang)
    if hint:
        reason += f"（{hint}）" if lang == "zh" else f" ({hint})"
    if isinstance(error, CaseError):
        return {"line": number, "code": error.code, "error": reason}
    return {"line": number, "error": reason}


def _route_request(engine: Router, reader: CaseReader, request: Any) -> Answer:
    if type(request) is dict:
        # the common case, cheaply: ids and typed values go straight to the engine,
        # which checks them; anything else (names, aliases, values written as text, a
        # mistake) is read in full below, which also words the error
        problem, at, values = request.get("problem"), request.get("at"), request.get("with")
        known_at = at is None or (isinstance(at, str) and at in reader.catalog.units)
        if isinstance(problem, str) and problem in reader.catalog.problems and known_at:
            try:
                return engine.route(problem, at, values)
            except CaseError:
                pass
    if not isinstance(request, dict) or not isinstance(request.get("problem"), str):
        raise UsageError('a case is an object with at least "problem", e.g. {"problem": "noise"}')
    at = request.get("at")
    settings = request.get("with") or {}
    if (at is not None and not isinstance(at, str)) or not isinstance(settings, dict):
        raise UsageError('"at" is a place id or name, "with" an object of attribute values')
    case = reader.read(request["problem"], at, settings)
    return engine.route(case.problem.id, case.place.id, case.values)
