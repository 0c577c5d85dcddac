"""Pupils to the time slots of encounter events (careers fairs, mock-interview days, workplace visits).

A slot is an opportunity with a capacity and a time. The allocation is the optimal mechanism's min-cost
flow (matcher/slot_flow.py has the network and the proof of its order) with these rules:

1. A slot's places, a pupil's list and a pupil's max_slots hold.
2. No pupil is in two slots at once: at most one slot per clash group (slot_flow.clash_groups; overlapping
   runs, merged across an event marked one-each; conservative where periods are not aligned).
3. In this order, exactly: the most places filled; then breadth before depth (every pupil's first slot
   before anyone's second, and so on), within each depth pupils with no encounter yet first, then
   disadvantaged or SEND pupils, then the rest; then, with school shares, the most places within their
   school's share (soft); then the highest total interest score (to 1/SCALE). Filling the most places
   never conflicts with the breadth and tier order (slot_flow's polymatroid argument), so nothing is traded.
4. The same instance and seed give the same result.
5. Each slot's waitlist: the pupils who listed it, were not given it and could take it as they stand (not
   at max_slots, holding no slot that overlaps it or is of the same one-each event), ordered as the
   allocation serves: fewest slots held, then tier, then higher score, then a seeded lottery.
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction
from time import perf_counter

import numpy as np

from matcher.instance import BoolArray, Int32Array, IntArray
from matcher.optimal import SCALE
from matcher.shares import school_shares
from matcher.slot_flow import Int8Array, entry_pupil, solve_slots
from matcher.slot_instance import SlotInstance, SlotResult


def pupil_tiers(instance: SlotInstance) -> Int8Array:
    """Each pupil's tier: 0 no encounter and priority, 1 no encounter, 2 priority, 3 the rest."""
    tier: Int8Array = (
        3 - 2 * instance.no_encounter.astype(np.int8) - instance.priority.astype(np.int8)
    ).astype(np.int8)
    return tier


def slot_shares(instance: SlotInstance) -> IntArray:
    """Places owed to each school, in proportion to the slots its pupils may hold, by largest remainder.

    As matcher.shares with each pupil counted once per slot they may hold: of min(places, slots the
    pupils may hold), ties to the school whose name sorts first.
    """
    seats = int(instance.capacity.sum())
    holders = np.repeat(instance.pupil_school, instance.max_slots).astype(np.int32)
    return school_shares(holders, instance.school_names, seats)


def with_slot_shares(instance: SlotInstance) -> SlotInstance:
    """The instance with school_share set by slot_shares."""
    return replace(instance, school_share=slot_shares(instance))


def allocate_slots(instance: SlotInstance, seed: int = 0, waitlist: int | None = None) -> SlotResult:
    """Allocate slots by the module's rules; `waitlist` bounds each slot's waitlist (None: everyone)."""
    from matcher.slot_report import slot_fairness

    started = perf_counter()
    instance.check()
    if waitlist is not None and waitlist < 0:
        raise ValueError("waitlist cannot be negative")
    tier = pupil_tiers(instance)
    built = perf_counter()
    flow = solve_slots(
        instance.pref_ptr,
        instance.pref_slot,
        instance.pref_score,
        instance.capacity,
        instance.slot_start,
        instance.slot_end,
        instance.slot_event,
        instance.event_one_each,
        instance.max_slots,
        tier,
        instance.pupil_school,
        instance.school_share,
        seed,
    )
    solved = perf_counter()
    pupil = entry_pupil(instance.pref_ptr)
    entry = np.flatnonzero(flow.given)
    held = np.bincount(pupil[entry], minlength=instance.n_pupils).astype(np.int64)
    ptr, waiting = waitlists(instance, flow.given, held, tier, waitlist, seed)
    listed = perf_counter()
    fairness = slot_fairness(instance, flow.given, held, tier)
    fairness["weights"] = flow.weights
    done = perf_counter()
    return SlotResult(
        seed=seed,
        pair_pupil=pupil[entry],
        pair_slot=instance.pref_slot[entry],
        pair_entry=entry.astype(np.int64),
        held=held,
        tier=tier,
        waitlist_ptr=ptr,
        waitlist_pupil=waiting,
        fairness=fairness,
        # "build" is checking the instance and the tiers; the network is built inside "solve".
        seconds={
            "build": built - started + flow.seconds["build"],  # checks, clash groups and the network
            "solve": flow.seconds["solve"],
            "waitlist": listed - solved,
            "fairness": done - listed,
        },
    )


