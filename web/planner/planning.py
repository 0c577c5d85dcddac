"""The term's plan from pupils' gaps and the offers pledged, by the engine's slot allocation
(matcher/slots.py): pure arrays in, pupils per offer out; the same inputs and seed give the same plan.

An offer is an engine slot: its seats are its sessions this term times its largest group, and a pupil takes
one place for each measure they are short of, each offer at its own time so none clash. A pupil lists offers
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

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from matcher.slots import SlotInstance, allocate_slots, with_slot_shares
from web.planner.gaps import PLANNED

NEAREST, POOL, WINDOW = 4, 160, 16  # offers a (school, year, measure) pools at least and most; a pair lists
LAST_PLANNED = 14  # the highest year group a pupil can be in
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


def _individuals(
    pupils: Pupils, offers: Offers, usable: IntArray, need: FloatArray, seed: int
) -> tuple[IntArray, IntArray]:
    """Pupils to the single places, by the engine. Its "pupils" are (pupil, measure) pairs, one place for
    each measure a pupil is short of, so seats of one kind (a talk's hundreds) never crowd out another (a
    visit's hours).

    Each (school, year group, measure) draws on a pool of its nearest offers with seats enough for twice its
    short pupils, counting of each offer only its share among the combinations that can reach it (so
    neighbouring schools do not all crowd the same few), up to POOL offers. Its pairs are dealt at random
    (seeded) into cohorts of the pool's chunks of WINDOW, so every offer in the pool is listed by someone;
    the pairs of a cohort list the same offers with the same scores, which the engine serves alike (of the
    same tier) as one node of its flow."""
    short = need > 0
    unit_pupil, unit_column = np.nonzero(short)
    if not unit_pupil.size or not usable.size:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    years = LAST_PLANNED + 1
    unit_key = (pupils.school[unit_pupil] * years + pupils.year_group[unit_pupil]) * len(
        PLANNED
    ) + unit_column
    keys, unit_of_key, demand = np.unique(unit_key, return_inverse=True, return_counts=True)
    key_school = keys // (years * len(PLANNED))
    key_year = (keys // len(PLANNED)) % years
    key_column = keys % len(PLANNED)
    usable_mask = np.zeros(offers.m, dtype=bool)
    usable_mask[usable] = True
    eligible = (
        usable_mask[None, :]
        & (offers.measure[None, :] == key_column[:, None])
        & offers.years[:, key_year].T
        & np.isfinite(offers.km[key_school])
    )
    share = (offers.sessions * offers.seats) / np.maximum(eligible.sum(axis=0), 1)
    typical = np.bincount(unit_of_key, need[unit_pupil, unit_column], minlength=keys.size) / demand
    rng = np.random.default_rng([seed, 11])
    lottery = rng.permutation(unit_pupil.size)
    order = np.lexsort((lottery, unit_of_key))  # each key's pairs together, in a seeded order
    starts = np.concatenate([[0], np.cumsum(demand)])
    list_offers, list_scores, unit_list = [], [], np.zeros(unit_pupil.size, dtype=np.int64)
    for k in range(keys.size):
        found = np.flatnonzero(eligible[k])
        found = found[np.lexsort((found, offers.km[key_school[k], found]))]
        enough = int(np.searchsorted(np.cumsum(share[found]), 2 * demand[k])) + 1
        pool = found[: min(POOL, max(NEAREST, enough))]
        if not pool.size:
            unit_list[order[starts[k] : starts[k + 1]]] = -1
            continue
        chunks = [pool[i : i + WINDOW] for i in range(0, pool.size, WINDOW)]
        members = order[starts[k] : starts[k + 1]]
        for c, chunk in enumerate(chunks):
            amounts = offers.amount[chunk]
            # Half for the share of the gap it fills, half for the gap's size against the place.
            fill = np.minimum(1.0, amounts / typical[k])
            size = np.minimum(1.0, typical[k] / np.maximum(amounts, 1.0))
            unit_list[members[c :: len(chunks)]] = len(list_offers)
            list_offers.append(chunk)
            list_scores.append(np.clip(0.5 * fill + 0.5 * size, 0.0, 1.0))
    keep = np.flatnonzero(unit_list >= 0)
    if not keep.size:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    people, columns, lists = unit_pupil[keep], unit_column[keep], unit_list[keep]
    lengths = np.array([chunk.size for chunk in list_offers], dtype=np.int64)
    flat_offers, flat_scores = np.concatenate(list_offers), np.concatenate(list_scores)
    list_start = np.concatenate([[0], np.cumsum(lengths)])[:-1]
    unit_lengths = lengths[lists]
    ptr = np.concatenate([[0], np.cumsum(unit_lengths)])
    within = np.arange(int(ptr[-1])) - np.repeat(ptr[:-1], unit_lengths)
    entry = np.repeat(list_start[lists], unit_lengths) + within
    instance = SlotInstance(
        pupil_ids=[str(u) for u in range(keep.size)],
        slot_ids=[str(o) for o in range(offers.m)],
        pref_ptr=ptr.astype(np.int64),
        pref_slot=flat_offers[entry].astype(np.int32),
        pref_score=flat_scores[entry].astype(np.float64),
        capacity=np.where(offers.whole_group, 0, offers.sessions * offers.seats).astype(np.int64),
        slot_start=np.arange(offers.m, dtype=np.int64) * 2,
        slot_end=np.arange(offers.m, dtype=np.int64) * 2 + 1,
        slot_event=np.arange(offers.m, dtype=np.int32),
        event_one_each=np.ones(offers.m, dtype=bool),
        max_slots=np.ones(keep.size, dtype=np.int64),
        no_encounter=pupils.at_risk[people, columns],
        priority=pupils.priority[people],
        pupil_school=pupils.school[people].astype(np.int32),
        school_names=[f"{k:06d}" for k in range(int(pupils.school.max()) + 1)],
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
