"""One field of many records as a numpy array, read at C speed (map and attrgetter, no Python loop)."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt


def column(records: Sequence[Any], name: str, dtype: npt.DTypeLike) -> npt.NDArray[Any]:
    """records' attribute `name` (dotted names reach inside, e.g. "start.year") as an array of dtype."""
    return np.fromiter(map(attrgetter(name), records), dtype, len(records))


def values(records: Sequence[Any], name: str) -> list[Any]:
    """records' attribute `name` as a list."""
    return list(map(attrgetter(name), records))


def bits(records: Sequence[Any], name: str, bit: dict[Any, int]) -> npt.NDArray[np.int64]:
    """Per record, the OR of 1 << bit[x] over the items x of its tuple attribute `name` (unknown x: none)."""
    groups = values(records, name)
    counts = np.fromiter(map(len, groups), np.int64, len(groups))
    flat = np.fromiter((bit.get(x, -1) for group in groups for x in group), np.int64, int(counts.sum()))
    owner = np.repeat(np.arange(len(groups)), counts)
    known = flat >= 0
    mask = np.zeros(len(groups), dtype=np.int64)
    np.bitwise_or.at(mask, owner[known], np.left_shift(1, flat[known]))
    return mask
