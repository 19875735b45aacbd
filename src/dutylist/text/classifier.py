"""A text classifier for citizen messages: character n-grams (Chinese needs no word
segmenter for them), a linear support-vector model, probabilities calibrated by Platt's
sigmoid on cross-validated scores, and a threshold below which it says `undetermined`.

The features are TF-IDF over character 1–3-grams (`features.HashedTfidf`) of the
message's text columns joined, and again of its first column alone when there are
several (a subject line says the most in the fewest words:
+1 point of accuracy on the TipDM messages). The threshold is the lowest top probability
at which, on a held-back fifth of the training data, the decided messages reach the
stated precision; it is stored with the model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC

from dutylist.text.features import HashedTfidf

C = 0.5
TOP = 3
PARALLEL_FROM = 400  # messages in a batch from which two threads share the work


@dataclass(frozen=True)
class Labelled:
    label: str
    p: float


@dataclass(frozen=True)
class Decision:
    labels: tuple[Labelled, ...]  # the top 3, most probable first
    decided: str | None  # the top label if it clears the threshold, else None


class TextModel:
    """What a trained classifier is: its vocabularies and weights, nothing executable."""

    def __init__(self, classes: Sequence[str], blocks: list[HashedTfidf], coef: np.ndarray,
                 intercept: np.ndarray, sigmoid: np.ndarray, threshold: float, columns: int,
                 meta: dict[str, Any]) -> None:  # fmt: skip
        self.classes = list(classes)
        self.blocks = blocks  # the joined text's features, then the first column's
        self.coef, self.intercept, self.sigmoid = coef, intercept, sigmoid  # sigmoid: (k, 2)
        self.threshold = threshold
        self.columns = columns  # how many text columns it was trained on
        self.meta = meta

    def features(self, texts: Sequence[Sequence[str]]) -> csr_matrix:
        return _features(self.blocks, texts)

    def probabilities(self, texts: Sequence[Sequence[str]]) -> np.ndarray:
        scores = self._scores(texts)
        calibrated = 1.0 / (1.0 + np.exp(self.sigmoid[:, 0] * scores + self.sigmoid[:, 1]))
        if self.coef.shape[0] == 1:  # two classes, one score: the second's probability
            return np.column_stack([1.0 - calibrated[:, 0], calibrated[:, 0]])
        total = calibrated.sum(axis=1, keepdims=True)
        total[total == 0] = 1.0
        shaped: np.ndarray = calibrated / total
        return shaped

    def _scores(self, texts: Sequence[Sequence[str]]) -> np.ndarray:
        """The linear scores; a large batch in two halves on two threads (NumPy's sorts
        and SciPy's products let go of the interpreter's lock while they run)."""

        def scored(part: Sequence[Sequence[str]]) -> np.ndarray:
            return np.asarray(self.features(part) @ self.coef.T) + self.intercept

        if len(texts) < PARALLEL_FROM:
            return scored(texts)
        middle = len(texts) // 2
        with ThreadPoolExecutor(max_workers=2) as pool:
            return np.vstack(list(pool.map(scored, [texts[:middle], texts[middle:]])))

    def classify(
        self, texts: Sequence[Sequence[str]], min_p: float | None = None
    ) -> list[Decision]:
        """For each message (its text columns): the top labels and a decision."""
        threshold = self.threshold if min_p is None else min_p
        found = []
        for row, parts in zip(self.probabilities(texts), texts, strict=True):
            order = np.argsort(-row)[:TOP]
            labels = tuple(Labelled(self.classes[i], round(float(row[i]), 4)) for i in order)
            empty = not "".join(parts).strip()
            decided = labels[0].label if not empty and labels[0].p >= threshold else None
            found.append(Decision(labels, decided))
        return found


def train(texts: Sequence[Sequence[str]], labels: Sequence[str], precision: float = 0.95,
          seed: int = 0, meta: dict[str, Any] | None = None) -> TextModel:  # fmt: skip
    """A model of `texts` (each its text columns) and their labels; its threshold reaches
    `precision` among the decided on a held-back fifth."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    if len(counts) < 2:
        raise ValueError("at least two labels are needed")
    rare = sorted(label for label, n in counts.items() if n < 5)
    if rare:
        raise ValueError(f"too few examples (fewer than 5) of: {', '.join(rare)}")
    columns = len(texts[0]) if texts else 1
    held = _fit(texts, labels, seed, columns)
    train_part, test_part, train_labels, test_labels = train_test_split(
        list(texts), list(labels), test_size=0.2, random_state=seed, stratify=list(labels)
    )
    trial = _fit(train_part, train_labels, seed, columns)
    threshold = choose_threshold(trial.probabilities(test_part), trial.classes, test_labels,
                                 precision)  # fmt: skip
    held.threshold = threshold
    held.meta = {**(meta or {}), "precision_target": precision, "seed": seed,
                 "examples": len(labels)}  # fmt: skip
    return held


def _features(blocks: Sequence[HashedTfidf], texts: Sequence[Sequence[str]]) -> csr_matrix:
    matrices = [blocks[0].transform([" ".join(parts) for parts in texts])]
    if len(blocks) > 1:
        matrices.append(blocks[1].transform([parts[0] if parts else "" for parts in texts]))
    return hstack(matrices).tocsr() if len(matrices) > 1 else matrices[0]


def _fit(
    texts: Sequence[Sequence[str]], labels: Sequence[str], seed: int, columns: int
) -> TextModel:
    blocks = [HashedTfidf.fit([" ".join(parts) for parts in texts])]
    if columns > 1:
        blocks.append(HashedTfidf.fit([parts[0] for parts in texts]))
    features = _features(blocks, texts)
    calibrated = CalibratedClassifierCV(
        LinearSVC(C=C, random_state=seed), method="sigmoid", cv=5, ensemble=False
    )
    calibrated.fit(features, list(labels))
    [fitted] = calibrated.calibrated_classifiers_
    svm = fitted.estimator
    coef = np.asarray(svm.coef_, dtype=np.float64)
    intercept = np.asarray(svm.intercept_, dtype=np.float64)
    sigmoid = np.array([[c.a_, c.b_] for c in fitted.calibrators], dtype=np.float64)
    classes = [str(c) for c in calibrated.classes_]
    return TextModel(classes, blocks, coef, intercept, sigmoid, 0.0, columns, {})


def choose_threshold(probabilities: np.ndarray, classes: Sequence[str],
                     truth: Sequence[str], precision: float) -> float:  # fmt: skip
    """The lowest top probability at which the messages decided reach `precision`."""
    top = probabilities.max(axis=1)
    guessed = probabilities.argmax(axis=1)
    right = np.array([classes[i] == t for i, t in zip(guessed, truth, strict=True)])
    best = 1.0
    correct = 0
    for kept, i in enumerate(np.argsort(-top), start=1):
        correct += bool(right[i])
        if correct / kept >= precision:
            best = float(top[i])
    return math.floor(best * 10_000) / 10_000
