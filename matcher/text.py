"""TF-IDF rows for a round's texts, tokenised with numpy so a million texts take seconds.

scikit-learn's TfidfVectorizer makes a Python string and a dictionary step for every word, which costs about
15 s for a national round's million texts. Here the words are found and hashed as bytes with numpy, then
scikit-learn's TfidfTransformer weighs the counts. The result is TfidfVectorizer(stop_words="english",
sublinear_tf=True)'s, up to the order of the columns (tests/matcher/test_scores.py holds it to that).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

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
_THREADS = 2
# Bytes of a word, as scikit-learn's token pattern (?u)\b\w\w+\b sees them: ASCII letters, digits,
# underscore, and every byte of a non-ASCII character (letters, mostly; punctuation is mapped away first).
_WORD = np.zeros(256, dtype=bool)
_WORD[[ord(c) for c in "abcdefghijklmnopqrstuvwxyz0123456789_"]] = True
_WORD[128:] = True
_UNICODE_PUNCTUATION = re.compile(r"[^\w\s\x00]")


def tfidf(texts: Sequence[str]) -> sp.csr_matrix:
    """L2-normalised TF-IDF rows, one per text, fitted on these texts (sublinear tf, no stop words)."""
    bounds = [0]
    size = 0
    for i, text in enumerate(texts):
        size += len(text) + 1
        if size >= _BYTES_PER_CHUNK:
            bounds.append(i + 1)
            size = 0
    if bounds[-1] != len(texts):
        bounds.append(len(texts))
    with ThreadPoolExecutor(_THREADS) as pool:  # numpy lets go of the GIL for the byte work
        chunks = list(pool.map(lambda ab: _words(texts[ab[0] : ab[1]], ab[0]), pairwise(bounds)))
    doc = np.concatenate([c[0] for c in chunks]) if chunks else np.zeros(0, dtype=np.int32)
    key = np.concatenate([c[1] for c in chunks]) if chunks else np.zeros(0, dtype=np.uint64)
    del chunks
    # A hash table, not a sort: np.unique takes ~20 s on a national round's 26 million words.
    term, vocabulary = pd.factorize(key)
    del key
    stop = np.isin(vocabulary, _hash_words(sorted(ENGLISH_STOP_WORDS)))
    renumber = (np.cumsum(~stop) - 1).astype(np.int32)
    kept = ~stop[term]
    doc, term = doc[kept], renumber[term[kept]]
    # Words come in text order, so the rows are already grouped and the matrix is built as CSR directly.
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.bincount(doc, minlength=len(texts)), out=indptr[1:])
    counts = sp.csr_matrix(
        (np.ones(len(term), dtype=np.float32), term, indptr), shape=(len(texts), int((~stop).sum()))
    )
    counts.sum_duplicates()
    if counts.shape[0] == 0 or counts.shape[1] == 0:  # no texts or no words: nothing is similar
        return sp.csr_matrix(counts.shape, dtype=np.float32)
    weighted: sp.csr_matrix = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    return weighted


def _words(texts: Sequence[str], first: int) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint64]]:
    """The text index (counting from first) and hash of every word of two or more characters."""
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
    doc = (np.searchsorted(breaks, starts[long_enough]) + first).astype(np.int32)
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