def waitlists(
    instance: SlotInstance, given: BoolArray, held: IntArray, tier: Int8Array, limit: int | None, seed: int
) -> tuple[IntArray, Int32Array]:
    """Each slot's waitlist (CSR over slots), in the order of the module's rule 5."""
    n, m = instance.n_pupils, instance.n_slots
    pupil = entry_pupil(instance.pref_ptr)
    slot = instance.pref_slot
    candidate = np.flatnonzero(~given & (held[pupil] < instance.max_slots[pupil]))
    # Drop those holding a slot that clashes exactly (the waitlist offer must be takeable as it stands).
    taken = np.flatnonzero(given)
    if taken.size and candidate.size:
        before = np.cumsum(held) - held
        table = np.full((n, int(held.max())), -1, dtype=np.int64)
        table[pupil[taken], np.arange(taken.size) - before[pupil[taken]]] = slot[taken]
        cs, start, end, event = slot[candidate], instance.slot_start, instance.slot_end, instance.slot_event
        once = instance.event_one_each[event[cs]]
        clash = np.zeros(candidate.size, dtype=bool)
        for column in table[pupil[candidate]].T:
            there = column >= 0
            h = np.where(there, column, 0)
            overlap = (start[cs] < end[h]) & (start[h] < end[cs])
            clash |= there & (overlap | (once & (event[h] == event[cs])))
        candidate = candidate[~clash]
    lottery = np.random.default_rng([seed, 5]).permutation(n)
    cp = pupil[candidate]
    points = np.rint(instance.pref_score[candidate] * SCALE).astype(np.int64)
    order = np.lexsort((lottery[cp], -points, tier[cp], held[cp], slot[candidate]))
    candidate = candidate[order]
    counts = np.bincount(slot[candidate], minlength=m)
    if limit is not None:
        first = np.repeat(np.cumsum(counts) - counts, counts)
        candidate = candidate[np.arange(candidate.size) - first < limit]
        counts = np.minimum(counts, limit)
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return ptr, pupil[candidate]


def invite_limit(capacity: int, rate: float) -> int:
    """How many to invite so about `capacity` come: ceil(capacity / (1 - rate)), rate clipped to [0, 0.5]."""
    if capacity < 0:
        raise ValueError("capacity cannot be negative")
    if not math.isfinite(rate):
        raise ValueError("rate must be a number")
    # Exact arithmetic on the rate as written, so 9 places at 10% give 10 and not 11 from 9 / 0.9.
    clipped = min(max(Fraction(rate).limit_denominator(10**6), Fraction(0)), Fraction(1, 2))
    return math.ceil(Fraction(capacity) / (1 - clipped))


def no_show_rate(invited: int, absent: int, prior: float = 0.1, weight: int = 20) -> float:
    """Share of invited pupils who do not come, from past registers, smoothed toward `prior`.

    The prior counts as `weight` invitations already seen: (absent + prior * weight) / (invited + weight),
    so a few registers move the rate little and many move it to what they show.
    """
    if invited < 0 or not 0 <= absent <= invited:
        raise ValueError("absent must be between 0 and invited")
    if weight < 0 or not 0.0 <= prior <= 1.0:
        raise ValueError("prior must be in [0, 1] and weight from 0")
    if invited + weight == 0:
        return float(prior)
    return (absent + prior * weight) / (invited + weight)


def explain_slots(instance: SlotInstance, result: SlotResult, pupil: int) -> list[str]:
    """Plain English lines on why this pupil got the slots they got, or why not others."""
    from matcher.slot_report import explain

    return explain(instance, result, pupil)


def summaries(instance: SlotInstance, result: SlotResult) -> list[str]:
    """Each pupil's reason in brief (priority group, slots given, slots missed as full, school share)."""
    from matcher.slot_report import summaries as brief

    return brief(instance, result)


__all__ = [
    "SlotInstance",
    "SlotResult",
    "allocate_slots",
    "explain_slots",
    "invite_limit",
    "no_show_rate",
    "pupil_tiers",
    "slot_shares",
    "summaries",
    "waitlists",
    "with_slot_shares",
]
