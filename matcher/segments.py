"""Sorting within groups: each student's few pairs, without one sort over all pairs of the round."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def group_order(group: npt.NDArray[np.integer], n_groups: int) -> tuple[IntArray, IntArray]:
    """A stable order putting equal groups together (0..n_groups-1), and each group's start (CSR ptr)."""
    counts = np.bincount(group, minlength=n_groups)
    ptr = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    order: IntArray = np.argsort(group, kind="stable").astype(np.int64)
    return order, ptr


def order_within(ptr: IntArray, key: npt.NDArray[np.floating]) -> IntArray:
    """Indices that sort key ascending inside each group ptr[g]:ptr[g+1], keeping ties in their order.

    Groups are short (a student's options), so they are laid out as rows of a small matrix and sorted
    row by row, which is several times faster than sorting all pairs by (group, key).
    """
    counts = np.diff(ptr)
    if len(key) == 0:
        return np.zeros(0, dtype=np.int64)
    width = int(counts.max())
    group = np.repeat(np.arange(len(counts)), counts)
    column = np.arange(len(key)) - ptr[group]
    rows = np.full((len(counts), width), np.inf, dtype=key.dtype)
    rows[group, column] = key
    del group, column
    within = np.argsort(rows, axis=1, kind="stable")
    del rows
    used = np.arange(width) < counts[:, None]  # the padding (inf) sorts last, after every real key
    ordered: IntArray = within[used] + np.repeat(ptr[:-1], counts)
    return ordered
