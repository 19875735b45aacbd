"""A text classifier for citizen messages: character n-grams (Chinese needs no word
segmenter for them), two linear models — a support-vector model with probabilities
calibrated by Platt's sigmoid on cross-validated scores, and a complement naive Bayes —
whose probabilities are averaged, and a threshold below which it says `undetermined`.
The two err on different messages: together they rank the right label among the first
three more often (TipDM messages: 0.978 → 0.986) and first slightly more often.

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
from typing import Any, NamedTuple

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

from dutylist.text.features import MIN_DF, HashedTfidf

C = 0.5
ALPHA = 0.03  # the naive Bayes' smoothing
FOLDS = 5
MIN_EXAMPLES = 2 * FOLDS  # of each label, to calibrate inside each fold of the threshold's
TOP = 3
PARALLEL_FROM = 400  # messages in a batch from which two threads share the work


class Labelled(NamedTuple):  # tuples: a batch makes three of these a message
    label: str
    p: float


class Decision(NamedTuple):
    labels: tuple[Labelled, ...]  # the top 3, most probable first
    decided: str | None  # the top label if it clears the threshold, else None


class TextModel:
    """What a trained classifier is: its vocabularies and weights, nothing executable."""

    def __init__(self, classes: Sequence[str], blocks: list[HashedTfidf], coef: np.ndarray,
                 intercept: np.ndarray, sigmoid: np.ndarray, bayes: np.ndarray,
                 threshold: float, columns: int, meta: dict[str, Any],
                 svm_share: float = 0.5) -> None:  # fmt: skip
        self.classes = list(classes)
        self.blocks = blocks  # the joined text's features, then the first column's
        self.coef, self.intercept, self.sigmoid = coef, intercept, sigmoid  # sigmoid: (k, 2)
        self.bayes = bayes  # (k, features): the complement naive Bayes' log weights
        self.svm_share = svm_share  # the support-vector model's part of the mean (0: none)
        # both models' weights for each block's features, ready to multiply: a sparse row
        # times a slice of a larger array copies the slice every time
        self._weights = [
            (np.ascontiguousarray(coef[:, a:b].T), np.ascontiguousarray(bayes[:, a:b].T))
            for a, b in _spans(blocks)
        ]
        self.threshold = threshold
        self.columns = columns  # how many text columns it was trained on
        self.meta = meta

    def probabilities(self, texts: Sequence[Sequence[str]]) -> np.ndarray:
        """The mean of the two models' probabilities; a large batch in two halves on two
        threads (NumPy's sorts and SciPy's products let go of the interpreter's lock)."""
        if len(texts) < PARALLEL_FROM:
            return self._probabilities(texts)
        middle = len(texts) // 2
        with ThreadPoolExecutor(max_workers=2) as pool:
            halves = pool.map(self._probabilities, [texts[:middle], texts[middle:]])
            return np.vstack(list(halves))

    def _probabilities(self, texts: Sequence[Sequence[str]]) -> np.ndarray:
        matrices = _block_features(self.blocks, texts)
        scores = sum(np.asarray(m @ w) for m, (w, _) in zip(matrices, self._weights, strict=True))
        bayes = sum(np.asarray(m @ w) for m, (_, w) in zip(matrices, self._weights, strict=True))
        assert isinstance(scores, np.ndarray) and isinstance(bayes, np.ndarray)
        svm = self._svm(scores + self.intercept)
        bayes = np.exp(bayes - bayes.max(axis=1, keepdims=True))
        bayes /= bayes.sum(axis=1, keepdims=True)
        mean: np.ndarray = self.svm_share * svm + (1.0 - self.svm_share) * bayes
        return mean

    def _svm(self, scores: np.ndarray) -> np.ndarray:
        calibrated = 1.0 / (1.0 + np.exp(self.sigmoid[:, 0] * scores + self.sigmoid[:, 1]))
        if self.coef.shape[0] == 1:  # two classes, one score: the second's probability
            return np.column_stack([1.0 - calibrated[:, 0], calibrated[:, 0]])
        total = calibrated.sum(axis=1, keepdims=True)
        total[total == 0] = 1.0
        shaped: np.ndarray = calibrated / total
        return shaped

    def classify(
        self, texts: Sequence[Sequence[str]], min_p: float | None = None
    ) -> list[Decision]:
        """For each message (its text columns): the top labels and a decision."""
        threshold = self.threshold if min_p is None else min_p
        probabilities = self.probabilities(texts)
        # the top labels of every message at once: a loop over rows cost as much as
        # working out the probabilities
        order = np.argsort(-probabilities, axis=1, kind="stable")[:, :TOP]
        chances = np.round(np.take_along_axis(probabilities, order, axis=1), 4).tolist()
        classes = self.classes
        found = []
        for places, ps, parts in zip(order.tolist(), chances, texts, strict=True):
            labels = tuple(Labelled(classes[i], p) for i, p in zip(places, ps, strict=True))
            empty = not "".join(parts).strip()
            decided = labels[0].label if not empty and labels[0].p >= threshold else None
            found.append(Decision(labels, decided))
        return found


def train(texts: Sequence[Sequence[str]], labels: Sequence[str], precision: float = 0.95,
          seed: int = 0, meta: dict[str, Any] | None = None) -> TextModel:  # fmt: skip
    """A model of `texts` (each its text columns) and their labels, whose threshold
    reaches `precision` among the messages decided, judged on predictions for messages
    each made by a model that did not see them (5 folds).

    With at least MIN_EXAMPLES of every label, both models are trained and the
    support-vector model's scores calibrated; with fewer (a catalogue's names and
    aliases: one to five texts a problem) only the naive Bayes is, over every n-gram,
    and the folds hold back texts of labels still seen in the rest."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    if len(counts) < 2:
        raise ValueError("at least two labels are needed")
    few = min(counts.values()) < MIN_EXAMPLES
    columns = len(texts[0]) if texts else 1
    held = _fit(texts, labels, seed, columns, few)
    held.threshold = _threshold(texts, labels, seed, columns, few, precision)
    held.meta = {**(meta or {}), "precision_target": precision, "seed": seed,
                 "examples": len(labels), "few": few}  # fmt: skip
    return held


def _threshold(texts: Sequence[Sequence[str]], labels: Sequence[str], seed: int, columns: int,
               few: bool, precision: float) -> float:  # fmt: skip
    """The lowest top probability at which out-of-fold predictions reach `precision`."""
    folds = (KFold(FOLDS, shuffle=True, random_state=seed) if few
             else StratifiedKFold(FOLDS, shuffle=True, random_state=seed))  # fmt: skip
    guessed: list[np.ndarray] = []
    truth: list[str] = []
    for fit, judge in folds.split(list(texts), list(labels)):
        fit_labels = [labels[i] for i in fit]
        if len(set(fit_labels)) < 2:
            continue
        model = _fit([texts[i] for i in fit], fit_labels, seed, columns, few)
        seen = [i for i in judge if labels[i] in model.classes]  # a label it never saw
        if not seen:
            continue
        probabilities = model.probabilities([texts[i] for i in seen])
        everywhere = np.zeros((len(seen), len(set(labels))))  # in the full model's classes
        order = sorted(set(labels))
        for j, label in enumerate(model.classes):
            everywhere[:, order.index(label)] = probabilities[:, j]
        guessed.append(everywhere)
        truth += [labels[i] for i in seen]
    if not truth:
        return 1.0  # nothing to judge by: it never decides, and says so with candidates
    return choose_threshold(np.vstack(guessed), sorted(set(labels)), truth, precision)


def _block_features(
    blocks: Sequence[HashedTfidf], texts: Sequence[Sequence[str]]
) -> list[csr_matrix]:
    """Each block's features: the joined text's, then the first column's."""
    matrices = [blocks[0].transform([" ".join(parts) for parts in texts])]
    if len(blocks) > 1:
        matrices.append(blocks[1].transform([parts[0] if parts else "" for parts in texts]))
    return matrices


def _spans(blocks: Sequence[HashedTfidf]) -> list[tuple[int, int]]:
    """Where each block's columns lie among all the features."""
    spans, start = [], 0
    for block in blocks:
        spans.append((start, start + block.width))
        start += block.width
    return spans


def _features(blocks: Sequence[HashedTfidf], texts: Sequence[Sequence[str]]) -> csr_matrix:
    matrices = _block_features(blocks, texts)
    return hstack(matrices).tocsr() if len(matrices) > 1 else matrices[0]


def _fit(texts: Sequence[Sequence[str]], labels: Sequence[str], seed: int, columns: int,
         few: bool = False) -> TextModel:  # fmt: skip
    min_df = 1 if few else MIN_DF
    blocks = [HashedTfidf.fit([" ".join(parts) for parts in texts], min_df)]
    if columns > 1:
        blocks.append(HashedTfidf.fit([parts[0] for parts in texts], min_df))
    features = _features(blocks, texts)
    bayes = ComplementNB(alpha=ALPHA).fit(features, list(labels))
    classes = [str(c) for c in bayes.classes_]
    weights = np.asarray(bayes.feature_log_prob_, dtype=np.float64)
    if few:
        k, width = weights.shape
        svm_rows = 1 if k == 2 else k
        nothing = np.zeros((svm_rows, width)), np.zeros(svm_rows), np.zeros((svm_rows, 2))
        return TextModel(classes, blocks, *nothing, weights, 0.0, columns, {}, svm_share=0.0)
    calibrated = CalibratedClassifierCV(
        LinearSVC(C=C, random_state=seed), method="sigmoid", cv=FOLDS, ensemble=False
    )
    calibrated.fit(features, list(labels))
    [fitted] = calibrated.calibrated_classifiers_
    svm = fitted.estimator
    coef = np.asarray(svm.coef_, dtype=np.float64)
    intercept = np.asarray(svm.intercept_, dtype=np.float64)
    sigmoid = np.array([[c.a_, c.b_] for c in fitted.calibrators], dtype=np.float64)
    assert [str(c) for c in calibrated.classes_] == classes
    return TextModel(classes, blocks, coef, intercept, sigmoid, weights, 0.0, columns, {})


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
