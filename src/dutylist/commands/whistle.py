"""`dutylist whistle …`: blow a whistle and follow it — sign, arrive, resolve, reject,
reassign, note, evaluate, close, reopen — in the whistle store; show, list, verify."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from dutylist.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    Parser,
    add_common,
    add_subcommand,
    catalog_path,
    emit,
    lang_of,
    open_store,
    output_file,
)
from dutylist.errors import UsageError

EXAMPLES = """\
examples:
  dutylist whistle blow 噪声扰民 --at 桃园社区 --set source=社会生活 --set night=true
  dutylist whistle sign W000001 --unit ga          区公安分局 signs for its obligation (签收)
  dutylist whistle arrive W000001 --unit ga        and arrives on site (报到)
  dutylist whistle resolve W000001 --unit ga
  dutylist whistle reject W000001 --unit scjg --reason 不属于职责范围 --duty D021
  dutylist whistle evaluate W000001 --by resident --score 4
  dutylist whistle show W000001                    the timeline, and what each unit may do next
  dutylist whistle sweep --now 2026-12-03T12:00+08:00   escalate what is overdue by then
  dutylist whistle verify                          is the log as it was written?
Blowing routes the case on the catalogue of --catalog (default: the current folder).
The store is a SQLite file under your data folder (~/.local/share/dutylist/whistles.db),
or --db FILE, or --db postgresql+psycopg://… .
exit: 0 done; 1 refused by the whistle's state (the message says what is allowed), or
      verify found an edit; 2 a usage error, an unknown whistle, a case that cannot be routed.
