"""A short-lived cache of report figures in each web process: a hub's figures read every record of up to
200 schools (about a second at 200,000 students), while the page is opened far more often than records change.

Figures are at most REPORT_CACHE_SECONDS old (the page says so); 0 turns the cache off (the tests' setting,
except the test of the cache itself).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app

T = TypeVar("T")
MOST = 256  # entries kept per process: every year group of a few years of a hub and its schools

_lock = threading.Lock()
_entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """compute(), or its value from the last REPORT_CACHE_SECONDS for the same key."""
    seconds = float(current_app.config["REPORT_CACHE_SECONDS"])
    if seconds <= 0:
        return compute()
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
        if hit is not None and now - hit[0] < seconds:
            _entries.move_to_end(key)
            return hit[1]  # type: ignore[no-any-return]
    value = compute()  # outside the lock: two requests at once may both compute, and both are right
    with _lock:
        _entries[key] = (now, value)
        _entries.move_to_end(key)
        while len(_entries) > MOST:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    """Forget every cached figure (tests)."""
    with _lock:
        _entries.clear()
