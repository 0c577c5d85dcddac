"""TF-IDF rows for a round's texts, tokenised with numpy so a million texts take seconds.

scikit-learn's TfidfVectorizer makes a Python string and a dictionary step for every word, which costs about
15 s for a national round's million texts. Here the words are found and hashed as bytes with numpy, then
scikit-learn's TfidfTransformer weighs the counts. The result is TfidfVectorizer(stop_words="english",
sublinear_tf=True)'s, up to the order of the columns (tests/matcher/test_scores.py holds it to that).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import (
    ENGLISH_STOP_WORDS,
    TfidfTransformer,
)

_PRIME = np.uint64(1099511628211)  # FNV's 64-bit prime: any odd multiplier with mixed bits would do
_BYTES_PER_CHUNK = 1 << 23
# Bytes of a word, as scikit-learn's token pattern (?u)\b\w\w+\b sees them: ASCII letters, digits,
# underscore, and every byte of a non-ASCII character (letters, mostly; punctuation is mapped away first).
_WORD = np.zeros(256, dtype=bool)
_WORD[[ord(c) for c in "abcdefghijklmnopqrstuvwxyz0123456789_"]] = True
_WORD[128:] = True
_UNICODE_PUNCTUATION = re.compile(r"[^\w\s\x00]")


def tfidf(texts: Sequence[str]) -> sp.csr_matrix:
    """L2-normalised TF-IDF rows, one per text, fitted on these texts (sublinear tf, no stop words)."""
    docs: list[npt.NDArray[np.int64]] = []
    hashes: list[npt.NDArray[np.uint64]] = []
    first = 0
    while first < len(texts):
        last, size = first, 0
        while last < len(texts) and (size < _BYTES_PER_CHUNK or last == first):
            size += len(texts[last]) + 1
            last += 1
        doc, key = _words(texts[first:last])
        docs.append(doc + first)
        hashes.append(key)
        first = last
    doc = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
    key = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
    # A hash table, not a sort: np.unique takes ~20 s on a national round's 26 million words.
    term, vocabulary = pd.factorize(key)
    stop = np.isin(vocabulary, _hash_words(sorted(ENGLISH_STOP_WORDS)))
    # Stop words become one extra column, dropped below, so the term ids need no renumbering.
    term = np.where(stop[term], len(vocabulary), term)
    counts = sp.csr_matrix(
        (np.ones(len(term), dtype=np.float32), (doc, term)), shape=(len(texts), len(vocabulary) + 1)
    )
    counts.sum_duplicates()
    counts = counts[:, np.flatnonzero(~stop)]
    weighted: sp.csr_matrix = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    return weighted


def _words(texts: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint64]]:
    """The text index and hash of every word of two or more characters."""
    joined = "\x00".join(texts).lower()
    if joined.count("\x00") != len(texts) - 1:  # a text with a NUL of its own: keep the breaks true
        joined = "\x00".join(text.replace("\x00", " ") for text in texts).lower()
    if not joined.isascii():
        joined = _UNICODE_PUNCTUATION.sub(" ", joined)
    raw = np.frombuffer(joined.encode("utf-8"), dtype=np.uint8)
    word = np.zeros(len(raw) + 2, dtype=np.int8)
    word[1:-1] = _WORD[raw]
    edges = np.diff(word)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    long_enough = (ends - starts) >= 2
    key = _hash_spans(raw, starts, ends)[long_enough]
    breaks = np.flatnonzero(raw == 0)
    doc = np.searchsorted(breaks, starts[long_enough]).astype(np.int64)
    return doc, key


def _hash_spans(
    raw: npt.NDArray[np.uint8], starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]
) -> npt.NDArray[np.uint64]:
    """A 64-bit polynomial hash of each byte span raw[start:end]."""
    if len(starts) == 0:
        return np.zeros(0, dtype=np.uint64)
    lengths = ends - starts
    first = np.cumsum(lengths) - lengths  # where each span's bytes begin in the flat list
    offset = np.arange(int(lengths.sum())) - np.repeat(first, lengths)
    at = np.repeat(starts, lengths) + offset
    powers = np.cumprod(np.full(int(lengths.max()), _PRIME, dtype=np.uint64))
    # Adding one keeps leading and trailing byte values distinguishable from absent bytes.
    terms = (raw[at].astype(np.uint64) + np.uint64(1)) * powers[offset]
    sums: npt.NDArray[np.uint64] = np.add.reduceat(terms, first)
    return sums + lengths.astype(np.uint64)


def _hash_words(words: Sequence[str]) -> npt.NDArray[np.uint64]:
    raw = np.frombuffer(" ".join(words).encode("utf-8"), dtype=np.uint8)
    lengths = np.array([len(w.encode("utf-8")) for w in words], dtype=np.int64)
    starts = np.cumsum(lengths + 1) - lengths - 1
    return _hash_spans(raw, starts, starts + lengths)
