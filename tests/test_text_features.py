"""The hashed TF-IDF features against the formula worked out message by message in
plain Python: every n-gram of 1–3 characters (none across a message's end), its
bucket by the documented hash, sublinear counts, smoothed idf, unit length."""

from __future__ import annotations

import math
import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dutylist.text import features
from dutylist.text.features import BITS, HashedTfidf

WRAP = 1 << 64


def bucket(gram: str) -> int:
    """The bucket of one n-gram, as the module's docstring says: a running
    multiply-add over its code points, salted by its length, mixed once more."""
    prime = int(features.PRIME)
    hashed = 0
    for char in gram:
        hashed = (hashed * prime + ord(char)) % WRAP
    salt = int(features.SALTS[len(gram) - 1])
    return (((hashed ^ salt) * prime) % WRAP) >> (64 - BITS)


def grams(text: str) -> list[str]:
    cleaned = re.sub(r"\s\s+", " ", text.replace("\x00", " ").lower())
    return [cleaned[i : i + n] for n in (1, 2, 3) for i in range(len(cleaned) - n + 1)]


def expected(model: HashedTfidf, text: str) -> dict[int, float]:
    column_of = {int(b): c for c, b in enumerate(model.columns)}
    counts: dict[int, int] = {}
    for gram in grams(text):
        column = column_of.get(bucket(gram))
        if column is not None:
            counts[column] = counts.get(column, 0) + 1
    weights = {c: (1 + math.log(n)) * float(model.idf[c]) for c, n in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {c: w / norm for c, w in weights.items()}


MESSAGES = st.lists(
    st.text(
        alphabet=st.sampled_from(list("桃源街菜市场油烟很大没人管 \t\nAbc12\x00")), max_size=30
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(MESSAGES, MESSAGES)
def test_features_are_the_formula(training: list[str], batch: list[str]) -> None:
    model = HashedTfidf.fit(training + training)  # each n-gram of training twice: kept
    matrix = model.transform(batch).toarray()
    for row, text in zip(matrix, batch, strict=True):
        want = expected(model, text)
        got = {int(c): float(row[c]) for c in np.flatnonzero(row)}
        assert got.keys() == want.keys()
        for column, weight in want.items():
            assert math.isclose(got[column], weight, rel_tol=1e-9)


def test_a_batch_reads_each_message_as_alone() -> None:
    model = HashedTfidf.fit(["桃源街菜市场油烟", "桃源街菜市场油烟", "没人管", "没人管"])
    batch = model.transform(["桃源街", "没人管", "", "油烟很大"]).toarray()
    for row, text in zip(batch, ["桃源街", "没人管", "", "油烟很大"], strict=True):
        assert np.allclose(row, model.transform([text]).toarray()[0])
