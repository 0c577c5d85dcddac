"""A short-lived cache in each web process, of report figures and of pages or parts of pages drawn from
them: a hub's figures read every record of up to 200 schools (about a second at 200,000 students), and
drawing a page takes tens of milliseconds more, while pages are opened far more often than records change.

Nothing is more than its setting's seconds old (REPORT_CACHE_SECONDS for reports, which say so): a value
worked out from other cached values is as old as the oldest of them. 0 turns the cache off (the tests'
setting, except the tests of the cache itself).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

from flask import current_app

T = TypeVar("T")
MOST = 256  # entries kept per process and setting: every year group of a few years of a hub and its schools

_lock = threading.Lock()
# Each setting's entries apart, so that pages drawn often cannot push out figures that are slow to work out.
_stores: dict[str, OrderedDict[Hashable, tuple[float, Any]]] = {}
# While a value is worked out: when the oldest cached value it used was worked out (infinity: none yet).
# None outside.
_oldest_used: ContextVar[float | None] = ContextVar("oldest_used", default=None)


def cached(key: Hashable, compute: Callable[[], T], setting: str = "REPORT_CACHE_SECONDS") -> T:
    """compute(), or its value from the last `setting` seconds (a config key) for the same key."""
    seconds = float(current_app.config[setting])
    if seconds <= 0:
        return compute()
    now = time.monotonic()
    with _lock:
        store = _stores.setdefault(setting, OrderedDict())
        hit = store.get(key)
        if hit is not None and now - hit[0] < seconds:
            store.move_to_end(key)
            _used(hit[0])
            return hit[1]  # type: ignore[no-any-return]
    # Outside the lock: two requests at once may both compute, and both are right.
    outer = _oldest_used.set(float("inf"))
    try:
        value = compute()
        born = min(now, _oldest_used.get() or now)
    finally:
        _oldest_used.reset(outer)
    _used(born)
    with _lock:
        store[key] = (born, value)
        store.move_to_end(key)
        while len(store) > MOST:
            store.popitem(last=False)
    return value


def _used(born: float) -> None:
    """Note that the value being worked out, if any, uses one worked out at `born`."""
    oldest = _oldest_used.get()
    if oldest is not None and born < oldest:
        _oldest_used.set(born)


def entries(setting: str) -> list[tuple[Hashable, Any]]:
    """What is kept for this setting, least recently used first (tests)."""
    with _lock:
        return [(key, value) for key, (_, value) in _stores.get(setting, {}).items()]


def clear() -> None:
    """Forget every cached figure and page (tests)."""
    with _lock:
        _stores.clear()