"""
UNIT_EVENTS = ("sign", "arrive", "resolve", "reject")
ACTION_HELP = {
    "sign": "签收: a unit signs for its obligation",
    "arrive": "报到: a unit arrives on site",
    "resolve": "办结: a unit has done its part",
    "reject": "退单: a unit refuses, with a reason and the duty it disputes",
    "reassign": "改派: the blower or the district names a new lead",
    "note": "备注: add a note",
    "evaluate": "评价: the street's or the resident's satisfaction, 1-5",
    "close": "结案: close, once every obligation is resolved",
    "reopen": "重新开启: reopen a closed whistle",
}
OTHER_EVENTS = ("reassign", "note", "evaluate", "close", "reopen")


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands,
        "whistle",
        "blow a whistle and follow it: sign, arrive, resolve, reject, evaluate",
        "The whistle's whole life in an append-only store: the street blows the whistle "
        "(吹哨) with the routed answer; each unit named signs (签收), arrives (报到) and "
        "resolves, or rejects (退单) with a reason; the whistle is closed and evaluated.",
        EXAMPLES,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True
    blow = actions.add_parser("blow", help="route a case and blow its whistle")
    blow.add_argument("problem", metavar="PROBLEM", help="problem id, name or alias")
    blow.add_argument("--at", metavar="PLACE", help="district, street or community")
    blow.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    blow.add_argument("--text", help="what the caller said, kept with the whistle")
    blow.add_argument("--key", help="idempotency key: a blow retried with it is not repeated")
    blow.add_argument("--as", dest="actor", metavar="WHO", help="who blows (default: the blower)")
    for name in (*UNIT_EVENTS, *OTHER_EVENTS):
        action = actions.add_parser(name, help=ACTION_HELP[name])
        action.add_argument("whistle", metavar="ID")
        action.add_argument("--unit", required=name in UNIT_EVENTS, help="the unit acting")
        action.add_argument("--as", dest="actor", metavar="WHO", help="who acts (default: --unit)")
        if name == "reject":
            action.add_argument(
                "--reason",
                required=True,
                help="属地不符 | 权属不清 | 职能交叉 | 不属于职责范围 | 其他",
            )
            action.add_argument("--duty", help="the duty the rejection disputes")
            action.add_argument("--text", help="what the unit says (needed with 其他)")
        if name == "reassign":
            action.add_argument("--to", required=True, metavar="UNIT", help="the new lead")
        if name == "evaluate":
            action.add_argument("--by", required=True, choices=("street", "resident"))
            action.add_argument("--score", required=True, type=int, choices=range(1, 6))
        if name == "note":
            action.add_argument("--text", required=True)
    show = actions.add_parser("show", help="a whistle's timeline and state")
    show.add_argument("whistle", metavar="ID")
    listed = actions.add_parser("list", help="the newest whistles and their state")
    listed.add_argument("--limit", type=_count, default=50, metavar="N",
                        help="how many, newest first (default 50)")  # fmt: skip
    listed.add_argument("--status", choices=("open", "closed"), help="only open or closed ones")
    sweep = actions.add_parser("sweep", help="escalate whistles whose time limit has passed")
    sweep.add_argument(
        "--now", type=_moment, metavar="TIME", help="judge as of TIME, ISO 8601 (default: now)"
    )
    actions.add_parser("verify", help="check the hash chain of the whole log")
    stats = actions.add_parser(
        "stats", help="响应率, 按时报到率, 解决率, 满意率 by unit, street, problem or week"
    )
    stats.add_argument("--by", choices=("unit", "street", "problem", "week"), default="unit")
    stats.add_argument("--since", type=_moment, metavar="TIME", help="whistles blown from TIME on")
    stats.add_argument("--until", type=_moment, metavar="TIME", help="whistles blown before TIME")
    export = actions.add_parser("export", help="every event, as CSV or JSON Lines")
    export.add_argument("--output", type=output_file, metavar="FILE", help="write to FILE")
    for name, sub in actions.choices.items():
        formats = {"export": ("csv", "jsonl"), "stats": ("text", "json", "csv", "markdown")}
        add_common(sub, formats.get(name, ("text", "json")))
        sub.add_argument("--db", metavar="FILE|URL", help="the store (default: your data folder)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dutylist.service.failures import Conflict, NotFound, Refused

    store = open_store(args.db)
    try:
        return _run(args, store)
    except Conflict as refused:  # the whistle's state does not allow it: says what does
        sys.stderr.write(f"dutylist: {refused.message(lang_of(args))}\n")
        return EXIT_FINDINGS
    except NotFound as missing:
        hint = "see them with: dutylist whistle list"
        raise UsageError(missing.message(lang_of(args)), hint) from None
    except Refused as refused:
        raise UsageError(refused.message(lang_of(args)), refused.hint) from None
    finally:
        store.close()


def _run(args: argparse.Namespace, store: Any) -> int:
    from dutylist.casein import parse_settings
    from dutylist.service.access import OPERATOR

    if args.action == "list":
        return _list(args, store)
    if args.action == "verify":
        return _verify(args, store)
    if args.action == "stats":
        rows = store.stats(args.by, args.since, args.until)
        sys.stdout.write(_stats(rows, args.by, args.format))
        return EXIT_OK
    if args.action == "export":
        emit(_export(store, args.format), args.output)
        return EXIT_OK
    desk = _desk(args, store)
    if args.action == "blow":
        blown = desk.blow(OPERATOR, args.problem, args.at, parse_settings(args.set), args.text,
                          args.key, actor=args.actor)  # fmt: skip
        _emit(args, {"whistle": blown.whistle, "new": blown.new, "answer": blown.answer})
        return EXIT_OK
    if args.action == "sweep":
        escalated = desk.sweep(OPERATOR, args.now)
        if args.format == "json":
            _emit(args, {"escalated": [{"whistle": e.whistle, **e.data} for e in escalated]})
        else:
            for event in escalated:
                sys.stdout.write(
                    f"{event.whistle}: escalated to {event.data['to']} "
                    f"({event.data['after_minutes']} min after it was blown)\n"
                )
            sys.stdout.write(f"{len(escalated)} escalated\n")
        return EXIT_OK
    if args.action == "show":
        return _show(args, store)
    state = desk.act(OPERATOR, args.whistle, args.action, args.unit, _data_of(args),
                     actor=args.actor)  # fmt: skip
    _emit(
        args,
        {"whistle": args.whistle, "status": state.status, "obligations": dict(state.obligations)},
    )
    return EXIT_OK


def _desk(args: argparse.Namespace, store: Any) -> Any:
    """The desk, opening the `--catalog` only when a step needs it (a blow, a unit
    named by its name, a reassignment): signing by unit id needs only the store."""
    from dutylist.dispatcher import Dispatcher
    from dutylist.service.desk import Desk

    return Desk(lambda: Dispatcher(catalog_path(args), lang=lang_of(args), prepare=False), store)


def _stats(rows: list[dict[str, Any]], by: str, fmt: str) -> str:
    from dutylist.report.stats_table import to_csv, to_table

    if fmt == "json":
        return json.dumps({"by": by, "rows": rows}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return to_csv(rows, by)
    return to_table(rows, by, markdown=fmt == "markdown")


def _export(store: Any, fmt: str) -> str:
    import csv
    import io

    rows = (
        {"seq": e.seq, "whistle": e.whistle, "at": e.at, "kind": e.kind, "unit": e.unit,
         "actor": e.actor, "data": e.data}
        for e in store.all_events()
    )  # fmt: skip
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["seq", "whistle", "at", "kind", "unit", "actor", "data"])
    for row in rows:
        data = json.dumps(row["data"], ensure_ascii=False)
        writer.writerow(
            [*(row[k] for k in ("seq", "whistle", "at", "kind", "unit", "actor")), data]
        )
    return out.getvalue()


def _count(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) <= 100_000:
        raise UsageError(f"--limit {text}: a number from 1 to 100000", "e.g. --limit 20")
    return int(text)


def _moment(text: str) -> Any:
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--now {text!r} is not a time", "write it as ISO 8601, e.g. 2026-12-03T10:30:00+08:00"
        ) from None


def _data_of(args: argparse.Namespace) -> dict[str, Any]:
    if args.action == "reject":
        return {"reason": args.reason, "duty": args.duty, "text": args.text}
    if args.action == "reassign":
        return {"to": args.to}  # the desk finds it in the catalogue (--catalog)
    if args.action == "evaluate":
        return {"by": args.by, "score": args.score}
    if args.action == "note":
        return {"text": args.text}
    return {}


def _show(args: argparse.Namespace, store: Any) -> int:
    try:
        timeline = store.events(args.whistle)
    except KeyError:
        raise UsageError(
            f"no whistle {args.whistle}", "see them with: dutylist whistle list"
        ) from None
    state = store.state(args.whistle)
    if args.format == "json":
        _emit(args, {
            "whistle": args.whistle,
            "status": state.status,
            "obligations": dict(state.obligations),
            "events": [
                {"seq": e.seq, "at": e.at, "kind": e.kind, "unit": e.unit, "actor": e.actor,
                 "data": e.data if e.kind != "blow" else {"lead": e.data.get("lead")}}
                for e in timeline
            ],
        })  # fmt: skip
        return EXIT_OK
    lines = [f"{args.whistle}: {state.status}"]
    for event in timeline:
        unit = f" {event.unit}" if event.unit else ""
        extra = {
            k: v
            for k, v in event.data.items()
            if k in ("reason", "duty", "to", "by", "score", "text") and v is not None
        }
        said = json.dumps(extra, ensure_ascii=False) if extra else ""
        lines.append(f"  {event.at}  {event.kind}{unit}  by {event.actor}  {said}".rstrip())
    for unit, obligation in state.obligations.items():
        lines.append(f"  {unit}: {obligation}; may: {', '.join(state.allowed(unit))}")
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def _list(args: argparse.Namespace, store: Any) -> int:
    """The newest whistles first, a page at a time from the store (a million stay cheap)."""
    from dutylist.store.lifecycle import fold

    rows: list[dict[str, Any]] = []
    after = 0
    while len(rows) < args.limit:
        page = store.page(after=after, limit=min(500, args.limit * 2), newest_first=True)
        if not page:
            break
        for whistle, timeline in page:
            state = fold((e.kind, e.unit, e.data) for e in timeline)
            if args.status and state.status != args.status:
                continue
            rows.append({"whistle": whistle.id, "status": state.status, "lead": state.lead,
                         "obligations": dict(state.obligations)})  # fmt: skip
        after = page[-1][0].number
    rows = rows[: args.limit]
    if args.format == "json":
        _emit(args, {"whistles": rows})
    else:
        text = [
            f"{r['whistle']}  {r['status']}  lead {r['lead']}  "
            + ", ".join(f"{u}: {s}" for u, s in r["obligations"].items())
            for r in rows
        ]
        sys.stdout.write("\n".join(text) + ("\n" if text else ""))
    return EXIT_OK


def _verify(args: argparse.Namespace, store: Any) -> int:
    found = store.verify()
    if args.format == "json":
        _emit(args, {"tampered": [vars(t) for t in found]})
    else:
        for t in found:
            sys.stdout.write(f"event {t.seq} of {t.whistle}: {t.reason}\n")
        sys.stdout.write(
            "the log is intact\n" if not found else f"{len(found)} problem(s) in the log\n"
        )
    return EXIT_FINDINGS if found else EXIT_OK


def _emit(args: argparse.Namespace, document: dict[str, Any]) -> None:
    if args.format == "json":
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return
    if "answer" in document:
        answer = document["answer"]
        lead = answer["lead"]["name"] if answer.get("lead") else "-"
        state = "blown" if document["new"] else "already blown (same --key)"
        sys.stdout.write(f"{document['whistle']}: {state}; lead {lead}\n")
        return
    obligations = ", ".join(f"{u}: {s}" for u, s in document["obligations"].items())
    sys.stdout.write(f"{document['whistle']}: {document['status']}; {obligations}\n")
