"""A catalogue's own model of its problems: trained from the labelled messages it keeps
beside its YAML (`messages.csv`: a `text` column and a `problem` column holding a
problem's id, name or alias), once per version of that file, and kept in the cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

from dutylist.lookup import Lookup
from dutylist.model import Catalog
from dutylist.text import corpus
from dutylist.text.classifier import TextModel, train
from dutylist.text.modelfile import ModelUnusable, load, save

EXAMPLES = "messages.csv"


def catalogue_model(catalog: Catalog, cache: Path | None) -> TextModel | None:
    """The model of `catalog`'s examples (None when it keeps none); `CorpusError` naming
    the file and line of an example whose problem the catalogue does not have."""
    examples = catalog.folder / EXAMPLES
    if not examples.is_file():
        return None
    digest = hashlib.sha256(examples.read_bytes()).hexdigest()[:24]
    kept = cache / f"text-{digest}.model" if cache is not None else None
    if kept is not None and kept.is_file():
        try:
            return load(kept)
        except ModelUnusable:
            pass  # made by another version: made again below
    messages = corpus.read(examples, ["text"], "problem")
    problems = Lookup(catalog.problems)
    labels = []
    for line, message in enumerate(messages, start=2):
        found = problems.find(message.label or "")
        if found is None:
            raise corpus.CorpusError(
                f"{examples}:{line}: no problem '{message.label}' in the catalogue"
            )
        labels.append(found.id)
    try:
        model = train([m.texts for m in messages], labels, meta={"file": str(examples)})
    except ValueError as error:
        raise corpus.CorpusError(f"{examples}: {error}") from None
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        save(model, kept)
    return model
