"""The fairness report and the plain English explanations of a slots allocation (see matcher.slots)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from matcher.instance import BoolArray, Int32Array, IntArray
from matcher.slot_flow import Int8Array, clash_groups, entry_pupil

if TYPE_CHECKING:
    from matcher.slot_instance import SlotInstance, SlotResult

TIER_NAMES = ("no encounter and priority", "no encounter", "priority", "other")
_TIER_TEXT = (
    "no encounter yet this school year and disadvantaged or SEND, so served first",
    "no encounter yet this school year, so served second",
    "disadvantaged or SEND, so served third",
    "an encounter already this year and not disadvantaged or SEND, so served after those groups",
)


def slot_fairness(
    instance: SlotInstance, given: BoolArray, held: IntArray, tier: Int8Array
) -> dict[str, object]:
    """Pupils served (holding a slot) overall, by depth, tier and school; places filled; shares."""
    pupil = entry_pupil(instance.pref_ptr)
    entry = np.flatnonzero(given)
    filled = np.bincount(instance.pref_slot[entry], minlength=instance.n_slots)
    served = held > 0

    def group(members: BoolArray) -> dict[str, int]:
        return {
            "pupils": int(members.sum()),
            "served": int(served[members].sum()),
            "places": int(held[members].sum()),
        }

    report: dict[str, object] = {
        "pupils": instance.n_pupils,
        "served": int(served.sum()),
        "places": {
            "capacity": int(instance.capacity.sum()),
            "filled": int(entry.size),
            "slots_full": int(((filled >= instance.capacity) & (instance.capacity > 0)).sum()),
        },
        # Pupils holding at least 1, 2, ... slots.
        "by_depth": [int((held >= d).sum()) for d in range(1, int(held.max(initial=0)) + 1)],
        "by_tier": {name: group(tier == t) for t, name in enumerate(TIER_NAMES)},
        "score": float(instance.pref_score[entry].sum()),
    }
    by_school: dict[str, dict[str, int]] = {}
    school = instance.pupil_school
    for k, name in enumerate(instance.school_names):
        by_school[name] = group(school == k)
        if instance.school_share is not None:
            by_school[name]["share"] = int(instance.school_share[k])
    report["by_school"] = by_school
    if instance.school_share is not None:
        places = np.bincount(
            school[pupil[entry]][school[pupil[entry]] >= 0], minlength=len(instance.school_names)
        )
        within = int(np.minimum(places, instance.school_share).sum())
        report["school_share"] = {
            "seats": int(instance.school_share.sum()),
            "within": within,
            "beyond": int(places.sum()) - within,
        }
    return report


def summaries(instance: SlotInstance, result: SlotResult) -> list[str]:
    """Each pupil's reason in brief, for the person who approves their places: their priority group, how
    many slots they were given of those they may hold and how many they might have taken were full, and
    their school's share; computed for every pupil at once (explain gives one pupil's every slot)."""
    n = instance.n_pupils
    pupil = entry_pupil(instance.pref_ptr)
    given = np.zeros(instance.pref_slot.size, dtype=bool)
    given[result.pair_entry] = True
    filled = np.bincount(result.pair_slot, minlength=instance.n_slots)
    full = (filled >= instance.capacity)[instance.pref_slot]
    missed = np.bincount(pupil[~given & full], minlength=n).tolist()
    school = instance.pupil_school
    owed = instance.school_share
    on = np.bincount(
        school[result.pair_pupil][school[result.pair_pupil] >= 0], minlength=len(instance.school_names)
    )
    lines = []
    for p, (tier, held, most) in enumerate(
        zip(result.tier.tolist(), result.held.tolist(), instance.max_slots.tolist(), strict=True)
    ):
        text = f"Priority group {tier + 1} of 4: {_TIER_TEXT[tier]}. "
        text += f"Given {held} of the {most} slots they may hold"
        text += f"; {missed[p]} more they might have taken were full." if missed[p] else "."
        k = int(school[p])
        if owed is not None and k >= 0:
            text += f" Their school was owed {int(owed[k])} places and was given {int(on[k])}."
        lines.append(text + " Every pupil's first slot came before anyone's second.")
    return lines


def explain(instance: SlotInstance, result: SlotResult, p: int) -> list[str]:
    """Why pupil p was given what they were given, and why not each other slot they listed, line by line."""
    if not 0 <= p < instance.n_pupils:
        raise IndexError(f"no pupil {p}")
    ids, name = instance.slot_ids, instance.pupil_ids[p]
    tier = int(result.tier[p])
    lines = [
        f"{name} was in priority group {tier + 1} of 4: {_TIER_TEXT[tier]}.",
        "Every pupil's first slot comes before anyone's second, and so on; within each round the groups are "
        "served in order, as many places as possible are filled, and then the best interest fit wins.",
    ]
    lo, hi = int(instance.pref_ptr[p]), int(instance.pref_ptr[p + 1])
    if lo == hi:
        return [*lines, f"{name} listed no slots, so was given none."]
    mine = np.arange(lo, hi)
    slots = instance.pref_slot[mine]
    got = np.isin(mine, result.pair_entry)
    held, most = int(result.held[p]), int(instance.max_slots[p])
    if held:
        names = ", ".join(ids[s] for s in slots[got])
        lines.append(f"{name} was given {held} of the {most} slots they may hold: {names}.")
    else:
        lines.append(f"{name} was given no slot (they may hold {most}).")
    if instance.school_share is not None and instance.pupil_school[p] >= 0:
        k = int(instance.pupil_school[p])
        on = instance.pupil_school[result.pair_pupil] == k
        lines.append(
            f"Their school, {instance.school_names[k]}, was owed {int(instance.school_share[k])} places "
            f"and was given {int(on.sum())}."
        )
    group = clash_groups(
        np.zeros(mine.size, dtype=np.int32),
        slots,
        instance.slot_start,
        instance.slot_end,
        instance.slot_event,
        instance.event_one_each,
    )
    filled = np.bincount(result.pair_slot, minlength=instance.n_slots)
    for i in np.flatnonzero(~got).tolist():
        s = int(slots[i])
        lines.append(f"{ids[s]}: {_why_not(instance, result, p, s, i, slots, got, group, filled)}")
    return lines


def _why_not(
    instance: SlotInstance,
    result: SlotResult,
    p: int,
    s: int,
    i: int,
    slots: Int32Array,
    got: BoolArray,
    group: IntArray,
    filled: IntArray,
) -> str:
    """The reason pupil p was not given slot s (their i-th listed), with their place on its waitlist."""
    ids, start, end, event = instance.slot_ids, instance.slot_start, instance.slot_end, instance.slot_event
    waiting = result.waitlist_pupil[result.waitlist_ptr[s] : result.waitlist_ptr[s + 1]]
    place = np.flatnonzero(waiting == p)
    after = f" They are number {int(place[0]) + 1} on its waitlist." if place.size else ""
    if instance.capacity[s] == 0:
        return "it has no places."
    for h in slots[got].tolist():
        if start[s] < end[h] and start[h] < end[s]:
            return f"it is at the same time as {ids[h]}, which they were given."
        if event[s] == event[h] and instance.event_one_each[event[s]]:
            return (
                f"it is at the same event as {ids[h]}, which they were given; that event gives one slot each."
            )
    same = got & (group == group[i])
    if same.any():
        h = int(slots[np.flatnonzero(same)[0]])
        return (
            f"it is in a chain of overlapping slots with {ids[h]}, which they were given; a pupil gets at "
            "most one slot of such a chain, so that nobody is booked twice at once." + after
        )
    if result.held[p] >= instance.max_slots[p]:
        return f"they already hold the most slots they may ({int(instance.max_slots[p])})." + after
    if filled[s] >= instance.capacity[s]:
        holders = result.pair_pupil[result.pair_slot == s]
        earlier = int((result.tier[holders] < result.tier[p]).sum())
        level = int((result.tier[holders] == result.tier[p]).sum())
        later = holders.size - earlier - level
        text = (
            f"it was full: its {int(instance.capacity[s])} places went to {earlier} pupils of an earlier "
            f"priority group, {level} of theirs and {later} of a later one"
        )
        if later:
            text += (
                " (each held fewer slots than this pupil, or giving this pupil the place would take a slot "
                "from someone that nothing else could make up)"
            )
        return text + "." + after
    return "the allocation found no way to give it without a clash with a slot they were given." + after
