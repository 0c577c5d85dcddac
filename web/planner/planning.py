"""The term's plan from pupils' gaps and the offers pledged, by the engine's slot allocation
(matcher/slots.py): pure arrays in, pupils per offer out; the same inputs and seed give the same plan.

An offer is an engine slot: its seats are its sessions this term times its largest group, and a pupil takes
at most one place of an offer (one-each), each offer at its own time so none clash. A pupil lists offers
in reach (within the distance the organisation travels) that serve a measure they are short of, for their
year group, from a pool of the nearest with seats for twice their school's demand (see _individuals); the
score is how much of their gap a place fills, with the bigger gap first. The engine's first tier, which
for events is "no encounter yet", holds the pupils at risk on an entitlement the offer serves; its second,
disadvantaged and SEND pupils, as everywhere; each school's fair share as in hub rounds.

A whole-group offer (a tour for a tutor group, with its staff) goes first, to whole tutor groups: each group
is one engine "pupil" listing the whole-group offers its size fits, scored by the share of its pupils short
of what the offer serves; a group's pupils then need that much less in the second stage.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matcher.slots import SlotInstance, allocate_slots, with_slot_shares
from web.planner.gaps import PLANNED

NEAREST = 4  # offers a pupil lists per measure they are short of
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Pupils:
    """The hub's pupils: school (index), year group, priority (disadvantaged or SEND), tutor group (index
    into the plan's groups, -1 for none), and what each still needs (n, 3) and is at risk on (n, 3)."""

    school: IntArray
    year_group: IntArray
    priority: BoolArray
    group: IntArray
    need: FloatArray
    at_risk: BoolArray


@dataclass(frozen=True)
class Offers:
    """The offers pledged for the term: measure (column of PLANNED), amount of it, sessions, seats a session
    (its largest group), smallest group, whether for a whole group, year groups (m, 14) as a mask, and
    each school's distance to it in km ((schools, m); inf where it will not go)."""

    measure: IntArray
    amount: FloatArray
    sessions: IntArray
    seats: IntArray
    smallest: IntArray
    whole_group: BoolArray
    years: BoolArray
    km: FloatArray

    @property
    def m(self) -> int:
        return int(self.measure.size)


