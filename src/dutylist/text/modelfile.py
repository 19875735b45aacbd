"""A trained model on disk, in a form that loading cannot turn into code: a zip holding
`model.json` (format, versions, classes, threshold, the vocabularies) and `arrays.npz`
(the weights, read with `allow_pickle=False`). Nothing is unpickled, so a model file
from anyone is safe to open; a damaged one, or one of another format, is refused with
what to do."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from dutylist import __version__
from dutylist.text.classifier import TextModel
from dutylist.text.features import BITS, HashedTfidf

FORMAT = 3  # 3: with the naive Bayes; 2: hashed n-grams; 1 held a vocabulary
KIND = "dutylist text model"


class ModelUnusable(Exception):
    """A model file that cannot be used; the message says why and what to do."""


def save(model: TextModel, path: Path) -> None:
    arrays = {"coef": model.coef, "intercept": model.intercept, "sigmoid": model.sigmoid,
              "bayes": model.bayes}  # fmt: skip
    for n, block in enumerate(model.blocks):
        arrays[f"columns{n}"], arrays[f"idf{n}"] = block.columns, block.idf
    packed = io.BytesIO()
    np.savez_compressed(packed, **arrays)  # type: ignore[arg-type]
    document = {
        "kind": KIND, "format": FORMAT, "dutylist": __version__, "classes": model.classes,
        "threshold": model.threshold, "columns": model.columns, "meta": model.meta,
        "blocks": len(model.blocks), "bits": BITS, "svm_share": model.svm_share,
    }  # fmt: skip
    temporary = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.writestr("model.json", json.dumps(document, ensure_ascii=False))
        out.writestr("arrays.npz", packed.getvalue())
    temporary.replace(path)  # whole or not at all


def load(path: Path) -> TextModel:
    try:
        with zipfile.ZipFile(path) as held:
            document: dict[str, Any] = json.loads(held.read("model.json").decode("utf-8"))
            arrays = np.load(io.BytesIO(held.read("arrays.npz")), allow_pickle=False)
            if document.get("kind") != KIND:
                raise ModelUnusable(f"{path} is not a dutylist text model")
            if document.get("format") != FORMAT:
                raise ModelUnusable(
                    f"{path} is a model of format {document.get('format')}, this dutylist "
                    f"reads format {FORMAT}: train it again with dutylist train"
                )
            if document.get("bits") != BITS:
                raise ModelUnusable(f"{path} hashes n-grams differently: train it again")
            blocks = [
                HashedTfidf(np.asarray(arrays[f"columns{n}"]), np.asarray(arrays[f"idf{n}"]))
                for n in range(int(document["blocks"]))
            ]
            model = TextModel(
                document["classes"], blocks, np.asarray(arrays["coef"]),
                np.asarray(arrays["intercept"]), np.asarray(arrays["sigmoid"]),
                np.asarray(arrays["bayes"]), float(document["threshold"]),
                int(document["columns"]), dict(document["meta"]),
                float(document["svm_share"]),
            )  # fmt: skip
    except FileNotFoundError:
        raise ModelUnusable(f"no model file {path}") from None
    except ModelUnusable:
        raise
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError, json.JSONDecodeError,
            UnicodeDecodeError) as error:  # fmt: skip
        raise ModelUnusable(
            f"{path} is damaged or not a dutylist model ({type(error).__name__}): "
            "train it again with dutylist train"
        ) from None
    width = sum(block.width for block in model.blocks)
    if (
        model.coef.shape[0] not in (1, len(model.classes))
        or model.coef.shape[1] != width
        or model.bayes.shape != (len(model.classes), width)
    ):
        raise ModelUnusable(f"{path} is damaged: its weights do not fit its vocabulary")
    return model
