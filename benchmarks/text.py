"""Free-text classification measured on real citizen messages (issue 16's targets):
stratified 5-fold cross-validation on ../shared/data (the TipDM Cup 2020 train split),
for the first-level categories and for the departments of the official replies.

    python benchmarks/text.py

For each fold the model is trained exactly as `dutylist train` trains it (its threshold
chosen inside the fold, on a held-back fifth of the fold's training part) and judged on
the fold it never saw: accuracy, macro-F1, top-3 accuracy, the share it decides and the
precision among those. A plain TF-IDF character 1–3-gram + logistic-regression baseline
on the same folds is printed beside it. Speed: classifications per second one message
at a time and in one batch of the whole file (the median of five), and the seconds to
train on the whole file.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT.parent / "shared" / "data"

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from dutylist.text.classifier import train  # noqa: E402


def read(name: str, label: str) -> tuple[list[tuple[str, str]], list[str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [(r["title"], r["text"]) for r in rows], [r[label] for r in rows]


def evaluate(texts: list[tuple[str, str]], labels: list[str]) -> dict[str, float]:
    folds = StratifiedKFold(5, shuffle=True, random_state=0).split(texts, labels)
    got: dict[str, list[float]] = {k: [] for k in ("acc", "f1", "top3", "decided", "precision",
                                                   "base_acc", "base_f1", "base_top3")}  # fmt: skip
    for fit, judge in folds:
        model = train([texts[i] for i in fit], [labels[i] for i in fit])
        seen = [texts[i] for i in judge]
        truth = [labels[i] for i in judge]
        decisions = model.classify(seen)
        top = [d.labels[0].label for d in decisions]
        got["acc"].append(float(np.mean([a == b for a, b in zip(top, truth, strict=True)])))
        got["f1"].append(float(f1_score(truth, top, average="macro")))
        in_top3 = [t in [x.label for x in d.labels] for d, t in zip(decisions, truth, strict=True)]
        got["top3"].append(float(np.mean(in_top3)))
        decided = [(d.decided, t) for d, t in zip(decisions, truth, strict=True) if d.decided]
        got["decided"].append(len(decided) / len(truth))
        got["precision"].append(float(np.mean([a == b for a, b in decided])) if decided else 0.0)
        # the baseline: the plain recipe, on the same folds
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
        joined = [" ".join(t) for t in texts]
        fitted = vectorizer.fit_transform([joined[i] for i in fit])
        baseline = LogisticRegression(max_iter=1000).fit(fitted, [labels[i] for i in fit])
        probabilities = baseline.predict_proba(vectorizer.transform([joined[i] for i in judge]))
        classes = list(baseline.classes_)
        best = [classes[i] for i in probabilities.argmax(axis=1)]
        got["base_acc"].append(float(np.mean([a == b for a, b in zip(best, truth, strict=True)])))
        got["base_f1"].append(float(f1_score(truth, best, average="macro")))
        three = np.argsort(-probabilities, axis=1)[:, :3]
        base_top3 = [t in [classes[i] for i in row] for row, t in zip(three, truth, strict=True)]
        got["base_top3"].append(float(np.mean(base_top3)))
    return {k: float(np.mean(v)) for k, v in got.items()}


def speed(texts: list[tuple[str, str]], labels: list[str]) -> dict[str, float]:
    started = time.perf_counter()
    model = train(texts, labels)
    trained = time.perf_counter() - started
    sample = texts[:500]
    started = time.perf_counter()
    for text in sample:
        model.classify([text])
    one = len(sample) / (time.perf_counter() - started)
    rates = []
    for _ in range(5):  # one batch lasts a twentieth of a second: the median of five
        started = time.perf_counter()
        model.classify(texts)
        rates.append(len(texts) / (time.perf_counter() - started))
    return {"train_s": trained, "one_per_s": one, "batch_per_s": float(np.median(rates))}


def main() -> int:
    if not DATA.exists():
        print(f"no {DATA}: the benchmark needs the shared data beside the repository")
        return 2
    rows = []
    for name, label, title, targets in (
        ("tipdm-messages-train.csv", "label", "categories (7)", (0.85, 0.84, 0.99)),
        ("tipdm-replies-train.csv", "department", "departments", (0.60, None, None)),
    ):
        texts, labels = read(name, label)
        figures = evaluate(texts, labels)
        figures.update(speed(texts, labels))
        rows.append((title, len(texts), figures, targets))
    for title, count, f, (acc, f1, top3) in rows:
        print(f"{title}, {count:,} messages, stratified 5-fold")
        print(f"  accuracy         {f['acc']:.3f}   baseline {f['base_acc']:.3f}   target >= {acc}")
        print(f"  macro-F1         {f['f1']:.3f}   baseline {f['base_f1']:.3f}"
              + (f"   target >= {f1}" if f1 else ""))  # fmt: skip
        print(f"  top-3 accuracy   {f['top3']:.3f}   baseline {f['base_top3']:.3f}"
              + (f"   target >= {top3}" if top3 else ""))  # fmt: skip
        print(f"  decided          {f['decided']:.3f}   target >= 0.60")
        print(f"  precision, decided {f['precision']:.3f} target >= 0.95")
        print(f"  training         {f['train_s']:.1f} s on the whole file   target <= 60 s")
        print(f"  one at a time    {f['one_per_s']:,.0f} /s   target >= 2,000 /s")
        print(f"  batched          {f['batch_per_s']:,.0f} /s   target >= 20,000 /s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
