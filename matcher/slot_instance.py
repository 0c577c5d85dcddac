"""The slot allocation problem and its answer, as arrays (matcher/slots.py allocates it).

Pupils and slots are numbered 0..n-1 and 0..m-1; each pupil's list is a slice of the flat pref_* arrays
(compressed sparse rows), as in matcher.instance.Instance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.instance import BoolArray, FloatArray, Int32Array, IntArray
from matcher.slot_flow import Int8Array, entry_pupil


@dataclass(frozen=True, eq=False)
class SlotInstance:
    """Pupils listing time slots of events, with each slot's places and each pupil's priority."""

    pupil_ids: list[str]
    slot_ids: list[str]
    pref_ptr: IntArray  # (n + 1,): pupil p may take pref_slot[pref_ptr[p]:pref_ptr[p + 1]]
    pref_slot: Int32Array  # (E,)
    pref_score: FloatArray  # (E,) interest or route fit in [0, 1], higher better
    capacity: IntArray  # (m,) invitations the slot may send
    slot_start: IntArray  # (m,) minutes on a common clock
    slot_end: IntArray  # (m,) > slot_start
    slot_event: Int32Array  # (m,) index into event_one_each
    event_one_each: BoolArray  # (events,) True: at most one slot of this event per pupil
    max_slots: IntArray  # (n,) most slots a pupil may hold here
    no_encounter: BoolArray  # (n,) no encounter yet this school year
    priority: BoolArray  # (n,) disadvantaged or SEND
    pupil_school: Int32Array  # (n,) index into school_names, -1 for none
    school_names: list[str]
    school_share: IntArray | None = None  # (K,) places owed per school (slot_shares), or None

    @property
    def n_pupils(self) -> int:
        return len(self.pupil_ids)

    @property
    def n_slots(self) -> int:
        return len(self.slot_ids)

    def check(self) -> None:
        """Raise ValueError naming the first array that does not fit the others."""
        n, m, e = self.n_pupils, self.n_slots, self.pref_slot.size
        ptr = self.pref_ptr
        if ptr.shape != (n + 1,) or ptr[0] != 0 or ptr[-1] != e or (np.diff(ptr) < 0).any():
            raise ValueError("pref_ptr must rise from 0 to the number of entries, one more than the pupils")
        if self.pref_score.shape != (e,) or not np.isfinite(self.pref_score).all():
            raise ValueError("pref_score needs one finite score per entry")
        if e and (self.pref_slot.min() < 0 or self.pref_slot.max() >= m):
            raise ValueError("pref_slot names a slot that does not exist")
        for name in ("capacity", "slot_start", "slot_end", "slot_event"):
            if getattr(self, name).shape != (m,):
                raise ValueError(f"{name} needs one entry per slot")
        for name in ("max_slots", "no_encounter", "priority", "pupil_school"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"{name} needs one entry per pupil")
        if (self.capacity < 0).any() or (self.max_slots < 0).any():
            raise ValueError("capacity and max_slots cannot be negative")
        if (self.slot_end <= self.slot_start).any():
            raise ValueError("every slot must end after it starts")
        if m and (self.slot_event.min() < 0 or self.slot_event.max() >= self.event_one_each.size):
            raise ValueError("slot_event names an event that event_one_each does not have")
        k = len(self.school_names)
        if n and (self.pupil_school.min() < -1 or self.pupil_school.max() >= k):
            raise ValueError("pupil_school names a school that school_names does not have")
        if self.school_share is not None and (
            self.school_share.shape != (k,) or (self.school_share < 0).any()
        ):
            raise ValueError("school_share needs a whole number from 0 for each school")
        # A sort finds repeats several times faster than np.unique's hashing at hub scale.
        key = np.sort(entry_pupil(ptr).astype(np.int64) * max(m, 1) + self.pref_slot)
        if (key[1:] == key[:-1]).any():
            raise ValueError("a pupil lists the same slot twice")


@dataclass(frozen=True, eq=False)
class SlotResult:
    """The places given, each slot's waitlist, each pupil's tier, the fairness report and the seconds."""

    seed: int
    pair_pupil: Int32Array  # (F,) places given: pupil index ...
    pair_slot: Int32Array  # (F,) ... and slot index, by pupil then list order
    pair_entry: IntArray  # (F,) index of the place's entry in pref_slot / pref_score
    held: IntArray  # (n,) slots given to each pupil
    tier: Int8Array  # (n,) 0 no encounter and priority, 1 no encounter, 2 priority, 3 other
    waitlist_ptr: IntArray  # (m + 1,) slot s's waitlist is waitlist_pupil[ptr[s]:ptr[s + 1]]
    waitlist_pupil: Int32Array  # best first
    fairness: dict[str, object]
    seconds: dict[str, float]
