"""`dutylist train FILE.csv --text COL[,COL…] --label COL --out MODEL`: a classifier of
messages into labels (problems, categories, departments)."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from dutylist.commands.common import EXIT_OK, UsageError, add_subcommand

EXAMPLES = """\
examples:
  dutylist train ../shared/data/tipdm-messages-train.csv --text title,text --label label --out m
  dutylist train calls.csv --text 内容 --label problem --out calls.model --precision 0.9
The text columns are joined (the first is also weighted on its own); --precision is what
the decided messages must reach on a held-back fifth of FILE (default 0.95): the model
keeps the probability that reaches it, below which `classify` says undetermined.
The model file is a zip of JSON and NumPy arrays: opening one runs no code.
"""


def add(commands: argparse._SubParsersAction) -> None:
    parser = add_subcommand(
        commands, "train", "train a classifier of messages (UTF-8 CSV with a header)",
        "Train a text classifier — character n-grams, a linear SVM, calibrated "
        "probabilities — on labelled messages, and store it with its threshold.", EXAMPLES,
    )  # fmt: skip
    parser.add_argument("file", type=Path, metavar="FILE.csv")
    parser.add_argument("--text", required=True, metavar="COL[,COL…]", help="text column(s)")
    parser.add_argument("--label", required=True, metavar="COL", help="the label column")
    parser.add_argument("--out", required=True, type=Path, metavar="MODEL", help="model file")
    parser.add_argument("--precision", type=_share, default=0.95,
                        help="precision among the decided to reach (default 0.95)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--lang", choices=("zh", "en"), help="language of messages")
    parser.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dutylist.text import corpus
    from dutylist.text.classifier import MIN_EXAMPLES, train
    from dutylist.text.modelfile import save

    try:
        messages = corpus.read(args.file, corpus.columns_of(args.text), args.label)
    except corpus.CorpusError as error:
        raise UsageError(str(error)) from None
    if args.out.exists() and args.out.is_dir():
        raise UsageError(f"--out {args.out} is a folder", "give a file name, e.g. --out m")
    started = time.perf_counter()
    sys.stderr.write(f"training on {len(messages):,} messages …\n")
    counts = Counter(m.label or "" for m in messages)
    scarce = sorted(label for label, n in counts.items() if n < MIN_EXAMPLES)
    if scarce and len(counts) > 1:
        sys.stderr.write(
            f"few examples (fewer than {MIN_EXAMPLES}) of: {', '.join(scarce)} — the naive "
            "Bayes model alone is trained, and its threshold is judged on few messages; "
            "more examples of these make a better model\n"
        )
    try:
        model = train([m.texts for m in messages], [m.label or "" for m in messages],
                      args.precision, args.seed, {"file": args.file.name, "text": args.text,
                                                  "label": args.label})  # fmt: skip
    except ValueError as error:
        raise UsageError(f"{args.file}: {error}") from None
    save(model, args.out)
    took = time.perf_counter() - started
    sys.stdout.write(
        f"{args.out}: {len(model.classes)} labels from {len(messages):,} messages in "
        f"{took:.1f} s; decides when p >= {model.threshold} (precision {args.precision} "
        "on messages each judged by a model that did not see them)\n"
    )
    return EXIT_OK


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 < value <= 1:
        raise UsageError(f"--precision {text}: a share above 0, at most 1", "e.g. 0.95")
    return value
