"""The allocation engine: instances in, fair and explainable allocations out."""

import importlib
from typing import TYPE_CHECKING

from matcher.allocation import allocate
from matcher.instance import Instance, Result
from matcher.io import InstanceError, dump_result, load_instance
from matcher.people import KINDS, PATHWAYS, ROUTES, Opportunity, Student
from matcher.policy import CATEGORIES, PARTS, Policy

if TYPE_CHECKING:
    from matcher.candidates import Candidates
    from matcher.pipeline import build_instance, find_pair, prepare
    from matcher.postcodes import PostcodeError, PostcodeIndex
    from matcher.scores import PART_LABELS, Scores, explain, score
    from matcher.slots import (
        SlotInstance,
        SlotResult,
        allocate_slots,
        explain_slots,
        invite_limit,
        no_show_rate,
        with_slot_shares,
    )

# scikit-learn and pandas take over a second to import, and the web app imports matcher for far less, so
# the round's front half loads on first use (and python -m matcher.postcodes finds its module unloaded).
# candidates() is not here: matcher.candidates is its module.
_LAZY = {
    "Candidates": "matcher.candidates",
    "build_instance": "matcher.pipeline",
    "find_pair": "matcher.pipeline",
    "prepare": "matcher.pipeline",
    "PostcodeError": "matcher.postcodes",
    "PostcodeIndex": "matcher.postcodes",
    "PART_LABELS": "matcher.scores",
    "Scores": "matcher.scores",
    "explain": "matcher.scores",
    "score": "matcher.scores",
    # The slots allocator needs OR-Tools, which the web app's plain imports of matcher should not load.
    **dict.fromkeys(
        (
            "SlotInstance",
            "SlotResult",
            "allocate_slots",
            "explain_slots",
            "invite_limit",
            "no_show_rate",
            "with_slot_shares",
        ),
        "matcher.slots",
    ),
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'matcher' has no attribute {name!r}")


__all__ = [
    "CATEGORIES",
    "KINDS",
    "PART_LABELS",
    "PARTS",
    "PATHWAYS",
    "ROUTES",
    "Candidates",
    "Instance",
    "InstanceError",
    "Opportunity",
    "Policy",
    "PostcodeError",
    "PostcodeIndex",
    "Result",
    "Scores",
    "SlotInstance",
    "SlotResult",
    "Student",
    "allocate",
    "allocate_slots",
    "build_instance",
    "dump_result",
    "explain",
    "explain_slots",
    "find_pair",
    "invite_limit",
    "load_instance",
    "no_show_rate",
    "prepare",
    "score",
    "with_slot_shares",
]
