"""`dutylist classify TEXT --model MODEL` or `--batch FILE.csv --text COL[,COL…]`: the
top labels with their probabilities, and a decision or `undetermined`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dutylist.commands.common import EXIT_FINDINGS, EXIT_OK, UsageError, add_subcommand

EXAMPLES = """\
examples:
  dutylist classify "小区楼下烧烤油烟很大，没人管" --model m
  dutylist classify --batch messages.csv --text title,text --model m --format json
  dutylist classify "……" --model m --min-p 0.5      decide more often (less surely)
json: one object per message, {"id", "labels": [{"label", "p"}…], "decided": LABEL | null};
in batch mode one line per row, in the file's order, with its id column when it has one.
exit: 0 decided (every message, in batch mode); 1 undetermined (any); 2 usage errors.
"""
BATCH_SIZE = 2000


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands, "classify", "classify messages with a trained model: top 3 and a decision",
        "Classify a message (or a CSV of them) with a model from `dutylist train`: the top "
        "three labels with calibrated probabilities, and the top label when it clears the "
        "model's threshold, else undetermined.", EXAMPLES,
    )  # fmt: skip
    parser.add_argument("message", nargs="?", metavar="TEXT", help="the message")
    parser.add_argument("--model", required=True, type=Path, metavar="MODEL")
    parser.add_argument("--batch", type=Path, metavar="FILE.csv", help="classify every row")
    parser.add_argument("--text", metavar="COL[,COL…]", help="text column(s) of --batch")
    parser.add_argument("--min-p", type=float, metavar="P", help="decide from this probability")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--lang", choices=("zh", "en"), help="language of messages")
    parser.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dutylist.text import corpus
    from dutylist.text.modelfile import ModelUnusable, load

    if (args.message is None) == (args.batch is None):
        raise UsageError("give one message, or --batch FILE.csv", "see: dutylist classify --help")
    if args.min_p is not None and not 0 <= args.min_p <= 1:
        raise UsageError(f"--min-p {args.min_p}: a probability, 0 to 1", "e.g. --min-p 0.6")
    try:
        model = load(args.model)
    except ModelUnusable as error:
        raise UsageError(str(error)) from None
    if args.message is not None:
        texts = [(args.message,) + ("",) * (model.columns - 1)]
        ids: list[str | None] = [None]
    else:
        if not args.text:
            raise UsageError("--batch needs --text COL[,COL…]", "e.g. --text title,text")
        try:
            rows = corpus.read(args.batch, corpus.columns_of(args.text))
        except corpus.CorpusError as error:
            raise UsageError(str(error)) from None
        texts = [_fit(r.texts, model.columns) for r in rows]
        ids = [r.id for r in rows]
    undecided = 0
    for start in range(0, len(texts), BATCH_SIZE):
        decisions = model.classify(texts[start : start + BATCH_SIZE], args.min_p)
        out = []
        for n, decision in enumerate(decisions):
            undecided += decision.decided is None
            out.append(_line(ids[start + n], decision, args.format, args.batch is not None))
        sys.stdout.write("".join(out))
    return EXIT_FINDINGS if undecided else EXIT_OK


def _fit(texts: tuple[str, ...], columns: int) -> tuple[str, ...]:
    """A row's text columns to the model's count: extra ones joined to the last."""
    if len(texts) <= columns:
        return texts + ("",) * (columns - len(texts))
    return (*texts[: columns - 1], " ".join(texts[columns - 1 :]))


def _line(id_: str | None, decision: object, fmt: str, batch: bool) -> str:
    labels = decision.labels  # type: ignore[attr-defined]
    decided = decision.decided  # type: ignore[attr-defined]
    if fmt == "json":
        document = {"id": id_, "labels": [{"label": x.label, "p": x.p} for x in labels],
                    "decided": decided}  # fmt: skip
        return json.dumps(document, ensure_ascii=False, indent=None if batch else 2) + "\n"
    shown = "  ".join(f"{x.label} {x.p:.2f}" for x in labels)
    head = f"{id_}: " if id_ is not None else ""
    verdict = decided if decided is not None else "undetermined"
    return f"{head}{verdict}    ({shown})\n"
