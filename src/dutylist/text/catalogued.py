"""A catalogue's own model of its problems: trained from the labelled messages it keeps
beside its YAML (`messages.csv`: a `text` column and a `problem` column holding a
problem's id, name or alias), or — when it keeps none — from what it says of its
problems (their names and aliases, and the names of its cases); once per version of
those examples, and kept in the cache."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from dutylist.lookup import Lookup
from dutylist.model import Catalog
from dutylist.text import corpus
from dutylist.text.classifier import TextModel, train
from dutylist.text.modelfile import ModelUnusable, load, save

EXAMPLES = "messages.csv"
NAMED = "names, aliases and cases"  # where a model of no messages learnt from


def catalogue_model(catalog: Catalog, cache: Path | None) -> TextModel | None:
    """The model of `catalog`'s problems: from the labelled messages it keeps, else from
    its problems' names and aliases and its cases' names (None with fewer than two
    problems to tell apart); `CorpusError` naming the file and line of an example whose
    problem the catalogue does not have."""
    examples = catalog.folder / EXAMPLES
    if examples.is_file():
        messages = corpus.read(examples, ["text"], "problem")
        problems = Lookup(catalog.problems)
        texts, labels = [], []
        for line, message in enumerate(messages, start=2):
            found = problems.find(message.label or "")
            if found is None:
                raise corpus.CorpusError(
                    f"{examples}:{line}: no problem '{message.label}' in the catalogue"
                )
            texts.append(message.texts)
            labels.append(found.id)
        source = str(examples)
    else:
        texts, labels = _named_examples(catalog)
        source = NAMED
        if len(set(labels)) < 2:
            return None
    digest = hashlib.sha256(json.dumps([texts, labels], ensure_ascii=False).encode()).hexdigest()
    kept = cache / f"text-{digest[:24]}.model" if cache is not None else None
    if kept is not None and kept.is_file():
        try:
            return load(kept)
        except ModelUnusable:
            pass  # made by another version: made again below
    try:
        model = train(texts, labels, meta={"file": source})
    except ValueError as error:
        raise corpus.CorpusError(f"{source}: {error}") from None
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        save(model, kept)
    return model


def _named_examples(catalog: Catalog) -> tuple[list[tuple[str, ...]], list[str]]:
    """Each problem's name and aliases, and the name of each case of it, as examples."""
    texts: list[tuple[str, ...]] = []
    labels: list[str] = []
    for problem in catalog.problems.values():
        for word in (problem.name, *problem.aliases):
            texts.append((word,))
            labels.append(problem.id)
    problems = Lookup(catalog.problems)
    for case in catalog.cases:
        found = problems.find(case.problem)
        if found is not None and case.name:
            texts.append((case.name,))
            labels.append(found.id)
    return texts, labels