@dataclass
class Plan:
    """Who goes to which offer: (pupil, offer) pairs, and the whole groups (group, offer) placed."""

    pupil: IntArray
    offer: IntArray
    groups: list[tuple[int, int]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def plan_term(
    pupils: Pupils, offers: Offers, group_school: IntArray, group_year: IntArray, seed: int = 0
) -> Plan:
    """The term's plan: whole groups to whole-group offers, then pupils to the other offers' places."""
    need = pupils.need.copy()
    groups: list[tuple[int, int]] = []
    group_pupils: list[IntArray] = []
    whole = np.flatnonzero(offers.whole_group)
    if whole.size and group_school.size:
        groups, group_pupils = _whole_groups(pupils, offers, whole, group_school, group_year, need, seed)
        for (_, o), members in zip(groups, group_pupils, strict=True):
            column = offers.measure[o]
            need[members, column] = np.maximum(0.0, need[members, column] - offers.amount[o])
    single = np.flatnonzero(~offers.whole_group)
    pupil, offer = _individuals(pupils, offers, single, need, seed)
    if groups:
        extra_pupil = np.concatenate(group_pupils)
        extra_offer = np.concatenate(
            [np.full(len(m), o) for (_, o), m in zip(groups, group_pupils, strict=True)]
        )
        pupil, offer = np.concatenate([extra_pupil, pupil]), np.concatenate([extra_offer, offer])
    return Plan(pupil.astype(np.int64), offer.astype(np.int64), groups)


def _nearest(km: FloatArray, eligible: BoolArray, limit: int) -> IntArray:
    """The indices of up to `limit` eligible offers, nearest first (ties by index)."""
    found = np.flatnonzero(eligible & np.isfinite(km))
    if found.size > limit:
        found = found[np.lexsort((found, km[found]))[:limit]]
    else:
        found = found[np.lexsort((found, km[found]))]
    return found


def _individuals(
    pupils: Pupils, offers: Offers, usable: IntArray, need: FloatArray, seed: int
) -> tuple[IntArray, IntArray]:
    n = pupils.school.size
    short = need > 0
    wanted = np.flatnonzero(short.any(axis=1))
    if not wanted.size or not usable.size:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # Each (school, year group, measure) draws on a pool of its nearest offers, enough for twice its short
    # pupils' seats (and at least NEAREST); a pupil lists all of a small pool, or a window of 2 * NEAREST
    # of a larger one that moves round it pupil by pupil, so every seat in the pool is listed by someone.
    demand: dict[tuple[int, int, int], int] = defaultdict(int)
    for p in wanted.tolist():
        for column in np.flatnonzero(short[p]).tolist():
            demand[(int(pupils.school[p]), int(pupils.year_group[p]), column)] += 1
    usable_mask = np.zeros(offers.m, dtype=bool)
    usable_mask[usable] = True
    seats = offers.sessions * offers.seats
    pools: dict[tuple[int, int, int], IntArray] = {}
    for (school, year, column), count in demand.items():
        eligible = usable_mask & (offers.measure == column) & offers.years[:, year]
        nearest = _nearest(offers.km[school], eligible, offers.m)
        enough = int(np.searchsorted(np.cumsum(seats[nearest]), 2 * count)) + 1
        pools[(school, year, column)] = nearest[: max(NEAREST, enough)]
    window = 2 * NEAREST
    turn: dict[tuple[int, int, int], int] = defaultdict(int)
    ptr, slots, scores = [0], [], []
    keep = []
    for p in wanted.tolist():
        school, year = int(pupils.school[p]), int(pupils.year_group[p])
        listed, score = [], []
        for column in np.flatnonzero(short[p]).tolist():
            key = (school, year, column)
            pool = pools[key]
            if pool.size > window:
                start = turn[key] % pool.size
                turn[key] += window
                pool = np.roll(pool, -start)[:window]
            for o in pool.tolist():
                listed.append(o)
                # Half for the share of the gap it fills, half for the gap's size against the place.
                fill = min(1.0, offers.amount[o] / need[p, column])
                score.append(0.5 * fill + 0.5 * min(1.0, need[p, column] / max(offers.amount[o], 1.0)))
        if listed:
            keep.append(p)
            slots.extend(listed)
            scores.extend(score)
            ptr.append(len(slots))
    if not keep:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    people = np.array(keep)
    instance = SlotInstance(
        pupil_ids=[str(p) for p in keep],
        slot_ids=[str(o) for o in range(offers.m)],
        pref_ptr=np.array(ptr, dtype=np.int64),
        pref_slot=np.array(slots, dtype=np.int32),
        pref_score=np.clip(np.array(scores, dtype=np.float64), 0.0, 1.0),
        capacity=np.where(offers.whole_group, 0, offers.sessions * offers.seats).astype(np.int64),
        slot_start=np.arange(offers.m, dtype=np.int64) * 2,
        slot_end=np.arange(offers.m, dtype=np.int64) * 2 + 1,
        slot_event=np.arange(offers.m, dtype=np.int32),
        event_one_each=np.ones(offers.m, dtype=bool),
        max_slots=short[people].sum(axis=1).astype(np.int64),
        no_encounter=(pupils.at_risk[people] & short[people]).any(axis=1),
        priority=pupils.priority[people],
        pupil_school=pupils.school[people].astype(np.int32),
        school_names=[f"{k:06d}" for k in range(int(pupils.school.max()) + 1 if n else 0)],
    )
    result = allocate_slots(with_slot_shares(instance), seed=seed, waitlist=0)
    return people[result.pair_pupil].astype(np.int64), result.pair_slot.astype(np.int64)


def _whole_groups(
    pupils: Pupils,
    offers: Offers,
    whole: IntArray,
    group_school: IntArray,
    group_year: IntArray,
    need: FloatArray,
    seed: int,
) -> tuple[list[tuple[int, int]], list[IntArray]]:
    """Tutor groups to whole-group offers by the engine, each group one engine pupil of one seat."""
    in_group = np.flatnonzero(pupils.group >= 0)
    order = in_group[np.argsort(pupils.group[in_group], kind="stable")]
    count = group_school.size
    bounds = np.searchsorted(pupils.group[order], np.arange(count + 1))
    size = np.diff(bounds)
    # The share of each group's pupils short of each measure, and those at risk, disadvantaged or SEND.
    members_of = pupils.group[order]
    short_share = (
        np.stack(
            [np.bincount(members_of, need[order, c] > 0, minlength=count) for c in range(len(PLANNED))],
            axis=1,
        )
        / np.maximum(size, 1)[:, None]
    )
    risky = np.bincount(members_of, pupils.at_risk[order].any(axis=1), minlength=count) / np.maximum(size, 1)
    priority = np.bincount(members_of, pupils.priority[order], minlength=count) / np.maximum(size, 1)
    ptr, slots, scores, units = [0], [], [], []
    for g in np.flatnonzero(size).tolist():
        school, year = int(group_school[g]), int(group_year[g])
        km = offers.km[school, whole]
        score = short_share[g, offers.measure[whole]]
        fits = (offers.smallest[whole] <= size[g]) & (size[g] <= offers.seats[whole])
        fits &= offers.years[whole, year] & np.isfinite(km) & (score > 0)
        found = np.flatnonzero(fits)
        if not found.size:
            continue
        found = found[np.lexsort((whole[found], km[found]))[:NEAREST]]
        units.append(g)
        slots.extend(whole[found].tolist())
        scores.extend(score[found].tolist())
        ptr.append(len(slots))
    if not units:
        return [], []
    instance = SlotInstance(
        pupil_ids=[str(g) for g in units],
        slot_ids=[str(o) for o in range(offers.m)],
        pref_ptr=np.array(ptr, dtype=np.int64),
        pref_slot=np.array(slots, dtype=np.int32),
        pref_score=np.array(scores, dtype=np.float64),
        capacity=np.where(offers.whole_group, offers.sessions, 0).astype(np.int64),
        slot_start=np.arange(offers.m, dtype=np.int64) * 2,
        slot_end=np.arange(offers.m, dtype=np.int64) * 2 + 1,
        slot_event=np.arange(offers.m, dtype=np.int32),
        event_one_each=np.ones(offers.m, dtype=bool),
        max_slots=np.ones(len(units), dtype=np.int64),
        no_encounter=risky[units] >= 0.5,
        priority=priority[units] >= 1 / 3,
        pupil_school=np.array([group_school[g] for g in units], dtype=np.int32),
        school_names=[f"{k:06d}" for k in range(int(group_school.max()) + 1)],
    )
    result = allocate_slots(with_slot_shares(instance), seed=seed, waitlist=0)
    placed = [
        (units[u], int(o)) for u, o in zip(result.pair_pupil.tolist(), result.pair_slot.tolist(), strict=True)
    ]
    return placed, [order[bounds[g] : bounds[g + 1]] for g, _ in placed]


def greedy(pupils: Pupils, offers: Offers) -> Plan:
    """The first-come baseline: pupils in the order they were listed (the hub's import order), each given
    the first offer with a seat left that serves something they are short of, for their year, in reach."""
    left = (offers.sessions * offers.seats).astype(np.int64)
    need = pupils.need
    taken_pupil, taken_offer = [], []
    lists: dict[tuple[int, int, int], list[int]] = {}
    for p in np.flatnonzero((need > 0).any(axis=1)).tolist():
        school, year = int(pupils.school[p]), int(pupils.year_group[p])
        for column in np.flatnonzero(need[p] > 0).tolist():
            key = (school, year, column)
            if key not in lists:  # in reach, for the year, of the measure; full ones dropped as met
                fits = (offers.measure == column) & ~offers.whole_group & offers.years[:, year]
                lists[key] = np.flatnonzero(fits & np.isfinite(offers.km[school]))[::-1].tolist()
            open_offers = lists[key]
            while open_offers and left[open_offers[-1]] == 0:
                open_offers.pop()
            if open_offers:
                o = open_offers[-1]
                left[o] -= 1
                taken_pupil.append(p)
                taken_offer.append(o)
    return Plan(np.array(taken_pupil, dtype=np.int64), np.array(taken_offer, dtype=np.int64))
